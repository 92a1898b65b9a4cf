"""Particle marginal Metropolis-Hastings (Andrieu, Doucet & Holenstein 2010): a posterior
of the calibrated parameters from the block filter's likelihood estimates.

``chains`` chains run side by side; each iteration proposes one vector per chain (a
Gaussian random walk on the parameters' own scale; a proposal outside the prior's support
has prior density 0 and is rejected) and estimates the record's likelihood at every
proposal in ONE pass of the block filter (each proposal a block of ``worlds`` worlds),
then accepts each chain's proposal with probability min(1, p(y|θ')p(θ') / p(y|θ)p(θ))
using the estimates (the estimate at the current point is kept, not redrawn, which is
what makes PMMH exact for any number of worlds). The proposal's covariance is adapted at
the ends of the burn-in chunks only (2.38²/d times the chains' pooled covariance) and
frozen after, so the kept samples come from a fixed Metropolis-Hastings kernel.

Why not the ``particles`` package's PMMH or SMC²: its samplers call one particle filter
per parameter vector through its ``FeynmanKac`` interface, which cannot batch the
chains' proposals into one model (the whole point: one pass of one model for all
chains), and it pins NumPy < 2 (installing it downgrades this project's NumPy).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.calibration.likelihood import LIKELIHOOD_BRANCH, LikelihoodProblem, log_likelihoods
from sim.calibration.priors import to_rv

PMMH_STAGE = 3


@dataclass(frozen=True)
class PMMHSettings:
    chains: int = 16
    worlds: int = 300  # worlds per proposal's filter
    iterations: int = 70
    burn_in: int = 25  # iterations dropped (adaptation happens only inside them)
    chunk: int = 10  # iterations between checkpoints (and adaptations in the burn-in)


def log_prior(priors: Sequence, thetas: np.ndarray) -> np.ndarray:
    out = np.zeros(len(thetas))
    with np.errstate(divide="ignore"):
        for i, p in enumerate(priors):
            out += np.log(to_rv(p.dist).pdf(thetas[:, i]))
    return out


@dataclass
class ChainState:
    """Where the chains are (what a checkpoint holds)."""

    theta: np.ndarray  # (chains, d)
    log_lik: np.ndarray  # (chains,) the estimates at theta
    cov: np.ndarray  # (d, d) proposal covariance
    iteration: int
    samples: list  # per iteration: (chains, d) arrays
    accepted: list  # per iteration: (chains,) bool arrays

    def to_dict(self) -> dict:
        return {
            "theta": self.theta.tolist(),
            "log_lik": [float(x) for x in self.log_lik],
            "cov": self.cov.tolist(),
            "iteration": self.iteration,
            "samples": [s.tolist() for s in self.samples],
            "accepted": [a.tolist() for a in self.accepted],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "ChainState":
        return cls(
            np.array(d["theta"], dtype=np.float64),
            np.array(d["log_lik"], dtype=np.float64),
            np.array(d["cov"], dtype=np.float64),
            int(d["iteration"]),
            [np.array(s, dtype=np.float64) for s in d["samples"]],
            [np.array(a, dtype=bool) for a in d["accepted"]],
        )


def run_chunk(
    state: ChainState,
    priors: Sequence,
    problem: LikelihoodProblem,
    settings: PMMHSettings,
    seed: int,
    map_: Callable = map,
) -> ChainState:
    """Advance every chain ``settings.chunk`` iterations (fewer at the end); each
    iteration's draws come from a stream keyed by its number (so a resumed run repeats
    an uninterrupted one)."""
    d = state.theta.shape[1]
    stop = min(state.iteration + settings.chunk, settings.iterations)
    theta, ll = state.theta.copy(), state.log_lik.copy()
    lp = log_prior(priors, theta)
    chol = np.linalg.cholesky(state.cov + 1e-12 * np.eye(d))
    for it in range(state.iteration, stop):
        rng = np.random.default_rng(
            np.random.SeedSequence(seed, spawn_key=(LIKELIHOOD_BRANCH, PMMH_STAGE, it, 0))
        )
        proposal = theta + rng.standard_normal(theta.shape) @ chol.T
        lp_new = log_prior(priors, proposal)
        inside = np.isfinite(lp_new)
        ll_new = np.full(len(theta), -np.inf)
        if inside.any():
            ll_new[inside] = log_likelihoods(
                problem, proposal[inside], seed, (PMMH_STAGE, it, 1), map_
            )[0]
        log_ratio = ll_new + lp_new - ll - lp
        accept = np.log(rng.random(len(theta))) < np.where(
            np.isfinite(log_ratio), log_ratio, -np.inf
        )
        theta[accept], ll[accept], lp[accept] = proposal[accept], ll_new[accept], lp_new[accept]
        state.samples.append(theta.copy())
        state.accepted.append(accept)
    cov = state.cov
    if stop <= settings.burn_in:
        pooled = np.concatenate(state.samples[-settings.chunk :], axis=0)
        adapted = np.cov(pooled, rowvar=False) * 2.38**2 / d
        # keep a floor: a chunk with few acceptances must not freeze the walk
        cov = adapted + 0.01 * np.diag(np.diag(state.cov))
    return ChainState(theta, ll, cov, stop, state.samples, state.accepted)


def start_chains(
    priors: Sequence, start: np.ndarray, problem: LikelihoodProblem, seed: int, map_=map
) -> ChainState:
    """Chains at ``start`` (chains, d), the first proposal covariance a tenth of each
    prior's variance (diagonal), their likelihood estimated."""
    d = start.shape[1]
    rng = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(LIKELIHOOD_BRANCH, PMMH_STAGE, -1 % 2**31))
    )
    var = np.array([np.var(p.dist.sample(rng, 20000)) for p in priors])
    ll = log_likelihoods(problem, start, seed, (PMMH_STAGE, 2**30, 1), map_)[0]
    return ChainState(start.copy(), ll, np.diag(var / 10.0) * 2.38**2 / d, 0, [], [])
