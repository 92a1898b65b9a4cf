"""Iterated filtering (IF2; Ionides, Nguyen, Atchadé, Stoev & King 2015, as R pomp's
``mif2``): the maximum of the record's likelihood, and profile likelihoods.

Each calibrated parameter lives per world (a particle) on an unbounded scale (the logit
of its place in the prior's support). An IF2 iteration is one pass of the block filter
(:class:`~sim.calibration.likelihood.BlockFilter`) through the record in which, before
each month, every world's parameters take a Gaussian random-walk step, and every month
every block is resampled (as ``mif2`` does): the resampling carries the parameters with
their worlds, so the swarm drifts towards the values that explain the record. The
random walk's sd cools geometrically over the iterations (``cooling`` per iteration),
so later passes explore less; the estimate is the swarm's mean at the end.

Blocks: a model holds several independent IF2 runs (blocks of ``particles`` worlds),
each started from its own prior draws (the spread of their ends says how flat the
likelihood is); a profile over one parameter gives each grid value a block in which that
parameter is held at the grid value (no random walk on it) while the others are
maximised over. Work goes out in fixed chunks of blocks, each chunk one model on a seed
keyed by (iteration, chunk), so the result does not depend on the number of workers.

Why not pomp or ``particles``: pomp is R, and ``particles`` (which has no IF2) pins
NumPy < 2; the outer loop is the forty lines below.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.calibration.likelihood import (
    LIKELIHOOD_BRANCH,
    BlockFilter,
    LikelihoodProblem,
    set_parameters,
)

IF2_STAGE = 1
PROFILE_STAGE = 2
BLOCKS_PER_CHUNK = 8


@dataclass(frozen=True)
class Bounds:
    """The prior's support per parameter: the logit scale's ends."""

    low: np.ndarray
    high: np.ndarray

    def to_z(self, x: np.ndarray) -> np.ndarray:
        u = np.clip((x - self.low) / (self.high - self.low), 1e-6, 1 - 1e-6)
        return np.log(u / (1 - u))

    def to_x(self, z: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) / (1 + np.exp(-z))


@dataclass(frozen=True)
class IF2Settings:
    particles: int = 100  # worlds per block
    iterations: int = 5
    rw_sd: float = 0.15  # per-month random-walk sd on the logit scale, first iteration
    cooling: float = 0.6  # the sd's factor per iteration


def if2_pass(
    problem: LikelihoodProblem,
    bounds: Bounds,
    swarm: np.ndarray,  # (blocks, particles, d) parameter values
    held: np.ndarray,  # (blocks, d) bool: held fixed in that block (profiles)
    sd: float,
    seed_seq: np.random.SeedSequence,
) -> tuple[np.ndarray, np.ndarray]:
    """One IF2 iteration for some blocks: the swarm at the end and each block's log
    likelihood of the perturbed filter (a diagnostic, not the likelihood at a point)."""
    blocks, j, d = swarm.shape
    rng = np.random.default_rng(
        np.random.SeedSequence(seed_seq.entropy, spawn_key=(*seed_seq.spawn_key, 7))
    )
    z = bounds.to_z(swarm.reshape(-1, d))
    free = ~np.repeat(held, j, axis=0)

    def step(z):
        return z + free * rng.normal(0.0, sd, z.shape)

    z = step(z)
    x = bounds.to_x(z)
    f = BlockFilter(
        problem.scenario,
        problem.first_month,
        len(problem.record),
        blocks * j,
        seed_seq,
        observation=problem.observation,
        values={k: x[:, i] for i, k in enumerate(problem.keys)},
        blocks=blocks,
    )
    for t, obs in enumerate(problem.record):
        if t:
            z = bounds.to_z(np.column_stack([f.model.params[k] for k in problem.keys]))
            z = step(z)
            x = bounds.to_x(z)
            set_parameters(f.model, {k: x[:, i] for i, k in enumerate(problem.keys)})
        f.weigh(obs, always_resample=True)
    end = np.column_stack([f.model.params[k] for k in problem.keys])
    f.model.release()
    return end.reshape(blocks, j, d), f.log_lik.copy()


def _pass_task(args):
    return if2_pass(*args)


def if2_iteration(
    problem: LikelihoodProblem,
    bounds: Bounds,
    swarm: np.ndarray,
    held: np.ndarray,
    sd: float,
    seed: int,
    key: tuple[int, ...],
    map_: Callable = map,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`if2_pass` over every block, in fixed chunks (see the module docstring)."""
    tasks = [
        (
            problem,
            bounds,
            swarm[i : i + BLOCKS_PER_CHUNK],
            held[i : i + BLOCKS_PER_CHUNK],
            sd,
            np.random.SeedSequence(seed, spawn_key=(LIKELIHOOD_BRANCH, *key, i)),
        )
        for i in range(0, len(swarm), BLOCKS_PER_CHUNK)
    ]
    parts = list(map_(_pass_task, tasks))
    return (
        np.concatenate([p[0] for p in parts], axis=0),
        np.concatenate([p[1] for p in parts], axis=0),
    )


def initial_swarm(priors: Sequence, blocks: int, particles: int, seed: int, key) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(LIKELIHOOD_BRANCH, *key)))
    d = len(priors)
    return np.stack([p.dist.sample(rng, blocks * particles) for p in priors], axis=-1).reshape(
        blocks, particles, d
    )


def bounds_of(priors: Sequence) -> Bounds:
    support = np.array([p.dist.support() for p in priors], dtype=np.float64)
    return Bounds(support[:, 0], support[:, 1])


def profile_start(
    priors: Sequence, grid: int, particles: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The swarm and held-mask of a profile over every parameter: for parameter i, grid
    values spaced over the middle 90% of its prior (prior quantiles by sampling), each a
    block whose other parameters start from prior draws. Returns (swarm, held, values)."""
    d = len(priors)
    swarm = initial_swarm(priors, d * grid, particles, seed, (PROFILE_STAGE, 0))
    held = np.zeros((d * grid, d), dtype=bool)
    rng = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(LIKELIHOOD_BRANCH, PROFILE_STAGE, 1))
    )
    values = np.empty((d, grid))
    for i, p in enumerate(priors):
        draws = p.dist.sample(rng, 20000)
        values[i] = np.quantile(draws, np.linspace(0.05, 0.95, grid))
        for g in range(grid):
            swarm[i * grid + g, :, i] = values[i, g]
            held[i * grid + g, i] = True
    return swarm, held, values
