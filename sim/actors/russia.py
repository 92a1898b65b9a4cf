"""Russia: pressure on Baku, the lever on the CSTO, the corridor and unrest in Armenia.

Seed 001 experts (Mikaelian, Kopalyan, Yunusov) describe Moscow pushing Baku to attack
and planning to "swoop in" on the corridor; seed 000 (Tasits) holds that Russia "would
have to react" to an open invasion. Both views are parameter settings of these rules.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

import sim.actors.armenia as armenia
from sim.actors.base import Actor, keep
from sim.params import ActorParams, param

S000 = "000_b6c8157d2dc91f0e.txt"
S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """Russia's parameters: arrays over worlds, named as in scenario files (russia.NAME)."""

    actor: ClassVar[str] = "russia"

    push: np.ndarray = param(
        "Russian pressure and favour for Baku's escalation, largest for the corridor rung",
        "utility units", 0.0, 6.0, 1.5,
        f"{S001}: Kopalyan \"Putin is now pressuring Aliyev to invade Armenia and secure the "
        "Zangezur Corridor\"",
    )
    defend_armenia: np.ndarray = param(
        "Moscow's willingness to fight for Armenia when it is attacked on its own territory",
        "probability weight", 0.0, 1.0, 0.15,
        f"{S001}: Mikaelian \"Russia supports Azerbaijan's aggression\"; contrast {S000}: "
        "\"Russia and the CSTO would not be able to ignore this\"",
    )
    ukraine_constraint: np.ndarray = param(
        "share of Russia's usable military capacity tied down by the war in Ukraine",
        "share", 0.0, 1.0, 0.6,
        f"{S001}: Yunusov \"that equipment was all transferred to Ukraine [for use by the "
        "Russian army]\"",
    )
    corridor_swoop: np.ndarray = param(
        "weekly chance that Russian troops take control of the corridor while it is being seized",
        "probability per week", 0.0, 1.0, 0.15,
        f"{S001}: Kopalyan \"the entire risk and burden of attacking Armenia and creating the "
        "corridor falls on Azerbaijan, while Russia will swoop in after and reap the benefits\"",
    )
    destabilisation: np.ndarray = param(
        "weekly chance, while fighting goes on, that Moscow incites pro-Russian unrest in Armenia",
        "probability per week", 0.0, 1.0, 0.04,
        f"{S001}: Yunusov \"Moscow will attempt to capitalize on the fighting to incite "
        "pro-Russian protests there\"",
    )


PARAMS = Params.specs()

# How much of Russia's push bears on each rung (assumption: Moscow wants the corridor
# road, Mikaelian "Russia wants control over this road"; pressure short of it matters
# less, and a full invasion serves Moscow less than the corridor it would then have to
# share).
PUSH_PROFILE = np.array([0.0, 0.1, 0.3, 0.5, 1.0, 0.6])


def push_on_baku(ru: Params) -> np.ndarray:
    """What Russian pressure and favour add to Baku's utility of each rung: shape (6, n).
    Seed 001, Kopalyan: "Putin is now pressuring Aliyev to invade Armenia"."""
    return ru.push * PUSH_PROFILE[:, None]


def russian_willingness(ru: Params) -> np.ndarray:
    """Russia's effective willingness to act for Armenia: its will times the capacity
    left after Ukraine. Feeds the CSTO decision, which Moscow dominates (DOMAIN.md)."""
    return ru.defend_armenia * (1.0 - ru.ukraine_constraint)


def swoop_on_corridor(
    corridor: np.ndarray, rung: np.ndarray, success: np.ndarray, ru: Params, u: np.ndarray
) -> np.ndarray:
    """Russian troops take the corridor during a corridor offensive or invasion (seed 001,
    Kopalyan: "the corridor will be monitored and manned by Russian troops"); sticky.
    ``success`` is the chance the offensive takes its ground
    (:func:`sim.actors.armenia.operation_success`): Moscow swoops in on what Baku won."""
    attempt = (rung >= 4) & (u < ru.corridor_swoop * success)
    return corridor | attempt


def incite_unrest(unrest: np.ndarray, rung: np.ndarray, ru: Params, u: np.ndarray) -> np.ndarray:
    """Pro-Russian unrest in Armenia once there is fighting (rung >= 2), seed 001 Yunusov;
    sticky."""
    return unrest | ((rung >= 2) & (u < ru.destabilisation))


class Russia(Actor):
    """Reacts to the week's fighting: may swoop on the corridor and stir unrest."""

    actor, label, draws_per_week = "russia", "Russia", 2
    decides = ("russian_corridor", "unrest")

    def decide(self, w, v, u):
        """Corridor control and unrest after this week (:func:`swoop_on_corridor`,
        :func:`incite_unrest`)."""
        success = armenia.operation_success(
            w.rung, v.azerbaijan.military_advantage, v.armenia.border_readiness, w.denial
        )
        return (swoop_on_corridor(w.russian_corridor, w.rung, success, v.russia, u[0]),
                incite_unrest(w.unrest, w.rung, v.russia, u[1]))

    def act(self, w, v, u):
        corridor, unrest = self.decide(w, v, u)
        self.last = {
            "corridor": w.active & corridor & ~w.russian_corridor,
            "unrest": w.active & unrest & ~w.unrest,
        }
        w.russian_corridor = keep(w.active, corridor, w.russian_corridor)
        w.unrest = keep(w.active, unrest, w.unrest)

    def events(self, i):
        said = []
        if self.last["corridor"][i]:
            said.append(f"{self.label}'s troops take control of the corridor")
        if self.last["unrest"][i]:
            said.append("pro-Russian unrest breaks out in Armenia")
        return said
