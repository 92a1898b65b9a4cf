"""Dask workers run the model at full speed: the nanny no longer sets
MALLOC_TRIM_THRESHOLD_=65536 in them (sim.parallel.local_cluster, dask_client), and a
cluster whose workers still have it gets a one-line hint. The speed itself is measured in
benchmarks/calibration.py (docs/benchmarks-calibration.md), not in a timed test."""

import pytest

from sim.parallel import (
    MALLOC_TRIM,
    NANNY_MALLOC_TRIM,
    dask_client,
    local_cluster,
    slow_worker_hint,
    worker_environment,
)

pytestmark = pytest.mark.dask
distributed = pytest.importorskip("distributed")
CLUSTER = {"n_workers": 1, "threads_per_worker": 1, "processes": True, "dashboard_address": None}


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_a_local_cluster_worker_has_no_malloc_trim_threshold(monkeypatch, capsys):
    # As after a LocalCluster made with Dask's defaults: its nanny leaves the variable in
    # this process's environment, where a later worker would inherit it.
    monkeypatch.setenv(MALLOC_TRIM, NANNY_MALLOC_TRIM)
    with local_cluster(**CLUSTER) as cluster:
        client = dask_client(cluster.scheduler_address)
        try:
            values = worker_environment(client)
            assert len(values) == 1
            assert list(values.values()) == [None]
            assert client.submit(_read, MALLOC_TRIM, pure=False).result() is None
        finally:
            client.close()
    assert "MALLOC_TRIM_THRESHOLD_" not in capsys.readouterr().err


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_workers_started_with_the_nanny_default_get_a_hint(monkeypatch):
    import dask

    monkeypatch.delenv(MALLOC_TRIM, raising=False)  # the nanny writes it here: undone after

    with dask.config.set({f"distributed.nanny.pre-spawn-environ.{MALLOC_TRIM}": 65536}):
        with distributed.LocalCluster(**CLUSTER) as cluster, distributed.Client(cluster) as c:
            assert list(worker_environment(c).values()) == [NANNY_MALLOC_TRIM]
            hint = slow_worker_hint(c)
    assert hint is not None and hint.count("\n") == 0
    assert f"{MALLOC_TRIM}={NANNY_MALLOC_TRIM}" in hint and "1 of 1" in hint


def _read(name):
    import os

    return os.environ.get(name)
