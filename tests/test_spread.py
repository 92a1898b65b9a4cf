"""The spread of each probability over parameter draws (issue 10, item 4): groups of
worlds sharing one parameter draw, on their own seed branch, reported beside the Monte
Carlo interval in the table, JSON, CSV, dashboard and report."""

import csv
import dataclasses
import io
import json

import numpy as np
import pytest

from sim.cli import main
from sim.formatting import pct, spread_text
from sim.montecarlo import (
    ChunkTask,
    build_model,
    default_spread,
    run_group_chunk,
    run_scenario,
    run_spread,
    spread_tasks,
    uncertain_parameters,
)
from sim.outcomes import OUTCOME_NAMES
from sim.output import CSV_COLUMNS, format_table, to_csv, to_json
from sim.results import Spread
from sim.scenario.distributions import Beta
from tests.conftest import BASELINE
from tests.helpers import MapOnly


@pytest.fixture(scope="module")
def fixed(baseline):
    """The baseline with every parameter fixed at its mean."""
    return baseline.with_overrides(baseline.means())


@pytest.fixture(scope="module")
def switch(fixed):
    """Both treaty conditions met at the start and Baku's weekly chance of signing drawn
    from a U-shaped Beta(0.1, 0.1): a quarter of the draws fall below 0.001 (a treaty
    within the year is then rare, p < 0.12), and well over 10% above 0.05 (then it is
    near certain, p > 0.95 measured): one parameter moves the outcome from ~0 to ~1."""
    start = dataclasses.replace(
        fixed.initial, minsk_group_dissolved=True, constitution_reformed=True
    )
    return dataclasses.replace(fixed, initial=start).with_overrides(
        {"azerbaijan.sign_propensity": Beta(0.1, 0.1, 0.0, 1.0)}
    )


def test_uncertain_parameters_are_the_ones_with_a_spread(baseline, fixed, switch):
    assert "azerbaijan.risk_aversion" in uncertain_parameters(baseline)
    assert uncertain_parameters(fixed) == ()
    assert uncertain_parameters(switch) == ("azerbaijan.sign_propensity",)


def test_a_group_shares_one_parameter_draw_and_not_its_weekly_draws(switch):
    model = build_model(ChunkTask(switch, 5, 0, 6 * 4, 10, grouped=4))
    values = model.params["azerbaijan.sign_propensity"].reshape(6, 4)
    assert (values == values[:, :1]).all() and len(np.unique(values[:, 0])) == 6
    u = model.uniforms(1).reshape(6, 4)
    assert len(np.unique(u)) == 24  # the worlds of a group still differ week by week


def test_fixed_parameters_report_no_spread(fixed):
    spread = run_spread(fixed, 200, 50, seed=3)
    assert spread.status == "parameters fixed" and not spread.computed
    result = run_scenario(fixed, n_worlds=500, seed=3, spread=(200, 50))
    assert "parameters fixed" in format_table(result)
    assert all(result.to_dict()["outcomes"][name]["spread"] is None for name in OUTCOME_NAMES)
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert all(r["spread_p10"] == r["spread_draws"] == r["spread_between_sd"] == "" for r in rows)


def test_fixed_parameters_forced_through_the_pass_spread_only_by_binomial_noise(fixed):
    """The grouped pass run anyway on a scenario with nothing to spread over: what
    spread the per-draw probabilities show is binomial noise, which ``between_sd``
    removes. Tolerance: with G=200, m=50 the noise-corrected variance has a sampling SD
    of about 0.0005 (sd 0.022 at its square root), so 0.04 is above 3 SDs; the 10th-90th
    width is compared with the binomial width 2 x 1.28 x sqrt(p(1-p)/m) + 0.05."""
    tasks = spread_tasks(fixed, 200, 50, seed=3, horizon_weeks=52)
    counts = np.concatenate([run_group_chunk(t) for t in tasks])
    spread = Spread("computed", 200, 50, counts, ())
    for name in ("border_clash", "limited_incursion", "peace_treaty"):
        p = spread.per_draw(name).mean()
        assert spread.between_sd(name) < 0.04, name
        p10, _, p90 = spread.percentiles(name)
        assert p90 - p10 < 2 * 1.28 * np.sqrt(p * (1 - p) / 50) + 0.05, name


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_one_parameter_from_zero_to_one_shows_a_wide_spread(switch):
    """Tolerance: a quarter of Beta(0.1, 0.1) draws lie below 0.001, so the 10th
    percentile of 200 draws exceeds that only if fewer than 20 of an expected 50 do
    (binomial tail < 1e-6); likewise above 0.05 (expected > 120 of 200)."""
    result = run_scenario(switch, n_worlds=4_000, seed=11, spread=(200, 50))
    p10, p50, p90 = result.spread.percentiles("peace_treaty")
    assert p10 < 0.2 and p90 > 0.8, (p10, p50, p90)
    assert result.spread.between_sd("peace_treaty") > 0.3
    est = result.estimate("peace_treaty")
    assert est.ci[1] - est.ci[0] < 0.05  # the Monte Carlo interval alone reads as precise


SPREAD_KWARGS = dict(draws=40, worlds_per_draw=25, seed=9, horizon_weeks=20, chunk_size=250)


def test_same_seed_same_spread_whatever_the_order_chunks_finish_in(baseline):
    kwargs = SPREAD_KWARGS
    serial = run_spread(baseline, workers=1, **kwargs)
    assert len(spread_tasks(baseline, 40, 25, 9, 20, 250)) == 4
    mapped = run_spread(baseline, executor=MapOnly(), **kwargs)  # finishes in reverse
    assert np.array_equal(serial.counts, mapped.counts)
    assert serial.counts.shape == (40, len(OUTCOME_NAMES))
    other = run_spread(baseline, **{**kwargs, "seed": 10})
    assert not np.array_equal(serial.counts, other.counts)


@pytest.mark.slow  # spawns two interpreters (~3 s)
def test_same_seed_same_spread_serial_and_two_workers(baseline):
    serial = run_spread(baseline, workers=1, **SPREAD_KWARGS)
    two = run_spread(baseline, workers=2, **SPREAD_KWARGS)
    assert np.array_equal(serial.counts, two.counts)
    assert serial.to_dict() == two.to_dict()


def test_the_spread_pass_leaves_the_main_run_unchanged(baseline):
    kwargs = dict(n_worlds=2_000, seed=4, horizon_weeks=20, chunk_size=1_000)
    plain = run_scenario(baseline, **kwargs)
    both = run_scenario(baseline, spread=(40, 25), **kwargs)
    assert plain.spread.status == "off" and both.spread.computed
    before, after = plain.to_dict(), both.to_dict()
    for name in OUTCOME_NAMES:
        after["outcomes"][name].pop("spread")
        before["outcomes"][name].pop("spread")
    before.pop("parameter_spread"), after.pop("parameter_spread")
    assert before == after


def test_between_sd_recovers_a_known_spread():
    """Per-draw probabilities uniform on [0.2, 0.6] (SD 0.1155), each seen through 50
    worlds: the raw SD is inflated by binomial noise, the corrected one is not.
    Tolerance 0.01: the estimator's sampling SD at G = 2,000 is about 0.003."""
    rng = np.random.default_rng(0)
    true_p = rng.uniform(0.2, 0.6, 2_000)
    counts = np.zeros((2_000, len(OUTCOME_NAMES)), dtype=np.int64)
    counts[:, 0] = rng.binomial(50, true_p)
    spread = Spread("computed", 2_000, 50, counts, ("x",))
    raw = spread.per_draw(OUTCOME_NAMES[0]).std(ddof=1)
    assert raw > 0.125
    assert spread.between_sd(OUTCOME_NAMES[0]) == pytest.approx(0.4 / np.sqrt(12), abs=0.01)
    assert spread.noise_sd(OUTCOME_NAMES[0]) == pytest.approx(
        np.sqrt(np.mean(true_p * (1 - true_p)) / 50), abs=0.005
    )


def test_default_spread_costs_no_more_than_the_run():
    assert default_spread(10_000) == (200, 50)
    assert default_spread(100_000) == (200, 50)
    assert default_spread(3_000) == (60, 50)
    assert default_spread(400)[0] == 0  # fewer than 10 draws would fit: off
    for n in (500, 999, 10_000, 12_345):
        g, m = default_spread(n)
        assert g * m <= n


@pytest.fixture(scope="module")
def with_spread(baseline):
    return run_scenario(baseline, n_worlds=2_000, seed=2, horizon_weeks=26, spread=(40, 50))


def test_table_json_and_csv_show_both(with_spread):
    table = format_table(with_spread)
    words = " ".join(table.split())  # the note is wrapped
    assert "10th-90th pct (median)" in table and "40 parameter draws x 50 worlds" in words
    assert "sqrt(p(1-p)/50)" in words
    row = next(line for line in table.splitlines() if line.startswith("border_clash "))
    p10, p50, p90 = with_spread.spread.percentiles("border_clash")
    assert spread_text(p10, p50, p90) in row
    assert row.split()[-1] == pct(with_spread.spread.between_sd("border_clash"))

    data = json.loads(to_json(with_spread))
    assert data["parameter_spread"]["status"] == "computed"
    assert data["parameter_spread"]["draws"] == 40
    assert data["parameter_spread"]["worlds_per_draw"] == 50
    assert "azerbaijan.risk_aversion" in data["parameter_spread"]["uncertain_parameters"]
    for name in OUTCOME_NAMES:
        out = data["outcomes"][name]
        assert {"p", "ci", "n"} <= set(out)  # the old fields stay
        s = out["spread"]
        assert set(s) == {"p10", "p50", "p90", "between_sd", "noise_sd"}
        assert 0 <= s["p10"] <= s["p50"] <= s["p90"] <= 1
    assert data["outcomes"]["border_clash"]["spread"]["p10"] == p10

    rows = list(csv.DictReader(io.StringIO(to_csv(with_spread))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert CSV_COLUMNS[:9] == (
        "outcome",
        "p",
        "ci_low",
        "ci_high",
        "n",
        "k",
        "scenario",
        "seed",
        "horizon_weeks",
    )  # new columns only at the end
    clash = next(r for r in rows if r["outcome"] == "border_clash")
    assert (float(clash["spread_p10"]), float(clash["spread_p50"]), float(clash["spread_p90"])) == (
        p10,
        p50,
        p90,
    )
    assert clash["spread_draws"] == "40" and clash["spread_worlds_per_draw"] == "50"


@pytest.mark.slow
def test_report_shows_both(baseline):
    from sim.report import scenario_report

    page = scenario_report(baseline, n_worlds=1_000, seed=2)
    assert "10th-90th pct (median)" in page and "20 parameter draws x 50" in page


@pytest.mark.slow
def test_run_command_spread_option(capsys, tmp_path):
    assert (
        main(
            [
                "run",
                str(BASELINE),
                "-n",
                "1000",
                "--horizon",
                "10",
                "--spread",
                "20:25",
                "--format",
                "json",
                "--no-progress",
                "--out",
                str(tmp_path / "r"),
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["parameter_spread"]["draws"] == 20
    assert data["parameter_spread"]["worlds_per_draw"] == 25
    assert "--spread 20:25" in (tmp_path / "r" / "scenario.resolved.yaml").read_text()
    assert (
        main(
            [
                "run",
                str(BASELINE),
                "-n",
                "1000",
                "--horizon",
                "10",
                "--spread",
                "0",
                "--format",
                "json",
                "--no-progress",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["parameter_spread"]["status"] == "off"
    for bad in ("abc", "10", "5:0", "-1:5"):
        with pytest.raises(SystemExit) as exit_info:
            main(["run", str(BASELINE), "--spread", bad])
        assert exit_info.value.code == 2
        assert "--spread" in capsys.readouterr().err
