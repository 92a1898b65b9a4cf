"""Where tasks run: one executor layer for every batch of independent tasks.

``escsim run`` (chunks of worlds), ``escsim sweep`` (blocks of points), the benchmark,
and any later caller with tasks of its own (calibration rounds, rolling backtests) run
them through the two functions here::

    map_ordered(fn, tasks, *, workers=1, executor=None, dask=None, progress=None, size=None)
        -> iterator over fn(task) for each task, in task order
    map_as_completed(fn, tasks, *, workers=1, executor=None, dask=None, progress=None,
                     size=None)
        -> iterator over (index, fn(tasks[index])) in the order tasks finish

For example, a calibration round over parameter blocks::

    from sim.parallel import map_ordered
    stats = list(map_ordered(simulate_block, blocks, workers=4))   # or dask="tcp://..."

``fn`` must be a module-level function and each task picklable (both travel to other
processes). The backend is chosen by the arguments, first match wins:

- ``dask``: a Dask scheduler address (``"tcp://host:8786"``) or a ``distributed.Client``;
  a client passed in stays open, one made from an address is closed at the end.
- ``executor``: anything with ``submit`` returning ``concurrent.futures`` futures (a
  ``ProcessPoolExecutor``, ``client.get_executor()``), or failing that with an ordered
  ``map``; it is not shut down here.
- ``workers > 1`` (and more than one task): a pool of fresh spawned interpreters with BLAS
  pinned to one thread, shut down at the end.
- otherwise: one after the other in this process.

``progress(done, total)`` is called after each result is handed over; ``size(task)``
gives a task's weight (default 1), so a caller can count worlds rather than tasks.

The backend never changes a result: each task carries its own seed (``sim.seeding``),
so only the order in which results arrive differs, and ``map_ordered`` restores it.
"""

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from typing import Any

Progress = Callable[[int, int], None]  # (done, total), in units of ``size``


def pin_blas_threads() -> None:
    """Pin BLAS to one thread in this process's environment (inherited by children).

    Small matrix products otherwise wake a spinning second BLAS thread in each worker,
    which halves throughput and stops two processes from scaling.
    """
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` fresh interpreter processes with BLAS pinned to one thread."""
    pin_blas_threads()  # inherited by the spawned children before they import numpy
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def map_as_completed[T, R](
    fn: Callable[[T], R], tasks: Iterable[T], *, workers: int = 1, executor: Any = None,
    dask: Any = None, progress: Progress | None = None, size: Callable[[T], int] | None = None,
) -> Iterator[tuple[int, R]]:
    """``(index, fn(task))`` for every task, in the order they finish (see the module
    docstring for the backends). Use it when each result should be kept at once (a
    checkpoint), whatever task is still running."""
    tasks = list(tasks)
    weight = size or (lambda _task: 1)
    total = sum(weight(t) for t in tasks)
    done = 0
    for index, result in _dispatch(fn, tasks, workers, executor, dask):
        done += weight(tasks[index])
        if progress is not None:
            progress(done, total)
        yield index, result


def map_ordered[T, R](
    fn: Callable[[T], R], tasks: Iterable[T], *, workers: int = 1, executor: Any = None,
    dask: Any = None, progress: Progress | None = None, size: Callable[[T], int] | None = None,
) -> Iterator[R]:
    """``fn(task)`` for every task, in task order, whatever order they finish in.
    Results that finish early wait (in memory) for the ones before them."""
    tasks = list(tasks)
    weight = size or (lambda _task: 1)
    total = sum(weight(t) for t in tasks)
    waiting: dict[int, R] = {}
    done = next_index = 0
    for index, result in _dispatch(fn, tasks, workers, executor, dask):
        waiting[index] = result
        while next_index in waiting:
            done += weight(tasks[next_index])
            if progress is not None:
                progress(done, total)
            yield waiting.pop(next_index)
            next_index += 1


def _dispatch(fn, tasks: Sequence, workers: int, executor, dask) -> Iterator[tuple[int, Any]]:
    if dask is not None or _is_dask_client(executor):
        yield from _on_dask(fn, tasks, dask if dask is not None else executor)
    elif executor is not None:
        if hasattr(executor, "submit"):
            yield from _on_executor(fn, tasks, executor)
        else:
            yield from enumerate(executor.map(fn, tasks))
    elif workers <= 1 or len(tasks) <= 1:
        for index, task in enumerate(tasks):
            yield index, fn(task)
    else:
        pool = process_pool(min(workers, len(tasks)))
        try:
            yield from _on_executor(fn, tasks, pool)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _on_executor(fn, tasks: Sequence, executor: Executor) -> Iterator[tuple[int, Any]]:
    pending = {executor.submit(fn, task): i for i, task in enumerate(tasks)}
    try:
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield pending.pop(future), future.result()
    finally:
        for future in pending:  # stopped early (an error, or the caller broke off)
            future.cancel()


def _is_dask_client(obj) -> bool:
    return type(obj).__name__ == "Client" and type(obj).__module__.startswith("distributed")


def _on_dask(fn, tasks: Sequence, dask) -> Iterator[tuple[int, Any]]:
    from distributed import Client, as_completed

    client = dask if isinstance(dask, Client) else Client(dask)
    try:
        # pure=False: equal tasks are still separate runs (Dask would otherwise share them).
        futures = {client.submit(fn, task, pure=False): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        if not isinstance(dask, Client):
            client.close()
