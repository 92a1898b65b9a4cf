"""Calibration (sim.calibration): statistics, the batched simulator, priors, the model's
mid-run parameter changes, and the command's handling of bad input."""

import numpy as np
import pytest
import scipy.stats

from sim.actors import PARAMS_BY_KEY
from sim.calibration.priors import DEFAULT_PARAMETERS, choose_priors, to_rv
from sim.calibration.summary import (
    MonthlyRecord,
    RecordDistance,
    monthly_from_weekly,
    periods,
    statistic_weights,
    statistics,
)
from sim.cli import main
from sim.scenario import Beta, Fixed, Triangular, TruncNormal, Uniform, load_scenario
from tests.conftest import BASELINE, RECORD
from tests.helpers import model

# --- what is compared -----------------------------------------------------------------


def test_a_month_is_the_highest_of_its_weeks_and_reactions_count_in_the_month_they_start():
    weeks = [4, 5, 4]
    rung = np.array([[0, 1, 0, 0, 2, 1, 0, 0, 0, 0, 0, 3, 1]]).T
    csto = np.array([[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]], dtype=bool).T
    sanctioned = np.zeros_like(csto)
    m = monthly_from_weekly(rung, csto, sanctioned, weeks)
    assert m.rung.tolist() == [[1, 2, 3]]
    assert m.csto.tolist() == [[False, True, False]]  # the level stays up; one reaction
    with pytest.raises(ValueError, match="13 weeks simulated for 12"):
        monthly_from_weekly(rung, csto, sanctioned, [4, 4, 4])


def test_periods_split_where_conditions_change_but_never_below_a_year():
    assert periods(42, [13, 15, 18, 21, 22, 23, 25, 32, 37]) == [(0, 13), (13, 25), (25, 42)]
    assert periods(20, [5, 10]) == [(0, 20)]
    assert periods(30, []) == [(0, 30)]


def test_statistics_are_shares_per_period_and_indicators_over_the_window():
    rec = MonthlyRecord.single([0, 1, 2, 3, 0, 0], [0, 1, 0, 0, 0, 0], [0] * 6)
    stats = statistics(rec, [(0, 3), (3, 6)])
    np.testing.assert_allclose(stats[0], [2 / 3, 1 / 3, 0, 1 / 3, 1 / 3, 1 / 3, 1, 0])
    assert statistic_weights([(0, 3), (3, 6)]).tolist() == [1.0] * 6 + [0.5, 0.5]


def test_one_month_recoded_moves_the_distance_by_one_over_the_period_length():
    spans = [(0, 12), (12, 24)]
    rung = np.zeros(24, dtype=int)
    rung[[3, 15]] = 2
    obs = {"stats": statistics(MonthlyRecord.single(rung, [0] * 24, [0] * 24), spans)[0]}
    recoded = rung.copy()
    recoded[7] = 1  # a quiet month that was really tension (the record's caveat)
    dist = RecordDistance(tuple(statistic_weights(spans)))
    sim = {"stats": statistics(MonthlyRecord.single(recoded, [0] * 24, [0] * 24), spans)}
    assert dist(sim, obs) == pytest.approx(1 / 12)


def test_the_distance_is_the_smallest_over_the_simulated_records():
    dist = RecordDistance((1.0, 0.5))
    sim = {"stats": np.array([[0.5, 1.0], [0.1, 0.0], [0.9, 0.0]])}
    assert dist(sim, {"stats": np.array([0.0, 0.0])}) == pytest.approx(0.1)


# --- the model's mid-run parameter changes ---------------------------------------------


def test_update_parameters_changes_the_future_only_and_not_the_random_stream():
    same, changed, ref = model(200, seed=5), model(200, seed=5), model(200, seed=5)
    history = []
    for week in range(40):
        if week == 20:
            same.update_parameters({"azerbaijan.decision_noise": 1.0})  # its default
            changed.update_parameters({"azerbaijan.decision_noise": np.full(200, 4.0)})
        for m in (same, changed, ref):
            m.step()
        history.append((same.world.rung.copy(), changed.world.rung.copy(), ref.world.rung.copy()))
    for week, (s, c, r) in enumerate(history):
        np.testing.assert_array_equal(s, r)
        if week < 20:
            np.testing.assert_array_equal(c, r)
    assert any((c != r).any() for _, c, r in history[20:])
    assert len(changed.agents) == len(ref.agents)  # nothing added
    with pytest.raises(KeyError, match="azerbaijan.nope"):
        same.update_parameters({"azerbaijan.nope": 1.0})


# --- priors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dist",
    [
        Uniform(0.2, 0.4),
        Beta(2, 8, 0, 1),
        Beta(3, 2, 1, 5),
        Triangular(1.5, 2.5, 4),
        Triangular(0, 0, 3),
        TruncNormal(1, 2, 0, 6),
    ],
)
def test_a_prior_is_the_scenario_distribution_itself(dist):
    rv = to_rv(dist)
    draws = dist.sample(np.random.default_rng(3), 20_000)
    # The same law: a Kolmogorov-Smirnov test at 20,000 draws (seeded; p > 0.001).
    assert scipy.stats.kstest(draws, rv.cdf).pvalue > 0.001
    lo, hi = dist.support()
    assert rv.pdf(lo - 1e-6) == 0 and rv.pdf(hi + 1e-6) == 0


def test_default_parameters_fixed_in_the_scenario_get_their_registry_range():
    scenario = load_scenario(BASELINE)
    priors, problems = choose_priors(scenario, None, PARAMS_BY_KEY, "s.yaml")
    assert not problems and [p.key for p in priors] == list(DEFAULT_PARAMETERS)
    noise = priors[0]
    assert isinstance(scenario.parameters[noise.key].dist, Fixed)
    assert noise.dist == Uniform(0.2, 5.0) and "registry range" in noise.origin
    casualty = next(p for p in priors if p.key == "azerbaijan.casualty_cost")
    assert casualty.origin == "scenario"  # a triangular prior there


def test_named_parameters_must_exist_and_not_be_fixed():
    scenario = load_scenario(BASELINE)
    _, problems = choose_priors(
        scenario, ["usa_eu.monitor_presence", "azerbaijan.noise"], PARAMS_BY_KEY, "s.yaml"
    )
    text = "\n".join(map(str, problems))
    assert "usa_eu.monitor_presence is a fixed value (0.7)" in text
    assert (
        "unknown parameter 'azerbaijan.noise' (did you mean 'azerbaijan.decision_noise'?)" in text
    )


# --- the simulator ----------------------------------------------------------------------


def test_the_same_particle_gives_the_same_records_and_another_does_not():
    from sim.calibration.inference import prepare

    setup = prepare(RECORD, BASELINE, "2022-06", ["azerbaijan.decision_noise"], records=4, seed=9)
    sim = setup.simulator
    assert sim.weeks == 78 and len(setup.observed_stats) == len(setup.statistic_names)
    one = sim({"azerbaijan__decision_noise": 2.0})["stats"]
    assert one.shape == (4, len(setup.statistic_names))
    np.testing.assert_array_equal(one, sim({"azerbaijan__decision_noise": 2.0})["stats"])
    assert not np.array_equal(one, sim({"azerbaijan__decision_noise": 2.0000001})["stats"])


# --- bad input: one message, exit 2 -----------------------------------------------------


def _calibrate(tmp_path, *extra):
    return main(
        [
            "calibrate",
            "--record",
            str(RECORD),
            "--scenario",
            str(BASELINE),
            "--out",
            str(tmp_path / "out"),
            *extra,
        ]
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ("--parameters", "azerbaijan.decision_nose"),
            "unknown parameter 'azerbaijan.decision_nose' "
            "(did you mean 'azerbaijan.decision_noise'?)",
        ),
        (("--parameters", "usa_eu.monitor_presence"), "usa_eu.monitor_presence is a fixed value"),
        (("--until", "2025-01"), "--until: 2025-01 is outside the record"),
        (("--until", "2021-06"), "--until: 2021-06 is outside the record"),
        (("--until", "June"), "expected a month like 2024-06"),
        (("--resume",), "holds no calibration to resume"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(tmp_path, capsys, extra, message):
    assert _calibrate(tmp_path, *extra) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written, nothing simulated


def test_an_output_directory_in_use_is_refused_before_any_work(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    assert _calibrate(tmp_path) == 2
    assert "already holds files: use --resume" in capsys.readouterr().err


def test_a_bad_record_is_one_message_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(RECORD.read_text().replace("2021-05,3,", "2021-05,9,"))
    code = main(
        [
            "calibrate",
            "--record",
            str(bad),
            "--scenario",
            str(BASELINE),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "bad.csv" in err and "Traceback" not in err
