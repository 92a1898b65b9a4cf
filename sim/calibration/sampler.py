"""pyabc samplers whose result depends on the seed only, not on where particles run.

Two of them: :class:`BatchedSampler` (the default of ``escsim calibrate``) simulates a
generation's proposals as blocks of one model; :class:`SeededMappingSampler` (``--sampler
mapping``) runs one model call per proposal, as pyabc's ``MappingSampler`` does.

**SeededMappingSampler.** pyabc's own parallel samplers reseed every worker from the
operating system (``np.random.seed()`` in each task), so two runs never agree. This one is pyabc's
:class:`~pyabc.sampler.MappingSampler` (its documented way to run on any ``map``: a
process pool, or a Dask ``Client``) with one change: the i-th task of a generation seeds
its proposals from ``SeedSequence([seed, t, call, i])`` instead of the operating system.
Each task samples until it has one accepted particle, and ``map`` returns results in task
order, so the population is the same whether the tasks run here, in a process pool of
any size, or on a Dask cluster (the model's own seed comes from the particle's values,
:func:`sim.calibration.simulator.particle_seed`). pyabc's Dask sampler
(``DaskDistributedSampler``) was not used for that reason: it schedules dynamically and
reseeds from the OS, so its posterior agrees with this one only within sampling error.

The cost of the fixed order: a generation waits for its slowest task (one accepted
particle each), a few per cent when particles are many and workers few.

**BatchedSampler.** Each model call of the mapping sampler runs one 8-world model, and a
model week costs about 600 NumPy calls whatever the number of worlds, so 99% of its time
is fixed cost. pyabc has no vectorised path (its samplers call ``simulate_one`` once per
proposal), but its sampler interface (``sample_until_n_accepted``, with the analysis
variables: priors, transition kernel, distance, epsilon, acceptor) lets a subclass do
the sampling its own way. This one, in rounds until ``n`` proposals are accepted:

1. draws a round of proposals in this process, vectorised: from the prior (each
   variable's ``rvs(size=...)``) in generation 0 and the calibration sample, else from
   pyabc's fitted transition kernel (``transition.rvs(size=...)``), redrawing those with
   prior density 0 as pyabc's ``generate_valid_proposal`` does; the global generator
   pyabc's kernels read is seeded from ``SeedSequence([seed, 0, t + 1, call, round])``;
2. simulates them in blocks of ``block_particles`` particles (one model of
   ``block_particles x records`` worlds each, :meth:`RecordSimulator.block_stats`), the
   i-th block seeded from ``SeedSequence([seed, 1, t + 1, call, round, i])`` and run
   through ``map_`` (serial, a process pool or Dask: results come back in block order);
3. evaluates the proposals in proposal order with pyabc's own acceptor, distance and
   epsilon (``ana_vars.acceptor``, as pyabc's ``Model.accept`` does) until ``n`` are
   accepted, and weighs the accepted ones as pyabc's ``_weight_function`` does
   (acceptance weight x prior density / transition density), the densities computed for
   the whole round at once (each prior variable's ``pdf`` over an array, the kernel's
   ``pdf`` over a DataFrame).

Proposals past the n-th acceptance are simulated but not counted: ``nr_evaluations_``
(pyabc's simulations, its acceptance rate) is what a one-by-one sampler would have
needed, so the acceptance rate is not biased by the round size; :attr:`simulated` counts
every world-block particle, wasted ones included. The round sizes depend only on the
seed-determined past (the previous generation's acceptance rate and this generation's
acceptances so far), never on the workers, so neither do the blocks, their seeds or the
posterior. A resumed run gets the previous generation's rate from the database
(:meth:`BatchedSampler.remember_rates`), so it equals an uninterrupted one.

The records of a particle come from its block's random stream, no longer from a seed of
its own values (:func:`sim.calibration.simulator.particle_seed`): the same seed gives a
different (equally valid) posterior than the mapping sampler's.
"""

import functools
import math
import random
from collections.abc import Callable, Sequence

import cloudpickle
import numpy as np
import pandas as pd
from pyabc.parameters import Parameter
from pyabc.population import Particle
from pyabc.sampler import MappingSampler, Sampler

# Particles per model block: 300 particles x 8 records = 2,400 worlds, where the fixed
# cost of a model week is about a sixth of the block's time (measured: 8 worlds 0.1 s,
# 1,600 worlds 0.31 s, 4,000 worlds 0.63 s over the 182 weeks of the record).
BLOCK_PARTICLES = 300
# A round holds at least this many blocks, so that two workers both have one (a round
# of one block left a worker idle; the number is fixed, never the number of workers), and
# never more than the maximum (bounds memory and wasted simulations).
MIN_BLOCKS_PER_ROUND = 2
MAX_BLOCKS_PER_ROUND = 64
# Proposals drawn per round: the expected need times this margin (one round, usually).
ROUND_MARGIN = 1.2


class SeededMappingSampler(MappingSampler):
    """``MappingSampler`` with per-task seeds derived from ``seed`` (see module doc)."""

    def __init__(self, map_=map, seed: int = 0) -> None:
        super().__init__(map_=map_, mapper_pickles=False)
        self.seed = int(seed)
        self._calls: dict[int, int] = {}

    def map_function(self, simulate_one, task_seed):
        simulate_one = self.unpickle(simulate_one)
        # pyabc's proposals (prior, perturbation kernel) draw from the global generators.
        np.random.seed(task_seed)  # noqa: NPY002 (pyabc reads the global generator)
        random.seed(task_seed)
        nr_simulations = 0
        sample = self._create_empty_sample()
        while True:
            new_sim = simulate_one()
            nr_simulations += 1
            sample.append(new_sim)
            if new_sim.accepted:
                break
        return sample, nr_simulations

    def task_seeds(self, n: int, t: int) -> list[int]:
        """Seeds of the ``n`` tasks of this call for generation ``t`` (pyabc's calibration
        sample before the first generation comes as a separate call)."""
        call = self._calls.get(t, 0)
        self._calls[t] = call + 1
        root = np.random.SeedSequence([self.seed, t + 1, call])  # t is -1 for some calls
        return [int(child.generate_state(1)[0]) for child in root.spawn(n)]

    def sample_until_n_accepted(
        self,
        n,
        simulate_one,
        t,
        *,
        max_eval=np.inf,  # noqa: ARG002
        all_accepted=False,
        ana_vars=None,
    ):  # noqa: ARG002
        pickled = cloudpickle.dumps(simulate_one)
        task = functools.partial(self.map_function, pickled)
        results = list(self.map_(task, self.task_seeds(n, t)))
        sample = self._create_empty_sample()
        evaluations = 0
        for part, count in results:
            sample += part
            evaluations += count
        self.nr_evaluations_ = evaluations
        return sample


def simulate_block(task) -> np.ndarray:
    """A worker's task: ``(simulator, values, seed words)`` to ``simulator.block_stats``."""
    simulator, values, words = task
    return simulator.block_stats(values, np.random.SeedSequence(list(words)))


class BatchedSampler(Sampler):
    """Simulates a generation's proposals as blocks of one model (see module doc).

    ``simulator`` has ``keys`` (each with its pyabc ``safe`` name) and
    ``block_stats(values, seed_seq)`` (:class:`~sim.calibration.simulator.RecordSimulator`);
    its statistics become each particle's ``{"stats": ...}``, as the simulator's
    ``__call__`` gives pyabc. ``map_`` runs :func:`simulate_block` over a round's blocks
    and returns the results in order.
    """

    def __init__(
        self,
        simulator,
        map_: Callable = map,
        seed: int = 0,
        block_particles: int | None = None,  # None: BLOCK_PARTICLES
    ) -> None:
        super().__init__()
        self.simulator = simulator
        self.names = [key.safe for key in simulator.keys]
        self.map_ = map_
        self.seed = int(seed)
        self.block_particles = int(block_particles or BLOCK_PARTICLES)
        self.simulated = 0  # every particle simulated, counted or not
        self.acceptance_rates: dict[int, float] = {}
        self._calls: dict[int, int] = {}

    def remember_rates(self, rates: dict[int, float]) -> None:
        """Acceptance rates of generations already in the database (a resumed run)."""
        self.acceptance_rates.update({int(t): float(r) for t, r in rates.items()})

    def _words(self, purpose: int, t: int, call: int, round_: int) -> list[int]:
        return [self.seed, purpose, t + 1, call, round_]  # t is -1 for the calibration sample

    def _propose(self, size: int, from_prior: bool, ana_vars, words) -> np.ndarray:
        """``size`` proposals (rows, in ``names`` order) with positive prior density."""
        prior = ana_vars.parameter_priors[0]
        # pyabc's kernels and scipy's rvs read the legacy global generator.
        np.random.seed(np.random.SeedSequence(words).generate_state(4))  # noqa: NPY002
        if from_prior:
            return np.column_stack([prior[name].rvs(size=size) for name in self.names])
        transition = ana_vars.transitions[0]
        out = np.empty((0, len(self.names)))
        while len(out) < size:
            drawn = transition.rvs(size=size - len(out))[self.names].to_numpy(dtype=np.float64)
            out = np.concatenate([out, drawn[self._prior_pdf(prior, drawn) > 0]])
        return out

    def _prior_pdf(self, prior, values: np.ndarray) -> np.ndarray:
        """The prior density of each row (pyabc's ``Distribution.pdf``, over arrays)."""
        density = np.ones(len(values))
        for i, name in enumerate(self.names):
            density *= np.asarray(prior[name].pdf(values[:, i]), dtype=np.float64)
        return density

    def _simulate(self, values: np.ndarray, words: list[int]) -> np.ndarray:
        """(proposals, records, statistics) for a round, block by block through ``map_``."""
        step = self.block_particles
        tasks = [
            (self.simulator, values[a : a + step], (*words, i))
            for i, a in enumerate(range(0, len(values), step))
        ]
        self.simulated += len(values)
        return np.concatenate(list(self.map_(simulate_block, tasks)), axis=0)

    def _round_size(self, need: int, accepted: int, proposed: int, hint: float) -> int:
        rate = accepted / proposed if accepted else hint
        blocks = math.ceil(need / max(rate, 1e-6) * ROUND_MARGIN / self.block_particles)
        return self.block_particles * min(max(blocks, MIN_BLOCKS_PER_ROUND), MAX_BLOCKS_PER_ROUND)

    def sample_until_n_accepted(
        self,
        n,
        simulate_one,  # noqa: ARG002 (pyabc's one-proposal function: replaced by rounds)
        t,
        *,
        max_eval=np.inf,  # noqa: ARG002
        all_accepted=False,
        ana_vars=None,
    ):
        if ana_vars is None or len(ana_vars.models) != 1:
            raise ValueError("BatchedSampler needs pyabc's analysis variables and one model")
        call = self._calls.get(t, 0)
        self._calls[t] = call + 1
        from_prior = all_accepted or t == 0
        hint = self.acceptance_rates.get(t - 1, 1.0)
        sample = self._create_empty_sample()
        accepted = evaluated = proposed = round_ = 0
        while accepted < n:
            if round_ and not accepted:
                hint /= 4  # a round without an acceptance: expect a lower rate
            need = n - accepted
            size = need if all_accepted else self._round_size(need, accepted, proposed, hint)
            values = self._propose(size, from_prior, ana_vars, self._words(0, t, call, round_))
            stats = self._simulate(values, self._words(1, t, call, round_))
            proposed += size
            count, accepted = self._evaluate(
                sample, values, stats, t, n, all_accepted, from_prior, ana_vars, accepted
            )
            evaluated += count
            round_ += 1
        self.nr_evaluations_ = evaluated
        if not all_accepted:
            self.acceptance_rates[t] = n / evaluated
        return sample

    def _evaluate(
        self, sample, values, stats, t, n, all_accepted, from_prior, ana_vars, accepted
    ) -> tuple[int, int]:
        """Append the round's particles to ``sample`` in proposal order until ``n`` are
        accepted; return (evaluated in this round, accepted in all)."""
        parameters = [
            Parameter(dict(zip(self.names, map(float, row), strict=True))) for row in values
        ]
        if all_accepted:  # pyabc's calibration sample: from the prior, all accepted
            for par, stat in zip(parameters[: n - accepted], stats, strict=False):
                sample.append(Particle(0, par, 1.0, {"stats": stat}, np.inf, True))
            return min(len(values), n - accepted), n
        results = []
        count = 0
        for par, stat in zip(parameters, stats, strict=True):
            result = ana_vars.acceptor(
                distance_function=ana_vars.distance_function,
                eps=ana_vars.eps,
                x={"stats": stat},
                x_0=ana_vars.x_0,
                t=t,
                par=par,
            )
            results.append(result)
            count += 1
            accepted += int(result.accept)
            if accepted == n:
                break
        weights = self._weights(values[:count], results, t, from_prior, ana_vars)
        for par, stat, result, weight in zip(parameters, stats, results, weights, strict=False):
            sample.append(
                Particle(0, par, weight, {"stats": stat}, result.distance, bool(result.accept))
            )
        return count, accepted

    def _weights(self, values, results: Sequence, t, from_prior, ana_vars) -> np.ndarray:
        """pyabc's ``_weight_function`` for the accepted ones (rejected weigh 0):
        acceptance weight x prior density / transition density (the prior in generation
        0, where the ratio is 1; one model, so no model factor)."""
        accept = np.array([bool(r.accept) for r in results])
        weights = np.zeros(len(results))
        if not accept.any():
            return weights
        chosen = values[accept]
        acceptance = np.array([float(r.weight) for r in results])[accept]
        prior = self._prior_pdf(ana_vars.parameter_priors[0], chosen)
        if from_prior:
            proposal = prior
        else:
            frame = pd.DataFrame(chosen, columns=self.names)
            proposal = np.atleast_1d(ana_vars.transitions[0].pdf(frame))
        weights[accept] = acceptance * prior / proposal
        return weights
