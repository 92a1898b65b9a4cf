"""The simulator a calibration calls: the batched model over the record's months.

One call runs ONE :class:`~sim.model.EscalationModel` over many worlds (never one Mesa
model per world): for the inference, ``records`` replicate records that share the
particle's parameter values; for the predictive check, one world per posterior draw.
Each run starts as of the record's first month (the scenario set up by
``sim.record.conditions.scenario_as_of``) and switches the conditions on at their dates
(``parameter_schedule`` through ``EscalationModel.update_parameters``). Parameters that
are not calibrated keep the scenario's distributions, each world drawing its own value,
so their uncertainty is carried into the simulated records rather than fixed at a guess.

Seeds: a call's seed is derived from the master seed and the particle's parameter values
(their exact bits), so the same particle always gives the same records, whatever process
or machine runs it; the inference library's own proposals are seeded separately
(:mod:`sim.calibration.sampler`).

The batched sampler (:class:`sim.calibration.sampler.BatchedSampler`) calls
:meth:`RecordSimulator.block_stats` instead: ONE model over a block of particles, each
particle's ``records`` worlds carrying its own parameter values, seeded per block (one
random stream for the block, not one per particle). A model week costs about the same
NumPy calls whatever the number of worlds, so a block of a few hundred particles costs a
few times one 8-world call, not a few hundred times.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.calibration.summary import CSTO, SANCTIONS, MonthlyRecord, monthly_from_weekly, statistics
from sim.model import EscalationModel
from sim.params import ParamKey
from sim.scenario import Scenario
from sim.seeding import dynamics_seed


def particle_seed(seed: int, values: list[float]) -> np.random.SeedSequence:
    """The seed of one model call: the master seed and the bits of the parameter values."""
    words = np.asarray(values, dtype=np.float64).view(np.uint32).tolist()
    return np.random.SeedSequence([int(seed), *words])


@dataclass(frozen=True)
class RecordSimulator:
    """Simulated monthly records over the calibration window (picklable for workers).

    ``scenario`` is the scenario as of the first month; ``schedule`` the parameter
    changes by week (``parameter_schedule``); ``weeks_per_month`` how many model weeks
    each calendar month gets; ``spans`` the sub-periods the statistics are taken over;
    ``keys`` the calibrated parameters, in a fixed order (pyabc names them by their
    ``safe`` spelling: it nests on dots).
    """

    scenario: Scenario
    schedule: tuple[tuple[int, dict[str, float]], ...]
    weeks_per_month: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]
    keys: tuple[ParamKey, ...]
    records: int
    seed: int

    @property
    def weeks(self) -> int:
        return int(sum(self.weeks_per_month))

    def monthly(
        self, values: Mapping[str, np.ndarray | float], seed_seq: np.random.SeedSequence, n: int
    ) -> MonthlyRecord:
        """``n`` simulated records with the given calibrated values (arrays of shape (n,));
        the other parameters drawn per world from the scenario."""
        params = self.scenario.sample(seed_seq, n)
        for key, value in values.items():
            params[key] = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
        model = EscalationModel(
            params,
            self.scenario.initial,
            self.weeks,
            np.random.default_rng(dynamics_seed(seed_seq)),
        )
        changes = dict(self.schedule)
        rung = np.empty((self.weeks, n), dtype=np.int8)
        csto = np.empty((self.weeks, n), dtype=bool)
        sanctioned = np.empty((self.weeks, n), dtype=bool)
        start_csto = CSTO.week(model.world)
        start_sanctioned = SANCTIONS.week(model.world).copy()
        for week in range(self.weeks):
            if week in changes:
                # Conditions switch on at their dates, calibrated parameters included: a
                # calibrated value is the parameter's value until the conditions change it.
                model.update_parameters(changes[week])
            model.step()
            rung[week] = model.world.rung
            csto[week] = CSTO.week(model.world)
            sanctioned[week] = SANCTIONS.week(model.world)
        model.release()
        return monthly_from_weekly(
            rung, csto, sanctioned, list(self.weeks_per_month), start_csto, start_sanctioned
        )

    def block_stats(self, values: np.ndarray, seed_seq: np.random.SeedSequence) -> np.ndarray:
        """Statistics of ``records`` records for each row of ``values`` (particles x keys,
        in ``keys`` order), from one model of particles x records worlds: an array of shape
        (particles, records, n_statistics). World ``i`` is particle ``i // records``."""
        values = np.atleast_2d(np.asarray(values, dtype=np.float64))
        particles = values.shape[0]
        worlds = np.repeat(values, self.records, axis=0)
        record = self.monthly(
            {key: worlds[:, i] for i, key in enumerate(self.keys)},
            seed_seq,
            particles * self.records,
        )
        return statistics(record, list(self.spans)).reshape(particles, self.records, -1)

    def __call__(self, particle: dict) -> dict:
        """pyabc's model: a particle (safe names -> values) to the statistics of
        ``records`` simulated records, shape (records, n_statistics)."""
        values = [float(particle[k.safe]) for k in self.keys]
        record = self.monthly(
            dict(zip(self.keys, values, strict=True)),
            particle_seed(self.seed, values),
            self.records,
        )
        return {"stats": statistics(record, list(self.spans))}
