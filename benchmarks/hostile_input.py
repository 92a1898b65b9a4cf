"""Benchmark: how quickly `escsim validate` answers hostile scenario files.

    python -m benchmarks.hostile_input [--examples 80] [--json]

The tests (tests/test_hostile_input.py) check WHAT the loader answers; this times HOW
QUICKLY, against the targets of the hostile-input issue: a file over the size limit is
refused in under 1 s (a 41 MB file used to take 16 s, read in full before the check), and
each mutated shipped file (the fuzz test's own strategy) is validated in under 5 s (the
holes closed took minutes). Prints one line per case, or one JSON object; exits 0 either
way (timings depend on the machine), with ``within_target`` saying which were met.
"""

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

from sim.cli import main as escsim
from sim.scenario.yamlio import MAX_FILE_BYTES

OVERSIZED_TARGET_SECONDS = 1.0
FUZZED_TARGET_SECONDS = 5.0


def _validate_seconds(path: Path) -> float:
    """Wall time of ``escsim validate path`` in this process (its output discarded)."""
    sink = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stderr(sink), contextlib.redirect_stdout(sink):
        escsim(["validate", str(path)])
    return time.perf_counter() - start


def oversized(directory: Path) -> float:
    path = directory / "big.yaml"
    path.write_text("name: big\n" + "#" * (40 * MAX_FILE_BYTES) + "\n")  # 40 MB
    return _validate_seconds(path)


def fuzzed(directory: Path, examples: int) -> list[float]:
    """Seconds per example of the fuzz test's mutations of the shipped files, validated
    where the originals sit (a copy of scenarios/, so `extends:` still resolves)."""
    import shutil

    from hypothesis import HealthCheck, given, settings

    from tests.conftest import SCENARIOS
    from tests.test_hostile_input import mutated

    tree = directory / "scenarios"
    shutil.copytree(SCENARIOS, tree)
    seconds: list[float] = []

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=mutated())
    def time_one(case):
        source, raw = case
        path = tree / source.relative_to(SCENARIOS).parent / "_fuzzed.yaml"
        path.write_bytes(raw)
        seconds.append(_validate_seconds(path))

    time_one()
    return seconds


def run(examples: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        big = oversized(Path(tmp))
        per_example = fuzzed(Path(tmp), examples)
    slowest = max(per_example)
    return {
        "oversized_40mb_seconds": big,
        "fuzzed_examples": len(per_example),
        "fuzzed_slowest_seconds": slowest,
        "fuzzed_mean_seconds": sum(per_example) / len(per_example),
        "within_target": {
            "oversized": big < OVERSIZED_TARGET_SECONDS,
            "fuzzed": slowest < FUZZED_TARGET_SECONDS,
        },
    }


def format_report(r: dict) -> str:
    oversized = (
        f"a 40 MB file refused in {r['oversized_40mb_seconds']:.3f} s "
        f"(target: under {OVERSIZED_TARGET_SECONDS:g} s)"
    )
    fuzzed = (
        f"{r['fuzzed_examples']} fuzzed files: slowest "
        f"{r['fuzzed_slowest_seconds']:.3f} s, mean {r['fuzzed_mean_seconds']:.3f} s "
        f"(target: each under {FUZZED_TARGET_SECONDS:g} s)"
    )
    return f"{oversized}\n{fuzzed}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.hostile_input", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--examples", type=int, default=80, help="fuzzed files to time")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    report = run(args.examples)
    print(json.dumps(report) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
