"""What the teacher takes away: the class's outcomes and weeks as CSV, and the session
as the project's self-contained HTML report (:mod:`sim.report`'s page and tables).

Built in memory and sent as a download: the server writes no file.
"""

import csv
import io

from sim.classroom import pages
from sim.formatting import csv_text_cell
from sim.report import _page, _table  # the project's report page, shared on purpose

OUTCOME_COLUMNS = (
    "player",
    "name",
    "role",
    "world",
    "kind",
    "item",
    "value",
    "model_same_world",
    "model_p",
    "ci_low",
    "ci_high",
    "n",
    "percentile",
)
WEEK_COLUMNS = (
    "player",
    "name",
    "role",
    "world",
    "week",
    "state",
    "rung",
    "choices",
    "rule",
    "events",
)


def _who(p) -> list:
    return [p.number, csv_text_cell(p.name), p.role.key, p.game.ref.index + 1]


def outcomes_csv(session) -> str:
    """One row per finished player and outcome (value 1/0) or quantity (its value and
    percentile), with the model's probability, interval and number of worlds."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(OUTCOME_COLUMNS)
    for p in session.players.values():
        placed = pages.placement(session, p)
        if placed is None:
            continue
        rows, qrows = placed
        for r in rows:
            est = r.estimate
            out.writerow(
                [*_who(p), "outcome", r.name, int(r.happened), int(r.model_world)]
                + [f"{est.p:.6g}", f"{est.ci[0]:.6g}", f"{est.ci[1]:.6g}", est.n, ""]
            )
        for q in qrows:
            out.writerow(
                [*_who(p), "quantity", q.name, f"{q.value:g}", f"{q.model_world:g}"]
                + ["", "", "", q.n, f"{q.percentile:.4f}"]
            )
    return buf.getvalue()


def _answers_text(decisions, rule: bool) -> str:
    parts = []
    for d in decisions:
        if d.answer is None:
            continue
        chosen = d.turn.rule_answer() if rule else d.answer
        parts += [f"{q.key}={q.option(chosen[q.key]).label}" for q in d.turn.questions]
    return "; ".join(parts)


def weeks_csv(session) -> str:
    """One row per player and week played: the state, the student's answers, the rule's
    picks and what happened, in words."""
    from sim.ladder import STATE_LABELS

    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(WEEK_COLUMNS)
    for p in session.players.values():
        for w in p.game.position().weeks:
            out.writerow(
                [*_who(p), w.week, STATE_LABELS[w.state], w.rung]
                + [
                    csv_text_cell(_answers_text(w.decisions, rule=False)),
                    csv_text_cell(_answers_text(w.decisions, rule=True)),
                    csv_text_cell(w.line),
                ]
            )
    return buf.getvalue()


def report_html(session) -> str:
    """The session as one self-contained HTML file: the players, the class's worlds
    against the model's distribution, and each student's history."""
    players = list(session.players.values())
    finished = [(p, placed) for p in players if (placed := pages.placement(session, p))]
    body = [
        f"<style>{pages.EXTRA_CSS}</style>",
        f"<h1>Class session {pages.e(session.code)}: the class against the model</h1>",
        f"<p class=meta>{pages.run_line(session)}</p>",
        "<h2>Players</h2>",
        pages.players_table(players),
        "<h2>The class's worlds against the model's distribution</h2>",
        pages.history_svg(
            session.distribution.state_shares(),
            [
                (f"{p.number}. {p.name} ({p.role.key})", pages.states_of(session, p))
                for p in players
            ],
        ),
        pages.class_tables(session, finished),
    ]
    for p in players:
        body += [
            f"<h2>{p.number}. {pages.e(p.name)}, {pages.e(p.role.name)}</h2>",
            _table(
                ["week", "what happened"],
                [[str(w.week), pages.e(w.line)] for w in p.game.position().weeks],
            ),
        ]
    return _page(f"escsim class session {session.code}", body)
