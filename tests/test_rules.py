"""Tier 1 and 2 for the pure decision rules: known answers and statistical truth."""

import numpy as np
import pytest

from sim.actors import PARAMETERS, armenia, azerbaijan, csto, russia, turkey, usa_eu, world
from sim.actors.choice import logit_choice, logit_probabilities
from sim.ladder import CstoResponse
from tests.helpers import views

RUNGS = np.arange(6)


def _grid(n: int) -> np.ndarray:
    """n uniforms evenly spread over (0, 1): the share below q is q to within 1/n, so a
    hazard's known answer can be checked exactly, without sampling noise."""
    return (np.arange(n) + 0.5) / n


def test_logit_probabilities_known_answer():
    u = np.array([[0.0], [np.log(2.0)], [np.log(3.0)]])
    probs = logit_probabilities(u, np.array([1.0]))
    np.testing.assert_allclose(probs[:, 0], [1 / 6, 2 / 6, 3 / 6], rtol=1e-12)


def test_logit_choice_frequencies_match_probabilities():
    # 200,000 draws: each frequency within 5 standard errors (SE <= 0.0012) of the truth.
    n = 200_000
    rng = np.random.default_rng(11)
    utilities = np.repeat(np.array([[0.0], [1.0], [-1.0], [0.5]]), n, axis=1)
    noise = np.full(n, 0.8)
    choice = logit_choice(utilities, noise, rng.random(n))
    freq = np.bincount(choice, minlength=4) / n
    truth = logit_probabilities(utilities[:, :1], noise[:1])[:, 0]
    se = np.sqrt(truth * (1 - truth) / n)
    assert np.all(np.abs(freq - truth) < 5 * se)


def test_logit_choice_is_monotone_in_the_uniform():
    u = np.linspace(0, 0.999, 50)
    utilities = np.zeros((6, 50))
    choice = logit_choice(utilities, np.ones(50), u)
    assert np.all(np.diff(choice) >= 0)
    assert choice[0] == 0 and choice[-1] == 5


def test_unavailable_option_is_never_chosen():
    n = 10_000
    utilities = np.zeros((3, n))
    utilities[0] = -np.inf
    choice = logit_choice(utilities, np.ones(n), np.random.default_rng(2).random(n))
    assert choice.min() >= 1


def test_sanction_probability_shape_and_bounds():
    probs = usa_eu.sanction_probability(RUNGS[:, None], views(1).usa_eu)[:, 0]
    assert probs[0] == probs[1] == 0.0  # rhetoric draws no sanctions
    assert np.all(np.diff(probs[2:]) > 0)  # the higher the rung, the likelier
    full_gas = views(1, usa_eu__sanctions_credibility=1.0, usa_eu__gas_dependence=1.0,
                     usa_eu__monitor_presence=1.0).usa_eu
    assert usa_eu.sanction_probability(np.array([5]), full_gas)[0] == 0.0  # gas cancels resolve


def test_no_csto_military_response_without_obligation():
    v = views(4, csto__obligation_strength=0.0)
    assert np.all(csto.military_probability(np.array([2, 3, 4, 5]), v.csto, v.russia,
                                            v.armenia) == 0.0)


def test_csto_response_is_nested_and_sticky():
    n = 20_000
    v = views(n, csto__obligation_strength=1.0, russia__defend_armenia=1.0,
              russia__ukraine_constraint=0.0, armenia__csto_appeal=1.0)
    rung = np.full(n, 5, dtype=np.int8)
    level = np.zeros(n, dtype=np.int8)
    u = np.random.default_rng(3).random(n)
    new = csto.respond(level, rung, v.csto, v.russia, v.armenia, u)
    # Known answer: military with probability 1 * 1 * 1 * 0.6 at rung 5.
    assert abs((new == CstoResponse.MILITARY).mean() - 0.6) < 5 * np.sqrt(0.24 / n)
    again = csto.respond(new, np.zeros(n, dtype=np.int8), v.csto, v.russia, v.armenia, u)
    np.testing.assert_array_equal(again, new)  # peace: nothing new


def _utilities(v) -> np.ndarray:
    fixed = azerbaijan.fixed_utilities(v.azerbaijan, v.armenia, v.russia, v.usa_eu, v.csto,
                                       v.world)
    return azerbaijan.rung_utilities(v.azerbaijan, v.turkey, fixed, v.armenia.denial_capacity,
                                     np.ones(1), v.turkey.stance)[:, 0]


def test_utilities_rank_rungs_as_the_experts_describe_at_defaults():
    """At default values Baku prefers tension to any fighting, and a full-scale
    invasion is the worst rung (Kopalyan, Mirgadirov, Tasits)."""
    u = _utilities(views(1))
    assert u.argmax() == 1
    assert u.argmin() == 5


def test_rung_utilities_fall_with_credibility_and_readiness():
    for key in ("usa_eu__sanctions_credibility", "armenia__denial_capacity"):
        lo, hi = _utilities(views(1, **{key: 0.1})), _utilities(views(1, **{key: 0.9}))
        assert hi[5] < lo[5], key
        assert hi[1] == pytest.approx(lo[1]), key  # tension is untouched


def test_bakus_expectations_are_the_other_actors_own_rules():
    """Baku's fixed utilities move exactly as the US/EU's, the CSTO's and Russia's own
    functions say: doubling the sanctions' severity subtracts (1 + risk aversion) x
    the US/EU's sanction probability x severity x exposure x oil once more."""
    base, severe = views(1), views(1, usa_eu__sanctions_severity=12.0)
    fixed = [azerbaijan.fixed_utilities(v.azerbaijan, v.armenia, v.russia, v.usa_eu, v.csto,
                                        v.world)[:, 0] for v in (base, severe)]
    az, wd = base.azerbaijan, base.world
    expected = ((1 + az.risk_aversion) * usa_eu.sanction_probability(RUNGS[:, None],
                                                                     base.usa_eu)[:, 0]
                * 6.0 * az.revenue_exposure * wd.oil_price_index)
    np.testing.assert_allclose(fixed[0] - fixed[1], expected, rtol=1e-12)


def test_operation_success_known_answers():
    """Baku's edge less the readiness that applies: border readiness up to rung 3,
    denial in depth from the corridor up (seed 001, Kopalyan)."""
    adv, border, denial = np.array([0.8]), np.array([0.2]), np.array([0.5])
    got = [armenia.operation_success(r, adv, border, denial)[0] for r in (2, 3, 4, 5)]
    np.testing.assert_allclose(got, [0.64, 0.64, 0.4, 0.4], rtol=1e-12)
    assert armenia.operation_success(3, np.array([0.0]), border, denial)[0] == 0.0


# Russia: the corridor and unrest.

def test_swoop_on_corridor_known_answers_at_the_boundaries():
    n = 6
    u, success, held = _grid(n), np.ones(n), np.zeros(n, dtype=bool)
    never = views(n, russia__corridor_swoop=0.0).russia
    always = views(n, russia__corridor_swoop=1.0).russia
    assert not russia.swoop_on_corridor(held, RUNGS, success, never, u).any()
    # Only a corridor offensive or invasion (rungs 4, 5) is swooped on.
    np.testing.assert_array_equal(russia.swoop_on_corridor(held, RUNGS, success, always, u),
                                  RUNGS >= 4)
    # An offensive that takes no ground leaves nothing to swoop on.
    assert not russia.swoop_on_corridor(held, RUNGS, np.zeros(n), always, u).any()
    # Once held, always held, even in peace and at zero hazard.
    np.testing.assert_array_equal(
        russia.swoop_on_corridor(np.ones(n, dtype=bool), np.zeros(n, dtype=np.int8), success,
                                 never, u), np.ones(n, dtype=bool))


def test_swoop_on_corridor_rate_and_monotonicity():
    """Weekly chance corridor_swoop x success at rung 4 (exact on an even grid of
    uniforms), rising in both."""
    n = 10_000
    u, rung, held = _grid(n), np.full(n, 4, dtype=np.int8), np.zeros(n, dtype=bool)
    shares = {}
    for swoop in (0.1, 0.3):
        for success in (0.5, 1.0):
            ru = views(n, russia__corridor_swoop=swoop).russia
            taken = russia.swoop_on_corridor(held, rung, np.full(n, success), ru, u)
            shares[swoop, success] = taken.mean()
            assert abs(taken.mean() - swoop * success) <= 1 / n
    assert shares[0.1, 0.5] < shares[0.1, 1.0] < shares[0.3, 1.0]
    assert shares[0.1, 0.5] < shares[0.3, 0.5]


def test_incite_unrest_known_answers_and_monotonicity():
    n = 10_000
    u, calm = _grid(n), np.zeros(n, dtype=bool)
    never = views(n, russia__destabilisation=0.0).russia
    always = views(6, russia__destabilisation=1.0).russia
    assert not russia.incite_unrest(calm, np.full(n, 5, dtype=np.int8), never, u).any()
    # Only fighting (rung >= 2) is exploited.
    np.testing.assert_array_equal(
        russia.incite_unrest(np.zeros(6, dtype=bool), RUNGS, always, _grid(6)), RUNGS >= 2)
    # Sticky: unrest, once started, stays at zero hazard and in peace.
    assert russia.incite_unrest(np.ones(n, dtype=bool), np.zeros(n, dtype=np.int8), never,
                                u).all()
    shares = [russia.incite_unrest(calm, np.full(n, 2, dtype=np.int8),
                                   views(n, russia__destabilisation=d).russia, u).mean()
              for d in (0.04, 0.2)]
    assert abs(shares[0] - 0.04) <= 1 / n and abs(shares[1] - 0.2) <= 1 / n


# Armenia: concessions under pressure.

def test_concede_known_answers_at_the_boundaries():
    n = 6
    none = np.zeros(n, dtype=bool)
    frozen = views(n, armenia__minsk_concession_rate=0.0,
                   armenia__constitution_reform_rate=0.0).armenia
    minsk, constitution = armenia.concede(none, none, RUNGS, frozen, _grid(n), _grid(n))
    assert not minsk.any() and not constitution.any()
    certain = views(n, armenia__minsk_concession_rate=0.5, armenia__constitution_reform_rate=0.5,
                    armenia__coercion_sensitivity=10.0).armenia
    # Under pressure (rungs 1-3) the boosted hazard reaches 1; on 0, 4 and 5 it stays 0.5.
    u = np.full(n, 0.7)
    minsk, constitution = armenia.concede(none, none, RUNGS, certain, u, u)
    expected = (RUNGS >= 1) & (RUNGS <= 3)
    np.testing.assert_array_equal(minsk, expected)
    np.testing.assert_array_equal(constitution, expected)
    # Conditions once met stay met.
    met = np.ones(n, dtype=bool)
    assert all(c.all() for c in armenia.concede(met, met, RUNGS, frozen, u, u))


def test_concede_rate_follows_the_pressure_profile():
    """Hazard = rate x (1 + coercion x pressure[rung]), exact on an even grid; rising
    with coercion where there is pressure, and each condition has its own draw."""
    n = 20_000
    none, u = np.zeros(n, dtype=bool), _grid(n)
    for rung, pressure in enumerate(armenia.PRESSURE_PROFILE):
        for coercion in (0.0, 2.0):
            arm = views(n, armenia__minsk_concession_rate=0.05,
                        armenia__constitution_reform_rate=0.01,
                        armenia__coercion_sensitivity=coercion).armenia
            rungs = np.full(n, rung, dtype=np.int8)
            minsk, constitution = armenia.concede(none, none, rungs, arm, u, 1 - u)
            boost = 1 + coercion * pressure
            assert abs(minsk.mean() - 0.05 * boost) <= 1 / n, (rung, coercion)
            assert abs(constitution.mean() - 0.01 * boost) <= 1 / n, (rung, coercion)
            if pressure > 0 and coercion > 0:
                assert not np.any(minsk & constitution)  # u and 1 - u: separate draws


# Turkey: its line, pulled by Western sanctions.

@pytest.mark.parametrize("stance, sensitivity, sanctioned, expected", [
    (0.3, 0.5, False, 0.3),  # no sanctions: its own line
    (0.3, 0.5, True, -0.2),  # sanctions pull toward restraint
    (0.3, 0.0, True, 0.3),  # insensitive to the West
    (-1.0, 2.0, True, -1.0),  # clipped at full restraint
    (1.0, 2.0, True, -1.0),
    (1.0, 0.0, False, 1.0),
])
def test_current_stance_known_answers(stance, sensitivity, sanctioned, expected):
    tk = views(1, turkey__stance=stance, turkey__western_sensitivity=sensitivity).turkey
    assert turkey.current_stance(tk, np.array([sanctioned]))[0] == pytest.approx(expected)


def test_current_stance_falls_with_western_sensitivity_under_sanctions():
    sens = np.linspace(0.0, 2.0, 21)
    tk = turkey.Params(**{**vars(views(21).turkey), "western_sensitivity": sens})
    stance = turkey.current_stance(tk, np.ones(21, dtype=bool))
    assert np.all(np.diff(stance) <= 0) and stance[0] > stance[-1]
    np.testing.assert_array_equal(turkey.current_stance(tk, np.zeros(21, dtype=bool)),
                                  tk.stance)


# The environment: a full-scale war may spread.

def test_spill_over_known_answers_and_rate():
    n = 6
    never = views(n, world__spillover_hazard=0.0).world
    always = views(n, world__spillover_hazard=1.0).world
    assert not world.spill_over(RUNGS, never, _grid(n)).any()
    # Only a full-scale invasion spreads.
    np.testing.assert_array_equal(world.spill_over(RUNGS, always, _grid(n)), RUNGS == 5)
    m = 10_000
    rates = [world.spill_over(np.full(m, 5), views(m, world__spillover_hazard=h).world,
                              _grid(m)).mean() for h in (0.03, 0.3)]
    assert abs(rates[0] - 0.03) <= 1 / m and abs(rates[1] - 0.3) <= 1 / m


def test_every_parameter_is_documented_and_traceable():
    keys = [s.key for s in PARAMETERS]
    assert len(keys) == len(set(keys))
    for spec in PARAMETERS:
        assert spec.meaning and spec.unit
        assert spec.low <= spec.default <= spec.high
        assert spec.source.startswith(("assumption:", "000_", "001_")), spec.key


def test_wilson_interval_known_values_and_edges():
    from sim.stats import wilson_interval

    lo, hi = wilson_interval(50, 100)
    assert lo == pytest.approx(0.4038, abs=1e-4) and hi == pytest.approx(0.5962, abs=1e-4)
    assert wilson_interval(0, 300)[0] == 0.0
    assert wilson_interval(300, 300)[1] == 1.0  # found by hypothesis: rounding gave 1 - 2e-16
    with pytest.raises(ValueError):
        wilson_interval(5, 3)
