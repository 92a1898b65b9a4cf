"""The type checker passes on the package: mypy, configured in pyproject.toml ([tool.mypy]),
over sim/. A cold run takes about ten seconds (its cache makes the next ones quicker)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO as ROOT


def mypy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_mypy_passes_on_the_package():
    proc = mypy("sim")
    assert proc.returncode == 0, (
        "mypy found errors (or is not installed: pip install -e '.[dev]'):\n"
        + proc.stdout
        + proc.stderr
    )


@pytest.mark.slow
def test_mypy_with_this_configuration_reports_a_type_error(tmp_path):
    """The check above can fail: the same command and configuration catch a wrong type,
    in a function without annotations too (check_untyped_defs)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    x: int = 'one'\n    return x\n")
    proc = mypy("--cache-dir", str(tmp_path / "cache"), str(bad), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "bad.py:2: error: Incompatible types in assignment" in proc.stdout
