"""Designs: the points of a study, one row of parameter values each.

Grid is a full factorial; Latin hypercube, Sobol (Saltelli's scheme) and Morris come
from SALib with the study's seed; random is uniform over the ranges.
"""

import itertools
import math

import numpy as np
import pandas as pd


def salib_problem(study) -> dict:
    """The study's varied parameters as SALib's problem dictionary."""
    names = list(study.parameters)
    return {"num_vars": len(names), "names": names, "bounds": [study.parameters[n] for n in names]}


def point_count(method: str, parameters: dict, samples: int, levels: int = 4) -> int:
    """How many points a design has, counted without building it (a million-sample Sobol
    design of 30 parameters would take 8 GB to find out): grid, the product of the value
    counts; Sobol without second order (Saltelli), N(D + 2); Morris, N(D + 1); Latin
    hypercube and random, N."""
    d = len(parameters)
    if method == "grid":
        return math.prod(len(v) for v in parameters.values()) if parameters else 0
    if method == "sobol":
        return samples * (d + 2)
    if method == "morris":
        return samples * (d + 1)
    return samples


def design_points(study) -> pd.DataFrame:
    """One row per point (index = point number), one column per varied parameter."""
    names = list(study.parameters)
    if study.method == "grid":
        rows = list(itertools.product(*(study.parameters[n] for n in names)))
        return pd.DataFrame(rows, columns=names, dtype=float)
    problem = salib_problem(study)
    if study.method == "latin_hypercube":
        from SALib.sample import latin

        x = latin.sample(problem, study.samples, seed=study.seed)
    elif study.method == "sobol":
        from SALib.sample import sobol

        x = sobol.sample(problem, study.samples, calc_second_order=False, seed=study.seed)
    elif study.method == "morris":
        from SALib.sample import morris

        x = morris.sample(problem, study.samples, num_levels=study.levels, seed=study.seed)
    else:  # random
        rng = np.random.default_rng(study.seed)
        bounds = np.array(problem["bounds"], dtype=float)
        x = bounds[:, 0] + (bounds[:, 1] - bounds[:, 0]) * rng.random((study.samples, len(names)))
    return pd.DataFrame(np.asarray(x, dtype=float), columns=names)
