"""The record's log-likelihood for many parameter vectors in one pass of one model.

A model of ``blocks * m`` worlds is ``blocks`` independent particle filters of ``m``
worlds each (the filter of :mod:`sim.assimilation.filter`, generalised): block ``b``
holds worlds ``b*m .. b*m+m-1``, all with the block's values of the calibrated
parameters (the other parameters drawn per world from the scenario, as in the filter).
Each month every world is stepped together, then the weights are normalised **within
each block** and a block is resampled (systematic, one uniform per block) when its own
effective sample size falls below half its worlds; the resampling indices stay inside
the block, so the blocks never mix and each block's sum of log increments is an unbiased
(on the natural scale) estimate of the record's likelihood at its vector.

Not :meth:`EscalationModel.resample` with ``blocks > 1``: the model's ``blocks`` are
common-random-number sweep blocks that share their draws; here the model has
``blocks == 1`` (every world draws its own numbers) and the block structure lives only in
the resampling indices.

:func:`log_likelihoods` gives each of K vectors ``replicates`` blocks of ``m`` worlds
and returns, per vector, log Z = log of the mean of the replicates' Z estimates and its
Monte Carlo standard error sd(log Z_r)/sqrt(R) (delta method, as the filter's), all from
one model. Work is cut into fixed chunks of vectors, each its own model on its own seed
(keyed by the chunk's index, never by the worker), so the numbers do not depend on how
many workers run the chunks.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.actors import Views
from sim.assimilation.filter import (
    ESS_THRESHOLD,
    RESAMPLE_STREAM,
    WorldFilter,
    sub_stream,
    systematic,
)
from sim.model import EscalationModel
from sim.params import ParamKey
from sim.record.observation import MonthObservation, ObservationModel
from sim.scenario.scenario import Scenario

LIKELIHOOD_BRANCH = 1 << 42  # the calibration filters' seeds: never a run's or a filter's
CHUNK_VECTORS = 8  # vectors per model (the unit of work a worker gets)


def set_parameters(model: EscalationModel, values: Mapping[str, np.ndarray]) -> None:
    """Give each world new values of some parameters WITHOUT the state resets of
    :meth:`EscalationModel.update_parameters`: an IF2 perturbation moves a world's
    parameter a little, it does not restart what the world has learned (Baku's belief in
    Western resolve would be reset to its prior by a change of sanctions credibility)."""
    new = dict(model.params)
    for key, value in values.items():
        new[key] = np.asarray(value, dtype=np.float64).copy()
    model.params = new
    model.views = Views.build(new)
    for actor in model.actors:
        actor.refresh()


@dataclass
class BlockFilter(WorldFilter):
    """``blocks`` independent filters of ``n // blocks`` worlds in one model, with the
    calibrated parameters set per world (``values``: key -> array of shape (n,))."""

    values: Mapping[str, np.ndarray] = field(default_factory=dict)
    blocks: int = 1

    def __post_init__(self) -> None:
        if self.n % self.blocks:
            raise ValueError(f"{self.n} worlds do not split into {self.blocks} blocks")
        super().__post_init__()
        if self.values:
            # At week 0 this is the same as building the model with these values (the
            # beliefs they set start from them).
            self.model.update_parameters(dict(self.values))
        self.m = self.n // self.blocks
        self.offsets = (np.arange(self.blocks) * self.m)[:, None]
        self.log_w = np.zeros((self.blocks, self.m))
        self.log_lik = np.zeros(self.blocks)
        self.resample_rng = sub_stream(self.seed_seq, RESAMPLE_STREAM)

    def weigh(self, obs: MonthObservation, always_resample: bool = False) -> np.ndarray:
        """Step the next month, weigh each block's worlds by it and resample the blocks
        that need it; returns this month's log-likelihood increment per block (-inf for
        a block whose every world is ruled out: its vector is impossible, not an error)."""
        s = self.step_month()
        ll = self.observation.log_likelihood(s, obs).reshape(self.blocks, self.m)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_w = self.log_w - _logsumexp(self.log_w)[:, None] + ll
            top = np.max(log_w, axis=1)
            finite = np.isfinite(top)
            safe_top = np.where(finite, top, 0.0)
            sums = np.exp(log_w - safe_top[:, None]).sum(axis=1)
            increment = np.where(finite, safe_top + np.log(sums), -np.inf)
            w = np.exp(log_w - safe_top[:, None]) / np.where(finite, sums, 1.0)[:, None]
        w[~finite] = 1.0 / self.m  # a dead block: keep it as it is (its total is -inf)
        ess = 1.0 / np.sum(w * w, axis=1)
        redo = (ess < ESS_THRESHOLD * self.m) & finite
        if always_resample:
            redo = finite.copy()
        u = self.resample_rng.random(self.blocks)  # drawn whatever happens: same stream use
        if redo.any():
            idx = np.tile(np.arange(self.m), (self.blocks, 1))
            for b in np.flatnonzero(redo):
                idx[b] = systematic(w[b], u[b])
            self.model.resample((idx + self.offsets).ravel())
        new_log_w = np.where(finite[:, None], log_w - safe_top[:, None], 0.0)
        new_log_w[redo] = 0.0
        self.log_w = new_log_w
        self.log_lik += increment
        self.month_index += 1
        return increment

    def run(self, record: Sequence[MonthObservation]) -> np.ndarray:
        for obs in record:
            self.weigh(obs)
        self.model.release()
        return self.log_lik


def _logsumexp(a: np.ndarray) -> np.ndarray:
    top = np.max(a, axis=1)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return top + np.log(np.exp(a - top[:, None]).sum(axis=1))


@dataclass(frozen=True)
class LikelihoodProblem:
    """What a likelihood pass needs (picklable for workers)."""

    scenario: Scenario  # the prior scenario (the filter sets it up as of first_month)
    first_month: pd.Period
    record: tuple[MonthObservation, ...]
    keys: tuple[ParamKey, ...]
    worlds: int  # worlds per replicate block
    replicates: int
    observation: ObservationModel = field(default_factory=ObservationModel)


def chunk_task(problem: LikelihoodProblem, thetas: np.ndarray, seed_seq) -> np.ndarray:
    """One model over ``len(thetas) * replicates`` blocks: each block's log-likelihood,
    shape (len(thetas), replicates)."""
    k, r, m = len(thetas), problem.replicates, problem.worlds
    n = k * r * m
    values: dict[str, np.ndarray] = {
        str(key): np.repeat(thetas[:, j], r * m) for j, key in enumerate(problem.keys)
    }
    f = BlockFilter(
        problem.scenario,
        problem.first_month,
        len(problem.record),
        n,
        seed_seq,
        observation=problem.observation,
        values=values,
        blocks=k * r,
    )
    return f.run(problem.record).reshape(k, r)


def _run_chunk(args) -> np.ndarray:
    return chunk_task(*args)


def log_likelihoods(
    problem: LikelihoodProblem,
    thetas: np.ndarray,
    seed: int,
    key: tuple[int, ...],
    map_: Callable = map,
) -> tuple[np.ndarray, np.ndarray]:
    """log Z and its Monte Carlo SE for every row of ``thetas`` (shape (K, len(keys))),
    ``key`` naming the pass (e.g. (stage, iteration)) in the seed tree."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=np.float64))
    tasks = [
        (
            problem,
            thetas[i : i + CHUNK_VECTORS],
            np.random.SeedSequence(seed, spawn_key=(LIKELIHOOD_BRANCH, *key, i)),
        )
        for i in range(0, len(thetas), CHUNK_VECTORS)
    ]
    per_rep = np.concatenate(list(map_(_run_chunk, tasks)), axis=0)
    return combine(per_rep)


def combine(per_rep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replicates' log Z (shape (K, R)) -> log mean Z and SE (delta method)."""
    r = per_rep.shape[1]
    top = per_rep.max(axis=1)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        log_z = safe + np.log(np.exp(per_rep - safe[:, None]).mean(axis=1))
    with np.errstate(invalid="ignore"):
        se = (
            np.where(np.isfinite(per_rep).all(axis=1), per_rep.std(axis=1, ddof=1), np.inf)
            / np.sqrt(r)
            if r > 1
            else np.full(len(per_rep), np.nan)
        )
    return np.where(np.isfinite(top), log_z, -np.inf), se
