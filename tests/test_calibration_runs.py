"""Whole calibrations (slow): the files written, resuming, the same posterior on a process
pool and on Dask, and recovering known parameters from a synthetic record."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibration.inference import prepare, synthetic_record, weighted_quantiles
from sim.cli import main
from sim.montecarlo import run_scenario
from sim.scenario import Posterior, load_scenario
from tests.conftest import BASELINE, RECORD

SMALL = [
    "--particles",
    "12",
    "--records",
    "4",
    "--until",
    "2022-06",
    "--parameters",
    "azerbaijan.decision_noise",
    "azerbaijan.posture_cost",
]

pytestmark = pytest.mark.slow


def calibrate(out: Path, *extra: str, record: Path = RECORD) -> int:
    return main(
        [
            "calibrate",
            "--method",
            "abc",
            "--record",
            str(record),
            "--scenario",
            str(BASELINE),
            "--out",
            str(out),
            "--seed",
            "11",
            *extra,
        ]
    )


def test_a_run_writes_its_files_resumes_and_its_scenario_runs(tmp_path):
    out = tmp_path / "cal"
    assert calibrate(out, *SMALL, "--generations", "1") == 0
    assert calibrate(out, *SMALL, "--generations", "2", "--resume") == 0
    diag = json.loads((out / "diagnostics.json").read_text())
    assert [p["t"] for p in diag["populations"]] == [0, 1]
    assert diag["populations"][1]["epsilon"] < diag["populations"][0]["epsilon"]
    assert diag["settings"]["seed"] == 11 and "--resume" in diag["command"]
    for pop in diag["populations"]:
        assert 0 < pop["acceptance_rate"] <= 1 and 1 <= pop["effective_sample_size"] <= 12
    post = pd.read_parquet(out / "posterior.parquet")
    assert list(post.columns) == ["azerbaijan.decision_noise", "azerbaijan.posture_cost", "weight"]
    assert len(post) == 12 and post["weight"].sum() == pytest.approx(1.0)
    for png in ("prior_posterior.png", "predictive_check.png"):
        assert (out / png).stat().st_size > 10_000
    scenario = load_scenario(out / "calibrated.yaml")
    assert isinstance(scenario.parameters["azerbaijan.posture_cost"].dist, Posterior)
    assert (
        scenario.parameters["russia.push"].dist
        == load_scenario(BASELINE).parameters["russia.push"].dist
    )  # the rest is the baseline's
    result = run_scenario(scenario, n_worlds=300, seed=2)
    assert result.tally.worlds == 300
    assert main(["validate", str(out / "calibrated.yaml")]) == 0


@pytest.mark.dask
def test_the_posterior_is_the_same_serially_on_a_process_pool_and_on_dask(tmp_path):
    """Same seed, same posterior, exactly, with the default (batched) sampler: proposals
    are drawn in this process from the master seed, the model blocks are seeded from it
    and come back in block order (sim.calibration.sampler); Dask workers run one thread
    each. The blocks are made smaller than the default so that a generation has several."""
    pytest.importorskip("distributed")
    from sim.parallel import local_cluster

    args = (*SMALL, "--generations", "2")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sim.calibration.sampler.BLOCK_PARTICLES", 5)
        assert calibrate(tmp_path / "serial", *args) == 0
        assert calibrate(tmp_path / "pool", *args, "--workers", "2") == 0
        with local_cluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            assert calibrate(tmp_path / "dask", *args, "--dask", cluster.scheduler_address) == 0
    serial = pd.read_parquet(tmp_path / "serial" / "posterior.parquet")
    pd.testing.assert_frame_equal(serial, pd.read_parquet(tmp_path / "pool" / "posterior.parquet"))
    pd.testing.assert_frame_equal(serial, pd.read_parquet(tmp_path / "dask" / "posterior.parquet"))


def test_a_resumed_batched_run_equals_an_uninterrupted_one(tmp_path):
    """The batched sampler's round sizes read the previous generation's acceptance rate,
    which a resumed run takes from the database: the posterior is the same, exactly."""
    assert calibrate(tmp_path / "whole", *SMALL, "--generations", "2") == 0
    assert calibrate(tmp_path / "parts", *SMALL, "--generations", "1") == 0
    assert calibrate(tmp_path / "parts", *SMALL, "--generations", "2", "--resume") == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "whole" / "posterior.parquet"),
        pd.read_parquet(tmp_path / "parts" / "posterior.parquet"),
    )


def test_the_mapping_sampler_stays_reachable_and_gives_another_posterior(tmp_path):
    assert calibrate(tmp_path / "batched", *SMALL, "--generations", "1") == 0
    assert (
        calibrate(tmp_path / "mapping", *SMALL, "--generations", "1", "--sampler", "mapping") == 0
    )
    settings = json.loads((tmp_path / "mapping" / "settings.json").read_text())
    assert settings["sampler"] == "mapping"
    batched = pd.read_parquet(tmp_path / "batched" / "posterior.parquet")
    mapping = pd.read_parquet(tmp_path / "mapping" / "posterior.parquet")
    assert batched.shape == mapping.shape and not batched.equals(mapping)
    # A resume must keep the sampler of the run it continues.
    assert calibrate(tmp_path / "mapping", *SMALL, "--generations", "2", "--resume") == 2


TRUTH = {"azerbaijan.decision_noise": 1.5, "azerbaijan.posture_cost": 3.0}


def test_the_calibrator_recovers_known_parameters_from_a_synthetic_record(tmp_path):
    """A record simulated at known values (the same simulator, one world) is calibrated
    with a small budget (60 particles, 6 generations); each true value must lie in its
    90% credible interval, and the data must have narrowed at least one interval to under
    80% of the prior's (a small budget on one 42-month record narrows little; the shipped
    run narrows decision noise to about 40%).

    Tolerance and chance of failure: for a correct posterior each 90% interval misses
    the truth with probability 0.1 over synthetic records, so both contain it with
    probability at least 0.8; the min-over-records distance and the coarse final
    tolerance widen the posterior (sim.calibration.summary), which only raises that.
    The test is seeded (record seed 3, calibration seed 11), so it gives the same answer
    every run; with another seed it may fail by chance about one time in five at most.
    """
    setup = prepare(RECORD, BASELINE, None, list(TRUTH), records=8, seed=11)
    record = tmp_path / "synthetic.csv"
    synthetic_record(setup, TRUTH, seed=3).to_csv(record, index=False)
    out = tmp_path / "cal"
    assert (
        calibrate(
            out,
            "--parameters",
            *TRUTH,
            "--particles",
            "60",
            "--generations",
            "6",
            "--records",
            "8",
            record=record,
        )
        == 0
    )
    post = pd.read_parquet(out / "posterior.parquet")
    weights = post["weight"].to_numpy()
    narrowed = []
    for prior in setup.priors:
        lo, hi = weighted_quantiles(post[prior.key].to_numpy(), weights, (0.05, 0.95))
        assert lo <= TRUTH[prior.key] <= hi, (prior.key, lo, hi)
        p_lo, p_hi = np.quantile(prior.dist.sample(np.random.default_rng(0), 100_000), [0.05, 0.95])
        narrowed.append((hi - lo) / (p_hi - p_lo))
    assert min(narrowed) < 0.8, narrowed
