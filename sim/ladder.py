"""The escalation ladder and the outcomes recorded per world (one table: ``OUTCOME_TABLE``).

The ladder follows ``shared/DOMAIN.md`` (Kahn's escalation ladder, rungs separated by
thresholds). Terminal states sit beside the ladder: a signed peace treaty and a regional
war end a world's run; its rung is frozen at the moment it ended.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # sim.state imports this module
    from sim.state import WorldState


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

# The outcomes recorded per world: the one table every output, the model's indicators
# and the dashboard read. Each is "happened at least once within the horizon" in a world
# (the world's flags are sticky). A rung outcome is an operation on that rung or a higher
# one that lasted at least MIN_WEEKS of that rung in a row (1 week for a clash or an
# incursion, 2 for a corridor offensive, 3 for a full-scale invasion): a week's launch
# that Baku called off at once does not count. The order is the order of every output.


@dataclass(frozen=True)
class Outcome:
    """One outcome: its name in every output, what it means, whether the dashboard shows
    it, and its indicator: a function of the world state (``sim.state.WorldState``)
    giving one boolean per world."""

    name: str
    meaning: str
    indicator: Callable[["WorldState"], np.ndarray]
    dashboard: bool
    rung: Rung | None = None  # for the rung outcomes: the rung reached (or passed)


def _rung_outcome(name: str, rung: Rung, meaning: str) -> Outcome:
    weeks = int(MIN_WEEKS[rung])
    meaning = f"{meaning}, for at least {weeks} week{'s' if weeks > 1 else ''} in a row"
    return Outcome(name, meaning, lambda w: w.sustained_rung >= rung, dashboard=True, rung=rung)


def _csto_at_least(level: CstoResponse) -> Callable[["WorldState"], np.ndarray]:
    return lambda w: w.csto_level >= level


OUTCOME_TABLE: tuple[Outcome, ...] = (
    _rung_outcome("border_clash", Rung.BORDER_CLASH, "rung 2 (border clash) or higher fought"),
    _rung_outcome("limited_incursion", Rung.LIMITED_INCURSION,
                  "an operation on rung 3 (limited incursion) or higher"),
    _rung_outcome("corridor_offensive", Rung.CORRIDOR_OFFENSIVE,
                  "an operation on rung 4 (corridor offensive) or higher"),
    _rung_outcome("full_scale_invasion", Rung.FULL_SCALE_INVASION,
                  "a full-scale invasion (rung 5) launched and kept up"),
    Outcome("regional_war", "a third state fights (Russia/CSTO or a spill-over war); terminal",
            lambda w: w.war, dashboard=True),
    Outcome("peace_treaty", "peace treaty signed; terminal", lambda w: w.treaty, dashboard=True),
    Outcome("sanctions_imposed", "US/EU sanctions imposed on Azerbaijan",
            lambda w: w.ever_sanctioned, dashboard=True),
    Outcome("csto_statement", "the CSTO reacted at least with a statement",
            _csto_at_least(CstoResponse.STATEMENT), dashboard=False),
    Outcome("csto_monitoring_mission", "the CSTO sent at least a monitoring mission",
            _csto_at_least(CstoResponse.MONITORING_MISSION), dashboard=False),
    Outcome("csto_military_response", "the CSTO/Russia responded militarily",
            _csto_at_least(CstoResponse.MILITARY), dashboard=True),
    Outcome("russian_corridor_control", "Russian troops control a corridor through Syunik",
            lambda w: w.russian_corridor, dashboard=False),
    Outcome("pro_russian_unrest", "pro-Russian unrest in Armenia after fighting",
            lambda w: w.unrest, dashboard=False),
)

# Views of the table, for readers that need one column.
OUTCOME_NAMES: tuple[str, ...] = tuple(o.name for o in OUTCOME_TABLE)
OUTCOMES: dict[str, str] = {o.name: o.meaning for o in OUTCOME_TABLE}
RUNG_OUTCOMES: dict[str, Rung] = {o.name: o.rung for o in OUTCOME_TABLE if o.rung is not None}
DASHBOARD_OUTCOMES: tuple[str, ...] = tuple(o.name for o in OUTCOME_TABLE if o.dashboard)
