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
from pathlib import Path

from sim.files import atomic_write
from sim.formatting import interval_text, json_text, pct, plain
from sim.ladder import STATE_LABELS
from sim.results import OUTCOME_NAMES, RunResult

CSV_COLUMNS = ("outcome", "p", "ci_low", "ci_high", "n", "k", "scenario", "seed",
               "horizon_weeks")

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
    for name in OUTCOME_NAMES:
        est = outcomes[name]
        ci = interval_text(*est.ci)
        rows.append((name, pct(est.p), ci, f"{est.n:,}"))
    header = ("outcome", "p", "95% CI", "n")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def row(cells) -> str:
        name, p, ci, n = cells
        return (f"{name:<{widths[0]}}  {p:>{widths[1]}}  {ci:<{widths[2]}}  "
                f"{n:>{widths[3]}}").rstrip()

    lines.append(row(header))
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(row(r) for r in rows)
    lines.append("(p: share of worlds where it happened at least once within the horizon; "
                 "a rung outcome counts that rung or a higher one)")
    lines.append("")

    median = result.median_first_clash_week()
    if median is None:
        lines.append("no border clash in any world")
    else:
        clash_worlds = int(result.tally.first_clash_week_counts.sum())
        noun = "world that had one" if clash_worlds == 1 else "worlds that had one"
        lines.append(f"median week of first border clash: {_week(median)} "
                     f"(among {clash_worlds:,} {noun})")
    lines.append("")

    lines.append(f"share of worlds in each state at the horizon (week {result.horizon_weeks}):")
    shares = result.final_state_shares()
    label_w = max(len(label) for label in STATE_LABELS)
    for label in STATE_LABELS:
        lines.append(f"  {label:<{label_w}}  {pct(shares[label]):>6}")
    return "\n".join(lines) + "\n"


# --- JSON -----------------------------------------------------------------------------


def to_json(result: RunResult) -> str:
    """The JSON contract (``RunResult.to_dict``), indented; NaN is written as null."""
    return json_text(result.to_dict())


# --- CSV ------------------------------------------------------------------------------


def _num(x: float) -> str:
    return repr(float(x)) if math.isfinite(x) else ""


def to_csv(result: RunResult) -> str:
    """One row per outcome: ``outcome,p,ci_low,ci_high,n,k,scenario,seed,horizon_weeks``
    (full-precision floats; an empty cell where p is undefined, i.e. no worlds)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    outcomes = result.outcomes()
    for name in OUTCOME_NAMES:
        est = outcomes[name]
        writer.writerow([name, _num(est.p), _num(est.ci[0]), _num(est.ci[1]), est.n, est.k,
                         result.scenario, result.seed, result.horizon_weeks])
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
    return scenario_yaml_text(resolved_scenario, (
        "The resolved scenario of this run: every default and every `extends:` filled in.\n"
        f"Run: scenario {result.scenario!r}, seed {result.seed}, {result.worlds} worlds, "
        f"{result.horizon_weeks} weeks, chunk size {result.chunk_size}.\n"
        "It can be re-run as it is; the same options give the same numbers:\n"
        f"  escsim run scenario.resolved.yaml --seed {result.seed} -n {result.worlds}"
        f" --horizon {result.horizon_weeks} --chunk-size {result.chunk_size}"
    ))


# --- files ----------------------------------------------------------------------------


def write_run_dir(result: RunResult, out_dir: str | os.PathLike,
                  resolved_scenario: dict | None = None) -> list[Path]:
    """Write a run's files into ``out_dir`` (created if needed) and return their paths:
    ``outcomes.csv``, ``scenario.resolved.yaml`` (if a resolved scenario is given),
    ``outcomes.png``, ``fan_chart.png`` and, last, ``results.json`` -- so a directory
    holding ``results.json`` holds a complete run."""
    from sim import plots

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [atomic_write(out / OUTCOMES_CSV, to_csv(result))]
    if resolved_scenario is not None:
        written.append(atomic_write(out / SCENARIO_YAML, scenario_yaml(result, resolved_scenario)))
    written.append(plots.plot_outcomes(result, out / OUTCOMES_PNG))
    written.append(plots.plot_fan_chart(result, out / FAN_CHART_PNG))
    written.append(atomic_write(out / RESULTS_JSON, to_json(result) + "\n"))
    return written


# ``atomic_write`` and ``pct`` live in sim.files and sim.formatting; they stay importable
# from here for callers not yet moved (sim.analysis.backtest, sim.dashboard.app).
__all__ = [
    "CSV_COLUMNS", "atomic_write", "format_table", "pct", "scenario_yaml", "to_csv", "to_json",
    "write_run_dir",
]
