"""Lens comparison (attribution) and backtests (scores) with known answers."""

import json
import math
from pathlib import Path

import pytest

from sim.analysis.backtest import Row, base_rates, brier, log_loss, score
from sim.analysis.compare import INITIAL_GROUP, attribute, swap_group
from sim.cli import main
from sim.scenario import ScenarioError, load_scenario

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline.yaml"
HISTORY = sorted((REPO / "scenarios" / "history").glob("*.yaml"))


def test_swapping_the_only_differing_group_closes_the_whole_gap():
    """Two scenarios that differ only in Russia's parameters: with common random
    numbers, A with B's Russia *is* B, so that swap moves P exactly by the gap and every
    other swap moves it by exactly nothing."""
    a = load_scenario(BASELINE)
    b = a.with_overrides({"russia.push": 5.0, "russia.defend_armenia": 0.0})
    att = attribute(a, b, "corridor_offensive", n_worlds=3_000, seed=4)
    assert att.gap > 0
    assert att.moves["russia"] == pytest.approx(att.gap, abs=1e-12)
    assert all(v == 0 for g, v in att.moves.items() if g != "russia")
    assert att.ranked()[0][0] == "russia"


def test_swap_group_takes_only_that_group():
    a = load_scenario(BASELINE)
    b = load_scenario(REPO / "scenarios" / "history" / "2021-05.yaml")
    mixed = swap_group(a, b, "usa_eu")
    assert mixed.parameters["usa_eu.gas_dependence"] == b.parameters["usa_eu.gas_dependence"]
    key = "russia.ukraine_constraint"
    assert mixed.parameters[key] == a.parameters[key]
    assert swap_group(a, b, INITIAL_GROUP).initial == b.initial


def test_compare_command_table_attribution_and_figure(capsys, tmp_path):
    lenses = [str(REPO / "scenarios" / "experts" / f"{n}.yaml") for n in ("kopalyan", "mikaelian")]
    code = main(["compare", *lenses, "-n", "2000", "--attribution-worlds", "1000",
                 "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "kopalyan" in out and "mikaelian" in out
    assert "kopalyan -> mikaelian: P(full_scale_invasion)" in out
    assert (tmp_path / "comparison.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["compare", lenses[0], "--outcome", "invasion"]) == 2


def test_brier_and_log_loss_known_answers():
    assert brier([(0.2, 0), (0.7, 1)]) == pytest.approx((0.04 + 0.09) / 2)
    assert log_loss([(0.2, 0), (0.7, 1)], 1000) == pytest.approx(
        -(math.log(0.8) + math.log(0.7)) / 2)
    assert log_loss([(0.0, 1)], 1000) == pytest.approx(-math.log(1 / 2000))  # clipped


def test_base_rates_and_skill():
    rows = [Row("a", "x", 0.9, (0.8, 1), 100, True), Row("b", "x", 0.1, (0, 0.2), 100, False)]
    assert base_rates(rows) == {"x": 0.5}  # (1 + 0.5) / (2 + 1)
    s = score(rows, 100)
    assert s.brier == pytest.approx(0.01) and s.base_brier == pytest.approx(0.25)
    assert s.skill == pytest.approx(1 - 0.01 / 0.25)


def test_history_cases_are_shipped_and_backtest_runs(capsys):
    assert [p.stem for p in HISTORY] == ["2021-05", "2024-03"]
    for path in HISTORY:
        case = load_scenario(path)
        assert case.observed is not None and case.as_of is not None
    code = main(["backtest", *map(str, HISTORY), "-n", "2000", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and len(data["rows"]) == 18
    assert {"brier", "log_loss", "skill", "base_rate_brier"} <= set(data)
    happened = {(r["case"], r["outcome"]) for r in data["rows"] if r["observed"]}
    assert ("history-2021-05", "border_clash") in happened
    assert ("history-2024-03", "border_clash") not in happened


def test_backtest_needs_observed(capsys):
    assert main(["backtest", str(BASELINE)]) == 2
    assert "needs observed" in capsys.readouterr().err


def test_bad_observed_block(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("name: c\nobserved: {highest_rung: 7, sanctions_imposed: maybe, "
                    "csto_reaction: monitor, peace_treaty: false}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    text = str(exc.value)
    assert "highest_rung" in text and "sanctions_imposed" in text
    assert "did you mean 'monitoring_mission'" in text
