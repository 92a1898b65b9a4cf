"""US/EU: the sanctions threat, monitors and mediation.

The threat of US sanctions is what the seed experts name as the deterrent on Baku; its
bite is tempered by European gas dependence. The same function,
:func:`sanction_probability`, is what the US/EU actually do each week *and* what
Azerbaijan expects them to do (rational expectations), so the threat is never written
twice.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.actors.base import Actor, keep
from sim.params import ActorParams, param

S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """The US/EU's parameters: arrays over worlds, named as in scenario files (usa_eu.NAME)."""

    actor: ClassVar[str] = "usa_eu"

    sanctions_credibility: np.ndarray = param(
        "weight Baku puts on the US/EU actually imposing the threatened sanctions",
        "probability weight", 0.0, 1.0, 0.6,
        f"{S001}: Kopalyan \"what has deterred Aliyev from attacking Armenia in the last two "
        "years has been the threat of U.S. sanctions\"",
    )
    sanctions_severity: np.ndarray = param(
        "cost to Baku of sanctions once imposed, before scaling by revenue exposure and oil price",
        "utility units", 0.0, 30.0, 6.0,
        f"{S001}: Mirgadirov \"It is doubtful Aliyev would want to face sanctions\"",
    )
    gas_dependence: np.ndarray = param(
        "EU dependence on Azerbaijani gas; the share of Western resolve it cancels",
        "share", 0.0, 1.0, 0.25,
        f"{S001}: \"the European Commission signed a Memorandum of Understanding with "
        "Azerbaijan regarding strategic energy partnership\"",
    )
    monitor_presence: np.ndarray = param(
        "strength of EU monitoring on the border (EUMA); makes clashes and incursions attributable",
        "share", 0.0, 1.0, 0.7,
        f"{S001}: Yunusov \"Give your consent for the European peacekeepers [EU Civilian Mission "
        "in Armenia (EUMA)] to leave the border ... Pashinyan categorically refused\"",
    )
    mediation: np.ndarray = param(
        "Western mediation effort; multiplies the weekly chance of signing once conditions are met",
        "multiplier - 1", 0.0, 3.0, 0.5,
        "assumption: mediation speeds signature but cannot replace the two conditions; cf. "
        "000_b6c8157d2dc91f0e.txt \"the establishment of some mechanisms for interaction\"",
    )


PARAMS = Params.specs()

# Weekly probability that a fully resolved West imposes sanctions while Baku sits on each
# rung. Assumption (shape): nothing for rhetoric; rare for a clash; likely once ground is
# taken on sovereign Armenian territory, as the "ultimatum" described by Yunusov (seed 001:
# "any incursion into sovereign Armenian territory would elicit a different response").
SANCTION_TRIGGER = np.array([0.0, 0.0, 0.01, 0.06, 0.35, 0.7])
# Extra attribution from monitors, by rung (assumption: monitors matter most where blame
# is disputed, i.e. clashes and small incursions, not for an open invasion).
MONITOR_BOOST = np.array([0.0, 0.0, 1.0, 0.5, 0.0, 0.0])


def western_resolve(us: Params) -> np.ndarray:
    """Effective resolve: the threat's credibility less what gas dependence cancels.

    Seed 001, Mikaelian: the West "is not deeply immersed in this region and does not
    consider it a priority"; the 2022 energy MoU ties the EU to Baku's gas.
    """
    return us.sanctions_credibility * (1.0 - us.gas_dependence)


def sanction_probability(rung: np.ndarray | int, us: Params) -> np.ndarray:
    """Weekly probability that the US/EU impose sanctions while Azerbaijan is on ``rung``.

    ``rung`` may be an int array of shape (n,) (what is happening) or a column of all
    rungs with shape (6, 1) (what Baku expects for each option). Seed 001, Kopalyan and
    Yunusov: the US threat of sanctions is what deterred an attack on Armenia.
    """
    trigger = SANCTION_TRIGGER[rung] * (1.0 + us.monitor_presence * MONITOR_BOOST[rung])
    return np.minimum(1.0, western_resolve(us) * trigger)


def impose_sanctions(
    sanctioned: np.ndarray, rung: np.ndarray, us: Params, u: np.ndarray
) -> np.ndarray:
    """US/EU decision: sanctions, once imposed, stay for the horizon (none had ever been
    imposed over the conflict by 2025, DOMAIN.md; lifting is out of scope)."""
    return sanctioned | (u < sanction_probability(rung, us))


class UsEu(Actor):
    """Decides on sanctions last among the actors; Turkey and Baku see them next week."""

    actor, label, decides, draws_per_week = "usa_eu", "the US/EU", ("sanctioned",), 1

    def decide(self, w, v, u):
        """Whether sanctions stand in each world after this week (:func:`impose_sanctions`)."""
        return (impose_sanctions(w.sanctioned, w.rung, v.usa_eu, u[0]),)

    def act(self, w, v, u):
        (sanctioned,) = self.decide(w, v, u)
        sanctioned = keep(w.active, sanctioned, w.sanctioned)
        self.last = {"sanctioned": sanctioned & ~w.sanctioned}
        w.sanctioned = sanctioned

    def events(self, i):
        return [f"{self.label} impose sanctions"] if self.last["sanctioned"][i] else []
