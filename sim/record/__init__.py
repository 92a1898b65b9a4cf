"""The record of what happened (``data/record/``), the conditions as of any month, and
the mapping of calendar months to model weeks. See :mod:`sim.record.monthly` and
:mod:`sim.record.conditions`."""

from sim.record.conditions import (
    Conditions,
    load_conditions,
    parameter_schedule,
    scenario_as_of,
)
from sim.record.monthly import (
    COLUMNS,
    WEEKS_PER_MONTH,
    Record,
    load_record,
    month_weeks,
    observed_events,
    parse_month,
    record_outcomes,
)

__all__ = [
    "COLUMNS",
    "WEEKS_PER_MONTH",
    "Conditions",
    "Record",
    "load_conditions",
    "load_record",
    "month_weeks",
    "observed_events",
    "parameter_schedule",
    "parse_month",
    "record_outcomes",
    "scenario_as_of",
]
