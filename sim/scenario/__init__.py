"""Scenario files: loading, validation, ``extends``, and parameter distributions.

The format is documented in :mod:`sim.scenario.schema`.
"""

from sim.scenario.distributions import (
    Beta,
    Distribution,
    Fixed,
    Posterior,
    Triangular,
    TruncNormal,
    Uniform,
)
from sim.scenario.problems import Problem, ScenarioError
from sim.scenario.scenario import InitialState, Scenario, load_scenario
from sim.scenario.schema import ParamEntry

__all__ = [
    "Beta",
    "Distribution",
    "Fixed",
    "InitialState",
    "ParamEntry",
    "Posterior",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Triangular",
    "TruncNormal",
    "Uniform",
    "load_scenario",
]
