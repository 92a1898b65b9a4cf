"""What every JSON output says about how it was made: the versions of escsim, Mesa,
NumPy and Python, the seed and the command line (:func:`run_info`).

Results are reproducible per version of these (DESIGN.md, "Randomness and
reproducibility"), so a file of numbers carries them: whoever reads ``results.json``
months later can rerun the exact command on the exact versions. Every command that writes
JSON (run, compare, backtest, forecast, evidence, sweep, calibrate, bench) and the Python
API (:mod:`sim.api`) use this one helper, under the key ``run_info``.
"""

import platform
import shlex
import sys
from functools import cache

# Set by ``sim.cli.main`` to the words it was given, so the command line is the one the
# user typed (``escsim run baseline -n 500``) whether it came through the ``escsim``
# script or ``python -m sim``. None: not run from the command line (a script calling the
# API; its own command line is given instead).
_cli_argv: list[str] | None = None


def set_command_line(argv: list[str] | None) -> None:
    """Remember the command line ``escsim`` was given (``sim.cli.main`` calls this, and
    again with None once the command is done)."""
    global _cli_argv
    _cli_argv = None if argv is None else list(argv)


def command_line() -> str:
    """``escsim run baseline -n 500`` from the command line; else the Python process's
    own command line (``python my_script.py``)."""
    if _cli_argv is not None:
        return shlex.join(["escsim", *_cli_argv])
    return shlex.join([sys.executable.rsplit("/", 1)[-1], *sys.argv])


@cache
def versions() -> dict[str, str]:
    """The versions numbers depend on: escsim, Mesa, NumPy, Python."""
    from importlib.metadata import PackageNotFoundError, version

    from sim import __version__

    def of(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "not installed"

    return {
        "escsim": __version__,
        "mesa": of("mesa"),
        "numpy": of("numpy"),
        "python": platform.python_version(),
    }


def run_info(seed: int | None, command: str | None = None) -> dict:
    """``{"escsim": ..., "mesa": ..., "numpy": ..., "python": ..., "seed": ...,
    "command": ...}``: the block every JSON output carries under ``run_info``."""
    return {
        **versions(),
        "seed": None if seed is None else int(seed),
        "command": command if command is not None else command_line(),
    }
