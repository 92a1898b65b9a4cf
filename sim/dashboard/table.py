"""The dashboard's outcome table, as plain data and as HTML: each shown outcome's
probability (``before -> after`` once a lever moved), its 95% interval and the 10th-90th
percentile band (median) of its probability over the parameter draws, and the note under
it that explains exactly those columns.

HTML rather than Markdown: Solara's Markdown widget fetches mermaid and KaTeX from a CDN
on every mount, which an offline classroom's server log reports as failures.
"""

from dataclasses import dataclass
from html import escape

from sim.dashboard.logic import SHOWN_OUTCOMES
from sim.formatting import interval_text, pct, spread_note, spread_text
from sim.results import RunResult

COLUMNS = ("outcome", "p", "95% CI", "over parameter draws: 10th-90th pct (median)")


@dataclass(frozen=True)
class Row:
    """One outcome's cells; ``before`` is the scenario's own p when a lever moved, else
    empty."""

    outcome: str
    p: str
    before: str
    ci: str
    spread: str

    @property
    def p_cell(self) -> str:
        return f"{self.before} \u2192 {self.p}" if self.before else self.p


def outcome_rows(result: RunResult, before: RunResult | None = None) -> list[Row]:
    """A row per shown outcome; the spread cell is empty when the result has none,
    ``before`` (the run with no lever moved) fills each row's "before"."""
    rows = []
    for name in SHOWN_OUTCOMES:
        est = result.estimate(name)
        spread = spread_text(*result.spread.percentiles(name)) if result.spread.computed else ""
        rows.append(
            Row(
                outcome=name.replace("_", " "),
                p=pct(est.p),
                before=pct(before.estimate(name).p) if before is not None else "",
                ci=interval_text(*est.ci),
                spread=spread,
            )
        )
    return rows


def columns(result: RunResult) -> tuple[str, ...]:
    """The table's column heads: the spread column only when the result has a spread."""
    return COLUMNS if result.spread.computed else COLUMNS[:3]


def table_note(result: RunResult, moved: bool) -> str:
    """What the columns are: the spread note of ``escsim run`` without its ``sd`` (the
    table has no such column), and what ``before -> after`` compares."""
    spread = result.spread
    note = spread_note(spread.status, spread.draws, spread.worlds_per_draw, sd_column=False)
    note = note.strip("()").rstrip(".") + "."
    if moved:
        note += (
            " p: the scenario as it is \u2192 with the levers as set (same seed, same "
            "worlds); the interval and the spread are those of the levers as set."
        )
    return note


def heading(result: RunResult) -> str:
    return (
        f"Within {result.horizon_weeks} weeks ({result.worlds:,} worlds, seed "
        f"{result.seed}, 95% intervals)"
    )


def table_html(result: RunResult, before: RunResult | None = None) -> str:
    """The table as an HTML fragment (every text escaped)."""
    heads = columns(result)
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    body = []
    for row in outcome_rows(result, before):
        cells = [row.outcome, row.p_cell, row.ci, row.spread][: len(heads)]
        tds = "".join(
            f"<td><strong>{escape(c)}</strong></td>" if i == 1 else f"<td>{escape(c)}</td>"
            for i, c in enumerate(cells)
        )
        body.append(f"<tr>{tds}</tr>")
    note = table_note(result, before is not None)
    return (
        f"<h4>{escape(heading(result))}</h4>"
        f'<table class="outcomes"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="note"><em>{escape(note)}</em></p>'
    )
