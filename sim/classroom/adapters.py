"""For each actor but Baku (:mod:`.baku`): the turn its rule faces this week, read from
the actor's own pure functions, and how a student's answer becomes its decision.

An adapter never restates a rule: the utilities and chances come from the functions the
agent's ``decide`` calls (:mod:`sim.actors.armenia`, :mod:`~sim.actors.russia`, ...),
and a student's answer to a yes/no choice goes through the agent's own ``decide`` with
the week's draw replaced (:func:`.decisions.forced_draws`). Only a choice among more
options (Ankara's line, Moscow's answer for the CSTO) is written back directly, as the
value the rule would have returned for that option; the engine's test plays the rule's
own picks through every adapter and checks the model's world comes back unchanged.

What an actor is shown (``sees``) is the state it acts on and its own beliefs, never
another actor's true parameters: Yerevan sees its trust in the CSTO, not the CSTO's
obligation; Baku its estimate of Western resolve, not the West's resolve.
"""

import numpy as np

from sim.actors import armenia, csto, russia, turkey, usa_eu
from sim.actors.choice import logit_choice, logit_probabilities
from sim.classroom.decisions import Option, Question, Turn, forced_draws, percent, yes_no
from sim.ladder import ATTACK_RUNG, DEPTH_RUNG, OPERATION_RUNG, CstoResponse, Rung


def rung_text(rung) -> str:
    r = Rung(int(rung))
    return f"{int(r)}, {r.label}"


def conditions_text(w) -> str:
    met = [
        name
        for name, done in (
            ("the Minsk Group dissolved", w.minsk_dissolved[0]),
            ("the constitution reformed", w.constitution_reformed[0]),
        )
        if done
    ]
    return ", ".join(met) if met else "none yet"


def yes(flag) -> str:
    return "yes" if bool(np.asarray(flag).reshape(-1)[0]) else "no"


def common_sees(w, rung_label: str) -> list[tuple[str, str]]:
    """What every actor sees of the week: the rung, sanctions, Baku's conditions met."""
    return [
        (rung_label, rung_text(w.rung[0])),
        ("US/EU sanctions in force", yes(w.sanctioned)),
        ("Baku's treaty conditions met", conditions_text(w)),
        ("Armenian territory occupied", f"{float(w.occupied_km2[0]):.0f} km²"),
    ]


class Adapter:
    """The turn of one agent (``actor`` as in :attr:`sim.actors.base.Actor.actor`)."""

    actor: str = ""
    title: str = ""

    def questions(self, agent, w, v, u) -> tuple[Question, ...]:
        raise NotImplementedError

    def sees(self, agent, w, v) -> list[tuple[str, str]]:
        raise NotImplementedError

    def notes(self, agent, w, v) -> tuple[str, ...]:
        return ()

    def turn(self, agent, w, v, u) -> Turn:
        """This week's turn (no questions once the world has ended)."""
        asked = self.questions(agent, w, v, u) if bool(w.active[0]) else ()
        return Turn(
            w.week,
            self.actor,
            self.title,
            asked,
            tuple(self.sees(agent, w, v)),
            self.notes(agent, w, v),
        )

    def apply(self, agent, w, v, u, turn: Turn, answer: dict[str, str], rule):
        """The decision (values of the agent's ``decides`` fields) for ``answer``: by
        default the agent's own rule with the yes/no draws forced."""
        return rule(w, v, forced_draws(u, turn.questions, answer))


class Yerevan(Adapter):
    """Armenia: concede a condition, sign an offered treaty, call on the CSTO or the West
    (:func:`armenia.concede`, :func:`armenia.accept_treaty`, :func:`armenia.call_for_help`;
    draws 0-3)."""

    actor, title = "armenia", "Yerevan"

    def questions(self, agent, w, v, u):
        arm = v.armenia
        noise = arm.decision_noise
        g_minsk, g_constitution = armenia.concession_gains(w.rung, w.spoiling, arm)
        asked = []
        if not w.minsk_dissolved[0]:
            asked.append(
                yes_no(
                    "minsk",
                    "Agree to dissolve the OSCE Minsk Group (one of Baku's two conditions)?",
                    ("dissolve it", "not now"),
                    g_minsk,
                    noise,
                    u[0],
                    0,
                )
            )
        if not w.constitution_reformed[0]:
            asked.append(
                yes_no(
                    "constitution",
                    "Reform the constitution as Baku demands (its other condition)?",
                    ("reform it", "not now"),
                    g_constitution,
                    noise,
                    u[1],
                    1,
                )
            )
        if w.sign_offer[0]:
            asked.append(
                yes_no(
                    "treaty",
                    "Baku offers to sign the peace treaty. Sign?",
                    ("sign", "refuse"),
                    armenia.sign_gain(w.spoiling, arm),
                    noise,
                    u[2],
                    2,
                )
            )
        # Yerevan chooses only against an operation that takes ground and stops short of
        # an invasion (armenia.appeal_probability): below it there is no appeal, under an
        # invasion both calls go out.
        if OPERATION_RUNG <= w.rung[0] < Rung.FULL_SCALE_INVASION:
            asked.append(
                yes_no(
                    "ally",
                    "Baku's forces take Armenian ground. Whom do you call on?",
                    ("invoke the CSTO", "call on the West"),
                    armenia.appeal_gain(w.trust_belief(), arm),
                    noise,
                    u[3],
                    3,
                    "the utility of invoking the CSTO: your trust in it and Armenia's "
                    "standing in the alliance",
                )
            )
        return tuple(asked)

    def sees(self, agent, w, v):
        return [
            *common_sees(w, "Baku's rung this week"),
            ("your trust in the CSTO (your belief)", percent(float(w.trust_belief()[0]))),
            ("Moscow works against the treaty", yes(w.spoiling)),
            ("the CSTO's strongest answer so far", CstoResponse(int(w.csto_level[0])).name.lower()),
            ("your denial capacity (porcupine)", percent(float(w.denial[0]))),
        ]

    def notes(self, agent, w, v):
        if bool(w.active[0]) and w.rung[0] >= Rung.FULL_SCALE_INVASION:
            return ("Under a full-scale invasion Armenia invokes the CSTO and calls on the West.",)
        return ()


class Ankara(Adapter):
    """Turkey: its line this week, restrain / neutral / back Baku
    (:func:`turkey.line_utilities`, :func:`turkey.choose_line`; draw 0)."""

    actor, title = "turkey", "Ankara"
    LABELS = {-1.0: "restrain Baku", 0.0: "stay neutral", 1.0: "back Baku"}

    def questions(self, agent, w, v, u):
        tk = v.turkey
        utilities = turkey.line_utilities(tk, w.sanctioned, w.conditions_unmet())
        chances = logit_probabilities(utilities, tk.decision_noise)
        picked = float(turkey.choose_line(tk, w.sanctioned, w.conditions_unmet(), u[0])[0])
        options = tuple(
            Option(f"{line:+.0f}", self.LABELS[float(line)], float(ut[0]), float(p[0]))
            for line, ut, p in zip(turkey.LINES, utilities, chances, strict=True)
        )
        return (Question("line", "Your line toward Baku this week?", options, f"{picked:+.0f}"),)

    def sees(self, agent, w, v):
        return common_sees(w, "Baku's rung last week")

    def apply(self, agent, w, v, u, turn, answer, rule):
        return (np.array([float(answer["line"])]),)


class Moscow(Adapter):
    """Russia's own moves: swoop on the corridor, stir unrest, work against the treaty
    (:func:`russia.swoop_gain`, :func:`russia.unrest_gain`, :func:`russia.spoil_gain`;
    draws 0-2)."""

    actor, title = "russia", "Moscow"

    def questions(self, agent, w, v, u):
        ru = v.russia
        noise = ru.decision_noise
        asked = []
        if w.rung[0] >= DEPTH_RUNG and not w.russian_corridor[0]:
            success = armenia.operation_success(
                w.rung, v.azerbaijan.military_advantage, v.armenia.border_readiness, w.denial
            )
            asked.append(
                yes_no(
                    "swoop",
                    "Baku fights for the corridor. Send troops to take control of it?",
                    ("take the corridor", "stay out"),
                    russia.swoop_gain(success, ru),
                    noise,
                    u[0],
                    0,
                )
            )
        if w.rung[0] >= ATTACK_RUNG and not w.unrest[0]:
            asked.append(
                yes_no(
                    "unrest",
                    "There is fighting. Incite pro-Russian unrest in Armenia?",
                    ("incite unrest", "hold back"),
                    russia.unrest_gain(ru),
                    noise,
                    u[1],
                    1,
                )
            )
        if w.conditions_unmet()[0] < 1.0:
            asked.append(
                yes_no(
                    "spoil",
                    "A treaty is within reach. Work against it this week?",
                    ("work against it", "let it be"),
                    russia.spoil_gain(w.conditions_unmet(), ru),
                    noise,
                    u[2],
                    2,
                )
            )
        return tuple(asked)

    def sees(self, agent, w, v):
        return [
            *common_sees(w, "Baku's rung this week"),
            ("Armenia called on the West", yes(w.west_call)),
            ("your troops hold the corridor", yes(w.russian_corridor)),
            ("pro-Russian unrest under way", yes(w.unrest)),
        ]


class MoscowForCsto(Adapter):
    """Moscow's answer for the CSTO: none, statement, mission or force
    (:func:`csto.answer_utilities` by logit choice, as :func:`csto.respond`; draw 0).
    The CSTO's record is its strongest answer so far."""

    actor, title = "csto", "Moscow, for the CSTO"

    def questions(self, agent, w, v, u):
        ru = v.russia
        utilities = csto.answer_utilities(w.rung, w.appealed.astype(np.float64), v.csto, ru)
        offered = np.isfinite(utilities[:, 0])
        if offered.sum() < 2:  # below a clash only silence is on offer
            return ()
        chances = logit_probabilities(utilities, ru.decision_noise)
        picked = int(logit_choice(utilities, ru.decision_noise, u[0])[0])
        options = tuple(
            Option(str(int(a)), a.name.lower().replace("_", " "), float(ut[0]), float(p[0]))
            for a, ut, p, ok in zip(CstoResponse, utilities, chances, offered, strict=True)
            if ok
        )
        return (
            Question(
                "answer",
                "Armenia is attacked. The CSTO's answer this week?",
                options,
                str(picked),
                note="the CSTO's record keeps its strongest answer so far",
            ),
        )

    def sees(self, agent, w, v):
        return [
            *common_sees(w, "Baku's rung this week"),
            ("Armenia invoked the CSTO", yes(w.appealed)),
            ("the CSTO's strongest answer so far", CstoResponse(int(w.csto_level[0])).name.lower()),
        ]

    def apply(self, agent, w, v, u, turn, answer, rule):
        return (np.maximum(w.csto_level, np.int8(int(answer["answer"]))),)


class West(Adapter):
    """The US/EU: impose sanctions where the rule weighs them
    (:func:`usa_eu.sanctions_on_table`: an incursion it warned against, an operation in
    depth), by :func:`usa_eu.sanction_gain` with the West's own resolve; draw 0.
    Lifting follows the lifting condition."""

    actor, title = "usa_eu", "The West"

    def questions(self, agent, w, v, u):
        us = v.usa_eu
        if w.sanctioned[0] or not usa_eu.sanctions_on_table(w.rung, us, w.west_call)[0]:
            return ()
        gain = usa_eu.sanction_gain(w.rung, us, us.sanctions_credibility, w.west_call)
        return (
            yes_no(
                "sanctions",
                "Baku is fighting on Armenian soil. Impose sanctions?",
                ("impose sanctions", "hold off"),
                gain,
                us.decision_noise,
                u[0],
                0,
            ),
        )

    def sees(self, agent, w, v):
        return [
            *common_sees(w, "Baku's rung this week"),
            ("Armenia called on the West", yes(w.west_call)),
            ("calm weeks counted toward lifting", f"{int(w.quiet_weeks[0])}"),
        ]

    def notes(self, agent, w, v):
        if bool(w.active[0]) and w.sanctioned[0]:
            weeks = float(v.usa_eu.lift_after_weeks[0])
            return (f"Sanctions stand until {weeks:.0f} calm weeks in a row (rung 0-1).",)
        return ()
