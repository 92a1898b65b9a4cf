"""Russia: pressure on Baku, the lever on the CSTO, the corridor and unrest in Armenia.

Seed 001 experts (Mikaelian, Kopalyan, Yunusov) describe Moscow pushing Baku to attack
and planning to "swoop in" on the corridor; seed 000 (Tasits) holds that Russia "would
have to react" to an open invasion. Both views are parameter settings of these rules.
"""

import numpy as np

from sim.params import ParamSpec

S000 = "000_b6c8157d2dc91f0e.txt"
S001 = "001_9c941c53d8712548.txt"

PARAMS = (
    ParamSpec(
        "russia", "push",
        "Russian pressure and favour for Baku's escalation, largest for the corridor rung",
        "utility units", 0.0, 6.0, 1.5,
        f"{S001}: Kopalyan \"Putin is now pressuring Aliyev to invade Armenia and secure the "
        "Zangezur Corridor\"",
    ),
    ParamSpec(
        "russia", "defend_armenia",
        "Moscow's willingness to fight for Armenia when it is attacked on its own territory",
        "probability weight", 0.0, 1.0, 0.15,
        f"{S001}: Mikaelian \"Russia supports Azerbaijan's aggression\"; contrast {S000}: "
        "\"Russia and the CSTO would not be able to ignore this\"",
    ),
    ParamSpec(
        "russia", "ukraine_constraint",
        "share of Russia's usable military capacity tied down by the war in Ukraine",
        "share", 0.0, 1.0, 0.6,
        f"{S001}: Yunusov \"that equipment was all transferred to Ukraine [for use by the "
        "Russian army]\"",
    ),
    ParamSpec(
        "russia", "corridor_swoop",
        "weekly chance that Russian troops take control of the corridor while it is being seized",
        "probability per week", 0.0, 1.0, 0.15,
        f"{S001}: Kopalyan \"the entire risk and burden of attacking Armenia and creating the "
        "corridor falls on Azerbaijan, while Russia will swoop in after and reap the benefits\"",
    ),
    ParamSpec(
        "russia", "destabilisation",
        "weekly chance, while fighting goes on, that Moscow incites pro-Russian unrest in Armenia",
        "probability per week", 0.0, 1.0, 0.04,
        f"{S001}: Yunusov \"Moscow will attempt to capitalize on the fighting to incite "
        "pro-Russian protests there\"",
    ),
)

# How much of Russia's push bears on each rung (assumption: Moscow wants the corridor
# road, Mikaelian "Russia wants control over this road"; pressure short of it matters
# less, and a full invasion serves Moscow less than the corridor it would then have to
# share).
PUSH_PROFILE = np.array([0.0, 0.1, 0.3, 0.5, 1.0, 0.6])


def russian_willingness(p: dict[str, np.ndarray]) -> np.ndarray:
    """Russia's effective willingness to act for Armenia: its will times the capacity
    left after Ukraine. Feeds the CSTO decision, which Moscow dominates (DOMAIN.md)."""
    return p["russia.defend_armenia"] * (1.0 - p["russia.ukraine_constraint"])


def swoop_on_corridor(
    corridor: np.ndarray, rung: np.ndarray, success: np.ndarray, p: dict[str, np.ndarray],
    u: np.ndarray,
) -> np.ndarray:
    """Russian troops take the corridor during a corridor offensive or invasion (seed 001,
    Kopalyan: "the corridor will be monitored and manned by Russian troops"); sticky."""
    attempt = (rung >= 4) & (u < p["russia.corridor_swoop"] * success)
    return corridor | attempt


def incite_unrest(
    unrest: np.ndarray, rung: np.ndarray, p: dict[str, np.ndarray], u: np.ndarray
) -> np.ndarray:
    """Pro-Russian unrest in Armenia once there is fighting (rung >= 2), seed 001 Yunusov."""
    return unrest | ((rung >= 2) & (u < p["russia.destabilisation"]))
