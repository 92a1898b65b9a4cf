"""Issue 19, "Must show": the posterior predictive checks on the dynamics
(sim.analysis.dynamics) and the behaviour measurements (sim.analysis.behaviour)."""

import json

import numpy as np
import pytest

from sim.analysis.behaviour import (
    ROWS,
    ZeroUtilityAzerbaijan,
    lever_changes,
    lever_scenario,
    paired_effect,
    transition_comparison,
    tv_rows,
)
from sim.analysis.dynamics import (
    Months,
    StatisticCheck,
    check_dynamics,
    code_months,
    record_months,
    spell_lengths,
    statistics,
    year_spans,
)
from sim.record import load_record
from sim.record.observation import ObservationModel
from sim.scenario import load_scenario
from tests.conftest import BASELINE, COUNTERFACTUALS, RECORD, run_cli

# --- the record's own statistics, counted by hand from the CSV ------------------------


def test_the_record_statistics_are_the_hand_counts():
    """Counted by hand in data/record/armenia_azerbaijan_monthly.csv: clash months
    (rung >= 2) 2021-07, 08, 09 and the incursions 2021-05, 2021-11 (5 in 2021); 2022-01,
    2022-09 (2); 2023-03, 04, 05, 08, 09 (5); 2024-02 (1). Quiet months (rung 0) with a
    successor: 22, of which 7 are followed by a clash (2021-04, 2021-10, 2021-12, 2022-08,
    2023-02, 2023-07, 2024-01). Clash months followed by a clash: 5 of 13 (2021-07, 08,
    2023-03, 04, 08). Incident months (rung >= 1): 19, followed by one: 9. Incursions
    2021-05, 2021-11, 2022-09, 2023-03, each after a quiet month. CSTO statements
    2021-05 and 2022-09; no sanctions, no treaty signed."""
    stats = {k: float(v[0]) for k, v in statistics(record_months(load_record(RECORD))).items()}
    assert stats == {
        "clash months 2021": 5,
        "clash months 2022": 2,
        "clash months 2023": 5,
        "clash months 2024-01..2024-06": 1,
        "clash months, all": 13,
        "P(clash | previous month quiet)": pytest.approx(7 / 22),
        "P(clash | previous month clash)": pytest.approx(5 / 13),
        "P(incident | previous month quiet)": pytest.approx(10 / 22),
        "P(incident | previous month incident)": pytest.approx(9 / 19),
        "incursion months": 4,
        "incursions straight out of a quiet month": 4,
        "CSTO statement months": 2,
        "sanctions imposed (any month)": 0,
        "treaty signed by 2024-06": 0,
        "regional war by 2024-06": 0,
    }


def test_years_are_whole_or_named_by_their_months():
    labels = tuple(f"2021-{m:02d}" for m in range(1, 13)) + ("2022-01", "2022-02")
    assert year_spans(labels) == [("2021", 0, 12), ("2022-01..2022-02", 12, 14)]


def test_a_ratio_is_undefined_without_its_condition():
    months = Months(
        ("a", "b", "c"),
        np.array([[2, 2, 2], [0, 2, 0]]),
        *(np.zeros((2, 3), dtype=bool),) * 3,
    )
    quiet = statistics(months)["P(clash | previous month quiet)"]
    assert np.isnan(quiet[0]) and quiet[1] == 1.0


def test_band_inside_and_tails():
    check = StatisticCheck("x", 4.0, np.array([0.0] * 90 + [1.0] * 6 + [4.0] * 4))
    assert check.quantiles() == (0.0, 0.0, 1.0)
    assert not check.inside
    p, ci, n = check.tail("above")
    assert (p, n) == (0.04, 100) and ci[0] < 0.04 < ci[1]
    assert check.tail("below")[0] == 1.0


# --- spells ---------------------------------------------------------------------------


def test_spells_count_only_complete_runs():
    # weeks x worlds. World 0: a 2-week clash inside the window, then a 1-week one.
    # World 1: a clash from week 0 (left-censored) and one running to the end (right).
    # World 2: a clash cut by the world's end (censored).
    rung = np.array(
        [[0, 2, 0], [2, 2, 2], [2, 0, 2], [0, 0, 2], [2, 2, 2], [0, 2, 2]], dtype=np.int8
    )
    active = np.ones_like(rung, dtype=bool)
    active[4:, 2] = False
    lengths = spell_lengths(rung, active, 2, 2)
    assert sorted(lengths.tolist()) == [1, 2]


# --- coding by the observation model --------------------------------------------------


def test_coding_draws_follow_the_observation_model():
    """200,000 simulated months per true rung: each coded rung's share is the confusion
    matrix's within 5 standard errors; the CSTO's coding its three chances."""
    model = ObservationModel()
    n = 200_000
    truth_rung = np.repeat(np.arange(4), n).reshape(4, n)
    csto = np.zeros((4, n), dtype=bool)
    csto[0] = True
    standing = np.zeros((4, n), dtype=bool)
    standing[2:] = True
    truth = Months(("m",) * n, truth_rung, csto, np.zeros((4, n), bool), np.zeros((4, n), bool))
    coded = code_months(truth, standing, model, np.random.default_rng(1))
    conf = model.confusion()
    for r in range(4):
        share = np.bincount(coded.rung[r], minlength=6) / n
        se = np.sqrt(conf[r] * (1 - conf[r]) / n)
        assert np.all(np.abs(share - conf[r]) <= 5 * se + 1e-12), r
    expect = [model.csto_hit, model.csto_false, model.csto_repeat, model.csto_repeat]
    for r, p in enumerate(expect):
        assert coded.csto[r].mean() == pytest.approx(p, abs=5 * np.sqrt(p * (1 - p) / n))


# --- the check on the model -----------------------------------------------------------


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_check_dynamics_runs_on_the_model_seeded():
    scenario, record = load_scenario(BASELINE), load_record(RECORD)
    a = check_dynamics(scenario, record, n=40, seed=3, observation=ObservationModel())
    b = check_dynamics(scenario, record, n=40, seed=3, observation=ObservationModel())
    assert [c.name for c in a.checks] == list(statistics(record_months(record)))
    assert a.to_dict() == b.to_dict()
    assert a.checks[4].values.shape == (40,) and a.histories == 40
    assert {s.name for s in a.spells} >= {"tension (rung 1)", "border clash (rung 2)"}


# --- behaviour ------------------------------------------------------------------------


def test_tv_distance_of_rows():
    p = np.zeros((6, 6))
    q = np.zeros((6, 6))
    p[0, 0], q[0, 0], q[0, 1] = 10, 5, 5  # row 0: distance 0.5
    p[1, 1], q[1, 1] = 3, 7  # row 1: equal shares, distance 0
    tv = tv_rows(p, q)
    assert tv[0] == 0.5 and tv[1] == 0.0 and np.isnan(tv[2]) and tv.size == ROWS


def test_zero_utility_chain_does_not_depend_on_the_utilities():
    """Two scenarios whose utilities differ (parameters read by Baku's utilities only)
    give different chains but the same zero-utility chain, world for world."""
    base = load_scenario(BASELINE)
    other = base.with_overrides(
        {
            "azerbaijan.leverage_value": 9.0,
            "azerbaijan.corridor_value": 18.0,
            "azerbaijan.great_power_war_cost": 60.0,
        },
        source="assumption: a test",
    )
    a = transition_comparison(base, "2024-03", weeks=10, n=200, seed=5)
    b = transition_comparison(other, "2024-03", weeks=10, n=200, seed=5)
    assert np.array_equal(a.zero_counts, b.zero_counts)
    assert not np.array_equal(a.model_counts, b.model_counts)
    assert a.zero_counts.sum() > 0 and np.all(np.isfinite(a.tv_ci[ROWS]))


def test_the_zero_utility_agent_zeroes_what_the_parent_computed():
    from sim.montecarlo import one_world

    model = one_world(load_scenario(BASELINE).with_actors(ZeroUtilityAzerbaijan), seed=1)
    model.step()
    (baku,) = [a for a in model.actors if isinstance(a, ZeroUtilityAzerbaijan)]
    assert baku.utilities.shape[1] == 1 and not baku.utilities.any()


def test_paired_effect_difference_and_ratio():
    base = np.array([1, 1, 0, 0, 1, 0, 0, 0], dtype=bool)
    lever = np.array([1, 0, 0, 0, 1, 1, 1, 0], dtype=bool)
    e = paired_effect("border_clash", base, lever)
    assert (e.k_base, e.k_lever, e.n) == (3, 4, 8)
    assert e.diff == pytest.approx(1 / 8) and e.ratio == pytest.approx(4 / 3)
    assert e.diff_ci[0] < e.diff < e.diff_ci[1]
    assert e.ratio_ci[0] < e.ratio < e.ratio_ci[1]
    same = paired_effect("border_clash", base, base)
    assert same.diff_ci == (0.0, 0.0) and same.ratio_ci == (1.0, 1.0)


def test_a_lever_over_its_reference_is_the_counterfactual():
    reference = load_scenario(BASELINE)
    cf = load_scenario(COUNTERFACTUALS / "porcupine_complete.yaml")
    keys, fields = lever_changes(cf, reference)
    assert sorted(keys) == ["armenia.border_readiness", "armenia.denial_capacity"]
    assert fields == []
    laid = lever_scenario(reference, cf, reference)
    assert laid.parameters == cf.parameters and laid.initial == cf.initial
    treaty = load_scenario(COUNTERFACTUALS / "treaty_conditions_met.yaml")
    assert lever_changes(treaty, reference) == (
        [],
        ["minsk_group_dissolved", "constitution_reformed"],
    )


# --- the commands ---------------------------------------------------------------------


@pytest.mark.slow
def test_the_commands_print_json_and_write_their_figures(capsys, tmp_path):
    code, out, _ = run_cli(
        capsys, "check-dynamics", str(BASELINE), "-n", "60", "--format", "json", "-q"
    )
    data = json.loads(out)
    assert code == 0 and data["histories"] == 60 and len(data["statistics"]) == 15
    code, out, err = run_cli(
        capsys,
        "behaviour",
        str(BASELINE),
        "-n",
        "100",
        "--weeks",
        "8",
        "--levers",
        str(COUNTERFACTUALS / "turkey_restrains.yaml"),
        "-o",
        str(tmp_path),
        "-q",
    )
    assert code == 0 and "Total-variation distance" in out and "cf-turkey_restrains" in out
    assert (tmp_path / "behaviour.json").exists() and (tmp_path / "levers.png").exists()
    code, _, err = run_cli(capsys, "behaviour", "--as-of", "2024-13")
    assert code == 2 and "--as-of" in err
