"""Lens comparison (attribution) and backtests (scores) with known answers."""

import json
import math
from dataclasses import replace

import pytest

from sim.analysis.backtest import Row, base_rates, brier, log_loss, score
from sim.analysis.compare import (
    INITIAL_GROUP,
    attribute,
    group_differs,
    parameter_groups,
    swap_group,
    take_groups,
)
from sim.cli import main
from sim.montecarlo import run_scenario
from sim.scenario import ScenarioError, load_scenario
from tests.conftest import BASELINE, REPO

HISTORY = sorted((REPO / "scenarios" / "history").glob("*.yaml"))


def _lenses():
    return [
        load_scenario(REPO / "scenarios" / "experts" / f"{n}.yaml")
        for n in ("mikaelian", "kopalyan")
    ]


def test_the_only_differing_group_takes_the_whole_gap():
    """Two scenarios that differ only in Russia's parameters: with common random
    numbers, A with B's Russia *is* B, so Russia's part is exactly the gap, the other
    groups get exactly nothing, and only two coalitions are run."""
    a = load_scenario(BASELINE)
    b = a.with_overrides({"russia.push": 5.0, "russia.defend_armenia": 0.0})
    att = attribute(a, b, "corridor_offensive", n_worlds=3_000, seed=4)
    assert att.gap > 0 and att.differing == ("russia",) and att.runs == 2
    assert att.parts["russia"] == att.gap == att.swaps["russia"]
    assert all(v == 0.0 for g, v in att.parts.items() if g != "russia")
    assert set(att.parts) == {*parameter_groups(a), INITIAL_GROUP}
    assert att.ranked()[0][0] == "russia"


@pytest.mark.slow
def test_groups_equal_in_both_lenses_get_exactly_zero_when_run():
    """Groups that are the same in both scenarios, forced into the game as players
    (turkey, the starting state), draw the same values in every coalition, so their
    parts are exactly 0; the two groups that differ share the gap, which is a plain run
    of B."""
    a = load_scenario(BASELINE)
    b = a.with_overrides({"russia.push": 5.0, "usa_eu.sanctions_credibility": 0.0})
    att = attribute(
        a,
        b,
        "corridor_offensive",
        n_worlds=2_000,
        seed=5,
        players=["russia", "turkey", "usa_eu", INITIAL_GROUP],
    )
    assert att.runs == 16
    assert att.parts["turkey"] == 0.0 and att.parts[INITIAL_GROUP] == 0.0
    assert att.parts["russia"] != 0.0 and att.parts["usa_eu"] != 0.0
    assert att.total == pytest.approx(att.gap, abs=1e-12)
    direct = run_scenario(b, n_worlds=2_000, seed=5).estimate("corridor_offensive").p
    assert att.p_b == direct
    with pytest.raises(ValueError, match="unknown parameter groups"):
        attribute(a, b, "corridor_offensive", 10, 1, players=["nato"])


@pytest.mark.slow  # over a second: the fast tier must stay under a minute
def test_lens_gap_splits_exactly_and_reverses_sign():
    """Mikaelian -> Kopalyan: the ends are plain runs of each lens, the parts add up to
    the gap to 1e-12, and going the other way gives every group the opposite part
    (A with S from B is B with the rest from A: the same scenarios, the same worlds)."""
    a, b = _lenses()
    there = attribute(a, b, "corridor_offensive", n_worlds=1_000, seed=7)
    back = attribute(b, a, "corridor_offensive", n_worlds=1_000, seed=7)
    p = {
        s.name: run_scenario(s, n_worlds=1_000, seed=7).estimate("corridor_offensive").p
        for s in (a, b)
    }
    assert (there.p_a, there.p_b) == (p["mikaelian"], p["kopalyan"])
    assert there.gap < -0.04 and there.runs == 2 ** len(there.differing)
    assert there.total == pytest.approx(there.gap, abs=1e-12)
    assert back.parts == pytest.approx({g: -v for g, v in there.parts.items()}, abs=1e-12)
    assert there.parts["csto"] == 0.0  # the lenses agree on the CSTO
    # The old single swaps do not add up to the gap (here they overshoot it).
    assert abs(there.swap_total - there.gap) > 0.03


def test_swap_group_takes_only_that_group():
    a = load_scenario(BASELINE)
    b = load_scenario(REPO / "scenarios" / "history" / "2021-05.yaml")
    mixed = swap_group(a, b, "usa_eu")
    assert mixed.parameters["usa_eu.gas_dependence"] == b.parameters["usa_eu.gas_dependence"]
    key = "russia.ukraine_constraint"
    assert mixed.parameters[key] == a.parameters[key]
    assert swap_group(a, b, INITIAL_GROUP).initial == b.initial
    both = take_groups(a, b, ["usa_eu", INITIAL_GROUP])
    assert both.initial == b.initial and both.parameters[key] == a.parameters[key]
    assert group_differs(a, b, INITIAL_GROUP) and not group_differs(a, a, "usa_eu")


@pytest.mark.slow  # over a second: the fast tier must stay under a minute
def test_compare_command_table_json_and_figure(capsys, tmp_path):
    lenses = [str(REPO / "scenarios" / "experts" / f"{n}.yaml") for n in ("kopalyan", "mikaelian")]
    code = main(
        ["compare", *lenses, "-n", "2000", "--attribution-worlds", "1000", "--out", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0 and "kopalyan" in out and "mikaelian" in out
    assert "kopalyan -> mikaelian: P(full_scale_invasion)" in out
    assert "the parts add up to the gap" in out and "swapping one group at a time" in out
    assert (tmp_path / "comparison.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["compare", lenses[0], "--outcome", "invasion"]) == 2
    capsys.readouterr()
    assert (
        main(["compare", *lenses, "-n", "500", "--attribution-worlds", "500", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    (pair,) = data["pairs"]
    assert set(pair) == {"from", "to", "outcome", "gap", "parts"}
    assert (pair["from"], pair["to"], pair["outcome"]) == (
        "kopalyan",
        "mikaelian",
        "full_scale_invasion",
    )
    assert sum(pair["parts"].values()) == pytest.approx(pair["gap"], abs=1e-12)
    assert pair["gap"] == pytest.approx(
        data["scenarios"]["mikaelian"]["full_scale_invasion"]["p"]
        - data["scenarios"]["kopalyan"]["full_scale_invasion"]["p"]
    )


@pytest.mark.slow
def test_html_report_ranks_the_same_parts():
    """The report's table comes from ``attribute``: the one differing group carries the
    whole gap, the sum row equals it, and equal groups are marked."""
    from sim.formatting import signed_pct
    from sim.report import comparison_report

    a = load_scenario(BASELINE)
    b = replace(a.with_overrides({"russia.push": 5.0}), name="pushed")
    page = comparison_report(
        [a, b], n_worlds=300, seed=2, outcome="corridor_offensive", attribution_worlds=1_500
    )
    att = attribute(a, b, "corridor_offensive", n_worlds=1_500, seed=2)
    gap = signed_pct(att.gap, "\u2212")
    assert f"(gap {gap})" in page and f"<b>{gap}</b> = the gap" in page
    assert f"<td><code>russia</code></td><td class=num>{gap}</td>" in page
    assert page.count("same in both") == len(att.parts) - 1


def test_brier_and_log_loss_known_answers():
    assert brier([(0.2, 0), (0.7, 1)]) == pytest.approx((0.04 + 0.09) / 2)
    assert log_loss([(0.2, 0), (0.7, 1)], 1000) == pytest.approx(
        -(math.log(0.8) + math.log(0.7)) / 2
    )
    assert log_loss([(0.0, 1)], 1000) == pytest.approx(-math.log(1 / 2000))  # clipped


def test_base_rates_and_skill():
    rows = [Row("a", "x", 0.9, (0.8, 1), 100, True), Row("b", "x", 0.1, (0, 0.2), 100, False)]
    assert base_rates(rows) == {"x": 0.5}  # (1 + 0.5) / (2 + 1)
    s = score(rows, 100)
    assert s.brier == pytest.approx(0.01) and s.base_brier == pytest.approx(0.25)
    assert s.skill == pytest.approx(1 - 0.01 / 0.25)


@pytest.mark.slow
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
    path.write_text(
        "name: c\nobserved: {highest_rung: 7, sanctions_imposed: maybe, "
        "csto_reaction: monitor, peace_treaty: false}\n"
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    text = str(exc.value)
    assert "highest_rung" in text and "sanctions_imposed" in text
    assert "did you mean 'monitoring_mission'" in text
