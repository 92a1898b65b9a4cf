"""Output formats and files, from a hand-made tally (no model run needed)."""

import csv
import io
import json

import numpy as np
import pytest
from matplotlib.image import imread
from ruamel.yaml import YAML

from sim.ladder import N_STATES
from sim.output import format_table, pct, to_csv, to_json, write_run_dir
from sim.results import OUTCOME_NAMES, RunResult, Tally


@pytest.fixture
def result() -> RunResult:
    n, horizon = 1_000, 4
    t = Tally.empty(horizon)
    t.worlds = n
    diag = np.array([400, 120, 30, 7, 1, 100, 25, 130, 30, 0, 12, 35])
    t.co_occurrence = np.diag(diag).astype(np.int64)
    t.state_counts = np.tile(np.array([200, 600, 100, 50, 30, 10, 9, 1]), (horizon + 1, 1))
    t.first_clash_week_counts = np.array([0, 100, 100, 100, 100])
    t.csto_response_counts = np.array([870, 100, 30, 0])
    return RunResult("fixture", 7, 500, t)


def test_pct_keeps_rare_outcomes_visible():
    assert pct(0.1234) == "12.3%" and pct(0.0007) == "0.070%" and pct(0.0) == "0.0%"
    assert pct(float("nan")) == "n/a"


def test_table_has_every_outcome_with_numbers(result):
    text = format_table(result)
    for name in OUTCOME_NAMES:
        assert name in text
    assert "40.0%" in text and "[37.0%, 43.1%]" in text  # border clash, Wilson 95%
    assert "0.70%" in text  # full-scale invasion 7/1000
    assert "median week of first border clash: 2.5 (among 400 worlds" in text
    assert "seed: 7" in text


def test_csv_parses_back(result):
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert [r["outcome"] for r in rows] == list(OUTCOME_NAMES)
    first = rows[0]
    assert float(first["p"]) == 0.4 and int(first["n"]) == 1000 and int(first["k"]) == 400


def test_json_has_the_contract_keys(result):
    data = json.loads(to_json(result))
    assert data["scenario"] == "fixture" and data["seed"] == 7 and data["worlds"] == 1000
    assert data["horizon_weeks"] == 4
    assert data["outcomes"]["regional_war"] == {"p": 0.001, "ci": pytest.approx(
        data["outcomes"]["regional_war"]["ci"]), "n": 1000}
    assert len(data["state_shares_by_week"]) == 5 and len(data["state_labels"]) == N_STATES


def test_run_dir_has_real_figures_and_a_loadable_scenario(result, tmp_path):
    paths = write_run_dir(result, tmp_path / "out", {"name": "fixture", "horizon_weeks": 4})
    names = {p.name for p in paths}
    assert names == {"results.json", "outcomes.csv", "scenario.resolved.yaml",
                     "outcomes.png", "fan_chart.png"}
    for png in ("outcomes.png", "fan_chart.png"):
        raw = (tmp_path / "out" / png).read_bytes()
        assert raw[:8] == b"\x89PNG\r\n\x1a\n"
        image = imread(tmp_path / "out" / png)
        assert (image[..., :3] < 0.9).any()  # something is drawn, not a blank page
    resolved = (tmp_path / "out" / "scenario.resolved.yaml").read_text()
    data = YAML(typ="safe", pure=True).load(resolved)
    assert data["name"] == "fixture"
    assert not list((tmp_path / "out").glob(".*.tmp"))  # no temporary files left behind
