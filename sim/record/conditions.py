"""Conditions as of a month: the shipped conditions file (``conditions.yaml`` beside
this module, built from ``data/record/conditions_timeline.csv``), a scenario set up as
of a month from it, and the changes that fall inside a run.

The file format and the rule that applies it live in :mod:`sim.scenario.conditions`
(scenario files use it through ``as_of: YYYY-MM``); this module adds the calendar: which
model week a dated change falls in.
"""

import calendar
from dataclasses import replace

import pandas as pd

from sim.record.monthly import month_weeks, parse_month
from sim.scenario import Scenario
from sim.scenario.conditions import SHIPPED_CONDITIONS, Conditions, apply_conditions
from sim.scenario.conditions import load_conditions as _load
from sim.scenario.problems import Problem, ScenarioError

__all__ = [
    "SHIPPED_CONDITIONS",
    "Conditions",
    "load_conditions",
    "parameter_schedule",
    "scenario_as_of",
]


def load_conditions(path=None) -> Conditions:
    """The conditions file at ``path`` (None: the shipped one), validated."""
    return _load(path)


def _month(value, what: str) -> pd.Period:
    try:
        return parse_month(value)
    except ValueError as err:  # a caller's mistake (the CLI checks its months first)
        raise ScenarioError([Problem(what, None, "", str(err))]) from None


def scenario_as_of(
    scenario: Scenario, month, conditions: Conditions | None = None, what: str = "as_of"
) -> Scenario:
    """``scenario`` with every change dated on or before the 1st of ``month`` applied
    ("YYYY-MM" or a Period, inside the file's from..until, else ScenarioError naming the
    conditions file's line and ``what`` the month is: an origin, the record's start)."""
    conditions = conditions or load_conditions()
    period = _month(month, what)
    result = apply_conditions(scenario, period, conditions, what=what)
    return replace(result, name=f"{scenario.name} as of {period}")


def _week_of(day, start: pd.Period, weeks: list[int]) -> int:
    """The 0-based week of a run starting at ``start`` in which ``day`` falls: the weeks
    of its month, shared out over the month's days."""
    offset = (pd.Period(day, freq="M") - start).n
    first = sum(weeks[:offset])
    days = calendar.monthrange(day.year, day.month)[1]
    return first + min(weeks[offset] - 1, (day.day - 1) * weeks[offset] // days)


def parameter_schedule(
    scenario: Scenario, start_month, months: int, conditions: Conditions | None = None
) -> list[tuple[int, dict[str, float]]]:
    """Parameter changes that take effect during a run of ``months`` months set up as of
    ``start_month``: (0-based week, {"actor.name": value}), in week order.

    A change dated after the 1st of ``start_month`` (the run's own set-up has those on
    or before it) and before the run ends is scheduled in the week its date falls in.
    A value is the set distribution's mean (or the scenario's own mean for `scenario`),
    one number for every world. Initial-state changes are left out: inside a run the
    occupied ground, the Minsk group and the rest are what the model itself evolves.
    """
    conditions = conditions or load_conditions()
    start = _month(start_month, "start_month")
    weeks = month_weeks(start, months)
    begin, end = start.start_time.date(), (start + months).start_time.date()
    schedule: dict[int, dict[str, float]] = {}
    for change in conditions.changes:
        if not begin < change.date < end or not change.parameters:
            continue
        values = schedule.setdefault(_week_of(change.date, start, weeks), {})
        for key, entry in change.parameters.items():
            entry = scenario.parameters[key] if entry is None else entry
            values[key] = float(entry.dist.mean())
    return sorted(schedule.items())
