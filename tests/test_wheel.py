"""Installed outside the repository: a wheel built from the source, installed in a fresh
virtual environment and run from another directory, needs no source tree (its
scenarios, studies and monthly record are package data): a shipped scenario by name, a
shipped study, a backtest and a forecast on the shipped record all run."""

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO


def _run(cmd, cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict, Path]:
    """(the fresh venv's bin folder, an environment without PYTHONPATH, a directory
    outside the repository)."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Build from a clean copy, so no stale build/ folder of the checkout leaks in.
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    shutil.copytree(REPO / "sim", src / "sim", symlinks=True, ignore=ignore)
    for folder in ("scenarios", "experiments", "data/record"):  # the links' targets
        shutil.copytree(REPO / folder, src / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    _run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", tmp / "dist"], src, env
    )
    wheel = next((tmp / "dist").glob("escsim-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    # Dependencies come from this interpreter's site-packages (no download): a .pth line
    # appends them to the new venv's path after its own site-packages, and does not run
    # the .pth files there (so an editable install of this checkout stays out).
    fresh_site = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env
        ).stdout.strip()
    )
    deps = [
        p for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"]] if Path(p).is_dir()
    ]
    (fresh_site / "zz_test_dependencies.pth").write_text("\n".join(dict.fromkeys(deps)) + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        tmp,
        env,
    )
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return bindir, env, elsewhere


@pytest.mark.slow
def test_installed_wheel_runs_from_another_directory(installed):
    bindir, env, elsewhere = installed
    escsim = bindir / ("escsim.exe" if os.name == "nt" else "escsim")
    where = _run([bindir / "python", "-c", "import sim; print(sim.__file__)"], elsewhere, env)
    assert Path(where.stdout.strip()).is_relative_to(bindir.parent), where.stdout
    assert "bench" in _run([escsim, "--help"], elsewhere, env).stdout

    scenario = elsewhere / "mine.yaml"
    shutil.copy2(REPO / "scenarios" / "baseline.yaml", scenario)
    run = _run([escsim, "run", scenario.name, "-n", "200", "--format", "json"], elsewhere, env)
    assert json.loads(run.stdout)["worlds"] == 200

    bench = _run(
        [escsim, "bench", "--worlds", "2000", "--replications", "20", "--json"],
        elsewhere,
        env,
        timeout=600,
    )
    assert json.loads(bench.stdout)["worlds"] == 2000

    # What `escsim dashboard` offers: every shipped scenario, found and loaded.
    listing = _run(
        [
            bindir / "python",
            "-c",
            "from sim.dashboard.logic import load, scenario_files\n"
            "names = sorted(scenario_files())\n"
            "[load(n) for n in names]\n"
            "print(len(names))",
        ],
        elsewhere,
        env,
    )
    shipped = 2 + sum(
        len(list((REPO / "scenarios" / d).glob("*.yaml")))  # baseline, calibrated
        for d in ("experts", "counterfactuals")
    )
    assert int(listing.stdout) == shipped

    # Shipped files by name, from a directory that holds none of them.
    by_name = _run(
        [escsim, "run", "experts/kopalyan", "-n", "300", "--format", "json"], elsewhere, env
    )
    data = json.loads(by_name.stdout)
    assert data["scenario"] == "kopalyan" and data["worlds"] == 300
    assert data["run_info"]["command"] == "escsim run experts/kopalyan -n 300 --format json"
    assert data["run_info"]["mesa"] and data["run_info"]["numpy"]
    listing_cli = _run([escsim, "scenarios", "--format", "json"], elsewhere, env)
    names = {row["name"] for row in json.loads(listing_cli.stdout)}
    assert {"baseline", "experts/kopalyan", "sanctions_x_push", "sobol_all"} <= names
    assert all(
        Path(row["path"]).is_relative_to(bindir.parent) for row in json.loads(listing_cli.stdout)
    )

    # The record's commands with no --record: the shipped record.
    forecast = _run(
        [escsim, "forecast", "-n", "200", "--replicates", "2", "--format", "json"], elsewhere, env
    )
    data = json.loads(forecast.stdout)
    assert data["as_of"] == "2024-07" and data["run_info"]["seed"] == data["seed"]
    assert Path(data["record"]).is_relative_to(bindir.parent)
    backtest = _run(
        [escsim, "backtest", "-n", "200", "--origins", "2023-01:2023-02", "--format", "json"],
        elsewhere,
        env,
    )
    assert len(json.loads(backtest.stdout)["origins"]) == 2

    # A shipped study by name (the command as typed; its scenario found beside it).
    sweep = _run(
        [escsim, "sweep", "sanctions_x_push", "--out", "sweep", "--no-progress"],
        elsewhere,
        env,
        timeout=900,
    )
    assert "study: sanctions-x-push" in sweep.stdout
    manifest = json.loads((elsewhere / "sweep" / "manifest.json").read_text())
    assert manifest["run_info"]["command"].startswith("escsim sweep sanctions_x_push")
    assert (elsewhere / "sweep" / "results.csv").is_file()
    api = _run(
        [
            bindir / "python",
            "-c",
            "import sim; print(sim.run('baseline', n=500).to_frame().shape)",
        ],
        elsewhere,
        env,
    )
    assert api.stdout.strip() == "(12, 15)"

    # The licence the package declares ships with it.
    licence = _run(
        [
            bindir / "python",
            "-c",
            "from importlib.metadata import metadata, files\n"
            "print(metadata('escsim')['License-Expression'])\n"
            "print(*sorted(f.name for f in files('escsim') if 'LICEN' in f.name))",
        ],
        elsewhere,
        env,
    )
    assert licence.stdout.split() == ["MIT", "LICENSE"]


def test_package_data_are_the_repository_scenarios():
    """The package's scenarios are the files users edit in scenarios/, not copies."""
    from sim.package_data import baseline_scenario, scenarios_dir

    shipped = sorted(p.relative_to(scenarios_dir()) for p in scenarios_dir().rglob("*.yaml"))
    in_repo = sorted(
        p.relative_to(REPO / "scenarios") for p in (REPO / "scenarios").rglob("*.yaml")
    )
    assert shipped == in_repo and len(shipped) > 10
    assert baseline_scenario().resolve() == (REPO / "scenarios" / "baseline.yaml").resolve()


def test_package_data_are_the_repository_studies_and_record():
    """sim/studies and sim/record_data are the repository's experiments/ and data/record/
    (links, so an editable install and the wheel read the same files)."""
    from sim.package_data import default_record, record_dir, studies_dir

    assert studies_dir().resolve() == (REPO / "experiments").resolve()
    assert record_dir().resolve() == (REPO / "data" / "record").resolve()
    assert default_record().resolve() == (REPO / "data/record/armenia_azerbaijan_monthly.csv")


def test_shipped_names_resolve_from_anywhere(tmp_path, monkeypatch):
    from sim.package_data import resolve_scenario, resolve_study, scenarios_dir, studies_dir

    monkeypatch.chdir(tmp_path)
    assert resolve_scenario("baseline") == scenarios_dir() / "baseline.yaml"
    assert resolve_scenario("experts/kopalyan") == scenarios_dir() / "experts/kopalyan.yaml"
    assert resolve_scenario("scenarios/baseline.yaml") == scenarios_dir() / "baseline.yaml"
    assert resolve_study("sanctions_x_push") == studies_dir() / "sanctions_x_push.yaml"
    assert resolve_study("experiments/sobol_all.yaml") == studies_dir() / "sobol_all.yaml"
    for odd in ("nope", "../baseline", "/etc/passwd", ""):
        assert resolve_scenario(odd) == Path(odd)
    from sim.scenario import ScenarioError, load_scenario

    with pytest.raises(ScenarioError, match="did you mean 'experts/kopalyan'.*escsim scenarios"):
        load_scenario("experts/kopalian")
    (tmp_path / "baseline").write_text("name: mine\n")  # a file of one's own comes first
    assert resolve_scenario("baseline") == Path("baseline")


def test_escsim_scenarios_lists_every_shipped_file(capsys):
    from sim.cli import main

    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for path in [*(REPO / "scenarios").rglob("*.yaml"), *(REPO / "experiments").glob("*.yaml")]:
        root = REPO / ("scenarios" if path.is_relative_to(REPO / "scenarios") else "experiments")
        assert f"  {path.relative_to(root).with_suffix('').as_posix()} " in out, path
    assert "studies (escsim sweep NAME --out DIR):" in out
    assert "Kopalyan: full-scale invasion is a different ball game" in out  # a one-line description
