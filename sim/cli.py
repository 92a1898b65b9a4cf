"""The command line: ``escsim`` (also ``python -m sim``).

Subcommands: ``run`` (Monte Carlo of a scenario), ``validate`` (check scenario files),
``watch`` (one world told week by week),
``params`` (every parameter with meaning, range, default and provenance) and ``bench``
(throughput and memory). Bad input ends with one clear message and exit code 2, never a
traceback.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from sim.ladder import Rung
from sim.seeding import DEFAULT_CHUNK_SIZE, DEFAULT_SEED

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escsim",
        description="Agent-based escalation simulator for the Azerbaijan-Armenia conflict.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a scenario's Monte Carlo and print its outcomes")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("-n", "--worlds", type=_positive_int, default=10_000,
                     help="number of simulated worlds (default 10,000)")
    run.add_argument("--seed", type=_seed, default=DEFAULT_SEED,
                     help=f"master seed (default {DEFAULT_SEED}); always printed")
    run.add_argument("--horizon", type=_positive_int, default=None,
                     help="horizon in weeks (default: the scenario's)")
    run.add_argument("--workers", type=_positive_int, default=1,
                     help="worker processes (results do not depend on it)")
    run.add_argument("--chunk-size", type=_positive_int, default=DEFAULT_CHUNK_SIZE,
                     help=f"worlds per chunk, part of the seeding (default {DEFAULT_CHUNK_SIZE})")
    run.add_argument("--format", choices=("table", "json", "csv"), default="table")
    run.add_argument("--out", type=Path, default=None,
                     help="directory for results.json, outcomes.csv, the resolved scenario "
                          "and the figures")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")

    val = sub.add_parser("validate", help="check scenario files (exit 0 if all valid, 2 if not)")
    val.add_argument("files", type=Path, nargs="+")

    watch = sub.add_parser("watch", help="follow one world week by week, in words")
    watch.add_argument("scenario", type=Path, help="scenario YAML file")
    watch.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="seed of this world")
    watch.add_argument("--horizon", type=_positive_int, default=None)
    watch.add_argument("--every-week", action="store_true", help="print quiet weeks too")

    def common(p, worlds_default=10_000):
        p.add_argument("-n", "--worlds", type=_positive_int, default=worlds_default,
                       help=f"worlds per run (default {worlds_default:,})")
        p.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="master seed")
        p.add_argument("--workers", type=_positive_int, default=1)
        p.add_argument("--format", choices=("table", "json"), default="table")

    chk = sub.add_parser("check", help="check experts' claims against the model")
    chk.add_argument("files", type=Path, nargs="+", help="scenario files with claims:")
    chk.add_argument("--mapping", type=Path, default=None,
                     help="YAML file of phrase: [low, high] replacing the ICD 203 mapping")
    chk.add_argument("--strict", action="store_true", help="exit 1 on an inconsistent claim")
    common(chk)

    cmp_ = sub.add_parser("compare", help="scenarios side by side, with what drives the gaps")
    cmp_.add_argument("files", type=Path, nargs="+")
    cmp_.add_argument("--outcome", default="full_scale_invasion",
                      help="outcome whose gaps are attributed (default full_scale_invasion)")
    cmp_.add_argument("--attribution-worlds", type=_positive_int, default=4_000,
                      help="worlds per run in the attribution (default 4,000)")
    cmp_.add_argument("--out", type=Path, default=None, help="directory for the figure")
    common(cmp_)

    from sim.analysis.backtest import cli_parse as backtest_parse

    backtest_parse(sub)

    sw = sub.add_parser("sweep", help="run a study: a parameter sweep, sensitivity, discovery")
    sw.add_argument("study", type=Path, help="study YAML file (see experiments/)")
    sw.add_argument("--out", type=Path, required=True,
                    help="directory for the table, figures and the checkpoint")
    sw.add_argument("--resume", action="store_true", help="continue a partial run in --out")
    sw.add_argument("--workers", type=_positive_int, default=1)
    sw.add_argument("--dask", metavar="ADDRESS", default=None,
                    help="run the blocks on a Dask distributed scheduler at ADDRESS")
    sw.add_argument("--no-progress", action="store_true")

    rep = sub.add_parser("report", help="a self-contained HTML report to hand out")
    rep.add_argument("files", type=Path, nargs="+",
                     help="one scenario, several (a comparison), or one study file")
    rep.add_argument("-o", "--out", type=Path, required=True, help="directory for report.html")
    rep.add_argument("-n", "--worlds", type=_positive_int, default=10_000)
    rep.add_argument("--seed", type=_seed, default=DEFAULT_SEED)
    rep.add_argument("--workers", type=_positive_int, default=1)

    dash = sub.add_parser("dashboard", help="the browser dashboard for class")
    dash.add_argument("--host", default="127.0.0.1")
    dash.add_argument("--port", type=_positive_int, default=8765)

    par = sub.add_parser("params", help="list every parameter: meaning, range, default, source")
    par.add_argument("--format", choices=("table", "json"), default="table")

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

    from sim.calibration.cli import cli_parse as calibrate_parse

    calibrate_parse(sub)
    return parser


def _progress_bar(total: int, enabled: bool):
    """A tqdm bar on a terminal's stderr for runs long enough to want one, else None."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    # One update per chunk: few enough to draw every one (no minimum interval).
    bar = tqdm(total=total, unit="world", unit_scale=True, file=sys.stderr, leave=False,
               mininterval=0, miniters=1)

    def update(done: int, _total: int) -> None:
        bar.update(done - bar.n)

    return bar, update


def cmd_run(args) -> int:
    from sim.montecarlo import run_scenario
    from sim.output import format_table, to_csv, to_json, write_run_dir
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    bar, progress = _progress_bar(args.worlds, not args.no_progress)
    try:
        result = run_scenario(
            scenario, n_worlds=args.worlds, seed=args.seed, horizon_weeks=args.horizon,
            workers=args.workers, chunk_size=args.chunk_size, progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    render = {"table": format_table, "json": to_json, "csv": to_csv}[args.format]
    sys.stdout.write(render(result).rstrip("\n") + "\n")
    if args.out is not None:
        for path in write_run_dir(result, args.out, scenario.to_dict()):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    from sim.scenario import ScenarioError, load_scenario

    failed = 0
    for path in args.files:
        try:
            load_scenario(path)
        except ScenarioError as err:
            failed += 1
            print(str(err), file=sys.stderr)
        else:
            print(f"{path}: ok")
    return EXIT_BAD_INPUT if failed else 0


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


def _load_all(paths):
    """Load every file, reporting all of their problems together."""
    from sim.scenario import ScenarioError, load_scenario

    scenarios, problems = [], []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as err:
            problems.extend(err.problems)
    if problems:
        raise ScenarioError(problems)
    return scenarios


def cmd_check(args) -> int:
    from sim.analysis.check import INCONSISTENT, check_scenario, format_checks
    from sim.analysis.words import load_mapping

    mapping = load_mapping(args.mapping) if args.mapping else None
    inconsistent, report = 0, []
    for scenario in _load_all(args.files):
        checks = check_scenario(scenario, args.worlds, args.seed, mapping, args.workers)
        inconsistent += sum(c.verdict == INCONSISTENT for c in checks)
        if args.format == "json":
            report.append({"scenario": scenario.name, "seed": args.seed,
                           "claims": [c.to_dict() for c in checks]})
        else:
            print(format_checks(scenario.name, checks, args.seed))
    if args.format == "json":
        print(json.dumps(report, indent=2))
    return 1 if args.strict and inconsistent else 0


def cmd_compare(args) -> int:
    from sim.analysis.compare import attribute, format_attribution, format_comparison, run_all
    from sim.ladder import OUTCOMES

    if args.outcome not in OUTCOMES:
        from sim.scenario.problems import did_you_mean

        print(f"escsim: unknown outcome '{args.outcome}'{did_you_mean(args.outcome, OUTCOMES)}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    scenarios = _load_all(args.files)
    names = [s.name for s in scenarios]
    results = run_all(scenarios, args.worlds, args.seed, args.workers)
    pairs = [(a, b) for i, a in enumerate(scenarios) for b in scenarios[i + 1:]]
    attributions = [attribute(a, b, args.outcome, args.attribution_worlds, args.seed,
                              args.workers) for a, b in pairs]
    if args.format == "json":
        print(json.dumps({
            "seed": args.seed, "worlds": args.worlds,
            "scenarios": {n: r.to_dict()["outcomes"] for n, r in zip(names, results, strict=True)},
            "attribution": [{"a": t.a, "b": t.b, "outcome": t.outcome, "p_a": t.p_a,
                             "p_b": t.p_b, "moves": t.moves,
                             "worlds": args.attribution_worlds} for t in attributions],
        }, indent=2))
    else:
        print(format_comparison(names, results))
        if attributions:
            print(f"What accounts for the gaps in {args.outcome} "
                  f"({args.attribution_worlds:,} worlds per run):")
            for t in attributions:
                print("  " + format_attribution(t))
    if args.out is not None:
        from sim.plots import plot_comparison

        args.out.mkdir(parents=True, exist_ok=True)
        path = plot_comparison(names, results, args.out / "comparison.png")
        print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_sweep(args) -> int:
    from sim.experiments import load_study, run_study

    study = load_study(args.study)
    bar = None
    progress = None
    if not args.no_progress and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=1, unit="point", file=sys.stderr, leave=False, mininterval=0,
                   miniters=1)

        def progress(done: int, total: int, worlds_per_s: float) -> None:
            bar.total = total
            bar.set_postfix_str(f"{worlds_per_s:,.0f} worlds/s", refresh=False)
            bar.update(done - bar.n)

    try:
        table = run_study(study, out=args.out, workers=args.workers, dask=args.dask,
                          resume=args.resume, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    points = table["point"].nunique()
    print(f"study: {study.name}    seed: {study.seed}    points: {points:,}    "
          f"worlds per point: {study.worlds:,}    design: {study.method}")
    for path in sorted(p.name for p in args.out.iterdir() if p.is_file()):
        print(f"  {args.out / path}")
    return 0


def cmd_report(args) -> int:
    from sim.report import write_report

    path = write_report(args.files, args.out, args.worlds, args.seed, args.workers)
    print(f"wrote {path}")
    return 0


def cmd_dashboard(args) -> int:
    import subprocess

    print(f"escsim dashboard on http://{args.host}:{args.port}/ (Ctrl-C to stop)",
          file=sys.stderr)
    cmd = [sys.executable, "-m", "solara", "run", "sim.dashboard.app", "--host", args.host,
           "--port", str(args.port), "--production", "--no-open"]
    return subprocess.call(cmd)


def cmd_params(args) -> int:
    from sim.rules import PARAMETERS

    rows = [
        {"key": s.key, "meaning": s.meaning, "unit": s.unit, "range": [s.low, s.high],
         "default": s.default, "source": s.source}
        for s in PARAMETERS
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        print(f"{r['key']}  (default {r['default']:g}, range {r['range'][0]:g}..{r['range'][1]:g}"
              f" {r['unit']})\n    {r['meaning']}\n    source: {r['source']}")
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


COMMANDS = {"run": cmd_run, "validate": cmd_validate, "watch": cmd_watch, "check": cmd_check,
            "compare": cmd_compare, "sweep": cmd_sweep,
            "report": cmd_report, "dashboard": cmd_dashboard, "params": cmd_params,
            "bench": cmd_bench}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from sim.scenario import ScenarioError

    try:
        return (getattr(args, "action", None) or COMMANDS[args.command])(args)
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
