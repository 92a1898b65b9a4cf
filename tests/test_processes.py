"""Nothing outlives a command (issue 16, item 8): SIGTERM or kill -9 of `run`, `sweep` or
`calibrate` with `--workers 2` leaves no pool worker and no resource tracker, and a worker
killed from outside (as the OOM killer would) ends the command with one clear line.

The processes are found through /proc (Linux): every descendant of the command is
recorded while it runs, then each must be gone (or a zombie awaiting its reaper) soon
after the command ends. Before the fix, both workers and the resource tracker ran on
under PID 1.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

BASELINE = REPO / "scenarios" / "baseline.yaml"
RECORD = REPO / "data" / "record" / "armenia_azerbaijan_monthly.csv"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc"),
]

LONG_STUDY = f"""\
scenario: {BASELINE}
name: long
seed: 3
worlds: 20000
horizon_weeks: 104
outcomes: [border_clash]
design:
  method: grid
  parameters:
    russia.push: [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5]
"""


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a live process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = text.rsplit(")", 1)[1].split()[:2]
    return state, int(ppid)


def descendants(pid: int) -> set[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            parents.setdefault(stat[1], []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def command_args(command: str, tmp_path: Path) -> list[str]:
    if command == "run":
        return ["run", str(BASELINE), "-n", "3000000", "--workers", "2", "--no-progress"]
    if command == "sweep":
        study = tmp_path / "long.yaml"
        study.write_text(LONG_STUDY)
        return [
            "sweep",
            str(study),
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "2",
            "--no-progress",
        ]
    return [
        "calibrate",
        "--method",
        "abc",
        "--record",
        str(RECORD),
        "--scenario",
        str(BASELINE),
        "--out",
        str(tmp_path / "cal"),
        "--particles",
        "400",
        "--generations",
        "6",
        "--workers",
        "2",
    ]


def start_with_busy_workers(command: str, tmp_path: Path) -> tuple[subprocess.Popen, set]:
    """The command, once its two workers and the resource tracker run and the workers
    have had time to start working (their initializer has run)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *command_args(command, tmp_path)],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 90
    while len(found := descendants(proc.pid)) < 3:
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline, "the pool did not start"
        time.sleep(0.1)
    time.sleep(4)  # the workers import the model and take their first task
    assert proc.poll() is None, "the command finished before it could be killed"
    return proc, found | descendants(proc.pid)


def assert_all_gone(pids: set[int], seconds: float = 15) -> None:
    deadline = time.time() + seconds
    while (left := {p for p in pids if alive(p)}) and time.time() < deadline:
        time.sleep(0.1)
    assert not left, f"still running after the command ended: {sorted(left)}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
@pytest.mark.parametrize("command", ["run", "sweep", "calibrate"])
def test_no_process_outlives_a_killed_command(tmp_path, command, sig):
    proc, children = start_with_busy_workers(command, tmp_path)
    assert len(children) >= 3  # two workers and the resource tracker
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    if sig == signal.SIGTERM:
        assert proc.returncode == 143, err
        assert "\nterminated: " in "\n" + err and "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    assert_all_gone(children)


def test_a_worker_killed_from_outside_is_one_clear_line(tmp_path):
    """As the OOM killer would: it used to end in a BrokenProcessPool traceback."""
    proc, children = start_with_busy_workers("sweep", tmp_path)
    workers = [
        p
        for p in children
        if "resource_tracker"
        not in Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")
    ]
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    assert "escsim: a worker process died" in err
    assert "blocks finished and kept in" in err and "--resume" in err
    assert_all_gone(children)
