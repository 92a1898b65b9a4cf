"""What a Monte Carlo run produces: integer tallies over worlds, merged in chunk order,
and the estimates (with Wilson intervals and the number of worlds) derived from them.

Tallies are integer counts plus one float sum, so merging chunks is exact and the
result does not depend on how many workers ran them.
"""

from dataclasses import dataclass, field
from statistics import median

import numpy as np

from sim.ladder import N_STATES, STATE_LABELS, CstoResponse
from sim.outcomes import OUTCOME_NAMES
from sim.stats import wilson_interval

__all__ = ["Estimate", "RunResult", "Spread", "Tally"]


@dataclass
class Tally:
    """Counts over a set of worlds. ``co_occurrence[i, j]`` counts worlds where outcomes
    ``i`` and ``j`` both happened (its diagonal is each outcome's count), so any
    conditional probability P(A | B) can be read off later."""

    worlds: int
    horizon_weeks: int
    co_occurrence: np.ndarray  # (n_outcomes, n_outcomes) int64
    state_counts: np.ndarray  # (horizon_weeks + 1, N_STATES) int64; row 0 = start
    first_clash_week_counts: np.ndarray  # (horizon_weeks + 1,) int64; index = week
    csto_response_counts: np.ndarray  # (len(CstoResponse),) int64, strongest per world
    occupied_km2_sum: float  # Armenian territory occupied at the horizon, summed

    @classmethod
    def empty(cls, horizon_weeks: int) -> "Tally":
        n_out = len(OUTCOME_NAMES)
        return cls(
            worlds=0,
            horizon_weeks=horizon_weeks,
            co_occurrence=np.zeros((n_out, n_out), dtype=np.int64),
            state_counts=np.zeros((horizon_weeks + 1, N_STATES), dtype=np.int64),
            first_clash_week_counts=np.zeros(horizon_weeks + 1, dtype=np.int64),
            csto_response_counts=np.zeros(len(CstoResponse), dtype=np.int64),
            occupied_km2_sum=0.0,
        )

    def __add__(self, other: "Tally") -> "Tally":
        if self.horizon_weeks != other.horizon_weeks:
            raise ValueError("cannot merge tallies with different horizons")
        return Tally(
            worlds=self.worlds + other.worlds,
            horizon_weeks=self.horizon_weeks,
            co_occurrence=self.co_occurrence + other.co_occurrence,
            state_counts=self.state_counts + other.state_counts,
            first_clash_week_counts=self.first_clash_week_counts + other.first_clash_week_counts,
            csto_response_counts=self.csto_response_counts + other.csto_response_counts,
            occupied_km2_sum=self.occupied_km2_sum + other.occupied_km2_sum,
        )


@dataclass(frozen=True)
class Estimate:
    """A probability estimated from ``k`` of ``n`` worlds, with its 95% Wilson interval."""

    k: int
    n: int
    ci: tuple[float, float] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ci", wilson_interval(self.k, self.n))

    @property
    def p(self) -> float:
        return self.k / self.n if self.n else float("nan")

    def to_dict(self) -> dict:
        return {"p": self.p, "ci": [self.ci[0], self.ci[1]], "n": self.n}

    def __repr__(self) -> str:
        """``Estimate(p=0.671, 95% CI [0.641, 0.699], k=671, n=1000)``: p first."""
        return (
            f"Estimate(p={self.p:.4g}, 95% CI [{self.ci[0]:.4g}, {self.ci[1]:.4g}], "
            f"k={self.k}, n={self.n})"
        )


SPREAD_COMPUTED = "computed"
SPREAD_FIXED = "parameters fixed"
SPREAD_OFF = "off"


@dataclass(frozen=True, eq=False)  # eq=False: an array field has no single truth value
class Spread:
    """How much each probability moves across the scenario's parameter uncertainty.

    A separate pass draws ``draws`` (G) parameter sets and runs ``worlds_per_draw`` (m)
    worlds under each; ``counts[g, i]`` is in how many of draw g's worlds outcome i
    happened, so ``counts / m`` is the per-draw probability. Its 10th, 50th and 90th
    percentiles over the draws say how far the answer depends on parameters the
    scenario leaves uncertain; the main run's Wilson interval says only how precisely
    the worlds pin down the probability averaged over them.

    Each per-draw probability is itself estimated from m worlds, so it carries binomial
    noise of about sqrt(p(1-p)/m) (``noise_sd``); that noise widens the percentiles a
    little. ``between_sd`` removes it from the spread by the method of moments:
    Var(observed) - mean(p̂(1-p̂))/(m-1), since E[p̂(1-p̂)] = p(1-p)(m-1)/m (floored at 0).

    ``status``: ``"computed"``; ``"parameters fixed"`` (no parameter has a spread, so
    there is nothing to spread over; ``counts`` is empty); ``"off"`` (not asked for).
    """

    status: str
    draws: int = 0
    worlds_per_draw: int = 0
    counts: np.ndarray = field(
        default_factory=lambda: np.zeros((0, len(OUTCOME_NAMES)), dtype=np.int64)
    )
    uncertain_parameters: tuple[str, ...] = ()
    # (G, horizon + 1, N_STATES): each draw's worlds by state, week by week (the fan
    # chart's bands); None when the pass was not run through ``run_spread``.
    weekly: np.ndarray | None = None

    @property
    def computed(self) -> bool:
        return self.status == SPREAD_COMPUTED and self.draws > 0

    def per_draw(self, outcome: str) -> np.ndarray:
        """(G,) the per-draw probability of ``outcome``."""
        return self.counts[:, OUTCOME_NAMES.index(outcome)] / self.worlds_per_draw

    def percentiles(self, outcome: str) -> tuple[float, float, float]:
        """The 10th, 50th and 90th percentiles of the per-draw probability."""
        p10, p50, p90 = np.percentile(self.per_draw(outcome), [10, 50, 90])
        return float(p10), float(p50), float(p90)

    def noise_sd(self, outcome: str) -> float:
        """The typical binomial noise of one per-draw probability, sqrt(E[p(1-p)]/m)."""
        p = self.per_draw(outcome)
        m = self.worlds_per_draw
        if m < 2:
            return float("nan")
        return float(np.sqrt(np.mean(p * (1 - p)) / (m - 1)))

    def between_sd(self, outcome: str) -> float:
        """The standard deviation of the per-draw probability across draws with the
        binomial noise taken out (method of moments, floored at 0; NaN if G < 2)."""
        p = self.per_draw(outcome)
        if len(p) < 2 or self.worlds_per_draw < 2:
            return float("nan")
        var = float(np.var(p, ddof=1)) - self.noise_sd(outcome) ** 2
        return float(np.sqrt(max(var, 0.0)))

    def outcome_dict(self, outcome: str) -> dict | None:
        """The JSON of one outcome's spread (None unless computed)."""
        if not self.computed:
            return None
        p10, p50, p90 = self.percentiles(outcome)
        return {
            "p10": p10,
            "p50": p50,
            "p90": p90,
            "between_sd": self.between_sd(outcome),
            "noise_sd": self.noise_sd(outcome),
        }

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "draws": self.draws,
            "worlds_per_draw": self.worlds_per_draw,
            "uncertain_parameters": list(self.uncertain_parameters),
        }


@dataclass
class RunResult:
    """A finished run: what was run (scenario, seed, worlds, horizon, chunk size) and
    its tally. Every number reported is derived here from the tally."""

    scenario: str
    seed: int
    chunk_size: int
    tally: Tally
    parameters: dict = field(default_factory=dict)  # resolved scenario, for the record
    spread: Spread = field(default_factory=lambda: Spread(SPREAD_OFF))  # a separate pass

    @property
    def worlds(self) -> int:
        return self.tally.worlds

    @property
    def horizon_weeks(self) -> int:
        return self.tally.horizon_weeks

    def estimate(self, outcome: str) -> Estimate:
        i = OUTCOME_NAMES.index(outcome)
        return Estimate(int(self.tally.co_occurrence[i, i]), self.worlds)

    def conditional(self, outcome: str, given: str) -> Estimate:
        """P(outcome | given) over the worlds where ``given`` happened."""
        i, j = OUTCOME_NAMES.index(outcome), OUTCOME_NAMES.index(given)
        return Estimate(int(self.tally.co_occurrence[i, j]), int(self.tally.co_occurrence[j, j]))

    def outcomes(self) -> dict[str, Estimate]:
        return {name: self.estimate(name) for name in OUTCOME_NAMES}

    def median_first_clash_week(self) -> float | None:
        """Median week of the first border clash among worlds that had one (None if none)."""
        counts = self.tally.first_clash_week_counts
        if counts.sum() == 0:
            return None
        weeks = np.repeat(np.arange(len(counts)), counts)
        return float(median(weeks.tolist()))

    def state_shares(self) -> np.ndarray:
        """(horizon + 1, N_STATES) share of worlds in each state per week."""
        return self.tally.state_counts / max(self.worlds, 1)

    def final_state_shares(self) -> dict[str, float]:
        return dict(zip(STATE_LABELS, self.state_shares()[-1].tolist(), strict=True))

    def to_dict(self) -> dict:
        """The JSON shape other tools rely on (see the README)."""
        clash_n = int(self.tally.first_clash_week_counts.sum())
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "worlds": self.worlds,
            "horizon_weeks": self.horizon_weeks,
            "chunk_size": self.chunk_size,
            "outcomes": {
                name: {**est.to_dict(), "spread": self.spread.outcome_dict(name)}
                for name, est in self.outcomes().items()
            },
            "parameter_spread": self.spread.to_dict(),
            "median_first_clash_week": self.median_first_clash_week(),
            "first_clash_worlds": clash_n,
            "final_state_shares": self.final_state_shares(),
            "state_shares_by_week": self.state_shares().round(6).tolist(),
            "state_labels": list(STATE_LABELS),
            "csto_strongest_response": {
                r.name.lower(): int(c)
                for r, c in zip(CstoResponse, self.tally.csto_response_counts, strict=True)
            },
            "occupied_km2_mean": self.tally.occupied_km2_sum / max(self.worlds, 1),
            "parameters": self.parameters,
        }
