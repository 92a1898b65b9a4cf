"""One seed hierarchy for every run.

``SeedSequence(seed)`` -> one child per fixed-size chunk of worlds (by chunk index) ->
per chunk, one stream for the dynamics and one stream per parameter (keyed by the
parameter's name, so adding or reordering parameters never shifts another's draws, and
a scenario that changes one parameter keeps the others' draws: common random numbers).
Results therefore depend on (scenario, seed, n_worlds, chunk_size) only.

The parameter-spread pass (``sim.montecarlo.run_spread``: groups of worlds sharing one
parameter draw) has its own branch, ``spread_chunk_seed``: ``SeedSequence(seed)`` ->
branch ``SPREAD_BRANCH`` -> one child per group-chunk, below which the same dynamics and
parameter streams hang. It never shares a stream with the main run, so switching the
spread on or off leaves the main run's numbers byte-identical.
"""

import zlib

import numpy as np

DEFAULT_SEED = 20250320  # the date of seed 000; any fixed number would do
DEFAULT_CHUNK_SIZE = 10_000
# The spread pass's branch: a first spawn-key entry no chunk index reaches (a run would
# need 2**40 chunks), so its streams never coincide with the main run's.
SPREAD_BRANCH = 1 << 40


def chunk_seed(seed: int, chunk_index: int) -> np.random.SeedSequence:
    """The SeedSequence of chunk ``chunk_index`` of a run seeded with ``seed``.

    Equal to ``SeedSequence(seed).spawn(k)[chunk_index]`` for any k > chunk_index, but
    computed directly so a worker needs only the index.
    """
    return np.random.SeedSequence(seed, spawn_key=(chunk_index,))


def dynamics_seed(chunk: np.random.SeedSequence) -> np.random.SeedSequence:
    """The stream a chunk's model draws its weekly random numbers from."""
    return np.random.SeedSequence(chunk.entropy, spawn_key=(*chunk.spawn_key, 0))


def parameter_seed(chunk: np.random.SeedSequence, key: str) -> np.random.SeedSequence:
    """The stream parameter ``key`` draws its per-world values from, in this chunk."""
    tag = zlib.crc32(key.encode("utf-8")) | (1 << 32)  # never collides with the 0 above
    return np.random.SeedSequence(chunk.entropy, spawn_key=(*chunk.spawn_key, 1, tag))


def spread_chunk_seed(seed: int, chunk_index: int) -> np.random.SeedSequence:
    """The SeedSequence of group-chunk ``chunk_index`` of the parameter-spread pass of a
    run seeded with ``seed`` (its own branch: never one of ``chunk_seed``'s streams)."""
    return np.random.SeedSequence(seed, spawn_key=(SPREAD_BRANCH, chunk_index))
