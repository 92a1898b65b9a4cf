"""The escalation ladder and the outcomes recorded per world.

The ladder follows ``shared/DOMAIN.md`` (Kahn's escalation ladder, rungs separated by
thresholds). Terminal states sit beside the ladder: a signed peace treaty and a regional
war end a world's run; its rung is frozen at the moment it ended.
"""

from enum import IntEnum


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

# Outcome names as they appear in every output. Each is "happened at least once within
# the horizon" in a world; the rung outcomes mean "that rung or a higher one was reached".
OUTCOMES: dict[str, str] = {
    "border_clash": "rung 2 (border clash) or higher reached",
    "limited_incursion": "rung 3 (limited incursion) or higher reached",
    "corridor_offensive": "rung 4 (corridor offensive) or higher reached",
    "full_scale_invasion": "rung 5 (full-scale invasion) reached",
    "regional_war": "a third state fights (Russia/CSTO or a spill-over war); terminal",
    "peace_treaty": "peace treaty signed; terminal",
    "sanctions_imposed": "US/EU sanctions imposed on Azerbaijan",
    "csto_statement": "the CSTO reacted at least with a statement",
    "csto_monitoring_mission": "the CSTO sent at least a monitoring mission",
    "csto_military_response": "the CSTO/Russia responded militarily",
    "russian_corridor_control": "Russian troops control a corridor through Syunik",
    "pro_russian_unrest": "pro-Russian unrest in Armenia after fighting",
}
RUNG_OUTCOMES: dict[str, Rung] = {
    "border_clash": Rung.BORDER_CLASH,
    "limited_incursion": Rung.LIMITED_INCURSION,
    "corridor_offensive": Rung.CORRIDOR_OFFENSIVE,
    "full_scale_invasion": Rung.FULL_SCALE_INVASION,
}
