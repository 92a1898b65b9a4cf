"""Benchmark: the default calibration budget on the shipped record, timed.

    python -m benchmarks.calibration [--workers 2] [--particles N] [--generations G]

Runs ``escsim calibrate`` on ``data/record/armenia_azerbaijan_monthly.csv`` and the
baseline to 2024-06 in a temporary directory and prints the wall time, the number of
simulations and the time per simulation. The target (issue 10): the default budget
finishes in under 15 minutes on two cores. A benchmark, not a test: timings depend on
the machine and on what else it runs.
"""

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

from sim.calibration.inference import DEFAULT_GENERATIONS, DEFAULT_PARTICLES

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15 * 60


def run(workers: int, particles: int, generations: int, seed: int) -> dict:
    from sim.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "calibration"
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
                    "--seed",
                    str(seed),
                ]
            )
        wall = time.perf_counter() - began
        if code != 0:
            raise SystemExit(code)
        diag = json.loads((out / "diagnostics.json").read_text())
    sims = diag["total_simulations"]
    return {
        "workers": workers,
        "particles": particles,
        "generations": generations,
        "seed": seed,
        "wall_seconds": round(wall, 1),
        "simulations": sims,
        "ms_per_simulation": round(1000 * wall / sims, 2),
        "final_epsilon": diag["populations"][-1]["epsilon"],
        "under_15_minutes": wall < TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.calibration", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--particles", type=int, default=DEFAULT_PARTICLES)
    parser.add_argument("--generations", type=int, default=DEFAULT_GENERATIONS)
    parser.add_argument("--seed", type=int, default=20250320)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.workers, args.particles, args.generations, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
