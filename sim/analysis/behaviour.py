"""Does behaviour matter? Two measurements of how much the actors' reasons move the rungs.

**Baku's chain against the zero-utility chain.** The weekly transition matrix over the
rungs, estimated from simulated weekly rung transitions (``world.rung`` before and after
each week, in worlds running on both sides of it) of a scenario set up as of a month
(``scenario_as_of``: the conditions dated on or before its 1st; later changes are not
switched on, so the matrix describes Baku as of that month), against the same worlds run
with every one of Baku's utilities set to zero (:class:`ZeroUtilityAzerbaijan`: Baku's
agent computes ``utilities`` in ``observe`` as usual and this subclass zeroes them; what is
left is the chain that noise and the cost of moving make). Both runs share their seed
(common random numbers: the same parameter draws and weekly draws per world). For each
row (a rung Baku starts the week from, 0-3) the total-variation distance
0.5 * sum_j |P(i, j) - Q(i, j)| over all six rungs, their mean, and a 95% interval by
resampling worlds (both chains resampled with the same worlds; seeded).

**Each lever's effect.** A lever is a counterfactual scenario (``scenarios/
counterfactuals/``): the parameters and starting state it changes relative to the
scenario it extends (``reference``), laid over the scenario studied (:func:`lever_scenario`;
over the reference itself that is the counterfactual as shipped). Each lever runs on the
same worlds as the scenario (same seed and chunks: common random numbers), 12 months
(52 weeks) by default, and the effect on border clash, limited incursion and full-scale
invasion is given as a paired difference (mean of per-world differences, 95% normal
interval from their spread) and a ratio (95% interval by the delta method on the log
ratio, with the paired covariance), with each probability's Wilson interval and n.
"""

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sim.actors.azerbaijan import Azerbaijan
from sim.ladder import N_RUNGS
from sim.montecarlo import ChunkTask, build_model, chunk_tasks
from sim.outcomes import OUTCOME_NAMES
from sim.record import scenario_as_of
from sim.scenario import Scenario
from sim.seeding import DEFAULT_CHUNK_SIZE
from sim.stats import wilson_interval

ROWS = 4  # the rungs whose rows are compared: 0-3 (the record's rungs)
BOOTSTRAP_DRAWS = 200
BOOTSTRAP_SEED = 20250320
LEVER_OUTCOMES = ("border_clash", "limited_incursion", "full_scale_invasion")
LEVER_WEEKS = 52
Z95 = 1.959963984540054


class ZeroUtilityAzerbaijan(Azerbaijan):
    """Baku with every utility set to zero: its agent computes the week's utilities as
    the shipped one does (whatever its rule) and then forgets them, so its choice rests
    on what is left (noise, the cost of moving). Replaces the shipped Azerbaijan through
    ``Scenario.with_actors`` (:mod:`sim.custom_actors`)."""

    def observe(self, w, v, u):
        super().observe(w, v, u)
        self.utilities = np.zeros_like(self.utilities)


# --- the transition matrices ----------------------------------------------------------


def transition_counts(task: ChunkTask) -> np.ndarray:
    """Per-world counts of weekly rung transitions over a chunk's horizon: shape
    (worlds, 6, 6), [from, to], for weeks the world runs through."""
    model = build_model(task)
    n = model.n_worlds
    flat = np.zeros(n * N_RUNGS * N_RUNGS, dtype=np.int64)
    base = np.arange(n) * N_RUNGS * N_RUNGS
    for _ in range(task.horizon_weeks):
        before = model.world.rung.astype(np.int64)
        running = model.world.active.copy()
        model.step()
        w = model.world
        keep = running & w.active
        index = base + before * N_RUNGS + w.rung.astype(np.int64)
        flat += np.bincount(index[keep], minlength=flat.size)
    model.release()
    return flat.reshape(n, N_RUNGS, N_RUNGS).astype(np.int32)


def row_shares(counts: np.ndarray) -> np.ndarray:
    """Rows of a (6, 6) count matrix as shares (NaN in a row never visited)."""
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, counts / np.maximum(totals, 1), np.nan)


def tv_rows(p_counts: np.ndarray, q_counts: np.ndarray, rows: int = ROWS) -> np.ndarray:
    """Total-variation distance of each of the first ``rows`` rows (NaN where a row was
    never visited in one of the chains)."""
    p, q = row_shares(p_counts)[:rows], row_shares(q_counts)[:rows]
    return 0.5 * np.abs(p - q).sum(axis=1)


@dataclass(frozen=True)
class TransitionComparison:
    """The chain of a scenario and its zero-utility chain on the same worlds."""

    scenario: str
    as_of: str
    weeks: int
    worlds: int
    seed: int
    model_counts: np.ndarray  # (6, 6)
    zero_counts: np.ndarray  # (6, 6)
    tv_ci: np.ndarray = field(repr=False)  # (ROWS + 1, 2): each row's, then the mean's

    @property
    def tv(self) -> np.ndarray:
        return tv_rows(self.model_counts, self.zero_counts)

    @property
    def mean_tv(self) -> float:
        return float(np.nanmean(self.tv))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "as_of": self.as_of,
            "weeks": self.weeks,
            "worlds": self.worlds,
            "seed": self.seed,
            "rows": list(range(ROWS)),
            "model": row_shares(self.model_counts)[:ROWS].tolist(),
            "zero_utility": row_shares(self.zero_counts)[:ROWS].tolist(),
            "model_transitions_per_row": self.model_counts.sum(axis=1)[:ROWS].tolist(),
            "zero_transitions_per_row": self.zero_counts.sum(axis=1)[:ROWS].tolist(),
            "tv_per_row": self.tv.tolist(),
            "tv_per_row_ci": self.tv_ci[:ROWS].tolist(),
            "tv_mean": self.mean_tv,
            "tv_mean_ci": self.tv_ci[ROWS].tolist(),
            "interval": f"95%, {BOOTSTRAP_DRAWS} resamples of worlds (both chains together)",
        }


def _bootstrap_tv(model: np.ndarray, zero: np.ndarray) -> np.ndarray:
    """(ROWS + 1, 2): the 2.5-97.5% of each row's distance and of their mean over
    resamples of the worlds (per-world counts (n, 6, 6); the same worlds in both)."""
    n = model.shape[0]
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    m, z = model.reshape(n, -1).astype(np.float64), zero.reshape(n, -1).astype(np.float64)
    draws = np.empty((BOOTSTRAP_DRAWS, ROWS + 1))
    for b in range(BOOTSTRAP_DRAWS):
        weights = np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64)
        tv = tv_rows(
            (weights @ m).reshape(N_RUNGS, N_RUNGS), (weights @ z).reshape(N_RUNGS, N_RUNGS)
        )
        draws[b, :ROWS] = tv
        draws[b, ROWS] = np.nanmean(tv) if np.isfinite(tv).any() else np.nan
    with np.errstate(invalid="ignore"):
        return np.nanpercentile(draws, [2.5, 97.5], axis=0).T


def transition_comparison(
    scenario: Scenario,
    as_of: str | None = "2024-03",
    weeks: int = LEVER_WEEKS,
    n: int = 4000,
    seed: int = 20250320,
    conditions=None,
    workers: int = 1,
    dask=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> TransitionComparison:
    """Baku's weekly chain in ``scenario`` set up as of ``as_of`` (None: as it is)
    against its zero-utility chain, on the same worlds (see the module docstring)."""
    from sim.parallel import map_ordered

    start = scenario if as_of is None else scenario_as_of(scenario, as_of, conditions)
    zero = start.with_actors(ZeroUtilityAzerbaijan)
    parts = {}
    for name, chosen in (("model", start), ("zero", zero)):
        tasks = chunk_tasks(chosen, n, seed, weeks, chunk_size)
        parts[name] = np.concatenate(
            list(map_ordered(transition_counts, tasks, workers=workers, dask=dask))
        )
    return TransitionComparison(
        scenario.name,
        "as it is" if as_of is None else str(as_of),
        int(weeks),
        int(n),
        int(seed),
        parts["model"].sum(axis=0),
        parts["zero"].sum(axis=0),
        _bootstrap_tv(parts["model"], parts["zero"]),
    )


# --- the levers -----------------------------------------------------------------------


def lever_changes(counterfactual: Scenario, reference: Scenario) -> tuple[list[str], list[str]]:
    """The parameter keys and starting-state fields a counterfactual changes relative
    to ``reference`` (the scenario it extends)."""
    keys = [
        k
        for k, entry in counterfactual.parameters.items()
        if k not in reference.parameters or reference.parameters[k].dist != entry.dist
    ]
    a, b = counterfactual.initial, reference.initial
    fields = [f for f in vars(a) if getattr(a, f) != getattr(b, f)]
    return keys, fields


def lever_scenario(base: Scenario, counterfactual: Scenario, reference: Scenario) -> Scenario:
    """``base`` with what ``counterfactual`` changes relative to ``reference`` laid over
    it (its parameters' distributions and starting-state fields)."""
    keys, fields = lever_changes(counterfactual, reference)
    parameters = {**base.parameters, **{k: counterfactual.parameters[k] for k in keys}}
    initial = replace(base.initial, **{f: getattr(counterfactual.initial, f) for f in fields})
    name = counterfactual.name if base is reference else f"{base.name} + {counterfactual.name}"
    return replace(base, name=name, parameters=parameters, initial=initial)


def lever_indicators(task: ChunkTask) -> np.ndarray:
    """(len(LEVER_OUTCOMES), worlds) booleans: which of the lever outcomes happened in
    each world of a chunk by its horizon."""
    model = build_model(task).run()
    rows = [OUTCOME_NAMES.index(o) for o in LEVER_OUTCOMES]
    out = model.outcome_indicators()[rows]
    model.release()
    return out


@dataclass(frozen=True)
class Effect:
    """A lever's effect on one outcome, paired over the same worlds."""

    outcome: str
    n: int
    k_base: int
    k_lever: int
    diff_ci: tuple[float, float]
    log_ratio_se: float

    @property
    def p_base(self) -> float:
        return self.k_base / self.n

    @property
    def p_lever(self) -> float:
        return self.k_lever / self.n

    @property
    def diff(self) -> float:
        return self.p_lever - self.p_base

    @property
    def ratio(self) -> float:
        return self.p_lever / self.p_base if self.k_base else float("nan")

    @property
    def ratio_ci(self) -> tuple[float, float]:
        if not (self.k_base and self.k_lever and np.isfinite(self.log_ratio_se)):
            return (float("nan"), float("nan"))
        log = np.log(self.ratio)
        half = Z95 * self.log_ratio_se
        return (float(np.exp(log - half)), float(np.exp(log + half)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "n": self.n,
            "p_base": self.p_base,
            "p_base_ci": list(wilson_interval(self.k_base, self.n)),
            "p_lever": self.p_lever,
            "p_lever_ci": list(wilson_interval(self.k_lever, self.n)),
            "difference": self.diff,
            "difference_ci": list(self.diff_ci),
            "ratio": self.ratio,
            "ratio_ci": list(self.ratio_ci),
        }


def paired_effect(outcome: str, base: np.ndarray, lever: np.ndarray) -> Effect:
    """The paired difference and ratio of two boolean arrays over the same worlds."""
    x, y = base.astype(np.float64), lever.astype(np.float64)
    n = x.size
    d = y - x
    se = float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    diff = float(d.mean())
    px, py = x.mean(), y.mean()
    if px > 0 and py > 0 and n > 1:
        cov = np.cov(x, y, ddof=1)
        var = cov[1, 1] / py**2 + cov[0, 0] / px**2 - 2 * cov[0, 1] / (px * py)
        log_se = float(np.sqrt(max(var, 0.0) / n))
    else:
        log_se = float("nan")
    return Effect(
        outcome, n, int(x.sum()), int(y.sum()), (diff - Z95 * se, diff + Z95 * se), log_se
    )


@dataclass(frozen=True)
class LeverEffect:
    name: str
    changes: list[str]
    effects: list[Effect]

    def to_dict(self) -> dict[str, Any]:
        return {
            "lever": self.name,
            "changes": self.changes,
            "effects": [e.to_dict() for e in self.effects],
        }


def _indicators(scenario, n, seed, weeks, workers, dask, chunk_size) -> np.ndarray:
    from sim.parallel import map_ordered

    tasks = chunk_tasks(scenario, n, seed, weeks, chunk_size)
    return np.concatenate(
        list(map_ordered(lever_indicators, tasks, workers=workers, dask=dask)), axis=1
    )


def lever_effects(
    base: Scenario,
    levers: list[Scenario],
    reference: Scenario,
    n: int = 4000,
    seed: int = 20250320,
    weeks: int = LEVER_WEEKS,
    workers: int = 1,
    dask=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress=None,
) -> list[LeverEffect]:
    """Each lever laid over ``base`` against ``base`` itself, on the same worlds."""
    baseline = _indicators(base, n, seed, weeks, workers, dask, chunk_size)
    out = []
    for i, cf in enumerate(levers):
        if progress is not None:
            progress(i, len(levers))
        keys, fields = lever_changes(cf, reference)
        chosen = lever_scenario(base, cf, reference)
        with_lever = _indicators(chosen, n, seed, weeks, workers, dask, chunk_size)
        changes = [
            *(f"{k} = {cf.parameters[k].dist}" for k in keys),
            *(f"initial.{f} = {getattr(cf.initial, f)}" for f in fields),
        ]
        out.append(
            LeverEffect(
                cf.name,
                changes,
                [
                    paired_effect(o, baseline[j], with_lever[j])
                    for j, o in enumerate(LEVER_OUTCOMES)
                ],
            )
        )
    if progress is not None:
        progress(len(levers), len(levers))
    return out
