"""The outcome table (sim.ladder.OUTCOME_TABLE) is the one definition of the outcomes:
names and order of every output, meanings, indicators, rung outcomes and what the
dashboard shows all come from it."""

import numpy as np

from sim import ladder
from sim.dashboard.logic import SHOWN_OUTCOMES
from sim.ladder import OUTCOME_TABLE, CstoResponse, Rung
from sim.results import OUTCOME_NAMES
from tests.helpers import model

# The output contract's order (README, JSON, CSV): pinned here so the table keeps it.
CONTRACT_ORDER = (
    "border_clash", "limited_incursion", "corridor_offensive", "full_scale_invasion",
    "regional_war", "peace_treaty", "sanctions_imposed", "csto_statement",
    "csto_monitoring_mission", "csto_military_response", "russian_corridor_control",
    "pro_russian_unrest",
)


def test_every_view_is_read_off_the_one_table():
    names = tuple(o.name for o in OUTCOME_TABLE)
    assert names == CONTRACT_ORDER == OUTCOME_NAMES == tuple(ladder.OUTCOMES)
    assert all(ladder.OUTCOMES[o.name] == o.meaning and o.meaning for o in OUTCOME_TABLE)
    assert ladder.RUNG_OUTCOMES == {"border_clash": Rung.BORDER_CLASH,
                                    "limited_incursion": Rung.LIMITED_INCURSION,
                                    "corridor_offensive": Rung.CORRIDOR_OFFENSIVE,
                                    "full_scale_invasion": Rung.FULL_SCALE_INVASION}
    assert SHOWN_OUTCOMES == tuple(o.name for o in OUTCOME_TABLE if o.dashboard) == (
        "border_clash", "limited_incursion", "corridor_offensive", "full_scale_invasion",
        "regional_war", "peace_treaty", "sanctions_imposed", "csto_military_response")


def test_indicators_read_the_world_state_as_their_meanings_say():
    m = model(4_000, seed=11, horizon=52, usa_eu__sanctions_credibility=0.5).run()
    w = m.world
    ind = dict(zip(OUTCOME_NAMES, m.outcome_indicators(), strict=True))
    for name, rung in ladder.RUNG_OUTCOMES.items():
        np.testing.assert_array_equal(ind[name], w.max_rung >= rung, name)
    np.testing.assert_array_equal(ind["regional_war"], w.war)
    np.testing.assert_array_equal(ind["peace_treaty"], w.treaty)
    np.testing.assert_array_equal(ind["sanctions_imposed"], w.sanctioned)
    np.testing.assert_array_equal(ind["csto_statement"], w.csto_level >= CstoResponse.STATEMENT)
    np.testing.assert_array_equal(ind["csto_military_response"],
                                  w.csto_level == CstoResponse.MILITARY)
    np.testing.assert_array_equal(ind["russian_corridor_control"], w.russian_corridor)
    np.testing.assert_array_equal(ind["pro_russian_unrest"], w.unrest)
    # A run long enough that the ladder outcomes are neither never nor always seen.
    assert 0 < ind["border_clash"].mean() < 1


def test_outcome_counts_per_block_add_up_to_the_indicators():
    m = model(3_000, seed=4, horizon=20).run()
    m.blocks = 3  # the counts of three equal thirds of the worlds
    counts = m.outcome_counts()
    ind = m.outcome_indicators()
    assert counts.shape == (3, len(OUTCOME_TABLE))
    np.testing.assert_array_equal(counts.sum(axis=0), ind.sum(axis=1))
    np.testing.assert_array_equal(counts[1], ind[:, 1_000:2_000].sum(axis=1))
