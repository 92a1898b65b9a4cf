"""The fan chart: how likely each rung is, week by week, and how far that depends on
the parameters the scenario leaves uncertain.

One panel per rung, from tension up to full-scale invasion: the share of worlds that
week at that rung or above (regional war counts as above every rung, a peace treaty as
below). Across the parameter draws of the spread pass (G draws of m worlds each, see
``sim.results.Spread``) each week's share has a distribution: the panel shades its
middle 50% and 90% and draws its median; the dashed line is the main run, all worlds.
A draw's share also carries binomial noise of about sqrt(p(1-p)/m), which widens the
bands a little (the same caveat as the spread column of ``escsim run``). Without a
spread pass (``--spread 0``, or every parameter fixed) only the main run is drawn, and
the caption says why.
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.formatting import pct
from sim.ladder import N_RUNGS, STATE_LABELS, WAR_STATE, Rung
from sim.palette import STATE_COLOURS, run_subtitle
from sim.results import RunResult

# The rungs with a panel: "at or above negotiation" is every world not at peace.
FAN_RUNGS = tuple(range(int(Rung.TENSION), N_RUNGS))
BANDS = ((5, 95), (25, 75))  # percentiles of the draws: the 90% and the 50% band


def at_or_above(state_counts: np.ndarray, rung: int) -> np.ndarray:
    """Worlds at ``rung`` or above (regional war included), summed over the last axis
    of ``state_counts`` (worlds by state)."""
    return state_counts[..., rung:N_RUNGS].sum(axis=-1) + state_counts[..., WAR_STATE]


def draw_bands(result: RunResult, rung: int) -> dict[int, np.ndarray] | None:
    """``{percentile: (horizon + 1,) share}`` over the parameter draws for 5, 25, 50, 75
    and 95; None without a spread pass kept week by week."""
    spread = result.spread
    if not spread.computed or spread.weekly is None or spread.worlds_per_draw < 1:
        return None
    shares = at_or_above(spread.weekly, rung) / spread.worlds_per_draw  # (G, weeks)
    levels = (5, 25, 50, 75, 95)
    return dict(zip(levels, np.percentile(shares, levels, axis=0), strict=True))


def _caption(result: RunResult) -> str:
    spread = result.spread
    if spread.computed and spread.weekly is not None:
        return (
            f"Shaded: the middle 50% and 90% of {spread.draws:,} parameter draws "
            f"({spread.worlds_per_draw:,} worlds each), line: their median; dashed: the main "
            f"run ({result.worlds:,} worlds). A draw's share also carries binomial noise of "
            f"about \u221ap(1\u2212p)/{spread.worlds_per_draw}. Regional war counts as above "
            "every rung, a peace treaty as below."
        )
    why = {
        "parameters fixed": "the scenario fixes every parameter",
        "off": "no spread pass was run (--spread 0)",
    }.get(spread.status, "the spread pass kept no weekly shares")
    return (
        f"No bands: {why}. The line is the main run ({result.worlds:,} worlds). Regional "
        "war counts as above every rung, a peace treaty as below."
    )


def quantile_fan_figure(result: RunResult) -> Figure:
    """The fan chart of ``result`` (see the module docstring)."""
    main = result.state_shares()  # (horizon + 1, N_STATES)
    weeks = np.arange(main.shape[0])
    fig = Figure(figsize=(9.0, 2.0 * len(FAN_RUNGS) + 1.6), layout="constrained")
    axes = fig.subplots(len(FAN_RUNGS), 1, sharex=True)
    one_week = len(weeks) == 1
    for ax, rung in zip(axes, FAN_RUNGS, strict=True):
        colour = STATE_COLOURS[rung] if rung > int(Rung.TENSION) else "#d99a00"
        line = at_or_above(main, rung)
        bands = draw_bands(result, rung)
        top = float(line.max()) if result.worlds else 0.0
        if bands is not None:
            for (low, high), alpha in zip(BANDS, (0.22, 0.45), strict=True):
                ax.fill_between(weeks, bands[low], bands[high], color=colour, alpha=alpha, lw=0)
            ax.plot(weeks, bands[50], color=colour, lw=1.8, marker="o" if one_week else None)
            top = max(top, float(bands[95].max()))
        ax.plot(weeks, line, color="#222222", lw=1.0, ls="--", marker="o" if one_week else None)
        ax.set_ylim(0, max(top * 1.1, 0.005))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: pct(y)))
        ax.tick_params(labelsize=8)
        end = f"week {weeks[-1]}: {pct(line[-1]) if result.worlds else 'n/a'}"
        if bands is not None:
            end += f", draws' 90% {pct(bands[5][-1])} to {pct(bands[95][-1])}"
            m = result.spread.worlds_per_draw
            if result.worlds and float(line.max()) < 2 / m:  # fewer than 2 worlds a draw
                ax.text(
                    0.99,
                    0.95,
                    f"under 2 in {m} worlds a draw: the bands are mostly counting noise",
                    transform=ax.transAxes,
                    ha="right",
                    va="top",
                    fontsize=8,
                    color="#555555",
                )
        ax.set_title(f"at or above {STATE_LABELS[rung]}  ({end})", loc="left", fontsize=9.5)
        if not result.worlds:
            ax.text(0.5, 0.5, "no worlds", transform=ax.transAxes, ha="center", va="center")
    pad = 0.5 if one_week else 0.0
    axes[-1].set_xlim(weeks[0] - pad, weeks[-1] + pad)
    axes[-1].set_xlabel("week")
    fig.supylabel("share of worlds at this rung or above", fontsize=10)
    fig.suptitle(
        f"Scenario \u201c{result.scenario}\u201d: how likely each rung is, week by week\n"
        f"{run_subtitle(result)}",
        x=0.01,
        ha="left",
        fontsize=12,
    )
    fig.text(0.01, -0.01, _caption(result), ha="left", va="top", fontsize=8.5, wrap=True)
    return fig
