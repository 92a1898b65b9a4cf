"""The CSTO: none / statement / monitoring mission / military response, chosen by Moscow.

Armenia is a member and the treaty obliges help for a member under attack; whether it is
honoured depends on Moscow (DOMAIN.md), so the CSTO's answer is Russia's choice, by the
same logit machinery as Baku's, over the four ordered answers. A statement or a
monitoring mission answers Armenia's appeal, not the fighting itself: with no appeal
(and a member that froze its participation does not appeal short of an invasion) the
organisation stays silent, and only Moscow's own will can bring force. Its gains are the duty
(how binding the obligation is, engaged when Armenia invokes it) and Moscow's own wish to
defend Armenia; its costs are what each answer takes, a war most, the more so while the
war in Ukraine ties Russia down. Seed 000 (Tasits) expects a reaction to an open
invasion; seed 001 (Kopalyan, Mikaelian) describes the obligation as hollow.
:func:`response_probabilities` is used both for what the CSTO does and for what Baku
expects it to do.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

import sim.actors.armenia as armenia
import sim.actors.russia as russia
from sim.actors.base import Actor
from sim.actors.choice import logit_choice, logit_probabilities, reference_utility
from sim.ladder import ATTACK_RUNG, OPERATION_RUNG, CstoResponse
from sim.params import ActorParams, param

S000 = "000_b6c8157d2dc91f0e.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """The CSTO's parameters: arrays over worlds, named as in scenario files (csto.NAME)."""

    actor: ClassVar[str] = "csto"

    obligation_strength: np.ndarray = param(
        "how binding the CSTO's duty to help an attacked member is in practice: the weight "
        "of the duty in Moscow's choice of answer",
        "share",
        0.0,
        1.0,
        0.2,
        "assumption: between the 74.5% honour rate of alliances (Leeds, Long & Mitchell 2000) "
        "and the CSTO's record toward Armenia in 2021-2022 (none honoured), DOMAIN.md",
    )
    statement_propensity: np.ndarray = param(
        "weekly chance of at least a statement in a week Armenia invokes the treaty while "
        "attacked, before the duty's weight (with no appeal the CSTO says nothing)",
        "probability per week",
        0.0,
        1.0,
        0.3,
        f'{S000}: "Russia and the CSTO would not be able to ignore this"; '
        "data/record/armenia_azerbaijan_monthly.csv: the CSTO's statements (2021-05, "
        "2022-09) answered Armenia's appeals, and none came in the other 11 clash months; "
        "assumption for the rate: an appeal is answered within weeks (0.3 a week, about "
        "3 in 4 within a month of appeals)",
    )


PARAMS = Params.specs()

# How far an attack on each rung engages the alliance (assumption): not rhetoric; a
# clash a little, an incursion and a corridor offensive more, an open invasion fully. It
# weighs both the treaty duty (when Armenia invokes it) and Moscow's own will to defend.
DUTY_PROFILE = np.array([0.0, 0.0, 0.3, 0.6, 0.8, 1.0])
# Utility weights of the answers (assumption, in units of Moscow's decision noise): a
# statement is cheap and answers the duty a little; a monitoring mission answers it
# more at some cost; force answers it fully, with Moscow's own will to defend Armenia,
# at the cost of a war, the larger the more Ukraine ties Russia down. Sized so that a
# fully binding, invoked duty makes force the likeliest answer to an open invasion and
# an unlikely one to an incursion, and an empty duty makes force rare.
STATEMENT_DUTY = 2.0
MISSION_DUTY, MISSION_COST = 4.0, 3.0
MILITARY_DUTY, WAR_COST = 6.0, 4.0


def answer_utilities(
    rung: np.ndarray | int, invoked: np.ndarray | float, co: Params, ru: russia.Params
) -> np.ndarray:
    """Moscow's utility of each answer (none, statement, mission, force): shape (4, n),
    or (4, 6, n) for a column of rungs.

    Seed 000 (Tasits): "They would have to react if this happens"; seed 001 (Kopalyan):
    Armenia "no longer live under this false sense of security"; seed 001 (Yunusov):
    "that equipment was all transferred to Ukraine". ``invoked`` is whether Armenia
    invoked the treaty (1 or 0): a statement or a mission answers an appeal only, so a
    member that does not invoke the treaty (its participation frozen,
    :func:`armenia.appeal_probability`) hears no statement.
    """
    rung = np.asarray(rung)
    duty = co.obligation_strength * invoked * DUTY_PROFILE[rung]
    will = russia.russian_willingness(ru) * DUTY_PROFILE[rung]
    none = np.zeros(np.broadcast(duty, will).shape)
    utilities = np.stack(
        [
            none,
            reference_utility(co.statement_propensity, ru.decision_noise) + STATEMENT_DUTY * duty,
            MISSION_DUTY * duty - MISSION_COST,
            MILITARY_DUTY * (duty + will) - WAR_COST * (1.0 + ru.ukraine_constraint),
        ]
    )
    # Below a clash only silence is on offer, and force only answers an operation.
    utilities[1:] = np.where(rung >= ATTACK_RUNG, utilities[1:], -np.inf)
    utilities[3] = np.where(rung >= OPERATION_RUNG, utilities[3], -np.inf)
    # A statement or a mission is the organisation's answer to a member's request: with
    # no appeal it stays silent (the record: its statements in 2021-05 and 2022-09
    # answered Armenia's appeals; none came in the other 11 clash months). Force stays
    # open: Moscow's own will may act without being asked.
    utilities[1:3] = np.where(np.asarray(invoked) > 0, utilities[1:3], -np.inf)
    return utilities


def response_probabilities(
    rung: np.ndarray | int, appeal: np.ndarray, co: Params, ru: russia.Params
) -> np.ndarray:
    """Chance of each answer (4, ...) on ``rung``, given the chance ``appeal`` that
    Armenia invoked the treaty (1 or 0 for a known appeal, a probability for an
    expectation: the two cases are mixed). What Baku expects is read from here (seed
    000, Tasits: Russia and the CSTO "would have to react")."""
    with_appeal, without = answer_probabilities(rung, co, ru)
    return appeal * with_appeal + (1.0 - appeal) * without


def answer_probabilities(
    rung: np.ndarray | int, co: Params, ru: russia.Params
) -> tuple[np.ndarray, np.ndarray]:
    """Chance of each answer (4, ...) on ``rung`` when Armenia has invoked the treaty,
    and when it has not: the logit of :func:`answer_utilities` (seed 000, Tasits; seed
    001, Kopalyan). Parameters alone decide them, so Baku computes them once per run."""
    return (
        logit_probabilities(answer_utilities(rung, 1.0, co, ru), ru.decision_noise),
        logit_probabilities(answer_utilities(rung, 0.0, co, ru), ru.decision_noise),
    )


def military_probability(
    rung: np.ndarray | int,
    co: Params,
    ru: russia.Params,
    arm: armenia.Params,
    trust: np.ndarray,
    answers: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Weekly chance of a CSTO/Russian military response on ``rung``, as Baku expects
    it: Armenia's appeal from its own rule (:func:`armenia.appeal_probability`, on its
    current trust), Moscow's answer from :func:`response_probabilities` (seed 000,
    Tasits: "These are quite strong deterrents for Azerbaijan"). ``answers``
    may pass :func:`answer_probabilities` for the same rungs, computed once."""
    with_appeal, without = answers if answers is not None else answer_probabilities(rung, co, ru)
    appeal = armenia.appeal_probability(rung, trust, arm)
    force = CstoResponse.MILITARY
    return appeal * with_appeal[force] + (1.0 - appeal) * without[force]


def respond(
    level: np.ndarray,
    rung: np.ndarray,
    appealed: np.ndarray,
    co: Params,
    ru: russia.Params,
    u: np.ndarray,
) -> np.ndarray:
    """The CSTO's strongest answer so far (ordered :class:`CstoResponse`): Moscow picks
    this week's answer by logit choice over :func:`answer_utilities` (seed 001, Yunusov:
    Putin said "If they attack [internationally recognized Armenian territory], then the
    CSTO will come to help"). The answers are ordered, so with common random numbers a
    world where force looks better is never answered more weakly."""
    utilities = answer_utilities(rung, appealed.astype(np.float64), co, ru)
    this_week = logit_choice(utilities, ru.decision_noise, u).astype(level.dtype)
    return np.maximum(level, this_week)


class Csto(Actor):
    """Reacts to the week's fighting; a military response is a regional war."""

    actor, label, decides, draws_per_week = "csto", "the CSTO", ("csto_level",), 1
    writes = ("war",)

    def decide(self, w, v, u):
        """The CSTO's strongest response so far after this week (:func:`respond`)."""
        return (respond(w.csto_level, w.rung, w.appealed, v.csto, v.russia, u[0]),)

    def consequences(self, w, v, u, before):
        """A military answer is a regional war."""
        w.war = w.war | (w.active & (w.csto_level >= CstoResponse.MILITARY))

    def record(self, w, before):
        level = w.csto_level
        return {"raised_to": np.where(level > before["csto_level"], level, 0)}

    def events(self, i):
        raised = int(self.last["raised_to"][i])
        if raised == CstoResponse.STATEMENT:
            return [f"{self.label} issues a statement"]
        if raised == CstoResponse.MONITORING_MISSION:
            return [f"{self.label} sends a monitoring mission"]
        if raised == CstoResponse.MILITARY:
            return [f"{self.label} and {russia.Russia.label} respond militarily: a regional war"]
        return []
