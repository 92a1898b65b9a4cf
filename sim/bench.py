"""The user's benchmark, ``escsim bench``: the batched model against one Mesa model per
replication (as Mesa's ``batch_run`` would run it), and peak memory; with ``--sweep``,
a sweep's time and memory.

Each measurement runs in a fresh spawned process so that its peak resident memory is
its own. Numbers depend on the machine; the README records a reference run. The
developers' own benchmarks (two revisions side by side, the calibration budget, the
hostile-input timings) are in the repository's ``benchmarks/`` folder, not the package;
``benchmarks/against.py`` times each revision with this module's ``time_batched``.
"""

import os
import resource
import sys
import time
from pathlib import Path

from sim.package_data import baseline_scenario
from sim.parallel import process_pool


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def time_batched(scenario_path: str, worlds: int, weeks: int) -> dict:
    """One batched run of ``worlds`` x ``weeks`` in this process: its seconds and the
    process's peak memory. Self-contained (imports inside) so that
    ``benchmarks/against.py`` can run its source in another revision's interpreter."""
    from sim.montecarlo import run_scenario
    from sim.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    start = time.perf_counter()
    run_scenario(scenario, n_worlds=worlds, horizon_weeks=weeks, workers=1)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb()}


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


def run_bench(
    worlds: int = 100_000,
    weeks: int = 52,
    replications: int = 300,
    scenario_path: Path | None = None,
    progress=None,
) -> dict:
    """Measure and return the numbers ``escsim bench`` prints (on the shipped baseline
    unless ``scenario_path`` is given); ``progress(done, 3)`` after each measurement."""
    from sim.seeding import DEFAULT_CHUNK_SIZE

    path = str(scenario_path or baseline_scenario())
    tell = progress or (lambda _done, _total: None)
    one_chunk = _in_fresh_process(time_batched, path, DEFAULT_CHUNK_SIZE, weeks)
    tell(1, 3)
    batched = _in_fresh_process(time_batched, path, worlds, weeks)
    tell(2, 3)
    per_rep = _in_fresh_process(_per_replication, path, replications, weeks)
    tell(3, 3)
    batched_rate = worlds * weeks / batched["seconds"]
    per_rep_rate = replications * weeks / per_rep["seconds"]
    return {
        "scenario": (
            os.path.relpath(path)
            if scenario_path is not None
            else "baseline.yaml (shipped with the package)"
        ),
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


def _sweep(
    scenario_path: str, points: int, worlds: int, weeks: int, workers: int, dask=None
) -> dict:
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
            "    armenia.denial_capacity: [0, 1]\n"
        )
        study = load_study(study_path)
        start = time.perf_counter()
        run_study(study, out=Path(tmp) / "out", workers=workers, dask=dask)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def run_sweep_bench(
    points: int = 1000,
    worlds: int = 1000,
    weeks: int = 52,
    workers: int = 2,
    scenario_path: Path | None = None,
    dask=None,
) -> dict:
    """Time a sweep of ``points`` x ``worlds`` and measure its peak memory (parent
    process; with workers > 1, each worker's model is one chunk of worlds)."""
    path = str(scenario_path or baseline_scenario())
    r = _in_fresh_process(_sweep, path, points, worlds, weeks, workers, dask)
    return {
        "points": points,
        "worlds_per_point": worlds,
        "weeks": weeks,
        "workers": workers if dask is None else f"dask {dask}",
        "sweep_seconds": r["seconds"],
        "sweep_world_weeks_per_s": points * worlds * weeks / r["seconds"],
        "peak_rss_mb": r["peak_rss_mb"],
    }


def format_sweep_bench(r: dict) -> str:
    return (
        f"sweep: {r['points']:,} points x {r['worlds_per_point']:,} worlds x {r['weeks']} "
        f"weeks on {r['workers']} workers in {r['sweep_seconds']:.1f} s = "
        f"{r['sweep_world_weeks_per_s']:,.0f} world-weeks/s (target: under 60 s); "
        f"peak memory of the parent {r['peak_rss_mb']:.0f} MB"
    )


def format_bench(r: dict) -> str:
    """The benchmark as lines of text, with the targets from the README."""
    return "\n".join(
        [
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
        ]
    )


def cli_parse(sub) -> None:
    """``escsim bench``: throughput of the batched model against one model per world."""
    from sim.cli_support import (
        add_dask_option,
        add_format_option,
        add_out_option,
        add_quiet_option,
        positive_int,
    )

    bench = sub.add_parser("bench", help="throughput of the batched model vs one model per world")
    bench.add_argument(
        "--worlds", type=positive_int, default=100_000, help="worlds of the batched run"
    )
    bench.add_argument(
        "--weeks", "--horizon", type=positive_int, default=52, help="weeks of every run"
    )
    bench.add_argument(
        "--replications",
        type=positive_int,
        default=300,
        help="replications for the one-model-per-world measurement",
    )
    add_format_option(bench)
    bench.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        help="the same as --format json (kept for scripts that use it)",
    )
    add_out_option(bench, "bench.txt and bench.json")
    bench.add_argument(
        "--sweep",
        action="store_true",
        help="time a sweep instead: --points x --sweep-worlds on --workers",
    )
    bench.add_argument("--points", type=positive_int, default=1_000, help="points of the sweep")
    bench.add_argument(
        "--sweep-worlds", type=positive_int, default=1_000, help="worlds per point of the sweep"
    )
    bench.add_argument("--workers", type=positive_int, default=2, help="workers of the sweep")
    add_dask_option(bench, "the sweep's blocks (with --sweep)")
    add_quiet_option(bench)
    bench.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.cli_support import ProgressBar, emit
    from sim.runinfo import run_info

    with ProgressBar(1 if args.sweep else 3, "measurement", not args.quiet) as bar:
        if args.sweep:
            report = run_sweep_bench(
                args.points, args.sweep_worlds, args.weeks, args.workers, dask=args.dask
            )
            bar.update(1, 1)
            report["run_info"] = run_info(None)
            emit(args, "bench", format_sweep_bench(report), report)
            return 0
        report = run_bench(args.worlds, args.weeks, args.replications, progress=bar.callback)
    report["run_info"] = run_info(None)
    emit(args, "bench", format_bench(report), report)
    return 0
