"""Azerbaijan: decides escalation each week, and whether to sign once its conditions are met.

Each week Baku compares, for the rung below, the current rung and the rung above, the
expected gains (leverage over Armenia's remaining treaty conditions, the land link to
Nakhchivan, claims on Armenian territory, Russian favour, Turkish backing) with the
expected costs (sanctions weighted by the threat's credibility and the revenue at risk,
isolation, casualties, a Russian/CSTO military response), and picks by logit choice.
Moving costs ``change_cost``: an offensive needs preparation (seed 001, Areshev: "there
are no signs of armed preparations for a full-scale invasion").

Rung profiles below (how much of each gain or cost bears on each rung) are modelling
assumptions following the ladder in DOMAIN.md; their weights are parameters with sources.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.actors import armenia, csto, russia, turkey, usa_eu, world
from sim.actors.base import Actor, keep
from sim.actors.choice import logit_choice
from sim.ladder import N_RUNGS, Rung
from sim.params import ActorParams, param

S000 = "000_b6c8157d2dc91f0e.txt"
S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """Azerbaijan's parameters: arrays over worlds, named as in scenario files
    (azerbaijan.NAME)."""

    actor: ClassVar[str] = "azerbaijan"

    risk_aversion: np.ndarray = param(
        "extra weight on uncertain costs (casualties, sanctions, a great-power response); "
        "0 = risk-neutral, 1 = counts them double",
        "share", 0.0, 1.0, 0.8,
        f"{S001}: Kopalyan \"Aliyev, regardless of rumors, is a highly risk-averse actor\"",
    )
    revenue_exposure: np.ndarray = param(
        "share of the revenue underpinning the regime that Western sanctions would hit",
        "share", 0.0, 1.0, 0.8,
        f"{S001}: Mirgadirov \"a business underpinning his personal authority that he is "
        "unlikely to jeopardize\"",
    )
    leverage_value: np.ndarray = param(
        "weekly value of coercive pressure while treaty conditions remain unmet",
        "utility units", 0.0, 10.0, 2.0,
        f"{S000}: Tasits \"a means of pressure to expedite Armenia's agreement to remaining "
        "conditions\"",
    )
    corridor_value: np.ndarray = param(
        "weekly value of seizing the land link to Nakhchivan through Syunik",
        "utility units", 0.0, 20.0, 5.0,
        f"{S001}: Areshev \"Baku will undoubtedly employ all means of armed pressure to "
        "achieve its goals, namely establishing a connection\"",
    )
    territorial_ambition: np.ndarray = param(
        "weekly value of claims on Armenian territory and minerals beyond the corridor",
        "utility units", 0.0, 20.0, 3.0,
        f"{S001}: Mikaelian \"Azerbaijan is staking claims to Armenia's entire territory\"; "
        "\"Aliyev ordered the mapping of all mineral deposits in Armenia\"",
    )
    military_advantage: np.ndarray = param(
        "Azerbaijan's edge: the chance an operation meets no effective resistance",
        "share", 0.0, 1.0, 0.8,
        f"{S001}: Kopalyan \"Azerbaijan still maintains an exponential advantage\"",
    )
    casualty_cost: np.ndarray = param(
        "cost of the casualties of a full-scale invasion (other rungs scaled down)",
        "utility units", 0.0, 20.0, 2.5,
        f"{S001}: Kopalyan \"the scale of death and destruction, on both sides, will be "
        "immense\"; Mirgadirov \"Any war brings new casualties\"",
    )
    isolation_cost: np.ndarray = param(
        "cost of international isolation after a full-scale invasion (other rungs scaled down)",
        "utility units", 0.0, 20.0, 4.0,
        f"{S000}: Tasits \"this means international isolation\"; {S001}: Kopalyan "
        "\"Azerbaijan does not have sufficient international political capital\"",
    )
    great_power_war_cost: np.ndarray = param(
        "cost of fighting Russia or the CSTO, weighed by the chance they respond",
        "utility units", 0.0, 100.0, 20.0,
        f"{S000}: Tasits \"These are quite strong deterrents for Azerbaijan\"",
    )
    change_cost: np.ndarray = param(
        "cost per rung crossed when Baku changes rung in a week (preparation, decision)",
        "utility units", 0.0, 15.0, 1.0,
        "assumption: escalation and climb-down take preparation and political decisions; cf. "
        f"{S001} Areshev \"there are no signs of armed preparations for a full-scale invasion\"",
    )
    decision_noise: np.ndarray = param(
        "logit temperature: how far choices stray from the best expected option",
        "utility units", 0.2, 5.0, 1.0,
        "assumption: quantal-response choice (McKelvey & Palfrey 1995), unit noise sets the "
        "utility scale",
    )
    sign_propensity: np.ndarray = param(
        "weekly chance of signing the treaty once both conditions are met and guns are quiet",
        "probability per week", 0.0, 1.0, 0.1,
        f"{S000}: Tasits names the two conditions \"for signing a peace treaty\"; assumption "
        "for the rate: a signing ceremony within months once they are met",
    )


PARAMS = Params.specs()

# Rung profiles (index = rung 0..5). Assumptions, following DOMAIN.md's ladder:
# leverage grows with coercion, then falls once war destroys the talks it serves;
LEVERAGE_PROFILE = np.array([0.0, 0.6, 0.8, 0.9, 0.6, 0.3])
# the corridor is the aim of rung 4 and comes with rung 5;
CORRIDOR_PROFILE = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
# territory: "a position or two" at rung 3, the strip at 4, the country at 5;
TERRITORY_PROFILE = np.array([0.0, 0.0, 0.0, 0.1, 0.3, 1.0])
# casualties (rung 3 ~ Sept 2022, "over 200 deaths"; 5 = an all-out war);
CASUALTY_PROFILE = np.array([0.0, 0.0, 0.4, 0.55, 0.75, 1.0])
# isolation grows with the visibility of the aggression.
ISOLATION_PROFILE = np.array([0.0, 0.0, 0.4, 0.5, 0.7, 1.0])
# Readiness multiplies the casualty cost by up to this factor (seed 001, Kopalyan: deterred
# from continuing "due to the high rate of losses").
DENIAL_COST_FACTOR = 2.0

RUNGS = np.arange(N_RUNGS)[:, None]  # column of rungs, broadcast against (n,) parameters
DEPTH_RUNG = armenia.DEPTH_RUNG


def fixed_utilities(
    az: Params, arm: armenia.Params, ru: russia.Params, us: usa_eu.Params, co: csto.Params,
    wd: world.Params,
) -> np.ndarray:
    """The part of Baku's weekly utility per rung that only parameters decide: (6, n).

    Everything in :func:`rung_utilities` except what changes during a run (leverage
    while conditions remain, Turkey's line this week, and Armenia's denial in depth on
    rungs 4-5). Computed once per run, and again when parameters change; see
    :func:`rung_utilities` for the seed arguments each term encodes. What Baku expects
    of the others is each actor's own rule: :func:`usa_eu.sanction_probability`,
    :func:`csto.military_probability`, :func:`russia.push_on_baku`.
    """
    risk = 1.0 + az.risk_aversion
    sanctions = (
        usa_eu.sanction_probability(RUNGS, us)
        * us.sanctions_severity * az.revenue_exposure * wd.oil_price_index
    )
    great_power = csto.military_probability(RUNGS, co, ru, arm) * az.great_power_war_cost
    fixed = (
        russia.push_on_baku(ru)
        - az.isolation_cost * ISOLATION_PROFILE[:, None]
        - risk * (sanctions + great_power)
    )
    # Rungs below the corridor meet border readiness, which does not change in a run.
    low = slice(0, DEPTH_RUNG)
    border = arm.border_readiness
    success = armenia.operation_success(RUNGS[low], az.military_advantage, border, border)
    fixed[low] += _ground_and_losses(az, low, success, border, risk)
    return fixed


def _ground_and_losses(az: Params, rows: slice, success, readiness, risk) -> np.ndarray:
    """Value of ground taken less casualties (raised by readiness) on ``rows`` of rungs."""
    ground = (
        az.corridor_value * CORRIDOR_PROFILE[rows, None]
        + az.territorial_ambition * TERRITORY_PROFILE[rows, None]
    ) * success
    losses = (
        az.casualty_cost * CASUALTY_PROFILE[rows, None]
        * (1.0 + DENIAL_COST_FACTOR * readiness)
    )
    return ground - risk * losses


def rung_utilities(
    az: Params,
    tk: turkey.Params,
    fixed: np.ndarray,
    denial: np.ndarray,
    conditions_unmet: np.ndarray,
    turkey_stance: np.ndarray,
) -> np.ndarray:
    """Baku's expected weekly utility of being on each rung: shape (6, n).

    Gains: leverage while treaty conditions remain (seed 000, Tasits), the corridor and
    territory weighted by the chance of success (seed 001, Areshev, Mikaelian), Russian
    favour (seed 001, Kopalyan) and Turkey's line (seed 001, Mikaelian vs Yunusov).
    Costs: expected sanctions scaled by revenue exposure and oil price (seed 001,
    Mirgadirov, Kopalyan), isolation (seed 000, Tasits), casualties raised by Armenian
    readiness (seed 001, Kopalyan), and the expected Russian/CSTO response (seed 000).
    Uncertain costs are weighted by ``1 + risk_aversion``. ``fixed`` is
    :func:`fixed_utilities` for the same parameters.
    """
    utilities = (
        fixed
        + az.leverage_value * conditions_unmet * LEVERAGE_PROFILE[:, None]
        + turkey.pull_on_baku(tk, turkey_stance)
    )
    deep = slice(DEPTH_RUNG, N_RUNGS)
    success = armenia.operation_success(RUNGS[deep], az.military_advantage, denial, denial)
    utilities[deep] += _ground_and_losses(az, deep, success, denial, 1.0 + az.risk_aversion)
    return utilities


def choose_rung(rung: np.ndarray, utilities: np.ndarray, az: Params, u: np.ndarray) -> np.ndarray:
    """Next week's rung, any rung of the ladder, by logit choice.

    Moving costs ``change_cost`` per rung crossed (Kahn's ladder: rungs separated by
    thresholds; seed 001, Areshev: "no signs of armed preparations for a full-scale
    invasion"), so an offensive from mere tension is possible but rarer than a step,
    and a war once started has momentum. The draw is by inverse CDF over rungs in
    ladder order, so with common random numbers a world whose options look better to
    Baku never ends on a lower rung than an otherwise identical one.
    """
    distance = np.abs(RUNGS - rung[None, :])
    options = utilities - az.change_cost * distance
    return logit_choice(options, az.decision_noise, u).astype(rung.dtype)


def sign_treaty(
    rung: np.ndarray, conditions_unmet: np.ndarray, az: Params, us: usa_eu.Params,
    u: np.ndarray,
) -> np.ndarray:
    """True where Baku signs this week: both conditions met (seed 000, Tasits), guns
    quiet (rung <= 1), with a weekly chance raised by Western mediation."""
    chance = np.minimum(1.0, az.sign_propensity * (1.0 + us.mediation))
    return (conditions_unmet == 0) & (rung <= 1) & (u < chance)


# Ground taken per week of operations on each rung, if the operation succeeds (assumption:
# rung 3 "a position or two"; rung 4 the ~5 km x ~60 km strip through Syunik (Kopalyan,
# seed 001) in about five weeks; rung 5 an advance on the whole country).
OCCUPATION_KM2_PER_WEEK = np.array([0.0, 0.0, 0.0, 10.0, 60.0, 200.0])


def occupy(occupied_km2: np.ndarray, rung: np.ndarray, success: np.ndarray) -> np.ndarray:
    """Armenian territory held after this week's operations (170 km2 at March 2024, seed
    001). Ground is kept after a climb-down, as after May 2021 and September 2022."""
    return occupied_km2 + OCCUPATION_KM2_PER_WEEK[rung] * success


class Azerbaijan(Actor):
    """Moves second each week, after Turkey: signs, or picks next week's rung."""

    actor, label, decides, draws_per_week = "azerbaijan", "Azerbaijan", ("rung",), 2

    def refresh(self):
        # The parameter-only part of the calculus, computed once per set of parameters.
        v = self.model.views
        self.fixed_utilities = fixed_utilities(v.azerbaijan, v.armenia, v.russia, v.usa_eu,
                                               v.csto, v.world)

    def decide(self, w, v, u):
        """Next week's rung for every world (:func:`choose_rung`, with draw ``u[1]``;
        ``u[0]`` is the signing draw), from ``self.utilities``: Baku's expected utility
        of each rung this week, shape (6, n), which :meth:`act` computes before calling
        it. Override to try another rule (notebook 05): the signing, the ground taken
        and the bookkeeping around it stay the same."""
        return (choose_rung(w.rung, self.utilities, v.azerbaijan, u[1]),)

    def act(self, w, v, u):
        unmet = w.conditions_unmet()
        # Kept on the agent until next week for the decision (and an override) to read.
        # Holding it also spares the allocator from handing a (6, n) block back to the
        # system and faulting it in again each week, which measured 10% of a run.
        signs = sign_treaty(w.rung, unmet, v.azerbaijan, v.usa_eu, u[0]) & w.active
        self.utilities = rung_utilities(v.azerbaijan, v.turkey, self.fixed_utilities,
                                        w.denial, unmet, w.turkey_stance)
        moving = w.active & ~signs
        (chosen,) = self.decide(w, v, u)
        new_rung = keep(moving, chosen, w.rung)
        new_rung = np.where(signs, 0, new_rung).astype(w.rung.dtype)
        success = armenia.operation_success(new_rung, v.azerbaijan.military_advantage,
                                            v.armenia.border_readiness, w.denial)
        w.occupied_km2 = keep(moving, occupy(w.occupied_km2, new_rung, success), w.occupied_km2)
        self.last = {"move": new_rung.astype(np.int16) - w.rung, "signed": signs}
        w.treaty = w.treaty | signs
        w.rung = new_rung

    def events(self, i):
        w = self.model.world
        rung = Rung(int(w.rung[i]))
        if self.last["signed"][i]:
            return [f"{self.label} signs the peace treaty"]
        if self.last["move"][i] > 0:
            return [f"{self.label} escalates to {rung.label}"]
        if self.last["move"][i] < 0:
            return [f"{self.label} steps down to {rung.label}"]
        if rung >= Rung.BORDER_CLASH and w.active[i]:
            return [f"{self.label} keeps up the {rung.label}"]
        return []
