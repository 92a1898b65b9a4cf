"""Adding an outcome is one row (sim.outcomes) plus its test: every reader a row declares
is read by the part of the program it serves, and nothing else restates the outcomes.

- ``in_worlds``: the model's indicators and tally, and every forecast;
- ``in_month``: the record's events (``observed_events``) and the rolling backtest;
- ``in_case``: a history case's observed outcomes (the case backtest);
- ``in_week``: the calibration's statistics.

The last test adds rows to the table and shows the record and the cases pick them up
with no other edit.
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sim import outcomes
from sim.analysis.rolling import check_origins
from sim.calibration import summary
from sim.outcomes import OUTCOME_NAMES, OUTCOME_TABLE, Outcome, Reader
from sim.record import COLUMNS, load_record, observed_events, record_outcomes
from sim.scenario import ScenarioError
from sim.scenario.claims import OBSERVED_KEYS, Observed
from tests.conftest import REPO
from tests.helpers import model

RECORD = REPO / "data" / "record" / "armenia_azerbaijan_monthly.csv"
CASE = Observed(
    highest_rung=3,
    sanctions_imposed=True,
    csto_reaction="monitoring_mission",
    peace_treaty=False,
    regional_war=True,
)


def _names(rows) -> set[str]:
    return {o.name for o in rows}


def test_every_row_is_read_by_the_model_tally():
    m = model(600, seed=3, horizon=30, usa_eu__sanctions_credibility=0.2).run()
    expected = np.stack([o.in_worlds(m.world) for o in OUTCOME_TABLE])
    np.testing.assert_array_equal(m.outcome_indicators(), expected)
    tally = m.tally()
    assert tally.co_occurrence.shape == (len(OUTCOME_TABLE),) * 2
    np.testing.assert_array_equal(np.diag(tally.co_occurrence), expected.sum(axis=1))


def test_the_record_reads_exactly_the_rows_with_a_month_reader():
    rows = [o for o in OUTCOME_TABLE if o.in_month is not None]
    assert all(set(o.in_month.fields) <= set(COLUMNS) for o in rows)
    record = load_record(RECORD)
    events = observed_events(record)
    assert set(events.columns) == _names(rows) == _names(record_outcomes())
    for o in rows:  # each column is the row's own reading of the months
        pd.testing.assert_series_equal(events[o.name], o.month(record.frame), check_names=False)
    # The rolling backtest forecasts these by default and refuses the others.
    origin = [record.first_month + 12]
    check_origins(record, origin, [o.name for o in rows])
    for o in OUTCOME_TABLE:
        if o.in_month is None:
            with pytest.raises(ScenarioError, match="record's events are"):
                check_origins(record, origin, [o.name])
            with pytest.raises(ValueError, match="does not show"):
                o.month(record.frame)


def test_a_case_reads_exactly_the_rows_with_a_case_reader():
    rows = [o for o in OUTCOME_TABLE if o.in_case is not None]
    assert all(set(o.in_case.fields) <= set(OBSERVED_KEYS) for o in rows)
    observed = CASE.outcomes()
    assert set(observed) == _names(rows)
    assert observed == {
        "border_clash": True,
        "limited_incursion": True,
        "corridor_offensive": False,
        "full_scale_invasion": False,
        "sanctions_imposed": True,
        "csto_statement": True,
        "csto_military_response": False,
        "peace_treaty": False,
        "regional_war": True,
    }
    with pytest.raises(ValueError, match="does not record"):
        next(o for o in OUTCOME_TABLE if o.in_case is None).case({})


def test_the_calibration_reads_every_row_with_a_week_reader():
    """Rung rows give the shares' rungs (beside tension); the others are the two window
    indicators. A week reader the calibration does not read fails here."""
    rows = [o for o in OUTCOME_TABLE if o.in_week is not None]
    rung_rows = [o for o in rows if o.rung is not None]
    assert summary.RUNG_THRESHOLDS == (1, *(int(o.rung) for o in rung_rows))
    assert {o.name for o in rows if o.rung is None} == {summary.CSTO.name, summary.SANCTIONS.name}
    # Each compares with the record: it has a month reader too.
    assert all(o.in_month is not None for o in rows)
    # A rung row's week is "fought at its rung or higher", which is what a month's
    # highest weekly rung reaching that rung reads.
    m = model(400, seed=2, horizon=20, azerbaijan__change_cost=0.5).run()
    for o in rung_rows:
        np.testing.assert_array_equal(o.in_week(m.world), m.world.rung >= o.rung)


def test_order_of_the_outputs_is_the_tables_and_the_sources_fields():
    assert OUTCOME_NAMES == tuple(o.name for o in OUTCOME_TABLE)
    assert [o.name for o in record_outcomes()] == [
        "border_clash",
        "limited_incursion",
        "csto_statement",
        "sanctions_imposed",
        "peace_treaty",
    ]
    assert list(CASE.outcomes())[:5] == [
        "border_clash",
        "limited_incursion",
        "corridor_offensive",
        "full_scale_invasion",
        "sanctions_imposed",
    ]


def test_a_new_row_reaches_the_record_and_the_cases_with_no_other_edit(monkeypatch, tmp_path):
    """Plant two rows: a new outcome ("deaths", any Armenian military death in a month,
    a case's highest rung 2 or more) and the corridor offensive read off the record
    too. The record's events, the rolling backtest's check and a case's outcomes pick
    them up, in the order of their sources' fields."""
    deaths = Outcome(
        "deaths",
        "Armenian soldiers killed",
        lambda w: w.max_rung >= 2,
        dashboard=False,
        in_month=Reader(("armenian_military_deaths",), lambda d: d > 0),
        in_case=Reader(("highest_rung",), lambda r: r >= 2),
    )
    corridor = outcomes.BY_NAME["corridor_offensive"]
    corridor = dataclasses.replace(corridor, in_month=outcomes.rung_at_least(corridor.rung))
    table = tuple(corridor if o.name == corridor.name else o for o in OUTCOME_TABLE)
    monkeypatch.setattr(outcomes, "OUTCOME_TABLE", (*table, deaths))
    record = load_record(RECORD)
    events = observed_events(record)
    assert list(events.columns) == [
        "border_clash",
        "limited_incursion",
        "corridor_offensive",
        "deaths",
        "csto_statement",
        "sanctions_imposed",
        "peace_treaty",
    ]
    deaths_by_month = record.frame["armenian_military_deaths"] > 0
    assert events["deaths"].tolist() == deaths_by_month.tolist()
    assert events["deaths"].any() and not events["corridor_offensive"].any()
    check_origins(record, [record.first_month + 12], ["deaths", "corridor_offensive"])
    assert CASE.outcomes()["deaths"] is True
