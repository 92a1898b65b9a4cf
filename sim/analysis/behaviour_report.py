"""The ``behaviour`` command: Baku's weekly chain against its zero-utility chain and each
lever's effect on clash, incursion and invasion (:mod:`sim.analysis.behaviour`), as
tables, JSON and a figure of the lever effects."""

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.behaviour import (
    LEVER_OUTCOMES,
    ROWS,
    LeverEffect,
    TransitionComparison,
    row_shares,
)
from sim.formatting import interval_text, pct, signed_pct
from sim.ladder import N_RUNGS

BEHAVIOUR_JSON = "behaviour.json"
BEHAVIOUR_PNG = "levers.png"


def _matrix(title: str, counts: np.ndarray) -> list[str]:
    shares = row_shares(counts)
    lines = [title, f"{'from':<6}" + "".join(f"{'to ' + str(j):>8}" for j in range(N_RUNGS))]
    lines[1] += f"{'transitions':>13}"
    for i in range(ROWS):
        lines.append(
            f"{i:<6}" + "".join(f"{pct(x):>8}" for x in shares[i]) + f"{int(counts[i].sum()):>13,}"
        )
    return lines


def format_transitions(t: TransitionComparison) -> str:
    lines = [
        f"scenario: {t.scenario} (as of {t.as_of})    worlds: {t.worlds:,}    weeks: {t.weeks}"
        f"    seed: {t.seed}    (common random numbers)",
        "",
        *_matrix("Weekly transitions of the rung, the model:", t.model_counts),
        "",
        *_matrix("The same worlds with every Baku utility set to zero:", t.zero_counts),
        "",
        "Total-variation distance per row (95% interval, resampling worlds):",
    ]
    for i in range(ROWS):
        lo, hi = t.tv_ci[i]
        lines.append(f"  from rung {i}: {t.tv[i]:.3f} [{lo:.3f}, {hi:.3f}]")
    lo, hi = t.tv_ci[ROWS]
    lines.append(f"  mean of rows 0-{ROWS - 1}: {t.mean_tv:.3f} [{lo:.3f}, {hi:.3f}]")
    return "\n".join(lines) + "\n"


def _ratio(e) -> str:
    if not math.isfinite(e.ratio):
        return "n/a"
    lo, hi = e.ratio_ci
    ci = f"[{lo:.2f}, {hi:.2f}]" if math.isfinite(lo) else "[n/a]"
    return f"{e.ratio:.2f} {ci}"


def format_levers(base: str, levers: list[LeverEffect], weeks: int) -> str:
    n = levers[0].effects[0].n if levers else 0
    lines = [
        f"Each lever over {base}: {weeks} weeks, {n:,} worlds, the same worlds with and "
        "without it (common random numbers); difference and ratio with 95% intervals",
    ]
    for lever in levers:
        lines += ["", f"{lever.name}: {'; '.join(lever.changes) or 'no change'}"]
        for e in lever.effects:
            base_text = pct(e.p_base)
            lines.append(
                f"  {e.outcome:<20} {base_text:>7} -> {pct(e.p_lever):>7}   "
                f"difference {signed_pct(e.diff):>7} {interval_text(*e.diff_ci):<20} "
                f"ratio {_ratio(e)}"
            )
    return "\n".join(lines) + "\n"


def levers_figure(base: str, levers: list[LeverEffect], weeks: int) -> Figure:
    """One panel per outcome: each lever's paired difference with its 95% interval."""
    fig = Figure(
        figsize=(4.0 * len(LEVER_OUTCOMES), 0.45 * len(levers) + 1.6), layout="constrained"
    )
    y = np.arange(len(levers))[::-1]
    if not levers:
        fig.add_subplot().text(0.5, 0.5, "no levers given", ha="center")
        return fig
    for j, outcome in enumerate(LEVER_OUTCOMES):
        ax = fig.add_subplot(1, len(LEVER_OUTCOMES), j + 1)
        d = np.array([lv.effects[j].diff for lv in levers])
        lo = np.array([lv.effects[j].diff_ci[0] for lv in levers])
        hi = np.array([lv.effects[j].diff_ci[1] for lv in levers])
        ax.errorbar(d, y, xerr=[d - lo, hi - d], fmt="o", color="#c2402a", capsize=3)
        ax.axvline(0, color="#999999", lw=1)
        ax.set_yticks(y, [lv.name for lv in levers] if j == 0 else [""] * len(levers), fontsize=8)
        ax.set_title(f"{outcome}: change (points)", fontsize=9, loc="left")
        ax.xaxis.set_major_formatter(lambda x, _pos: f"{100 * x:+.0f}")
        ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    fig.suptitle(
        f"Levers over {base}: {weeks} weeks, common random numbers, 95% intervals", fontsize=9
    )
    return fig


def plot_levers(base: str, levers: list[LeverEffect], weeks: int, path) -> Path:
    from sim.plots import _save

    return _save(levers_figure(base, levers, weeks), path)


def counterfactual_files() -> list[Path]:
    from sim.package_data import scenarios_dir

    return sorted((scenarios_dir() / "counterfactuals").glob("*.yaml"))


# --- the command ----------------------------------------------------------------------


def cli_parse(sub) -> None:
    """``escsim behaviour [SCENARIO]``: the transition distance and the lever effects."""
    from sim.analysis.behaviour import LEVER_WEEKS
    from sim.cli_support import (
        add_conditions_option,
        add_simulation_tail,
        horizon_weeks,
        worlds_count,
    )
    from sim.package_data import baseline_scenario, scenarios_dir

    p = sub.add_parser(
        "behaviour",
        help="does behaviour matter: Baku's weekly chain against the zero-utility chain, "
        "and each lever's effect on clash, incursion and invasion",
    )
    p.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        default=scenarios_dir() / "calibrated.yaml",
        help="scenario studied (default: the shipped scenarios/calibrated.yaml)",
    )
    p.add_argument(
        "--as-of",
        default="2024-03",
        metavar="YYYY-MM",
        help="month the transition matrices are set up as of (default 2024-03)",
    )
    p.add_argument(
        "--levers",
        type=Path,
        nargs="*",
        default=None,
        metavar="FILE",
        help="counterfactual scenarios whose changes are laid over SCENARIO (default: every "
        "file of scenarios/counterfactuals; --levers alone: none)",
    )
    p.add_argument(
        "--reference",
        type=Path,
        default=baseline_scenario(),
        help="the scenario the levers extend: a lever is what it changes relative to this "
        "(default scenarios/baseline.yaml)",
    )
    p.add_argument(
        "--weeks",
        "--horizon",
        dest="weeks",
        type=horizon_weeks,
        default=LEVER_WEEKS,
        help=f"weeks simulated for both parts (default {LEVER_WEEKS})",
    )
    p.add_argument(
        "-n", "--worlds", type=worlds_count, default=4000, help="worlds per run (default 4,000)"
    )
    add_conditions_option(p)
    add_simulation_tail(p, f"{BEHAVIOUR_JSON} and {BEHAVIOUR_PNG}")
    p.set_defaults(action=cli_action)


def cli_action(args) -> int:
    import sys

    from sim.analysis.behaviour import lever_effects, transition_comparison
    from sim.cli_support import load_adjusted, load_all, show_with_figure
    from sim.record import load_conditions, parse_month
    from sim.runinfo import run_info
    from sim.scenario import Problem, ScenarioError

    try:
        as_of = str(parse_month(args.as_of))
    except ValueError as err:
        raise ScenarioError([Problem("<command line>", None, "--as-of", str(err))]) from None
    scenario = load_adjusted(args.scenario, args)
    reference = load_all([args.reference])[0]
    levers = load_all(counterfactual_files() if args.levers is None else args.levers)
    conditions = load_conditions(args.conditions)

    def say(text: str) -> None:
        if not args.quiet:
            print(f"behaviour: {text}", file=sys.stderr, flush=True)

    say(f"transitions as of {as_of} ({args.worlds:,} worlds x 2 chains)")
    transitions = transition_comparison(
        scenario, as_of, args.weeks, args.worlds, args.seed, conditions, args.workers, args.dask
    )

    def progress(done: int, total: int) -> None:
        if done < total:
            say(f"lever {done + 1} of {total}")

    effects = lever_effects(
        scenario,
        levers,
        reference,
        args.worlds,
        args.seed,
        args.weeks,
        args.workers,
        args.dask,
        progress=progress,
    )
    data = {
        "transitions": transitions.to_dict(),
        "levers": {
            "scenario": scenario.name,
            "reference": reference.name,
            "weeks": args.weeks,
            "worlds": args.worlds,
            "seed": args.seed,
            "effects": [e.to_dict() for e in effects],
        },
        "run_info": run_info(args.seed),
    }
    table = format_transitions(transitions)
    if effects:
        table += "\n" + format_levers(scenario.name, effects, args.weeks)
    show_with_figure(
        args,
        data,
        table,
        BEHAVIOUR_JSON,
        lambda out: plot_levers(scenario.name, effects, args.weeks, out / BEHAVIOUR_PNG),
    )
    return 0
