"""Sensitivity indices from a Sobol or Morris study (SALib's estimators)."""

import numpy as np
import pandas as pd

from sim.experiments.design import design_points, salib_problem


def swamped(index, half_width) -> np.ndarray:
    """True where the confidence interval swamps the index: its half-width exceeds the
    index, or the interval reaches 0 (NaN: nothing is known, also True). Such an index
    says nothing about the parameter; more samples narrow the interval."""
    value = np.asarray(index, dtype=float)
    half = np.asarray(half_width, dtype=float)
    with np.errstate(invalid="ignore"):
        return ~((half <= np.abs(value)) & (value - half > 0))


NAMED = 6  # at most this many swamped total indices named in the note


def swamped_note(sens: pd.DataFrame | None, samples: int) -> str | None:
    """One line for the terminal: how many total (ST) and first-order (S1) indices
    their interval swamps, the first few swamped total indices by name, and what to do
    about it (None when there are none, or no Sobol table)."""
    if sens is None or "ST_swamped" not in sens:
        return None
    flags = sens["ST_swamped"].astype(bool)
    n = int(flags.sum())
    first = int(sens["S1_swamped"].astype(bool).sum()) if "S1_swamped" in sens else 0
    if n == 0 and first == 0:
        return None
    named = ""
    if n and {"outcome", "parameter"} <= set(sens.columns):
        rows = sens[flags]
        names = [f"{p} ({o})" for o, p in zip(rows.outcome, rows.parameter, strict=True)]
        named = ": " + ", ".join(names[:NAMED]) + (", ..." if len(names) > NAMED else "")
    also = f"; {first} of {len(sens)} first-order indices (S1) too" if first else ""
    return (
        f"sensitivity: {n} of {len(sens)} total indices (ST) are swamped by their "
        f"confidence interval (half-width above the index, or the interval reaches 0; "
        f"marked ST_swamped in sensitivity.csv, greyed in sensitivity.png){named}{also}; "
        f"such an index says nothing about its parameter: raise the study's samples: "
        f"(now {samples:,}) to narrow them"
    )


def sensitivity_table(study, table: pd.DataFrame) -> pd.DataFrame | None:
    """Indices per outcome and parameter, ranked; None for other designs.

    Sobol: first-order S1 and total ST with their confidence half-widths. Morris: mu*
    (mean absolute elementary effect), its confidence, and sigma. The response of a
    point is its estimated probability (over the study's worlds, common random numbers).
    """
    if study.method not in ("sobol", "morris"):
        return None
    problem = salib_problem(study)
    rows = []
    for outcome in study.outcomes:
        y = table[table.outcome == outcome].sort_values("point")["p"].to_numpy(dtype=float)
        if study.method == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(
                problem, y, calc_second_order=False, seed=study.seed, print_to_console=False
            )
            for i, name in enumerate(problem["names"]):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "S1": res["S1"][i],
                        "S1_conf": res["S1_conf"][i],
                        "ST": res["ST"][i],
                        "ST_conf": res["ST_conf"][i],
                    }
                )
        else:
            from SALib.analyze import morris

            x = design_points(study).to_numpy(dtype=float)
            res = morris.analyze(
                problem, x, y, num_levels=study.levels, seed=study.seed, print_to_console=False
            )
            for i, name in enumerate(problem["names"]):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "mu_star": res["mu_star"][i],
                        "mu_star_conf": res["mu_star_conf"][i],
                        "sigma": res["sigma"][i],
                    }
                )
    out = pd.DataFrame(rows)
    key = "ST" if study.method == "sobol" else "mu_star"
    out = out.replace([np.inf, -np.inf], np.nan)
    if study.method == "sobol":  # a marker beside each index its interval swamps
        for index in ("S1", "ST"):
            out[f"{index}_swamped"] = swamped(out[index], out[f"{index}_conf"])
    return out.sort_values(["outcome", key], ascending=[True, False]).reset_index(drop=True)
