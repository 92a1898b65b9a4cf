"""The command line: ``escsim`` (also ``python -m sim``), a dispatcher only.

Each command's parser and action live beside its feature (``cli_parse(subparsers)`` /
``cli_action(args)``): run in :mod:`sim.output`, validate in :mod:`sim.scenario.cli`,
check and compare in :mod:`sim.analysis`, sweep in :mod:`sim.experiments.cli`, report in
:mod:`sim.report`, dashboard in :mod:`sim.dashboard.cli`, classroom in
:mod:`sim.classroom.cli`, params in :mod:`sim.scenario.parameters`.
watch in :mod:`sim.narrate`, backtest in :mod:`sim.analysis.backtest`, forecast in
:mod:`sim.assimilation.cli`, calibrate in
:mod:`sim.calibration.cli`, bench in :mod:`sim.bench`. Bad input ends with one clear message
and exit code 2, never a traceback.
"""

import argparse
import os
import sys

from sim.cli_support import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    CommandFailed,
    Terminated,
    sigterm_raises,
    what_was_kept,
)

# Named here, not imported from sim.scenario.paths: `escsim --help` must stay light.
ALLOW_OPTION = "--allow-outside-paths"
ALLOW_ENV = "ESCSIM_ALLOW_OUTSIDE_PATHS"

# The commands beside their feature: name -> (module with cli_parse/cli_action, summary).
# Only the module of the command being run is imported (the others cost seconds: the
# model, SciPy, matplotlib), so `escsim --help` and `escsim validate` start at once. The
# summary is what `escsim --help` lists; a test keeps it equal to the module's own.
FEATURES = {
    "run": ("sim.output", "run a scenario's Monte Carlo and print its outcomes"),
    "validate": ("sim.scenario.cli", "check scenario files (exit 0 if all valid, 2 if not)"),
    "scenarios": (
        "sim.scenario.listing",
        "list the shipped scenarios and studies: name, file, description",
    ),
    "check": ("sim.analysis.check", "check experts' claims against the model"),
    "compare": ("sim.analysis.compare", "scenarios side by side, with what drives the gaps"),
    "sweep": ("sim.experiments.cli", "run a study: a parameter sweep, sensitivity, discovery"),
    "report": ("sim.report", "a self-contained HTML report to hand out"),
    "dashboard": ("sim.dashboard.cli", "the browser dashboard for class"),
    "classroom": (
        "sim.classroom.cli",
        "a class session: students play the actors against the model",
    ),
    "params": ("sim.scenario.parameters", "list every parameter: meaning, range, default, source"),
    "watch": ("sim.narrate", "follow one world week by week, in words"),
    "backtest": (
        "sim.analysis.backtest",
        "score forecasts against what happened (--record: "
        "rolling origins on the monthly record; else history cases with observed:)",
    ),
    "forecast": (
        "sim.assimilation.cli",
        "filter the worlds through the monthly record, then forecast from the origin",
    ),
    "evidence": (
        "sim.assimilation.evidence",
        "the record's log marginal likelihood under each "
        "scenario and the Bayes factors between them",
    ),
    "calibrate": (
        "sim.calibration.cli",
        "infer behavioural parameters from the monthly record (ABC-SMC)",
    ),
    "bench": ("sim.bench", "throughput of the batched model vs one model per world"),
    "check-dynamics": (
        "sim.analysis.dynamics_report",
        "posterior predictive checks: the record's month-to-month dynamics against "
        "histories simulated over its months",
    ),
    "behaviour": (
        "sim.analysis.behaviour_report",
        "does behaviour matter: Baku's weekly chain against the zero-utility chain, "
        "and each lever's effect on clash, incursion and invasion",
    ),
}

# Commands whose feature needs an optional extra: name -> (the module it needs, the extra
# that installs it). Checked before the command's own module is imported, so a missing
# extra is one message naming what to install, never an ImportError's traceback; the
# other commands (and `import sim`) never import these.
EXTRAS = {
    "calibrate": ("pyabc", "calibrate"),
    "dashboard": ("solara", "dashboard"),
    # The classroom serves Starlette with uvicorn, which the dashboard extra installs (Solara
    # runs on them): it checks for the extra itself.
    "classroom": ("solara", "dashboard"),
}


def _command_in(argv: list[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


def missing_extra(command: str | None) -> str | None:
    """The message for a command whose optional dependency is not installed, else None."""
    if command not in EXTRAS:
        return None
    import importlib.util

    module, extra = EXTRAS[command]
    if importlib.util.find_spec(module) is not None:
        return None
    return f"escsim {command} needs {module}: pip install 'escsim[{extra}]'"


def missing_dask(command: str | None, argv: list[str]) -> str | None:
    """The message for ``--dask`` without Dask's distributed installed, else None: given
    before the command loads anything, not after its scenario is read."""
    if not any(a == "--dask" or a.startswith("--dask=") for a in argv):
        return None
    import importlib.util

    if importlib.util.find_spec("distributed") is not None:
        return None
    return f"escsim {command} --dask needs Dask's distributed: pip install 'escsim[dask]'"


def version_text() -> str:
    """``escsim 0.1.0 (Mesa 3.5.1, NumPy 2.3.4, Python 3.12.3)``: results are reproducible
    per version of these, so a report of numbers should carry this line."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from sim import __version__

    def of(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "not installed"

    return (
        f"escsim {__version__} (Mesa {of('mesa')}, NumPy {of('numpy')}, "
        f"Python {platform.python_version()})"
    )


class _VersionAction(argparse.Action):
    """``--version``, looked up only when asked (importlib.metadata is not free)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit()


def build_parser(command: str | None = "*") -> argparse.ArgumentParser:
    """The parser; with ``command`` a name, only that feature's module is imported and
    the others are listed by their summary (``"*"``: every module, fully)."""
    parser = argparse.ArgumentParser(
        prog="escsim",
        description="Agent-based escalation simulator for the Azerbaijan-Armenia conflict.",
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="print the versions of escsim, Mesa, NumPy and Python, and exit",
    )
    parser.add_argument(
        ALLOW_OPTION,
        action="store_true",
        help="let scenario and study files name files outside their project "
        f"and the shipped scenarios (also {ALLOW_ENV}=1); see "
        "sim.scenario.paths",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    import importlib

    def feature(name: str) -> None:
        module, summary = FEATURES[name]
        if command in ("*", name):
            importlib.import_module(module).cli_parse(sub)
        else:
            sub.add_parser(name, help=summary)

    feature("run")
    feature("scenarios")
    # Every option's help ends with its default (a test walks the parsers to keep it so).
    from sim.cli_support import DefaultsHelpFormatter

    parser.formatter_class = DefaultsHelpFormatter
    feature("validate")

    for name in (
        "watch",
        "check",
        "compare",
        "backtest",
        "forecast",
        "evidence",
        "sweep",
        "report",
        "dashboard",
        "classroom",
        "params",
        "calibrate",
        "bench",
        "check-dynamics",
        "behaviour",
    ):
        feature(name)
    for subparser in sub.choices.values():
        subparser.formatter_class = DefaultsHelpFormatter
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if ALLOW_OPTION in argv:  # accepted anywhere; workers inherit the variable
        argv = [a for a in argv if a != ALLOW_OPTION]
        os.environ[ALLOW_ENV] = "1"
    from sim.runinfo import set_command_line

    set_command_line(argv)  # for the run_info of the JSON the command writes
    command = _command_in(argv)
    missing = missing_extra(command) or missing_dask(command, argv)
    if missing is not None:
        print(missing, file=sys.stderr)
        return EXIT_BAD_INPUT
    args = build_parser(command).parse_args(argv)
    from concurrent.futures.process import BrokenProcessPool

    from sim.scenario import ScenarioError

    try:
        with sigterm_raises():
            return args.action(args)
    except ScenarioError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as err:  # Ctrl-C, or SIGTERM (Terminated)
        what = "terminated" if isinstance(err, Terminated) else "interrupted"
        print(f"{what}: {what_was_kept(err)}", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(err, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `escsim watch ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except BrokenProcessPool as err:
        print(
            "escsim: a worker process died (killed by the system, perhaps for lack of "
            f"memory: try fewer --workers); {what_was_kept(err)}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except CommandFailed as err:
        print(f"escsim: {err}; {what_was_kept(err)}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as err:  # e.g. --out names a file, a full disk
        print(f"escsim: {os_error_text(err)}; {what_was_kept(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        set_command_line(None)  # a later call from Python reports its own command line


def os_error_text(err: OSError) -> str:
    """``No space left on device: out/results.csv``: the reason and the file, never
    ``None`` for either (an OSError raised by a library may carry neither)."""
    reason = err.strerror or str(err) or type(err).__name__
    return f"{reason}: {err.filename}" if err.filename is not None else reason


if __name__ == "__main__":
    sys.exit(main())
