"""A particle filter over the worlds of one batched model, month by month through the record.

The worlds of an :class:`~sim.model.EscalationModel` are an ensemble of particles, each
with its own parameters (drawn from the scenario's distributions, one draw per world,
carried with the world: no Liu-West kernel, so the filter is a plain bootstrap filter
and its log-likelihood estimate is unbiased on the natural scale; parameters are
learned only by which worlds survive) and its own state. From the record's first month
to an origin, for each month:

1. step the month's weeks (:func:`sim.record.month_weeks`) with the conditions dated up
   to then switched on at their weeks (:func:`sim.record.parameter_schedule`, as the
   calibration's simulator does), keeping monthly accumulators per world (the month's
   highest rung, ground taken, the CSTO's new answer, sanctions imposed, a treaty signed);
2. weigh each world by the observation model (:mod:`sim.record.observation`): the
   log-likelihood increment is log sum_i W_i g_i with W the normalised weights;
3. resample (systematic) when the effective sample size 1 / sum W_i^2 falls below
   half the worlds (:meth:`EscalationModel.resample` moves every per-world array).

Why not the ``particles`` package's ``FeynmanKac`` loop: its models propagate one
particle array through user callbacks, while here the particles are the worlds of one
Mesa model stepped as a whole, with agents holding per-world arrays; and ``particles``
0.4 pins NumPy < 2 (this project runs NumPy 2), so even its resampling functions are not
a dependency: systematic resampling is the ten lines below (Douc, Cappé & Moulines 2005;
the same scheme as ``particles.resampling.systematic``).

Seeds: one filter is one model over ``n`` worlds, seeded by a SeedSequence: its
parameters and dynamics as in a plain run (:mod:`sim.seeding`), resampling from its own
stream, each forecast from a stream keyed by its origin, so a forecast does not depend on
which other origins are forecast. The log marginal likelihood's Monte Carlo error comes
from ``replicates`` independent filters (each ``n / replicates`` worlds, replicate r on
stream r): log Z = log of the mean of the replicates' Z estimates (each unbiased), its
standard error sd(log Z_r) / sqrt(R) (delta method). Replicates run serially or on
workers (:func:`sim.parallel.map_ordered`) with the same numbers. Memory is flat in the
number of months: the accumulators are reset every month and the model's weekly
aggregates are dropped as the months pass.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.ladder import N_RUNGS, CstoResponse
from sim.model import EscalationModel
from sim.record.conditions import parameter_schedule, scenario_as_of
from sim.record.monthly import month_weeks
from sim.record.observation import MonthObservation, MonthSummary, ObservationModel
from sim.scenario.conditions import Conditions
from sim.scenario.problems import Problem, ScenarioError
from sim.scenario.scenario import Scenario
from sim.seeding import dynamics_seed

FILTER_BRANCH = 1 << 41  # the filters' seeds: never a run's chunk or the spread's branch
RESAMPLE_STREAM, FORECAST_STREAM, SPREAD_STREAM = 2, 3, 4
ESS_THRESHOLD = 0.5  # resample when the effective sample size falls below this share


def replicate_seed(seed: int, replicate: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(FILTER_BRANCH, replicate))


def sub_stream(seq: np.random.SeedSequence, *key: int) -> np.random.Generator:
    return np.random.default_rng(
        np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, *key))
    )


def systematic(weights: np.ndarray, u: float) -> np.ndarray:
    """Systematic resampling: indices of ``len(weights)`` draws, one uniform ``u`` in
    [0, 1) shifted over the evenly spaced points (lowest variance of the standard
    schemes, O(n))."""
    n = len(weights)
    cumulative = np.cumsum(weights)
    cumulative[-1] = 1.0  # no index past the end from rounding
    return np.searchsorted(cumulative, (u + np.arange(n)) / n, side="right").astype(np.intp)


def normalised(log_w: np.ndarray) -> np.ndarray:
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> list[float]:
    order = np.argsort(values, kind="stable")
    cdf = np.cumsum(weights[order])
    return [
        float(values[order][min(np.searchsorted(cdf, q * cdf[-1]), len(values) - 1)]) for q in qs
    ]


class FilterError(ScenarioError):
    """The record cannot be filtered (every world ruled out in some month)."""

    def __reduce__(self):  # travels back from a worker process whole
        return (type(self), (self.problems,))


@dataclass(frozen=True)
class FilteredMonth:
    """One month of a filter: the record's rung, what the filter made of it."""

    month: pd.Period
    observed_rung: int
    ess: float  # effective sample size after weighing by this month (before resampling)
    worlds: int
    log_likelihood: float  # this month's increment
    rung: tuple[float, ...]  # filtered distribution of the month's highest rung, 0..5
    resolve: tuple[float, float, float]  # Baku's belief in Western resolve: mean, 5%, 95%
    trust: tuple[float, float, float]  # Armenia's trust in the CSTO: mean, 5%, 95%
    occupied_km2: tuple[float, float, float]  # mean, 5%, 95%
    resampled: bool

    def to_dict(self) -> dict:
        return {
            "month": str(self.month),
            "observed_rung": self.observed_rung,
            "ess": self.ess,
            "worlds": self.worlds,
            "log_likelihood": self.log_likelihood,
            "rung": list(self.rung),
            "resolve_belief": list(self.resolve),
            "csto_trust": list(self.trust),
            "occupied_km2": list(self.occupied_km2),
            "resampled": self.resampled,
        }


def summarise(
    model: EscalationModel, log_w: np.ndarray, s: MonthSummary, obs, ll, ess, resampled
) -> FilteredMonth:
    w = normalised(log_w)
    world = model.world

    def band(x):
        lo, hi = weighted_quantiles(x, w, (0.05, 0.95))
        return float(w @ x), lo, hi

    rung = np.bincount(s.max_rung.astype(np.intp), weights=w, minlength=N_RUNGS)
    return FilteredMonth(
        obs.month,
        obs.rung,
        float(ess),
        model.n_worlds,
        float(ll),
        tuple(float(x) for x in rung),
        band(world.resolve_belief()),
        band(world.trust_belief()),
        band(world.occupied_km2),
        resampled,
    )


@dataclass
class WorldFilter:
    """One filter: a model over ``n`` worlds set up as of ``first_month``, stepped a month
    at a time by :meth:`assimilate` (see the module docstring)."""

    scenario: Scenario
    first_month: pd.Period
    months: int  # how many months the schedule of conditions covers
    n: int
    seed_seq: np.random.SeedSequence
    conditions: Conditions | None = None
    observation: ObservationModel = field(default_factory=ObservationModel)
    source: str = "<record>"  # the record's file, for error messages

    def __post_init__(self) -> None:
        start = scenario_as_of(self.scenario, self.first_month, self.conditions)
        params = start.sample(self.seed_seq, self.n)
        self.weeks = month_weeks(self.first_month, self.months)
        self.model = EscalationModel(
            params,
            start.initial,
            max(sum(self.weeks), 1),
            np.random.default_rng(dynamics_seed(self.seed_seq)),
        )
        self.schedule = dict(
            parameter_schedule(self.scenario, self.first_month, self.months, self.conditions)
        )
        self.resample_rng = sub_stream(self.seed_seq, RESAMPLE_STREAM)
        self.log_w = np.zeros(self.n)
        self.month_index = 0
        self.week_index = 0

    @property
    def month(self) -> pd.Period:
        """The next month to assimilate (the origin a forecast would start from)."""
        return self.first_month + self.month_index

    def step_month(self) -> MonthSummary:
        """Step the next month's weeks with its conditions; what each world did in it."""
        model, w = self.model, self.model.world
        n = model.n_worlds
        occupied, level = w.occupied_km2.copy(), w.csto_level.copy()
        treaty = w.treaty.copy()
        max_rung = np.zeros(n, dtype=np.int8)
        imposed = np.zeros(n, dtype=bool)
        for _ in range(self.weeks[self.month_index]):
            if self.week_index in self.schedule:
                model.update_parameters(self.schedule[self.week_index])
            before = model.world.sanctioned.copy()
            model.step()
            w = model.world
            np.maximum(max_rung, w.rung, out=max_rung)
            imposed |= w.sanctioned & ~before
            self.week_index += 1
        # The weekly aggregates of a filter are never read: drop them (memory flat in
        # the number of months).
        model.datacollector.model_vars["state_counts"].clear()
        statement = CstoResponse.STATEMENT
        return MonthSummary(
            max_rung=max_rung,
            ground=w.occupied_km2 > occupied + 1e-9,
            csto_rose=(w.csto_level > level) & (w.csto_level >= statement),
            csto_standing=(level >= statement) & (max_rung >= 2),
            sanctions=imposed,
            signed=w.treaty & ~treaty,
            ended=~w.active,
        )

    def assimilate(self, obs: MonthObservation) -> FilteredMonth:
        """Step the month, weigh the worlds by the record's month, resample if needed."""
        if obs.month != self.month:
            raise ValueError(f"the filter is at {self.month}, not {obs.month}")
        s = self.step_month()
        ll = self.observation.log_likelihood(s, obs)
        contradicted = s.ended & ~(s.signed & obs.signed)
        if not np.isfinite(ll).any() or (self.observation.informative and contradicted.all()):
            raise FilterError([Problem(self.source, None, f"month {obs.month}", _why_zero(s, obs))])
        prior = normalised(self.log_w)
        with np.errstate(divide="ignore"):
            log_prior = np.log(prior)
        log_w = log_prior + ll
        top = log_w[np.isfinite(log_w)].max()
        increment = float(top + np.log(np.exp(log_w - top).sum()))
        w = normalised(log_w)
        ess = 1.0 / float(np.sum(w * w))
        resampled = ess < ESS_THRESHOLD * self.n
        out = summarise(self.model, log_w, s, obs, increment, ess, resampled)
        if resampled:
            self.model.resample(systematic(w, self.resample_rng.random()))
            self.log_w = np.zeros(self.n)
        else:
            self.log_w = log_w - top
        self.month_index += 1
        return out

    def equal_weight_fork(
        self, horizon_weeks: int, origin_key: int, stream: int = FORECAST_STREAM
    ) -> EscalationModel:
        """A fork of the filtered worlds with equal weights (resampled systematically if
        the weights are not), stepping from a stream keyed by the origin (and by
        ``stream``: the forecast's and the spread pass's are apart); the filter is left
        as it was."""
        rng = sub_stream(self.seed_seq, stream, origin_key)
        fork = self.model.fork(np.random.default_rng(rng.integers(2**63)), horizon_weeks)
        w = normalised(self.log_w)
        if not np.allclose(w, 1.0 / self.n):
            fork.resample(systematic(w, rng.random()))
        return fork


def _why_zero(s: MonthSummary, obs: MonthObservation) -> str:
    ended = int(s.ended.sum())
    if ended == len(s.ended):
        return (
            f"every world has ended by {obs.month} (treaty or regional war) while the "
            "record goes on: the record is impossible under this scenario"
        )
    return (
        f"the record's month {obs.month} (highest rung {obs.rung}) has probability 0 "
        "in every world under this observation model"
    )
