"""The particle filter over the record (issue 17, items 2-4): observation model,
filter, forecasts from the filtered worlds. Seeded; tolerances stated per test."""

import numpy as np
import pandas as pd
import pytest

from sim.assimilation.filter import FilterError, WorldFilter, systematic
from sim.assimilation.forecast import filter_record, open_window
from sim.model import EscalationModel
from sim.montecarlo import run_scenario
from sim.outcomes import OUTCOME_NAMES
from sim.package_data import baseline_scenario
from sim.record import load_record, month_weeks, scenario_as_of
from sim.record.observation import (
    OBSERVATION_PARAMETERS,
    MonthObservation,
    ObservationModel,
    observation_table,
)
from sim.scenario import ScenarioError, load_scenario
from sim.seeding import dynamics_seed
from tests.conftest import RECORD


@pytest.fixture(scope="module")
def record():
    return load_record(RECORD)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(baseline_scenario())


def month(text):
    return pd.Period(text, freq="M")


# --- the observation model ------------------------------------------------------------


def test_every_observation_number_is_a_registry_parameter_with_a_source():
    model = ObservationModel()
    for spec in OBSERVATION_PARAMETERS:
        assert spec.low <= getattr(model, spec.name) <= spec.high
        assert spec.source.startswith(("assumption:", "data/record/README.md"))
    assert "missed_tension" in observation_table()


def test_confusion_rows_are_distributions_and_variants_order():
    for m in (ObservationModel(), ObservationModel().sharper(), ObservationModel().softer()):
        c = m.confusion()
        np.testing.assert_allclose(c.sum(axis=1), 1.0)
        assert (c >= 0).all()
    d, s = ObservationModel().confusion(), ObservationModel().sharper().confusion()
    assert (np.diag(s) > np.diag(d)).all()


def summary(**kw):
    from sim.record.observation import MonthSummary

    n = 3
    base = dict(
        max_rung=np.array([0, 2, 3]),
        ground=np.array([False, False, True]),
        csto_rose=np.zeros(n, bool),
        csto_standing=np.zeros(n, bool),
        sanctions=np.zeros(n, bool),
        signed=np.zeros(n, bool),
        ended=np.zeros(n, bool),
    )
    base.update(kw)
    return MonthSummary(**base)


def test_likelihood_prefers_the_matching_world_and_ended_worlds_contradict():
    obs = MonthObservation(month("2022-09"), 3, True, False, False, False)
    ll = ObservationModel().log_likelihood(summary(), obs)
    assert ll[2] > ll[1] >= ll[0]
    ended = summary(ended=np.array([False, False, True]))
    ll_end = ObservationModel().log_likelihood(ended, obs)
    assert ll_end[2] == pytest.approx(np.log(ObservationModel().contradiction_floor))
    assert (ObservationModel.uninformative().log_likelihood(ended, obs) == 0).all()


def test_csto_event_of_the_month_not_the_strongest_so_far():
    obs_none = MonthObservation(month("2023-04"), 2, False, False, False, False)
    m = ObservationModel()
    standing = summary(csto_standing=np.array([True, True, True]))
    rose = summary(csto_rose=np.array([True, True, True]))
    # a new answer unrecorded costs more than a standing one, which costs more than none
    assert (m.log_likelihood(rose, obs_none) < m.log_likelihood(standing, obs_none)).all()
    assert (m.log_likelihood(standing, obs_none) < m.log_likelihood(summary(), obs_none)).all()


# --- the filter -----------------------------------------------------------------------


def test_systematic_resampling_counts():
    w = np.array([0.5, 0.25, 0.125, 0.125])
    idx = systematic(w, 0.3)
    assert (
        np.bincount(idx, minlength=4).tolist() == [2, 1, 0, 1]
        or (np.abs(np.bincount(idx, minlength=4) - 4 * w) <= 1).all()
    )
    big = np.random.default_rng(0).dirichlet(np.ones(50))
    counts = np.bincount(systematic(big, 0.77), minlength=50)
    assert (np.abs(counts - 50 * big) < 1).all() and counts.sum() == 50


def test_filter_outputs_per_month_and_is_seeded(scenario, record):
    a = filter_record(
        scenario, record, [month("2021-07")], (1,), n_worlds=400, replicates=2, seed=5
    )
    b = filter_record(
        scenario, record, [month("2021-07")], (1,), n_worlds=400, replicates=2, seed=5
    )
    assert [m["month"] for m in a.months] == [str(month("2021-01") + i) for i in range(6)]
    assert a.log_likelihoods == b.log_likelihoods
    assert np.isfinite(a.log_likelihood) and np.isfinite(a.se)
    for m in a.months:
        assert 0 < m["ess"] <= m["worlds"] + 1e-9
        assert sum(m["rung"]) == pytest.approx(1.0)
        assert 0 <= m["resolve_belief"][0] <= 1 and 0 <= m["csto_trust"][0] <= 1
    np.testing.assert_array_equal(a.counts[(month("2021-07"), 1)], b.counts[(month("2021-07"), 1)])


def test_filtered_rung_follows_the_record(scenario, record):
    """After an incursion month the filtered rung of that month is almost surely 3."""
    r = filter_record(scenario, record, [month("2021-06")], (1,), n_worlds=1000, replicates=1)
    may = r.months[-1]
    assert may["month"] == "2021-05" and may["rung"][3] > 0.8


@pytest.mark.slow
def test_serial_equals_two_workers_equals_dask(scenario, record):
    distributed = pytest.importorskip("distributed")
    kw = dict(n_worlds=300, replicates=2, seed=11)
    serial = filter_record(scenario, record, [month("2021-05")], (3,), **kw)
    pooled = filter_record(scenario, record, [month("2021-05")], (3,), workers=2, **kw)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = filter_record(
            scenario, record, [month("2021-05")], (3,), dask=cluster.scheduler_address, **kw
        )
    for other in (pooled, on_dask):
        assert serial.log_likelihoods == other.log_likelihoods
        np.testing.assert_array_equal(
            serial.counts[(month("2021-05"), 3)], other.counts[(month("2021-05"), 3)]
        )


def test_no_leak_months_at_or_after_the_origin_do_not_matter(scenario, record, tmp_path):
    """Change every month from the origin on: the origin's forecast is the same, bit for
    bit (and forecasting another origin beside it changes nothing either)."""
    origin = month("2021-09")
    frame = record.frame.copy()
    later = frame.index >= origin
    frame.loc[later, "highest_rung"] = 5
    frame.loc[later, "ground_taken"] = True
    changed = type(record)(record.path, frame)
    kw = dict(n_worlds=300, replicates=1, seed=3)
    a = filter_record(scenario, record, [origin], (1, 3), **kw)
    b = filter_record(scenario, changed, [origin, month("2021-12")], (1, 3), **kw)
    for h in (1, 3):
        np.testing.assert_array_equal(a.counts[(origin, h)], b.counts[(origin, h)])
    assert a.log_likelihoods == [sum(m["log_likelihood"] for m in a.months)]


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_uninformative_filter_at_the_first_month_equals_a_blank_run(scenario, record):
    """No month filtered: the forecast is a blank run's, within Monte Carlo error (4 SE,
    different seeds)."""
    n, first = 4000, record.first_month
    f = filter_record(
        scenario,
        record,
        [first],
        (12,),
        n_worlds=n,
        replicates=1,
        seed=1,
        observation=ObservationModel.uninformative(),
    )
    blank = run_scenario(
        scenario_as_of(scenario, first),
        n_worlds=n,
        seed=2,
        horizon_weeks=sum(month_weeks(first, 12)),
    )
    for name in ("border_clash", "limited_incursion", "csto_statement"):
        p, q = f.probability(first, 12, name)[0] / n, blank.estimate(name).p
        se = np.sqrt(p * (1 - p) / n + q * (1 - q) / n)
        assert abs(p - q) < 4 * se + 1e-9, name


def _plain_forecast(scenario, record, origin, horizon, n, seed):
    """The same worlds run through the months before the origin with no weighing at all
    (an independent loop), then forward; outcomes counted in the window."""
    from sim.record import parameter_schedule

    first = record.first_month
    months = (origin - first).n
    start = scenario_as_of(scenario, first)
    seq = np.random.SeedSequence(seed)
    model = EscalationModel(
        start.sample(seq, n), start.initial, 10_000, np.random.default_rng(dynamics_seed(seq))
    )
    changes = dict(parameter_schedule(scenario, first, months))
    for week in range(sum(month_weeks(first, months))):
        if week in changes:
            model.update_parameters(changes[week])
        model.step()
    open_window(model.world)
    for _ in range(sum(month_weeks(origin, horizon))):
        model.step()
    return model.outcome_indicators().sum(axis=1)


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_uninformative_filter_equals_the_unweighted_run(scenario, record):
    """With an uninformative observation model the filter never resamples and its
    forecast equals the unweighted run through the same months, within Monte Carlo
    error (4 SE, different seeds)."""
    n, origin = 3000, month("2022-01")
    f = filter_record(
        scenario,
        record,
        [origin],
        (3,),
        n_worlds=n,
        replicates=1,
        seed=1,
        observation=ObservationModel.uninformative(),
    )
    assert all(m["resampled"] == 0 and m["ess"] == pytest.approx(n) for m in f.months)
    assert f.log_likelihood == 0.0
    plain = _plain_forecast(scenario, record, origin, 3, n, seed=99)
    for name in ("border_clash", "limited_incursion", "csto_statement", "peace_treaty"):
        i = OUTCOME_NAMES.index(name)
        p, q = f.counts[(origin, 3)][i] / n, plain[i] / n
        se = np.sqrt(p * (1 - p) / n + q * (1 - q) / n)
        assert abs(p - q) < 4 * se + 1e-9, name


# --- bad input ------------------------------------------------------------------------


def test_as_of_more_than_a_month_past_the_record(scenario, record):
    with pytest.raises(ScenarioError, match="more than one month past"):
        filter_record(scenario, record, [record.last_month + 2], (1,), n_worlds=10, replicates=1)


def test_every_world_ruled_out_names_the_month(scenario, record):
    """An observation model under which no world can produce the record's month (a
    quiet month in which ground was taken, with neither misread): the month and the
    reason."""
    impossible = ObservationModel(
        far_error=0.0,
        overcoded_incursion=0.0,
        undercoded_incursion=0.0,
        adjacent_error=0.0,
        ground_false=0.0,
    )
    # 2021-01: no dated change of the ground held that month (2021-05 has one).
    with pytest.raises(FilterError, match=r"2021-01.*probability 0"):
        f = WorldFilter(
            # seed 3: no world ends (treaty, war) in the first month, which would let
            # it through at the contradiction floor
            scenario,
            record.first_month,
            6,
            50,
            np.random.SeedSequence(3),
            observation=impossible,
        )
        for i in range(5):
            ground = i == 0
            f.assimilate(MonthObservation(record.first_month + i, 0, ground, False, False, False))


@pytest.mark.slow
def test_spread_over_filtered_worlds_is_seeded_and_shared_out(scenario, record):
    """The forecast's spread pass: G filtered worlds x m copies, shared out over the
    replicate filters; seeded, the same with 2 workers, and separate from the forecast's
    own stream (switching it off leaves the forecast's counts unchanged)."""
    origin = month("2021-07")
    kwargs = dict(n_worlds=400, replicates=2, seed=5, tally_horizon=2)
    a = filter_record(scenario, record, [origin], (2,), spread=(9, 10), **kwargs)
    b = filter_record(scenario, record, [origin], (2,), spread=(9, 10), workers=2, **kwargs)
    off = filter_record(scenario, record, [origin], (2,), **kwargs)
    assert a.spreads[origin].shape == (9, len(OUTCOME_NAMES))
    np.testing.assert_array_equal(a.spreads[origin], b.spreads[origin])
    assert (a.spreads[origin] >= 0).all() and (a.spreads[origin] <= 10).all()
    np.testing.assert_array_equal(a.counts[(origin, 2)], off.counts[(origin, 2)])
    spread = a.run_result(origin, "s", 5).spread
    assert spread.computed and spread.draws == 9 and spread.worlds_per_draw == 10
    assert not off.run_result(origin, "s", 5).spread.computed
    p10, p50, p90 = spread.percentiles("border_clash")
    assert 0 <= p10 <= p50 <= p90 <= 1
