"""``escsim forecast`` (issue 17, item 4): output shapes and bad input (exit 2, one
clear message, no traceback)."""

import json
from pathlib import Path

import pytest

from sim.cli import main
from tests.conftest import REPO

RECORD = REPO / "data" / "record" / "armenia_azerbaijan_monthly.csv"
BASELINE = REPO / "scenarios" / "baseline.yaml"


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def short_record(tmp_path, months: int, drop: int | None = None, first=None) -> Path:
    lines = RECORD.read_text().splitlines()
    rows = lines[1 : months + 1]
    if drop is not None:
        del rows[drop]
    if first is not None:
        rows[0] = first + rows[0][7:]
    path = tmp_path / "record.csv"
    path.write_text("\n".join([lines[0], *rows]) + "\n")
    return path


def test_forecast_json_has_the_run_outcomes_and_the_filter(capsys, tmp_path):
    record = short_record(tmp_path, 8)
    code, out, _ = run_cli(
        capsys,
        "forecast",
        "--record",
        record,
        "--scenario",
        BASELINE,
        "-n",
        "200",
        "--replicates",
        "2",
        "--horizon-months",
        "2",
        "--format",
        "json",
        "--out",
        tmp_path / "out",
    )
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2021-09" and data["horizon_months"] == 2
    clash = data["outcomes"]["border_clash"]
    assert set(clash) >= {"p", "ci", "n"} and clash["n"] == 200
    # The spread over filtered worlds, as `escsim run` has one over parameter draws
    # (200 worlds: too few for the default pass, so off, like a run of 200).
    assert clash["spread"] is None
    assert set(data["filter"]) >= {"log_likelihood", "se", "ess"}
    assert len(data["filter"]["ess"]) == 8
    assert (tmp_path / "out" / "forecast.png").stat().st_size > 0
    assert json.loads((tmp_path / "out" / "forecast.json").read_text()) == data


def test_forecast_table(capsys, tmp_path):
    record = short_record(tmp_path, 6)
    code, out, _ = run_cli(
        capsys,
        "forecast",
        "--record",
        record,
        "--scenario",
        BASELINE,
        "-n",
        "100",
        "--replicates",
        "2",
        "--as-of",
        "2021-04",
        "--horizon-months",
        "1",
    )
    assert code == 0
    assert "origin: 2021-04" in out and "border_clash" in out
    assert "filtered state at the end of 2021-03" in out and "log marginal likelihood" in out


@pytest.mark.parametrize(
    "case, expected",
    [
        ("gap", "gap: 2021-02 is followed by 2021-04"),
        ("before_conditions", "before the conditions file's first month"),
        ("as_of_far", "more than one month past"),
    ],
)
def test_bad_input_exits_2(capsys, tmp_path, case, expected):
    args = ["-n", "50", "--replicates", "1", "--scenario", BASELINE]
    if case == "gap":
        args += ["--record", short_record(tmp_path, 6, drop=2)]
    elif case == "before_conditions":
        args += ["--record", short_record(tmp_path, 1, first="2020-12")]
    else:
        args += ["--record", short_record(tmp_path, 6), "--as-of", "2021-08"]
    code, out, err = run_cli(capsys, "forecast", *args)
    assert code == 2
    assert expected in err and "Traceback" not in err


def test_zero_likelihood_everywhere_exits_2_naming_the_month(capsys, tmp_path, monkeypatch):
    from sim.record import observation

    # No misreading at all: ground taken needs an incursion, and a month coded quiet
    # rules every incursion out (2021-03 rewritten below).
    impossible = observation.ObservationModel(
        far_error=0.0,
        overcoded_incursion=0.0,
        undercoded_incursion=0.0,
        adjacent_error=0.0,
        ground_false=0.0,
    )
    monkeypatch.setattr(
        observation.ObservationModel, "named", classmethod(lambda cls, name: impossible)
    )
    record = short_record(tmp_path, 5)  # 2021-03, quiet, gets ground taken
    record.write_text(record.read_text().replace("\n2021-03,0,0,false,", "\n2021-03,0,0,true,"))
    code, _, err = run_cli(
        capsys,
        "forecast",
        "--record",
        record,
        "--scenario",
        BASELINE,
        "-n",
        "30",
        "--replicates",
        "1",
    )
    assert code == 2
    assert "month 2021-03" in err and "probability 0" in err


def test_evidence_json_and_reading(capsys, tmp_path):
    from sim.assimilation.evidence import kass_raftery

    record = short_record(tmp_path, 6)
    lens = REPO / "scenarios" / "experts" / "kopalyan.yaml"
    code, out, _ = run_cli(
        capsys,
        "evidence",
        BASELINE,
        lens,
        "--record",
        record,
        "-n",
        "100",
        "--replicates",
        "2",
        "--format",
        "json",
        "--out",
        tmp_path / "ev",
    )
    assert code == 0
    rows = json.loads(out)["scenarios"]
    assert [r["file"] for r in rows] == [str(BASELINE), str(lens)]
    assert {"file", "name", "log_likelihood", "se", "log_bayes_factor"} <= set(rows[1])
    assert rows[0]["log_bayes_factor"] == 0.0
    assert rows[1]["log_bayes_factor"] == pytest.approx(
        rows[1]["log_likelihood"] - rows[0]["log_likelihood"]
    )
    assert (tmp_path / "ev" / "evidence.png").stat().st_size > 0
    assert kass_raftery(0.5) == "not worth more than a bare mention"
    assert kass_raftery(2.0) == "positive" and kass_raftery(-6.0) == "very strong (against)"


def test_evidence_bad_scenario_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nparameters: {azerbaijan: {nope: 1}}\n")
    code, _, err = run_cli(capsys, "evidence", BASELINE, bad, "--record", RECORD, "-n", "10")
    assert code == 2 and "nope" in err


@pytest.mark.parametrize("assimilate", [pytest.param(True, marks=pytest.mark.slow), False])
def test_backtest_several_horizons_keeps_todays_keys(capsys, assimilate):
    args = [
        "backtest",
        "--record",
        RECORD,
        "--scenario",
        BASELINE,
        "--origins",
        "2022-01:2022-03",
        "--horizon-months",
        "1,3",
        "-n",
        "200",
        "--replicates",
        "2",
        "--outcomes",
        "border_clash",
        "csto_statement",
        "--format",
        "json",
        "--quiet",
    ]
    code, out, _ = run_cli(capsys, *args, *([] if assimilate else ["--no-assimilate"]))
    assert code == 0
    data = json.loads(out)
    assert data["assimilate"] is assimilate and data["horizons"] == [1, 3]
    assert data["horizon_months"] == 1 and set(data["by_horizon"]) == {"1", "3"}
    assert ("filter" in data) is assimilate
    s = data["by_horizon"]["3"]["scores"]
    for ref in ("climatology", "persistence", "online_rate", "online_markov"):
        assert f"skill_vs_{ref}" in s and len(s["skill_intervals"][f"vs_{ref}"]) == 2
    f = data["forecasts"][0]
    assert {"climatology", "persistence", "online_rate", "online_markov"} <= set(f)
    assert data["forecasts"] == data["by_horizon"]["1"]["forecasts"]
