"""The command line: ``escsim`` (also ``python -m sim``), a dispatcher only.

Each command's parser and action live beside its feature (``cli_parse(subparsers)`` /
``cli_action(args)``): run in :mod:`sim.output`, validate in :mod:`sim.scenario.cli`,
check and compare in :mod:`sim.analysis`, sweep in :mod:`sim.experiments.cli`, report in
:mod:`sim.report`, dashboard in :mod:`sim.dashboard.cli`, params in
:mod:`sim.scenario.parameters`.
``watch``, ``backtest`` and ``bench`` are still here, waiting for their modules' owners
to move them. Bad input ends with one clear message and exit code 2, never a traceback.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from sim.cli_support import EXIT_BAD_INPUT, EXIT_INTERRUPTED, add_run_options, load_all
from sim.cli_support import positive_int as _positive_int
from sim.cli_support import seed as _seed
from sim.ladder import Rung
from sim.seeding import DEFAULT_SEED

# The commands beside their feature: name -> (module with cli_parse/cli_action, summary).
# Only the module of the command being run is imported (the others cost seconds: the
# model, SciPy, matplotlib), so `escsim --help` and `escsim validate` start at once. The
# summary is what `escsim --help` lists; a test keeps it equal to the module's own.
FEATURES = {
    "run": ("sim.output", "run a scenario's Monte Carlo and print its outcomes"),
    "validate": ("sim.scenario.cli", "check scenario files (exit 0 if all valid, 2 if not)"),
    "check": ("sim.analysis.check", "check experts' claims against the model"),
    "compare": ("sim.analysis.compare", "scenarios side by side, with what drives the gaps"),
    "sweep": ("sim.experiments.cli", "run a study: a parameter sweep, sensitivity, discovery"),
    "report": ("sim.report", "a self-contained HTML report to hand out"),
    "dashboard": ("sim.dashboard.cli", "the browser dashboard for class"),
    "params": ("sim.scenario.parameters", "list every parameter: meaning, range, default, source"),
}


def _command_in(argv: list[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


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

    return (f"escsim {__version__} (Mesa {of('mesa')}, NumPy {of('numpy')}, "
            f"Python {platform.python_version()})")


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
    parser.add_argument("--version", action=_VersionAction,
                        help="print the versions of escsim, Mesa, NumPy and Python, and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    import importlib

    def feature(name: str) -> None:
        module, summary = FEATURES[name]
        if command in ("*", name):
            importlib.import_module(module).cli_parse(sub)
        else:
            sub.add_parser(name, help=summary)

    feature("run")
    feature("validate")

    watch = sub.add_parser("watch", help="follow one world week by week, in words")
    watch.add_argument("scenario", type=Path, help="scenario YAML file")
    watch.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="seed of this world")
    watch.add_argument("--horizon", type=_positive_int, default=None)
    watch.add_argument("--every-week", action="store_true", help="print quiet weeks too")

    common = add_run_options
    feature("check")
    feature("compare")

    bt = sub.add_parser("backtest", help="score history cases against what happened")
    bt.add_argument("files", type=Path, nargs="+", help="history cases with observed:")
    common(bt)

    for name in ("sweep", "report", "dashboard", "params"):
        feature(name)

    bench = sub.add_parser("bench", help="throughput of the batched model vs one model per world")
    bench.add_argument("--worlds", type=_positive_int, default=100_000)
    bench.add_argument("--weeks", type=_positive_int, default=52)
    bench.add_argument("--replications", type=_positive_int, default=300,
                       help="replications for the one-model-per-world measurement")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--sweep", action="store_true",
                       help="time a sweep instead: --points x --sweep-worlds on --workers")
    bench.add_argument("--points", type=_positive_int, default=1_000)
    bench.add_argument("--sweep-worlds", type=_positive_int, default=1_000)
    bench.add_argument("--workers", type=_positive_int, default=2)
    return parser


def cmd_watch(args) -> int:
    from sim.montecarlo import ChunkTask, build_model
    from sim.narrate import narrate
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    horizon = args.horizon or scenario.horizon_weeks
    model = build_model(ChunkTask(scenario, args.seed, 0, 1, horizon))
    print(f"scenario: {scenario.name}    seed: {args.seed}    one world, {horizon} weeks")
    for line in narrate(model, 0, quiet_weeks=args.every_week):
        print(line)
    w = model.world.world(0)
    print(f"End: rung {w['rung']} ({Rung(w['rung']).label}), highest {w['max_rung']}, "
          f"occupied {w['occupied_km2']:.0f} km2, sanctions {'yes' if w['sanctioned'] else 'no'}, "
          f"treaty {'signed' if w['treaty'] else 'not signed'}")
    return 0


def cmd_backtest(args) -> int:
    from sim.analysis.backtest import forecast_rows, format_backtest, score
    from sim.scenario import Problem, ScenarioError

    cases = _load_all(args.files)
    missing = [Problem(str(c.path), None, "observed", "a history case needs observed: "
                       "(what happened in the 12 months after as_of)")
               for c in cases if c.observed is None]
    if missing:
        raise ScenarioError(missing)
    rows = forecast_rows(cases, args.worlds, args.seed, args.workers)
    scores = score(rows, args.worlds)
    if args.format == "json":
        print(json.dumps({
            "seed": args.seed, "worlds": args.worlds,
            "rows": [{"case": r.case, "outcome": r.outcome, "p": r.p, "ci": list(r.ci),
                      "n": r.n, "observed": r.observed} for r in rows],
            "brier": scores.brier, "log_loss": scores.log_loss,
            "base_rate_brier": scores.base_brier, "base_rate_log_loss": scores.base_log_loss,
            "skill": scores.skill}, indent=2))
    else:
        print(format_backtest(rows, scores, args.seed))
    return 0


def cmd_bench(args) -> int:
    from sim.bench import format_bench, format_sweep_bench, run_bench, run_sweep_bench

    if args.sweep:
        report = run_sweep_bench(args.points, args.sweep_worlds, args.weeks, args.workers)
        print(json.dumps(report) if args.json else format_sweep_bench(report))
        return 0
    report = run_bench(args.worlds, args.weeks, args.replications)
    print(json.dumps(report) if args.json else format_bench(report))
    return 0


_load_all = load_all  # the name cmd_backtest uses

# Commands not yet beside their feature; the others set `action` in their cli_parse.
COMMANDS = {"watch": cmd_watch, "backtest": cmd_backtest, "bench": cmd_bench}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_in(argv)).parse_args(argv)
    from sim.scenario import ScenarioError

    try:
        action = getattr(args, "action", None) or COMMANDS[args.command]
        return action(args)
    except ScenarioError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `escsim watch ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # e.g. --out names a file, or a directory we cannot write
        print(f"escsim: {err.strerror}: {err.filename}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
