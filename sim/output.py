"""A finished run as text (table, JSON, CSV) and as a directory of files.

Nothing here computes a number: every value comes from ``RunResult`` (``sim.results``).
Matplotlib is imported only when figures are written, so printing a table stays fast.

Every file is written atomically (a temporary file in the same directory, then
``os.replace``), so an interrupted run never leaves a half-written file behind.
"""

import csv
import io
import math
import os
import textwrap
from pathlib import Path

from sim.files import atomic_write
from sim.formatting import (
    csv_text_cell,
    interval_text,
    json_text,
    pct,
    plain,
    spread_note,
    spread_text,
)
from sim.ladder import MIN_WEEKS, STATE_LABELS, Rung
from sim.outcomes import OUTCOME_NAMES
from sim.results import RunResult

CSV_COLUMNS = (
    "outcome",
    "p",
    "ci_low",
    "ci_high",
    "n",
    "k",
    "scenario",
    "seed",
    "horizon_weeks",
    "spread_p10",
    "spread_p50",
    "spread_p90",
    "spread_draws",
    "spread_worlds_per_draw",
    "spread_between_sd",
)

RESULTS_JSON = "results.json"
OUTCOMES_CSV = "outcomes.csv"
SCENARIO_YAML = "scenario.resolved.yaml"
OUTCOMES_PNG = "outcomes.png"
FAN_CHART_PNG = "fan_chart.png"


def _week(w: float) -> str:
    return str(int(w)) if float(w).is_integer() else f"{w:.1f}"


def format_table(result: RunResult) -> str:
    """The run as a plain-text table: what was run, each outcome's probability with its
    95% Wilson interval and number of worlds, the median week of the first border clash
    and where the worlds stand at the horizon."""
    lines = [
        f"scenario: {result.scenario}",
        f"seed: {result.seed}    worlds: {result.worlds:,}    "
        f"horizon: {result.horizon_weeks} weeks    chunk size: {result.chunk_size:,}",
        "",
    ]
    rows = []
    outcomes = result.outcomes()
    spread = result.spread
    for name in OUTCOME_NAMES:
        est = outcomes[name]
        ci = interval_text(*est.ci)
        cells: tuple[str, ...] = (name, pct(est.p), ci, f"{est.n:,}")
        if spread.computed:
            cells += (spread_text(*spread.percentiles(name)), pct(spread.between_sd(name)))
        rows.append(cells)
    header: tuple[str, ...] = ("outcome", "p", "95% CI", "n")
    if spread.computed:
        header += ("over parameter draws: 10th-90th pct (median)", "sd")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def row(cells) -> str:
        name, p, ci, n, *rest = cells
        text = f"{name:<{widths[0]}}  {p:>{widths[1]}}  {ci:<{widths[2]}}  {n:>{widths[3]}}"
        if rest:
            text += f"  {rest[0]:<{widths[4]}}  {rest[1]:>{widths[5]}}"
        return text.rstrip()

    lines.append(row(header))
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(row(r) for r in rows)
    lines.extend(
        textwrap.wrap(
            "(p: share of worlds where it happened at least once within the horizon; a rung "
            "outcome is an operation on that rung or higher kept up for its minimum length: "
            + ", ".join(f"{r.label} {MIN_WEEKS[r]} wk" for r in Rung if MIN_WEEKS[r])
            + ")",
            width=100,
            subsequent_indent=" ",
        )
    )
    lines.extend(
        textwrap.wrap(
            spread_note(spread.status, spread.draws, spread.worlds_per_draw),
            width=100,
            subsequent_indent=" ",
        )
    )
    lines.append("")

    median = result.median_first_clash_week()
    if median is None:
        lines.append("no border clash in any world")
    else:
        clash_worlds = int(result.tally.first_clash_week_counts.sum())
        noun = "world that had one" if clash_worlds == 1 else "worlds that had one"
        lines.append(
            f"median week of first border clash: {_week(median)} (among {clash_worlds:,} {noun})"
        )
    lines.append("")

    lines.append(f"share of worlds in each state at the horizon (week {result.horizon_weeks}):")
    shares = result.final_state_shares()
    label_w = max(len(label) for label in STATE_LABELS)
    for label in STATE_LABELS:
        lines.append(f"  {label:<{label_w}}  {pct(shares[label]):>6}")
    return "\n".join(lines) + "\n"


# --- JSON -----------------------------------------------------------------------------


def to_json(result: RunResult) -> str:
    """The JSON contract (``RunResult.to_dict``) with how it was made (``run_info``:
    versions, seed, command line), indented; NaN is written as null."""
    from sim.runinfo import run_info

    return json_text({**result.to_dict(), "run_info": run_info(result.seed)})


# --- CSV ------------------------------------------------------------------------------


def _num(x: float) -> str:
    return repr(float(x)) if math.isfinite(x) else ""


def to_csv(result: RunResult) -> str:
    """One row per outcome: ``outcome,p,ci_low,ci_high,n,k,scenario,seed,horizon_weeks``,
    then the spread over parameter draws ``spread_p10,spread_p50,spread_p90,spread_draws,
    spread_worlds_per_draw,spread_between_sd`` (full-precision floats; an empty cell
    where p is undefined, i.e. no worlds, and in the spread columns where no spread was
    computed)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    outcomes = result.outcomes()
    spread = result.spread
    for name in OUTCOME_NAMES:
        est = outcomes[name]
        spread_cells: list[object] = ["", "", "", "", "", ""]
        if spread.computed:
            spread_cells = [
                *(_num(x) for x in spread.percentiles(name)),
                spread.draws,
                spread.worlds_per_draw,
                _num(spread.between_sd(name)),
            ]
        writer.writerow(
            [
                name,
                _num(est.p),
                _num(est.ci[0]),
                _num(est.ci[1]),
                est.n,
                est.k,
                csv_text_cell(result.scenario),
                result.seed,
                result.horizon_weeks,
                *spread_cells,
            ]
        )
    return buf.getvalue()


# --- YAML -----------------------------------------------------------------------------


def scenario_yaml_text(data: dict, what: str) -> str:
    """Plain data as YAML (safe dump) under a header comment saying what it is."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 100
    buf = io.StringIO()
    yaml.dump(plain(data), buf)
    return "".join(f"# {line}\n" for line in what.splitlines()) + buf.getvalue()


def scenario_yaml(result: RunResult, resolved_scenario: dict) -> str:
    """The resolved scenario as YAML under a header comment saying what it is."""
    return scenario_yaml_text(
        resolved_scenario,
        (
            "The resolved scenario of this run: every default and every `extends:` filled in.\n"
            f"Run: scenario {result.scenario!r}, seed {result.seed}, {result.worlds} worlds, "
            f"{result.horizon_weeks} weeks, chunk size {result.chunk_size}.\n"
            "It can be re-run as it is; the same options give the same numbers:\n"
            f"  escsim run scenario.resolved.yaml --seed {result.seed} -n {result.worlds}"
            f" --horizon {result.horizon_weeks} --chunk-size {result.chunk_size}"
            + (
                f" --spread {result.spread.draws}:{result.spread.worlds_per_draw}"
                if result.spread.computed
                else " --spread 0"
            )
        ),
    )


# --- files ----------------------------------------------------------------------------


RUN_FILES = (OUTCOMES_CSV, SCENARIO_YAML, OUTCOMES_PNG, FAN_CHART_PNG, RESULTS_JSON)


def _atomic_leftover(name: str) -> bool:
    """A temporary file of an atomic write cut short (``.results.json.PID.HEX.tmp``)."""
    return (
        name.startswith(".")
        and name.endswith(".tmp")
        and any(name.startswith(f".{run_file}.") for run_file in RUN_FILES)
    )


def check_run_dir(out_dir: str | os.PathLike) -> Path:
    """``out_dir`` if a run may be written there: new, empty, or holding a run's files
    and nothing else (it is replaced whole, so other files would be lost). Else
    ScenarioError, before any work."""
    from sim.files import _refused, check_out_dir

    out = check_out_dir(out_dir)
    full, here = Path(os.path.abspath(out)), Path.cwd()
    if full == here or full in here.parents:
        raise _refused(
            out,
            "--out",
            "is the current directory (or holds it); a run replaces "
            "its directory whole: give a new subdirectory",
        )
    if out.is_dir():
        others = sorted(
            p.name
            for p in out.iterdir()
            if p.name not in RUN_FILES and not _atomic_leftover(p.name)
        )
        if others:
            shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            raise _refused(
                out,
                "--out",
                f"holds files that are not a run's ({shown}); a "
                "run replaces its directory whole: give a new or empty one",
            )
    return out


def write_run_dir(
    result: RunResult, out_dir: str | os.PathLike, resolved_scenario: dict | None = None
) -> list[Path]:
    """Write a run's files into ``out_dir`` and return their paths: ``outcomes.csv``,
    ``scenario.resolved.yaml`` (if a resolved scenario is given), ``outcomes.png``,
    ``fan_chart.png`` and ``results.json``.

    The files are written into a fresh hidden directory beside ``out_dir`` which then
    replaces it whole (``sim.files.replace_dir``), under the directory's lock: whatever
    interrupts the writing, ``out_dir`` holds one complete run (this one or the one
    before), never files of two runs. A directory holding files that are not a run's is
    refused (``check_run_dir``) rather than replaced.
    """
    from sim import plots
    from sim.files import locked_out_dir, replace_dir

    out = Path(out_dir)
    names = []
    with locked_out_dir(out, "run"):
        check_run_dir(out)
        with replace_dir(out) as new:
            atomic_write(new / OUTCOMES_CSV, to_csv(result))
            names.append(OUTCOMES_CSV)
            if resolved_scenario is not None:
                atomic_write(new / SCENARIO_YAML, scenario_yaml(result, resolved_scenario))
                names.append(SCENARIO_YAML)
            plots.plot_outcomes(result, new / OUTCOMES_PNG)
            plots.plot_fan_chart(result, new / FAN_CHART_PNG)
            atomic_write(new / RESULTS_JSON, to_json(result) + "\n")
            names += [OUTCOMES_PNG, FAN_CHART_PNG, RESULTS_JSON]
    return [out / name for name in names]


# --- the `escsim run` command -------------------------------------------------------


def spread_option(text: str) -> tuple[int, int]:
    """An argparse type for ``--spread``: ``G:m`` (G draws x m worlds per draw, both
    whole numbers, m at least 1) or ``0`` (no spread pass)."""
    import argparse

    if text.strip() == "0":
        return (0, 1)
    try:
        if len(text) > 40:  # int() of thousands of digits raises; no bound is that long
            raise ValueError
        draws, per_draw = (int(part.replace("_", "").replace(",", "")) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected G:m (draws:worlds per draw, e.g. 200:50) or 0, got {text!r}"
        ) from None
    from sim.limits import MAX_CHUNK_SIZE, MAX_SPREAD_DRAWS

    if not 0 <= draws <= MAX_SPREAD_DRAWS or not 1 <= per_draw <= MAX_CHUNK_SIZE:
        raise argparse.ArgumentTypeError(
            f"expected 0 to {MAX_SPREAD_DRAWS:,} draws and 1 to {MAX_CHUNK_SIZE:,} worlds "
            f"per draw, got {text!r}"
        )
    return (draws, per_draw)


def cli_parse(sub) -> None:
    """``escsim run SCENARIO``: a scenario's Monte Carlo, printed and optionally saved."""
    from pathlib import Path

    from sim.cli_support import (
        add_dask_option,
        add_format_option,
        add_horizon_option,
        add_out_option,
        add_quiet_option,
        add_set_option,
        chunk_size,
        seed,
        worker_count,
        worlds_count,
    )
    from sim.limits import MAX_CHUNK_SIZE, MAX_WORKERS, MAX_WORLDS
    from sim.seeding import DEFAULT_CHUNK_SIZE, DEFAULT_SEED

    run = sub.add_parser("run", help="run a scenario's Monte Carlo and print its outcomes")
    run.add_argument(
        "scenario",
        type=Path,
        help="scenario YAML file, or a shipped scenario's name (baseline, "
        "experts/kopalyan; escsim scenarios lists them)",
    )
    run.add_argument(
        "-n",
        "--worlds",
        type=worlds_count,
        default=10_000,
        help=f"number of simulated worlds (default 10,000, at most {MAX_WORLDS:,})",
    )
    run.add_argument(
        "--seed",
        type=seed,
        default=DEFAULT_SEED,
        help=f"master seed (default {DEFAULT_SEED}); always printed",
    )
    add_horizon_option(run)
    run.add_argument(
        "--workers",
        type=worker_count,
        default=1,
        help=f"worker processes (default 1; results do not depend on it; at most {MAX_WORKERS})",
    )
    add_dask_option(run, "the chunks")
    run.add_argument(
        "--chunk-size",
        type=chunk_size,
        default=DEFAULT_CHUNK_SIZE,
        help=f"worlds per chunk, part of the seeding (default {DEFAULT_CHUNK_SIZE}, "
        f"at most {MAX_CHUNK_SIZE:,})",
    )
    run.add_argument(
        "--spread",
        type=spread_option,
        default=None,
        metavar="G:m",
        help="spread over parameter draws: G draws x m worlds per draw, a "
        "separate pass (default: m=50 and G=n/50, at most 200, so it costs "
        "no more than the run; 0 switches it off)",
    )
    add_set_option(run)
    add_format_option(run, ("table", "json", "csv"))
    add_out_option(run, "results.json, outcomes.csv, the resolved scenario and the figures")
    add_quiet_option(run, no_progress_alias=True)
    run.set_defaults(action=cli_action)


def cli_action(args) -> int:
    import contextlib

    from sim.files import locked_out_dir

    with contextlib.ExitStack() as stack:
        if args.out is not None:  # held for the whole command: no other run swaps it
            stack.enter_context(locked_out_dir(args.out, "run"))
            check_run_dir(args.out)  # before any work
        return _run(args)


def _run(args) -> int:
    import sys

    from sim.cli_support import ProgressBar, load_adjusted, wrote
    from sim.montecarlo import default_spread, run_scenario, uncertain_parameters

    scenario = load_adjusted(args.scenario, args)
    spread = args.spread if args.spread is not None else default_spread(args.worlds)
    spread_worlds = spread[0] * spread[1] if uncertain_parameters(scenario) else 0
    with ProgressBar(args.worlds + spread_worlds, "world", not args.quiet) as bar:
        result = run_scenario(
            scenario,
            n_worlds=args.worlds,
            seed=args.seed,
            horizon_weeks=args.horizon,
            workers=args.workers,
            dask=args.dask,
            chunk_size=args.chunk_size,
            progress=bar.callback,
            spread=spread,
        )
    render = {"table": format_table, "json": to_json, "csv": to_csv}[args.format]
    sys.stdout.write(render(result).rstrip("\n") + "\n")
    if args.out is not None:
        for path in write_run_dir(result, args.out, scenario.to_dict()):
            wrote(path)
    return 0
