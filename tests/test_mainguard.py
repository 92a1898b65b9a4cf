"""A script that calls the API with workers=2 at its top level, without
`if __name__ == "__main__":`, runs (Linux: the pool forks) or stops at once saying how to
fix it (where forking is not safe); a guarded one spawns as before. The numbers are the
same whichever way the workers start. Custom actors defined in the script reach the
workers either way."""

import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO

BODY = """
import numpy as np
import sim
from sim.actors.azerbaijan import Azerbaijan


class CappedAzerbaijan(Azerbaijan):
    def decide(self, w, v, u):
        posture, usual = super().decide(w, v, u)
        return posture, np.minimum(usual, 2).astype(usual.dtype)

{patch}
"""
CALLS = """
run = sim.run("baseline", n=3000, chunk_size=1000, spread=(0, 1), workers=2,
              actor_classes=[CappedAzerbaijan])
grid = sim.sweep("sanctions_x_push", worlds=50, workers=2)
print("run", run.estimate("border_clash").k, run.estimate("limited_incursion").k)
print("sweep", int(grid.to_frame()["k"].sum()))
"""


def script(guarded: bool, patch: str = "") -> str:
    calls = CALLS.strip()
    if guarded:
        calls = 'if __name__ == "__main__":\n' + textwrap.indent(calls, "    ")
    return BODY.format(patch=patch) + "\n" + calls + "\n"


def run_script(tmp_path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "analysis.py"
    path.write_text(text)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def one_worker_numbers():
    import sim
    from tests.test_api import CappedAzerbaijan as Capped

    run = sim.run("baseline", n=3000, chunk_size=1000, spread=(0, 1), actor_classes=[Capped])
    grid = sim.sweep("sanctions_x_push", worlds=50)
    return (
        f"run {run.estimate('border_clash').k} {run.estimate('limited_incursion').k}\n"
        f"sweep {int(grid.to_frame()['k'].sum())}\n"
    )


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")
def test_an_unguarded_script_runs_with_workers(tmp_path, one_worker_numbers):
    done = run_script(tmp_path, script(guarded=False))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "BrokenProcessPool" not in done.stderr
    assert done.stdout == one_worker_numbers


@pytest.mark.slow
def test_a_guarded_script_runs_with_spawned_workers(tmp_path, one_worker_numbers):
    done = run_script(tmp_path, script(guarded=True))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout == one_worker_numbers


@pytest.mark.slow
def test_where_forking_is_unsafe_an_unguarded_script_is_told_how_to_fix_it(tmp_path):
    patch = "import sim.mainguard\nsim.mainguard.fork_is_safe = lambda: False\n"
    done = run_script(tmp_path, script(guarded=False, patch=patch))
    assert done.returncode == 1
    assert "UnguardedMainScript" in done.stderr and "BrokenProcessPool" not in done.stderr
    assert 'if __name__ == "__main__":' in done.stderr
    assert "analysis.py, line" in done.stderr and "workers=1" in done.stderr
    assert done.stdout == ""  # stopped before any work
