"""Installed outside the repository: a wheel built from the source, installed in a fresh
virtual environment and run from another directory, needs no source tree (its
scenarios are package data)."""

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
    shutil.copytree(REPO / "scenarios", src / "scenarios", ignore=ignore)
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
