"""Tier 1 and 2 for the pure decision rules: known answers and statistical truth."""

import numpy as np
import pytest

from sim.ladder import CstoResponse
from sim.rules import PARAMETERS, azerbaijan, csto, usa_eu
from sim.rules.choice import logit_choice, logit_probabilities
from tests.helpers import params


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
    p = params(1)
    probs = usa_eu.sanction_probability(
        np.arange(6)[:, None], p["usa_eu.sanctions_credibility"], p["usa_eu.gas_dependence"],
        p["usa_eu.monitor_presence"],
    )[:, 0]
    assert probs[0] == probs[1] == 0.0  # rhetoric draws no sanctions
    assert np.all(np.diff(probs[2:]) > 0)  # the higher the rung, the likelier
    full_gas = usa_eu.sanction_probability(
        np.array([5]), np.array([1.0]), np.array([1.0]), np.array([1.0])
    )
    assert full_gas[0] == 0.0  # total gas dependence cancels all resolve


def test_no_csto_military_response_without_obligation():
    p = params(4, csto__obligation_strength=0.0)
    assert np.all(csto.military_probability(np.array([2, 3, 4, 5]), p) == 0.0)


def test_csto_response_is_nested_and_sticky():
    n = 20_000
    p = params(n, csto__obligation_strength=1.0, russia__defend_armenia=1.0,
               russia__ukraine_constraint=0.0, armenia__csto_appeal=1.0)
    rung = np.full(n, 5, dtype=np.int8)
    level = np.zeros(n, dtype=np.int8)
    u = np.random.default_rng(3).random(n)
    new = csto.respond(level, rung, p, u)
    # Known answer: military with probability 1 * 1 * 1 * 0.6 at rung 5.
    assert abs((new == CstoResponse.MILITARY).mean() - 0.6) < 5 * np.sqrt(0.24 / n)
    again = csto.respond(new, np.zeros(n, dtype=np.int8), p, u)  # peace: nothing new
    np.testing.assert_array_equal(again, new)


def test_utilities_rank_rungs_as_the_experts_describe_at_defaults():
    """At default values Baku prefers tension to any fighting, and a full-scale
    invasion is the worst rung (Kopalyan, Mirgadirov, Tasits)."""
    p = params(1)
    fixed = azerbaijan.fixed_utilities(p, p["armenia.border_readiness"])
    u = azerbaijan.rung_utilities(p, fixed, p["armenia.denial_capacity"], np.ones(1),
                                  p["turkey.stance"])[:, 0]
    assert u.argmax() == 1
    assert u.argmin() == 5


def test_rung_utilities_fall_with_credibility_and_readiness():
    for key in ("usa_eu__sanctions_credibility", "armenia__denial_capacity"):
        lo, hi = params(1, **{key: 0.1}), params(1, **{key: 0.9})
        us = []
        for p in (lo, hi):
            fixed = azerbaijan.fixed_utilities(p, p["armenia.border_readiness"])
            us.append(azerbaijan.rung_utilities(p, fixed, p["armenia.denial_capacity"],
                                                np.ones(1), p["turkey.stance"])[:, 0])
        assert us[1][5] < us[0][5], key
        assert us[1][1] == pytest.approx(us[0][1]), key  # tension is untouched


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
