"""The CSTO: none / statement / monitoring mission / military response.

Armenia is a member and the treaty obliges help for a member under attack; whether it is
honoured depends on Moscow (DOMAIN.md). Seed 000 (Tasits) expects a reaction to an open
invasion; seed 001 (Kopalyan, Mikaelian) describes the obligation as hollow. Prior:
alliance commitments were honoured in about 74.5% of cases (Leeds, Long & Mitchell
2000), but the CSTO honoured none toward Armenia in 2021 and 2022.
:func:`military_probability` is used both for what the CSTO does and for what Baku
expects it to do.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

import sim.actors.armenia as armenia
import sim.actors.russia as russia
from sim.actors.base import Actor, keep
from sim.ladder import CstoResponse
from sim.params import ActorParams, param

S000 = "000_b6c8157d2dc91f0e.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """The CSTO's parameters: arrays over worlds, named as in scenario files (csto.NAME)."""

    actor: ClassVar[str] = "csto"

    obligation_strength: np.ndarray = param(
        "how binding the CSTO's duty to help an attacked member is in practice",
        "probability weight", 0.0, 1.0, 0.2,
        "assumption: between the 74.5% honour rate of alliances (Leeds, Long & Mitchell 2000) "
        "and the CSTO's record toward Armenia in 2021-2022 (none honoured), DOMAIN.md",
    )
    statement_propensity: np.ndarray = param(
        "weekly chance of at least a statement while a member's territory is under attack",
        "probability per week", 0.0, 1.0, 0.3,
        f"{S000}: \"Russia and the CSTO would not be able to ignore this\"",
    )


PARAMS = Params.specs()

# Relative weight of a military response by rung (assumption): nothing for rhetoric or a
# clash, a little for an incursion, more for the corridor, most for an open invasion.
MILITARY_PROFILE = np.array([0.0, 0.0, 0.0, 0.1, 0.3, 0.6])
# Relative weight of a monitoring mission by rung (assumption: a cheap, visible gesture).
MONITORING_PROFILE = np.array([0.0, 0.0, 0.1, 0.3, 0.4, 0.4])
# Relative weight of a statement (assumption: any attack on the territory invites one).
STATEMENT_PROFILE = np.array([0.0, 0.0, 0.5, 1.0, 1.0, 1.0])


def appeal_weight(rung: np.ndarray | int, csto_appeal: np.ndarray) -> np.ndarray:
    """Armenia must invoke the treaty below an open invasion; an invasion of the whole
    country triggers it regardless (assumption: no government would forgo the appeal)."""
    return np.where(np.asarray(rung) >= 5, 1.0, csto_appeal)


def military_probability(
    rung: np.ndarray | int, co: Params, ru: russia.Params, arm: armenia.Params
) -> np.ndarray:
    """Weekly probability of a CSTO/Russian military response on ``rung``.

    Seed 000 (Tasits): "They would have to react if this happens"; seed 001 (Kopalyan):
    Armenia "no longer live under this false sense of security". The response needs the
    obligation, Russia's willingness and Armenia's appeal together.
    """
    return (
        co.obligation_strength * russia.russian_willingness(ru)
        * appeal_weight(rung, arm.csto_appeal) * MILITARY_PROFILE[rung]
    )


def respond(
    level: np.ndarray, rung: np.ndarray, co: Params, ru: russia.Params, arm: armenia.Params,
    u: np.ndarray,
) -> np.ndarray:
    """The CSTO's strongest response so far (ordered :class:`CstoResponse`): a
    statement, a monitoring mission or force, as Putin described in seed 001 (Yunusov:
    "If they attack [internationally recognized Armenian territory], then the CSTO will
    come to help").

    One uniform draw per world is compared with nested thresholds, so a stronger
    response is always drawn from inside the range of a weaker one.
    """
    p_mil = military_probability(rung, co, ru, arm)
    p_mon = np.maximum(p_mil, co.obligation_strength * MONITORING_PROFILE[rung])
    p_stm = np.maximum(p_mon, co.statement_propensity * STATEMENT_PROFILE[rung])
    this_week = np.select(
        [u < p_mil, u < p_mon, u < p_stm],
        [CstoResponse.MILITARY, CstoResponse.MONITORING_MISSION, CstoResponse.STATEMENT],
        default=CstoResponse.NONE,
    ).astype(level.dtype)
    return np.maximum(level, this_week)


class Csto(Actor):
    """Reacts to the week's fighting; a military response is a regional war."""

    actor, label, decides, draws_per_week = "csto", "the CSTO", ("csto_level",), 1

    def decide(self, w, v, u):
        """The CSTO's strongest response so far after this week (:func:`respond`)."""
        return (respond(w.csto_level, w.rung, v.csto, v.russia, v.armenia, u[0]),)

    def act(self, w, v, u):
        (level,) = self.decide(w, v, u)
        level = keep(w.active, level, w.csto_level)
        self.last = {"raised_to": np.where(level > w.csto_level, level, 0)}
        w.csto_level = level.astype(w.csto_level.dtype)
        w.war = w.war | (w.active & (w.csto_level >= CstoResponse.MILITARY))

    def events(self, i):
        raised = int(self.last["raised_to"][i])
        if raised == CstoResponse.STATEMENT:
            return [f"{self.label} issues a statement"]
        if raised == CstoResponse.MONITORING_MISSION:
            return [f"{self.label} sends a monitoring mission"]
        if raised == CstoResponse.MILITARY:
            return [f"{self.label} and {russia.Russia.label} respond militarily: a regional war"]
        return []
