"""Sanctions as a stock with a lifting condition (usa_eu.decide_sanctions, Baku's
azerbaijan.sanction_terms), on the rungs where the West has something at stake, and the
bargained treaty: Baku's offer, Yerevan's acceptance on an agreed text, and Moscow's
spoiling (issues 11 and 19)."""

import math

import numpy as np

from sim.actors import armenia, azerbaijan, usa_eu
from sim.results import RunResult
from sim.stats import wilson_interval
from tests.helpers import Start, model, views

RUNGS = np.arange(6)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _weeks_of_sanctions(rungs: list[int], lift_after: float, sanctioned: bool = True):
    """Run decide_sanctions over a sequence of weekly rungs for one world, with a West
    that never imposes anew (zero noise, gas outweighs resolve): (in force, quiet count)
    after each week."""
    us = views(
        1,
        usa_eu__lift_after_weeks=lift_after,
        usa_eu__gas_dependence=1.0,
        usa_eu__decision_noise=0.0,
    ).usa_eu
    s, quiet = np.array([sanctioned]), np.zeros(1, dtype=np.int16)
    out = []
    for rung in rungs:
        s, quiet = usa_eu.decide_sanctions(
            s, quiet, np.array([rung]), np.zeros(1), us, np.array([0.5])
        )
        out.append((bool(s[0]), int(quiet[0])))
    return out


def test_sanctions_are_lifted_after_exactly_the_stated_calm_weeks():
    weeks = _weeks_of_sanctions([1, 0, 1, 1, 1], lift_after=4)
    assert weeks == [(True, 1), (True, 2), (True, 3), (False, 0), (False, 0)]


def test_fighting_resets_the_count():
    """Three calm weeks, a clash (the count restarts), then four calm weeks: lifted in
    week 8, not week 4."""
    weeks = _weeks_of_sanctions([1, 1, 1, 2, 1, 1, 1, 1], lift_after=4)
    assert [s for s, _ in weeks] == [True] * 7 + [False]
    assert [q for _, q in weeks] == [1, 2, 3, 0, 1, 2, 3, 0]
    # Without sanctions there is nothing to count.
    assert _weeks_of_sanctions([1, 1], 4, sanctioned=False) == [(False, 0), (False, 0)]


def test_sanctions_are_imposed_only_on_fighting():
    """A West that always imposes when it may (zero noise, nothing to lose): from an
    incursion up (once it has warned against one), never on rhetoric or a border clash,
    where its credibility is not at stake (seed 001, Kopalyan: "it is one thing to have
    flare-ups on the border")."""
    us = views(
        6, usa_eu__gas_dependence=0.0, usa_eu__low_priority=0.0, usa_eu__decision_noise=0.0
    ).usa_eu
    s, quiet = usa_eu.decide_sanctions(
        np.zeros(6, dtype=bool),
        np.zeros(6, dtype=np.int16),
        RUNGS,
        np.zeros(6),
        us,
        np.full(6, 0.5),
    )
    np.testing.assert_array_equal(s, RUNGS >= 3)
    np.testing.assert_array_equal(quiet, 0)
    # Before the warning of October 2023 an incursion is not sanctioned either.
    unwarned = views(
        6,
        usa_eu__gas_dependence=0.0,
        usa_eu__low_priority=0.0,
        usa_eu__decision_noise=0.0,
        usa_eu__incursion_warning=0.0,
    ).usa_eu
    s, _ = usa_eu.decide_sanctions(
        np.zeros(6, dtype=bool),
        np.zeros(6, dtype=np.int16),
        RUNGS,
        np.zeros(6),
        unwarned,
        np.full(6, 0.5),
    )
    np.testing.assert_array_equal(s, RUNGS >= 4)


def test_the_wests_choice_is_the_chance_baku_expects():
    """decide_sanctions draws from impose_probability with the West's true resolve:
    over a grid of uniforms the share imposed is that chance, on every rung."""
    n = 10_000
    us = views(n, usa_eu__gas_dependence=0.1).usa_eu
    grid = (np.arange(n) + 0.5) / n
    for rung in range(6):
        s, _ = usa_eu.decide_sanctions(
            np.zeros(n, dtype=bool),
            np.zeros(n, dtype=np.int16),
            np.full(n, rung),
            np.ones(n),
            us,
            grid,
        )
        p = usa_eu.impose_probability(rung, us, us.sanctions_credibility, np.ones(n))[0]
        assert abs(s.mean() - p) <= 1 / n, rung


def _sanction_terms(sanctioned: bool, quiet: int):
    v = views(1)
    return azerbaijan.sanction_terms(
        v.azerbaijan,
        v.usa_eu,
        v.world,
        np.array([0.6]),
        np.zeros((6, 1)),
        np.array([sanctioned]),
        np.array([quiet]),
    )


def test_bakus_delay_cost_while_sanctioned():
    """Sanctioned, no new spell is at stake; fighting (rung >= 2) throws away the calm
    weeks counted and this week's, adding q + 1 weeks at the end of the spell: weekly x
    d^(L - q - 1) x (1 + d + ... + d^q), weekly = severity 1 x exposure 0.8 x oil 1,
    d = 0.9, L = 26. Rhetoric (rungs 0-1) costs nothing."""
    for quiet in (0, 3, 25):
        mean, variance = _sanction_terms(True, quiet)
        lost = 0.8 * 0.9 ** (26 - quiet - 1) * sum(0.9**k for k in range(quiet + 1))
        np.testing.assert_allclose(mean[:, 0], [0, 0, lost, lost, lost, lost], rtol=1e-12)
        np.testing.assert_array_equal(variance, 0.0)
    assert _sanction_terms(True, 25)[0][2, 0] > _sanction_terms(True, 3)[0][2, 0] > 0


def test_bakus_expected_spell_when_not_sanctioned():
    """Not sanctioned: impose_probability (with Baku's belief) x a spell of the shortest
    length, (1 - d^L) / (1 - d) weeks of the weekly cost; variance p (1 - p) spell^2."""
    v = views(1)
    mean, variance = _sanction_terms(False, 0)
    p = usa_eu.impose_probability(RUNGS[:, None], v.usa_eu, np.array([0.6]), np.zeros((6, 1)))[:, 0]
    spell = 0.8 * (1 - 0.9**26) / (1 - 0.9)
    np.testing.assert_allclose(mean[:, 0], p * spell, rtol=1e-12)
    np.testing.assert_allclose(variance[:, 0], p * (1 - p) * spell**2, rtol=1e-12)
    assert mean[0, 0] == mean[1, 0] == 0.0


# The treaty: Baku offers, Yerevan accepts, Moscow spoils.


def test_no_offer_before_both_conditions_or_while_fighting():
    """A Baku that would always offer (zero noise, positive gain) offers only with
    both conditions met and the guns quiet (starting from rung 0 or 1)."""
    n = 6
    eager = views(n, azerbaijan__sign_propensity=0.9, azerbaijan__decision_noise=0.0)
    u = np.full(n, 0.5)
    for unmet in (1.0, 0.5):
        assert not azerbaijan.offer_treaty(
            RUNGS, np.full(n, unmet), eager.azerbaijan, eager.usa_eu, u
        ).any()
    np.testing.assert_array_equal(
        azerbaijan.offer_treaty(RUNGS, np.zeros(n), eager.azerbaijan, eager.usa_eu, u), RUNGS <= 1
    )


def test_offer_probability_known_answer():
    """At unit noise the offer's odds are the reference chance's x e^mediation."""
    n = 10_000
    v = views(n, azerbaijan__sign_propensity=0.1, usa_eu__mediation=0.5)
    grid = (np.arange(n) + 0.5) / n
    offers = azerbaijan.offer_treaty(
        np.ones(n, dtype=np.int8), np.zeros(n), v.azerbaijan, v.usa_eu, grid
    )
    odds = 0.1 / 0.9 * math.exp(0.5)
    assert abs(offers.mean() - odds / (1 + odds)) <= 1 / n


def test_a_treaty_needs_both_the_offer_and_the_acceptance():
    arm = views(4, armenia__peace_value=5.0, armenia__decision_noise=0.0).armenia
    offer = np.array([False, True, False, True])
    quiet = np.zeros(4, dtype=bool)
    np.testing.assert_array_equal(armenia.accept_treaty(offer, quiet, arm, np.full(4, 0.5)), offer)
    refusing = views(4, armenia__peace_value=-1.0, armenia__decision_noise=0.0).armenia
    assert not armenia.accept_treaty(offer, quiet, refusing, np.full(4, 0.5)).any()
    # In the model: conditions met, Yerevan would sign, but a Baku that never offers
    # (propensity 0, zero noise) leaves no treaty; one that does, a treaty in week 1.
    met = Start(minsk_group_dissolved=True, constitution_reformed=True)
    shy = model(
        50,
        horizon=10,
        start=met,
        azerbaijan__sign_propensity=0.0,
        azerbaijan__decision_noise=0.2,
        usa_eu__mediation=0.0,
        armenia__peace_value=10.0,
    ).run()
    assert not shy.world.treaty.any()
    keen = model(
        50,
        horizon=1,
        start=met,
        azerbaijan__sign_propensity=1.0,
        armenia__peace_value=10.0,
        armenia__decision_noise=0.0,
    ).run()
    assert keen.world.treaty.all()
    unwilling = model(
        50,
        horizon=10,
        start=met,
        azerbaijan__sign_propensity=1.0,
        armenia__peace_value=-1.0,
        armenia__decision_noise=0.0,
    ).run()
    assert not unwilling.world.treaty.any() and unwilling.world.sign_offer.all()


def test_no_treaty_without_an_agreed_text():
    """A treaty is signed only on an agreed text (armenia.treaty_text_agreed; the
    conditions timeline: 13 March 2025): with none, Yerevan signs nothing whatever the
    value of peace; at unit noise half a text halves the odds of signing."""
    offer = np.ones(4, dtype=bool)
    quiet = np.zeros(4, dtype=bool)
    no_text = views(
        4, armenia__peace_value=10.0, armenia__treaty_text_agreed=0.0, armenia__decision_noise=0.0
    ).armenia
    assert not armenia.accept_treaty(offer, quiet, no_text, np.full(4, 1e-9)).any()
    n = 10_000
    grid = (np.arange(n) + 0.5) / n
    half = views(n, armenia__treaty_text_agreed=0.5).armenia
    signed = armenia.accept_treaty(np.ones(n, dtype=bool), np.zeros(n, dtype=bool), half, grid)
    odds = math.exp(2.0) * 0.5  # peace_value 2 at unit noise, times the text
    assert abs(signed.mean() - odds / (1 + odds)) <= 1 / n
    # In the model: conditions met, Baku offering every week, Yerevan keen: no treaty
    # in a year without a text; with it, all sign in week 1.
    met = Start(minsk_group_dissolved=True, constitution_reformed=True)
    keen = dict(
        azerbaijan__sign_propensity=1.0, armenia__peace_value=10.0, armenia__decision_noise=0.0
    )
    assert (
        not model(50, start=met, armenia__treaty_text_agreed=0.0, **keen).run().world.treaty.any()
    )
    assert model(50, horizon=1, start=met, **keen).run().world.treaty.all()


def test_spoiling_lowers_acceptance_and_concessions():
    arm = views(2).armenia
    spoiling = np.array([False, True])
    np.testing.assert_allclose(armenia.sign_gain(spoiling, arm), [2.0, 0.0], rtol=1e-12)
    gains = armenia.concession_gains(np.array([1, 1]), spoiling, arm)
    for g in gains:
        assert g[0] - g[1] == armenia.SPOILER_PRESSURE == 2.0


def test_spoiling_lowers_the_chance_of_a_treaty_in_the_model():
    """Conditions met, Baku offers every week (propensity 1). Moscow spoils from week 1
    on (spoiler 6, zero noise: gain 6 - 1 > 0) and Yerevan feels it from week 2, after
    Russia has moved: P(treaty within H) = 1 - (1 - sigmoid(2)) (1 - sigmoid(0))^(H-1),
    against 1 - (1 - sigmoid(2))^H without a spoiler (gain -1 at zero noise). Each
    within its 99.9% Wilson interval over 20,000 worlds."""
    horizon, n = 4, 20_000
    met = Start(minsk_group_dissolved=True, constitution_reformed=True)
    common = dict(
        azerbaijan__sign_propensity=1.0, armenia__peace_value=2.0, russia__decision_noise=0.0
    )
    a, spoiled_a = _sigmoid(2.0), _sigmoid(0.0)
    cases = {6.0: 1 - (1 - a) * (1 - spoiled_a) ** (horizon - 1), 0.0: 1 - (1 - a) ** horizon}
    for spoiler, truth in cases.items():
        m = model(n, seed=12, horizon=horizon, start=met, russia__spoiler=spoiler, **common).run()
        e = RunResult("t", 0, n, m.tally()).estimate("peace_treaty")
        lo, hi = wilson_interval(e.k, e.n, confidence=0.999)
        assert lo <= truth <= hi, (spoiler, e.k / e.n, truth)
    assert cases[6.0] < cases[0.0]
