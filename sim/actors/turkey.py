"""Turkey: Baku's patron, driving or restraining it.

Seed 001 experts disagree: Mikaelian calls Erdogan "Aliyev's main patron" and the driver
of Baku's uncompromising line; Yunusov says Turkey "now seeks to mitigate tensions"
because a war would provoke the West. ``turkey.stance`` spans that disagreement.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.actors.base import Actor, keep
from sim.params import ActorParams, param

S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """Turkey's parameters: arrays over worlds, named as in scenario files (turkey.NAME)."""

    actor: ClassVar[str] = "turkey"

    stance: np.ndarray = param(
        "Turkey's line toward Baku's escalation: +1 drives it, -1 restrains it",
        "signed share", -1.0, 1.0, 0.0,
        f"{S001}: Mikaelian \"Erdoğan plays the leading role here, certainly\" vs Yunusov "
        "\"Turkey is now less actively supporting Azerbaijan\"",
    )
    influence: np.ndarray = param(
        "how much Turkey's line moves Baku's choice at the top of the ladder",
        "utility units", 0.0, 6.0, 2.0,
        f"{S001}: Mikaelian \"Roughly 90% of Azerbaijan's army officers graduated from courses "
        "in Turkey\"",
    )
    western_sensitivity: np.ndarray = param(
        "how far Turkey swings toward restraint once the West has imposed sanctions",
        "signed share", 0.0, 2.0, 0.5,
        f"{S001}: Yunusov \"Turkey recognizes that a conflict between Azerbaijan and Armenia "
        "would provoke strong Western reactions, which is not in Turkey's interest\"",
    )


PARAMS = Params.specs()

# Where Turkey's line bears (assumption): little on rhetoric, most on open war, where its
# drones, training and diplomatic cover matter and where the Western reaction is largest.
INFLUENCE_PROFILE = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])


def current_stance(tk: Params, sanctioned: np.ndarray) -> np.ndarray:
    """Turkey's stance this week: its line, pulled toward restraint once sanctions are
    imposed (seed 001, Yunusov, above). Clipped to [-1, 1]."""
    return np.clip(tk.stance - tk.western_sensitivity * sanctioned, -1.0, 1.0)


def pull_on_baku(tk: Params, stance: np.ndarray) -> np.ndarray:
    """What Turkey's line this week adds to Baku's utility of each rung: shape (6, n).
    Seed 001: Mikaelian (Turkey drives Baku's line) vs Yunusov (Turkey restrains it)."""
    return tk.influence * stance * INFLUENCE_PROFILE[:, None]


# Narration: Turkey's line in words (driver or restrainer, seed 001), for quiet weeks.
BACKS, RESTRAINS, NEUTRAL = "backs Baku", "restrains Baku", "stays neutral"


class Turkey(Actor):
    """Sets its line first each week; Baku sees it the same week."""

    actor, label, decides = "turkey", "Turkey", ("turkey_stance",)

    def decide(self, w, v, u):
        """Turkey's stance this week (:func:`current_stance`); draws nothing."""
        return (current_stance(v.turkey, w.sanctioned),)

    def act(self, w, v, u):
        (stance,) = self.decide(w, v, u)
        w.turkey_stance = keep(w.active, stance, w.turkey_stance)
        self.last = {"stance": w.turkey_stance}

    def describe(self, i: int) -> str:
        """Turkey's line this week in world ``i``, in words."""
        stance = float(self.last["stance"][i])
        words = BACKS if stance > 0.2 else RESTRAINS if stance < -0.2 else NEUTRAL
        return f"{self.label} {words}"
