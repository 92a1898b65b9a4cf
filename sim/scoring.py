"""Scoring rules for probability forecasts of yes/no events, in one place.

Both backtests (history cases, :mod:`sim.analysis.backtest`; rolling origins on the
record, :mod:`sim.analysis.rolling`) score with these:

- :func:`brier`: mean of (p - o)^2 (0 is perfect);
- :func:`log_loss`: mean of -[o ln p + (1 - o) ln(1 - p)], with p kept inside
  [eps, 1 - eps]; for a Monte Carlo forecast from n worlds eps is
  :func:`monte_carlo_eps` = 1 / (2n), because an estimate of 0 means "fewer than one in
  n", not impossible;
- :func:`skill`: 1 - score(model) / score(reference) (1 perfect, 0 no better than the
  reference, below 0 worse);
- :func:`smoothed_rate`: a reference forecast from k events in m trials, shrunk toward
  1/2 as (k + 0.5) / (m + 1) (a Jeffreys-style estimate: never 0 or 1 from few trials);
- :func:`block_bootstrap_skill`: an interval for the skill against a reference, by a
  moving-block bootstrap over time (forecasts from neighbouring origins share months, so
  they are resampled in runs of consecutive origins); a block of 1 is the ordinary
  bootstrap (:func:`bootstrap_skill`).

A new reference forecast is one more array of probabilities beside the model's: score
it with :func:`brier` and :func:`log_loss`, compare with :func:`skill`, and give it an
interval with :func:`block_bootstrap_skill`.
"""

import numpy as np

BOOTSTRAP_DRAWS = 2_000


def brier(p, o) -> float:
    """Mean squared difference between forecasts ``p`` and outcomes ``o`` (0/1); NaN if
    there are none."""
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=bool)
    return float(np.mean((p - o) ** 2)) if len(p) else float("nan")


def log_loss(p, o, eps: float = 0.0) -> float:
    """Mean negative log likelihood of outcomes ``o`` under forecasts ``p``, with p kept
    inside [eps, 1 - eps] (see :func:`monte_carlo_eps`); NaN if there are none."""
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=bool)
    if not len(p):
        return float("nan")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(np.where(o, np.log(p), np.log1p(-p))))


def monte_carlo_eps(n_worlds: int) -> float:
    """How far from 0 and 1 a forecast from ``n_worlds`` worlds is kept for the log
    loss: half a world, 1 / (2n)."""
    return 1 / (2 * n_worlds)


def skill(model: float, reference: float) -> float:
    """1 - model / reference for a score where lower is better (NaN if the reference
    scores 0: a perfect reference leaves nothing to improve on)."""
    return 1 - model / reference if reference > 0 else float("nan")


def smoothed_rate(k: int, m: int) -> float:
    """(k + 0.5) / (m + 1): the rate of k events in m trials, shrunk toward 1/2."""
    return (k + 0.5) / (m + 1)


def block_bootstrap_skill(
    p,
    q,
    o,
    times=None,
    *,
    block: int,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """A percentile interval for the Brier skill of forecasts ``p`` against reference
    forecasts ``q`` of outcomes ``o``, by a moving-block bootstrap over time.

    ``times`` gives each forecast's time (e.g. its origin; default: its position, one
    forecast per time); forecasts of the same time are always resampled together. Each
    draw picks blocks of ``block`` consecutive times (starting anywhere a whole block
    fits) with replacement until it has as many times as the data, and scores every
    forecast of the chosen times. A draw whose reference scores 0 is dropped (skill
    undefined). Written here rather than taken from a library: scipy's bootstrap has no
    block scheme, and ``arch`` would bring statsmodels for the few lines that draw the
    blocks.
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    o = np.asarray(o, dtype=bool)
    if not len(p) == len(q) == len(o):
        raise ValueError(
            f"forecasts, references and outcomes differ in length: {len(p)}, {len(q)}, {len(o)}"
        )
    if not len(p):
        return float("nan"), float("nan")
    times = np.arange(len(p)) if times is None else np.asarray(times)
    labels, index = np.unique(times, return_inverse=True)
    n_times = len(labels)
    if not 1 <= block <= n_times:
        raise ValueError(f"a block must be 1 to {n_times} times long, got {block}")
    # Per time: the sums of squared errors and the count, so a draw only adds them up.
    model_sse = np.bincount(index, (p - o) ** 2, n_times)
    ref_sse = np.bincount(index, (q - o) ** 2, n_times)
    rng = np.random.default_rng(seed)
    n_blocks = -(-n_times // block)
    starts = rng.integers(0, n_times - block + 1, size=(draws, n_blocks))
    chosen = (starts[:, :, None] + np.arange(block)).reshape(draws, -1)[:, :n_times]
    model, ref = model_sse[chosen].sum(axis=1), ref_sse[chosen].sum(axis=1)
    ok = ref > 0
    skills = 1 - model[ok] / ref[ok]
    if not len(skills):
        return float("nan"), float("nan")
    tail = (1 - confidence) / 2
    lo, hi = np.quantile(skills, [tail, 1 - tail])
    return float(lo), float(hi)


def bootstrap_skill(
    p, q, o, *, draws: int = BOOTSTRAP_DRAWS, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float]:
    """The ordinary bootstrap interval of the skill: forecasts resampled one by one
    (for forecasts that share no months, such as history cases a year apart)."""
    return block_bootstrap_skill(p, q, o, block=1, draws=draws, seed=seed, confidence=confidence)
