"""Adaptive references and block-bootstrap skill intervals (issue 17, item 5)."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.references import online_markov, online_rate
from sim.scoring import block_bootstrap_skill


def series(bits, start="2021-01"):
    index = pd.period_range(start, periods=len(bits), freq="M")
    return pd.Series(np.asarray(bits, dtype=bool), index=index)


def test_online_rate_uses_months_before_the_origin_only():
    ev = series([1, 0, 0, 1, 1, 1, 1, 1])
    origin = pd.Period("2021-05", freq="M")  # 4 months before it, 2 with the event
    p = (2 + 0.5) / (4 + 1)
    assert online_rate(ev, origin, 1) == pytest.approx(p)
    assert online_rate(ev, origin, 3) == pytest.approx(1 - (1 - p) ** 3)
    changed = ev.copy()
    changed.iloc[4:] = False
    assert online_rate(changed, origin, 3) == online_rate(ev, origin, 3)


def test_online_markov_reads_the_last_month_before_the_origin():
    # pairs before 2021-07: 1->1, 1->0, 0->0, 0->1, 1->1:
    # P(1|1) = (2 + .5) / (3 + 1), P(1|0) = (1 + .5) / (2 + 1)
    ev = series([1, 1, 0, 0, 1, 1, 0, 0])
    origin = pd.Period("2021-07", freq="M")
    p11, p01 = 2.5 / 4, 1.5 / 3
    assert online_markov(ev, origin, 1) == pytest.approx(p11)
    assert online_markov(ev, origin, 3) == pytest.approx(1 - (1 - p11) * (1 - p01) ** 2)
    after_quiet = series([1, 1, 0, 0, 1, 0, 0, 0])
    assert online_markov(after_quiet, origin, 1) < online_markov(ev, origin, 1)


def test_block_bootstrap_interval_contains_a_clear_skill_and_is_seeded():
    rng = np.random.default_rng(0)
    origins = [pd.Period("2022-01", freq="M") + i for i in range(18) for _ in range(5)]
    o = (rng.random(90) < 0.4).astype(float)
    p = np.clip(0.6 * o + 0.2 + rng.normal(0, 0.1, 90), 0, 1)
    q = np.full(90, 0.4)
    lo, hi = block_bootstrap_skill(p, q, o, origins, block=3)
    skill = 1 - np.mean((p - o) ** 2) / np.mean((q - o) ** 2)
    assert 0 < lo <= skill <= hi < 1
    assert block_bootstrap_skill(p, q, o, origins, block=3) == (lo, hi)
    assert block_bootstrap_skill(q, q, o, origins, block=3) == (0.0, 0.0)
