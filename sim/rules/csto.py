"""The CSTO: none / statement / monitoring mission / military response.

Armenia is a member and the treaty obliges help for a member under attack; whether it is
honoured depends on Moscow (DOMAIN.md). Seed 000 (Tasits) expects a reaction to an open
invasion; seed 001 (Kopalyan, Mikaelian) describes the obligation as hollow. Prior:
alliance commitments were honoured in about 74.5% of cases (Leeds, Long & Mitchell
2000), but the CSTO honoured none toward Armenia in 2021 and 2022.
:func:`military_probability` is used both for what the CSTO does and for what Baku
expects it to do.
"""

import numpy as np

from sim.ladder import CstoResponse
from sim.params import ParamSpec
from sim.rules.russia import russian_willingness

S000 = "000_b6c8157d2dc91f0e.txt"

PARAMS = (
    ParamSpec(
        "csto", "obligation_strength",
        "how binding the CSTO's duty to help an attacked member is in practice",
        "probability weight", 0.0, 1.0, 0.2,
        "assumption: between the 74.5% honour rate of alliances (Leeds, Long & Mitchell 2000) "
        "and the CSTO's record toward Armenia in 2021-2022 (none honoured), DOMAIN.md",
    ),
    ParamSpec(
        "csto", "statement_propensity",
        "weekly chance of at least a statement while a member's territory is under attack",
        "probability per week", 0.0, 1.0, 0.3,
        f"{S000}: \"Russia and the CSTO would not be able to ignore this\"",
    ),
)

# Relative weight of a military response by rung (assumption): nothing for rhetoric or a
# clash, a little for an incursion, more for the corridor, most for an open invasion.
MILITARY_PROFILE = np.array([0.0, 0.0, 0.0, 0.1, 0.3, 0.6])
# Relative weight of a monitoring mission by rung (assumption: a cheap, visible gesture).
MONITORING_PROFILE = np.array([0.0, 0.0, 0.1, 0.3, 0.4, 0.4])
# Relative weight of a statement (assumption: any attack on the territory invites one).
STATEMENT_PROFILE = np.array([0.0, 0.0, 0.5, 1.0, 1.0, 1.0])


def appeal_weight(rung: np.ndarray | int, csto_appeal: np.ndarray) -> np.ndarray:
    """Armenia must invoke the treaty below an open invasion; an invasion of the whole
    country triggers it regardless (assumption: no government would forgo the appeal)."""
    return np.where(np.asarray(rung) >= 5, 1.0, csto_appeal)


def military_probability(rung: np.ndarray | int, p: dict[str, np.ndarray]) -> np.ndarray:
    """Weekly probability of a CSTO/Russian military response on ``rung``.

    Seed 000 (Tasits): "They would have to react if this happens"; seed 001 (Kopalyan):
    Armenia "no longer live under this false sense of security". The response needs the
    obligation, Russia's willingness and Armenia's appeal together.
    """
    return (
        p["csto.obligation_strength"] * russian_willingness(p)
        * appeal_weight(rung, p["armenia.csto_appeal"]) * MILITARY_PROFILE[rung]
    )


def respond(
    level: np.ndarray, rung: np.ndarray, p: dict[str, np.ndarray], u: np.ndarray
) -> np.ndarray:
    """The CSTO's strongest response so far (ordered :class:`CstoResponse`): a
    statement, a monitoring mission or force, as Putin described in seed 001 (Yunusov:
    "If they attack [internationally recognized Armenian territory], then the CSTO will
    come to help").

    One uniform draw per world is compared with nested thresholds, so a stronger
    response is always drawn from inside the range of a weaker one.
    """
    p_mil = military_probability(rung, p)
    p_mon = np.maximum(p_mil, p["csto.obligation_strength"] * MONITORING_PROFILE[rung])
    p_stm = np.maximum(p_mon, p["csto.statement_propensity"] * STATEMENT_PROFILE[rung])
    this_week = np.select(
        [u < p_mil, u < p_mon, u < p_stm],
        [CstoResponse.MILITARY, CstoResponse.MONITORING_MISSION, CstoResponse.STATEMENT],
        default=CstoResponse.NONE,
    ).astype(level.dtype)
    return np.maximum(level, this_week)
