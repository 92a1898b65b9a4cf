"""Noisy choice shared by every actor: the logit (quantal-response) rule.

McKelvey & Palfrey's quantal response: an actor picks option i with probability
proportional to exp(U_i / noise). As noise -> 0 it picks the best option; as noise
grows the choice approaches uniform. It keeps every world stochastic unless its
parameters make it otherwise (DOMAIN.md: logit choice for noisy decisions).

Every actor decides through these functions: Baku over the rungs, Russia over the
CSTO's answer, Turkey over its line, and the yes/no choices (the West's sanctions,
Yerevan's concessions, Moscow's swoop) as two-option logits, :func:`binary_probability`
and :func:`binary_choice`. The probability functions are also what the other actors
expect: a rule computes an actor's utilities once, and both its choice and another
actor's expectation of it come from them.

A noise of zero is allowed and means the utility-maximising option (ties split
evenly): the contract tests check every actor's rule against its own utilities that way.
"""

import numpy as np

# Noise below this is treated as zero: utilities are divided by it, and exp() of the
# scaled differences then underflows to exactly 0 for every option but the best.
_TINY_NOISE = 1e-12


def _scale(noise: np.ndarray) -> np.ndarray:
    return np.maximum(noise, _TINY_NOISE)


def logit_weights(utilities: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Unnormalised choice weights exp(U / noise) for utilities (k, n), noise (n,).

    The column maximum is subtracted first so large utilities cannot overflow; an
    option with utility -inf (not on offer this week) gets weight 0.
    """
    scaled = utilities / _scale(noise)
    scaled -= scaled.max(axis=0, keepdims=True)
    return np.exp(scaled, out=scaled)


def logit_probabilities(utilities: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Choice probabilities (k, n): each column sums to 1."""
    weights = logit_weights(utilities, noise)
    return weights / weights.sum(axis=0, keepdims=True)


def logit_choice(utilities: np.ndarray, noise: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index of the option chosen by logit choice, by inverse CDF with one uniform per world.

    Options are ordered (e.g. the rungs of the ladder), so the same uniform maps a world
    whose weights shift toward later options to an equal or later option: common random
    numbers then couple runs that differ only in parameters. The CDF is left
    unnormalised (the uniform is scaled instead), which saves a division per option.
    """
    cdf = np.cumsum(logit_weights(utilities, noise), axis=0)
    return (u * cdf[-1] >= cdf[:-1]).sum(axis=0)


def binary_probability(gain: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Chance of taking a yes/no action whose utility exceeds the alternative's by
    ``gain``: the two-option logit, 1 / (1 + exp(-gain / noise)) (equal to
    ``logit_probabilities([0, gain], noise)[1]``). At zero noise: 1 if the gain is
    positive, 0 if negative, 1/2 on a tie."""
    # The logistic written with tanh, which cannot overflow, so nothing is clamped: fewer
    # NumPy calls (the cost on a calibration's 8-world batches) and a faster kernel on
    # large batches than 1 / (1 + exp(-z)) or scipy's expit (measured). Chances below
    # about 1e-16 come out as 0, below the resolution of the uniform draws.
    return 0.5 + 0.5 * np.tanh(0.5 * (gain / _scale(noise)))


def binary_choice(gain: np.ndarray, noise: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the action is taken: ``u < binary_probability(gain, noise)``, so with
    common random numbers a world where the action looks better takes it whenever an
    otherwise identical world does."""
    return u < binary_probability(gain, noise)


def reference_utility(p: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The utility gain at which a two-option logit with this ``noise`` takes an action
    with chance ``p``: noise x log-odds(p).

    Several parameters are stated as a reference chance (e.g. Yerevan's weekly chance
    of conceding with no pressure): this is the net utility they stand for, whatever the
    actor's noise, to which a rule adds the seed arguments' gains and costs. At zero
    noise it is 0: the choice is then left to those gains and costs alone."""
    return noise * log_odds(p)


def log_odds(p: np.ndarray) -> np.ndarray:
    """The utility gain that a two-option logit at unit noise turns into the chance
    ``p``: log(p / (1 - p)), with p kept inside [1e-9, 1 - 1e-9]."""
    p = np.clip(p, 1e-9, 1.0 - 1e-9)
    return np.log(p / (1.0 - p))
