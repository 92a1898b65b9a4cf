"""What every test file shares: the repository's paths, the command line run in-process,
the environment a child ``python -m sim`` needs, and the markers (registered strictly in
pyproject.toml: an unknown marker is an error, not a silently ignored typo).

Test files import the names (``from tests.conftest import REPO, BASELINE``) rather than
working out the repository from ``__file__`` each; fixtures here are found by pytest.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
EXPERTS = SCENARIOS / "experts"
COUNTERFACTUALS = SCENARIOS / "counterfactuals"
HISTORY = SCENARIOS / "history"
RECORD_DIR = REPO / "data" / "record"
RECORD = RECORD_DIR / "armenia_azerbaijan_monthly.csv"
EXPERIMENTS = REPO / "experiments"
NOTEBOOKS = REPO / "notebooks"
BENCHMARKS = REPO / "benchmarks"
SIM = REPO / "sim"
# The seed articles live beside the checkout (shared/seeds), not inside it; ESCSIM_SEEDS
# points elsewhere (e.g. from a worktree).
SEEDS = Path(os.environ.get("ESCSIM_SEEDS", REPO.parent / "shared" / "seeds"))


def child_env(**extra: str) -> dict[str, str]:
    """This environment with PYTHONPATH set to this checkout, so a child ``python -m sim``
    imports the tree under test rather than an installed copy."""
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """``escsim ARGS`` in this process: (exit code, stdout, stderr)."""
    from sim.cli import main

    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli(capsys):
    """``cli("run", path, "-n", 100)`` -> (exit code, stdout, stderr), in this process."""
    return lambda *args: run_cli(capsys, *args)


@pytest.fixture(scope="module")
def baseline():
    """The shipped baseline scenario, loaded once per test module (a Scenario can be
    changed in place: one module's changes stay in that module)."""
    from sim.scenario import load_scenario

    return load_scenario(BASELINE)
