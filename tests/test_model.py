"""The model: hand-computable reference cases, one world vs the batch, terminal states."""

import math

import numpy as np
import pytest

from sim.ladder import N_STATES, TREATY_STATE, Posture
from sim.params import ParamKey
from sim.results import RunResult
from sim.stats import wilson_interval
from tests.helpers import FROZEN_LADDER, Start, model


def _estimate(m, outcome: str) -> tuple[int, int]:
    r = RunResult("test", 0, m.n_worlds, m.tally())
    e = r.estimate(outcome)
    return e.k, e.n


@pytest.mark.slow
def test_treaty_probability_matches_the_hand_computed_answer():
    """Degenerate case: the ladder is frozen at tension, the constitution is already
    reformed, Baku offers at once whenever it may (sign propensity 1), Moscow never
    spoils (zero noise, no spoiler gain), and only the Minsk condition is left.

    At unit noise Yerevan concedes it with weekly chance q, whose odds are the rate's
    x (1 + coercion x 0.5) at tension; Baku moves before Armenia in a week, so it offers
    from the week after, and Yerevan accepts each offer with chance a = sigmoid(peace
    value). P(treaty within H) = sum over t < H of q (1 - q)^(t - 1) (1 - (1 - a)^(H - t)).
    """
    rate, coercion, peace, horizon, n = 0.02, 1.0, 1.0, 30, 40_000
    m = model(
        n,
        seed=5,
        horizon=horizon,
        start=Start(constitution_reformed=True),
        armenia__minsk_concession_rate=rate,
        armenia__coercion_sensitivity=coercion,
        armenia__peace_value=peace,
        azerbaijan__sign_propensity=1.0,
        russia__spoiler=0.0,
        russia__decision_noise=0.0,
        **FROZEN_LADDER,
    ).run()
    odds = rate / (1 - rate) * (1 + coercion * 0.5)
    q = odds / (1 + odds)
    a = 1 / (1 + math.exp(-peace))
    truth = sum(q * (1 - q) ** (t - 1) * (1 - (1 - a) ** (horizon - t)) for t in range(1, horizon))
    k, n = _estimate(m, "peace_treaty")
    lo, hi = wilson_interval(k, n, confidence=0.999)
    assert lo <= truth <= hi, (k / n, truth)


@pytest.mark.slow
def test_sanctions_probability_matches_the_hand_computed_answer():
    """Degenerate case: Baku is pinned at a limited incursion (rung 3) that neither
    takes ground nor is thrown back (no edge, no readiness), so no operation ends;
    Moscow never answers with force (zero noise, no duty); Yerevan, trusting the CSTO
    not at all, calls on the West every week. The West's weekly gain is then
    cred x 2 x (1 + mon x 0.5) x 1.5 - 8 x gas - 3, imposed with chance s = sigmoid(gain)
    at unit noise, and sanctions stand while the fighting goes on:
    P(sanctions within H) = 1 - (1 - s)^H."""
    cred, gas, mon, horizon, n = 0.8, 0.25, 0.6, 26, 40_000
    m = model(
        n,
        seed=6,
        horizon=horizon,
        start=Start(rung=3),
        usa_eu__sanctions_credibility=cred,
        usa_eu__gas_dependence=gas,
        usa_eu__monitor_presence=mon,
        csto__obligation_strength=0.0,
        russia__decision_noise=0.0,
        armenia__csto_appeal=0.0,
        azerbaijan__military_advantage=0.0,
        armenia__border_readiness=0.0,
        armenia__minsk_concession_rate=0.0,
        armenia__constitution_reform_rate=0.0,
        **FROZEN_LADDER,
    ).run()
    assert np.all(m.world.rung == 3) and np.all(m.world.west_call)
    gain = cred * 2.0 * (1 + mon * 0.5) * 1.5 - 8 * gas - 3
    s = 1 / (1 + math.exp(-gain))
    truth = 1 - (1 - s) ** horizon
    k, n = _estimate(m, "sanctions_imposed")
    lo, hi = wilson_interval(k, n, confidence=0.999)
    assert lo <= truth <= hi, (k / n, truth)


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_same_seed_same_numbers_and_different_seed_different_numbers():
    a = model(5_000, seed=9).run().tally()
    b = model(5_000, seed=9).run().tally()
    c = model(5_000, seed=10).run().tally()
    np.testing.assert_array_equal(a.state_counts, b.state_counts)
    np.testing.assert_array_equal(a.co_occurrence, b.co_occurrence)
    assert not np.array_equal(a.state_counts, c.state_counts)


@pytest.mark.slow
def test_one_world_stepped_alone_matches_the_batch():
    """300 single-world models against one batch of 30,000 worlds: P(border clash)
    agrees within 4 standard errors of the difference (seeded; the chance of a false
    alarm is about 6e-5)."""
    singles = [model(1, seed=1000 + i).run().outcome_indicators()[0, 0] for i in range(300)]
    p1 = float(np.mean(singles))
    k, n = _estimate(model(30_000, seed=77).run(), "border_clash")
    p2 = k / n
    se = np.sqrt(p1 * (1 - p1) / len(singles) + p2 * (1 - p2) / n)
    assert abs(p1 - p2) < 4 * se, (p1, p2)


def test_terminal_states_stay_terminal():
    m = model(
        3_000,
        seed=4,
        azerbaijan__sign_propensity=1.0,
        armenia__minsk_concession_rate=0.3,
        armenia__constitution_reform_rate=0.3,
        world__spillover_hazard=0.5,
    )
    ended_before = np.zeros(m.n_worlds, dtype=bool)
    snapshot = None
    for _ in range(40):
        m.step()
        w = m.world
        ended = w.treaty | w.war
        assert np.all(ended[ended_before])  # once ended, always ended
        if snapshot is not None:
            for name, before in snapshot.items():
                np.testing.assert_array_equal(getattr(w, name)[ended_before], before, name)
        snapshot = {
            name: getattr(w, name)[ended].copy()
            for name in ("rung", "sanctioned", "csto_level", "occupied_km2", "minsk_dissolved")
        }
        ended_before = ended
    assert ended_before.mean() > 0.5  # the case really exercises terminal states
    assert not np.any(m.world.treaty & m.world.war)


def test_state_counts_cover_every_world_every_week():
    m = model(2_000, seed=3).run()
    counts = m.tally().state_counts
    assert counts.shape == (53, N_STATES)
    assert np.all(counts.sum(axis=1) == 2_000)
    assert np.all(np.diff(counts[:, TREATY_STATE]) >= 0)  # treaties accumulate


def test_ground_is_only_taken_from_an_incursion_up():
    """A clash takes no ground. An incursion that meets no readiness takes success x
    30 km2 a week (edge 0.5: 15 km2) until its 40 km2 objective is held (week 3, 45
    km2); then Baku digs in at tension and the ladder, frozen, keeps it there."""
    sure = dict(
        armenia__border_readiness=0.0,
        azerbaijan__military_advantage=0.5,
        russia__decision_noise=0.0,
        **FROZEN_LADDER,
    )
    m = model(2_000, seed=8, start=Start(rung=2), **sure).run()
    assert np.all(m.world.occupied_km2 == 170.0)
    m = model(2_000, seed=8, horizon=6, start=Start(rung=3), **sure).run()
    np.testing.assert_array_equal(m.world.occupied_km2, 170.0 + 45.0)
    assert np.all(m.world.rung <= 1)  # tension, or an offer of the treaty


def test_parameter_arrays_must_share_one_shape():
    from sim.model import EscalationModel
    from tests.helpers import params

    p = params(10)
    p["russia.push"] = np.zeros(11)
    with pytest.raises(ValueError, match="one shape"):
        EscalationModel(p, Start(), 5, np.random.default_rng(0))


def test_release_drops_the_arrays_of_a_finished_batch():
    """Peak memory stays flat over many chunks only if each finished chunk lets go of
    its arrays at once (model and agents refer to each other)."""
    import gc
    import weakref

    m = model(1_000, seed=1, horizon=3).run()
    world_ref = weakref.ref(m.world)
    agent_refs = [weakref.ref(a) for a in m.actors]
    gc.disable()  # prove it is freed by reference counting, not by the cycle collector
    try:
        m.release()
        assert world_ref() is None
        assert all(ref() is None for ref in agent_refs)
    finally:
        gc.enable()


def _dotted(overrides: dict) -> dict:
    return {ParamKey.from_safe(k): v for k, v in overrides.items()}


def test_a_change_before_the_first_week_is_the_same_as_building_with_it():
    """update_parameters rebuilds everything derived from the parameters (the typed
    views, Baku's cached fixed terms, the beliefs whose prior changed): a change at
    week 0 gives the same bytes as a model built with the new values."""
    from sim.model import EscalationModel
    from tests.helpers import params

    n = 3_000
    readiness = np.linspace(0.0, 1.0, n)
    changed = model(n, seed=14)
    stale = changed.actors[1].fixed
    changed.update_parameters(
        {
            "usa_eu.sanctions_credibility": 0.1,
            "russia.push": 4.0,
            "armenia.border_readiness": readiness,
        }
    )
    p = params(n, usa_eu__sanctions_credibility=0.1, russia__push=4.0)
    p["armenia.border_readiness"] = readiness
    built = EscalationModel(p, Start(), 52, np.random.default_rng(14))
    assert changed.views.usa_eu.sanctions_credibility[0] == 0.1
    fresh, rebuilt = changed.actors[1].fixed, built.actors[1].fixed
    assert not np.array_equal(stale.ground_mean, fresh.ground_mean)
    np.testing.assert_array_equal(fresh.ground_mean, rebuilt.ground_mean)
    np.testing.assert_array_equal(fresh.isolation, rebuilt.isolation)
    np.testing.assert_array_equal(fresh.ground_variance, rebuilt.ground_variance)
    for got, want in zip(fresh.csto_answers, rebuilt.csto_answers, strict=True):
        np.testing.assert_array_equal(got, want)
    # The belief whose prior changed starts from the new prior, as in the built model.
    np.testing.assert_array_equal(changed.world.resolve_a, built.world.resolve_a)
    np.testing.assert_array_equal(changed.world.resolve_b, built.world.resolve_b)
    a, b = changed.run().tally(), built.run().tally()
    np.testing.assert_array_equal(a.state_counts, b.state_counts)
    np.testing.assert_array_equal(a.co_occurrence, b.co_occurrence)


def test_a_change_at_week_k_leaves_the_weeks_before_and_rules_the_weeks_after():
    """Freezing the ladder at week k: the first k weeks are those of the unchanged run
    (same seed, same bytes), and from week k on every running world keeps its posture
    and an operation under way stays on the rung its last week left it to start from
    (its own rung, or tension after an operation held, a clash after one repelled),
    unless Baku offers the treaty (talks, rung 0)."""
    k, n = 8, 4_000
    usual = model(n, seed=15, horizon=30)
    frozen = model(n, seed=15, horizon=30)
    for week in range(30):
        if week == k:
            frozen.update_parameters(_dotted(FROZEN_LADDER))
        w = frozen.world
        start, running = w.start_rung.copy(), w.active.copy()
        posture = w.posture.copy()
        usual.step()
        frozen.step()
        if week >= k:
            offered = w.sign_offer[running]
            kept = np.where(offered, Posture.TALKS, posture[running])
            np.testing.assert_array_equal(w.posture[running], kept)
            operating = (start >= 3)[running]
            np.testing.assert_array_equal(w.rung[running][operating], start[running][operating])
    counts_usual = np.array(usual.datacollector.model_vars["state_counts"])
    counts_frozen = np.array(frozen.datacollector.model_vars["state_counts"])
    np.testing.assert_array_equal(counts_usual[: k + 1], counts_frozen[: k + 1])
    # The unchanged run keeps moving after week k, so the check above can fail.
    assert not np.array_equal(counts_usual[k + 1 :, :6], counts_usual[k:-1, :6])


def test_changing_the_starting_denial_sets_the_current_denial_of_running_worlds():
    m = model(10, seed=1, horizon=5)
    m.step()
    m.world.active[:3] = False
    before = m.world.denial.copy()
    m.update_parameters({"armenia.denial_capacity": 0.9})
    np.testing.assert_array_equal(m.world.denial[:3], before[:3])
    assert np.all(m.world.denial[3:] == 0.9)


def test_update_parameters_refuses_unknown_keys_and_wrong_shapes():
    m = model(10)
    with pytest.raises(KeyError, match="russia.pusj"):
        m.update_parameters({"russia.pusj": 1.0})
    with pytest.raises(ValueError, match=r"shape \(11,\)"):
        m.update_parameters({"russia.push": np.zeros(11)})
    assert m.views.russia.push[0] == 1.5  # a refused change leaves the model as it was
