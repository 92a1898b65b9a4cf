"""Monte Carlo runs: fixed-size chunks of worlds, each with its own seed stream, run
serially or in a process pool and merged in chunk order.

A chunk's numbers depend only on (scenario, seed, chunk index, chunk size, horizon), so
the merged result is the same whatever the number of workers or the order in which
chunks finish (DESIGN.md, "Randomness and reproducibility").
"""

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from sim.model import EscalationModel
from sim.results import RunResult, Tally
from sim.seeding import DEFAULT_CHUNK_SIZE, DEFAULT_SEED, chunk_seed, dynamics_seed

Progress = Callable[[int, int], None]  # (worlds done, worlds in all)


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of a run: everything a worker needs, picklable."""

    scenario: object  # a sim.scenario.Scenario
    seed: int
    index: int
    n_worlds: int
    horizon_weeks: int


def chunk_sizes(n_worlds: int, chunk_size: int) -> list[int]:
    """Sizes of the chunks of a run: full chunks, then the remainder."""
    if n_worlds < 1:
        raise ValueError(f"the number of worlds must be at least 1, got {n_worlds}")
    if chunk_size < 1:
        raise ValueError(f"the chunk size must be at least 1, got {chunk_size}")
    full, rest = divmod(n_worlds, chunk_size)
    return [chunk_size] * full + ([rest] if rest else [])


def build_model(task: ChunkTask) -> EscalationModel:
    """The model for one chunk: parameters drawn per world, then the dynamics stream."""
    ss = chunk_seed(task.seed, task.index)
    params = task.scenario.sample(ss, task.n_worlds)
    rng = np.random.default_rng(dynamics_seed(ss))
    return EscalationModel(params, task.scenario.initial, task.horizon_weeks, rng)


def run_chunk(task: ChunkTask) -> Tally:
    """Run one chunk to its horizon and return its tally (top level: pickled to workers)."""
    model = build_model(task).run()
    tally = model.tally()
    model.release()
    return tally


def _pin_blas_threads() -> None:
    # Small matrix products otherwise wake a spinning second BLAS thread in each worker,
    # which halves throughput and stops two processes from scaling.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` fresh interpreter processes with BLAS pinned to one thread."""
    _pin_blas_threads()  # inherited by the spawned children before they import numpy
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def map_chunks(tasks: list[ChunkTask], workers: int = 1,
               executor: Executor | None = None) -> Iterator[Tally]:
    """Tallies of ``tasks`` in task order, run in this process, in a fresh process pool
    (``workers > 1``) or on a given executor (anything with ``map``, e.g. Dask's)."""
    if executor is not None:
        yield from executor.map(run_chunk, tasks)
    elif workers <= 1 or len(tasks) <= 1:
        yield from map(run_chunk, tasks)
    else:
        with process_pool(min(workers, len(tasks))) as pool:
            yield from pool.map(run_chunk, tasks)


def run_scenario(
    scenario,
    n_worlds: int = 10_000,
    seed: int = DEFAULT_SEED,
    horizon_weeks: int | None = None,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> RunResult:
    """Monte Carlo estimate of a scenario's outcomes over ``n_worlds`` worlds.

    ``horizon_weeks`` defaults to the scenario's. The result depends on (scenario,
    seed, n_worlds, chunk_size, horizon) only, never on ``workers`` or ``executor``.
    """
    horizon = scenario.horizon_weeks if horizon_weeks is None else int(horizon_weeks)
    if horizon < 1:
        raise ValueError(f"the horizon must be at least 1 week, got {horizon}")
    tasks = [
        ChunkTask(scenario, int(seed), i, size, horizon)
        for i, size in enumerate(chunk_sizes(n_worlds, chunk_size))
    ]
    total = Tally.empty(horizon)
    for tally in _with_progress(map_chunks(tasks, workers, executor), n_worlds, progress):
        total = total + tally
    return RunResult(
        scenario=scenario.name, seed=int(seed), chunk_size=chunk_size, tally=total,
        parameters=scenario.to_dict(),
    )


def _with_progress(tallies: Iterable[Tally], total: int,
                   progress: Progress | None) -> Iterator[Tally]:
    done = 0
    for tally in tallies:
        done += tally.worlds
        if progress is not None:
            progress(done, total)
        yield tally
