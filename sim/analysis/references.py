"""Adaptive reference forecasts and block-bootstrap skill intervals for rolling backtests.

Two references learn from the months before the origin only (never the months scored):

- **online rate**: the chance the event happens in a month, (k + 0.5) / (m + 1) for k
  of the m record months before the origin, turned into the chance of at least one in
  H months as if months were independent: 1 - (1 - p)^H;
- **online Markov chain**: a first-order chain on "the event happened this month",
  its two transition chances P(event | last month had it) and P(event | it did not)
  counted from the pairs of consecutive months before the origin (each smoothed as
  (k + 0.5) / (m + 1)); from the state of the month before the origin, the chance of at
  least one event in H months is 1 - (1 - p_s)(1 - p_0)^(H - 1), where p_s is the
  transition chance from that state and p_0 the one from a month without it.

Skill intervals: the forecasts of one origin share its months and the windows of
neighbouring origins overlap, so origins are resampled in moving blocks (Kunsch 1989)
of ``block`` consecutive origins (default: the horizon, at least 3), every forecast of
a resampled origin going with it; the interval is the 2.5-97.5 percentile of
1 - Brier(model) / Brier(reference) over the resamples (seeded;
:func:`sim.scoring.block_bootstrap_skill`).
"""

import numpy as np
import pandas as pd

from sim import scoring

BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20250320
MIN_BLOCK = 3


def bootstrap_block(horizon_months: int) -> int:
    """Block length in origins: the horizon (windows that overlap move together), at
    least MIN_BLOCK."""
    return max(MIN_BLOCK, int(horizon_months))


def _before(events: pd.Series, origin: pd.Period) -> pd.Series:
    return events.loc[: origin - 1] if origin > events.index[0] else events.iloc[:0]


def online_rate(events: pd.Series, origin: pd.Period, months: int) -> float:
    """P(at least one event in ``months`` months) from the monthly rate before ``origin``."""
    past = _before(events, origin)
    p = (float(past.sum()) + 0.5) / (len(past) + 1)
    return float(1.0 - (1.0 - p) ** months)


def online_markov(events: pd.Series, origin: pd.Period, months: int) -> float:
    """P(at least one event in ``months`` months) from a first-order chain fitted on the
    months before ``origin`` (see the module docstring)."""
    past = _before(events, origin).astype(bool).to_numpy()
    prev, nxt = past[:-1], past[1:]
    p_from = [
        (float(nxt[prev == s].sum()) + 0.5) / (int((prev == s).sum()) + 1) for s in (False, True)
    ]
    state = bool(past[-1]) if len(past) else False
    p_none = (1.0 - p_from[state]) * (1.0 - p_from[False]) ** (months - 1)
    return float(1.0 - p_none)


def skill_intervals(forecasts, references, block: int) -> dict:
    """``{"vs_<reference>": [low, high]}`` over the scored forecasts (pooled)."""
    scored = [f for f in forecasts if f.observed is not None]
    o = np.array([f.observed for f in scored], dtype=float)
    p = np.array([f.p for f in scored], dtype=float)
    origins = [f.origin for f in scored]
    if not scored:
        return {f"vs_{ref}": [float("nan"), float("nan")] for ref in references}
    block = max(1, min(block, len(set(origins))))
    return {
        f"vs_{ref}": list(
            scoring.block_bootstrap_skill(
                p,
                np.array([getattr(f, ref) for f in scored], dtype=float),
                o,
                origins,
                block=block,
                draws=BOOTSTRAP_DRAWS,
                seed=BOOTSTRAP_SEED,
            )
        )
        for ref in references
    }
