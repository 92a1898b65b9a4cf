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
- ``workers > 1`` (and more than one task): a pool of fresh spawned interpreters (forked
  from an unguarded script's top level, ``sim.mainguard``) with BLAS
  pinned to one thread, shut down at the end.
- otherwise: one after the other in this process.

``progress(done, total)`` is called after each result is handed over; ``size(task)``
gives a task's weight (default 1), so a caller can count worlds rather than tasks.

The backend never changes a result: each task carries its own seed (``sim.seeding``),
so only the order in which results arrive differs, and ``map_ordered`` restores it.

Dask at full speed: Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in every worker it
spawns (its ``distributed.nanny.pre-spawn-environ`` configuration), which turns off glibc's
adaptive mmap threshold, so every temporary array of the model becomes a fresh mapping
from the OS: a 10,000-world chunk took twice as long on a Dask worker as in a pool
process (docs/benchmarks-calibration.md). :func:`local_cluster` (and
:func:`dask_client`, before it connects) unset it through that configuration; workers of a
remote scheduler must be started with it unset (the docs say how), and ``dask_client``
prints a one-line hint when they report it.

Nothing outlives the command: pool workers ignore Ctrl-C (the parent decides), die with
their parent however it dies (``PR_SET_PDEATHSIG`` on Linux, and a watchdog thread that
notices being orphaned everywhere), and a pool left by an error or an interruption is
stopped at once rather than waited for. On Dask, a scheduler that does not answer or a
cluster left with no worker ends the run with a clear error after a bounded wait.
"""

import os
import signal
import sys
import threading
import time
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


WATCHDOG_SECONDS = 1.0  # how often a pool worker checks that its parent is alive
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Pool-worker initializer: end this worker when the process that made it ends.

    ``kill -9`` or SIGTERM of the parent used to leave the workers (about 200 MB each) and
    the resource tracker running under PID 1. On Linux the kernel sends SIGKILL at the
    parent's death (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and as a backstop, a daemon
    thread exits when the parent process id changes (the worker was re-parented). Ctrl-C
    at a terminal reaches the whole process group: workers ignore it, the parent stops
    them. The resource tracker exits by itself once no process holds its pipe.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="escsim-orphan-watchdog", daemon=True).start()


class Pool(ProcessPoolExecutor):
    """A ``ProcessPoolExecutor`` that, left by an error or an interruption, stops its
    workers at once (a plain one waits for every running task to finish, minutes for a
    sweep's block, before Ctrl-C or SIGTERM could end the command)."""

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.shutdown(wait=True)
        else:
            self.stop()
        return False

    def stop(self) -> None:
        """Cancel what has not started and kill the running workers; wait for them."""
        processes = list((getattr(self, "_processes", None) or {}).values())
        self.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        for proc in processes:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)


def process_pool(workers: int) -> Pool:
    """A pool of ``workers`` fresh interpreter processes with BLAS pinned to one thread,
    which die with this process (see ``_die_with_parent``)."""
    from sim.mainguard import pool_context

    pin_blas_threads()  # inherited by the spawned children before they import numpy
    return Pool(
        max_workers=workers,
        # Spawned, except from the top level of a script without a __main__ guard
        # (sim.mainguard: forked on Linux, else a clear error before any work).
        mp_context=pool_context(),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def map_as_completed[T, R](
    fn: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int = 1,
    executor: Any = None,
    dask: Any = None,
    progress: Progress | None = None,
    size: Callable[[T], int] | None = None,
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
    fn: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int = 1,
    executor: Any = None,
    dask: Any = None,
    progress: Progress | None = None,
    size: Callable[[T], int] | None = None,
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
        with process_pool(min(workers, len(tasks))) as pool:  # stopped at once if left early
            yield from _on_executor(fn, tasks, pool)


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


# How long to wait for a Dask scheduler to answer, and for a worker to come back once
# every worker has left (tasks then wait forever in Dask: the sweep hung with no message).
DASK_CONNECT_SECONDS = 10.0
DASK_NO_WORKER_SECONDS = float(os.environ.get("ESCSIM_DASK_NO_WORKER_SECONDS", "60"))
DASK_POLL_SECONDS = 1.0


# What Dask's nanny puts in a worker's environment that slows the model (see module doc).
MALLOC_TRIM = "MALLOC_TRIM_THRESHOLD_"
NANNY_MALLOC_TRIM = "65536"  # the value distributed's own configuration sets


def unset_nanny_malloc_trim() -> None:
    """Stop Dask nannies started from this process from setting ``MALLOC_TRIM_THRESHOLD_``
    in their workers (``distributed.nanny.pre-spawn-environ``: a value of None is not
    set). Call before a ``LocalCluster`` is made. A nanny also writes its pre-spawn
    environment into this process's ``os.environ`` (where a later worker inherits it), so
    the nanny's value is taken out of it too; a value the user set is left alone."""
    import dask

    dask.config.set({f"distributed.nanny.pre-spawn-environ.{MALLOC_TRIM}": None})
    if os.environ.get(MALLOC_TRIM) == NANNY_MALLOC_TRIM:
        del os.environ[MALLOC_TRIM]


def local_cluster(**kwargs):
    """A ``distributed.LocalCluster`` whose workers run the model at full speed
    (:func:`unset_nanny_malloc_trim`); ``kwargs`` go to ``LocalCluster``."""
    from distributed import LocalCluster

    unset_nanny_malloc_trim()
    return LocalCluster(**kwargs)


def environment_variable(name: str) -> str | None:
    """``os.environ.get(name)`` in the process that runs it (a task for a worker: a
    module-level function, so the worker's own environment is read, not a pickled copy)."""
    return os.environ.get(name)


def worker_environment(client, name: str = MALLOC_TRIM) -> dict[str, str | None]:
    """``os.environ.get(name)`` on every worker of ``client`` (worker address -> value)."""
    return client.run(environment_variable, name)


def slow_worker_hint(client) -> str | None:
    """A one-line hint if any worker of ``client`` runs with the nanny's malloc setting."""
    try:
        values = worker_environment(client)
    except Exception:  # noqa: BLE001 (a hint only: never fail a run for it)
        return None
    slow = sorted(w for w, v in values.items() if v == NANNY_MALLOC_TRIM)
    if not slow:
        return None
    return (
        f"note: {len(slow)} of {len(values)} Dask worker(s) run with {MALLOC_TRIM}="
        f"{NANNY_MALLOC_TRIM} (the Dask nanny's default), which runs the model at about half "
        "speed; start them with distributed.nanny.pre-spawn-environ."
        f"{MALLOC_TRIM} set to null in their Dask configuration (docs/benchmarks-calibration.md)"
    )


def dask_client(address: str, option: str = "--dask"):
    """A ``distributed.Client`` for the scheduler at ``address``, or one clear error
    (ScenarioError: exit 2) naming the address when it cannot be had within
    ``DASK_CONNECT_SECONDS`` (it used to be ``escsim: None: None`` after 33 s)."""
    from sim.scenario import Problem, ScenarioError

    def refused(message: str) -> ScenarioError:
        return ScenarioError([Problem(option, None, "", message)])

    try:
        from distributed import Client
    except ImportError:
        raise refused("needs the dask extra: pip install 'escsim[dask]'") from None
    unset_nanny_malloc_trim()  # nannies this process may start (a LocalCluster) stay fast
    try:
        client = Client(address, timeout=f"{DASK_CONNECT_SECONDS:g}s")
    except (OSError, TimeoutError) as err:
        raise refused(
            f"no Dask scheduler answered at {address} within "
            f"{DASK_CONNECT_SECONDS:g} s ({err or type(err).__name__})"
        ) from None
    except (ValueError, TypeError) as err:  # an address Dask cannot parse
        raise refused(f"not a Dask scheduler address: {address!r} ({err})") from None
    hint = slow_worker_hint(client)
    if hint:
        print(hint, file=sys.stderr)
    return client


def _on_dask(fn, tasks: Sequence, dask) -> Iterator[tuple[int, Any]]:
    from distributed import Client
    from distributed import wait as dask_wait

    from sim.cli_support import CommandFailed

    client = dask if isinstance(dask, Client) else dask_client(dask)
    address = getattr(client.scheduler, "address", None) or str(dask)
    pending: dict = {}
    try:
        # pure=False: equal tasks are still separate runs (Dask would otherwise share them).
        pending = {client.submit(fn, task, pure=False): i for i, task in enumerate(tasks)}
        no_worker_since = None
        while pending:
            try:
                finished, _ = dask_wait(
                    list(pending), timeout=DASK_POLL_SECONDS, return_when="FIRST_COMPLETED"
                )
            except TimeoutError:
                finished = ()
            for future in finished:
                yield pending.pop(future), future.result()
            if finished:
                no_worker_since = None
                continue
            try:
                workers = len(client.nthreads())
            except (OSError, TimeoutError) as err:
                raise CommandFailed(f"lost the Dask scheduler at {address} ({err})") from None
            if workers:
                no_worker_since = None
            elif no_worker_since is None:
                no_worker_since = time.monotonic()
            elif time.monotonic() - no_worker_since > DASK_NO_WORKER_SECONDS:
                raise CommandFailed(
                    f"no Dask worker left at {address}: waited "
                    f"{DASK_NO_WORKER_SECONDS:g} s for one, {len(pending)} "
                    f"of {len(tasks)} tasks unfinished"
                )
    finally:
        if pending:  # stopped early: nothing left running on the cluster for us
            try:
                client.cancel(list(pending))
            except Exception:  # noqa: BLE001, S110 (the client may be gone already)
                pass
        if not isinstance(dask, Client):
            client.close()
