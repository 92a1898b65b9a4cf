"""The outcomes: one row each, the one place that says what an outcome is.

A row (:class:`Outcome`) gives the outcome's name in every output, its meaning, whether
the dashboard shows it, and how each source reads it:

- ``in_worlds``: from simulated worlds at the end of a run (one boolean per world; the
  model's tally, every forecast and the dashboard read it);
- ``in_month``: from a month of the record (``data/record/``; the rolling backtest
  scores it), or None where the record does not show the outcome;
- ``in_case``: from a history case's ``observed:`` block (the case backtest scores it),
  or None where a case does not record it;
- ``in_week``: from one simulated week, for the simulated monthly records a calibration
  compares with the record (:mod:`sim.calibration.summary`), or None.

Each outcome is "happened at least once within the horizon" in a world (the world's
flags are sticky). A rung outcome is an operation on that rung or a higher one that
lasted at least ``sim.ladder.MIN_WEEKS`` of that rung in a row (1 week for a clash or an
incursion, 2 for a corridor offensive, 3 for a full-scale invasion): a week's launch that
Baku called off at once does not count. The order of the table is the order of every
output (README, JSON, CSV).

Adding an outcome is one row here (plus its test): the model's tally, the record's
events, the history cases and the dashboard read the table; ``tests/test_outcome_rows.py``
checks that every reader a row declares is read.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.ladder import MIN_WEEKS, CstoResponse, Rung

if TYPE_CHECKING:
    import pandas as pd

    from sim.state import WorldState


@dataclass(frozen=True)
class Reader:
    """How a source shows an outcome: the fields it reads (columns of the record, keys
    of a case's ``observed:`` block) and the test on their values, called with them in
    that order. The record passes whole columns (the test is vectorised: one answer per
    month); a case passes single values. The first field also places the outcome among
    its source's outcomes: they are listed in the order of the source's fields."""

    fields: tuple[str, ...]
    test: Callable[..., Any]
    meaning: str = ""  # how the source shows it, where that says more than the outcome

    def read(self, values: "Mapping[str, Any] | pd.DataFrame") -> Any:
        """The test on the fields' values (``values[field]`` for each)."""
        return self.test(*(values[f] for f in self.fields))


@dataclass(frozen=True)
class Outcome:
    """One outcome: its name in every output, what it means, whether the dashboard shows
    it, and how simulated worlds, a month of the record, a history case and a simulated
    week show it (see the module docstring)."""

    name: str
    meaning: str
    in_worlds: Callable[["WorldState"], np.ndarray]
    dashboard: bool
    rung: Rung | None = None  # for the rung outcomes: the rung reached (or passed)
    csto: CstoResponse | None = None  # for the CSTO outcomes: the least reaction counted
    in_month: Reader | None = None
    in_case: Reader | None = None
    in_week: Callable[["WorldState"], np.ndarray] | None = None

    def month(self, frame: "pd.DataFrame") -> "pd.Series":
        """Whether the outcome happened in each month of a record's frame."""
        if self.in_month is None:
            raise ValueError(f"the record does not show {self.name}")
        return self.in_month.read(frame).astype(bool)

    def week(self, world: "WorldState") -> np.ndarray:
        """Whether the outcome shows in each world's current week (a calibration's
        simulated monthly record reads it week by week)."""
        if self.in_week is None:
            raise ValueError(f"a simulated week does not record {self.name}")
        return self.in_week(world)

    def case(self, observed: "Mapping[str, Any]") -> bool:
        """Whether the outcome happened in a history case, from its ``observed:`` values
        (the CSTO's reaction as a :class:`~sim.ladder.CstoResponse`)."""
        if self.in_case is None:
            raise ValueError(f"a history case does not record {self.name}")
        return bool(self.in_case.read(observed))


def treaty_signed(step: str) -> bool:
    """A treaty step says the treaty was signed ("initialled" or "not signed" do not)."""
    text = step.lower()
    return (
        re.search(r"\bsigned\b", text) is not None and re.search(r"\bnot\s+signed\b", text) is None
    )


def rung_at_least(rung: Rung) -> Reader:
    """A source's highest rung (a month's or a case's) is ``rung`` or higher."""
    return Reader(("highest_rung",), lambda highest: highest >= rung)


def csto_at_least(level: CstoResponse) -> Reader:
    """A source's CSTO reaction (a month's or a case's) is ``level`` or stronger."""
    return Reader(("csto_reaction",), lambda reaction: reaction >= level)


def _rung_outcome(
    name: str, rung: Rung, meaning: str, *, in_month: Reader | None = None, calibrated: bool = False
) -> Outcome:
    """A rung outcome: held for its minimum length in worlds, reached in a case's
    highest rung; with ``calibrated``, fought in a simulated week (at its rung or
    higher)."""
    weeks = int(MIN_WEEKS[rung])
    meaning = f"{meaning}, for at least {weeks} week{'s' if weeks > 1 else ''} in a row"
    return Outcome(
        name,
        meaning,
        lambda w: w.sustained_rung >= rung,
        dashboard=True,
        rung=rung,
        in_month=in_month,
        in_case=rung_at_least(rung),
        in_week=(lambda w: w.rung >= rung) if calibrated else None,
    )


def _csto_outcome(
    name: str,
    level: CstoResponse,
    meaning: str,
    *,
    dashboard: bool,
    in_case: bool = False,
    in_month: bool = False,
    calibrated: bool = False,
) -> Outcome:
    """The CSTO reacted at least at ``level``: its strongest reaction so far in worlds
    (and in a simulated week), the reaction a case or a month records."""
    return Outcome(
        name,
        meaning,
        lambda w: w.csto_level >= level,
        dashboard=dashboard,
        csto=level,
        in_month=csto_at_least(level) if in_month else None,
        in_case=csto_at_least(level) if in_case else None,
        in_week=(lambda w: w.csto_level >= level) if calibrated else None,
    )


OUTCOME_TABLE: tuple[Outcome, ...] = (
    _rung_outcome(
        "border_clash",
        Rung.BORDER_CLASH,
        "rung 2 (border clash) or higher fought",
        in_month=rung_at_least(Rung.BORDER_CLASH),
        calibrated=True,
    ),
    # The record's limited_incursion is "rung >= 3 or ground taken": in the model taking
    # ground *is* rung 3 (DOMAIN.md), and a month could report ground taken without
    # being coded rung 3.
    _rung_outcome(
        "limited_incursion",
        Rung.LIMITED_INCURSION,
        "an operation on rung 3 (limited incursion) or higher",
        calibrated=True,
        in_month=Reader(
            ("highest_rung", "ground_taken"),
            lambda highest, ground: (highest >= Rung.LIMITED_INCURSION) | ground,
            "highest rung 3 (limited incursion) or higher, or ground taken",
        ),
    ),
    _rung_outcome(
        "corridor_offensive",
        Rung.CORRIDOR_OFFENSIVE,
        "an operation on rung 4 (corridor offensive) or higher",
    ),
    _rung_outcome(
        "full_scale_invasion",
        Rung.FULL_SCALE_INVASION,
        "a full-scale invasion (rung 5) launched and kept up",
    ),
    Outcome(
        "regional_war",
        "a third state fights (Russia/CSTO or a spill-over war); terminal",
        lambda w: w.war,
        dashboard=True,
        in_case=Reader(("regional_war",), lambda war: war),
    ),
    Outcome(
        "peace_treaty",
        "peace treaty signed; terminal",
        lambda w: w.treaty,
        dashboard=True,
        in_month=Reader(
            ("treaty_step",),
            lambda step: step.map(treaty_signed),
            "a treaty step says the treaty was signed",
        ),
        in_case=Reader(("peace_treaty",), lambda signed: signed),
    ),
    # Sanctions in worlds: ever imposed (a stock lifted after calm weeks still counts);
    # in a simulated week: in force that week (a calibration counts the months in which
    # they came into force, as the record does).
    Outcome(
        "sanctions_imposed",
        "US/EU sanctions imposed on Azerbaijan",
        lambda w: w.ever_sanctioned,
        dashboard=True,
        in_month=Reader(("sanctions_on_azerbaijan",), lambda imposed: imposed),
        in_case=Reader(("sanctions_imposed",), lambda imposed: imposed),
        in_week=lambda w: w.sanctioned,
    ),
    _csto_outcome(
        "csto_statement",
        CstoResponse.STATEMENT,
        "the CSTO reacted at least with a statement",
        dashboard=False,
        in_case=True,
        in_month=True,
        calibrated=True,
    ),
    _csto_outcome(
        "csto_monitoring_mission",
        CstoResponse.MONITORING_MISSION,
        "the CSTO sent at least a monitoring mission",
        dashboard=False,
    ),
    _csto_outcome(
        "csto_military_response",
        CstoResponse.MILITARY,
        "the CSTO/Russia responded militarily",
        dashboard=True,
        in_case=True,
    ),
    Outcome(
        "russian_corridor_control",
        "Russian troops control a corridor through Syunik",
        lambda w: w.russian_corridor,
        dashboard=False,
    ),
    Outcome(
        "pro_russian_unrest",
        "pro-Russian unrest in Armenia after fighting",
        lambda w: w.unrest,
        dashboard=False,
    ),
)

# Views of the table, for readers that need one column.
OUTCOME_NAMES: tuple[str, ...] = tuple(o.name for o in OUTCOME_TABLE)
OUTCOMES: dict[str, str] = {o.name: o.meaning for o in OUTCOME_TABLE}
BY_NAME: dict[str, Outcome] = {o.name: o for o in OUTCOME_TABLE}
RUNG_OUTCOMES: dict[str, Rung] = {o.name: o.rung for o in OUTCOME_TABLE if o.rung is not None}
DASHBOARD_OUTCOMES: tuple[str, ...] = tuple(o.name for o in OUTCOME_TABLE if o.dashboard)


def read_by(source: str, order: tuple[str, ...]) -> tuple[Outcome, ...]:
    """The outcomes a source shows (``"in_month"`` or ``"in_case"``), listed in the order
    of the source's fields ``order`` (then of the table). Reads the table when called."""
    rows = [o for o in OUTCOME_TABLE if getattr(o, source) is not None]
    return tuple(sorted(rows, key=lambda o: order.index(getattr(o, source).fields[0])))
