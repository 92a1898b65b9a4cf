"""Worker pools from a script without ``if __name__ == "__main__":``.

A spawned worker process starts by importing the parent's main script (so that what the
script defines, such as a custom actor class, exists in the worker). A script that calls
``sim.sweep(..., workers=2)`` at its top level, unguarded, would so start the sweep
again in every worker, and Python stops that with ``BrokenProcessPool``: the README's
sweep snippet died this way when pasted into a file.

:func:`pool_context` looks at where the pool is asked for. From the top level of an
unguarded main script it forks instead of spawning where fork is safe (Linux: the
workers are copies of the parent and import nothing again; the numbers do not depend
on the start method, each task carries its seed); elsewhere (macOS, Windows) it refuses
at once with what to change, rather than letting the workers die. Every other caller
(the ``escsim`` command, a guarded script, a notebook, a test) gets fresh spawned
interpreters, as before.
"""

import ast
import multiprocessing
import sys
import warnings
from functools import cache
from types import FrameType

FIX = (
    'put the code that runs it under `if __name__ == "__main__":` (worker processes '
    "import the main script again), or pass workers=1"
)


class UnguardedMainScript(RuntimeError):
    """A pool asked for from an unguarded main script where forking is not safe."""


@cache
def _guarded_lines(path: str) -> tuple[tuple[int, int], ...]:
    """Line ranges of ``if __name__ == "__main__":`` blocks in the file at ``path``."""
    try:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except (OSError, SyntaxError, ValueError):
        return ()
    ranges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            ranges.append((node.lineno, node.end_lineno or node.lineno))
    return tuple(ranges)


def unguarded_call_line() -> int | None:
    """The line of the main script's top level that (through any calls) asked for the
    pool, if that line is outside every ``if __name__ ...:`` block; else None (a
    guarded script, the command line, an interactive session, a notebook)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        return None  # `python -m ...`, the escsim script's module, interactive sessions
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>":
            line = frame.f_lineno
            if any(lo <= line <= hi for lo, hi in _guarded_lines(path)):
                return None
            return line
        frame = frame.f_back
    return None


def in_spawned_bootstrap() -> bool:
    """True inside a worker that is still importing the parent's main script."""
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def fork_is_safe() -> bool:
    """Whether a pool may fork here: Linux (macOS's system libraries are not fork-safe,
    Windows has no fork)."""
    return sys.platform.startswith("linux")


def pool_context():
    """The multiprocessing context for a worker pool asked for from here (see above)."""
    if in_spawned_bootstrap():
        raise UnguardedMainScript(f"a worker process was asked to start workers: {FIX}")
    line = unguarded_call_line()
    if line is None:
        return multiprocessing.get_context("spawn")
    if fork_is_safe():
        # The fork copies this process, its threads' locks included; the pool's workers
        # only run numpy code and our tasks, which take no lock held by another thread.
        warnings.filterwarnings(
            "ignore",
            message=r".*use of fork\(\) may lead to deadlocks",
            category=DeprecationWarning,
        )
        return multiprocessing.get_context("fork")
    script = getattr(sys.modules["__main__"], "__file__", "the main script")
    raise UnguardedMainScript(
        f"{script}, line {line}: starts worker processes at the script's top level: {FIX}"
    )
