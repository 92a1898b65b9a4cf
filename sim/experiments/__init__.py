"""Experiments: parameter sweeps, sensitivity analysis and scenario discovery.

A study file names a base scenario, the parameters to vary and how (a full factorial
grid, or a Latin hypercube, Sobol, Morris or plain random design), the worlds per point,
the outcomes and a seed. :func:`run_study` runs it and returns a tidy DataFrame, the
same code path as ``escsim sweep``.
"""

from sim.experiments.runner import run_study
from sim.experiments.study import Study, load_study

__all__ = ["Study", "load_study", "run_study"]
