"""Sweep figures: a response curve (one varied parameter), a heat map (two), and the
sensitivity indices as bars."""

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.experiments.sensitivity import swamped as swamped_by
from sim.formatting import pct
from sim.plots import _save


def response_figures(study, table, out: Path) -> list[Path]:
    """Figures a grid study's shape calls for; none for sampling designs."""
    names = list(study.parameters)
    if study.method != "grid" or len(names) not in (1, 2):
        return []
    if len(names) == 1:
        return [_save(_curve(study, table, names[0]), out / "response.png")]
    return [
        _save(_heat(study, table, outcome, *names), out / f"heatmap_{outcome}.png")
        for outcome in study.outcomes
    ]


def _curve(study, table, name: str) -> Figure:
    fig = Figure(figsize=(8, 4.8), layout="constrained")
    ax = fig.add_subplot()
    for outcome in study.outcomes:
        rows = table[table.outcome == outcome].sort_values(name)
        ax.plot(rows[name], rows["p"], marker="o", label=outcome.replace("_", " "))
        ax.fill_between(rows[name], rows["ci_low"], rows["ci_high"], alpha=0.2)
    ax.set_xlabel(name)
    ax.set_ylabel("probability within the horizon")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False)
    ax.set_title(
        f"{study.name}: response to {name}\n{study.worlds:,} worlds per point, "
        f"seed {study.seed}, band: 95% Wilson interval",
        loc="left",
        fontsize=11,
    )
    return fig


def _heat(study, table, outcome: str, x: str, y: str) -> Figure:
    rows = table[table.outcome == outcome]
    grid = rows.pivot_table(index=y, columns=x, values="p")
    fig = Figure(figsize=(7.5, 5.5), layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="YlOrRd", vmin=0)
    ax.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
    for (i, j), v in np.ndenumerate(grid.to_numpy()):
        ax.text(
            j,
            i,
            pct(v),  # the rule used everywhere: 0.050%, never 0.0% for a rare chance
            ha="center",
            va="center",
            fontsize=8,
            color="white" if v > 0.6 * np.nanmax(grid.to_numpy()) else "black",
        )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    bar = fig.colorbar(im, ax=ax, label=f"P({outcome})")
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: pct(y)))
    ax.set_title(
        f"{study.name}: P({outcome})\n{study.worlds:,} worlds per cell, seed {study.seed}",
        loc="left",
        fontsize=11,
    )
    return fig


def sensitivity_figure(study, sens, path: Path) -> Path:
    """Bars of the total index (Sobol, with confidence) or mu* (Morris), per outcome."""
    outcomes = list(dict.fromkeys(sens.outcome))
    key, conf = ("ST", "ST_conf") if study.method == "sobol" else ("mu_star", "mu_star_conf")
    top = 15
    fig = Figure(figsize=(8, 0.35 * top * len(outcomes) + 1.5), layout="constrained")
    axes = fig.subplots(len(outcomes), 1, squeeze=False)[:, 0]
    for ax, outcome in zip(axes, outcomes, strict=True):
        rows = sens[sens.outcome == outcome].head(top)[::-1]
        swamped = swamped_by(rows[key], rows[conf])
        labels = [
            f"{name} [swamped]" if flag else name
            for name, flag in zip(rows.parameter, swamped, strict=True)
        ]
        bars = ax.barh(labels, rows[key], xerr=rows[conf], color="#c2410c", alpha=0.8)
        for bar, flag in zip(bars, swamped, strict=True):
            if flag:  # the interval swamps the index: greyed and hatched, not to be read
                bar.set_facecolor("#d4d4d4")
                bar.set_hatch("///")
                bar.set_edgecolor("#737373")
        note = (
            f"; grey hatched: interval swamps the index ({int(swamped.sum())})"
            if swamped.any()
            else ""
        )
        ax.set_title(
            f"{outcome}: {key}" + (" (total Sobol index)" if key == "ST" else " (Morris)") + note,
            loc="left",
            fontsize=10,
        )
        ax.tick_params(axis="y", labelsize=8)
    return _save(fig, path)
