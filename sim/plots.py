"""Figures of a finished run (matplotlib, Agg; no pyplot, so no global figure state).

- ``plot_outcomes``: each outcome's probability with its 95% Wilson interval.
- ``plot_fan_chart``: per rung, the share of worlds at it or above, week by week, with
  the middle 50% and 90% of the parameter draws (:mod:`sim.fan_chart`).
- ``plot_state_shares``: the share of worlds in each state, week by week, stacked.

``outcomes_figure``, ``fan_chart_figure`` and ``state_shares_figure`` return the
``Figure`` for callers that want to place or restyle it (a report, a notebook);
``plot_*`` save it as a PNG, atomically.
"""

import io
import math
import os
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator, PercentFormatter

from sim.files import atomic_write
from sim.formatting import estimate_text, pct
from sim.ladder import N_RUNGS, STATE_LABELS, TREATY_STATE, WAR_STATE
from sim.outcomes import OUTCOME_NAMES, RUNG_OUTCOMES
from sim.palette import RUNG_COLOURS, STATE_COLOURS, TREATY_COLOUR, WAR_COLOUR, run_subtitle
from sim.results import RunResult

DPI = 120


# Outcome dots: rung outcomes in their rung's colour, terminal states as in the fan chart,
# the third parties' reactions in cool colours.
_OUTCOME_COLOURS = {
    **{name: RUNG_COLOURS[int(rung)] for name, rung in RUNG_OUTCOMES.items()},
    "border_clash": "#e8702a",  # the rung's own yellow-orange is too pale for a dot
    "regional_war": WAR_COLOUR,
    "peace_treaty": TREATY_COLOUR,
    "sanctions_imposed": "#1f5fa8",
    "csto_statement": "#8a7fc0",
    "csto_monitoring_mission": "#6a51a3",
    "csto_military_response": "#3f007d",
    "russian_corridor_control": "#7f4f24",
    "pro_russian_unrest": "#b5651d",
}


def _save(fig: Figure, path: str | os.PathLike) -> Path:
    """Render ``fig`` to PNG in memory, then write it atomically to ``path``."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return atomic_write(path, buf.getvalue())


_subtitle = run_subtitle


def outcomes_figure(result: RunResult) -> Figure:
    """Dot-and-whisker chart: one row per outcome (in ``OUTCOME_NAMES`` order, top to
    bottom), the dot at the estimate, the whisker its 95% Wilson interval, a faint bar
    from 0 to the estimate, and the percentage written beside it, so rare outcomes
    (a fraction of a percent) stay readable on the 0-100% axis."""
    outcomes = result.outcomes()
    n = len(OUTCOME_NAMES)
    fig = Figure(figsize=(9.0, 0.42 * n + 1.7), layout="constrained")
    ax = fig.add_subplot()
    for row, name in enumerate(OUTCOME_NAMES):
        y = n - 1 - row
        est = outcomes[name]
        colour = _OUTCOME_COLOURS.get(name, "#4d4d4d")
        if row % 2 == 0:
            ax.axhspan(y - 0.5, y + 0.5, color="#f2f2f2", zorder=0, lw=0)
        if not math.isfinite(est.p):
            ax.text(0.005, y, "n/a (no worlds)", va="center", fontsize=9, color="#666666")
            continue
        lo, hi = est.ci
        ax.barh(y, est.p, height=0.55, color=colour, alpha=0.22, zorder=1, lw=0)
        ax.errorbar(
            est.p,
            y,
            xerr=[[est.p - lo], [hi - est.p]],
            fmt="o",
            color=colour,
            ecolor=colour,
            elinewidth=1.6,
            capsize=4,
            capthick=1.6,
            markersize=6.5,
            markeredgecolor="white",
            markeredgewidth=0.8,
            zorder=3,
        )
        label = estimate_text(est.p, est.ci, sep="  ")
        if hi < 0.72:  # to the right of the whisker
            ax.text(hi + 0.012, y, label, va="center", ha="left", fontsize=9, zorder=4)
        else:  # near the right edge: to the left of the whisker, on a white box
            ax.text(
                lo - 0.012,
                y,
                label,
                va="center",
                ha="right",
                fontsize=9,
                zorder=4,
                bbox=dict(facecolor="white", edgecolor="none", pad=1.0, alpha=0.85),
            )
    ax.set_yticks(
        range(n), [name.replace("_", " ") for name in reversed(OUTCOME_NAMES)], fontsize=10
    )
    ax.set_ylim(-0.5, n - 0.5)
    ax.set_xlim(-0.01, 1.0)
    ax.xaxis.set_major_locator(MultipleLocator(0.1))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.grid(axis="x", color="#d9d9d9", lw=0.7, zorder=0)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(
        "probability within the horizon (dot: estimate; whisker: 95% Wilson "
        f"interval over {result.worlds:,} worlds)",
        fontsize=9,
    )
    ax.set_title(
        f"Scenario \u201c{result.scenario}\u201d: outcome probabilities\n{_subtitle(result)}",
        fontsize=12,
        loc="left",
    )
    return fig


def fan_chart_figure(result: RunResult) -> Figure:
    """Quantile bands over the parameter draws, per rung (:mod:`sim.fan_chart`)."""
    from sim.fan_chart import quantile_fan_figure

    return quantile_fan_figure(result)


def state_shares_figure(result: RunResult) -> Figure:
    """Stacked area of the share of worlds in each state per week (week 0 = the start).
    Stacked from the best to the worst: peace treaty (green) at the bottom, then the
    rungs from negotiation (pale) to full-scale invasion (dark red), then regional war
    (black) on top. The legend, outside the plot, lists each state's share at the
    horizon. A second panel below magnifies the fighting (border clash and up, regional
    war), which is a thin sliver on the full scale."""
    shares = result.state_shares()  # (horizon + 1, N_STATES)
    weeks = np.arange(shares.shape[0])
    order = [TREATY_STATE, *range(N_RUNGS), WAR_STATE]  # bottom to top
    fighting = [*range(2, N_RUNGS), WAR_STATE]

    fig = Figure(figsize=(10.0, 7.2), layout="constrained")
    ax, zoom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    _stack(ax, weeks, shares, order)
    _stack(zoom, weeks, shares, fighting)
    final = shares[-1]
    handles = [
        Patch(
            facecolor=STATE_COLOURS[i],
            edgecolor="#999999",
            lw=0.5,
            label=f"{STATE_LABELS[i]} ({pct(final[i]) if result.worlds else 'n/a'})",
        )
        for i in reversed(order)
    ]  # legend top to bottom = stack top to bottom
    fig.legend(
        handles=handles,
        loc="outside right center",
        frameon=False,
        fontsize=9.5,
        title=f"state (share at week {result.horizon_weeks})",
        title_fontsize=9.5,
        alignment="left",
    )
    pad = 0.5 if len(weeks) == 1 else 0.0
    ax.set_xlim(weeks[0] - pad, weeks[-1] + pad)
    ax.set_ylim(0, 1)
    peak = float(shares[:, fighting].sum(axis=1).max()) if result.worlds else 0.0
    zoom.set_ylim(0, max(peak * 1.15, 0.005))
    for a in (ax, zoom):
        a.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=1 if a is zoom else 0))
    zoom.set_xlabel("week")
    ax.set_ylabel("share of worlds")
    zoom.set_ylabel("fighting only (magnified)")
    if not result.worlds:
        ax.text(0.5, 0.5, "no worlds", transform=ax.transAxes, ha="center", va="center")
    ax.set_title(
        f"Scenario \u201c{result.scenario}\u201d: where the worlds are, week by week\n"
        f"{_subtitle(result)}",
        fontsize=12,
        loc="left",
    )
    return fig


def _stack(ax, weeks: np.ndarray, shares: np.ndarray, states: list[int]) -> None:
    """Stack the shares of ``states`` (bottom to top) over the weeks."""
    if len(weeks) > 1:
        ax.stackplot(
            weeks,
            shares[:, states].T,
            colors=[STATE_COLOURS[i] for i in states],
            edgecolor="white",
            linewidth=0.3,
        )
        return
    bottom = 0.0  # horizon 0: one week, shown as a single stacked bar
    for i in states:
        ax.bar(0, shares[0, i], bottom=bottom, color=STATE_COLOURS[i], width=0.8)
        bottom += shares[0, i]


def plot_outcomes(result: RunResult, path: str | os.PathLike) -> Path:
    """Save ``outcomes_figure(result)`` as a PNG at ``path``; return the path."""
    return _save(outcomes_figure(result), path)


def plot_fan_chart(result: RunResult, path: str | os.PathLike) -> Path:
    """Save ``fan_chart_figure(result)`` as a PNG at ``path``; return the path."""
    return _save(fan_chart_figure(result), path)


def plot_state_shares(result: RunResult, path: str | os.PathLike) -> Path:
    """Save ``state_shares_figure(result)`` (the stacked states) as a PNG at ``path``."""
    return _save(state_shares_figure(result), path)


COMPARED_OUTCOMES = (
    "border_clash",
    "limited_incursion",
    "corridor_offensive",
    "full_scale_invasion",
    "regional_war",
    "peace_treaty",
    "sanctions_imposed",
    "csto_military_response",
)


def comparison_figure(
    names: list[str], results: list[RunResult], outcomes: tuple[str, ...] = COMPARED_OUTCOMES
) -> Figure:
    """Dot-and-whisker per outcome (rows) and scenario (offset dots): the estimate and
    its 95% Wilson interval, on a log-scaled axis so rare outcomes stay apart."""
    from matplotlib import colormaps

    fig = Figure(
        figsize=(9.5, 0.55 * len(outcomes) * max(1, len(names) / 3) + 2), layout="constrained"
    )
    ax = fig.add_subplot()
    colours = colormaps["tab10"]
    step = 0.8 / max(len(names), 1)
    floor = 0.5 / max(r.worlds for r in results)  # where an estimate of 0 is drawn
    for j, (name, result) in enumerate(zip(names, results, strict=True)):
        for i, outcome in enumerate(outcomes):
            est = result.estimate(outcome)
            y = len(outcomes) - 1 - i + 0.4 - step * (j + 0.5)
            p, lo, hi = (max(v, floor) for v in (est.p, *est.ci))
            ax.errorbar(
                p,
                y,
                xerr=[[p - lo], [hi - p]],
                fmt="o",
                color=colours(j % 10),
                markersize=5,
                capsize=2.5,
                label=name if i == 0 else None,
            )
    ax.set_xscale("log")
    ax.set_xlim(floor * 0.8, 1.0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: pct(v)))
    ax.axvline(floor, color="#999999", lw=0.8, ls=":")
    ax.text(floor, -0.45, " an estimate of 0 is drawn here", fontsize=7.5, color="#666666")
    ax.set_yticks(range(len(outcomes)), [o.replace("_", " ") for o in reversed(outcomes)])
    ax.grid(axis="x", color="#d9d9d9", lw=0.7)
    ax.set_xlabel(
        f"probability within the horizon (log scale; 95% Wilson intervals; "
        f"{results[0].worlds:,} worlds each, seed {results[0].seed}, common "
        "random numbers)",
        fontsize=8.5,
    )
    fig.legend(loc="outside right upper", frameon=False, fontsize=9)
    ax.set_title("Scenarios compared", fontsize=12, loc="left")
    return fig


def plot_comparison(names: list[str], results: list[RunResult], path) -> Path:
    """Save ``comparison_figure`` as a PNG at ``path``; return the path."""
    return _save(comparison_figure(names, results), path)
