"""The set-up script finds a suitable Python by itself, or says clearly that there is none."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "bootstrap.sh"


def _fake_python(bin_dir: Path, name: str, version: str) -> None:
    """A stand-in interpreter that reports ``version`` and is too old for the check."""
    major, minor = (int(x) for x in version.split(".")[:2])
    path = bin_dir / name
    path.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *version_info*) exit {0 if (major, minor) >= (3, 12) else 1};; esac\n'
        f"echo {version}\n"
    )
    path.chmod(0o755)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_no_suitable_python_fails_with_a_clear_message(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_python(bin_dir, "python3", "3.11.7")
    for tool in ("bash", "dirname", "ls", "grep", "sort", "rm", "touch", "cat"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path / "home"),
        "ESCSIM_PYENV_ROOTS": str(tmp_path / "no-pyenv"),
        "ESCSIM_VENV": str(tmp_path / "venv"),
    }
    proc = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1
    assert "no Python 3.12 or newer found" in proc.stderr
    assert f"{bin_dir / 'python3'} (3.11.7)" in proc.stderr  # says what it tried
    assert "ESCSIM_PYTHON" in proc.stderr  # and how to fix it
    assert not (tmp_path / "venv").exists()


def test_an_explicit_interpreter_is_tried_first(tmp_path):
    """ESCSIM_PYTHON names the interpreter; a too-old one is reported, not used."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_python(bin_dir, "old-python", "3.10.2")
    env = {
        **os.environ,
        "PATH": "/usr/bin:/bin",
        "ESCSIM_PYTHON": str(bin_dir / "old-python"),
        "ESCSIM_PYENV_ROOTS": str(tmp_path / "none"),
        "HOME": str(tmp_path),
        "ESCSIM_VENV": str(tmp_path / "venv"),
    }
    proc = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    if proc.returncode == 0:  # the machine has a suitable python3 in /usr/bin
        pytest.skip("a Python 3.12+ is on the system path")
    assert "old-python (3.10.2)" in proc.stderr.splitlines()[2]


def _logging_venv(tmp_path: Path) -> tuple[Path, Path]:
    """A venv whose python passes the version check and logs every pip call."""
    venv, log = tmp_path / "venv", tmp_path / "pip.log"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\ncase "$*" in *pip*) echo "$*" >> {log};; esac\nexit 0\n')
    python.chmod(0o755)
    return venv, log


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_make_run_installs_the_core_and_make_test_the_dev_extra(tmp_path):
    venv, log = _logging_venv(tmp_path)
    env = {**os.environ, "ESCSIM_VENV": str(venv)}

    def setup(*extra: str) -> list[str]:
        before = log.read_text().splitlines() if log.exists() else []
        proc = subprocess.run(
            ["bash", str(SCRIPT), *extra], env=env, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        after = log.read_text().splitlines() if log.exists() else []
        return [line for line in after[len(before) :] if "install" in line and "-e" in line]

    assert [line.split()[-1] for line in setup()] == ["."]  # `make run`: the core only
    assert setup() == []  # installed once
    assert [line.split()[-1] for line in setup("dev")] == [".[dev]"]  # `make test`
    assert setup() == [] and setup("dashboard") == []  # the dev extra covers the others
    makefile = (REPO / "Makefile").read_text()
    assert "run: setup\n" in makefile and "test-tools: setup-dev\n" in makefile
