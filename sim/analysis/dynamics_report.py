"""The ``check-dynamics`` command: the posterior predictive checks of
:mod:`sim.analysis.dynamics` as a table, JSON and a figure (one panel per statistic: the
simulated distribution, its 5-95% band and the record's value)."""

import math
import sys
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.dynamics import BAND, DynamicsCheck
from sim.formatting import interval_text, pct

DYNAMICS_JSON = "dynamics.json"
DYNAMICS_PNG = "dynamics.png"


def _value(x: float, ratio: bool) -> str:
    if not math.isfinite(x):
        return "n/a"
    return pct(x) if ratio else f"{x:g}"


def format_dynamics(check: DynamicsCheck) -> str:
    """The terminal table: band, median, record, inside, the two tail chances."""
    coded = (
        "coded by the observation model '" + check.observation + "'"
        if check.observation != "none"
        else "uncoded: the simulated truth"
    )
    lines = [
        f"scenario: {check.scenario}    record: {check.record_path}    seed: {check.seed}",
        f"months: {check.labels[0]} to {check.labels[-1]}    histories: {check.histories:,}"
        f" ({coded}); {check.histories_ended_text()}",
        "",
        f"{'statistic':<42} {'record':>7} {'5-95% band':>17} {'median':>7} {'inside':>6}  "
        "P(sim <= record)             P(sim >= record)",
    ]
    for c in check.checks:
        ratio = c.name.startswith("P(")
        low, median, high = c.quantiles()
        band = f"[{_value(low, ratio)}, {_value(high, ratio)}]"
        below, above = c.tail("below"), c.tail("above")
        lines.append(
            f"{c.name:<42} {_value(c.record, ratio):>7} {band:>17} {_value(median, ratio):>7} "
            f"{'yes' if c.inside else 'NO':>6}  "
            f"{pct(below[0]):>6} {interval_text(*below[1]):<20} "
            f"{pct(above[0]):>6} {interval_text(*above[1])}"
            + (f"  (n={c.n:,})" if c.n != check.histories else "")
        )
    lines += [
        "",
        f"Outside the band: {', '.join(check.outside) if check.outside else 'none'}.",
        "",
        "Spells in the simulated weeks (complete spells only; mean with its 95% interval):",
        "",
        f"{'spell':<30} {'mean weeks':>10} {'95% CI':>15} {'median':>7} {'spells':>8}",
    ]
    for s in check.spells:
        lo, hi = s.ci
        ci = f"[{lo:.2f}, {hi:.2f}]" if math.isfinite(lo) else "n/a"
        lines.append(f"{s.name:<30} {s.mean:>10.2f} {ci:>15} {s.median:>7g} {s.spells:>8,}")
    return "\n".join(lines) + "\n"


def dynamics_figure(check: DynamicsCheck) -> Figure:
    """One panel per statistic: the simulated histogram, the 5-95% band shaded, the
    median dashed and the record's value as a red line (green title when inside)."""
    panels = len(check.checks)
    cols = 4
    rows = math.ceil(panels / cols)
    fig = Figure(figsize=(3.2 * cols, 2.5 * rows), layout="constrained")
    for i, c in enumerate(check.checks):
        ax = fig.add_subplot(rows, cols, i + 1)
        v = c.defined
        low, median, high = c.quantiles()
        ratio = c.name.startswith("P(")
        if ratio:
            bins = np.linspace(0.0, 1.0, 21)
        else:
            top = max(float(v.max()) if v.size else 0.0, c.record) + 1
            bins = np.arange(-0.5, top + 0.5, max(1.0, math.ceil(top / 30)))
        ax.hist(v, bins=list(bins), color="#9ab3d5", edgecolor="white")
        ax.axvspan(low, high, color="#dde7f3", zorder=-1)
        ax.axvline(median, color="#355c8c", ls="--", lw=1)
        ax.axvline(c.record, color="#c2402a", lw=2)
        ax.set_title(c.name, fontsize=8, loc="left", color="#1b7837" if c.inside else "#c2402a")
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    fig.suptitle(
        f"{check.scenario}: {check.histories:,} histories {check.labels[0]}..{check.labels[-1]}"
        f" (observation: {check.observation}); shaded {BAND[0]:.0%}-{BAND[1]:.0%} band, "
        "dashed median, red the record",
        fontsize=9,
    )
    return fig


def plot_dynamics(check: DynamicsCheck, path) -> Path:
    from sim.plots import _save

    return _save(dynamics_figure(check), path)


# --- the command ----------------------------------------------------------------------


def cli_parse(sub) -> None:
    """``escsim check-dynamics [SCENARIO]``: the record against simulated histories."""
    from sim.cli_support import (
        add_conditions_option,
        add_simulation_tail,
        worlds_count,
    )
    from sim.package_data import default_record, scenarios_dir

    p = sub.add_parser(
        "check-dynamics",
        help="posterior predictive checks: the record's month-to-month dynamics against "
        "histories simulated over its months",
    )
    p.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        default=scenarios_dir() / "calibrated.yaml",
        help="scenario (default: the shipped scenarios/calibrated.yaml)",
    )
    p.add_argument(
        "--record",
        type=Path,
        default=default_record(),
        help="a CSV with the record's columns (default: the shipped record, "
        "data/record/armenia_azerbaijan_monthly.csv)",
    )
    add_conditions_option(p)
    p.add_argument(
        "--observation",
        default="default",
        choices=("default", "sharper", "softer", "none"),
        help="how simulated months are coded: an observation model of "
        "sim.record.observation, or none (the simulated truth) (default: default)",
    )
    p.add_argument(
        "-n",
        "--worlds",
        type=worlds_count,
        default=2000,
        help="histories simulated (default 2,000)",
    )
    add_simulation_tail(p, f"{DYNAMICS_JSON} and {DYNAMICS_PNG}")
    p.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.analysis.dynamics import check_dynamics
    from sim.cli_support import ProgressBar, load_adjusted, show_with_figure
    from sim.record import load_conditions, load_record
    from sim.record.observation import ObservationModel
    from sim.runinfo import run_info

    record = load_record(args.record)
    scenario = load_adjusted(args.scenario, args)
    conditions = load_conditions(args.conditions)
    observation = None if args.observation == "none" else ObservationModel.named(args.observation)
    with ProgressBar(args.worlds, "history", not args.quiet) as bar:
        check = check_dynamics(
            scenario,
            record,
            args.worlds,
            args.seed,
            observation,
            conditions,
            args.workers,
            args.dask,
            bar.callback,
        )
    data = {**check.to_dict(), "run_info": run_info(args.seed)}
    show_with_figure(
        args,
        data,
        format_dynamics(check),
        DYNAMICS_JSON,
        lambda out: plot_dynamics(check, out / DYNAMICS_PNG),
    )
    if check.outside and not args.quiet:
        print(
            f"check-dynamics: the record lies outside the band for {len(check.outside)} "
            "statistic(s)",
            file=sys.stderr,
        )
    return 0
