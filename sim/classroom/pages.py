"""The classroom's HTML pages: joining, a student's turn and end, the teacher's view.

Plain server-rendered HTML with forms: no script and nothing loaded from elsewhere (the
pages work offline, and the server's Content-Security-Policy forbids both). Every text
that came from a student (a name) or a file (a scenario's name) is escaped.
"""

import html

from sim.classroom.chart import colour, history_svg
from sim.classroom.decisions import Turn
from sim.classroom.distribution import OutcomeRow, QuantityRow, world_values
from sim.formatting import interval_text, pct
from sim.report import CSS

EXTRA_CSS = """
form.turn fieldset{border:1px solid #ddd;margin:.6em 0;padding:.4em .8em}
form.turn legend{font-weight:600}label.opt{display:block;margin:.15em 0}
.box{background:#f6f6f6;padding:.5em .9em;margin:.8em 0;border-radius:4px}
.rule{font-weight:600}.yes{color:#b91c1c;font-weight:600}.no{color:#555}
button{font-size:1em;padding:.3em .9em;margin:.3em .4em .3em 0}
.err{color:#b91c1c;font-weight:600}code.big{font-size:1.6em;letter-spacing:.15em}
"""


def e(text) -> str:
    return html.escape(str(text))


def num(x: float) -> str:
    """A quantity as read: whole numbers as such, others to one decimal."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def page(title: str, body: list[str], refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"{meta}<title>{e(title)}</title><style>{CSS}{EXTRA_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


def table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><tr>{th}</tr>{trs}</table>'


def run_line(session) -> str:
    d = session.distribution
    return (
        f"scenario <b>{e(d.scenario_name)}</b>, {d.n_worlds:,} worlds of the model, seed "
        f"{d.seed}, horizon {d.horizon_weeks} weeks"
    )


# --- joining --------------------------------------------------------------------------


def join_page(session, error: str = "") -> str:
    roles = ""
    if session.assign == "choose" and len(session.roles) > 1:
        from sim.classroom.roles import ROLES

        options = "".join(
            f'<label class=opt><input type=radio name=role value="{e(k)}" required> '
            f"{e(ROLES[k].name)}: {e(ROLES[k].brief)}</label>"
            for k in session.roles
        )
        roles = f"<fieldset><legend>Your role</legend>{options}</fieldset>"
    body = [
        "<h1>escsim classroom: play an actor</h1>",
        f"<p class=meta>{run_line(session)}</p>",
        f"<p class=err>{e(error)}</p>" if error else "",
        '<form class=turn method=post action="/join">',
        "<p><label>Session code <input name=code maxlength=16 autocomplete=off required "
        "autocapitalize=characters></label></p>",
        "<p><label>Your name <input name=name maxlength=40 required></label></p>",
        roles,
        "<button type=submit>Join</button></form>",
    ]
    return page("escsim classroom: join", body)


# --- a student's page -----------------------------------------------------------------


def option_rows(q, answer: str | None, show_rule: bool = True) -> list[list[str]]:
    rows = []
    for o in q.options:
        marks = []
        if show_rule and o.key == q.rule:
            marks.append("<span class=rule>the rule's pick</span>")
        if answer is not None and o.key == answer:
            marks.append("<b>your choice</b>")
        rows.append(
            [
                e(o.label),
                "" if o.utility is None else f"{o.utility:+.2f}",
                pct(o.probability),
                " · ".join(marks),
            ]
        )
    return rows


def explain(turn: Turn, answer: dict[str, str] | None) -> str:
    """The rule's utilities, chances and pick for each question of ``turn``."""
    parts = []
    for q in turn.questions:
        parts.append(f"<p><b>{e(q.prompt)}</b>" + (f" <i>({e(q.note)})</i>" if q.note else ""))
        parts.append(
            table(
                ["option", "the rule's utility", "the rule's chance", ""],
                option_rows(q, None if answer is None else answer.get(q.key)),
            )
        )
    return "".join(parts)


def turn_form(session, player, turn: Turn, error: str = "") -> str:
    show = session.reveal == "before"
    sets = []
    for q in turn.questions:
        opts = []
        for o in q.options:
            extra = f" (utility {o.utility:+.2f}, chance {pct(o.probability)})" if show else ""
            pick = " <span class=rule>the rule's pick</span>" if show and o.key == q.rule else ""
            opts.append(
                f'<label class=opt><input type=radio name="q_{e(q.key)}" value="{e(o.key)}" '
                f"required> {e(o.label)}{extra}{pick}</label>"
            )
        note = f"<br><i>{e(q.note)}</i>" if q.note and show else ""
        sets.append(f"<fieldset><legend>{e(q.prompt)}</legend>{''.join(opts)}{note}</fieldset>")
    sees = table(["what you see", ""], [[e(k), e(v)] for k, v in turn.sees])
    notes = "".join(f"<p><i>{e(n)}</i></p>" for n in turn.notes)
    action = f"/play/{e(session.code)}/{e(player.id)}"
    return (
        f"<h2>Week {turn.week} of {session.distribution.horizon_weeks}: "
        f"{e(turn.title)} decides</h2>"
        + (f"<p class=err>{e(error)}</p>" if error else "")
        + sees
        + notes
        + f'<form class=turn method=post action="{action}">'
        + "".join(sets)
        + "<button type=submit name=do value=decide>Decide</button>"
        + "</form>"
        + f'<form method=post action="{action}"><button type=submit name=do value=rule>'
        "Let the model's rule decide this week</button></form>"
    )


def placement_tables(rows: list[OutcomeRow], qrows: list[QuantityRow]) -> str:
    out = table(
        ["outcome", "in your world", "the model, same world", "the model's probability", "worlds"],
        [
            [
                e(r.name.replace("_", " ")),
                "<span class=yes>yes</span>" if r.happened else "<span class=no>no</span>",
                "yes" if r.model_world else "no",
                f"{pct(r.estimate.p)} {interval_text(*r.estimate.ci)}",
                f"{r.estimate.n:,}",
            ]
            for r in rows
        ],
    )
    out += table(
        ["quantity", "your world", "its percentile", "the model, same world", "model 10-50-90%"],
        [
            [
                e(q.meaning),
                num(q.value),
                f"{100 * q.percentile:.0f}th of {q.n:,}",
                num(q.model_world),
                f"{num(q.p10)} / {num(q.p50)} / {num(q.p90)}",
            ]
            for q in qrows
        ],
    )
    return out + (
        "<p class=meta>The model's probability is the share of its worlds in which the "
        "outcome happened, with a 95% Wilson interval. A percentile is the share of the "
        "model's worlds below your value, plus half of those equal. “The model, same "
        "world” is your world played by the model's rules for every actor: the same "
        "random numbers, so any difference comes from your choices.</p>"
    )


def placement(session, player):
    """(outcome rows, quantity rows) of a finished game, or None while it goes on."""
    pos = player.game.position()
    if not pos.finished:
        return None
    outcomes, quantities = world_values(pos.model, session.scenario)
    return session.distribution.place(outcomes[:, 0], quantities[:, 0], player.game.ref.index)


def states_of(session, player) -> list[int]:
    """The states a player's world went through, from week 0."""
    start = int(session.scenario.initial.rung)
    return [start] + [w.state for w in player.game.position().weeks]


def history_list(position, last: int | None = None) -> str:
    weeks = position.weeks if last is None else position.weeks[-last:]
    items = []
    for w in reversed(weeks):
        mine = [d for d in w.decisions if d.answer is not None]
        mark = ""
        if mine:
            mark = " ✓ as the rule" if all(d.followed for d in mine) else " ✗ not the rule's pick"
        items.append(f"<li>{e(w.line)}<span class=meta>{e(mark)}</span></li>")
    return "<ul>" + "".join(items) + "</ul>" if items else "<p><i>Nothing yet.</i></p>"


def play_page(session, player, error: str = "") -> str:
    pos = player.game.position()
    ref = player.game.ref
    body = [
        f"<h1>{e(player.name)}: you play {e(player.role.name)}</h1>",
        f"<p>{e(player.role.brief)} The other actors follow the model.</p>",
        f"<p class=meta>{run_line(session)}; you play world {ref.index + 1:,} of the "
        f"{ref.n_worlds:,} (the same random numbers as in the model's run)</p>",
    ]
    last = pos.last_answered
    if last is not None and session.reveal == "after":
        body.append(
            f"<div class=box><h3>Week {last.turn.week}: your choice and the model's rule"
            f"</h3>{explain(last.turn, last.answer)}</div>"
        )
    if pos.pending is not None:
        body.append(turn_form(session, player, pos.pending, error))
        body.append("<h2>So far</h2>" + history_list(pos, 12))
    else:
        rows, qrows = placement(session, player)
        body += [
            f"<h2>The end: week {len(pos.weeks)}</h2>",
            "<h3>Your world against the model's</h3>",
            placement_tables(rows, qrows),
            history_svg(session.distribution.state_shares(), [("you", states_of(session, player))]),
            "<h3>Your history</h3>",
            history_list(pos),
        ]
    return page(f"escsim classroom: {player.name}", body)


# --- the teacher's page ---------------------------------------------------------------


def teacher_page(session, base: str) -> str:
    players = list(session.players.values())
    d = session.distribution
    roles = ", ".join(e(r) for r in session.roles)
    body = [
        "<h1>escsim classroom: the teacher's page</h1>",
        f"<p>Session code <code class=big>{e(session.code)}</code>: students open "
        f"<code>{e(base)}</code> and type it with their name.</p>",
        f"<p class=meta>{run_line(session)}; roles: {roles} ({e(session.assign)}); "
        + (
            f"each student plays their own world from world {session.world + 1:,}"
            if session.spread_worlds
            else f"every student plays world {session.world + 1:,}"
        )
        + ". This page refreshes every 10 seconds.</p>",
        f'<p><a href="{e(base)}teacher/{e(session.teacher_key)}/outcomes.csv">outcomes.csv</a>'
        f' · <a href="{e(base)}teacher/{e(session.teacher_key)}/weeks.csv">weeks.csv</a>'
        f' · <a href="{e(base)}teacher/{e(session.teacher_key)}/report.html">report.html</a></p>',
    ]
    body.append(players_table(players))
    done = [(p, placement(session, p)) for p in players]
    finished = [(p, placed) for p, placed in done if placed is not None]
    body.append("<h2>The class's worlds against the model's distribution</h2>")
    body.append(
        history_svg(
            d.state_shares(),
            [(f"{p.number}. {p.name} ({p.role.key})", states_of(session, p)) for p in players],
        )
    )
    body.append(class_tables(session, finished))
    return page("escsim classroom: teacher", body, refresh=10)


def players_table(players) -> str:
    rows = []
    for k, p in enumerate(players):
        pos = p.game.position()
        answered = [dec for dec in pos.decisions if dec.answer is not None]
        followed = sum(dec.followed for dec in answered)
        rows.append(
            [
                f'<span style="color:{colour(k)}">&#9644;</span> {p.number}',
                e(p.name),
                e(p.role.name),
                f"{p.game.ref.index + 1:,}",
                f"{len(pos.weeks)}",
                "finished" if pos.finished else "playing",
                f"{followed} of {len(answered)}",
            ]
        )
    return table(["#", "name", "role", "world", "weeks played", "", "choices as the rule's"], rows)


def class_tables(session, finished) -> str:
    if not finished:
        return "<p><i>No student has finished yet.</i></p>"
    heads = [f"{p.number}. {p.name}" for p, _ in finished]
    first_rows = finished[0][1][0]
    rows = []
    for i, r in enumerate(first_rows):
        cells = [
            e(r.name.replace("_", " ")),
            f"{pct(r.estimate.p)} {interval_text(*r.estimate.ci)} (n={r.estimate.n:,})",
        ]
        for _p, (orows, _q) in finished:
            cells.append("<span class=yes>yes</span>" if orows[i].happened else "no")
        share = sum(orows[i].happened for _p, (orows, _q) in finished) / len(finished)
        cells.append(f"{pct(share)} of {len(finished)}")
        rows.append(cells)
    out = table(["outcome", "the model: p [95% CI]", *heads, "the class"], rows)
    qrows = []
    for j, q in enumerate(finished[0][1][1]):
        cells = [e(q.meaning), f"{num(q.p10)} / {num(q.p50)} / {num(q.p90)}"]
        for _p, (_o, qs) in finished:
            cells.append(f"{num(qs[j].value)} ({100 * qs[j].percentile:.0f}th pct)")
        qrows.append(cells)
    out += table(["quantity", "the model: 10th / 50th / 90th pct", *heads], qrows)
    return out


def message_page(title: str, text: str) -> str:
    return page(title, [f"<h1>{e(title)}</h1>", f"<p>{e(text)}</p>", '<p><a href="/">join</a></p>'])
