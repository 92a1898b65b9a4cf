"""Shared helpers for the tests: parameter arrays and models without scenario files."""

import numpy as np

from sim.actors import Views, defaults
from sim.model import EscalationModel
from sim.scenario import InitialState

# Where worlds start; the scenario's own type, short-named for the tests.
Start = InitialState


def params(n: int, **overrides: float) -> dict[str, np.ndarray]:
    """Every parameter at its default for ``n`` worlds; overrides use ``actor__name``."""
    values = defaults()
    for key, value in overrides.items():
        dotted = key.replace("__", ".")
        if dotted not in values:
            raise KeyError(dotted)
        values[dotted] = value
    return {k: np.full(n, float(v)) for k, v in values.items()}


def views(n: int, **overrides: float) -> Views:
    """Every actor's typed parameter view at defaults (plus overrides, ``actor__name``)."""
    return Views.build(params(n, **overrides))


def model(n: int, seed: int = 1, horizon: int = 52, start: Start | None = None, **overrides):
    """A model of ``n`` worlds at default parameters (plus overrides), not yet run."""
    return EscalationModel(params(n, **overrides), start or Start(), horizon,
                           np.random.default_rng(seed))


# Parameters that pin Baku to its starting rung: moving one rung costs 15 utility units at
# noise 0.2, i.e. a weight of exp(-75) against holding, while no rung's utility differs
# from another's by more than about 15 at default values (exp(-75 + 15/0.2) is still
# below 1e-26 per week).
FROZEN_LADDER = {"azerbaijan__change_cost": 15.0, "azerbaijan__decision_noise": 0.2}


class MapOnly:
    """An executor with nothing but an ordered ``map``, which runs the tasks in reverse
    (as if they finished out of order)."""

    def map(self, fn, tasks):
        tasks = list(tasks)
        done = {i: fn(t) for i, t in reversed(list(enumerate(tasks)))}
        return (done[i] for i in range(len(tasks)))
