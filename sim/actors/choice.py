"""Noisy choice shared by the actors: the logit (quantal-response) rule.

McKelvey & Palfrey's quantal response: an actor picks option i with probability
proportional to exp(U_i / noise). As noise -> 0 it picks the best option; as noise
grows the choice approaches uniform. It keeps every world stochastic unless its
parameters make it otherwise (DOMAIN.md: logit choice for noisy decisions).
"""

import numpy as np


def logit_weights(utilities: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Unnormalised choice weights exp(U / noise) for utilities (k, n), noise (n,).

    The column maximum is subtracted first so large utilities cannot overflow.
    """
    scaled = utilities / noise
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
