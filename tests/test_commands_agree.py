"""Issue 20, item 5: every command spells its options the same way (--format, -o/--out,
-q/--quiet, --dask beside --workers, --horizon where a run happens, --set), shows each
option's default in --help, shows progress, warns about a scenario without extends:, and
refuses a missing extra before any work."""

import argparse
import io
import json
from pathlib import Path

import pytest

from sim.cli import build_parser
from sim.cli_support import DefaultsHelpFormatter, RunsProgress
from sim.montecarlo import run_scenario
from sim.scenario import load_scenario
from tests.conftest import BASELINE, EXPERTS, run_cli

# Commands that print a result: each takes --format table|json and -o/--out DIR.
PRINTING = (
    "run",
    "validate",
    "check",
    "compare",
    "sweep",
    "report",
    "params",
    "watch",
    "backtest",
    "forecast",
    "evidence",
    "bench",
)
# weeks (bench: --weeks, also spelled --horizon); backtest/forecast: --horizon-months
HORIZON = ("run", "check", "compare", "report", "watch", "sweep", "bench")
SETS = ("run", "compare", "report", "forecast")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser("*")
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


def test_every_option_shows_its_default_or_is_a_flag():
    missing = []
    for name, parser in subparsers().items():
        assert parser.formatter_class is DefaultsHelpFormatter, name
        formatter = parser.formatter_class(prog=name)
        for action in parser._actions:
            if not action.option_strings or action.help == argparse.SUPPRESS:
                continue
            if isinstance(action, argparse._HelpAction):
                continue
            text = formatter._get_help_string(action) or ""
            if action.nargs == 0 or action.required:
                continue  # a flag, or an option that must be given
            if "default" not in text.lower():
                missing.append(f"{name} {action.option_strings[0]}")
    assert missing == []


def test_the_help_text_itself_carries_the_default():
    text = subparsers()["bench"].format_help()
    assert "(default: 52)" in " ".join(text.split())  # --weeks, added by the formatter


def test_the_same_options_on_every_command():
    parsers = subparsers()
    for name in PRINTING:
        opts = options(parsers[name])
        assert {"--format", "-o", "--out", "-q", "--quiet"} <= set(opts), name
        assert {"table", "json"} <= set(opts["--format"].choices), name
    for name, parser in parsers.items():
        opts = options(parser)
        if "--workers" in opts:
            assert "--dask" in opts, f"{name} has --workers but no --dask"
    for name in HORIZON:
        assert "--horizon" in options(parsers[name]), name
    for name, parser in parsers.items():
        assert {"-q", "--quiet"} <= set(options(parser)), name
    for name in SETS:
        assert "--set" in options(parsers[name]), name


def test_old_spellings_stay_as_aliases():
    parser = build_parser("*")
    args = parser.parse_args(["bench", "--json"])
    assert args.format == "json"
    for command in (["run", str(BASELINE)], ["sweep", "study.yaml", "-o", "out"]):
        args = parser.parse_args([*command, "--no-progress"])
        assert args.quiet is True
        assert "--no-progress" not in subparsers()[command[0]].format_help()  # hidden


def test_runs_progress_counts_on_over_runs():
    from tqdm import tqdm

    progress = RunsProgress(enabled=False)
    progress.bar = tqdm(total=None, file=io.StringIO())
    progress.update(40, 100)
    progress.update(100, 100)  # the first run is over
    progress.update(30, 60)
    assert progress.bar.n == 130
    progress.update(60, 60)
    progress.update(10, 100)
    assert progress.bar.n == 170


def test_compare_shows_progress_on_a_terminal_and_not_with_quiet(capsys, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    args = ("compare", BASELINE, BASELINE, "-n", "300", "--attribution-worlds", "100")
    code, _, err = run_cli(capsys, *args, "--horizon", "4")
    assert code == 0 and "world" in err  # tqdm's bar, counting worlds
    code, _, err = run_cli(capsys, *args, "--horizon", "4", "-q")
    assert code == 0 and "world" not in err


# --- --set and --horizon --------------------------------------------------------------


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_set_fixes_a_parameter_with_the_same_numbers_as_an_override(capsys):
    code, out, _ = run_cli(
        capsys,
        "run",
        BASELINE,
        "-n",
        "2000",
        "--horizon",
        "20",
        "--spread",
        "0",
        "--set",
        "russia.push=4",
        "--set",
        "usa_eu.sanctions_credibility=0.1",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    expected = run_scenario(
        load_scenario(BASELINE).with_overrides(
            {"russia.push": 4.0, "usa_eu.sanctions_credibility": 0.1}
        ),
        n_worlds=2000,
        horizon_weeks=20,
    )
    for name, est in expected.outcomes().items():
        assert data["outcomes"][name]["p"] == est.p, name
    push = data["parameters"]["parameters"]["russia"]["push"]
    assert push["value"] == 4.0 and "--set" in push["source"]
    plain = json.loads(
        run_cli(capsys, "run", BASELINE, "-n", "2000", "--horizon", "20", "--format", "json")[1]
    )
    assert plain["outcomes"] != data["outcomes"]  # the setting changed something


@pytest.mark.parametrize(
    ("setting", "said"),
    [("russia.psh=1", "did you mean 'russia.push'"), ("russia.push=99", "outside the range")],
)
def test_bad_settings_exit_2_naming_the_key(capsys, setting, said):
    code, out, err = run_cli(capsys, "run", BASELINE, "-n", "100", "--set", setting)
    assert code == 2 and out == ""
    assert said in err and "russia." in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("russia.push=lots", "expected a number"),
        ("russia.push", "expected KEY=VALUE"),
        ("push=1", "push"),
    ],
)
def test_malformed_settings_are_refused_while_parsing(capsys, setting, said):
    with pytest.raises(SystemExit) as stop:
        run_cli(capsys, "run", BASELINE, "--set", setting)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--set" in err and said in err and "Traceback" not in err


def test_horizon_on_compare_is_the_runs_horizon(capsys):
    code, out, _ = run_cli(
        capsys,
        "compare",
        BASELINE,
        BASELINE,
        "-n",
        "500",
        "--attribution-worlds",
        "100",
        "--horizon",
        "6",
        "--format",
        "json",
        "-q",
    )
    assert code == 0
    data = json.loads(out)
    expected = run_scenario(load_scenario(BASELINE), n_worlds=500, horizon_weeks=6)
    got = data["scenarios"]["baseline"]["border_clash"]
    assert got["p"] == expected.estimate("border_clash").p


def test_horizon_and_out_on_check(capsys, tmp_path):
    path = EXPERTS / "tasits.yaml"
    code, out, _ = run_cli(
        capsys, "check", path, "-n", "300", "--horizon", "8", "-o", tmp_path, "-q"
    )
    assert code == 0
    assert (tmp_path / "check.txt").read_text().strip() == out.strip()
    report = json.loads((tmp_path / "check.json").read_text())
    assert report[0]["scenario"] == "tasits"


# --- -o/--out and --format on the commands that only printed -------------------------


def test_params_out_keeps_what_it_printed(capsys, tmp_path):
    code, out, err = run_cli(capsys, "params", "--format", "json", "-o", tmp_path)
    assert code == 0
    assert json.loads(out) == json.loads((tmp_path / "params.json").read_text())
    assert "russia.push" in (tmp_path / "params.txt").read_text()
    assert "wrote" in err
    code, out, err = run_cli(capsys, "params", "-o", tmp_path / "again", "-q")
    assert code == 0 and err.startswith("wrote") and "russia.push" in out


def test_validate_and_watch_speak_json(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nextends: baseline.yaml\nhorizon_weeks: -3\n")
    code, out, _ = run_cli(capsys, "validate", BASELINE, bad, "--format", "json")
    assert code == 2
    rows = json.loads(out)
    assert [r["ok"] for r in rows] == [True, False] and rows[1]["problems"]
    code, out, _ = run_cli(capsys, "watch", BASELINE, "--horizon", "5", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["horizon_weeks"] == 5 and data["end"].startswith("End:")


# --- warnings and extras before any work ---------------------------------------------


def test_a_scenario_without_extends_is_warned_about(capsys, tmp_path):
    lone = tmp_path / "lone.yaml"
    lone.write_text("name: lone\nhorizon_weeks: 4\n")
    code, _, err = run_cli(capsys, "run", lone, "-n", "200", "-q")
    assert code == 0
    assert "no extends:" in err and "registry default" in err and "not the baseline" in err
    _, _, err = run_cli(capsys, "run", BASELINE, "-n", "200", "-q")
    assert "extends" not in err  # the baseline is the root: nothing to warn about
    _, _, err = run_cli(capsys, "run", EXPERTS / "tasits.yaml", "-n", "200", "-q")
    assert "extends" not in err


def test_a_study_needing_discovery_is_refused_before_any_point(capsys, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ema_workbench" else real(name, *a),
    )
    study = tmp_path / "study.yaml"
    study.write_text(
        f"name: needs_prim\nscenario: {BASELINE}\nseed: 1\nworlds: 50\nhorizon_weeks: 4\n"
        "outcomes: [border_clash]\ndesign:\n  method: grid\n  parameters:\n"
        "    russia.push: [0, 1]\ndiscovery:\n  outcome: border_clash\n  threshold: 0.1\n"
    )
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "sweep", study, "-o", out, "-q")
    assert code == 2
    assert "pip install 'escsim[discovery]'" in err and "Traceback" not in err
    assert not any(p.name.startswith("block") for p in out.rglob("*"))  # nothing ran


@pytest.mark.dask
def test_run_on_dask_gives_the_serial_numbers(capsys):
    distributed = pytest.importorskip("distributed")
    args = ("run", BASELINE, "-n", "1500", "--chunk-size", "500", "--horizon", "10")
    _, serial, _ = run_cli(capsys, *args, "--format", "json", "--spread", "20:25")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        code, on_dask, _ = run_cli(
            capsys,
            *args,
            "--format",
            "json",
            "--spread",
            "20:25",
            "--dask",
            cluster.scheduler_address,
            "-q",
        )
    assert code == 0
    a, b = json.loads(serial), json.loads(on_dask)
    assert a.pop("run_info")["command"] != b.pop("run_info")["command"]  # --dask said
    assert a == b


def test_bad_dask_address_is_refused_at_parse(capsys):
    with pytest.raises(SystemExit) as stop:
        run_cli(capsys, "run", BASELINE, "--dask", "not an address")
    assert stop.value.code == 2 and "scheduler address" in capsys.readouterr().err


def test_write_paths_are_paths():
    args = build_parser("*").parse_args(["compare", "a.yaml", "-o", "x"])
    assert isinstance(args.out, Path)


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_forecast_takes_set_and_shows_progress(capsys, monkeypatch, tmp_path):
    import sys

    from tests.test_forecast_cli import short_record

    record = short_record(tmp_path, 6)
    base = ("forecast", "--record", record, "--scenario", BASELINE, "-n", "200")
    base += ("--replicates", "2", "--horizon-months", "2", "--format", "json")
    code, _, err = run_cli(capsys, *base, "--set", "russia.pushh=2")
    assert code == 2 and "did you mean 'russia.push'" in err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, plain, err = run_cli(capsys, *base)
    assert code == 0 and "world" in err  # the bar, on a terminal
    code, pushed, err = run_cli(capsys, *base, "--set", "russia.push=6", "-q")
    assert code == 0 and "world" not in err
    assert json.loads(pushed)["outcomes"] != json.loads(plain)["outcomes"]


def test_sweep_horizon_replaces_the_studys(capsys, tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text(
        f"name: short\nscenario: {BASELINE}\nseed: 1\nworlds: 50\nhorizon_weeks: 30\n"
        "outcomes: [border_clash]\ndesign:\n  method: grid\n  parameters:\n"
        "    russia.push: [0, 1]\n"
    )
    code, out, _ = run_cli(capsys, "sweep", study, "-o", tmp_path / "o", "--horizon", "3", "-q")
    assert code == 0
    assert "horizon_weeks: 3" in (tmp_path / "o" / "study.resolved.yaml").read_text()
    # resuming under another horizon is refused, not mixed with the partial run
    code, _, err = run_cli(
        capsys, "sweep", study, "-o", tmp_path / "o", "--resume", "--horizon", "4", "-q"
    )
    assert code == 2 and "Traceback" not in err


def test_dask_without_distributed_is_refused_before_any_work(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else real(name, *a),
    )
    code, out, err = run_cli(capsys, "run", "no-such-file.yaml", "--dask", "tcp://h:8786")
    assert code == 2 and out == ""
    assert "pip install 'escsim[dask]'" in err and "no-such-file" not in err
