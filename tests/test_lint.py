"""The code passes the project's ruff configuration (pyproject.toml): the linter, and the
formatter's check."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

CODE = ["sim", "tests", "benchmarks"]


def ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    return subprocess.run([exe, *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_is_clean():
    proc = ruff("check", *CODE)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_leaves_nothing_to_change():
    proc = ruff("format", "--check", *CODE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
