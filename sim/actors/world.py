"""The environment: oil prices, an agreed transit route, and the chance that a
full-scale war spreads.

Its agent moves last each week, after the six actors: a full-scale invasion may draw in
a further state (seed 001, Mikaelian's "broader war"). The oil price is read by Baku's
calculus (:mod:`sim.actors.azerbaijan`).
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.actors.base import Actor
from sim.params import ActorParams, param

S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """The environment's parameters: arrays over worlds, named as in scenario files
    (world.NAME)."""

    actor: ClassVar[str] = "world"

    oil_price_index: np.ndarray = param(
        "oil price relative to March 2025; scales the revenue sanctions put at risk",
        "ratio",
        0.3,
        2.5,
        1.0,
        f'{S001}: Mirgadirov "He reaps enormous revenues from exporting oil, petroleum '
        'products, and gas"',
    )
    spillover_hazard: np.ndarray = param(
        "weekly chance that a full-scale invasion draws in a third state beyond the CSTO",
        "probability per week",
        0.0,
        0.5,
        0.03,
        f'{S001}: Mikaelian "There is also a scenario of a broader war"; "Neither Armenia '
        'nor Iran and France desire this outcome"',
    )

    transit_route: np.ndarray = param(
        "share of the land link to Nakhchivan that an agreed transit route (TRIPP, August "
        "2025) gives Baku without fighting: an alternative path to the corridor gain",
        "share",
        0.0,
        1.0,
        0.0,
        "assumption: no route was agreed at the seeds' dates (March 2024, March 2025); the "
        "conditions timeline sets it from 2025-08-08",
    )


PARAMS = Params.specs()


def spill_over(rung: np.ndarray, wd: Params, u: np.ndarray) -> np.ndarray:
    """True where a full-scale invasion this week draws in a further state (regional war):
    seed 001, Mikaelian "There is also a scenario of a broader war"."""
    return (rung >= 5) & (u < wd.spillover_hazard)


class World(Actor):
    """The environment's move after the actors: a full-scale war may spread."""

    actor, label, decides, draws_per_week = "world", "the war", ("war",), 1

    def decide(self, w, v, u):
        """Whether each world is at regional war after this week's spill-over."""
        return (w.war | spill_over(w.rung, v.world, u[0]),)

    def record(self, w, before):
        # A war the CSTO started this week is told by the CSTO; only a new one is ours.
        return {"spread": w.war & ~before["war"]}

    def events(self, i):
        if self.last["spread"][i]:
            return [f"{self.label} spreads to a third state: a regional war"]
        return []
