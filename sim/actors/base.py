"""What every actor's Mesa agent shares: observe, decide, keep, apply consequences, record.

An actor's module (``sim/actors/<actor>.py``) holds, top to bottom, its parameters
(a typed view, :class:`sim.params.ActorParams`), its pure rule functions (no Mesa: they
take arrays and typed views and return arrays), and a thin agent built on :class:`Actor`
that reads the shared :class:`~sim.state.WorldState`, calls the rules and writes back.

The agent's week has two parts, in the spirit of an Axelrod strategy, which only
decides while the match keeps the history:

- :meth:`Actor.decide` is the decision: new values, for every world, of the state
  fields the actor controls (named in ``decides``). It reads the parameters through
  the model's typed views, ``v.<actor>.<name>`` (e.g. ``v.russia.corridor_swoop``).
  It is the override hook: a subclass replaces it to try another rule (notebook 05).
- :meth:`Actor.act` is the bookkeeping around it, the same for every actor and left
  alone by subclasses: it takes the week's random draws (in :meth:`Actor.step`), lets
  the actor :meth:`~Actor.observe` what its decision reads, calls ``decide``, keeps
  the decision only for running worlds, applies the actor's
  :meth:`~Actor.consequences` (what follows from the decision: Baku's operations on the
  ground, a CSTO answer that is a war) and records what changed in ``last``
  (:meth:`~Actor.record`, for narration).
- :meth:`Actor.learn` is memory: at the end of the week, once everyone has acted, an
  actor with beliefs updates them from what it saw (Baku's belief in Western resolve,
  Armenia's trust in the CSTO).

Every agent declares every WorldState field it writes: ``decides`` (the decision),
``writes`` (its consequences) and ``learns`` (its beliefs); the contract test
(``tests/test_actor_contract.py``) fails on a write none of them names. Per-world
arrays an agent holds itself are declared too: ``keeps`` for those that last from week
to week (a resampling filter carries them with the worlds:
:meth:`sim.model.EscalationModel.resample` finds every per-world array, declared or not),
``scratch`` for those recomputed every week before they are read.

Every agent draws ``draws_per_week`` full-length arrays each week whatever the state
(``model.uniforms``, the model's seeded generator underneath), which keeps each world's
random stream aligned across scenarios. :meth:`Actor.events` says in words what the
actor did in one world last week, naming the actor by its ``label``.
"""

from typing import TYPE_CHECKING, ClassVar, Protocol

import mesa
import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from sim.state import WorldState


class ParamViews(Protocol):
    """Every actor's typed parameter view, as the base class knows them: the model
    passes a :class:`sim.actors.Views`, which this module cannot name because it is
    built from the actors' modules, which import this one (an import circle)."""


class Actor(mesa.Agent):
    """Base of the actors' agents (one instance per model, over all its worlds)."""

    actor: ClassVar[str]  # the parameter group, e.g. "azerbaijan"
    label: ClassVar[str]  # how narration names it, e.g. "the US/EU"
    decides: ClassVar[tuple[str, ...]]  # the WorldState fields its decision sets
    writes: ClassVar[tuple[str, ...]] = ()  # further fields its consequences write
    learns: ClassVar[tuple[str, ...]] = ()  # the fields its learning updates
    keeps: ClassVar[tuple[str, ...]] = ()  # its own per-world arrays that last across weeks
    scratch: ClassVar[tuple[str, ...]] = ()  # its per-world arrays rebuilt every week
    draws_per_week: ClassVar[int] = 0

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.last: dict[str, np.ndarray] = {}
        self.refresh()

    def refresh(self) -> None:
        """Recompute whatever the agent caches from the parameters. Called when the
        agent is made and whenever the model's parameters change
        (:meth:`sim.model.EscalationModel.update_parameters`)."""

    def step(self) -> None:
        self.act(self.model.world, self.model.views, self.model.uniforms(self.draws_per_week))

    def observe(self, w: "WorldState", v: ParamViews, u: np.ndarray) -> None:
        """Compute what the decision reads besides the state (none by default; Baku's
        utility of each rung), before :meth:`decide` is called."""

    def decide(self, w: "WorldState", v: ParamViews, u: np.ndarray) -> tuple[np.ndarray, ...]:
        """The override hook: this week's decision for every world, as new values of the
        fields named in ``decides`` (in that order). ``w`` is the state before the
        decision, ``v`` every actor's parameters, ``u`` this actor's draws for the week
        (shape ``(draws_per_week, n)``). Bookkeeping (:meth:`act`) keeps the values only
        for worlds still running."""
        raise NotImplementedError

    def consequences(
        self, w: "WorldState", v: ParamViews, u: np.ndarray, before: dict[str, np.ndarray]
    ) -> None:
        """What follows from the decision, once it is in ``w`` (nothing by default):
        writes only fields named in ``writes`` or ``decides`` (replacing the arrays,
        never changing one in place, so ``before`` stays the old values) and leaves ended
        worlds untouched. ``before`` maps each field in ``decides`` to its value before
        the decision."""

    def record(self, w: "WorldState", before: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """What changed this week, per world, for narration (:meth:`events`): becomes
        ``last``. Read after the consequences; ``before`` as in :meth:`consequences`."""
        return {}

    def act(self, w: "WorldState", v: ParamViews, u: np.ndarray) -> None:
        """The week's bookkeeping around :meth:`decide` (see the module docstring).
        Subclasses leave it alone."""
        self.observe(w, v, u)
        decision = self.decide(w, v, u)
        running = w.active
        before = {}
        for field, new in zip(self.decides, decision, strict=True):
            old = before[field] = getattr(w, field)
            kept = np.where(running, new, old)  # keep(), inlined: this runs every week
            setattr(w, field, kept if kept.dtype == old.dtype else kept.astype(old.dtype))
        self.consequences(w, v, u, before)
        self.last = self.record(w, before)

    def learn(self, w: "WorldState", v: ParamViews, operation_ended: np.ndarray) -> None:
        """Update this actor's beliefs at the end of the week, after every actor has
        acted (none by default; writes only the fields in ``learns``).
        ``operation_ended`` is True in the worlds where an operation on Armenian soil
        (rung 3 or higher) ended this week: the episode the actors learn from. Called by
        the model for running worlds only."""

    def events(self, i: int) -> list[str]:
        """What this actor did in world ``i`` last week, as short phrases (none by
        default)."""
        return []


def keep(active: np.ndarray, new: ArrayLike, old: ArrayLike) -> np.ndarray:
    """New values for running worlds, the old ones for worlds that have ended."""
    return np.where(active, new, old)
