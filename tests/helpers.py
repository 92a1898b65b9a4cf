"""Shared helpers for the tests: parameter arrays and models without scenario files."""

from dataclasses import dataclass

import numpy as np

from sim.model import EscalationModel
from sim.rules import defaults


@dataclass(frozen=True)
class Start:
    """Stand-in for a scenario's initial block (sim.scenario.InitialState's fields)."""

    rung: int = 1
    occupied_km2: float = 170.0
    minsk_group_dissolved: bool = False
    constitution_reformed: bool = False
    sanctions_imposed: bool = False


def params(n: int, **overrides: float) -> dict[str, np.ndarray]:
    """Every parameter at its default for ``n`` worlds; overrides use ``actor__name``."""
    values = defaults()
    for key, value in overrides.items():
        dotted = key.replace("__", ".")
        if dotted not in values:
            raise KeyError(dotted)
        values[dotted] = value
    return {k: np.full(n, float(v)) for k, v in values.items()}


def model(n: int, seed: int = 1, horizon: int = 52, start: Start = Start(), **overrides):
    """A model of ``n`` worlds at default parameters (plus overrides), not yet run."""
    return EscalationModel(params(n, **overrides), start, horizon, np.random.default_rng(seed))


# Parameters that pin Baku to its starting rung: moving one rung costs 15 utility units at
# noise 0.2, i.e. a weight of exp(-75) against holding, while no rung's utility differs
# from another's by more than about 15 at default values (exp(-75 + 15/0.2) is still
# below 1e-26 per week).
FROZEN_LADDER = {"azerbaijan__change_cost": 15.0, "azerbaijan__decision_noise": 0.2}
