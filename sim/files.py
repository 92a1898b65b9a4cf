"""Writing results to disk: where a command may write, checked before any work.

``check_out_dir`` is the one check every command with ``--out`` calls before it runs a
single world (``run``, ``sweep``, ``report``, ``compare``; ``calibrate`` and ``backtest
--out`` to come), so a bad output location costs nothing and says so in one line.
"""

import os
from pathlib import Path


def _refused(out: Path, option: str, message: str) -> Exception:
    # Imported here: sim.scenario pulls in NumPy and the rules, and `escsim --help`
    # should not wait for them.
    from sim.scenario.problems import Problem, ScenarioError

    return ScenarioError([Problem(str(out), None, option, message)])


def check_out_dir(path: str | os.PathLike, option: str = "--out") -> Path:
    """``path`` as a ``Path`` if a directory can be written there, else ScenarioError.

    Nothing is created: the directory itself, or its nearest existing ancestor, must be
    a directory this process may write into. A file in the way, a read-only place or a
    missing drive are refused with the path and the reason.
    """
    out = Path(path)
    probe = out
    while not probe.exists():
        if probe.is_symlink():  # a dangling link: mkdir would fail on it
            raise _refused(out, option, f"{probe} is a link to nothing")
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        what = "is a file" if probe == out else f"cannot be made: {probe} is a file"
        raise _refused(out, option, f"{what}; give a directory (new or existing)")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise _refused(out, option, f"cannot write into {probe} (permission denied)")
    return out
