"""A pyabc sampler whose result depends on the seed only, not on where particles run.

pyabc's own parallel samplers reseed every worker from the operating system
(``np.random.seed()`` in each task), so two runs never agree. This one is pyabc's
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
"""

import functools
import random

import cloudpickle
import numpy as np
from pyabc.sampler import MappingSampler


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
