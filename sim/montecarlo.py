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
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model import EscalationModel
from sim.parallel import Progress, map_ordered
from sim.results import RunResult, Tally
from sim.seeding import DEFAULT_CHUNK_SIZE, DEFAULT_SEED, chunk_seed, dynamics_seed


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

    scenario: object  # a sim.scenario.Scenario
    seed: int
    index: int
    n_worlds: int
    horizon_weeks: int
    points: Points | None = None


def chunk_sizes(n_worlds: int, chunk_size: int) -> list[int]:
    """Sizes of the chunks of a run: full chunks, then the remainder."""
    if n_worlds < 1:
        raise ValueError(f"the number of worlds must be at least 1, got {n_worlds}")
    if chunk_size < 1:
        raise ValueError(f"the chunk size must be at least 1, got {chunk_size}")
    full, rest = divmod(n_worlds, chunk_size)
    return [chunk_size] * full + ([rest] if rest else [])


def chunk_tasks(scenario, n_worlds: int, seed: int, horizon_weeks: int,
                chunk_size: int = DEFAULT_CHUNK_SIZE,
                points: Points | None = None) -> list[ChunkTask]:
    """The chunks of ``n_worlds`` worlds, in order."""
    return [ChunkTask(scenario, int(seed), i, size, int(horizon_weeks), points)
            for i, size in enumerate(chunk_sizes(n_worlds, chunk_size))]


def build_model(task: ChunkTask) -> EscalationModel:
    """The model for one chunk: parameters drawn per world, then the dynamics stream.

    With ``task.points``, every point gets the same worlds (the same parameter draws and,
    through ``EscalationModel(blocks=K)``, the same weekly draws) with its own values of
    the points' keys, so a point's numbers equal a plain run with those values fixed.
    """
    ss = chunk_seed(task.seed, task.index)
    params = task.scenario.sample(ss, task.n_worlds)
    blocks = 1
    if task.points is not None:
        blocks = len(task.points)
        params = {key: np.tile(v, blocks) for key, v in params.items()}
        for j, key in enumerate(task.points.keys):
            params[key] = np.repeat(task.points.values[:, j], task.n_worlds)
    rng = np.random.default_rng(dynamics_seed(ss))
    return EscalationModel(params, task.scenario.initial, task.horizon_weeks, rng, blocks=blocks)


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


def one_world(scenario, seed: int, horizon_weeks: int | None = None,
              index: int = 0) -> EscalationModel:
    """One world of ``scenario`` (chunk ``index`` of one world), ready to step: what
    ``escsim watch``, the dashboard and the benchmark's per-replication runs use."""
    horizon = scenario.horizon_weeks if horizon_weeks is None else int(horizon_weeks)
    return build_model(ChunkTask(scenario, int(seed), index, 1, horizon))


def run_scenario(
    scenario,
    n_worlds: int = 10_000,
    seed: int = DEFAULT_SEED,
    horizon_weeks: int | None = None,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
    executor: Any = None,
    dask: Any = None,
) -> RunResult:
    """Monte Carlo estimate of a scenario's outcomes over ``n_worlds`` worlds.

    ``horizon_weeks`` defaults to the scenario's. ``workers``, ``executor`` and ``dask``
    choose the backend (``sim.parallel``); ``progress(worlds done, worlds)``. The result
    depends on (scenario, seed, n_worlds, chunk_size, horizon) only, never on the backend.
    """
    horizon = scenario.horizon_weeks if horizon_weeks is None else int(horizon_weeks)
    if horizon < 1:
        raise ValueError(f"the horizon must be at least 1 week, got {horizon}")
    tasks = chunk_tasks(scenario, n_worlds, seed, horizon, chunk_size)
    total = Tally.empty(horizon)
    for part in map_ordered(run_chunk, tasks, workers=workers, executor=executor, dask=dask,
                            progress=progress, size=lambda t: t.n_worlds):
        total = total + part
    return RunResult(
        scenario=scenario.name, seed=int(seed), chunk_size=chunk_size, tally=total,
        parameters=scenario.to_dict(),
    )
