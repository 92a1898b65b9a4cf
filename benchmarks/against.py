"""Benchmark: the batched cost per world-week of this checkout and of another revision's,
side by side (formerly ``escsim bench --against``).

    python -m benchmarks.against DIR [--worlds N] [--weeks W] [--rounds R] [--json]

DIR is another revision's source checkout (e.g. made with ``git worktree add
../escsim-before REV``). Each measurement runs in a fresh interpreter that imports only its
own tree's ``sim``, on its own tree's baseline, alternating before and after for R rounds;
it prints, per side, the best seconds, the cost per world-week and the peak memory, then
the ratio after/before. Progress goes to stderr; a tree that cannot be measured is one
message and exit code 2.
"""

import argparse
import inspect
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sim.bench import peak_rss_mb, time_batched
from sim.cli_support import EXIT_BAD_INPUT, positive_int
from sim.package_data import baseline_scenario


class AgainstError(Exception):
    """A tree that cannot be measured: one message, exit code 2."""


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
        raise AgainstError(f"{directory}: no such directory")
    missing = [
        part
        for part in ("sim/__init__.py", "scenarios/baseline.yaml")
        if not (root / part).is_file()
    ]
    if missing:
        raise AgainstError(
            f"{directory}: not a source checkout of escsim (missing {' and '.join(missing)})"
        )
    return Tree(root, root / "sim", root / "scenarios" / "baseline.yaml", str(root))


def _child_script() -> str:
    """This checkout's ``sim.bench.time_batched`` as a script (so both sides get the same
    measurement, whatever the other revision's bench.py says), run against whichever ``sim`` the
    child's PYTHONPATH selects; it prints the result and the ``sim`` it imported."""
    return "\n".join(
        [
            "import json, resource, sys, time",
            inspect.getsource(peak_rss_mb),
            inspect.getsource(time_batched),
            "result = time_batched(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))",
            "import sim",
            "result['sim'] = sim.__file__",
            "print(json.dumps(result))",
        ]
    )


def measure_tree(tree: Tree, worlds: int, weeks: int) -> dict:
    """One batched run of ``tree``'s baseline in a fresh interpreter that imports only
    that tree's ``sim``: ``{"seconds", "peak_rss_mb", "sim"}``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if tree.pythonpath is not None:
        env["PYTHONPATH"] = tree.pythonpath
    # -P: no current directory on sys.path, so a `sim` there cannot shadow the tree's.
    proc = subprocess.run(
        [sys.executable, "-P", "-c", _child_script(), str(tree.baseline), str(worlds), str(weeks)],
        env=env,
        cwd=tree.root,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["(no message)"]
        raise AgainstError(f"measuring {tree.root} failed (exit {proc.returncode}): {lines[-1]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    imported = Path(result["sim"]).resolve()
    if not imported.is_relative_to(tree.package):
        raise AgainstError(
            f"measuring {tree.root}: the child imported sim from {imported.parent},"
            f" not from {tree.package}"
        )
    return result


def run_against(
    before: Tree,
    after: Tree,
    worlds: int = 100_000,
    weeks: int = 52,
    rounds: int = 3,
    progress=None,
) -> dict:
    """The batched cost per world-week of two trees, before then after in each of
    ``rounds`` rounds (so slow drift of the machine hits both sides alike), best of the
    rounds per side; peak memory is the largest of a side's runs."""
    runs = {"before": [], "after": []}
    for round_ in range(1, rounds + 1):
        for side, tree in (("before", before), ("after", after)):
            result = measure_tree(tree, worlds, weeks)
            runs[side].append(result)
            if progress is not None:
                progress(
                    f"round {round_}/{rounds} {side}: {result['seconds']:.3f} s, "
                    f"peak {result['peak_rss_mb']:.0f} MB (sim from {tree.root})"
                )

    def summary(side: str, tree: Tree) -> dict:
        seconds = min(r["seconds"] for r in runs[side])
        return {
            "seconds": seconds,
            "ns_per_world_week": seconds / (worlds * weeks) * 1e9,
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[side]),
            "tree": str(tree.root),
            "sim": runs[side][0]["sim"],
            "seconds_per_round": [r["seconds"] for r in runs[side]],
        }

    report = {"before": summary("before", before), "after": summary("after", after)}
    return {
        **report,
        "ratio": report["after"]["seconds"] / report["before"]["seconds"],
        "worlds": worlds,
        "weeks": weeks,
        "rounds": rounds,
    }


def format_against(r: dict) -> str:
    lines = [
        f"batched model, 1 process, each tree's own baseline: {r['worlds']:,} worlds x "
        f"{r['weeks']} weeks, best of {r['rounds']} alternating rounds"
    ]
    for side in ("before", "after"):
        s = r[side]
        lines.append(
            f"{side + ':':8}{s['seconds']:.3f} s = {s['ns_per_world_week']:.1f} ns per "
            f"world-week, peak memory {s['peak_rss_mb']:.0f} MB  ({s['tree']})"
        )
    lines.append(f"ratio after/before: {r['ratio']:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.against", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "directory",
        metavar="DIR",
        help="another revision's source checkout (e.g. from `git worktree add`)",
    )
    parser.add_argument("--worlds", type=positive_int, default=100_000)
    parser.add_argument("--weeks", type=positive_int, default=52)
    parser.add_argument(
        "--rounds",
        type=positive_int,
        default=3,
        help="alternating before/after rounds (best of per side)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        report = run_against(
            source_tree(args.directory),
            current_tree(),
            args.worlds,
            args.weeks,
            args.rounds,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except AgainstError as err:
        print(f"benchmarks.against: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(report) if args.json else format_against(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
