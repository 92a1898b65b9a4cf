"""The escalation ladder: rungs, the thresholds the actors share, how operations end,
the CSTO's reactions and the states a world can be in (the outcomes: :mod:`sim.outcomes`).

The ladder follows ``shared/DOMAIN.md`` (Kahn's escalation ladder, rungs separated by
thresholds). Terminal states sit beside the ladder: a signed peace treaty and a regional
war end a world's run; its rung is frozen at the moment it ended.
"""

from enum import IntEnum

import numpy as np


class Rung(IntEnum):
    """State of the Azerbaijan-Armenia dyad in a given week."""

    NEGOTIATION = 0  # talks continue, incidents rare
    TENSION = 1  # rhetoric, build-up, shooting allegations
    BORDER_CLASH = 2  # exchanges of fire, casualties, no ground taken
    LIMITED_INCURSION = 3  # "a position or two", a few km, entrenching (Sept 2022)
    CORRIDOR_OFFENSIVE = 4  # seizing a strip through Syunik to Nakhchivan
    FULL_SCALE_INVASION = 5  # advance on the whole country, incl. Yerevan

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").lower()


N_RUNGS = len(Rung)
TOP_RUNG = int(Rung.FULL_SCALE_INVASION)
# Thresholds the actors' rules share, defined once: from a border clash up Armenia is
# under attack (sanctions, the CSTO's answer and Yerevan's calls for help are on the
# table); from a limited incursion up an operation stands on Armenian soil (an episode
# that ends held, repelled or withdrawn, a test of Western resolve and of the alliance,
# the only attack force answers); from a corridor offensive up the fight meets denial
# in depth rather than border readiness.
ATTACK_RUNG = int(Rung.BORDER_CLASH)
OPERATION_RUNG = int(Rung.LIMITED_INCURSION)
DEPTH_RUNG = int(Rung.CORRIDOR_OFFENSIVE)


# An operation (rungs 3-5; a border clash is one too, with no ground objective) is an
# episode. The rung outcomes count a rung as reached once the world has stayed on it,
# or higher, for this many consecutive weeks: a launched operation of stated minimum
# length, not a single week's draw (issue "Actors that choose, remember and bargain").
# Assumptions for the lengths: a clash or an incursion is a matter of days (September
# 2022 lasted two), so one week counts; a corridor offensive that stops in its first
# week is an aborted raid, so two; an invasion of the whole country is an operation of
# weeks (the 2020 war lasted six), so three.
MIN_WEEKS = np.array([0, 0, 1, 1, 2, 3], dtype=np.int16)


class Posture(IntEnum):
    """Baku's standing policy toward Armenia (ordered: each step is one change); the
    rungs each allows are :data:`sim.actors.posture.ALLOWED`."""

    TALKS = 0
    PRESSURE = 1
    BUILD_UP = 2

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").lower()


N_POSTURES = len(Posture)


def posture_at(rung: int) -> Posture:
    """The posture a world starting on ``rung`` holds: talks at rung 0, pressure at 1-3,
    a build-up (already complete) in an operation in depth."""
    if rung <= 0:
        return Posture.TALKS
    return Posture.PRESSURE if rung < DEPTH_RUNG else Posture.BUILD_UP


class OperationEnd(IntEnum):
    """How an operation ended this week (sticky counts per world in ``ops_ended``)."""

    NONE = 0
    HELD = 1  # its objective taken; Baku digs in and the guns fall to tension
    REPELLED = 2  # Armenia's defence threw it back; fighting goes on at the border
    WITHDRAWN = 3  # Baku stepped down before either, under pressure or by choice


class CstoResponse(IntEnum):
    """The CSTO's strongest reaction so far in a world (ordered)."""

    NONE = 0
    STATEMENT = 1
    MONITORING_MISSION = 2
    MILITARY = 3


# Categories of the "where is each world this week" breakdown: the six rungs, then the
# two terminal states (a world that ended sits in its terminal category from then on).
STATE_LABELS: tuple[str, ...] = tuple(r.label for r in Rung) + ("peace treaty", "regional war")
TREATY_STATE = N_RUNGS
WAR_STATE = N_RUNGS + 1
N_STATES = N_RUNGS + 2
