"""Armenia: defends (readiness at the border, porcupine denial in depth) and negotiates
(the two treaty conditions Baku still demands).

Seed 001, Kopalyan: at the border Armenia "remains at a severe disadvantage", but its
"porcupine strategy" of deterrence-by-denial aims "to make an attack so costly that
Azerbaijan will refrain from attacking". Seed 000, Tasits: the remaining conditions are
"the dissolution of the OSCE Minsk Group and the implementation of constitutional reform".
"""

import numpy as np

from sim.params import ParamSpec

S000 = "000_b6c8157d2dc91f0e.txt"
S001 = "001_9c941c53d8712548.txt"

PARAMS = (
    ParamSpec(
        "armenia", "border_readiness",
        "readiness against localized 'hybrid' incursions at the border",
        "share", 0.0, 1.0, 0.2,
        f"{S001}: Mikaelian \"the border military infrastructure is ill-prepared, with feeble "
        "fortifications\"; Kopalyan \"border areas are generally manned by conscripts\"",
    ),
    ParamSpec(
        "armenia", "denial_capacity",
        "porcupine deterrence-by-denial against a corridor offensive or invasion, at the start",
        "share", 0.0, 1.0, 0.45,
        f"{S001}: Kopalyan \"Armenia is not trying to win a war, but rather to make an attack "
        "so costly that Azerbaijan will refrain from attacking\"",
    ),
    ParamSpec(
        "armenia", "reform_rate",
        "weekly growth of denial capacity as the porcupine reforms proceed",
        "share per week", 0.0, 0.02, 0.002,
        f"{S001}: Kopalyan \"Armenia has been slowly adopting and developing a small-state "
        "resiliency model\"",
    ),
    ParamSpec(
        "armenia", "minsk_concession_rate",
        "weekly chance of agreeing to dissolve the OSCE Minsk Group, with no pressure",
        "probability per week", 0.0, 0.5, 0.02,
        f"{S000}: remaining conditions \"the dissolution of the OSCE Minsk Group\"; assumption "
        "for the rate: Yerevan signalled readiness, so months rather than years",
    ),
    ParamSpec(
        "armenia", "constitution_reform_rate",
        "weekly chance of a constitutional reform that removes the provisions Baku objects to",
        "probability per week", 0.0, 0.5, 0.004,
        f"{S000}: \"the implementation of constitutional reform in Armenia\"; assumption for "
        "the rate: a referendum takes years, about 20% within 12 months",
    ),
    ParamSpec(
        "armenia", "coercion_sensitivity",
        "how much military pressure multiplies the concession rates",
        "multiplier", 0.0, 10.0, 1.0,
        f"{S000}: Tasits \"using this tactic as a means of pressure to expedite Armenia's "
        "agreement to remaining conditions\"",
    ),
    ParamSpec(
        "armenia", "csto_appeal",
        "chance that Armenia formally invokes the CSTO when attacked short of an invasion",
        "probability", 0.0, 1.0, 0.3,
        f"{S001}: Pashinyan on the need to \"diversify security alliances\"; "
        "Kopalyan \"it no longer live under this false sense of security\"",
    ),
)

DEPTH_RUNG = 4  # the corridor offensive and the invasion meet denial in depth

# Pressure felt by Yerevan on each rung (assumption: rhetoric presses a little, fighting
# more; under a corridor offensive or invasion Armenia fights rather than concedes).
PRESSURE_PROFILE = np.array([0.0, 0.5, 1.0, 1.5, 0.0, 0.0])


def readiness_for(rung: np.ndarray | int, border: np.ndarray, denial: np.ndarray) -> np.ndarray:
    """Readiness that applies to an operation on ``rung``: border readiness for clashes
    and incursions (rungs 2-3), denial in depth for the corridor and invasion (4-5).
    Seed 001, Kopalyan: "if the question is scaled up to an all-out war, then the
    dynamics are different"."""
    return np.where(np.asarray(rung) >= DEPTH_RUNG, denial, border)


def grow_denial(denial: np.ndarray, p: dict[str, np.ndarray]) -> np.ndarray:
    """Porcupine reforms raise denial capacity each week, capped at 1 (seed 001,
    Kopalyan: "qualitative improvements in training, NCO modeling")."""
    return np.minimum(1.0, denial + p["armenia.reform_rate"])


def concede(
    minsk: np.ndarray, constitution: np.ndarray, rung: np.ndarray, p: dict[str, np.ndarray],
    u_minsk: np.ndarray, u_constitution: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Yerevan meets a remaining treaty condition with a weekly hazard raised by pressure.

    Seed 000, Tasits: the shooting allegations are "a means of pressure to expedite
    Armenia's agreement to remaining conditions". Conditions, once met, stay met.
    """
    boost = 1.0 + p["armenia.coercion_sensitivity"] * PRESSURE_PROFILE[rung]
    minsk = minsk | (u_minsk < p["armenia.minsk_concession_rate"] * boost)
    constitution = constitution | (
        u_constitution < p["armenia.constitution_reform_rate"] * boost
    )
    return minsk, constitution
