"""The Mesa model: a batch of independent worlds, one step per week.

``n_worlds=1`` is one replication to watch step by step; ``n_worlds=10_000`` is a Monte
Carlo batch in one Python loop of ``horizon x actors`` steps (DESIGN.md). The
DataCollector records aggregates over worlds per week (how many worlds are in each
state), so memory does not grow with ``n_worlds x horizon``.
"""

import mesa
import numpy as np

from sim.agents import ACTOR_ORDER, Actor, spill_over
from sim.ladder import N_STATES, OUTCOMES, CstoResponse
from sim.results import OUTCOME_NAMES, Tally
from sim.state import WorldState


class EscalationModel(mesa.Model):
    """Six actors over ``n`` worlds.

    ``params`` maps every parameter key (``actor.name``) to an array of shape (n,): each
    world may carry its own parameter values. ``initial`` is the scenario's initial block
    (:class:`sim.scenario.InitialState`). ``rng`` is a seeded ``numpy.random.Generator``.
    ``actor_classes`` replaces the six actors (for example, with a subclass whose rule a
    student has changed), in the order they act.
    """

    def __init__(self, params: dict[str, np.ndarray], initial, horizon_weeks: int,
                 rng: np.random.Generator, blocks: int = 1,
                 actor_classes: tuple[type[Actor], ...] = ACTOR_ORDER) -> None:
        super().__init__(rng=rng)
        sizes = {np.shape(v) for v in params.values()}
        if len(sizes) != 1 or len(next(iter(sizes))) != 1:
            raise ValueError(f"parameter arrays must all have one shape (n,), got {sizes}")
        self.params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
        self.horizon_weeks = int(horizon_weeks)
        n = next(iter(sizes))[0]
        if blocks < 1 or n % blocks:
            raise ValueError(f"{n} worlds do not split into {blocks} equal blocks")
        self.blocks = blocks
        self.world = WorldState.start(
            n, initial, denial=self.params["armenia.denial_capacity"],
            turkey_stance=self.params["turkey.stance"],
        )
        # One instance per class, in this order; a teacher may pass a subclass of an actor
        # with its own rule (notebook 05).
        self.actors: list[Actor] = [cls(self) for cls in actor_classes]
        self.datacollector = mesa.DataCollector(
            model_reporters={"state_counts": lambda m: np.bincount(
                m.world.category(), minlength=N_STATES)}
        )
        self.datacollector.collect(self)

    @property
    def n_worlds(self) -> int:
        return self.world.n

    def uniforms(self, rows: int) -> np.ndarray:
        """``rows`` arrays of uniform draws over the worlds, shape (rows, n).

        With ``blocks > 1`` the worlds are ``blocks`` copies of one set of worlds (a
        sweep's points, each over the same worlds): every block gets the same draws, so
        points differ only by their parameters (common random numbers), and a block's
        numbers do not depend on how many blocks share the model.
        """
        u = self.rng.random((rows, self.world.n // self.blocks))
        return u if self.blocks == 1 else np.tile(u, (1, self.blocks))

    def step(self) -> None:
        """One week: each actor acts once, in the fixed order of ``ACTOR_ORDER``."""
        w = self.world
        w.week += 1
        for actor in self.actors:
            actor.step()
        spill_over(self)
        w.active &= ~(w.treaty | w.war)
        w.max_rung = np.maximum(w.max_rung, w.rung)
        w.first_clash_week = np.where(
            (w.first_clash_week < 0) & (w.rung >= 2), w.week, w.first_clash_week
        ).astype(w.first_clash_week.dtype)
        self.datacollector.collect(self)
        if self.steps >= self.horizon_weeks:
            self.running = False

    def update_parameters(self, changes: dict[str, float | np.ndarray]) -> None:
        """Set some parameters from the next week on (a condition switching on mid-run,
        e.g. EU monitors arriving): each value is one number for every world or an array
        of shape (n,).

        The actors are rebuilt so that what they derive from the parameters once
        (Azerbaijan's fixed utilities) follows the change; they draw no random numbers
        when built, so the random stream is unaffected. The world's state is left as it
        is: a parameter read only at the start (``armenia.denial_capacity``) changes
        nothing already under way.
        """
        unknown = sorted(set(changes) - set(self.params))
        if unknown:
            raise KeyError(f"unknown parameters: {', '.join(unknown)}")
        for key, value in changes.items():
            array = np.asarray(value, dtype=np.float64)
            self.params[key] = np.broadcast_to(array, (self.n_worlds,)).copy()
        classes = [type(actor) for actor in self.actors]
        for actor in self.actors:
            actor.remove()
        self.actors = [cls(self) for cls in classes]

    def run(self) -> "EscalationModel":
        """Step to the horizon and return self."""
        while self.running and self.steps < self.horizon_weeks:
            self.step()
        return self

    def release(self) -> None:
        """Drop this batch's arrays once its tally is taken.

        A Mesa model and its agents refer to each other, so a finished model waits for
        the cycle collector; meanwhile several chunks' arrays would pile up and peak
        memory would grow with the number of worlds. Dropping them here keeps it flat.
        """
        self.remove_all_agents()
        self.actors = []
        self.world = None
        self.params = {}

    def outcome_indicators(self) -> np.ndarray:
        """(n_outcomes, n) booleans: which outcome happened in which world so far."""
        w = self.world
        by_name = {
            "border_clash": w.max_rung >= 2,
            "limited_incursion": w.max_rung >= 3,
            "corridor_offensive": w.max_rung >= 4,
            "full_scale_invasion": w.max_rung >= 5,
            "regional_war": w.war,
            "peace_treaty": w.treaty,
            "sanctions_imposed": w.sanctioned,
            "csto_statement": w.csto_level >= CstoResponse.STATEMENT,
            "csto_monitoring_mission": w.csto_level >= CstoResponse.MONITORING_MISSION,
            "csto_military_response": w.csto_level >= CstoResponse.MILITARY,
            "russian_corridor_control": w.russian_corridor,
            "pro_russian_unrest": w.unrest,
        }
        if set(by_name) != set(OUTCOMES):
            raise RuntimeError("outcome indicators out of step with sim.ladder.OUTCOMES")
        return np.stack([by_name[name] for name in OUTCOME_NAMES])

    def tally(self) -> Tally:
        """Counts over this batch's worlds (see :class:`sim.results.Tally`)."""
        ind = self.outcome_indicators().astype(np.int64)
        counts = np.array(self.datacollector.model_vars["state_counts"], dtype=np.int64)
        w = self.world
        clash_weeks = w.first_clash_week[w.first_clash_week >= 1]
        return Tally(
            worlds=self.n_worlds,
            horizon_weeks=self.horizon_weeks,
            co_occurrence=ind @ ind.T,
            state_counts=counts,
            first_clash_week_counts=np.bincount(clash_weeks, minlength=self.horizon_weeks + 1),
            csto_response_counts=np.bincount(w.csto_level, minlength=len(CstoResponse)),
            occupied_km2_sum=float(w.occupied_km2.sum()),
        )
