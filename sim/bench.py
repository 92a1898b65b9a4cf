"""The benchmark behind ``escsim bench``: the batched model against one Mesa model per
replication (as Mesa's ``batch_run`` would run it), and peak memory; with ``--against
DIR``, the batched cost per world-week of this tree and of another revision's, side by side.

Each measurement runs in a fresh spawned process so that its peak resident memory is
its own. Numbers depend on the machine; the README records a reference run.
"""

import inspect
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sim.package_data import baseline_scenario
from sim.parallel import process_pool


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def _batched(scenario_path: str, worlds: int, weeks: int) -> dict:
    from sim.montecarlo import run_scenario
    from sim.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    start = time.perf_counter()
    run_scenario(scenario, n_worlds=worlds, horizon_weeks=weeks, workers=1)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb()}


def _per_replication(scenario_path: str, replications: int, weeks: int) -> dict:
    """One EscalationModel of one world per replication, each with its own seed."""
    from sim.montecarlo import one_world
    from sim.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    start = time.perf_counter()
    for rep in range(replications):
        one_world(scenario, seed=0, horizon_weeks=weeks, index=rep).run()
    return {"seconds": time.perf_counter() - start}


def _in_fresh_process(fn, *args) -> dict:
    with process_pool(1) as pool:
        return pool.submit(fn, *args).result()


def run_bench(worlds: int = 100_000, weeks: int = 52, replications: int = 300,
              scenario_path: Path | None = None) -> dict:
    """Measure and return the numbers ``escsim bench`` prints (on the shipped baseline
    unless ``scenario_path`` is given)."""
    from sim.seeding import DEFAULT_CHUNK_SIZE

    path = str(scenario_path or baseline_scenario())
    one_chunk = _in_fresh_process(_batched, path, DEFAULT_CHUNK_SIZE, weeks)
    batched = _in_fresh_process(_batched, path, worlds, weeks)
    per_rep = _in_fresh_process(_per_replication, path, replications, weeks)
    batched_rate = worlds * weeks / batched["seconds"]
    per_rep_rate = replications * weeks / per_rep["seconds"]
    return {
        "scenario": (os.path.relpath(path) if scenario_path is not None
                     else "baseline.yaml (shipped with the package)"),
        "worlds": worlds,
        "weeks": weeks,
        "batched_seconds": batched["seconds"],
        "batched_world_weeks_per_s": batched_rate,
        "per_replication_replications": replications,
        "per_replication_world_weeks_per_s": per_rep_rate,
        "ratio": batched_rate / per_rep_rate,
        "peak_rss_mb": batched["peak_rss_mb"],
        "peak_rss_mb_one_chunk": one_chunk["peak_rss_mb"],
        "chunk_size": DEFAULT_CHUNK_SIZE,
    }


def _sweep(scenario_path: str, points: int, worlds: int, weeks: int, workers: int) -> dict:
    """A random design of ``points`` points over three parameters, in this process."""
    import tempfile

    from sim.experiments import load_study, run_study

    with tempfile.TemporaryDirectory() as tmp:
        study_path = Path(tmp) / "bench.yaml"
        study_path.write_text(
            f"name: bench\nscenario: {scenario_path}\nseed: 1\nworlds: {worlds}\n"
            f"horizon_weeks: {weeks}\noutcomes: [full_scale_invasion, limited_incursion]\n"
            f"design:\n  method: random\n  samples: {points}\n  parameters:\n"
            "    usa_eu.sanctions_credibility: [0, 1]\n    russia.push: [0, 6]\n"
            "    armenia.denial_capacity: [0, 1]\n")
        study = load_study(study_path)
        start = time.perf_counter()
        run_study(study, out=Path(tmp) / "out", workers=workers)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb()}


def run_sweep_bench(points: int = 1000, worlds: int = 1000, weeks: int = 52,
                    workers: int = 2, scenario_path: Path | None = None) -> dict:
    """Time a sweep of ``points`` x ``worlds`` and measure its peak memory (parent
    process; with workers > 1, each worker's model is one chunk of worlds)."""
    path = str(scenario_path or baseline_scenario())
    r = _in_fresh_process(_sweep, path, points, worlds, weeks, workers)
    return {"points": points, "worlds_per_point": worlds, "weeks": weeks, "workers": workers,
            "sweep_seconds": r["seconds"],
            "sweep_world_weeks_per_s": points * worlds * weeks / r["seconds"],
            "peak_rss_mb": r["peak_rss_mb"]}


def format_sweep_bench(r: dict) -> str:
    return (f"sweep: {r['points']:,} points x {r['worlds_per_point']:,} worlds x {r['weeks']} "
            f"weeks on {r['workers']} workers in {r['sweep_seconds']:.1f} s = "
            f"{r['sweep_world_weeks_per_s']:,.0f} world-weeks/s (target: under 60 s); "
            f"peak memory of the parent {r['peak_rss_mb']:.0f} MB")


def format_bench(r: dict) -> str:
    """The benchmark as lines of text, with the targets from the README."""
    return "\n".join([
        f"scenario: {r['scenario']}",
        f"batched model, 1 process: {r['worlds']:,} worlds x {r['weeks']} weeks in "
        f"{r['batched_seconds']:.2f} s = {r['batched_world_weeks_per_s']:,.0f} world-weeks/s "
        "(target: 100,000 x 52 in under 2 s)",
        f"one Mesa model per replication ({r['per_replication_replications']} replications): "
        f"{r['per_replication_world_weeks_per_s']:,.0f} world-weeks/s",
        f"ratio batched / per replication: {r['ratio']:,.0f}x (target: at least 100x)",
        f"peak memory: {r['peak_rss_mb']:.0f} MB for {r['worlds']:,} worlds, "
        f"{r['peak_rss_mb_one_chunk']:.0f} MB for one chunk of {r['chunk_size']:,} "
        "(target: flat beyond one chunk)",
    ])


class AgainstError(Exception):
    """A tree that ``--against`` cannot measure: one message, exit code 2."""


@dataclass(frozen=True)
class Tree:
    """A revision of the project to measure: the directory holding its ``sim`` package
    (``root``), that package, its baseline, and the PYTHONPATH that selects it (None: the
    installed package, found without one)."""

    root: Path
    package: Path
    baseline: Path
    pythonpath: str | None


def current_tree() -> Tree:
    """This revision: the source checkout the imported ``sim`` comes from, or, when the
    package is installed without its checkout, the installed package and its shipped
    baseline."""
    import sim

    package = Path(sim.__file__).resolve().parent
    root = package.parent
    baseline = root / "scenarios" / "baseline.yaml"
    if baseline.is_file():
        return Tree(root, package, baseline, str(root))
    return Tree(root, package, baseline_scenario(), None)


def source_tree(directory: str | Path) -> Tree:
    """Another revision's source checkout (e.g. made by ``git worktree add``); raises
    AgainstError naming the directory and what it lacks."""
    root = Path(directory).expanduser().resolve()
    if not root.is_dir():
        raise AgainstError(f"--against {directory}: no such directory")
    missing = [part for part in ("sim/__init__.py", "scenarios/baseline.yaml")
               if not (root / part).is_file()]
    if missing:
        raise AgainstError(f"--against {directory}: not a source checkout of escsim "
                           f"(missing {' and '.join(missing)})")
    return Tree(root, root / "sim", root / "scenarios" / "baseline.yaml", str(root))


def _child_script() -> str:
    """This module's own ``_batched`` as a script (so both sides get the same measurement,
    whatever the other revision's bench.py says), run against whichever ``sim`` the
    child's PYTHONPATH selects; it prints the result and the ``sim`` it imported."""
    return "\n".join([
        "import json, resource, sys, time",
        inspect.getsource(_peak_rss_mb),
        inspect.getsource(_batched),
        "result = _batched(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))",
        "import sim",
        "result['sim'] = sim.__file__",
        "print(json.dumps(result))",
    ])


def measure_tree(tree: Tree, worlds: int, weeks: int) -> dict:
    """One batched run of ``tree``'s baseline in a fresh interpreter that imports only
    that tree's ``sim``: ``{"seconds", "peak_rss_mb", "sim"}``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if tree.pythonpath is not None:
        env["PYTHONPATH"] = tree.pythonpath
    # -P: no current directory on sys.path, so a `sim` there cannot shadow the tree's.
    proc = subprocess.run(
        [sys.executable, "-P", "-c", _child_script(), str(tree.baseline), str(worlds), str(weeks)],
        env=env, cwd=tree.root, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["(no message)"]
        raise AgainstError(f"measuring {tree.root} failed (exit {proc.returncode}): {lines[-1]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    imported = Path(result["sim"]).resolve()
    if not imported.is_relative_to(tree.package):
        raise AgainstError(f"measuring {tree.root}: the child imported sim from {imported.parent},"
                           f" not from {tree.package}")
    return result


def run_against(before: Tree, after: Tree, worlds: int = 100_000, weeks: int = 52,
                rounds: int = 3, progress=None) -> dict:
    """The batched cost per world-week of two trees, before then after in each of
    ``rounds`` rounds (so slow drift of the machine hits both sides alike), best of the
    rounds per side; peak memory is the largest of a side's runs."""
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for round_ in range(1, rounds + 1):
        for side, tree in (("before", before), ("after", after)):
            result = measure_tree(tree, worlds, weeks)
            runs[side].append(result)
            if progress is not None:
                progress(f"round {round_}/{rounds} {side}: {result['seconds']:.3f} s, "
                         f"peak {result['peak_rss_mb']:.0f} MB (sim from {tree.root})")

    def summary(side: str, tree: Tree) -> dict:
        seconds = min(r["seconds"] for r in runs[side])
        return {"seconds": seconds, "ns_per_world_week": seconds / (worlds * weeks) * 1e9,
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[side]),
                "tree": str(tree.root), "sim": runs[side][0]["sim"],
                "seconds_per_round": [r["seconds"] for r in runs[side]]}

    report = {"before": summary("before", before), "after": summary("after", after)}
    return {**report, "ratio": report["after"]["seconds"] / report["before"]["seconds"],
            "worlds": worlds, "weeks": weeks, "rounds": rounds}


def format_against(r: dict) -> str:
    lines = [f"batched model, 1 process, each tree's own baseline: {r['worlds']:,} worlds x "
             f"{r['weeks']} weeks, best of {r['rounds']} alternating rounds"]
    for side in ("before", "after"):
        s = r[side]
        lines.append(f"{side + ':':8}{s['seconds']:.3f} s = {s['ns_per_world_week']:.1f} ns per "
                     f"world-week, peak memory {s['peak_rss_mb']:.0f} MB  ({s['tree']})")
    lines.append(f"ratio after/before: {r['ratio']:.3f}")
    return "\n".join(lines)


def cli_parse(sub) -> None:
    """``escsim bench``: throughput of the batched model against one model per world."""
    from sim.cli_support import positive_int

    bench = sub.add_parser("bench", help="throughput of the batched model vs one model per world")
    bench.add_argument("--worlds", type=positive_int, default=100_000)
    bench.add_argument("--weeks", type=positive_int, default=52)
    bench.add_argument("--replications", type=positive_int, default=300,
                       help="replications for the one-model-per-world measurement")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--sweep", action="store_true",
                       help="time a sweep instead: --points x --sweep-worlds on --workers")
    bench.add_argument("--points", type=positive_int, default=1_000)
    bench.add_argument("--sweep-worlds", type=positive_int, default=1_000)
    bench.add_argument("--workers", type=positive_int, default=2)
    bench.add_argument("--against", metavar="DIR",
                       help="compare the batched cost per world-week with the source checkout "
                            "in DIR (another revision; e.g. from `git worktree add`)")
    bench.add_argument("--rounds", type=positive_int, default=3,
                       help="alternating before/after rounds for --against (best of per side)")
    bench.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.cli_support import EXIT_BAD_INPUT

    if args.against is not None:
        if args.sweep:
            print("escsim bench: --against measures the batched run; drop --sweep",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            report = run_against(source_tree(args.against), current_tree(), args.worlds,
                                 args.weeks, args.rounds,
                                 progress=lambda line: print(line, file=sys.stderr, flush=True))
        except AgainstError as err:
            print(f"escsim bench: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(json.dumps(report) if args.json else format_against(report))
        return 0
    if args.sweep:
        report = run_sweep_bench(args.points, args.sweep_worlds, args.weeks, args.workers)
        print(json.dumps(report) if args.json else format_sweep_bench(report))
        return 0
    report = run_bench(args.worlds, args.weeks, args.replications)
    print(json.dumps(report) if args.json else format_bench(report))
    return 0
