"""The episode definitions (issue 11): rung outcomes are operations kept up for their
minimum length (sim.ladder.MIN_WEEKS), and an operation ends held, repelled or withdrawn
(sim.operations.conduct_operations), with the ground it took kept.

Paths are forced with a scripted Baku (a subclass overriding ``decide``, as notebook 05
teaches) and parameters that remove chance: no readiness (nothing is thrown back), no
CSTO war (Moscow at zero noise with no duty), no spill-over, no concessions (no offer).
"""

import numpy as np
import pytest

from sim.actors import ACTOR_ORDER
from sim.actors.azerbaijan import Azerbaijan
from sim.ladder import MIN_WEEKS, OperationEnd, Rung, posture_at
from sim.model import EscalationModel
from sim.operations import OBJECTIVE_KM2, conduct_operations
from sim.outcomes import OUTCOME_NAMES
from tests.helpers import FROZEN_LADDER, Start, model, params

NONE, HELD, REPELLED, WITHDRAWN = (int(e) for e in OperationEnd)
CALM = dict(
    armenia__border_readiness=0.0,
    armenia__denial_capacity=0.0,
    armenia__reform_rate=0.0,
    armenia__minsk_concession_rate=0.0,
    armenia__constitution_reform_rate=0.0,
    csto__obligation_strength=0.0,
    russia__decision_noise=0.0,
    world__spillover_hazard=0.0,
)


def scripted(script: list[int]) -> type[Azerbaijan]:
    """A Baku that fights rung ``script[t]`` in week t + 1 (the last one after)."""

    class Scripted(Azerbaijan):
        def decide(self, w, v, u):
            rung = script[min(w.week, len(script)) - 1]
            return np.full(w.n, posture_at(rung), np.int8), np.full(w.n, rung, w.rung.dtype)

    return Scripted


def run_script(script: list[int], n: int = 4, start: Start | None = None, **overrides):
    classes = tuple(scripted(script) if cls is Azerbaijan else cls for cls in ACTOR_ORDER)
    m = EscalationModel(
        params(n, **{**CALM, **overrides}),
        start or Start(),
        len(script) + 2,
        np.random.default_rng(3),
        actor_classes=classes,
    )
    return m.run()


RUNG_OUTCOMES = ("border_clash", "limited_incursion", "corridor_offensive", "full_scale_invasion")


def outcomes(m) -> dict[str, bool]:
    """Each rung outcome in world 0 (the scripted worlds fight alike; sanctions and the
    like are still drawn)."""
    ind = dict(zip(OUTCOME_NAMES, m.outcome_indicators(), strict=True))
    assert all(np.all(ind[name] == ind[name][0]) for name in RUNG_OUTCOMES)
    return {name: bool(ind[name][0]) for name in RUNG_OUTCOMES}


def test_minimum_lengths_are_the_documented_ones():
    assert MIN_WEEKS.tolist() == [0, 0, 1, 1, 2, 3]


@pytest.mark.parametrize(
    "script, reached",
    [
        ([5, 1], "limited_incursion"),  # one week of invasion: an incursion, nothing more
        ([5, 5, 1], "corridor_offensive"),  # two: a corridor offensive's length
        ([5, 5, 5, 1], "full_scale_invasion"),  # three in a row: an invasion
        ([5, 5, 1, 5, 5, 1], "corridor_offensive"),  # two runs of two do not add up
        ([5, 5, 4, 5, 1], "corridor_offensive"),  # the run on rung >= 4 lasts four weeks
        ([4, 1], "limited_incursion"),
        ([4, 4, 1], "corridor_offensive"),
        ([3, 1], "limited_incursion"),  # a clash or an incursion counts from one week
        ([2, 1], "border_clash"),
        ([1, 1], None),
    ],
)
def test_rung_outcomes_need_their_minimum_length(script, reached):
    m = run_script(script)
    expected = {
        name: reached is not None and i <= RUNG_OUTCOMES.index(reached)
        for i, name in enumerate(RUNG_OUTCOMES)
    }
    assert outcomes(m) == expected
    assert np.all(m.world.max_rung == max(script))  # "fought even for a week" is kept


def test_an_operation_under_way_at_the_start_counts():
    """A world that starts on a rung has reached it: the run already lasts its minimum
    length, so even a withdrawal in the first week leaves the outcome."""
    got = outcomes(run_script([1, 1], start=Start(rung=5)))
    assert got["full_scale_invasion"]
    # Starting on rung 4 and invading for two weeks: the corridor run goes on (counts),
    # the invasion lasts two weeks (does not).
    got = outcomes(run_script([5, 5, 1], start=Start(rung=4)))
    assert got["corridor_offensive"] and not got["full_scale_invasion"]


def test_conduct_operations_ends_known_answers():
    """One week of operations for six worlds, by hand: (rung, last rung, last end,
    ground so far, draw) -> (ground, so far, end, next start). Success 0.5 (15 km2 a
    week at rung 3, 50 at rung 4), repel chance 0.3."""
    rung = np.array([3, 3, 3, 3, 4, 1], dtype=np.int8)
    last = np.array([3, 3, 3, 4, 3, 5], dtype=np.int8)
    last_end = np.array([NONE, NONE, HELD, NONE, NONE, NONE], dtype=np.int8)
    so_far = np.array([10.0, 30.0, 45.0, 120.0, 30.0, 400.0])
    u = np.array([0.1, 0.9, 0.9, 0.9, 0.9, 0.9])
    ground, new_so_far, end, start = conduct_operations(
        rung, last, last_end, so_far, np.full(6, 0.5), np.full(6, 0.3), u
    )
    # 0: repelled (u < 0.3): no ground this week, the next choice starts at a clash.
    # 1: 30 + 15 = 45 >= 40: held, the next choice starts at tension.
    # 2: a new incursion after one held: counts from zero.
    # 3: Baku stepped down from the corridor: withdrawn; a new incursion starts.
    # 4: escalating from an incursion starts a corridor offensive, not an end.
    # 5: stepping down from an invasion to tension: withdrawn.
    np.testing.assert_array_equal(ground, [0, 15, 15, 15, 50, 0])
    np.testing.assert_array_equal(new_so_far, [10, 45, 15, 15, 50, 0])
    np.testing.assert_array_equal(end, [REPELLED, HELD, NONE, WITHDRAWN, NONE, WITHDRAWN])
    np.testing.assert_array_equal(start, [Rung.BORDER_CLASH, Rung.TENSION, 3, 3, 4, 1])
    assert OBJECTIVE_KM2[3] == 40.0 and OBJECTIVE_KM2[4] == 300.0


def test_a_border_clash_is_not_an_operation():
    ground, so_far, end, start = conduct_operations(
        np.array([1, 2], dtype=np.int8),
        np.array([2, 2], dtype=np.int8),
        np.zeros(2, dtype=np.int8),
        np.zeros(2),
        np.ones(2),
        np.ones(2),
        np.zeros(2),
    )
    np.testing.assert_array_equal(ground, 0.0)
    np.testing.assert_array_equal(end, NONE)  # stepping down from a clash ends nothing
    np.testing.assert_array_equal(start, [1, 2])


def test_an_operation_held_digs_in_at_tension_and_keeps_its_ground():
    """Baku's own rule on a frozen ladder: an incursion taking 15 km2 a week holds its
    40 km2 objective in week 3, then Baku starts from tension and stays there."""
    m = model(
        8,
        seed=2,
        horizon=8,
        start=Start(rung=3),
        azerbaijan__military_advantage=0.5,
        **CALM,
        **FROZEN_LADDER,
    )
    rungs, ends = [], []
    while m.running:
        m.step()
        rungs.append(int(m.world.rung[0]))
        ends.append(int(m.world.op_end[0]))
    assert rungs == [3, 3, 3, 1, 1, 1, 1, 1]
    assert ends == [NONE, NONE, HELD, NONE, NONE, NONE, NONE, NONE]
    np.testing.assert_array_equal(m.world.occupied_km2, 170 + 45)
    np.testing.assert_array_equal(m.world.ops_ended, [[1] * 8, [0] * 8, [0] * 8])
    assert not m.world.corridor_held.any()  # an incursion is not the corridor


def test_a_corridor_offensive_held_holds_the_corridor():
    m = model(
        4,
        seed=2,
        horizon=5,
        start=Start(rung=4),
        azerbaijan__military_advantage=1.0,
        **CALM,
        **FROZEN_LADDER,
    ).run()
    # 100 km2 a week: the 300 km2 strip is held in week 3.
    assert m.world.corridor_held.all()
    np.testing.assert_array_equal(m.world.occupied_km2, 170 + 300)
    assert np.all(m.world.rung == Rung.TENSION)


def test_repelled_operations_take_no_ground_that_week_and_fall_back_to_a_clash():
    """Success 0.5 x (1 - 0.5) = 0.25 (7.5 km2 a week), repel chance 0.5 x 0.5 = 0.25:
    over 40,000 worlds the repelled share is within 5 standard errors of 0.25."""
    n = 40_000
    m = model(
        n,
        seed=9,
        horizon=1,
        start=Start(rung=3),
        **{
            **CALM,
            **FROZEN_LADDER,
            "azerbaijan__military_advantage": 0.5,
            "armenia__border_readiness": 0.5,
        },
    )
    m.step()
    w = m.world
    repelled = w.op_end == REPELLED
    assert abs(repelled.mean() - 0.25) < 5 * np.sqrt(0.25 * 0.75 / n)
    np.testing.assert_array_equal(w.occupied_km2, np.where(repelled, 170.0, 177.5))
    np.testing.assert_array_equal(w.start_rung, np.where(repelled, 2, 3))
    np.testing.assert_array_equal(w.ops_ended[1], repelled)


def test_ground_is_kept_after_the_end_and_ends_are_counted():
    """Incursions of one week called off twice (withdrawn), then one kept up until its
    objective is held (week 7, 3 x 15 km2), then tension: five weeks of 15 km2 taken and
    kept, two withdrawals and one hold."""
    m = run_script([3, 1, 3, 1, 3, 3, 3, 1, 1, 1], azerbaijan__military_advantage=0.5)
    w = m.world
    np.testing.assert_array_equal(w.occupied_km2, 170 + 5 * 15)
    np.testing.assert_array_equal(w.ops_ended[:, 0], [1, 0, 2])
    assert outcomes(m)["limited_incursion"] and not outcomes(m)["corridor_offensive"]


def test_the_end_of_an_operation_is_what_the_actors_learn_from():
    """The model hands each actor's learn() the worlds whose operation (rung >= 3) ran
    last week and not this one: twice in this script (weeks 2 and 5)."""
    seen = []

    class Watching(scripted([3, 1, 2, 3, 1, 1])):
        def learn(self, w, v, operation_ended):
            seen.append(bool(operation_ended[0]))
            super().learn(w, v, operation_ended)

    classes = tuple(Watching if cls is Azerbaijan else cls for cls in ACTOR_ORDER)
    EscalationModel(
        params(2, **CALM), Start(), 6, np.random.default_rng(1), actor_classes=classes
    ).run()
    assert seen == [False, True, False, False, True, False]


def test_a_corridor_secured_takes_the_corridor_out_of_bakus_later_gains():
    """Risk-neutral, a corridor held (by Baku, by Russia, or given by a transit route)
    removes corridor_value x success from rungs 4 and 5 and leaves rungs 0-3 alone."""
    from tests.helpers import bakus_utilities, views, world

    def utilities(v, **state):
        w = world(v)
        for name, value in state.items():
            setattr(w, name, np.array([value]))
        return bakus_utilities(v, w)[:, 0]

    v = views(1, azerbaijan__risk_aversion=0.0)
    free = utilities(v)
    success = 0.8 * (1 - 0.45)  # default edge, default denial in depth
    loss = np.array([0, 0, 0, 0, 1, 1]) * 5.0 * success  # default corridor_value 5
    for secured in (
        utilities(v, corridor_held=True),
        utilities(v, russian_corridor=True),
        utilities(views(1, azerbaijan__risk_aversion=0.0, world__transit_route=1.0)),
    ):
        np.testing.assert_allclose(free - secured, loss, rtol=1e-12, atol=1e-12)
    half = utilities(views(1, azerbaijan__risk_aversion=0.0, world__transit_route=0.5))
    np.testing.assert_allclose(free - half, loss / 2, rtol=1e-12, atol=1e-12)
