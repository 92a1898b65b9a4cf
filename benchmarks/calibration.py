"""Benchmark: the calibration's two ABC paths side by side, and a chunk on Dask vs a pool.

    python -m benchmarks.calibration [--workers 2] [--particles N] [--generations G]
        [--records R] [--samplers batched mapping] [--chunk] [--seed S]

Runs ``escsim calibrate`` on ``data/record/armenia_azerbaijan_monthly.csv`` and the
baseline to 2024-06 in a temporary directory, once per sampler named (``batched``: blocks
of one model, the default; ``mapping``: one model call per proposal, the path before
issue 18), at the same budget, one after the other in this run, and prints one JSON line
per run (wall time, simulations, time per simulation, final tolerance) and one with the
ratio of their wall times (target: batched at least 15 times faster; the default budget,
200 particles x 8 generations x 8 records, under 2 minutes on two cores).

``--chunk`` also times one 10,000-world chunk of the baseline (52 weeks,
``sim.montecarlo.run_chunk``, timed inside the worker, the median of 3 after a warm-up)
in a pool process, on a ``LocalCluster`` worker with Dask's default nanny environment
(``MALLOC_TRIM_THRESHOLD_=65536``) and on one made by ``sim.parallel.local_cluster``
(unset), and prints the ratios. Results and how they were measured:
docs/benchmarks-calibration.md. A benchmark, not a test: timings depend on the machine
and on what else it runs (the load average is printed with each line).
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sim.calibration.inference import (
    DEFAULT_GENERATIONS,
    DEFAULT_PARTICLES,
    DEFAULT_RECORDS,
    SAMPLERS,
)

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2 * 60  # the default budget, batched, on two cores (issue 18)
TARGET_RATIO = 15.0
CHUNK_WORLDS = 10_000
CHUNK_WEEKS = 52
CHUNK_REPEATS = 3


def load() -> float:
    return round(os.getloadavg()[0], 2)


def run(
    workers: int, particles: int, generations: int, seed: int, sampler: str, records: int
) -> dict:
    import resource

    from sim.cli import main

    def cpu() -> float:  # this process and its finished children (the pool's workers)
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "calibration"
        cpu_before = cpu()
        began = time.perf_counter()
        with contextlib.redirect_stdout(sys.stderr):  # stdout: this benchmark's JSON only
            code = main(
                [
                    "calibrate",
                    "--method",
                    "abc",
                    "--record",
                    str(REPO / "data" / "record" / "armenia_azerbaijan_monthly.csv"),
                    "--scenario",
                    str(REPO / "scenarios" / "baseline.yaml"),
                    "--out",
                    str(out),
                    "--until",
                    "2024-06",
                    "--workers",
                    str(workers),
                    "--particles",
                    str(particles),
                    "--generations",
                    str(generations),
                    "--records",
                    str(records),
                    "--sampler",
                    sampler,
                    "--seed",
                    str(seed),
                ]
            )
        wall = time.perf_counter() - began
        cpu_seconds = cpu() - cpu_before
        if code != 0:
            raise SystemExit(code)
        diag = json.loads((out / "diagnostics.json").read_text())
    sims = diag["total_simulations"]
    return {
        "sampler": sampler,
        "workers": workers,
        "particles": particles,
        "generations": generations,
        "records": records,
        "seed": seed,
        "wall_seconds": round(wall, 1),
        # The generations alone (pyabc's wall time per population): without start-up,
        # pyabc's calibration sample and the outputs (figures, predictive check).
        "generations_seconds": round(sum(p["wall_seconds"] or 0 for p in diag["populations"]), 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "simulations": sims,
        "ms_per_simulation": round(1000 * wall / sims, 2),
        "final_epsilon": diag["populations"][-1]["epsilon"],
        "effective_sample_sizes": [round(p["effective_sample_size"]) for p in diag["populations"]],
        "posterior_median": {
            k: round(v["posterior_median"], 3) for k, v in diag["parameters"].items()
        },
        "posterior_90": {
            k: [round(x, 3) for x in v["posterior_90"]] for k, v in diag["parameters"].items()
        },
        "load_average": load(),
    }


def timed_chunk(task) -> float:
    """Seconds one chunk takes where this runs (a pool process or a Dask worker)."""
    from sim.montecarlo import run_chunk

    began = time.perf_counter()
    run_chunk(task)
    return time.perf_counter() - began


def chunk_speed() -> dict:
    """Median seconds of one 10,000-world chunk: pool process, Dask default, Dask fixed."""
    import dask
    import distributed

    from sim.montecarlo import ChunkTask
    from sim.parallel import MALLOC_TRIM, local_cluster, process_pool
    from sim.scenario import load_scenario

    task = ChunkTask(
        load_scenario(REPO / "scenarios" / "baseline.yaml"), 1, 0, CHUNK_WORLDS, CHUNK_WEEKS
    )

    def median(submit) -> float:
        submit()  # warm-up: imports, first allocations
        return round(statistics.median(submit() for _ in range(CHUNK_REPEATS)), 3)

    cluster_args = {
        "n_workers": 1,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
    }
    out = {}
    with process_pool(1) as pool:
        out["pool_process"] = median(lambda: pool.submit(timed_chunk, task).result())
    # Dask's default nanny environment, stated explicitly (this process may have unset it).
    with dask.config.set({f"distributed.nanny.pre-spawn-environ.{MALLOC_TRIM}": 65536}):
        with distributed.LocalCluster(**cluster_args) as cluster, distributed.Client(cluster) as c:
            out["dask_default"] = median(lambda: c.submit(timed_chunk, task, pure=False).result())
    os.environ.pop(MALLOC_TRIM, None)  # the nanny left it in this process's environment
    with local_cluster(**cluster_args) as cluster, distributed.Client(cluster) as c:
        out["dask_fixed"] = median(lambda: c.submit(timed_chunk, task, pure=False).result())
    return {
        "chunk_worlds": CHUNK_WORLDS,
        "chunk_weeks": CHUNK_WEEKS,
        "seconds": out,
        "dask_default_over_pool": round(out["dask_default"] / out["pool_process"], 2),
        "dask_fixed_over_pool": round(out["dask_fixed"] / out["pool_process"], 2),
        "load_average": load(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.calibration", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--particles", type=int, default=DEFAULT_PARTICLES)
    parser.add_argument("--generations", type=int, default=DEFAULT_GENERATIONS)
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--seed", type=int, default=20250320)
    parser.add_argument(
        "--samplers", nargs="*", choices=SAMPLERS, default=list(SAMPLERS), metavar="SAMPLER"
    )
    parser.add_argument("--chunk", action="store_true", help="also time a chunk on Dask")
    args = parser.parse_args(argv)
    if args.chunk:
        print(json.dumps(chunk_speed()), flush=True)
    walls, generation_walls, cpus = {}, {}, {}
    for sampler in args.samplers:
        result = run(
            args.workers, args.particles, args.generations, args.seed, sampler, args.records
        )
        walls[sampler] = result["wall_seconds"]
        generation_walls[sampler] = result["generations_seconds"]
        cpus[sampler] = result["cpu_seconds"]
        print(json.dumps(result), flush=True)
    if {"batched", "mapping"} <= walls.keys():
        ratio = walls["mapping"] / walls["batched"]
        print(
            json.dumps(
                {
                    "mapping_over_batched": round(ratio, 1),
                    "generations_mapping_over_batched": round(
                        generation_walls["mapping"] / generation_walls["batched"], 1
                    ),
                    "cpu_mapping_over_batched": round(cpus["mapping"] / cpus["batched"], 1),
                    "at_least_15x": ratio >= TARGET_RATIO,
                    "batched_under_2_minutes": walls["batched"] < TARGET_SECONDS,
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
