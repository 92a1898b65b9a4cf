"""What every actor's Mesa agent shares: observe, decide, apply; and what it narrates.

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
- :meth:`Actor.act` is the bookkeeping around it: it takes the week's random draws,
  keeps the decision only for running worlds, records what changed in ``last`` (for
  narration) and applies the consequences. Subclasses leave it alone.
- :meth:`Actor.learn` is memory: at the end of the week, once everyone has acted, an
  actor with beliefs updates them from what it saw (Baku's belief in Western resolve,
  Armenia's trust in the CSTO).

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

    def decide(self, w: "WorldState", v: ParamViews, u: np.ndarray) -> tuple[np.ndarray, ...]:
        """The override hook: this week's decision for every world, as new values of the
        fields named in ``decides`` (in that order). ``w`` is the state before the
        decision, ``v`` every actor's parameters, ``u`` this actor's draws for the week
        (shape ``(draws_per_week, n)``). Bookkeeping (:meth:`act`) keeps the values only
        for worlds still running."""
        raise NotImplementedError

    def act(self, w: "WorldState", v: ParamViews, u: np.ndarray) -> None:
        """Bookkeeping around :meth:`decide` (see the module docstring)."""
        raise NotImplementedError

    def learn(self, w: "WorldState", v: ParamViews, operation_ended: np.ndarray) -> None:
        """Update this actor's beliefs at the end of the week, after every actor has
        acted (none by default). ``operation_ended`` is True in the worlds where an
        operation on Armenian soil (rung 3 or higher) ended this week: the episode the
        actors learn from. Called by the model for running worlds only."""

    def events(self, i: int) -> list[str]:
        """What this actor did in world ``i`` last week, as short phrases (none by
        default)."""
        return []


def keep(active: np.ndarray, new: ArrayLike, old: ArrayLike) -> np.ndarray:
    """New values for running worlds, the old ones for worlds that have ended."""
    return np.where(active, new, old)
