"""Played histories over the model's distribution, as an inline SVG (no script, no
remote asset: the pages work offline and print).

Each column is a week, each row a state (the rungs, the peace treaty below them,
regional war above); a cell's shade is the share of the run's worlds in that state
that week (:meth:`.distribution.Distribution.state_shares`). Each history is a line
through the states its world was in.
"""

import html

import numpy as np

from sim.ladder import N_RUNGS, STATE_LABELS, TREATY_STATE, WAR_STATE

# Where each state sits, from the bottom: the treaty under negotiation, war over invasion.
ROW_OF = {**{r: r + 1 for r in range(N_RUNGS)}, TREATY_STATE: 0, WAR_STATE: N_RUNGS + 1}
N_ROWS = N_RUNGS + 2
LINE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
CELL_H, LEFT, TOP = 22, 150, 10


def colour(k: int) -> str:
    return LINE_COLOURS[k % len(LINE_COLOURS)]


def history_svg(shares: np.ndarray, histories: list[tuple[str, list[int]]], width=760) -> str:
    """``shares`` (weeks + 1, states); ``histories``: (label, state at weeks 0, 1, ...)."""
    weeks = shares.shape[0] - 1
    cell_w = (width - LEFT - 10) / (weeks + 1)
    height = TOP + N_ROWS * CELL_H + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="histories over the model\'s distribution">'
    ]
    for state, row in ROW_OF.items():
        y = TOP + (N_ROWS - 1 - row) * CELL_H
        out.append(
            f'<text x="{LEFT - 6}" y="{y + CELL_H * 0.7:.1f}" font-size="11" '
            f'text-anchor="end">{html.escape(STATE_LABELS[state])}</text>'
        )
        for week in range(weeks + 1):
            share = float(shares[week, state])
            if share > 0:
                out.append(
                    f'<rect x="{LEFT + week * cell_w:.1f}" y="{y}" width="{cell_w + 0.3:.1f}" '
                    f'height="{CELL_H}" fill="#555" fill-opacity="{min(1.0, share):.3f}"/>'
                )
    base = TOP + N_ROWS * CELL_H
    for week in range(0, weeks + 1, max(1, weeks // 13)):
        out.append(
            f'<text x="{LEFT + (week + 0.5) * cell_w:.1f}" y="{base + 14}" font-size="10" '
            f'text-anchor="middle">{week}</text>'
        )
    out.append(
        f'<text x="{LEFT}" y="{base + 27}" font-size="10">week (shade: share of the '
        "model's worlds in each state)</text>"
    )
    for k, (label, states) in enumerate(histories):
        points = " ".join(
            f"{LEFT + (week + 0.5) * cell_w:.1f},"
            f"{TOP + (N_ROWS - 1 - ROW_OF[s]) * CELL_H + CELL_H / 2 + (k % 5 - 2) * 2:.1f}"
            for week, s in enumerate(states)
        )
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{colour(k)}" stroke-width="2.5">'
            f"<title>{html.escape(label)}</title></polyline>"
        )
    out.append("</svg>")
    legend = " ".join(
        f'<span style="color:{colour(k)}">&#9644; {html.escape(label)}</span>'
        for k, (label, _s) in enumerate(histories)
    )
    return "".join(out) + (f"<p>{legend}</p>" if legend else "")
