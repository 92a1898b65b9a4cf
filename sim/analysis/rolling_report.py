"""How a rolling-origin backtest is shown: the printed table and the reliability diagram."""

import io
import math
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.analysis.rolling import REFERENCES, Forecast, reliability, scores, scores_by_outcome
from sim.files import atomic_write
from sim.formatting import pct

RELIABILITY_PNG = "reliability.png"
BACKTEST_JSON = "backtest.json"


def _num(x: float) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.4f}"


def _skill(x: float) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:+.3f}"


def format_rolling(forecasts: list[Forecast], origins, horizon_months: int, header: str) -> str:
    """Forecasts per origin, the scores (overall and by outcome) and the reliability table."""
    outcomes = list(dict.fromkeys(f.outcome for f in forecasts))
    by = {(f.origin, f.outcome): f for f in forecasts}
    width = max(16, *(len(o) + 2 for o in outcomes))
    lines = [
        header,
        "",
        "Forecasts: P(event within the window) [95% Wilson interval], "
        "* = it happened, - = window past the record (not scored)",
        "",
        f"{'origin':<8}" + "".join(f"{o:>{width + 16}}" for o in outcomes),
    ]
    for origin in origins:
        cells = []
        for o in outcomes:
            f = by[(origin, o)]
            mark = "-" if f.observed is None else ("*" if f.observed else " ")
            cells.append(f"{pct(f.p)} [{pct(f.ci[0])}, {pct(f.ci[1])}] {mark}")
        lines.append(f"{str(origin):<8}" + "".join(f"{c:>{width + 16}}" for c in cells))
    lines += [
        "",
        "Scores (lower Brier and log loss are better; skill = 1 - Brier(model) / "
        "Brier(reference), > 0 beats it):",
        "",
        f"{'':<20}{'n':>4}  {'Brier':>8} {'clim.':>8} {'pers.':>8}   "
        f"{'log loss':>8} {'clim.':>8} {'pers.':>8}   {'skill/clim':>10} {'skill/pers':>10}",
    ]
    for name, s in [("all outcomes", scores(forecasts)), *scores_by_outcome(forecasts).items()]:
        lines.append(
            f"{name:<20}{s['forecasts']:>4}  {_num(s['model']['brier']):>8} "
            + " ".join(f"{_num(s[r]['brier']):>8}" for r in REFERENCES)
            + f"   {_num(s['model']['log_loss']):>8} "
            + " ".join(f"{_num(s[r]['log_loss']):>8}" for r in REFERENCES)
            + f"   {_skill(s['skill_vs_climatology']):>10} {_skill(s['skill_vs_persistence']):>10}"
        )
    lines += [
        "",
        "Reliability (scored forecasts binned by forecast probability):",
        "",
        f"{'forecast bin':<14}{'n':>5}  {'mean forecast':>13}  {'observed':>9}  95% CI",
    ]
    for b in reliability(forecasts):
        if b.count:
            lines.append(
                f"{pct(b.low) + '-' + pct(b.high):<14}{b.count:>5}  "
                f"{pct(b.mean_forecast):>13}  {pct(b.frequency):>9}  "
                f"[{pct(b.ci[0])}, {pct(b.ci[1])}]"
            )
    return "\n".join(lines) + "\n"


def reliability_figure(forecasts: list[Forecast], title: str) -> Figure:
    """Observed frequency against mean forecast per bin, with Wilson intervals and the
    number of forecasts in each bin; the diagonal is perfect reliability."""
    fig = Figure(figsize=(6.4, 6.0), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label="perfectly reliable")
    bins = [b for b in reliability(forecasts) if b.count]
    for b in bins:
        lo, hi = b.ci
        ax.errorbar(
            b.mean_forecast,
            b.frequency,
            yerr=[[b.frequency - lo], [hi - b.frequency]],
            fmt="o",
            color="#c2402a",
            ecolor="#c2402a",
            capsize=3,
            markersize=6,
        )
        ax.annotate(
            f"n={b.count}",
            (b.mean_forecast, b.frequency),
            textcoords="offset points",
            xytext=(6, -12),
            fontsize=8,
            color="#444444",
        )
    ax.set_xlim(-0.02, 1.02)  # room for the dots at 0 and 1
    ax.set_ylim(-0.02, 1.02)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xlabel("forecast probability (mean in each 10-point bin)")
    ax.set_ylabel("observed frequency (whisker: 95% Wilson interval)")
    ax.grid(color="#e5e5e5", lw=0.6)
    ax.legend(loc="upper left", fontsize=9, frameon=False)
    ax.set_title(title, fontsize=10, loc="left")
    return fig


def plot_reliability(forecasts: list[Forecast], path, title: str) -> Path:
    fig = reliability_figure(forecasts, title)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight", facecolor="white")
    return atomic_write(path, buf.getvalue())
