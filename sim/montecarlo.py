"""Monte Carlo runs: the one recipe for a chunk of worlds, and runs merged in chunk order.

A chunk is a fixed number of worlds with its own seed stream (``sim.seeding``): chunk
seed -> the worlds' parameter draws -> the dynamics stream -> one ``EscalationModel``.
``build_model`` is that recipe and ``run_chunk`` runs it; every caller uses them: a run
(``run_scenario``), a sweep's block of points (``ChunkTask.points``: K copies of the same
worlds, each with its point's values), one world to watch (``one_world``), the benchmark.

A chunk's numbers depend only on (scenario, seed, chunk index, chunk size, horizon and
any point values), so the merged result is the same whatever the number of workers, the
backend (``sim.parallel``) or the order in which chunks finish (DESIGN.md, "Randomness
and reproducibility").

The parameter-spread pass (``run_spread``) uses the same recipe with ``ChunkTask.grouped``
set: a group-chunk draws a few parameter sets and runs ``grouped`` worlds under each, on
its own seed branch (``sim.seeding.spread_chunk_seed``), so the main run is untouched.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.custom_actors import actor_order
from sim.ladder import N_STATES
from sim.limits import run_size_problems
from sim.model import EscalationModel
from sim.parallel import Progress, map_ordered
from sim.results import SPREAD_COMPUTED, SPREAD_FIXED, SPREAD_OFF, RunResult, Spread, Tally
from sim.scenario import Scenario
from sim.seeding import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_SEED,
    chunk_seed,
    dynamics_seed,
    spread_chunk_seed,
)

# The default spread pass: G draws x m worlds per draw. m = 50 keeps a per-draw
# probability's binomial noise at most 7 points (sqrt(.25/50)); G = 200 gives the 10th and
# 90th percentiles from 20 draws beyond each. 200 x 50 = 10,000 worlds, the main run's
# default, so the pass costs no more than the run it accompanies (``default_spread``).
DEFAULT_DRAWS = 200
DEFAULT_WORLDS_PER_DRAW = 50
MIN_DRAWS = 10  # fewer draws give no percentiles worth printing


@dataclass(frozen=True)
class Points:
    """K sets of parameter values laid over the same worlds: ``values[i, j]`` is point
    ``i``'s value of ``keys[j]``."""

    keys: tuple[str, ...]
    values: np.ndarray  # (K, len(keys))

    def __len__(self) -> int:
        return self.values.shape[0]


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of a run: everything a worker needs, picklable. With ``points``, the
    model holds ``len(points)`` copies of the chunk's worlds (one per point)."""

    scenario: Scenario
    seed: int
    index: int
    n_worlds: int
    horizon_weeks: int
    points: Points | None = None
    # The spread pass: ``grouped`` worlds share each parameter draw (``n_worlds`` is a
    # multiple of it) and the chunk seeds from the spread branch. None: a main-run chunk.
    grouped: int | None = None


def chunk_sizes(n_worlds: int, chunk_size: int) -> list[int]:
    """Sizes of the chunks of a run: full chunks, then the remainder."""
    if n_worlds < 1:
        raise ValueError(f"the number of worlds must be at least 1, got {n_worlds}")
    if chunk_size < 1:
        raise ValueError(f"the chunk size must be at least 1, got {chunk_size}")
    full, rest = divmod(n_worlds, chunk_size)
    return [chunk_size] * full + ([rest] if rest else [])


def chunk_tasks(
    scenario: Scenario,
    n_worlds: int,
    seed: int,
    horizon_weeks: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    points: Points | None = None,
) -> list[ChunkTask]:
    """The chunks of ``n_worlds`` worlds, in order."""
    return [
        ChunkTask(scenario, int(seed), i, size, int(horizon_weeks), points)
        for i, size in enumerate(chunk_sizes(n_worlds, chunk_size))
    ]


def build_model(task: ChunkTask) -> EscalationModel:
    """The model for one chunk: parameters drawn per world, then the dynamics stream.

    With ``task.points``, every point gets the same worlds (the same parameter draws and,
    through ``EscalationModel(blocks=K)``, the same weekly draws) with its own values of
    the points' keys, so a point's numbers equal a plain run with those values fixed.
    With ``task.grouped`` (m), the chunk draws ``n_worlds / m`` parameter sets and each
    is shared by m consecutive worlds, whose weekly draws stay independent.
    """
    if task.grouped is not None:
        ss = spread_chunk_seed(task.seed, task.index)
        draws = task.scenario.sample(ss, task.n_worlds // task.grouped)
        params = {key: np.repeat(v, task.grouped) for key, v in draws.items()}
    else:
        ss = chunk_seed(task.seed, task.index)
        params = task.scenario.sample(ss, task.n_worlds)
    blocks = 1
    if task.points is not None:
        blocks = len(task.points)
        params = {key: np.tile(v, blocks) for key, v in params.items()}
        for j, key in enumerate(task.points.keys):
            params[key] = np.repeat(task.points.values[:, j], task.n_worlds)
    rng = np.random.default_rng(dynamics_seed(ss))
    actors = actor_order(task.scenario.actor_classes)
    return EscalationModel(
        params, task.scenario.initial, task.horizon_weeks, rng, blocks=blocks, actor_classes=actors
    )


def tally(model: EscalationModel) -> Tally:
    """The default measure of a finished chunk: its tally (see ``sim.results.Tally``)."""
    return model.tally()


def run_chunk(task: ChunkTask, measure: Callable[[EscalationModel], Any] = tally) -> Any:
    """Run one chunk to its horizon and return ``measure(model)`` (by default its tally).

    ``measure`` lets a caller take what it needs (a sweep: outcome counts per point;
    calibration: summary statistics) before the model's arrays are released.
    """
    model = build_model(task).run()
    result = measure(model)
    model.release()
    return result


def draw_counts(model: EscalationModel, worlds_per_draw: int) -> np.ndarray:
    """The spread pass's measure: (draws, n_outcomes) int64, in how many of each draw's
    worlds (consecutive groups of ``worlds_per_draw``) each outcome happened."""
    ind = model.outcome_indicators()
    return ind.reshape(ind.shape[0], -1, worlds_per_draw).sum(axis=2, dtype=np.int64).T


def run_group_chunk(task: ChunkTask) -> np.ndarray:
    """Run one group-chunk of the spread pass and return its per-draw outcome counts."""
    grouped = task.grouped
    if grouped is None:
        raise ValueError("not a group-chunk of the spread pass (ChunkTask.grouped is None)")
    return run_chunk(task, measure=lambda model: draw_counts(model, grouped))


def run_group_chunk_weekly(task: ChunkTask) -> tuple[np.ndarray, np.ndarray]:
    """``run_group_chunk``'s per-draw outcome counts, and each draw's worlds by state
    week by week: (draws, horizon + 1, N_STATES) int32, for the fan chart's bands over
    the parameter draws. The model steps exactly as ``run()`` would: the same numbers."""
    grouped = task.grouped
    if grouped is None:
        raise ValueError("not a group-chunk of the spread pass (ChunkTask.grouped is None)")
    model = build_model(task)
    draws = model.n_worlds // grouped
    group = np.arange(model.n_worlds) // grouped * N_STATES

    def by_state() -> np.ndarray:
        cells = np.bincount(group + model.world.category(), minlength=draws * N_STATES)
        return cells.reshape(draws, N_STATES).astype(np.int32)

    weeks = [by_state()]
    while model.running and model.steps < model.horizon_weeks:
        model.step()
        weeks.append(by_state())
    counts = draw_counts(model, grouped)
    model.release()
    return counts, np.stack(weeks, axis=1)


def uncertain_parameters(scenario: Scenario) -> tuple[str, ...]:
    """The parameters that vary between worlds (a distribution with some width)."""
    return tuple(
        key
        for key, entry in scenario.parameters.items()
        if entry.dist.support()[0] != entry.dist.support()[1]
    )


def default_spread(n_worlds: int) -> tuple[int, int]:
    """The spread pass that goes with a run of ``n_worlds``: m = 50 worlds per draw and
    as many draws (at most 200) as fit in ``n_worlds`` worlds, so it never costs more
    than the run; (0, m), i.e. off, when fewer than 10 draws would fit."""
    draws = min(DEFAULT_DRAWS, n_worlds // DEFAULT_WORLDS_PER_DRAW)
    return (draws if draws >= MIN_DRAWS else 0), DEFAULT_WORLDS_PER_DRAW


def spread_tasks(
    scenario: Scenario,
    draws: int,
    worlds_per_draw: int,
    seed: int,
    horizon_weeks: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> list[ChunkTask]:
    """The group-chunks of a spread pass, in order: as many whole draws per chunk as fit
    in ``chunk_size`` worlds (at least one)."""
    per_chunk = max(1, chunk_size // worlds_per_draw)
    return [
        ChunkTask(
            scenario,
            int(seed),
            i,
            size * worlds_per_draw,
            int(horizon_weeks),
            grouped=int(worlds_per_draw),
        )
        for i, size in enumerate(chunk_sizes(draws, per_chunk))
    ]


def run_spread(
    scenario: Scenario,
    draws: int = DEFAULT_DRAWS,
    worlds_per_draw: int = DEFAULT_WORLDS_PER_DRAW,
    seed: int = DEFAULT_SEED,
    horizon_weeks: int | None = None,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
    executor: Any = None,
    dask: Any = None,
) -> Spread:
    """The spread of each probability across the scenario's parameter uncertainty:
    ``draws`` (G) parameter draws, ``worlds_per_draw`` (m) worlds each (see
    ``sim.results.Spread``; each per-draw probability carries binomial noise of about
    sqrt(p(1-p)/m)). A scenario with every parameter fixed runs nothing and says so;
    ``draws=0`` switches the pass off. The same backends as ``run_scenario``, and the
    result depends on (scenario, seed, G, m, chunk_size, horizon) only.
    """
    if draws < 0 or worlds_per_draw < 1:
        raise ValueError(f"need draws >= 0 and worlds per draw >= 1, got {draws}:{worlds_per_draw}")
    if draws == 0:
        return Spread(SPREAD_OFF)
    uncertain = uncertain_parameters(scenario)
    if not uncertain:
        return Spread(SPREAD_FIXED)
    horizon = scenario.horizon_weeks if horizon_weeks is None else int(horizon_weeks)
    tasks = spread_tasks(scenario, draws, worlds_per_draw, seed, horizon, chunk_size)
    parts = list(
        map_ordered(
            run_group_chunk_weekly,
            tasks,
            workers=workers,
            executor=executor,
            dask=dask,
            progress=progress,
            size=lambda t: t.n_worlds,
        )
    )
    return Spread(
        SPREAD_COMPUTED,
        draws,
        worlds_per_draw,
        np.concatenate([counts for counts, _ in parts]),
        uncertain,
        weekly=np.concatenate([weekly for _, weekly in parts]),
    )


def one_world(
    scenario: Scenario, seed: int, horizon_weeks: int | None = None, index: int = 0
) -> EscalationModel:
    """One world of ``scenario`` (chunk ``index`` of one world), ready to step: what
    ``escsim watch``, the dashboard and the benchmark's per-replication runs use."""
    horizon = scenario.horizon_weeks if horizon_weeks is None else int(horizon_weeks)
    return build_model(ChunkTask(scenario, int(seed), index, 1, horizon))


def run_scenario(
    scenario: Scenario,
    n_worlds: int = 10_000,
    seed: int = DEFAULT_SEED,
    horizon_weeks: int | None = None,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
    executor: Any = None,
    dask: Any = None,
    spread: tuple[int, int] | None = None,
) -> RunResult:
    """Monte Carlo estimate of a scenario's outcomes over ``n_worlds`` worlds.

    ``horizon_weeks`` defaults to the scenario's. ``workers``, ``executor`` and ``dask``
    choose the backend (``sim.parallel``); ``progress(worlds done, worlds)``. The result
    depends on (scenario, seed, n_worlds, chunk_size, horizon) only, never on the backend.
    ``spread=(G, m)`` adds the parameter-spread pass (``run_spread``) after the run, on its
    own seed branch: the run's own numbers are the same with or without it.
    """
    horizon = scenario.horizon_weeks if horizon_weeks is None else int(horizon_weeks)
    if horizon < 1:
        raise ValueError(f"the horizon must be at least 1 week, got {horizon}")
    draws, per_draw = spread if spread is not None else (0, DEFAULT_WORLDS_PER_DRAW)
    # Before any work: a run too large to hold is refused (ScenarioError, exit 2), not
    # found out by a MemoryError or an int16 overflow minutes in.
    too_large = run_size_problems(
        n_worlds,
        chunk_size,
        workers,
        horizon,
        (draws if uncertain_parameters(scenario) else 0, per_draw),
    )
    if too_large:
        from sim.scenario.problems import Problem, ScenarioError

        raise ScenarioError([Problem(option, None, "", why) for option, why in too_large])
    tasks = chunk_tasks(scenario, n_worlds, seed, horizon, chunk_size)
    spread_worlds = draws * per_draw if uncertain_parameters(scenario) else 0
    main_progress = spread_progress = None
    if progress is not None:  # one count over both passes, the run's worlds first

        def main_progress(done: int, _total: int) -> None:
            progress(done, n_worlds + spread_worlds)

        def spread_progress(done: int, _total: int) -> None:
            progress(n_worlds + done, n_worlds + spread_worlds)

    total = Tally.empty(horizon)
    for part in map_ordered(
        run_chunk,
        tasks,
        workers=workers,
        executor=executor,
        dask=dask,
        progress=main_progress,
        size=lambda t: t.n_worlds,
    ):
        total = total + part
    result_spread = run_spread(
        scenario,
        draws,
        per_draw,
        seed,
        horizon,
        workers,
        chunk_size,
        spread_progress,
        executor,
        dask,
    )
    return RunResult(
        scenario=scenario.name,
        seed=int(seed),
        chunk_size=chunk_size,
        tally=total,
        parameters=scenario.to_dict(),
        spread=result_spread,
    )
