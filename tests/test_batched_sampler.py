"""The batched pyabc sampler (sim.calibration.sampler.BatchedSampler) on a model with a
known posterior: proposals and weights are pyabc's, the result depends on the seed only,
and a resumed run equals an uninterrupted one."""

from dataclasses import dataclass

import numpy as np
import pyabc
import pytest

from sim.calibration.sampler import BatchedSampler, simulate_block
from sim.calibration.summary import RecordDistance


@dataclass(frozen=True)
class Key:
    safe: str


@dataclass(frozen=True)
class GaussianToy:
    """x ~ N(theta, 1), ``records`` draws per particle; statistics (particles, records, 1)."""

    records: int = 1
    keys: tuple = (Key("theta"),)

    def block_stats(self, values, seed_seq):
        rng = np.random.default_rng(seed_seq)
        values = np.asarray(values, dtype=np.float64)
        return values[:, None, :] + rng.standard_normal((len(values), self.records, 1))


OBSERVED = 2.0


def abc_for(sampler, particles=300):
    # Prior N(0, 1) and one observation x = 2 of N(theta, 1): posterior N(1, 1/2).
    return pyabc.ABCSMC(
        lambda _p: {"stats": np.zeros((1, 1))},  # never called: the sampler simulates
        pyabc.Distribution(theta=pyabc.RV("norm", 0, 1)),
        RecordDistance((1.0,)),
        population_size=particles,
        sampler=sampler,
    )


def posterior(history):
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    return frame["theta"].to_numpy(), np.asarray(weights) / np.sum(weights)


def run(tmp_path, name, generations, map_=map, seed=7, particles=100):
    sampler = BatchedSampler(GaussianToy(), map_, seed, block_particles=50)
    abc = abc_for(sampler, particles)
    abc.new(f"sqlite:///{tmp_path / name}.db", {"stats": np.array([OBSERVED])})
    return abc.run(max_nr_populations=generations), sampler


@pytest.mark.slow  # about 4 s
def test_the_posterior_is_the_known_one(tmp_path):
    """Prior N(0, 1), x = 2 observed from N(theta, 1): the posterior is N(1, 0.707^2).
    ABC at the final tolerance eps adds about eps^2/3 to the variance (eps is about 0.08
    after 6 generations). Measured over seeds 0-5 (300 particles, 6 generations): posterior
    means 0.89-1.13 (average 1.02) and sds 0.61-0.72 with this sampler; 0.91-1.05 (1.00)
    and 0.65-0.83 with pyabc's own SingleCoreSampler. Tolerance: mean within 0.2 of 1
    (about 3 standard deviations over seeds), sd 0.55-0.9; seeded (seed 3), so the test
    gives the same answer every run. Without pyabc's importance weights (prior /
    proposal) the population is pulled toward the likelihood's peak at 2."""
    history, sampler = run(tmp_path, "known", 6, seed=3, particles=300)
    theta, w = posterior(history)
    mean = float(theta @ w)
    sd = float(np.sqrt(((theta - mean) ** 2) @ w))
    assert mean == pytest.approx(1.0, abs=0.2)
    assert 0.55 < sd < 0.9
    assert sampler.simulated >= history.total_nr_simulations


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_the_same_seed_gives_the_same_posterior_whatever_runs_the_blocks(tmp_path):
    """Blocks arrive in order from any ``map``; here one that runs them last to first."""

    def backwards(fn, tasks):
        tasks = list(tasks)
        return reversed([fn(t) for t in reversed(tasks)])

    first, _ = run(tmp_path, "a", 2)
    second, _ = run(tmp_path, "b", 2, map_=backwards)
    other_seed, _ = run(tmp_path, "c", 2, seed=8)
    np.testing.assert_array_equal(posterior(first)[0], posterior(second)[0])
    np.testing.assert_array_equal(posterior(first)[1], posterior(second)[1])
    assert not np.array_equal(posterior(first)[0], posterior(other_seed)[0])


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_a_resumed_run_equals_an_uninterrupted_one(tmp_path):
    whole, _ = run(tmp_path, "whole", 3)
    run(tmp_path, "parts", 2)
    sampler = BatchedSampler(GaussianToy(), map, 7, block_particles=50)
    abc = abc_for(sampler, 100)
    history = abc.load(f"sqlite:///{tmp_path / 'parts'}.db", 1)
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    sampler.remember_rates(dict(zip(pops["t"], pops["particles"] / pops["samples"], strict=True)))
    resumed = abc.run(max_nr_populations=1)
    np.testing.assert_array_equal(posterior(whole)[0], posterior(resumed)[0])
    assert whole.total_nr_simulations == resumed.total_nr_simulations


def test_evaluations_count_up_to_the_last_acceptance_and_blocks_have_their_size(tmp_path):
    """pyabc's simulations are those a one-by-one sampler would have made (the acceptance
    rate is unbiased); the rest of a round is simulated but not counted."""
    sizes = []

    def recording_map(fn, tasks):
        tasks = list(tasks)
        sizes.extend(len(t[1]) for t in tasks)
        return map(fn, tasks)

    history, sampler = run(tmp_path, "count", 2, map_=recording_map)
    pops = history.get_all_populations()
    assert set(sizes) == {50}  # rounds are whole blocks (the calibration sample: 100)
    assert sampler.simulated == sum(sizes)
    assert history.total_nr_simulations <= sampler.simulated
    assert all(pops[pops["t"] >= 0]["samples"] >= 100)


def test_a_block_is_one_model_over_particles_times_records():
    toy = GaussianToy(records=4)
    values = np.array([[0.0], [100.0]])
    stats = simulate_block((toy, values, (1, 2, 3)))
    assert stats.shape == (2, 4, 1)
    assert np.all(stats[1] > 90) and np.all(stats[0] < 10)
    np.testing.assert_array_equal(stats, simulate_block((toy, values, (1, 2, 3))))


def test_weights_are_pyabcs_own(tmp_path):
    """Each accepted particle's weight equals what pyabc's own weight function (in the
    ``simulate_one`` it hands a sampler) gives it: prior density / transition density."""
    checked = []

    class Checking(BatchedSampler):
        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            sample = super().sample_until_n_accepted(n, simulate_one, t, **kwargs)
            weight_function = getattr(simulate_one, "keywords", {}).get("weight_function")
            if weight_function is not None and t > 0:
                for particle in sample.accepted_particles:
                    expected = weight_function(0, particle.parameter, 1.0)
                    assert particle.weight == pytest.approx(expected, rel=1e-9)
                checked.append(len(sample.accepted_particles))
            return sample

    abc = abc_for(Checking(GaussianToy(), map, 5, block_particles=50), 60)
    abc.new(f"sqlite:///{tmp_path / 'w'}.db", {"stats": np.array([OBSERVED])})
    abc.run(max_nr_populations=3)
    assert checked == [60, 60]
