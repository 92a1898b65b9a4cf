"""Scenario discovery: where in parameter space an outcome is likely.

PRIM (Friedman & Fisher 1999) from the EMA Workbench, an optional extra
(``pip install escsim[discovery]``); nothing here re-implements it.
"""

import warnings

import pandas as pd


def prim_boxes(study, table: pd.DataFrame) -> pd.DataFrame:
    """The PRIM peeling trajectory for "P(outcome) > threshold" over the study's points,
    with coverage and density, and the limits of the final box (one column per
    parameter as ``low..high``)."""
    try:
        with warnings.catch_warnings():  # it warns about an optional backend we do not use
            warnings.simplefilter("ignore", UserWarning)
            from ema_workbench.analysis import prim
    except ImportError as err:
        raise RuntimeError(
            "scenario discovery needs the EMA Workbench: pip install 'escsim[discovery]'"
        ) from err
    outcome, threshold = study.discovery["outcome"], study.discovery["threshold"]
    rows = table[table.outcome == outcome].sort_values("point")
    x = rows[list(study.parameters)].reset_index(drop=True)
    y = (rows["p"] > threshold).to_numpy()
    if not y.any():
        return pd.DataFrame({"note": [f"no point has P({outcome}) > {threshold}"]})
    with warnings.catch_warnings():  # deprecations inside the workbench, not ours
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        box = prim.Prim(x, y).find_box()
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
    limits = box.box_lims[-1]
    for name in x.columns:
        traj[f"final_{name}"] = f"{limits[name].iloc[0]:.4g}..{limits[name].iloc[1]:.4g}"
    traj.insert(0, "outcome", outcome)
    traj.insert(1, "threshold", threshold)
    return traj.reset_index(drop=True)
