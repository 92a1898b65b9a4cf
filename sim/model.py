"""The Mesa model: a batch of independent worlds, one step per week.

``n_worlds=1`` is one replication to watch step by step; ``n_worlds=10_000`` is a Monte
Carlo batch in one Python loop of ``horizon x actors`` steps (DESIGN.md). The
DataCollector records aggregates over worlds per week (how many worlds are in each
state), so memory does not grow with ``n_worlds x horizon``.
"""

from collections.abc import Mapping

import mesa
import numpy as np

from sim import operations
from sim.actors import (
    ACTOR_ORDER,
    PARAMS_BY_KEY,
    Actor,
    Views,
    armenia,
    azerbaijan,
    start_world,
)
from sim.ladder import N_STATES, CstoResponse
from sim.outcomes import OUTCOME_TABLE
from sim.results import Tally
from sim.worlds import take_attributes, take_worlds


class EscalationModel(mesa.Model):
    """Six actors and the environment over ``n`` worlds.

    ``params`` maps every parameter key (``actor.name``) to an array of shape (n,): each
    world may carry its own parameter values. The agents read them through typed views
    (``views``, one :class:`sim.actors.Views` built once per set of parameters).
    ``initial`` is the scenario's initial block (:class:`sim.scenario.InitialState`).
    ``rng`` is a seeded ``numpy.random.Generator``. ``actor_classes`` replaces the agents
    (for example, with a subclass whose rule a student has changed), in the order they
    act (default :data:`sim.actors.ACTOR_ORDER`).
    """

    def __init__(
        self,
        params: dict[str, np.ndarray],
        initial,
        horizon_weeks: int,
        rng: np.random.Generator,
        blocks: int = 1,
        actor_classes: tuple[type[Actor], ...] = ACTOR_ORDER,
    ) -> None:
        super().__init__(rng=rng)
        sizes = {np.shape(v) for v in params.values()}
        if len(sizes) != 1 or len(next(iter(sizes))) != 1:
            raise ValueError(f"parameter arrays must all have one shape (n,), got {sizes}")
        self.params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
        self.views = Views.build(self.params)
        self.horizon_weeks = int(horizon_weeks)
        n = next(iter(sizes))[0]
        if blocks < 1 or n % blocks:
            raise ValueError(f"{n} worlds do not split into {blocks} equal blocks")
        self.blocks = blocks
        self.initial = initial
        self.world = start_world(n, initial, self.views)
        # One instance per class, in this order; a teacher may pass a subclass of an actor
        # with its own rule (notebook 05).
        self.actors: list[Actor] = [cls(self) for cls in actor_classes]
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "state_counts": lambda m: np.bincount(m.world.category(), minlength=N_STATES)
            }
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
        """One week: each agent acts once, in the fixed order of ``actor_classes``; then
        the actors with beliefs learn from the operations that ended this week, and the
        episode bookkeeping runs (:mod:`sim.operations`)."""
        w = self.world
        w.week += 1
        for actor in self.actors:
            actor.step()
        ended = operations.operation_ended(w)
        for actor in self.actors:
            actor.learn(w, self.views, ended)
        operations.close_week(w)
        w.active &= ~(w.treaty | w.war)
        self.datacollector.collect(self)
        if self.steps >= self.horizon_weeks:
            self.running = False

    def run(self) -> "EscalationModel":
        """Step to the horizon and return self."""
        while self.running and self.steps < self.horizon_weeks:
            self.step()
        return self

    def update_parameters(self, changes: Mapping[str, float | np.ndarray]) -> None:
        """Change parameters between weeks (a condition switched on at its date, as
        calibration does over the record period).

        ``changes`` maps keys (``actor.name``) to a value for every world or an array of
        shape (n,). The typed views are rebuilt and every agent recomputes what it
        caches (Baku's fixed utilities), so from the next step on the model behaves as
        if it had been built with the new values. A parameter that sets where some state
        *starts* declares it (``resets`` in its :class:`~sim.params.ParamSpec`): changing
        it during a run resets that state of the running worlds. Armenia's denial takes
        the new start value (the reforms then go on from there); a belief's prior
        (Armenia's trust in the CSTO, Baku's belief in Western resolve) replaces the
        belief.
        """
        n = self.n_worlds
        new = dict(self.params)
        for key, value in changes.items():
            if key not in PARAMS_BY_KEY:
                raise KeyError(f"update_parameters: unknown parameter {key!r}")
            array = np.asarray(value, dtype=np.float64)
            if array.shape not in ((), (n,)):
                raise ValueError(
                    f"update_parameters: {key} has shape {array.shape}; "
                    f"expected one value or an array of shape ({n},)"
                )
            new[key] = np.full(n, array) if array.ndim == 0 else array.copy()
        self.params = new
        self.views = Views.build(new)
        w = self.world
        resets = {PARAMS_BY_KEY[key].resets for key in changes}
        if "denial" in resets:
            w.denial = np.where(w.active, self.views.armenia.denial_capacity, w.denial)
        # A dated change of a belief's prior (Armenia freezing its CSTO participation) is
        # what the record says the actor had learned by then: it replaces the belief.
        if "trust" in resets:
            a, b = armenia.trust_prior(self.views.armenia)
            w.trust_a = np.where(w.active, a, w.trust_a)
            w.trust_b = np.where(w.active, b, w.trust_b)
        if "resolve" in resets:
            a, b = azerbaijan.resolve_prior(self.views.azerbaijan, self.views.usa_eu)
            w.resolve_a = np.where(w.active, a, w.resolve_a)
            w.resolve_b = np.where(w.active, b, w.resolve_b)
        for actor in self.actors:
            actor.refresh()

    # What resampling leaves alone on the model: Mesa's own bookkeeping (an agent
    # registry, the generator), the weekly aggregates, and what it rebuilds itself.
    _NOT_PER_WORLD = frozenset(vars(mesa.Model(rng=0))) | {
        "datacollector",
        "actors",
        "world",
        "params",
        "views",
        "initial",
    }
    _AGENT_OWN = frozenset(("model", "pos", "unique_id"))

    def resample(self, idx: np.ndarray) -> None:
        """Keep worlds ``idx`` (indices into the current worlds, repeats allowed, any
        length): world ``j`` afterwards is a copy of world ``idx[j]``, with its state,
        its parameters and everything the agents keep for it (a particle filter's
        resampling step).

        Every per-world array moves: the state (:meth:`WorldState.take`), the parameter
        dict (the typed views are rebuilt from it), and every array on the model or an
        agent whose last axis runs over the worlds, found by walking their attributes
        (:mod:`sim.worlds`), so an array an actor adds later moves too (the contract
        test fails otherwise). Copies of one world draw different random numbers from
        then on: ``uniforms`` draws one column per world position.

        Refused with ``blocks > 1``: the blocks are sweep points that share their draws
        (common random numbers), and a copy moved into another block would run under
        that block's parameters and draws; resample each block's model on its own.
        """
        if self.blocks != 1:
            raise ValueError(
                "resample needs blocks == 1 (blocks share their random draws; "
                "resample each block's model on its own)"
            )
        idx = np.asarray(idx, dtype=np.intp)
        if idx.ndim != 1 or (idx.size and (idx.min() < 0 or idx.max() >= self.n_worlds)):
            raise IndexError(f"resample: indices must be one-dimensional in 0..{self.n_worlds - 1}")
        n = self.n_worlds
        self.world = self.world.take(idx)
        self.params = take_worlds(self.params, idx, n)
        self.views = Views.build(self.params)
        take_attributes(self, idx, n, skip=self._NOT_PER_WORLD)
        for actor in self.actors:
            take_attributes(actor, idx, n, skip=self._AGENT_OWN)

    def fork(self, rng: np.random.Generator, horizon_weeks: int) -> "EscalationModel":
        """An independent copy of this model's worlds as they stand (state, parameters,
        what the agents keep), stepping from its own generator ``rng`` for
        ``horizon_weeks`` more weeks; this model is left as it was. A forecast from a
        filtered ensemble runs on a fork while the filter goes on."""
        if self.blocks != 1:
            raise ValueError("fork needs blocks == 1")
        new = type(self)(
            {k: v.copy() for k, v in self.params.items()},
            self.initial,
            horizon_weeks,
            rng,
            actor_classes=tuple(type(a) for a in self.actors),
        )
        every = np.arange(self.n_worlds)
        new.world = self.world.take(every)
        take_attributes(new, every, self.n_worlds, skip=self._NOT_PER_WORLD)
        for mine, theirs in zip(self.actors, new.actors, strict=True):
            for name, value in vars(mine).items():
                if name not in self._AGENT_OWN:
                    setattr(theirs, name, take_worlds(value, every, self.n_worlds))
        # The weekly breakdown starts from the forked state, not the fresh one.
        new.datacollector.model_vars["state_counts"].clear()
        new.datacollector.collect(new)
        return new

    def release(self) -> None:
        """Drop this batch's arrays once its tally is taken.

        A Mesa model and its agents refer to each other, so a finished model waits for
        the cycle collector; meanwhile several chunks' arrays would pile up and peak
        memory would grow with the number of worlds. Dropping them here keeps it flat.
        """
        self.remove_all_agents()
        self.actors = []
        del self.world, self.views  # a released model is not used again
        self.params = {}

    def outcome_indicators(self) -> np.ndarray:
        """(n_outcomes, n) booleans: which outcome happened in which world so far, in the
        order of ``sim.outcomes.OUTCOME_TABLE``."""
        return np.stack([outcome.in_worlds(self.world) for outcome in OUTCOME_TABLE])

    def outcome_counts(self) -> np.ndarray:
        """(blocks, n_outcomes) int64: in how many worlds of each block each outcome
        happened (one row per sweep point; one row for a plain run)."""
        ind = self.outcome_indicators().reshape(len(OUTCOME_TABLE), self.blocks, -1)
        return ind.sum(axis=2, dtype=np.int64).T

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
