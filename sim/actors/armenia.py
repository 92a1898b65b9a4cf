"""Armenia: defends (readiness at the border, porcupine denial in depth) and negotiates
(the two treaty conditions Baku still demands).

Seed 001, Kopalyan: at the border Armenia "remains at a severe disadvantage", but its
"porcupine strategy" of deterrence-by-denial aims "to make an attack so costly that
Azerbaijan will refrain from attacking". Seed 000, Tasits: the remaining conditions are
"the dissolution of the OSCE Minsk Group and the implementation of constitutional reform".
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.actors.base import Actor, keep
from sim.params import ActorParams, param

S000 = "000_b6c8157d2dc91f0e.txt"
S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """Armenia's parameters: arrays over worlds, named as in scenario files (armenia.NAME)."""

    actor: ClassVar[str] = "armenia"

    border_readiness: np.ndarray = param(
        "readiness against localized 'hybrid' incursions at the border",
        "share", 0.0, 1.0, 0.2,
        f"{S001}: Mikaelian \"the border military infrastructure is ill-prepared, with feeble "
        "fortifications\"; Kopalyan \"border areas are generally manned by conscripts\"",
    )
    denial_capacity: np.ndarray = param(
        "porcupine deterrence-by-denial against a corridor offensive or invasion, at the start",
        "share", 0.0, 1.0, 0.45,
        f"{S001}: Kopalyan \"Armenia is not trying to win a war, but rather to make an attack "
        "so costly that Azerbaijan will refrain from attacking\"",
    )
    reform_rate: np.ndarray = param(
        "weekly growth of denial capacity as the porcupine reforms proceed",
        "share per week", 0.0, 0.02, 0.002,
        f"{S001}: Kopalyan \"Armenia has been slowly adopting and developing a small-state "
        "resiliency model\"",
    )
    minsk_concession_rate: np.ndarray = param(
        "weekly chance of agreeing to dissolve the OSCE Minsk Group, with no pressure",
        "probability per week", 0.0, 0.5, 0.02,
        f"{S000}: remaining conditions \"the dissolution of the OSCE Minsk Group\"; assumption "
        "for the rate: Yerevan signalled readiness, so months rather than years",
    )
    constitution_reform_rate: np.ndarray = param(
        "weekly chance of a constitutional reform that removes the provisions Baku objects to",
        "probability per week", 0.0, 0.5, 0.004,
        f"{S000}: \"the implementation of constitutional reform in Armenia\"; assumption for "
        "the rate: a referendum takes years, about 20% within 12 months",
    )
    coercion_sensitivity: np.ndarray = param(
        "how much military pressure multiplies the concession rates",
        "multiplier", 0.0, 10.0, 1.0,
        f"{S000}: Tasits \"using this tactic as a means of pressure to expedite Armenia's "
        "agreement to remaining conditions\"",
    )
    csto_appeal: np.ndarray = param(
        "chance that Armenia formally invokes the CSTO when attacked short of an invasion",
        "probability", 0.0, 1.0, 0.3,
        f"{S001}: Pashinyan on the need to \"diversify security alliances\"; "
        "Kopalyan \"it no longer live under this false sense of security\"",
    )


PARAMS = Params.specs()

DEPTH_RUNG = 4  # the corridor offensive and the invasion meet denial in depth

# Pressure felt by Yerevan on each rung (assumption: rhetoric presses a little, fighting
# more; under a corridor offensive or invasion Armenia fights rather than concedes).
PRESSURE_PROFILE = np.array([0.0, 0.5, 1.0, 1.5, 0.0, 0.0])


def readiness_for(rung: np.ndarray | int, border: np.ndarray, denial: np.ndarray) -> np.ndarray:
    """Readiness that applies to an operation on ``rung``: border readiness for clashes
    and incursions (rungs 2-3), denial in depth for the corridor and invasion (4-5).
    Seed 001, Kopalyan: "if the question is scaled up to an all-out war, then the
    dynamics are different"."""
    return np.where(np.asarray(rung) >= DEPTH_RUNG, denial, border)


def operation_success(
    rung: np.ndarray | int, advantage: np.ndarray, border: np.ndarray, denial: np.ndarray
) -> np.ndarray:
    """Chance that an Azerbaijani operation on ``rung`` gets past Armenia's defences and
    takes its ground: Baku's ``advantage`` (``azerbaijan.military_advantage``) less
    Armenia's readiness for that kind of fight (seed 001, Kopalyan: Azerbaijan "still
    maintains an exponential advantage"; border vs all-out war, :func:`readiness_for`)."""
    return advantage * (1.0 - readiness_for(rung, border, denial))


def grow_denial(denial: np.ndarray, arm: Params) -> np.ndarray:
    """Porcupine reforms raise denial capacity each week, capped at 1 (seed 001,
    Kopalyan: "qualitative improvements in training, NCO modeling")."""
    return np.minimum(1.0, denial + arm.reform_rate)


def concede(
    minsk: np.ndarray, constitution: np.ndarray, rung: np.ndarray, arm: Params,
    u_minsk: np.ndarray, u_constitution: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Yerevan meets a remaining treaty condition with a weekly hazard raised by pressure.

    Seed 000, Tasits: the shooting allegations are "a means of pressure to expedite
    Armenia's agreement to remaining conditions". Conditions, once met, stay met.
    """
    boost = 1.0 + arm.coercion_sensitivity * PRESSURE_PROFILE[rung]
    minsk = minsk | (u_minsk < arm.minsk_concession_rate * boost)
    constitution = constitution | (u_constitution < arm.constitution_reform_rate * boost)
    return minsk, constitution


class Armenia(Actor):
    """Responds after Baku's move: may concede a condition; its reforms go on."""

    actor, label, draws_per_week = "armenia", "Armenia", 2
    decides = ("minsk_dissolved", "constitution_reformed")

    def decide(self, w, v, u):
        """Which treaty conditions are met after this week (:func:`concede`)."""
        return concede(w.minsk_dissolved, w.constitution_reformed, w.rung, v.armenia,
                       u[0], u[1])

    def act(self, w, v, u):
        minsk, constitution = self.decide(w, v, u)
        self.last = {
            "minsk": w.active & minsk & ~w.minsk_dissolved,
            "constitution": w.active & constitution & ~w.constitution_reformed,
        }
        w.minsk_dissolved = keep(w.active, minsk, w.minsk_dissolved)
        w.constitution_reformed = keep(w.active, constitution, w.constitution_reformed)
        w.denial = keep(w.active, grow_denial(w.denial, v.armenia), w.denial)

    def events(self, i):
        said = []
        if self.last["minsk"][i]:
            said.append(f"{self.label} agrees to dissolve the OSCE Minsk Group")
        if self.last["constitution"][i]:
            said.append(f"{self.label} reforms its constitution")
        return said
