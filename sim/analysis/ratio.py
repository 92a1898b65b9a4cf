"""Mechanism claims: how much one of an expert's reasons matters, as a ratio of chances.

A mechanism claim (``counterfactual:`` and ``ratio:`` in a lens's ``claims:``,
:mod:`sim.scenario.claims`) bounds

    ratio = P(outcome | the lens with the counterfactual change) / P(outcome | the lens)

("without the US sanctions threat, incursions at least twice as likely": ratio >= 2).
Both versions of the lens run on the same worlds: the same seed and chunks, so each
parameter the change leaves alone takes the same value in a world in both runs (each
parameter draws from its own stream, ``Scenario.sample``) and the weekly draws come
from the same stream (common random numbers). Each world then gives a pair of
outcomes, and the two estimates are correlated, which narrows the ratio's interval.

**The interval** is a 95% equal-tailed interval of the ratio under a Dirichlet
posterior on the four cells of the paired table (both, only with the change, only in
the lens, neither) with Jeffreys' prior, 1/2 per cell: the Bayesian bootstrap of the
worlds (Rubin 1981) with the prior's half-counts, so that an arm with no world (a ratio
of 0 or of infinity in the sample) still gets an honest, wide interval instead of a
point. ``DRAWS`` draws, seeded from the check's seed: the same seed gives the same
interval. With many worlds in every cell it agrees with the paired nonparametric
bootstrap and the delta method on the log ratio.

**The verdict** reads the interval against the bound as the probability claims do
(:func:`sim.analysis.check.verdict`): consistent when the whole interval lies inside
it, inconsistent when it lies wholly outside, inconclusive when it straddles an edge
(more worlds may settle it; a rare outcome usually needs them).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.montecarlo import ChunkTask, chunk_tasks, run_chunk
from sim.outcomes import OUTCOME_NAMES
from sim.parallel import map_ordered
from sim.results import Estimate
from sim.scenario.claims import Claim, RatioBound

CONSISTENT, INCONSISTENT, INCONCLUSIVE = "consistent", "inconsistent", "inconclusive"
DRAWS = 10_000  # posterior draws of the ratio: the 2.5% quantile to about +/-0.3% of it
CONFIDENCE = 0.95
PRIOR = 0.5  # Jeffreys' prior, per cell of the paired table
METHOD = (
    "paired worlds (common random numbers); 95% interval: Dirichlet posterior on the "
    "paired table, Jeffreys prior"
)


def _indicators(model) -> np.ndarray:
    return model.outcome_indicators()


def _chunk_indicators(task: ChunkTask) -> np.ndarray:
    """(n_outcomes, worlds of the chunk) booleans (top level: picklable for workers)."""
    return run_chunk(task, measure=_indicators)


def outcome_indicators(
    scenario,
    n_worlds: int,
    seed: int,
    horizon_weeks: int,
    workers: int = 1,
    dask=None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Which outcome happened in which world: (n_outcomes, n_worlds) booleans, worlds in
    chunk order. The chunks are those of ``run_scenario`` with the same arguments, so
    each world is the one a plain run has (and its counts are that run's)."""
    tasks = chunk_tasks(scenario, n_worlds, seed, horizon_weeks)
    parts = map_ordered(
        _chunk_indicators,
        tasks,
        workers=workers,
        dask=dask,
        progress=progress,
        size=lambda t: t.n_worlds,
    )
    return np.concatenate(list(parts), axis=1)


@dataclass(frozen=True)
class PairedTable:
    """Worlds by the outcome with the change and in the lens: ``both``, ``changed_only``,
    ``lens_only``, ``neither``."""

    both: int
    changed_only: int
    lens_only: int
    neither: int

    @classmethod
    def of(cls, changed: np.ndarray, lens: np.ndarray) -> "PairedTable":
        changed, lens = np.asarray(changed, bool), np.asarray(lens, bool)
        if changed.shape != lens.shape:
            raise ValueError(f"unpaired worlds: {changed.shape} and {lens.shape}")
        return cls(
            int(np.sum(changed & lens)),
            int(np.sum(changed & ~lens)),
            int(np.sum(~changed & lens)),
            int(np.sum(~changed & ~lens)),
        )

    @property
    def n(self) -> int:
        return self.both + self.changed_only + self.lens_only + self.neither

    @property
    def changed(self) -> Estimate:
        return Estimate(self.both + self.changed_only, self.n)

    @property
    def lens(self) -> Estimate:
        return Estimate(self.both + self.lens_only, self.n)

    @property
    def ratio(self) -> float:
        """k(with the change) / k(lens): inf when only the changed lens has the outcome,
        NaN when neither has it."""
        k_changed, k_lens = self.changed.k, self.lens.k
        if k_lens == 0:
            return float("nan") if k_changed == 0 else float("inf")
        return k_changed / k_lens

    def to_dict(self) -> dict:
        return {
            "both": self.both,
            "changed_only": self.changed_only,
            "lens_only": self.lens_only,
            "neither": self.neither,
        }


def ratio_interval(
    table: PairedTable, seed: int, draws: int = DRAWS, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Equal-tailed interval of the ratio under Dirichlet(cells + 1/2) (module docstring)."""
    rng = np.random.default_rng([int(seed), 0x726174696F])  # "ratio": its own stream
    cells = np.array([table.both, table.changed_only, table.lens_only, table.neither], float)
    theta = rng.dirichlet(cells + PRIOR, size=draws)
    ratios = (theta[:, 0] + theta[:, 1]) / (theta[:, 0] + theta[:, 2])
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(ratios, [tail, 100 - tail])
    return float(low), float(high)


def ratio_verdict(ci: tuple[float, float], bound: RatioBound) -> tuple[str, str]:
    """(verdict, where the model lies) of an interval against a ratio bound. The side
    also says whether the model's effect is weaker or stronger than claimed where the
    bound says which way the change acts (a bound above 1: it raises the chance; below
    1: it lowers it)."""
    lo, hi = ci
    low = 0.0 if bound.low is None else bound.low
    high = float("inf") if bound.high is None else bound.high
    if hi < low:
        effect = _effect(weaker=low > 1, stronger=high <= 1)
        return INCONSISTENT, "model ratio below the claim" + effect
    if lo > high:
        effect = _effect(weaker=high < 1, stronger=low >= 1)
        return INCONSISTENT, "model ratio above the claim" + effect
    if lo >= low and hi <= high:
        return CONSISTENT, ""
    return INCONCLUSIVE, ""


def _effect(weaker: bool, stronger: bool) -> str:
    if weaker:
        return ": the change matters less than claimed"
    if stronger:
        return ": the change matters more than claimed"
    return ""


@dataclass(frozen=True)
class RatioCheck:
    """A mechanism claim, the paired run's table, the ratio's interval and the verdict."""

    claim: Claim
    table: PairedTable
    ci: tuple[float, float]
    horizon_weeks: int
    verdict: str
    side: str = ""
    method: str = METHOD

    @property
    def ratio(self) -> float:
        return self.table.ratio

    @property
    def flips(self) -> bool:  # one bound, no word-to-number table to disagree
        return False

    def to_dict(self) -> dict:
        return {
            **self.claim.to_dict(),
            "kind": "ratio",
            "counterfactual_name": self.claim.counterfactual.name
            if self.claim.counterfactual
            else None,
            "lens": self.table.lens.to_dict(),
            "changed": self.table.changed.to_dict(),
            "paired": self.table.to_dict(),
            "ratio": self.ratio,
            "ratio_ci": [self.ci[0], self.ci[1]],
            "n": self.table.n,
            "bound": self.claim.ratio.to_dict() if self.claim.ratio else None,
            "horizon_weeks": self.horizon_weeks,
            "method": self.method,
            "verdict": self.verdict,
            "side": self.side,
        }


def check_ratio(
    claim: Claim,
    changed: np.ndarray,
    lens: np.ndarray,
    seed: int,
    horizon_weeks: int,
) -> RatioCheck:
    """The check of one mechanism claim from the two runs' indicators (as returned by
    :func:`outcome_indicators`, same worlds in the same order)."""
    if claim.ratio is None:
        raise ValueError("not a mechanism claim (no ratio:)")
    row = OUTCOME_NAMES.index(claim.outcome)
    table = PairedTable.of(changed[row], lens[row])
    ci = ratio_interval(table, seed)
    return RatioCheck(claim, table, ci, horizon_weeks, *ratio_verdict(ci, claim.ratio))


def ratio_text(value: float) -> str:
    """A ratio for people: 3 significant digits, "inf" and "undefined" spelt out."""
    if np.isnan(value):
        return "undefined (no world had it in either)"
    if np.isinf(value):
        return "inf"
    return f"{value:.3g}"
