"""Filter the record to one or more origins and forecast from the filtered worlds.

:func:`filter_record` runs ``replicates`` independent filters
(:class:`~sim.assimilation.filter.WorldFilter`, ``n_worlds / replicates`` worlds each)
from the record's first month; at each origin it forks the filtered ensemble (with equal
weights) and runs it forward with only the conditions dated before the origin: the
fork receives no scheduled change, so a condition holds from its last dated change on,
as in a blank run set up as of the origin. Forecast counts from the replicates are
pooled (each replicate's ensemble approximates the same filtering distribution).

An origin's forecast reads the record's months before it only, and draws from a stream
keyed by the origin, so it is the same bit for bit whatever the record says from the
origin on and whichever other origins are forecast (the no-leak test).

The spread over parameters (the ``spread`` column, as in ``escsim run``): G of the
filtered worlds are drawn at the origin, each copied m times with its parameters and
its filtered state, and each group run forward on its own random numbers; the spread
of the G per-group probabilities is what the forecast owes to what the filtered worlds
still disagree on (parameters and state), the Wilson interval only to how many worlds
were run. The draws are shared out over the replicate filters.

A forecast counts an outcome if it happens within the window: at the fork the
outcome memory the actors never read is reset (highest rung kept up, first clash, the
CSTO's strongest answer short of force, unrest), so the window's outcomes are not last
year's; "sanctions imposed" counts impositions inside the window (the record's event),
not sanctions left standing from a filtered month.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.assimilation.filter import (
    SPREAD_STREAM,
    FilteredMonth,
    WorldFilter,
    replicate_seed,
    sub_stream,
)
from sim.ladder import CstoResponse
from sim.montecarlo import uncertain_parameters
from sim.outcomes import OUTCOME_NAMES
from sim.parallel import map_ordered
from sim.record.monthly import Record, month_weeks
from sim.record.observation import MonthObservation, ObservationModel, observations
from sim.results import SPREAD_COMPUTED, SPREAD_OFF, RunResult, Spread
from sim.scenario.conditions import Conditions
from sim.scenario.problems import Problem, ScenarioError
from sim.scenario.scenario import Scenario
from sim.seeding import DEFAULT_SEED

DEFAULT_REPLICATES = 4


def open_window(world) -> None:
    """Reset, at a forecast's origin, the sticky outcome flags no actor reads."""
    world.sustained_rung = np.zeros_like(world.sustained_rung)
    world.max_rung = world.rung.copy()
    world.first_clash_week = np.full_like(world.first_clash_week, -1)
    world.week = 0  # weeks of the window (the first clash week is counted from the origin)
    world.ever_sanctioned = np.zeros_like(world.ever_sanctioned)
    # Unrest is sticky and only Moscow's own rule reads it: a fresh outbreak counts.
    world.unrest = np.zeros_like(world.unrest)
    force = CstoResponse.MILITARY
    world.csto_level = np.where(
        world.csto_level >= force, world.csto_level, CstoResponse.NONE
    ).astype(world.csto_level.dtype)


@dataclass(frozen=True)
class ReplicateTask:
    scenario: Scenario
    conditions: Conditions | None
    observations: tuple[MonthObservation, ...]  # first month .. the last origin - 1
    first_month: pd.Period
    schedule_months: int
    worlds: int
    seed: int
    replicate: int
    observation: ObservationModel
    origins: tuple[pd.Period, ...]
    horizons: tuple[int, ...]
    tally_horizon: int | None  # keep the full tally of this horizon (the forecast command)
    source: str = "<record>"
    # progress(i, total, origin), serial runs only (not pickled)
    on_origin: Callable[[int, int, pd.Period], None] | None = None
    spread_draws: int = 0  # this replicate's share of the spread pass's draws (G)
    worlds_per_draw: int = 50  # m


@dataclass
class ReplicateResult:
    months: list[FilteredMonth]
    log_likelihood: float
    counts: dict  # (origin, horizon) -> (n_outcomes,) int64
    tallies: dict  # origin -> Tally over the tally horizon
    worlds: int
    spreads: dict  # origin -> (draws, n_outcomes) counts of the spread pass


def forecast_from(
    f: WorldFilter, origin: pd.Period, horizons: tuple[int, ...], tally_horizon: int | None
):
    """The forecast counts of each horizon (and the full tally of ``tally_horizon``) from
    the filtered worlds at ``origin``."""
    weeks = month_weeks(origin, max(horizons))
    fork = f.equal_weight_fork(sum(weeks), origin.ordinal)
    return run_window(fork, weeks, horizons, tally_horizon)


def spread_from(
    f: WorldFilter, origin: pd.Period, horizon: int, draws: int, worlds_per_draw: int
) -> np.ndarray:
    """(draws, n_outcomes): G filtered worlds drawn at ``origin``, each copied
    ``worlds_per_draw`` times (parameters and state) and run ``horizon`` months on its
    own random numbers; how often each outcome happened in each group."""
    weeks = month_weeks(origin, horizon)
    fork = f.equal_weight_fork(sum(weeks), origin.ordinal, stream=SPREAD_STREAM)
    rng = sub_stream(f.seed_seq, SPREAD_STREAM, origin.ordinal, 1)
    chosen = rng.choice(fork.n_worlds, size=draws, replace=draws > fork.n_worlds)
    fork.resample(np.repeat(chosen, worlds_per_draw))
    counts, _ = run_window(fork, weeks, (horizon,), None, release=False)
    groups = fork.outcome_indicators().reshape(len(OUTCOME_NAMES), draws, worlds_per_draw)
    fork.release()
    return groups.sum(axis=2, dtype=np.int64).T


def run_window(fork, weeks: list[int], horizons, tally_horizon: int | None, release=True):
    """Step a forked ensemble through the forecast window, month by month: the outcome
    counts at each of ``horizons`` and the full tally at ``tally_horizon``."""
    open_window(fork.world)
    counts, tally = {}, None
    imposed = np.zeros(fork.n_worlds, dtype=bool)
    for h, month_weeks_h in enumerate(weeks, start=1):
        for _ in range(month_weeks_h):
            before = fork.world.sanctioned.copy()
            fork.step()
            # The record's event is sanctions *imposed* in a month: sanctions standing at
            # the origin (from a filtered month) are not a new imposition. No actor reads
            # ever_sanctioned, so it can carry the window's impositions.
            imposed |= fork.world.sanctioned & ~before
            fork.world.ever_sanctioned = imposed.copy()
        if h in horizons:
            counts[h] = fork.outcome_indicators().sum(axis=1, dtype=np.int64)
        if h == tally_horizon:
            tally = fork.tally()
    if release:
        fork.release()
    return counts, tally


def run_replicate(task: ReplicateTask) -> ReplicateResult:
    f = WorldFilter(
        task.scenario,
        task.first_month,
        task.schedule_months,
        task.worlds,
        replicate_seed(task.seed, task.replicate),
        task.conditions,
        task.observation,
        task.source,
    )
    months, counts, tallies, spreads = [], {}, {}, {}
    origins = set(task.origins)
    for obs in (*task.observations, None):
        if f.month in origins:
            if task.on_origin is not None and task.replicate == 0:
                task.on_origin(task.origins.index(f.month), len(task.origins), f.month)
            by_h, tally = forecast_from(f, f.month, task.horizons, task.tally_horizon)
            counts.update({(f.month, h): c for h, c in by_h.items()})
            if tally is not None:
                tallies[f.month] = tally
            if task.spread_draws and task.tally_horizon is not None:
                spreads[f.month] = spread_from(
                    f, f.month, task.tally_horizon, task.spread_draws, task.worlds_per_draw
                )
        if obs is not None:
            months.append(f.assimilate(obs))
    f.model.release()
    return ReplicateResult(
        months, float(sum(m.log_likelihood for m in months)), counts, tallies, task.worlds, spreads
    )


@dataclass
class FilterResult:
    """What a filtered record gives: per month, pooled over the replicates; the log
    marginal likelihood with its Monte Carlo standard error; forecast counts."""

    months: list[dict]
    log_likelihoods: list[float]  # one per replicate
    counts: dict  # (origin, horizon) -> (n_outcomes,) pooled counts
    worlds: int  # pooled over replicates
    tallies: dict  # origin -> pooled Tally
    observation: ObservationModel
    spreads: dict = field(default_factory=dict)  # origin -> (G, n_outcomes) spread counts
    worlds_per_draw: int = 0
    uncertain_parameters: tuple[str, ...] = ()

    @property
    def log_likelihood(self) -> float:
        """log of the mean of the replicates' likelihood estimates."""
        ll = np.asarray(self.log_likelihoods)
        return float(ll.max() + np.log(np.mean(np.exp(ll - ll.max()))))

    @property
    def se(self) -> float:
        r = len(self.log_likelihoods)
        return float(np.std(self.log_likelihoods, ddof=1) / math.sqrt(r)) if r > 1 else float("nan")

    def probability(self, origin: pd.Period, horizon: int, outcome: str) -> tuple[int, int]:
        """(k, n): in how many of the pooled worlds ``outcome`` happened."""
        return int(self.counts[(origin, horizon)][OUTCOME_NAMES.index(outcome)]), self.worlds

    def spread(self, origin: pd.Period) -> Spread:
        """The spread over the filtered worlds at ``origin`` (see the module docstring)."""
        counts = self.spreads.get(origin)
        if counts is None or not len(counts):
            return Spread(SPREAD_OFF)
        return Spread(
            SPREAD_COMPUTED,
            len(counts),
            self.worlds_per_draw,
            counts,
            self.uncertain_parameters,
        )

    def run_result(self, origin: pd.Period, scenario_name: str, seed: int) -> RunResult:
        return RunResult(
            f"{scenario_name} filtered to {origin}",
            seed,
            self.worlds,
            self.tallies[origin],
            spread=self.spread(origin),
        )

    def filter_dict(self) -> dict:
        return {
            "log_likelihood": self.log_likelihood,
            "se": self.se,
            "replicates": len(self.log_likelihoods),
            "replicate_log_likelihoods": self.log_likelihoods,
            "ess": [m["ess"] for m in self.months],
            "observation_model": self.observation.to_dict(),
            "months": self.months,
        }


def _pool_months(replicates: list[ReplicateResult]) -> list[dict]:
    pooled = []
    for rows in zip(*(r.months for r in replicates), strict=True):
        dicts = [m.to_dict() for m in rows]
        out = {
            "month": dicts[0]["month"],
            "observed_rung": dicts[0]["observed_rung"],
            "ess": sum(d["ess"] for d in dicts),
            "worlds": sum(d["worlds"] for d in dicts),
            "log_likelihood": float(np.mean([d["log_likelihood"] for d in dicts])),
            "resampled": sum(d["resampled"] for d in dicts),
        }
        for key in ("rung", "resolve_belief", "csto_trust", "occupied_km2"):
            out[key] = np.mean([d[key] for d in dicts], axis=0).tolist()
        pooled.append(out)
    return pooled


def check_origins(record: Record, origins, conditions_first: pd.Period | None = None) -> None:
    """Origins from the record's first month to one month past its last."""
    problems = [
        Problem(
            str(record.path),
            None,
            "--as-of",
            f"origin {o} is more than one "
            f"month past the record's last month {record.last_month}: the filter "
            "needs every month before the origin",
        )
        for o in origins
        if o > record.last_month + 1
    ]
    problems += [
        Problem(
            str(record.path),
            None,
            "--as-of",
            f"origin {o} is before the record's first month {record.first_month}",
        )
        for o in origins
        if o < record.first_month
    ]
    if problems:
        raise ScenarioError(problems)


def filter_record(
    scenario,
    record: Record,
    origins,
    horizons=(12,),
    *,
    n_worlds: int = 4000,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    observation: ObservationModel | None = None,
    conditions=None,
    tally_horizon: int | None = None,
    workers: int = 1,
    dask=None,
    through: pd.Period | None = None,
    progress=None,
    spread: tuple[int, int] | None = None,
    worlds_done=None,
) -> FilterResult:
    """Filter ``record`` from its first month to each origin (and on to ``through``, the
    last month assimilated, default the month before the last origin) and forecast
    ``horizons`` months from each origin (see the module docstring). ``progress(i,
    total, origin)`` is told when the first filter reaches each origin (serial runs);
    ``worlds_done(done, total)`` as each replicate's worlds finish (a progress bar).
    ``spread=(G, m)`` adds the spread pass at ``tally_horizon`` (G filtered worlds, m
    copies each, the G draws shared out over the replicates)."""
    from sim.record.conditions import load_conditions

    conditions = conditions or load_conditions()
    origins = tuple(sorted(set(origins)))
    check_origins(record, origins)
    first = record.first_month
    if conditions.first_month is not None and first < conditions.first_month:
        raise ScenarioError(
            [
                Problem(
                    str(record.path),
                    None,
                    "month",
                    (
                        f"the record starts in {first}, before the conditions file's first month "
                        f"{conditions.first_month}: the filter needs the conditions of every month"
                    ),
                )
            ]
        )
    last = max([o - 1 for o in origins] + ([through] if through is not None else []))
    obs = tuple(o for o in observations(record) if o.month <= last)
    if replicates < 1 or n_worlds < replicates:
        raise ValueError(f"{n_worlds} worlds cannot make {replicates} replicates")
    per = n_worlds // replicates
    draws, per_draw = spread if spread is not None and tally_horizon is not None else (0, 50)
    tasks = [
        ReplicateTask(
            scenario,
            conditions,
            obs,
            first,
            max(len(obs), 1),
            per,
            seed,
            r,
            observation or ObservationModel(),
            origins,
            tuple(horizons),
            tally_horizon,
            str(record.path),
            progress if workers == 1 and dask is None else None,
            draws // replicates + (r < draws % replicates),
            per_draw,
        )
        for r in range(replicates)
    ]
    results = list(
        map_ordered(
            run_replicate,
            tasks,
            workers=workers,
            dask=dask,
            progress=worlds_done,
            size=lambda t: t.worlds,
        )
    )
    counts = {key: sum(r.counts[key] for r in results) for key in results[0].counts}
    tallies = {
        o: sum((r.tallies[o] for r in results[1:]), results[0].tallies[o])
        for o in results[0].tallies
    }
    return FilterResult(
        _pool_months(results),
        [r.log_likelihood for r in results],
        counts,
        per * replicates,
        tallies,
        tasks[0].observation,
        {
            o: np.concatenate([r.spreads[o] for r in results if o in r.spreads])
            for o in results[0].spreads
        },
        per_draw,
        uncertain_parameters(scenario),
    )
