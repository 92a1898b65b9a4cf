"""The command line as a user meets it: output, formats, files, exit codes, bad input."""

import json
import os
import subprocess
import sys

import pytest

from sim.cli import main
from tests.conftest import BASELINE, REPO, run_cli

CONTRACT = [
    "border_clash",
    "limited_incursion",
    "corridor_offensive",
    "full_scale_invasion",
    "regional_war",
    "peace_treaty",
    "sanctions_imposed",
    "csto_military_response",
    "russian_corridor_control",
]


def test_run_prints_the_outcome_table(capsys):
    code, out, _ = run_cli(capsys, "run", BASELINE, "-n", "2000", "--seed", "5")
    assert code == 0
    for name in CONTRACT:
        assert name in out
    assert "seed" in out and "5" in out
    assert "median week of first border clash" in out


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_json_output_has_the_contract_shape_and_repeats_exactly(capsys):
    args = ("run", BASELINE, "-n", "3000", "--format", "json", "--horizon", "26")
    _, first, _ = run_cli(capsys, *args)
    _, second, _ = run_cli(capsys, *args)
    assert first == second
    data = json.loads(first)
    assert {"scenario", "seed", "worlds", "horizon_weeks", "outcomes"} <= set(data)
    assert data["worlds"] == 3000 and data["horizon_weeks"] == 26
    for name in CONTRACT:
        est = data["outcomes"][name]
        assert set(est) >= {"p", "ci", "n"} and est["n"] == 3000
        assert est["ci"][0] <= est["p"] <= est["ci"][1]


@pytest.mark.slow
def test_workers_do_not_change_the_numbers(capsys):
    base = ("run", BASELINE, "-n", "4000", "--format", "json", "--chunk-size", "1000")
    _, one, _ = run_cli(capsys, *base, "--workers", "1")
    _, two, _ = run_cli(capsys, *base, "--workers", "2")
    a, b = json.loads(one), json.loads(two)
    assert a.pop("run_info")["command"] != b.pop("run_info")["command"]  # it says --workers
    assert a == b


def test_csv_output(capsys):
    code, out, _ = run_cli(capsys, "run", BASELINE, "-n", "1000", "--format", "csv")
    assert code == 0
    header, *rows = out.strip().splitlines()
    assert header.startswith("outcome,p,ci_low,ci_high,n")
    assert {r.split(",")[0] for r in rows} >= set(CONTRACT)


@pytest.mark.slow
def test_out_dir_gets_results_scenario_and_figures(capsys, tmp_path):
    out = tmp_path / "run"
    code, _, err = run_cli(capsys, "run", BASELINE, "-n", "1000", "--out", out)
    assert code == 0
    names = {p.name for p in out.iterdir()}
    assert {
        "results.json",
        "outcomes.csv",
        "scenario.resolved.yaml",
        "outcomes.png",
        "fan_chart.png",
    } <= names
    # The resolved scenario runs again to the same numbers.
    _, again, _ = run_cli(
        capsys, "run", out / "scenario.resolved.yaml", "-n", "1000", "--format", "json"
    )
    assert (
        json.loads(again)["outcomes"] == json.loads((out / "results.json").read_text())["outcomes"]
    )


def test_validate_exit_codes(capsys, tmp_path):
    assert run_cli(capsys, "validate", BASELINE)[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nparameters:\n  azerbaijan:\n    risk_aversn: 0.5\n")
    code, _, err = run_cli(capsys, "validate", BASELINE, bad)
    assert code == 2
    assert "risk_aversion" in err and "bad.yaml" in err


def test_bad_scenario_gives_one_clear_message_and_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhorizon_weeks: many\n")
    code, out, err = run_cli(capsys, "run", bad, "-n", "10")
    assert code == 2 and out == ""
    assert "horizon_weeks" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "run", tmp_path / "missing.yaml")
    assert code == 2 and "missing.yaml" in err


@pytest.mark.parametrize(
    "args", [["-n", "0"], ["-n", "ten"], ["--seed", "-1"], ["--format", "xml"], ["--workers", "0"]]
)
def test_bad_options_exit_2(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(["run", str(BASELINE), *args])
    assert exc.value.code == 2


def test_params_lists_every_parameter_with_provenance(capsys):
    from sim.actors import PARAMETERS

    code, out, _ = run_cli(capsys, "params", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == len(PARAMETERS)
    assert all(r["source"] and r["meaning"] for r in rows)


@pytest.mark.slow
def test_console_script_and_python_dash_m_agree(tmp_path):
    """`python -m sim` is the same program as `escsim` (run as a user would)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "sim", "run", str(BASELINE), "-n", "500", "--format", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["worlds"] == 500


@pytest.mark.slow
def test_bench_json_keys(capsys):
    code, out, _ = run_cli(
        capsys, "bench", "--worlds", "2000", "--weeks", "5", "--replications", "5", "--json"
    )
    data = json.loads(out)
    assert code == 0
    assert {
        "batched_world_weeks_per_s",
        "per_replication_world_weeks_per_s",
        "ratio",
        "peak_rss_mb",
    } <= set(data)
    assert data["ratio"] > 1.0


def test_out_that_is_a_file_is_a_clear_error(capsys, tmp_path):
    target = tmp_path / "taken"
    target.write_text("")
    code, _, err = run_cli(capsys, "run", BASELINE, "-n", "100", "--out", target)
    assert code == 2 and "taken" in err and "Traceback" not in err


STUDY = REPO / "experiments" / "sanctions_x_push.yaml"


@pytest.mark.parametrize(
    "args",
    [
        ["run", BASELINE, "--out"],
        ["sweep", STUDY, "--out"],
        ["report", BASELINE, "--out"],
        ["compare", BASELINE, BASELINE, "--out"],
    ],
    ids=lambda a: a[0],
)
def test_out_is_checked_before_any_work(capsys, tmp_path, monkeypatch, args):
    def no_work(*_a, **_k):
        raise AssertionError("work started before --out was checked")

    import sim.experiments.study
    import sim.model
    import sim.scenario.scenario

    monkeypatch.setattr(sim.scenario.scenario, "load_yaml", no_work)
    monkeypatch.setattr(sim.experiments.study, "load_yaml", no_work)
    monkeypatch.setattr(sim.model.EscalationModel, "run", no_work)
    taken = tmp_path / "taken"
    taken.write_text("")
    for out, words in [
        (taken, "--out: is a file"),
        (taken / "sub", f"--out: cannot be made: {taken} is a file"),
    ]:
        code, _, err = run_cli(capsys, *args, out)
        assert code == 2 and words in err, err


def test_the_command_index_matches_each_feature_module():
    """`escsim --help` lists commands from sim.cli's index without importing them; each
    summary must be what the command's own module says, and that module must set the
    action (the dispatcher knows no command by itself)."""
    from sim.cli import FEATURES, build_parser

    full, lazy = build_parser("*"), build_parser(None)
    helps = [
        {a.dest: a.help for a in p._subparsers._group_actions[0]._choices_actions}
        for p in (full, lazy)
    ]
    assert helps[0] == helps[1]
    for name in FEATURES:
        args = full.parse_args(
            [name, "x.yaml"]
            if name in ("run", "validate", "check", "compare", "watch")
            else [name, "x.yaml", "--out", "o"]
            if name == "sweep"
            else [name, "x.yaml", "-o", "o"]
            if name == "report"
            else [name, "--record", "r.csv", "--scenario", "x.yaml", "--out", "o"]
            if name in ("calibrate", "forecast")
            else [name, "x.yaml", "--record", "r.csv"]
            if name == "evidence"
            else [name]
        )
        assert args.action.__module__ == FEATURES[name][0], name


def test_version_names_the_versions_results_depend_on(capsys):
    import mesa
    import numpy

    from sim import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert out.startswith(
        f"escsim {__version__} (Mesa {mesa.__version__}, NumPy {numpy.__version__}, Python "
    )


def test_sweep_says_its_size_and_time_before_it_starts(capsys, tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text(
        f"name: small\nscenario: {BASELINE}\nseed: 1\nworlds: 300\n"
        "horizon_weeks: 10\noutcomes: [border_clash]\ndesign:\n  method: grid\n"
        "  parameters:\n    russia.push: [0, 1, 2]\n"
    )
    code, _, err = run_cli(
        capsys, "sweep", study, "--out", tmp_path / "out", "--no-progress", "--workers", "2"
    )
    first = err.splitlines()[0]
    assert code == 0
    assert first.startswith(
        "study small: 3 points x 300 worlds x 10 weeks = 9,000 world-weeks; about "
    )
    assert first.endswith(" on 2 workers")


def test_watch_tells_one_world_and_repeats_exactly(capsys):
    code, first, _ = run_cli(capsys, "watch", BASELINE, "--seed", "2")
    _, second, _ = run_cli(capsys, "watch", BASELINE, "--seed", "2")
    assert code == 0 and first == second
    assert first.splitlines()[1].startswith("Week ")
    assert first.splitlines()[-1].startswith("End: rung")


@pytest.mark.slow
def test_progress_bar_on_a_terminal(monkeypatch, capsys):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    fake = Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    assert (
        main(["run", str(BASELINE), "-n", "3000", "--chunk-size", "1000", "--format", "csv"]) == 0
    )
    shown = fake.getvalue()
    # 3,000 worlds of the run, then the spread pass's 60 draws x 50 worlds: one count.
    assert "6.00k/6.00k" in shown and "world" in shown
    monkeypatch.setattr(sys, "stderr", Terminal())
    main(["run", str(BASELINE), "-n", "3000", "--format", "csv", "--no-progress"])
    assert sys.stderr.getvalue() == ""


@pytest.mark.slow
def test_sweep_bench_json_keys(capsys):
    code, out, _ = run_cli(
        capsys,
        "bench",
        "--sweep",
        "--points",
        "4",
        "--sweep-worlds",
        "100",
        "--weeks",
        "5",
        "--workers",
        "1",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["points"] == 4
    assert {"sweep_seconds", "sweep_world_weeks_per_s", "peak_rss_mb"} <= set(data)
