"""The logit machinery every actor chooses by (sim.actors.choice): the two-option logit
is the k-option one with two options, zero noise is the argmax, reference utilities give
their chance back, and the ordered draw is monotone under common random numbers."""

import math

import numpy as np
import pytest

from sim.actors.choice import (
    binary_choice,
    binary_probability,
    log_odds,
    logit_choice,
    logit_probabilities,
    reference_utility,
)

GAINS = np.array([-50.0, -3.0, -0.4, 0.0, 0.25, 2.0, 40.0])


@pytest.mark.parametrize("noise", [0.05, 0.5, 1.0, 3.0])
def test_binary_probability_is_the_two_option_logit(noise):
    n = len(GAINS)
    two = logit_probabilities(np.stack([np.zeros(n), GAINS]), np.full(n, noise))
    # Relative 1e-12, and absolute 1e-15: the tanh form of the logistic rounds chances
    # below about 1e-16 to 0, under the resolution of a uniform draw (2^-53).
    np.testing.assert_allclose(
        binary_probability(GAINS, np.full(n, noise)), two[1], rtol=1e-12, atol=1e-15
    )
    # ... and the hand-computed logistic.
    expected = [1 / (1 + math.exp(-g / noise)) if g / noise > -700 else 0.0 for g in GAINS]
    np.testing.assert_allclose(
        binary_probability(GAINS, np.full(n, noise)), expected, rtol=1e-12, atol=1e-15
    )


def test_zero_noise_is_the_argmax_with_ties_split():
    zero = np.zeros(3)
    utilities = np.array([[1.0, 2.0, 0.0], [3.0, 2.0, 0.0], [2.0, -np.inf, 0.0]])
    probs = logit_probabilities(utilities, zero)
    np.testing.assert_array_equal(probs, [[0, 0.5, 1 / 3], [1, 0.5, 1 / 3], [0, 0, 1 / 3]])
    # A loss is clipped at exp(-700), not 0: no uniform draw in (0, 1) falls below it.
    np.testing.assert_allclose(
        binary_probability(np.array([-1e-6, 0.0, 1e-6]), zero), [0.0, 0.5, 1.0], rtol=0, atol=1e-300
    )
    # The draw: the best option whatever the uniform; on a tie the uniform splits it.
    for u in (0.01, 0.49, 0.51, 0.99):
        got = logit_choice(utilities, zero, np.full(3, u))
        assert got[0] == 1
        assert got[1] == (0 if u < 0.5 else 1)
        assert got[2] == int(u * 3)


@pytest.mark.parametrize("noise", [0.01, 0.2, 1.0, 5.0])
def test_reference_utility_gives_back_the_reference_chance(noise):
    p = np.array([1e-6, 0.004, 0.02, 0.3, 0.5, 0.9, 0.999])
    u = reference_utility(p, np.full(len(p), noise))
    np.testing.assert_allclose(binary_probability(u, np.full(len(p), noise)), p, rtol=1e-9)
    np.testing.assert_allclose(u, noise * np.log(p / (1 - p)), rtol=1e-12)


def test_reference_utility_at_zero_noise_leaves_the_choice_to_the_gains():
    p = np.array([0.01, 0.5, 0.99])
    np.testing.assert_array_equal(reference_utility(p, np.zeros(3)), 0.0)


def test_log_odds_known_answers_and_clipping():
    np.testing.assert_allclose(
        log_odds(np.array([0.5, 0.75, 0.2])), [0.0, math.log(3.0), math.log(0.25)], atol=1e-12
    )
    edges = log_odds(np.array([0.0, 1.0]))
    np.testing.assert_allclose(edges, [math.log(1e-9 / (1 - 1e-9)), math.log((1 - 1e-9) / 1e-9)])


def test_binary_choice_takes_the_action_below_its_chance():
    gain, noise = np.full(5, 1.0), np.ones(5)
    p = 1 / (1 + math.exp(-1.0))
    u = np.array([0.0, p - 1e-9, p, p + 1e-9, 0.999])
    np.testing.assert_array_equal(binary_choice(gain, noise, u), [True, True, False, False, False])


def test_logit_choice_is_monotone_under_common_random_numbers():
    """Raising later options against earlier ones (a tilt growing with the option's
    index) never moves a world, with the same uniform, to an earlier option: the
    coupling that makes scenario differences comparable world by world."""
    rng = np.random.default_rng(21)
    k, n = 6, 50_000
    utilities = rng.normal(0.0, 2.0, (k, n))
    noise = rng.uniform(0.2, 3.0, n)
    u = rng.random(n)
    base = logit_choice(utilities, noise, u)
    for tilt in (0.1, 1.0, 5.0):
        tilted = logit_choice(utilities + tilt * np.arange(k)[:, None], noise, u)
        assert np.all(tilted >= base), tilt
        assert np.any(tilted > base), tilt  # the check can fail
    # Raising only the last option is such a tilt too: no world moves down.
    raised = utilities.copy()
    raised[-1] += 2.0
    assert np.all(logit_choice(raised, noise, u) >= base)


def test_logit_choice_frequencies_match_at_several_noises():
    """Each option's frequency over 100,000 draws within 5 standard errors of
    logit_probabilities."""
    n = 100_000
    rng = np.random.default_rng(5)
    for noise in (0.3, 1.0, 4.0):
        utilities = np.repeat(np.array([[0.0], [1.5], [-0.5], [1.0]]), n, axis=1)
        choice = logit_choice(utilities, np.full(n, noise), rng.random(n))
        freq = np.bincount(choice, minlength=4) / n
        truth = logit_probabilities(utilities[:, :1], np.array([noise]))[:, 0]
        assert np.all(np.abs(freq - truth) < 5 * np.sqrt(truth * (1 - truth) / n)), noise
