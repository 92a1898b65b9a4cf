"""The Monte Carlo run a class plays against, world by world, and where a played
history falls in it.

:func:`run_distribution` runs the scenario exactly as ``escsim run`` does (the same
chunks, seeds and recipe, :func:`sim.montecarlo.run_chunk`), keeping what a placement
needs for every world: which outcome happened (:data:`sim.outcomes.OUTCOME_TABLE`) and a
few quantities (:data:`QUANTITIES`). Its probabilities are therefore the run's, and
world ``i`` of it is the world a student plays (:mod:`.crn`).

A placement says, for each outcome, whether it happened in the student's world, beside
the model's probability with its 95% interval and the number of worlds; for each
quantity, the student's value and its percentile among the worlds (mid-rank: the share
of worlds below it plus half of those equal), beside the model's 10th, 50th and 90th
percentiles. Both also give what the model's own play of the same world gave.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.montecarlo import chunk_tasks, run_chunk
from sim.outcomes import OUTCOME_NAMES, OUTCOMES
from sim.results import Estimate, Tally
from sim.seeding import DEFAULT_CHUNK_SIZE


@dataclass(frozen=True)
class Quantity:
    """A number read from each world at the end of the run."""

    name: str
    meaning: str
    read: Callable[..., np.ndarray]  # (world state, scenario) -> (n,) values


QUANTITIES: tuple[Quantity, ...] = (
    Quantity(
        "km2_taken",
        "Armenian territory taken during the run (km²)",
        lambda w, s: w.occupied_km2 - float(s.initial.occupied_km2),
    ),
    Quantity("highest_rung", "the highest rung fought, even for a week", lambda w, s: w.max_rung),
    Quantity(
        "operations",
        "operations on Armenian soil that ended (held, repelled or withdrawn)",
        lambda w, s: w.ops_ended.sum(axis=0),
    ),
    Quantity(
        "first_clash_week",
        "the week of the first border clash (horizon + 1 if none)",
        lambda w, s: np.where(w.first_clash_week >= 0, w.first_clash_week, s.horizon_weeks + 1),
    ),
)
QUANTITY_NAMES = tuple(q.name for q in QUANTITIES)


def world_values(model, scenario) -> tuple[np.ndarray, np.ndarray]:
    """(outcomes (n_outcomes, n) bool, quantities (n_quantities, n) float) of a model's
    worlds as they stand."""
    quantities = np.stack(
        [np.asarray(q.read(model.world, scenario), dtype=np.float64) for q in QUANTITIES]
    )
    return model.outcome_indicators(), quantities


@dataclass(frozen=True)
class OutcomeRow:
    name: str
    meaning: str
    happened: bool  # in the student's world
    model_world: bool  # in the same world played by the model's rules
    estimate: Estimate  # the model's probability over the run's worlds


@dataclass(frozen=True)
class QuantityRow:
    name: str
    meaning: str
    value: float  # in the student's world
    model_world: float
    percentile: float  # mid-rank share of the run's worlds, 0-1
    p10: float
    p50: float
    p90: float
    n: int


@dataclass
class Distribution:
    """The run, per world: ``outcomes`` (n_outcomes, n) bool, ``quantities``
    (n_quantities, n), and its tally (the weekly breakdown by state)."""

    scenario_name: str
    seed: int
    chunk_size: int
    horizon_weeks: int
    outcomes: np.ndarray
    quantities: np.ndarray
    tally: Tally

    @property
    def n_worlds(self) -> int:
        return int(self.outcomes.shape[1])

    def estimate(self, outcome: str) -> Estimate:
        i = OUTCOME_NAMES.index(outcome)
        return Estimate(int(self.outcomes[i].sum()), self.n_worlds)

    def state_shares(self) -> np.ndarray:
        """(horizon + 1, N_STATES): the share of worlds in each state, week by week."""
        counts = self.tally.state_counts.astype(np.float64)
        return counts / counts.sum(axis=1, keepdims=True)

    def place(self, outcomes, quantities, world: int) -> tuple[list, list]:
        """Where one history falls (``outcomes`` (n_outcomes,) bool, ``quantities``
        (n_quantities,)), beside world ``world`` as the model played it."""
        rows = [
            OutcomeRow(
                name,
                OUTCOMES[name],
                bool(outcomes[i]),
                bool(self.outcomes[i, world]),
                self.estimate(name),
            )
            for i, name in enumerate(OUTCOME_NAMES)
        ]
        qrows = []
        for j, q in enumerate(QUANTITIES):
            values = self.quantities[j]
            x = float(quantities[j])
            below = np.count_nonzero(values < x)
            equal = np.count_nonzero(values == x)
            p10, p50, p90 = np.percentile(values, [10, 50, 90])
            qrows.append(
                QuantityRow(
                    q.name,
                    q.meaning,
                    x,
                    float(values[world]),
                    (below + 0.5 * equal) / values.size,
                    float(p10),
                    float(p50),
                    float(p90),
                    int(values.size),
                )
            )
        return rows, qrows


def run_distribution(
    scenario,
    n_worlds: int,
    seed: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> Distribution:
    """The scenario's run over ``n_worlds`` worlds (``escsim run``'s chunks and seeds),
    in this process, with every world's outcomes and quantities kept."""
    horizon = scenario.horizon_weeks
    outcomes, quantities = [], []
    total = Tally.empty(horizon)
    done = 0
    for task in chunk_tasks(scenario, n_worlds, seed, horizon, chunk_size):

        def measure(model):
            return (*world_values(model, scenario), model.tally())

        o, q, t = run_chunk(task, measure)
        outcomes.append(o)
        quantities.append(q)
        total = total + t
        done += task.n_worlds
        if progress is not None:
            progress(done, n_worlds)
    return Distribution(
        scenario.name,
        int(seed),
        int(chunk_size),
        horizon,
        np.concatenate(outcomes, axis=1),
        np.concatenate(quantities, axis=1),
        total,
    )
