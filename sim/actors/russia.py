"""Russia: pressure on Baku, the lever on the CSTO, the corridor and unrest in Armenia.

Seed 001 experts (Mikaelian, Kopalyan, Yunusov) describe Moscow pushing Baku to attack
and planning to "swoop in" on the corridor; seed 000 (Tasits) holds that Russia "would
have to react" to an open invasion. Both views are parameter settings of these rules.

Moscow chooses, by the same logit machinery as Baku: whether to swoop on the corridor
while Baku fights for it (its corridor interest, scaled by what Baku won), whether to
stir unrest (its wish to undermine Yerevan, on the occasion of the fighting) and
whether to work against a treaty that is within reach (the spoiler). Its
answer for the CSTO is in :mod:`sim.actors.csto`.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

import sim.actors.armenia as armenia
from sim.actors.base import Actor
from sim.actors.choice import binary_choice, reference_utility
from sim.ladder import ATTACK_RUNG, DEPTH_RUNG
from sim.params import ActorParams, noise_param, param

if TYPE_CHECKING:
    from sim.state import WorldState

S000 = "000_b6c8157d2dc91f0e.txt"
S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """Russia's parameters: arrays over worlds, named as in scenario files (russia.NAME)."""

    actor: ClassVar[str] = "russia"

    push: np.ndarray = param(
        "Russian pressure and favour for Baku's escalation, largest for the corridor rung",
        "utility units",
        0.0,
        6.0,
        1.5,
        f'{S001}: Kopalyan "Putin is now pressuring Aliyev to invade Armenia and secure the '
        'Zangezur Corridor"',
    )
    defend_armenia: np.ndarray = param(
        "Moscow's willingness to fight for Armenia when it is attacked on its own territory",
        "probability weight",
        0.0,
        1.0,
        0.15,
        f'{S001}: Mikaelian "Russia supports Azerbaijan\'s aggression"; contrast {S000}: '
        '"Russia and the CSTO would not be able to ignore this"',
    )
    ukraine_constraint: np.ndarray = param(
        "share of Russia's usable military capacity tied down by the war in Ukraine",
        "share",
        0.0,
        1.0,
        0.6,
        f'{S001}: Yunusov "that equipment was all transferred to Ukraine [for use by the '
        'Russian army]"',
    )
    corridor_swoop: np.ndarray = param(
        "weekly chance that Russian troops take control of the corridor while an offensive "
        "that certainly takes its ground is under way, with no troops tied down in Ukraine",
        "probability per week",
        0.0,
        1.0,
        0.15,
        f'{S001}: Kopalyan "the entire risk and burden of attacking Armenia and creating the '
        'corridor falls on Azerbaijan, while Russia will swoop in after and reap the benefits"',
    )
    destabilisation: np.ndarray = param(
        "weekly chance, in a week of fighting on Armenian soil (rung 2 or more), that Moscow "
        "incites pro-Russian unrest in Armenia",
        "probability per week",
        0.0,
        1.0,
        0.04,
        f'{S001}: Yunusov "Moscow will attempt to capitalize on the fighting to incite '
        'pro-Russian protests there" (the fighting is the occasion); assumption for the '
        "rate: no seed or record figure sizes it; 0.04 a week makes unrest follow about one "
        "month of fighting in six",
    )
    spoiler: np.ndarray = param(
        "Moscow's gain from blocking a treaty once Baku's conditions are met (it loses the "
        "corridor and its hold on Yerevan to a settlement it does not broker)",
        "utility units",
        0.0,
        6.0,
        1.0,
        f'{S001}: Kopalyan "Putin needs it to reestablish dominance over Armenia"; '
        "assumption for the size: Moscow works against a ready treaty about half the time",
    )
    decision_noise: np.ndarray = noise_param(
        "Moscow's choices (its own and the CSTO's answer)", "Moscow's"
    )


PARAMS = Params.specs()

# How much of Russia's push bears on each rung (assumption: Moscow wants the corridor
# road, Mikaelian "Russia wants control over this road"; pressure short of it matters
# less, and a full invasion serves Moscow less than the corridor it would then have to
# share).
PUSH_PROFILE = np.array([0.0, 0.1, 0.3, 0.5, 1.0, 0.6])


def push_on_baku(ru: Params, w: "WorldState") -> np.ndarray:
    """What Russian pressure and favour add to Baku's utility of each rung this week:
    shape (6, n). Seed 001, Kopalyan: "Putin is now pressuring Aliyev to invade
    Armenia".

    Russia's push lives here alone: Baku reads it every week (nothing caches it), so a
    rule in which Moscow decides whether to push, from the state ``w`` or from a field
    its agent writes, changes this function (and the state) and nothing else. Today's
    push is constant: ``ru.push`` on the profile of the rungs, whatever the state."""
    return ru.push * PUSH_PROFILE[:, None]


def russian_willingness(ru: Params) -> np.ndarray:
    """Russia's effective willingness to act for Armenia: its will times the capacity
    left after Ukraine. Feeds the CSTO decision, which Moscow dominates (DOMAIN.md)."""
    return ru.defend_armenia * (1.0 - ru.ukraine_constraint)


# What working against a treaty costs Moscow (assumption: spent goodwill in Baku).
SPOILING_COST = 1.0
# What manning the corridor costs Moscow per unit of its Ukraine constraint (assumption:
# troops for Syunik come from the same stretched army; seed 001, Yunusov: "that equipment
# was all transferred to Ukraine").
TROOPS_COST = 1.0


def swoop_gain(success: np.ndarray, ru: Params) -> np.ndarray:
    """Moscow's net utility of taking the corridor during an offensive: the utility its
    reference chance stands for, scaled by what Baku won (the odds are multiplied by the
    chance the offensive takes its ground), less the troops it takes while Ukraine ties
    the army down. Seed 001, Kopalyan: "Russia will swoop in after and reap the
    benefits"; Yunusov on the equipment "transferred to Ukraine"."""
    odds = np.log(np.maximum(success, 1e-12))
    return (
        reference_utility(ru.corridor_swoop, ru.decision_noise)
        + odds
        - TROOPS_COST * ru.ukraine_constraint
    )


def swoop_on_corridor(
    corridor: np.ndarray, rung: np.ndarray, success: np.ndarray, ru: Params, u: np.ndarray
) -> np.ndarray:
    """Russian troops take the corridor during a corridor offensive or invasion, by logit
    choice on :func:`swoop_gain` (seed 001, Kopalyan: "the corridor will be monitored and
    manned by Russian troops"); sticky. ``success`` is the chance the offensive takes its
    ground (:func:`sim.actors.armenia.operation_success`)."""
    swoop = binary_choice(swoop_gain(success, ru), ru.decision_noise, u)
    return corridor | ((rung >= DEPTH_RUNG) & swoop)


def unrest_gain(ru: Params) -> np.ndarray:
    """Moscow's net utility of inciting unrest in a week of fighting: the utility its
    reference chance ``destabilisation`` stands for. Seed 001, Yunusov: "Moscow will
    attempt to capitalize on the fighting to incite pro-Russian protests there".

    Whom Yerevan calls on that week does not enter: Moscow's choice to undermine
    Yerevan is already made (seed 001, Mikaelian: "in relation to Armenia, the decision
    has already been made"), and no seed sizes how much a call on the West would add."""
    return reference_utility(ru.destabilisation, ru.decision_noise)


def incite_unrest(unrest: np.ndarray, rung: np.ndarray, ru: Params, u: np.ndarray) -> np.ndarray:
    """Pro-Russian unrest in Armenia once there is fighting (rung >= 2), by logit choice
    on :func:`unrest_gain` (seed 001, Yunusov); sticky."""
    stir = binary_choice(unrest_gain(ru), ru.decision_noise, u)
    return unrest | ((rung >= ATTACK_RUNG) & stir)


def spoil_gain(conditions_unmet: np.ndarray, ru: Params) -> np.ndarray:
    """Moscow's net utility of working against the treaty this week: its ``spoiler``
    gain, the larger the nearer the treaty (share of Baku's conditions met), less what
    it costs (seed 001, Kopalyan: Putin "needs it to reestablish dominance over
    Armenia")."""
    return ru.spoiler * (1.0 - conditions_unmet) - SPOILING_COST


def spoil_treaty(conditions_unmet: np.ndarray, ru: Params, u: np.ndarray) -> np.ndarray:
    """True where Moscow works against the treaty this week (logit choice on
    :func:`spoil_gain`; seed 001): Yerevan feels it next week in its concessions and
    its signature (:data:`sim.actors.armenia.SPOILER_PRESSURE`)."""
    return (conditions_unmet < 1.0) & binary_choice(
        spoil_gain(conditions_unmet, ru), ru.decision_noise, u
    )


class Russia(Actor):
    """Reacts to the week's fighting: may swoop on the corridor, stir unrest, and work
    against the treaty."""

    actor, label, draws_per_week = "russia", "Russia", 3
    decides = ("russian_corridor", "unrest", "spoiling")
    keeps = ("has_spoiled",)

    def __init__(self, model):
        super().__init__(model)
        # Narration only: whether Moscow has worked against the treaty yet in each world
        # (its first week of spoiling is news; later weeks are background).
        self.has_spoiled = np.zeros(model.world.n, dtype=bool)

    def decide(self, w, v, u):
        """Corridor control, unrest and spoiling after this week (:func:`swoop_on_corridor`,
        :func:`incite_unrest`, :func:`spoil_treaty`)."""
        success = armenia.operation_success(
            w.rung, v.azerbaijan.military_advantage, v.armenia.border_readiness, w.denial
        )
        return (
            swoop_on_corridor(w.russian_corridor, w.rung, success, v.russia, u[0]),
            incite_unrest(w.unrest, w.rung, v.russia, u[1]),
            spoil_treaty(w.conditions_unmet(), v.russia, u[2]),
        )

    def record(self, w, before):
        a = w.active
        spoiling = a & w.spoiling
        last = {
            "corridor": a & w.russian_corridor & ~before["russian_corridor"],
            "unrest": a & w.unrest & ~before["unrest"],
            "spoiling": spoiling,
            "first_spoiling": spoiling & ~self.has_spoiled,
        }
        self.has_spoiled = self.has_spoiled | spoiling
        return last

    def events(self, i):
        said = []
        if self.last["corridor"][i]:
            said.append(f"{self.label}'s troops take control of the corridor")
        if self.last["unrest"][i]:
            said.append("pro-Russian unrest breaks out in Armenia")
        if self.last["first_spoiling"][i]:
            said.append(f"{self.label} starts working against the treaty")
        return said

    def describe(self, i: int) -> str:
        """Moscow's work against the treaty this week, as background (or "")."""
        return f"{self.label} works against the treaty" if self.last["spoiling"][i] else ""
