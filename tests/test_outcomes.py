"""The outcome table (sim.outcomes.OUTCOME_TABLE) is the one definition of the outcomes:
names and order of every output, meanings, indicators, rung outcomes and what the
dashboard shows all come from it."""

import numpy as np

from sim import ladder, outcomes
from sim.dashboard.logic import SHOWN_OUTCOMES
from sim.ladder import CstoResponse, Rung
from sim.outcomes import OUTCOME_NAMES, OUTCOME_TABLE
from tests.helpers import FROZEN_LADDER, Start, model

# The output contract's order (README, JSON, CSV): pinned here so the table keeps it.
CONTRACT_ORDER = (
    "border_clash",
    "limited_incursion",
    "corridor_offensive",
    "full_scale_invasion",
    "regional_war",
    "peace_treaty",
    "sanctions_imposed",
    "csto_statement",
    "csto_monitoring_mission",
    "csto_military_response",
    "russian_corridor_control",
    "pro_russian_unrest",
)


def test_every_view_is_read_off_the_one_table():
    names = tuple(o.name for o in OUTCOME_TABLE)
    assert names == CONTRACT_ORDER == OUTCOME_NAMES == tuple(outcomes.OUTCOMES)
    assert all(outcomes.OUTCOMES[o.name] == o.meaning and o.meaning for o in OUTCOME_TABLE)
    assert outcomes.RUNG_OUTCOMES == {
        "border_clash": Rung.BORDER_CLASH,
        "limited_incursion": Rung.LIMITED_INCURSION,
        "corridor_offensive": Rung.CORRIDOR_OFFENSIVE,
        "full_scale_invasion": Rung.FULL_SCALE_INVASION,
    }
    assert (
        SHOWN_OUTCOMES
        == tuple(o.name for o in OUTCOME_TABLE if o.dashboard)
        == (
            "border_clash",
            "limited_incursion",
            "corridor_offensive",
            "full_scale_invasion",
            "regional_war",
            "peace_treaty",
            "sanctions_imposed",
            "csto_military_response",
        )
    )


def _sustained_from_history(rungs: np.ndarray, running: np.ndarray, start: int) -> np.ndarray:
    """The highest rung each world kept up for its minimum length (``ladder.MIN_WEEKS``)
    in a row, computed afresh from its weekly rungs (weeks, n) while it ran; a world
    starts having reached its starting rung."""
    weeks, n = rungs.shape
    best = np.full(n, start)
    for rung in range(2, 6):
        run = np.zeros(n, dtype=int)
        for t in range(weeks):
            run = np.where(running[t], np.where(rungs[t] >= rung, run + 1, 0), run)
            best = np.where(run >= ladder.MIN_WEEKS[rung], np.maximum(best, rung), best)
    return best


def test_indicators_read_the_world_state_as_their_meanings_say():
    """Rung outcomes are operations kept up for their minimum length (recomputed here
    from each world's weekly rungs), not a single week's launch; the others read the
    world's flags."""
    m = model(
        4_000,
        seed=11,
        horizon=52,
        usa_eu__sanctions_credibility=0.2,
        azerbaijan__change_cost=0.5,
        azerbaijan__corridor_value=20.0,
        azerbaijan__buildup_weeks=2.0,
    )
    rungs, running = [], []
    while m.running:
        running.append(m.world.active.copy())
        m.step()
        rungs.append(m.world.rung.copy())
    w = m.world
    sustained = _sustained_from_history(np.array(rungs), np.array(running), start=1)
    np.testing.assert_array_equal(w.sustained_rung, sustained)
    ind = dict(zip(OUTCOME_NAMES, m.outcome_indicators(), strict=True))
    for name, rung in outcomes.RUNG_OUTCOMES.items():
        np.testing.assert_array_equal(ind[name], sustained >= rung, name)
    # "Fought even for a week" is kept apart, and here it differs from the outcome.
    np.testing.assert_array_equal(w.max_rung, np.max(rungs, axis=0).clip(min=1))
    assert np.any(w.max_rung > w.sustained_rung)
    np.testing.assert_array_equal(ind["regional_war"], w.war)
    np.testing.assert_array_equal(ind["peace_treaty"], w.treaty)
    np.testing.assert_array_equal(ind["sanctions_imposed"], w.ever_sanctioned)
    np.testing.assert_array_equal(ind["csto_statement"], w.csto_level >= CstoResponse.STATEMENT)
    np.testing.assert_array_equal(
        ind["csto_military_response"], w.csto_level == CstoResponse.MILITARY
    )
    np.testing.assert_array_equal(ind["russian_corridor_control"], w.russian_corridor)
    np.testing.assert_array_equal(ind["pro_russian_unrest"], w.unrest)
    # A run long enough that the ladder outcomes are neither never nor always seen.
    assert 0 < ind["border_clash"].mean() < 1
    assert 0 < ind["corridor_offensive"].mean() < ind["limited_incursion"].mean()


def test_outcome_counts_per_block_add_up_to_the_indicators():
    m = model(3_000, seed=4, horizon=20).run()
    m.blocks = 3  # the counts of three equal thirds of the worlds
    counts = m.outcome_counts()
    ind = m.outcome_indicators()
    assert counts.shape == (3, len(OUTCOME_TABLE))
    np.testing.assert_array_equal(counts.sum(axis=0), ind.sum(axis=1))
    np.testing.assert_array_equal(counts[1], ind[:, 1_000:2_000].sum(axis=1))


def test_sanctions_imposed_counts_sanctions_since_lifted():
    """Sanctions are a stock that is lifted after calm weeks; the outcome is whether they
    were ever imposed, so a world whose sanctions were lifted still counts. Baku is
    pinned at tension (frozen ladder) from a start under sanctions, lifted after 4 calm
    weeks."""
    m = model(
        50,
        seed=2,
        horizon=10,
        start=Start(sanctions_imposed=True),
        usa_eu__lift_after_weeks=4,
        **FROZEN_LADDER,
    ).run()
    assert not m.world.sanctioned.any()
    assert m.outcome_indicators()[OUTCOME_NAMES.index("sanctions_imposed")].all()
