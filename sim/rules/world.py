"""The environment: oil prices and the chance that a full-scale war spreads."""

import numpy as np

from sim.params import ParamSpec

S001 = "001_9c941c53d8712548.txt"

PARAMS = (
    ParamSpec(
        "world", "oil_price_index",
        "oil price relative to March 2025; scales the revenue sanctions put at risk",
        "ratio", 0.3, 2.5, 1.0,
        f"{S001}: Mirgadirov \"He reaps enormous revenues from exporting oil, petroleum "
        "products, and gas\"",
    ),
    ParamSpec(
        "world", "spillover_hazard",
        "weekly chance that a full-scale invasion draws in a third state beyond the CSTO",
        "probability per week", 0.0, 0.5, 0.03,
        f"{S001}: Mikaelian \"There is also a scenario of a broader war\"; \"Neither Armenia "
        "nor Iran and France desire this outcome\"",
    ),
)


def spill_over(rung: np.ndarray, p: dict[str, np.ndarray], u: np.ndarray) -> np.ndarray:
    """True where a full-scale invasion this week draws in a further state (regional war)."""
    return (rung >= 5) & (u < p["world.spillover_hazard"])
