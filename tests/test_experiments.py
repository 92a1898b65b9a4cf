"""Studies: designs, identical results on every backend, resume after kill -9,
sensitivity against a known answer, PRIM, and clear errors for bad study files."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments import load_study, run_study
from sim.experiments.design import design_points
from sim.montecarlo import run_scenario
from sim.scenario import ScenarioError
from tests.conftest import BASELINE, REPO


def write_study(tmp_path: Path, body: str, name: str = "study.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"scenario: {BASELINE}\n" + body)
    return path


GRID = """\
name: grid
seed: 3
worlds: 600
horizon_weeks: 30
outcomes: [border_clash, limited_incursion]
design:
  method: grid
  parameters:
    usa_eu.sanctions_credibility: [0.0, 0.5, 1.0]
    russia.push: [0.0, 3.0, 6.0]
"""


def test_shipped_studies_are_valid():
    for path in sorted((REPO / "experiments").glob("*.yaml")):
        study = load_study(path)
        assert len(design_points(study)) > 1, path.name


def test_grid_points_and_tidy_table(tmp_path):
    study = load_study(write_study(tmp_path, GRID))
    table = run_study(study)
    assert len(table) == 9 * 2
    assert set(table.columns) >= {
        "point",
        "usa_eu.sanctions_credibility",
        "russia.push",
        "outcome",
        "p",
        "ci_low",
        "ci_high",
        "n",
        "k",
        "seed",
    }
    assert (table.ci_low <= table.p).all() and (table.p <= table.ci_high).all()


def test_a_row_reruns_alone_to_the_same_numbers(tmp_path):
    """Every point is an `escsim run` of the scenario with the point's values."""
    study = load_study(write_study(tmp_path, GRID))
    table = run_study(study)
    row = table[(table.point == 5) & (table.outcome == "limited_incursion")].iloc[0]
    alone = study.scenario.with_overrides(
        {
            "usa_eu.sanctions_credibility": row["usa_eu.sanctions_credibility"],
            "russia.push": row["russia.push"],
        }
    )
    result = run_scenario(alone, n_worlds=600, seed=3, horizon_weeks=30)
    assert result.estimate("limited_incursion").k == row["k"]


@pytest.mark.dask
@pytest.mark.slow
def test_serial_processes_and_dask_agree(tmp_path):
    distributed = pytest.importorskip("distributed")
    study = load_study(write_study(tmp_path, GRID))
    serial = run_study(study)
    pooled = run_study(study, workers=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = run_study(study, dask=cluster.scheduler_address)
    pd.testing.assert_frame_equal(serial, pooled)
    pd.testing.assert_frame_equal(serial, on_dask)


# `escsim sweep` in a child that stops after its first checkpoint, so SIGKILL lands
# mid-run every time (no race between a poll and a fast machine finishing first).
PAUSE_AFTER_FIRST_BLOCK = """
import sys, threading
from sim.experiments import runner
save = runner.Checkpoint.save
def save_then_pause(self, index, counts):
    save(self, index, counts)
    threading.Event().wait()  # until SIGKILL
runner.Checkpoint.save = save_then_pause
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_resume_after_kill_9_gives_the_uninterrupted_table(tmp_path):
    body = GRID.replace("worlds: 600", "worlds: 4000").replace(
        "[0.0, 0.5, 1.0]", "[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]"
    )
    path = write_study(tmp_path, body)
    whole = run_study(load_study(path), out=tmp_path / "whole")
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSE_AFTER_FIRST_BLOCK,
            "sweep",
            str(path),
            "--out",
            str(out),
            "--no-progress",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 120
        while not list((out / "blocks").glob("block-*.npy")):  # the first checkpoint
            assert proc.poll() is None and time.time() < deadline, "no checkpoint appeared"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    from sim.experiments.runner import make_tasks

    blocks = len(make_tasks(load_study(path), design_points(load_study(path))))
    finished = len(list((out / "blocks").glob("block-*.npy")))
    assert finished == 1 < blocks, "the kill lands after the first of several blocks"
    assert not (out / "results.csv").exists()
    with pytest.raises(ScenarioError, match="--resume"):
        run_study(load_study(path), out=out)
    resumed = run_study(load_study(path), out=out, resume=True)
    pd.testing.assert_frame_equal(whole, resumed)
    assert (out / "results.csv").read_text() == (tmp_path / "whole" / "results.csv").read_text()


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_a_changed_study_is_refused_on_resume(tmp_path):
    path = write_study(tmp_path, GRID)
    run_study(load_study(path), out=tmp_path / "out")
    path.write_text(path.read_text().replace("seed: 3", "seed: 4"))
    with pytest.raises(ScenarioError, match="changed since the partial run"):
        run_study(load_study(path), out=tmp_path / "out", resume=True)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "\xff\xfe"])
def test_a_corrupt_manifest_is_refused_with_its_path(tmp_path, text):
    path = write_study(tmp_path, GRID)
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(text.encode("latin-1"))
    with pytest.raises(ScenarioError, match="is not a sweep manifest") as exc:
        run_study(load_study(path), out=out, resume=True)
    assert exc.value.problems[0].file == str(out / "manifest.json")


@pytest.mark.slow  # over 2 s of CPU: the fast tier must stay under a minute
def test_sobol_finds_the_only_parameter_that_matters(tmp_path):
    """Known answer: with Baku pinned on rung 3 and no CSTO war, P(sanctions) depends on
    the threat's credibility alone; Turkey's influence and Armenia's reform rate act only
    through Baku's choice, which is frozen. Total index of credibility near 1 (> 0.9),
    the others near 0 (< 0.05)."""
    scenario = tmp_path / "pinned.yaml"
    scenario.write_text(f"""\
name: pinned
extends: {BASELINE}
initial: {{rung: 3}}
parameters:
  azerbaijan: {{change_cost: 15, decision_noise: 0.2}}
  csto: {{obligation_strength: 0}}
""")
    path = tmp_path / "sobol.yaml"
    path.write_text(f"""\
name: known-answer
scenario: {scenario}
seed: 5
worlds: 400
horizon_weeks: 20
outcomes: [sanctions_imposed]
design:
  method: sobol
  samples: 64
  parameters:
    usa_eu.sanctions_credibility: [0, 1]
    turkey.influence: [0, 6]
    armenia.reform_rate: [0, 0.02]
""")
    run_study(load_study(path), out=tmp_path / "out")
    sens = pd.read_csv(tmp_path / "out" / "sensitivity.csv").set_index("parameter")
    assert sens.loc["usa_eu.sanctions_credibility", "ST"] > 0.9
    assert sens.loc["turkey.influence", "ST"] < 0.05
    assert sens.loc["armenia.reform_rate", "ST"] < 0.05
    assert (tmp_path / "out" / "sensitivity.png").exists()


def test_morris_and_latin_hypercube_designs(tmp_path):
    body = """\
name: m
seed: 2
worlds: 200
horizon_weeks: 10
outcomes: [border_clash]
design:
  method: morris
  samples: 4
  levels: 4
  parameters:
    azerbaijan.leverage_value: [0, 10]
    azerbaijan.change_cost: [0, 15]
"""
    run_study(load_study(write_study(tmp_path, body)), out=tmp_path / "morris")
    sens = pd.read_csv(tmp_path / "morris" / "sensitivity.csv")
    assert {"mu_star", "sigma"} <= set(sens.columns)
    lhs = load_study(write_study(tmp_path, body.replace("morris", "latin_hypercube"), "l.yaml"))
    points = design_points(lhs)
    assert len(points) == 4 and points["azerbaijan.change_cost"].between(0, 15).all()


@pytest.mark.slow  # over a second: the fast tier must stay under a minute
def test_prim_boxes_for_scenario_discovery(tmp_path):
    pytest.importorskip("ema_workbench")
    body = GRID + "discovery:\n  outcome: limited_incursion\n  threshold: 0.15\n"
    run_study(load_study(write_study(tmp_path, body)), out=tmp_path / "out")
    boxes = pd.read_csv(tmp_path / "out" / "discovery.csv")
    assert {"coverage", "density"} <= set(boxes.columns)
    assert boxes.density.between(0, 1).all() and boxes.coverage.between(0, 1).all()


@pytest.mark.slow
def test_grid_figures(tmp_path):
    run_study(load_study(write_study(tmp_path, GRID)), out=tmp_path / "two")
    assert (tmp_path / "two" / "heatmap_limited_incursion.png").exists()
    one = GRID.replace("    russia.push: [0.0, 3.0, 6.0]\n", "")
    run_study(load_study(write_study(tmp_path, one, "one.yaml")), out=tmp_path / "one")
    assert (tmp_path / "one" / "response.png").exists()


@pytest.mark.parametrize(
    "change, words",
    [
        (("worlds: 600", "wolds: 600"), "did you mean 'worlds'"),
        (("method: grid", "method: gird"), "did you mean 'grid'"),
        (("russia.push:", "russia.psuh:"), "did you mean 'russia.push'"),
        (("[0.0, 3.0, 6.0]", "[0.0, 3.0, 9.0]"), "outside the range"),
        (("[border_clash, limited_incursion]", "[border_clash, invasion]"), "unknown outcome"),
        (("seed: 3", "seed: -3"), "expected a whole number"),
    ],
)
def test_bad_study_files_get_clear_errors(tmp_path, change, words):
    path = write_study(tmp_path, GRID.replace(*change))
    with pytest.raises(ScenarioError, match=words):
        load_study(path)


def test_sampling_designs_need_samples(tmp_path):
    body = (
        GRID.replace("method: grid", "method: sobol")
        .replace("[0.0, 0.5, 1.0]", "[0.0, 1.0]")
        .replace("[0.0, 3.0, 6.0]", "[0.0, 6.0]")
    )
    with pytest.raises(ScenarioError, match="needs samples"):
        load_study(write_study(tmp_path, body))


@pytest.mark.slow
def test_sweep_command(tmp_path, capsys):
    from sim.cli import main

    path = write_study(tmp_path, GRID)
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "points: 9" in out and "results.parquet" in out
    parquet = pd.read_parquet(tmp_path / "o" / "results.parquet")
    assert np.array_equal(
        parquet["k"].to_numpy(), pd.read_csv(tmp_path / "o" / "results.csv")["k"].to_numpy()
    )
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2  # no --resume
