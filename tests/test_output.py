"""Output formats and files, from a hand-made tally (no model run needed)."""

import csv
import io
import json
import os

import numpy as np
import pytest
from matplotlib.image import imread
from ruamel.yaml import YAML

from sim.formatting import pct
from sim.ladder import N_STATES, STATE_LABELS, CstoResponse
from sim.outcomes import OUTCOME_NAMES
from sim.output import format_table, to_csv, to_json, write_run_dir
from sim.plots import plot_fan_chart, plot_outcomes
from sim.results import RunResult, Tally


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
    assert data["outcomes"]["regional_war"] == {
        "p": 0.001,
        "ci": pytest.approx(data["outcomes"]["regional_war"]["ci"]),
        "n": 1000,
        "spread": None,
    }
    assert data["parameter_spread"]["status"] == "off"
    assert len(data["state_shares_by_week"]) == 5 and len(data["state_labels"]) == N_STATES


@pytest.mark.slow
def test_run_dir_has_real_figures_and_a_loadable_scenario(result, tmp_path):
    paths = write_run_dir(result, tmp_path / "out", {"name": "fixture", "horizon_weeks": 4})
    names = {p.name for p in paths}
    assert names == {
        "results.json",
        "outcomes.csv",
        "scenario.resolved.yaml",
        "outcomes.png",
        "fan_chart.png",
    }
    for png in ("outcomes.png", "fan_chart.png"):
        raw = (tmp_path / "out" / png).read_bytes()
        assert raw[:8] == b"\x89PNG\r\n\x1a\n"
        image = imread(tmp_path / "out" / png)
        assert (image[..., :3] < 0.9).any()  # something is drawn, not a blank page
    resolved = (tmp_path / "out" / "scenario.resolved.yaml").read_text()
    data = YAML(typ="safe", pure=True).load(resolved)
    assert data["name"] == "fixture"
    assert not list((tmp_path / "out").glob(".*.tmp"))  # no temporary files left behind


WORLDS = 10_000
HORIZON = 52
# A second, larger fixture: a year of 10,000 worlds drifting from tension to FINAL_SHARES.
# k per outcome (of WORLDS). 1234 -> 12.3% [11.7%, 13.0%]; 50 -> 0.50% [0.38%, 0.66%];
# 9500 -> 95.0% [94.6%, 95.4%]; 0 -> 0.0% [0.0%, 0.038%].
COUNTS = {
    "border_clash": 1234,
    "limited_incursion": 400,
    "corridor_offensive": 120,
    "full_scale_invasion": 50,
    "regional_war": 3,
    "peace_treaty": 9500,
    "sanctions_imposed": 310,
    "csto_statement": 800,
    "csto_monitoring_mission": 90,
    "csto_military_response": 0,
    "russian_corridor_control": 25,
    "pro_russian_unrest": 140,
}
# Share of worlds in each state at the horizon (negotiation ... invasion, treaty, war).
FINAL_SHARES = (0.20, 0.25, 0.10, 0.06, 0.03, 0.01, 0.345, 0.005)


def make_tally(worlds: int = WORLDS, horizon: int = HORIZON, clash: bool = True) -> Tally:
    tally = Tally.empty(horizon)
    tally.worlds = worlds
    k = np.array([COUNTS[name] * worlds // WORLDS for name in OUTCOME_NAMES], dtype=np.int64)
    tally.co_occurrence = np.minimum.outer(k, k)  # diagonal = each outcome's count
    start = np.zeros(N_STATES)
    start[1] = 1.0  # every world starts in tension
    for week in range(horizon + 1):
        t = week / max(horizon, 1)
        shares = (1 - t) * start + t * np.array(FINAL_SHARES)
        row = np.floor(shares * worlds).astype(np.int64)
        row[1] += worlds - row.sum()
        tally.state_counts[week] = row
    if clash:  # 1234 worlds: 600 in week 10, 100 in week 17, 534 in week 30 -> median 17
        tally.first_clash_week_counts[[10, 17, 30]] = [600, 100, 534]
    tally.csto_response_counts[:] = [worlds - 890, 800, 90, 0][: len(CstoResponse)]
    tally.occupied_km2_sum = 170.0 * worlds
    return tally


@pytest.fixture
def big() -> RunResult:
    return RunResult(
        scenario="baseline",
        seed=42,
        chunk_size=1000,
        tally=make_tally(),
        parameters={"note": "hand-made"},
    )


def test_table_rows_in_order_with_their_numbers(big):
    table = format_table(big)
    lines = table.splitlines()
    for name in OUTCOME_NAMES:
        assert any(line.startswith(name + " ") for line in lines), name
    rows = {
        line.split()[0]: line for line in lines if line.split() and line.split()[0] in OUTCOME_NAMES
    }
    assert list(rows) == list(OUTCOME_NAMES)  # in the contract's order
    assert "12.3%  [11.7%, 13.0%]" in rows["border_clash"]
    assert rows["border_clash"].rstrip().endswith("10,000")
    assert "0.50%  [0.38%, 0.66%]" in rows["full_scale_invasion"]
    assert "95.0%  [94.6%, 95.4%]" in rows["peace_treaty"]
    assert "0.0%  [0.0%, 0.038%]" in rows["csto_military_response"]
    assert "scenario: baseline" in table and "seed: 42" in table
    assert "worlds: 10,000" in table and "horizon: 52 weeks" in table
    assert "median week of first border clash: 17 (among 1,234 worlds that had one)" in table
    for label, share in zip(STATE_LABELS, FINAL_SHARES, strict=True):
        expected = pct(share)
        assert any(
            line.strip().startswith(label + " ") and line.endswith(expected) for line in lines
        ), (label, expected)


def test_table_without_any_clash():
    result = RunResult("quiet", 1, 100, make_tally(worlds=100, clash=False))
    table = format_table(result)
    assert "no border clash in any world" in table
    assert "median week" not in table


def test_csv_parses_back_to_the_same_numbers(big):
    rows = list(csv.DictReader(io.StringIO(to_csv(big))))
    assert [r["outcome"] for r in rows] == list(OUTCOME_NAMES)
    outcomes = big.outcomes()
    for r in rows:
        est = outcomes[r["outcome"]]
        assert float(r["p"]) == est.p and int(r["n"]) == est.n == WORLDS
        assert int(r["k"]) == est.k
        assert (float(r["ci_low"]), float(r["ci_high"])) == est.ci
        assert r["scenario"] == "baseline" and r["seed"] == "42"
        assert r["horizon_weeks"] == "52"
    header = to_csv(big).splitlines()[0]
    assert header == (
        "outcome,p,ci_low,ci_high,n,k,scenario,seed,horizon_weeks,"
        "spread_p10,spread_p50,spread_p90,spread_draws,spread_worlds_per_draw,"
        "spread_between_sd"
    )


def test_json_of_a_run_without_worlds_is_valid_json():
    empty = RunResult("empty", 0, 10, Tally.empty(4))
    data = json.loads(to_json(empty))  # NaN would not parse as strict JSON
    assert data["outcomes"]["border_clash"]["p"] is None
    assert "n/a" in format_table(empty)
    for row in csv.DictReader(io.StringIO(to_csv(empty))):
        assert row["p"] == "" and row["n"] == "0"


def _assert_real_png(path) -> None:
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    image = imread(path)
    assert image.ndim == 3 and image.shape[0] > 200 and image.shape[1] > 400
    rgb = image[..., :3]
    assert (rgb < 0.9).any(axis=-1).mean() > 0.02  # a real drawing, not a blank page


@pytest.mark.slow
def test_write_run_dir_writes_every_file(big, tmp_path):
    resolved = {
        "name": "baseline",
        "horizon_weeks": 52,
        "seed_note": None,
        "initial": {"rung": 1, "occupied_km2": 170.0},
        "parameters": {"azerbaijan": {"risk_aversion": {"beta": {"a": 8, "b": 2}}}},
        "tags": ("a", "b"),
        "weight": np.float64(0.25),
    }
    out = tmp_path / "runs" / "baseline"  # parents are created
    paths = write_run_dir(big, out, resolved)
    names = {p.name for p in paths}
    assert names == {
        "results.json",
        "outcomes.csv",
        "scenario.resolved.yaml",
        "outcomes.png",
        "fan_chart.png",
    }
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # no temp files left
    for path in paths:
        assert path.parent == out and path.stat().st_size > 0
    _assert_real_png(out / "outcomes.png")
    _assert_real_png(out / "fan_chart.png")
    assert json.loads((out / "results.json").read_text()) == json.loads(to_json(big))
    assert (out / "outcomes.csv").read_text() == to_csv(big)
    text = (out / "scenario.resolved.yaml").read_text()
    assert text.startswith("#") and "resolved scenario" in text.splitlines()[0]
    loaded = YAML(typ="safe", pure=True).load(text)
    assert loaded == {**resolved, "tags": ["a", "b"], "weight": 0.25}


@pytest.mark.slow
def test_write_run_dir_without_a_scenario_and_twice(big, tmp_path):
    first = write_run_dir(big, tmp_path, None)
    assert "scenario.resolved.yaml" not in {p.name for p in first}
    second = write_run_dir(big, str(tmp_path))  # overwrites in place
    assert [p.name for p in first] == [p.name for p in second]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in second)


@pytest.mark.slow
def test_plots_return_their_path_and_handle_edge_cases(tmp_path):
    tiny = RunResult("tiny", 3, 5, make_tally(worlds=5, horizon=0, clash=False))
    assert plot_outcomes(tiny, tmp_path / "o.png") == tmp_path / "o.png"
    assert plot_fan_chart(tiny, tmp_path / "f.png") == tmp_path / "f.png"
    empty = RunResult("empty", 0, 10, Tally.empty(4))
    _assert_real_png(plot_outcomes(empty, tmp_path / "e.png"))
    plot_fan_chart(empty, tmp_path / "ef.png")


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    from sim import files

    target = tmp_path / "results.json"
    target.write_text("old")

    def boom(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
