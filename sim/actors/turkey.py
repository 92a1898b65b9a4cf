"""Turkey: Baku's patron, driving or restraining it.

Seed 001 experts disagree: Mikaelian calls Erdogan "Aliyev's main patron" and the driver
of Baku's uncompromising line; Yunusov says Turkey "now seeks to mitigate tensions"
because a war would provoke the West. ``turkey.stance`` spans that disagreement.

Each week Ankara chooses its line, by the same logit machinery as Baku, among
restraining Baku (-1), staying neutral (0) and backing it (+1): its patronage pulls
toward backing; a Western reaction already under way (sanctions) and the normalisation
with Armenia that a treaty within reach promises pull toward restraint.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.actors.base import Actor
from sim.actors.choice import logit_choice
from sim.params import ActorParams, noise_param, param

S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """Turkey's parameters: arrays over worlds, named as in scenario files (turkey.NAME)."""

    actor: ClassVar[str] = "turkey"

    stance: np.ndarray = param(
        "Turkey's patronage: its inclination toward Baku's escalation, +1 drives it, -1 "
        "restrains it (the weight of backing over restraint in its choice)",
        "signed share",
        -1.0,
        1.0,
        0.0,
        f'{S001}: Mikaelian "Erdoğan plays the leading role here, certainly" vs Yunusov '
        '"Turkey is now less actively supporting Azerbaijan"',
    )
    influence: np.ndarray = param(
        "how much Turkey's line moves Baku's choice at the top of the ladder",
        "utility units",
        0.0,
        6.0,
        2.0,
        f"{S001}: Mikaelian \"Roughly 90% of Azerbaijan's army officers graduated from courses "
        'in Turkey"',
    )
    western_sensitivity: np.ndarray = param(
        "how far a Western reaction (sanctions in force) pulls Turkey toward restraint",
        "signed share",
        0.0,
        2.0,
        0.5,
        f'{S001}: Yunusov "Turkey recognizes that a conflict between Azerbaijan and Armenia '
        "would provoke strong Western reactions, which is not in Turkey's interest\"",
    )

    normalisation_value: np.ndarray = param(
        "how far the normalisation with Armenia that a treaty within reach promises pulls "
        "Turkey toward restraint",
        "signed share",
        0.0,
        2.0,
        0.5,
        'assumption: DOMAIN.md "normalisation with Armenia hinges on the treaty"; the size '
        f'matches western_sensitivity; cf. {S001} Yunusov "Turkey is now less actively '
        'supporting Azerbaijan"',
    )
    decision_noise: np.ndarray = noise_param("Ankara's choice of line", "Ankara's")


PARAMS = Params.specs()

# Where Turkey's line bears (assumption): little on rhetoric, most on open war, where its
# drones, training and diplomatic cover matter and where the Western reaction is largest.
INFLUENCE_PROFILE = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])


# Turkey's options, in order: restrain Baku, stay neutral, back it.
LINES = np.array([-1.0, 0.0, 1.0])
# Utility scale of the drive (assumption: a patron at stance +-1 takes its line about
# nine weeks in ten at unit noise) and the cost of taking sides at all (assumption:
# activism, either way, spends capital with Moscow and the West).
DRIVE_SCALE, ACTIVISM_COST = 3.0, 1.0


def line_utilities(tk: Params, sanctioned: np.ndarray, conditions_unmet: np.ndarray) -> np.ndarray:
    """Ankara's utility of each line (restrain, neutral, back): shape (3, n). The drive
    is its patronage (seed 001: Mikaelian "Erdoğan is Aliyev's main patron") less the
    pull of a Western reaction (Yunusov: a war "would provoke strong Western reactions,
    which is not in Turkey's interest") and of normalisation once the treaty is within
    reach (DOMAIN.md); taking sides costs a little either way (assumption)."""
    drive = DRIVE_SCALE * (
        tk.stance
        - tk.western_sensitivity * sanctioned
        - tk.normalisation_value * (1.0 - conditions_unmet)
    )
    return LINES[:, None] * drive - ACTIVISM_COST * np.abs(LINES)[:, None]


def choose_line(
    tk: Params, sanctioned: np.ndarray, conditions_unmet: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Turkey's line this week, -1, 0 or +1, by logit choice on :func:`line_utilities`
    (seed 001, Mikaelian vs Yunusov); ordered, so with common random numbers a more
    patronising Turkey never takes a more restraining line."""
    return LINES[
        logit_choice(line_utilities(tk, sanctioned, conditions_unmet), tk.decision_noise, u)
    ]


def pull_on_baku(tk: Params, stance: np.ndarray) -> np.ndarray:
    """What Turkey's line this week adds to Baku's utility of each rung: shape (6, n).
    Seed 001: Mikaelian (Turkey drives Baku's line) vs Yunusov (Turkey restrains it)."""
    return tk.influence * stance * INFLUENCE_PROFILE[:, None]


# Narration: Turkey's line in words (driver or restrainer, seed 001), for quiet weeks.
BACKS, RESTRAINS, NEUTRAL = "backs Baku", "restrains Baku", "stays neutral"


class Turkey(Actor):
    """Sets its line first each week; Baku sees it the same week."""

    actor, label, decides, draws_per_week = "turkey", "Turkey", ("turkey_stance",), 1

    def decide(self, w, v, u):
        """Turkey's line this week (:func:`choose_line`)."""
        return (choose_line(v.turkey, w.sanctioned, w.conditions_unmet(), u[0]),)

    def record(self, w, before):
        return {"stance": w.turkey_stance}

    def describe(self, i: int) -> str:
        """Turkey's line this week in world ``i``, in words."""
        stance = float(self.last["stance"][i])
        words = BACKS if stance > 0 else RESTRAINS if stance < 0 else NEUTRAL
        return f"{self.label} {words}"
