"""Rolling-origin backtests: the references, scores and reliability with known answers,
the command's JSON shape, and one clear message (exit 2) for each kind of bad input."""

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import rolling
from sim.analysis.rolling import (
    Forecast,
    default_origins,
    reference_share,
    reliability,
    rolling_forecasts,
    scores,
    window_happened,
)
from sim.cli import main
from sim.record import COLUMNS, load_record
from sim.scenario import load_scenario
from tests.conftest import BASELINE, RECORD, REPO

M = pd.Period


def series(bits: str, start: str = "2021-01") -> pd.Series:
    index = pd.period_range(start, periods=len(bits), freq="M")
    return pd.Series([b == "1" for b in bits], index=index)


def test_window_happened_only_inside_the_record():
    s = series("000100")
    assert window_happened(s, M("2021-01", "M"), 3) is False
    assert window_happened(s, M("2021-02", "M"), 3) is True
    assert window_happened(s, M("2021-05", "M"), 3) is None  # runs past the record


def test_reference_shares_use_only_windows_before_the_origin():
    # months 2021-01..2021-08: an event in month 4 only; 3-month windows.
    s = series("00010000")
    origin = M("2021-08", "M")  # windows ending by 2021-07: starts 01..05
    # starts 01 (000), 02 (001), 03 (010), 04 (100), 05 (000): k = 3 of m = 5
    assert reference_share(s, origin, 3) == pytest.approx(3.5 / 6)
    # persistence over the last 4 months (04..07): starts 04 and 05 -> k = 1 of 2
    assert reference_share(s, origin, 3, lookback=4) == pytest.approx(1.5 / 3)
    # no window fits before the origin: (0 + 0.5) / (0 + 1)
    assert reference_share(s, M("2021-02", "M"), 3) == 0.5
    # the months being forecast never enter: an event at the origin changes nothing
    assert reference_share(series("00011111"), origin, 3) == reference_share(
        series("00011110"), origin, 3
    )


def forecast(p, observed, outcome="x", clim=0.5, pers=0.25, n=1000):
    return Forecast(M("2022-01", "M"), outcome, p, (0.0, 1.0), n, observed, clim, pers)


def test_scores_known_answers():
    fs = [
        forecast(0.8, True),
        forecast(0.2, False),
        forecast(0.0, True),
        forecast(0.5, None),
    ]  # the last is not scored
    s = scores(fs)
    assert s["forecasts"] == 3
    assert s["model"]["brier"] == pytest.approx((0.04 + 0.04 + 1.0) / 3)
    eps = 1 / 2000  # a Monte Carlo 0 of 1,000 worlds is kept at 1 / (2n)
    assert s["model"]["log_loss"] == pytest.approx(
        -(math.log(0.8) + math.log(0.8) + math.log(eps)) / 3
    )
    assert s["climatology"]["brier"] == pytest.approx(0.25)
    assert s["persistence"]["brier"] == pytest.approx((0.5625 + 0.0625 + 0.5625) / 3)
    assert s["skill_vs_climatology"] == pytest.approx(1 - s["model"]["brier"] / 0.25)
    assert s["persistence"]["log_loss"] == pytest.approx(-(2 * math.log(0.25) + math.log(0.75)) / 3)


def test_reliability_bins_known_answers():
    fs = [
        forecast(0.05, False),
        forecast(0.07, True),
        forecast(0.95, True),
        forecast(1.0, True),
        forecast(0.5, None),
    ]
    bins = {(round(b.low, 1), round(b.high, 1)): b for b in reliability(fs)}
    low, top = bins[(0.0, 0.1)], bins[(0.9, 1.0)]
    assert (low.count, low.observed, low.mean_forecast) == (2, 1, pytest.approx(0.06))
    assert (top.count, top.observed, top.frequency) == (2, 2, 1.0)  # 1.0 is in the last bin
    assert sum(b.count for b in bins.values()) == 4


def test_default_origins_have_a_year_of_history_and_windows_inside():
    record = load_record(RECORD)
    origins = default_origins(record, 12)
    assert (str(origins[0]), str(origins[-1])) == ("2022-01", "2023-07")


def test_each_origin_is_set_up_as_of_its_month_for_h_months_of_weeks(monkeypatch):
    """The one Monte Carlo call gets the scenario as of each origin and H months of weeks."""
    calls = []
    real = rolling.simulate

    def spy(scenario, n, seed, weeks, workers, dask=None):
        calls.append(
            (
                scenario.as_of,
                scenario.parameters["russia.ukraine_constraint"].dist.mean(),
                weeks,
                seed,
            )
        )
        return real(scenario, n, seed, weeks, workers, dask)

    monkeypatch.setattr(rolling, "simulate", spy)
    origins = [M("2022-02", "M"), M("2022-03", "M")]
    fs = rolling_forecasts(
        load_scenario(BASELINE), load_record(RECORD), origins, 12, 50, 7, ["border_clash"]
    )
    assert [(str(a), u, w, s) for a, u, w, s in calls] == [
        ("2022-02-01", 0.0, 52, 7),
        ("2022-03-01", 0.6, 52, 7),
    ]
    assert [f.observed for f in fs] == [True, True] and all(f.n == 50 for f in fs)


def run_cli(capsys, *args):
    code = main(["backtest", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.slow
def test_command_json_has_the_issues_shape_and_is_reproducible(capsys, tmp_path):
    args = [
        "--record",
        RECORD,
        "--origins",
        "2023-01:2023-02",
        "--horizon-months",
        "6",
        "-n",
        "300",
        "--seed",
        "5",
        "--format",
        "json",
        "--out",
        tmp_path,
        "--quiet",
    ]
    code, out, err = run_cli(capsys, *args)
    assert code == 0 and "wrote" in err
    data = json.loads(out)
    assert {"origins", "horizon_months", "forecasts", "scores", "by_outcome"} <= set(data)
    assert data["origins"] == ["2023-01", "2023-02"] and data["horizon_months"] == 6
    assert len(data["forecasts"]) == 10
    f = data["forecasts"][0]
    assert {"origin", "outcome", "p", "ci", "observed", "n"} <= set(f) and f["n"] == 300
    assert f["ci"][0] <= f["p"] <= f["ci"][1] and isinstance(f["observed"], bool)
    for block in (data["scores"], *data["by_outcome"].values()):
        assert {
            "model",
            "climatology",
            "persistence",
            "skill_vs_climatology",
            "skill_vs_persistence",
        } <= set(block)
        assert set(block["model"]) == {"brier", "log_loss"}
    assert set(data["by_outcome"]) == {
        "border_clash",
        "limited_incursion",
        "csto_statement",
        "sanctions_imposed",
        "peace_treaty",
    }
    assert json.loads((tmp_path / "backtest.json").read_text()) == data
    assert (tmp_path / "reliability.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads(run_cli(capsys, *args)[1]) == data  # same seed, same numbers


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_command_table_prints_scores_and_reliability(capsys):
    code, out, err = run_cli(
        capsys,
        "--record",
        RECORD,
        "--origins",
        "2023-01",
        "-n",
        "200",
        "--outcomes",
        "border_clash",
        "peace_treaty",
    )
    assert code == 0
    assert "skill/clim" in out and "Reliability" in out and "border_clash" in out
    assert "origin 2023-01 (1 of 1)" in err and "1 origins done" in err  # progress: stderr


def write_record(tmp_path: Path, edit) -> Path:
    with RECORD.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(COLUMNS)
    rows, columns = edit(rows, columns)
    path = tmp_path / "record.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _drop_column(rows, columns):
    return rows, [c for c in columns if c != "ground_taken"]


def _swap_months(rows, columns):
    rows[4]["month"], rows[5]["month"] = rows[5]["month"], rows[4]["month"]
    return rows, columns


def _rung_nine(rows, columns):
    rows[10]["highest_rung"] = "9"
    return rows, columns


@pytest.mark.parametrize(
    "edit, words",
    [
        (_drop_column, ":1: ground_taken: missing column 'ground_taken'"),
        (_swap_months, ":7: month: 2021-05 is out of order (after 2021-06)"),
        (_rung_nine, ":12: highest_rung: expected a rung from 0 to 5, found '9'"),
    ],
)
def test_bad_record_is_one_message_and_exit_2(capsys, tmp_path, edit, words):
    path = write_record(tmp_path, edit)
    code, out, err = run_cli(capsys, "--record", path, "-n", "10", "--origins", "2022-01")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("1 problem") and f"{path}{words}" in err


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ["--origins", "2020-06:2021-02"],
            "origin 2020-06 is outside the record (2021-01 to 2024-06)",
        ),
        (["--origins", "2022-01", "--outcomes", "border_clsh"], "unknown outcome 'border_clsh'"),
        (["--outcomes", "full_scale_invasion"], "the record's events are border_clash"),
    ],
)
def test_bad_origin_or_outcome_is_one_message_and_exit_2(capsys, args, words):
    code, out, err = run_cli(capsys, "--record", RECORD, "-n", "10", *args)
    assert code == 2 and out == "" and words in err and "Traceback" not in err


def test_bad_origin_text_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["backtest", "--record", str(RECORD), "--origins", "2022-13:2023-01"])
    assert exc.value.code == 2 and "YYYY-MM:YYYY-MM" in capsys.readouterr().err


def test_bad_conditions_file_is_one_message_and_exit_2(capsys, tmp_path):
    from sim.scenario.conditions import SHIPPED_CONDITIONS

    path = tmp_path / "conditions.yaml"
    path.write_text(
        SHIPPED_CONDITIONS.read_text().replace(
            "russia:\n        ukraine_constraint: scenario", "russia:\n        ukraine: scenario", 1
        )
    )
    code, out, err = run_cli(
        capsys, "--record", RECORD, "--conditions", path, "-n", "10", "--origins", "2022-01"
    )
    assert code == 2 and "unknown russia parameter 'ukraine'" in err and str(path) in err


def test_out_is_checked_before_any_work(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(rolling, "simulate", lambda *a: pytest.fail("ran before checking"))
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, out, err = run_cli(capsys, "--record", RECORD, "--out", blocker, "-n", "10")
    assert code == 2 and "is a file, not a directory" in err


def test_record_and_case_files_do_not_mix(capsys):
    case = REPO / "scenarios" / "history" / "2024-03.yaml"
    code, _, err = run_cli(capsys, case, "--record", RECORD)
    assert code == 2 and "not both" in err


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_without_files_or_a_record_file_the_shipped_record_is_backtested(capsys):
    """`escsim backtest` alone, or with a bare --record, backtests the shipped record."""
    from sim.package_data import default_record

    small = ["-n", "40", "--replicates", "1", "--origins", "2023-01:2023-01", "--quiet"]
    for given in ([], ["--record"]):
        code, out, err = run_cli(capsys, *small, *given)
        assert code == 0, err
        assert f"record: {default_record()}" in out


def test_skill_is_computed_not_assumed():
    """A forecaster that says exactly what happened beats both references; one that
    says the opposite loses to both."""
    good = [forecast(1.0, True), forecast(0.0, False)]
    bad = [forecast(0.0, True), forecast(1.0, False)]
    assert scores(good)["skill_vs_climatology"] == pytest.approx(1.0)
    assert scores(bad)["skill_vs_persistence"] < 0
    assert np.isnan(scores([forecast(0.5, None)])["model"]["brier"])
