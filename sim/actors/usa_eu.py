"""US/EU: the sanctions threat, monitors and mediation.

The threat of US sanctions is what the seed experts name as the deterrent on Baku (seed
001: Kopalyan, Mirgadirov, Yunusov's "ultimatum"); the West's resolve is tempered by
European gas dependence and the region's low priority (Mikaelian). Each week in which
Baku fights on Armenian soil the US/EU choose, by the same logit machinery as Baku,
whether to impose sanctions: their gain is their credibility, weighed by how visible the
aggression is; their cost is the gas and the attention it would take.

Sanctions are a stock: once imposed they stand, and cost Baku every week, until the
lifting condition is met (``lift_after_weeks`` calm weeks in a row).

:func:`impose_probability` is both what the US/EU do each week and what Baku expects of
them; Baku only puts its own belief about Western resolve in the place of the true one
(:mod:`sim.actors.azerbaijan`).
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.actors.base import Actor
from sim.actors.choice import binary_probability
from sim.ladder import ATTACK_RUNG, Rung
from sim.params import ActorParams, noise_param, param

S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """The US/EU's parameters: arrays over worlds, named as in scenario files (usa_eu.NAME)."""

    actor: ClassVar[str] = "usa_eu"

    sanctions_credibility: np.ndarray = param(
        "the West's resolve to punish an attack on Armenia: the weight of its credibility "
        "in its sanctions choice (and the mean of Baku's prior belief about it)",
        "share",
        0.0,
        1.0,
        0.6,
        f'{S001}: Kopalyan "what has deterred Aliyev from attacking Armenia in the last two '
        'years has been the threat of U.S. sanctions"',
        resets="resolve",
    )
    sanctions_severity: np.ndarray = param(
        "cost to Baku of each week sanctions stand, before scaling by revenue exposure and "
        "oil price",
        "utility units per week",
        0.0,
        10.0,
        1.0,
        f'{S001}: Mirgadirov "It is doubtful Aliyev would want to face sanctions"; '
        "assumption for the size: a sanctions spell weighs about as much as a week of the "
        "other costs at a corridor offensive",
    )
    gas_dependence: np.ndarray = param(
        "EU dependence on Azerbaijani gas: what imposing sanctions would cost the West",
        "share",
        0.0,
        1.0,
        0.25,
        f'{S001}: "the European Commission signed a Memorandum of Understanding with '
        'Azerbaijan regarding strategic energy partnership"',
    )
    low_priority: np.ndarray = param(
        "the West's reluctance to spend attention and capital on the region",
        "utility units",
        0.0,
        10.0,
        3.0,
        f'{S001}: Mikaelian "the West is not deeply immersed in this region and does not '
        'consider it a priority"; assumption for the size: with it and gas, a West of full '
        "resolve sanctions an invasion in most weeks and a clash rarely",
    )
    incursion_warning: np.ndarray = param(
        "whether the West has told Baku that an incursion into Armenia proper would be "
        "punished: the share of the West's stake on a limited incursion that is engaged "
        "(0 no warning: sanctions are weighed only for a corridor offensive or an invasion)",
        "share",
        0.0,
        1.0,
        1.0,
        f'{S001}: Yunusov "In October of last year, the Americans ... conveyed that while '
        "they acknowledged Karabakh as Azerbaijani territory, any incursion into sovereign "
        'Armenian territory would elicit a different response" (the baseline, March 2025, '
        "is after it; the conditions timeline sets 0 before October 2023)",
    )
    lift_after_weeks: np.ndarray = param(
        "lifting condition: sanctions are lifted after this many calm weeks in a row (rung 0-1)",
        "weeks",
        4.0,
        104.0,
        26.0,
        "assumption: sanctions are lifted for sustained compliance, not a lull; half a year "
        "of calm (no sanctions were ever imposed over the conflict, DOMAIN.md)",
    )
    monitor_presence: np.ndarray = param(
        "strength of EU monitoring on the border (EUMA); makes clashes and incursions attributable",
        "share",
        0.0,
        1.0,
        0.7,
        f'{S001}: Yunusov "Give your consent for the European peacekeepers [EU Civilian Mission '
        'in Armenia (EUMA)] to leave the border ... Pashinyan categorically refused"',
    )
    mediation: np.ndarray = param(
        "Western mediation effort: adds to Baku's gain from signing once it is on the table "
        "and to its value of quiet talks",
        "utility units",
        0.0,
        3.0,
        0.5,
        "assumption: mediation speeds signature but cannot replace the two conditions; cf. "
        '000_b6c8157d2dc91f0e.txt "the establishment of some mechanisms for interaction"',
    )
    decision_noise: np.ndarray = noise_param("the West's choices", "the West's")


PARAMS = Params.specs()

# How much a resolved West's credibility is at stake on each rung (assumption, shape):
# nothing for rhetoric or a border clash (seed 001, Kopalyan: "it is one thing to have
# flare-ups on the border"; no sanctions followed any of the record's clash months, and
# none were ever imposed over the conflict, DOMAIN.md); an incursion into sovereign
# territory more, once the West has said so (seed 001, Yunusov: "any incursion into
# sovereign Armenian territory would elicit a different response": the parameter
# ``incursion_warning``); a corridor offensive or an invasion most (Kopalyan: "they are
# not going to tolerate a full-scale invasion").
OUTRAGE = np.array([0.0, 0.0, 0.0, 2.0, 4.5, 6.5])
# Extra attribution from monitors, by rung (assumption: monitors matter where blame is
# disputed, i.e. small incursions, not for an open invasion; a clash stakes nothing to
# attribute).
MONITOR_BOOST = np.array([0.0, 0.0, 0.0, 0.5, 0.0, 0.0])
# What gas dependence costs a West that sanctions (utility units at full dependence).
GAS_COST = 8.0
# How much Armenia's call on the West, instead of the CSTO, raises the stake
# (assumption; seed 001: Pashinyan's need to "diversify security alliances").
WEST_CALL_BOOST = 0.5


def sanction_gain(
    rung: np.ndarray | int, us: Params, resolve: np.ndarray, west_call: np.ndarray
) -> np.ndarray:
    """The West's net utility of imposing sanctions while Baku fights on ``rung``.

    Gain: its credibility (``resolve``), weighed by what is at stake on the rung and how
    attributable the attack is (monitors) and raised when Armenia calls on the West
    (seed 001, Kopalyan: Western "political, economic, and now military investments"
    in Armenia). Cost: gas dependence (the 2022 energy MoU) and low priority (Mikaelian).
    ``rung`` is (n,) for this week or a (6, 1) column for every option; ``west_call`` is
    whether (or the chance that) Armenia called on the West.
    """
    return _gain_on(sanction_stake(rung, us, west_call), us, resolve)


def _gain_on(stake: np.ndarray, us: Params, resolve: np.ndarray) -> np.ndarray:
    """:func:`sanction_gain` from the stake: credibility at stake less gas and priority."""
    return resolve * stake - GAS_COST * us.gas_dependence - us.low_priority


def sanction_stake(rung: np.ndarray | int, us: Params, west_call: np.ndarray) -> np.ndarray:
    """What the West's credibility has at stake while Baku fights on ``rung``: the
    rung's :data:`OUTRAGE`, raised by monitors' attribution and by Armenia's call on
    the West; an incursion's only as far as the West has warned against one (seed 001,
    Yunusov: "any incursion into sovereign Armenian territory would elicit a different
    response"; ``incursion_warning``)."""
    rung = np.asarray(rung)
    warned = np.where(rung == Rung.LIMITED_INCURSION, us.incursion_warning, 1.0)
    stake = OUTRAGE[rung] * warned * (1.0 + us.monitor_presence * MONITOR_BOOST[rung])
    return stake * (1.0 + WEST_CALL_BOOST * west_call)


def sanctions_on_table(rung: np.ndarray | int, us: Params, west_call: np.ndarray) -> np.ndarray:
    """Where the West weighs sanctions at all: where it has something at stake
    (:func:`sanction_stake` > 0), not a border clash (seed 001, Kopalyan: "it is one
    thing to have flare-ups on the border"), nor an incursion before it warned against
    one (seed 001, Yunusov). The test :func:`impose_probability` applies, for whoever
    asks the West's question (the classroom)."""
    return sanction_stake(rung, us, west_call) > 0.0


def impose_probability(
    rung: np.ndarray | int, us: Params, resolve: np.ndarray, west_call: np.ndarray
) -> np.ndarray:
    """Weekly chance that the US/EU impose sanctions while Baku fights on ``rung``: the
    logit of :func:`sanction_gain` (seed 001: the US threat of sanctions is what
    deterred an attack), where the West has something at stake only
    (:func:`sanction_stake` > 0): not a border clash (seed 001, Kopalyan: "it is one
    thing to have flare-ups on the border"), nor an incursion before the West warned
    against one. Elsewhere the choice is not on the table (assumption: the logit's noise
    does not impose sanctions nobody has a reason for). The West's own choice passes its
    true resolve (``sanctions_credibility``); Baku's expectation passes its belief."""
    stake = sanction_stake(rung, us, west_call)
    p = binary_probability(_gain_on(stake, us, resolve), us.decision_noise)
    # sanctions_on_table, on the stake already computed here
    return np.where(stake > 0.0, p, 0.0)


def decide_sanctions(
    sanctioned: np.ndarray,
    quiet_weeks: np.ndarray,
    rung: np.ndarray,
    west_call: np.ndarray,
    us: Params,
    u: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Sanctions in force after this week, and the calm weeks counted toward lifting.

    Not sanctioned: the West imposes by logit choice (:func:`impose_probability`, with
    its true resolve: the chance Baku expects with its belief; seed 001 Kopalyan).
    Sanctioned: they stand, and are lifted once Baku has kept to rung 0-1 for
    ``lift_after_weeks`` weeks in a row (assumption: the stated lifting condition); any
    fighting restarts the count.
    """
    imposed = u < impose_probability(rung, us, us.sanctions_credibility, west_call)
    calm = rung < ATTACK_RUNG
    quiet = np.where(sanctioned & calm, quiet_weeks + 1, 0).astype(quiet_weeks.dtype)
    lifted = sanctioned & (quiet >= us.lift_after_weeks)
    return (sanctioned & ~lifted) | (~sanctioned & imposed), np.where(lifted, 0, quiet)


def spell_weeks(az_patience: np.ndarray, us: Params) -> np.ndarray:
    """What a sanctions spell of the shortest length the lifting condition allows is
    worth in weeks of its cost, discounted by Baku's weekly ``patience`` (assumption:
    Baku prices a spell by its shortest length, 1 + d + ... + d^(L-1))."""
    d = np.minimum(az_patience, 0.999)
    return (1.0 - d**us.lift_after_weeks) / (1.0 - d)


class UsEu(Actor):
    """Decides on sanctions last among the actors; Turkey and Baku see them next week."""

    actor, label, draws_per_week = "usa_eu", "the US/EU", 1
    decides, writes = ("sanctioned", "quiet_weeks"), ("ever_sanctioned",)

    def decide(self, w, v, u):
        """Sanctions and the lifting count after this week (:func:`decide_sanctions`)."""
        return decide_sanctions(w.sanctioned, w.quiet_weeks, w.rung, w.west_call, v.usa_eu, u[0])

    def consequences(self, w, v, u, before):
        # Sanctions can be lifted; the outcome "sanctions imposed" is whether they ever were.
        w.ever_sanctioned = w.ever_sanctioned | w.sanctioned

    def record(self, w, before):
        was = before["sanctioned"]
        return {"imposed": w.sanctioned & ~was, "lifted": was & ~w.sanctioned}

    def events(self, i):
        if self.last["imposed"][i]:
            return [f"{self.label} impose sanctions"]
        if self.last["lifted"][i]:
            weeks = int(np.ceil(self.model.views.usa_eu.lift_after_weeks[i]))
            return [f"{self.label} lift their sanctions after {weeks} calm weeks"]
        return []
