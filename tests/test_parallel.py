"""The executor layer (sim.parallel): every backend hands back the same results, in task
order for map_ordered, each with its task's index for map_as_completed."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from sim.parallel import map_as_completed, map_ordered
from tests.helpers import MapOnly

TASKS = list(range(6))


def square_after(task: int) -> int:
    """Later tasks finish first (on any backend that runs them side by side)."""
    time.sleep(0.02 * (len(TASKS) - task))
    return task * task


def fail_on_three(task: int) -> int:
    if task == 3:
        raise ValueError("task 3 failed")
    return task


@pytest.mark.parametrize(
    "backend",
    [
        {},
        {"workers": 2},
        {"executor": "threads"},
        {"executor": MapOnly()},
    ],
    ids=["serial", "process-pool", "submit-executor", "map-only-executor"],
)
@pytest.mark.slow
def test_every_backend_returns_results_in_task_order(backend):
    if backend.get("executor") == "threads":
        with ThreadPoolExecutor(3) as pool:
            got = list(map_ordered(square_after, TASKS, executor=pool))
    else:
        got = list(map_ordered(square_after, TASKS, **backend))
    assert got == [t * t for t in TASKS]


def test_as_completed_gives_each_result_with_its_index_as_it_finishes():
    with ThreadPoolExecutor(len(TASKS)) as pool:
        pairs = list(map_as_completed(square_after, TASKS, executor=pool))
    assert sorted(pairs) == [(t, t * t) for t in TASKS]
    assert [i for i, _ in pairs] != TASKS, "the last task sleeps least and finishes first"


def test_progress_counts_the_weight_of_each_task_handed_over():
    seen = []
    with ThreadPoolExecutor(len(TASKS)) as pool:
        list(
            map_ordered(
                square_after,
                TASKS,
                executor=pool,
                size=lambda t: 10,
                progress=lambda done, total: seen.append((done, total)),
            )
        )
    assert seen == [(10 * (i + 1), 60) for i in range(len(TASKS))]


# Two workers: over 3 s of CPU (two spawned interpreters); the process pool's ordering test
# above keeps a real process boundary in the fast tier.
@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_a_failing_task_raises_its_own_error(workers):
    with pytest.raises(ValueError, match="task 3 failed"):
        list(map_ordered(fail_on_three, TASKS, workers=workers))


@pytest.mark.dask
@pytest.mark.slow
def test_dask_returns_results_in_task_order():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        assert list(map_ordered(square_after, TASKS, dask=cluster.scheduler_address)) == [
            t * t for t in TASKS
        ]
        with distributed.Client(cluster) as client:
            pairs = list(map_as_completed(square_after, TASKS, dask=client))
            assert client.status == "running", "a client passed in stays open"
    assert sorted(pairs) == [(t, t * t) for t in TASKS]
