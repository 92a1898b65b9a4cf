"""Azerbaijan: holds a posture, picks the week's event, conducts operations, and offers
to sign once its conditions are met.

Each week Baku compares, for every rung, the expected gains (leverage over Armenia's
remaining treaty conditions, the land link to Nakhchivan, claims on Armenian territory,
Russian favour, Turkish backing) with the expected costs (a sanctions spell, weighted by
its belief in Western resolve and the revenue at risk; isolation; casualties; a
Russian/CSTO military response) less a penalty on their spread (risk aversion). From
those utilities it chooses a posture (talks, pressure, or the build-up of an operation
in depth), which lasts, and the week's event among the rungs the posture allows, which
does not (:mod:`sim.actors.posture`): a clash lasts days, a fait accompli can come out
of a quiet month, and an operation in depth needs a visible build-up first (seed 001,
Areshev: "there are no signs of armed preparations for a full-scale invasion").

What Baku expects of the others is each actor's own rule, fed with what Baku believes:
:func:`usa_eu.impose_probability` with its belief in Western resolve,
:func:`csto.military_probability` with Armenia's current trust,
:func:`russia.push_on_baku`, :func:`turkey.pull_on_baku`.

Memory: the belief in Western resolve is Beta-Bernoulli (prior mean
``usa_eu.sanctions_credibility``, weight ``belief_strength``): each imposition of
sanctions counts as resolve shown, each operation on Armenian soil that ends with no
sanctions standing as resolve missing (Schelling's salami tactics).

Operations (rungs 3-5) are episodes: they take ground week by week, and end held (the
objective taken), repelled (Armenia's defence throws them back) or withdrawn (Baku
steps down); the mechanics are :mod:`sim.operations`, run after Baku's choice. Ground
taken and a corridor held, by force, by Russia or by an agreed transit route, change
what later operations are worth.

Rung profiles below (how much of each gain or cost bears on each rung) are modelling
assumptions following the ladder in DOMAIN.md; their weights are parameters with sources.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim import operations
from sim.actors import armenia, csto, russia, turkey, usa_eu, world
from sim.actors import posture as posture_rule
from sim.actors.base import Actor
from sim.actors.choice import binary_choice, reference_utility
from sim.ladder import ATTACK_RUNG, DEPTH_RUNG, N_RUNGS, OperationEnd, Posture, Rung
from sim.params import ActorParams, param

S000 = "000_b6c8157d2dc91f0e.txt"
S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """Azerbaijan's parameters: arrays over worlds, named as in scenario files
    (azerbaijan.NAME)."""

    actor: ClassVar[str] = "azerbaijan"

    risk_aversion: np.ndarray = param(
        "weight on the spread of a rung's payoff: its utility is the expected payoff less "
        "this times the standard deviation of the uncertain parts (sanctions, a great-power "
        "response, whether an operation takes its ground); 0 = risk-neutral, 1 = a rung is "
        "worth its payoff one standard deviation below the mean",
        "per standard deviation",
        0.0,
        1.0,
        0.8,
        f'{S001}: Kopalyan "Aliyev, regardless of rumors, is a highly risk-averse actor"',
    )
    revenue_exposure: np.ndarray = param(
        "share of the revenue underpinning the regime that Western sanctions would hit",
        "share",
        0.0,
        1.0,
        0.8,
        f'{S001}: Mirgadirov "a business underpinning his personal authority that he is '
        'unlikely to jeopardize"',
    )
    leverage_value: np.ndarray = param(
        "weekly value of coercive pressure while treaty conditions remain unmet",
        "utility units",
        0.0,
        10.0,
        2.0,
        f"{S000}: Tasits \"a means of pressure to expedite Armenia's agreement to remaining "
        'conditions"',
    )
    corridor_value: np.ndarray = param(
        "weekly value of seizing the land link to Nakhchivan through Syunik",
        "utility units",
        0.0,
        20.0,
        5.0,
        f'{S001}: Areshev "Baku will undoubtedly employ all means of armed pressure to '
        'achieve its goals, namely establishing a connection"',
    )
    territorial_ambition: np.ndarray = param(
        "weekly value of claims on Armenian territory and minerals beyond the corridor",
        "utility units",
        0.0,
        20.0,
        3.0,
        f'{S001}: Mikaelian "Azerbaijan is staking claims to Armenia\'s entire territory"; '
        '"Aliyev ordered the mapping of all mineral deposits in Armenia"',
    )
    talks_value: np.ndarray = param(
        "weekly value to Baku of quiet talks, added to Western mediation: what a treaty "
        "track that may deliver its conditions without fighting is worth while the guns "
        "are quiet",
        "utility units",
        0.0,
        10.0,
        1.0,
        f'{S001}: "active negotiations are underway to open the land border" (talks go on '
        f'beside the pressure); {S000}: Tasits "the establishment of some mechanisms for '
        "interaction\"; assumption for the size: calibrated on the record's quiet months",
    )
    military_advantage: np.ndarray = param(
        "Azerbaijan's edge: the chance an operation meets no effective resistance",
        "share",
        0.0,
        1.0,
        0.8,
        f'{S001}: Kopalyan "Azerbaijan still maintains an exponential advantage"',
    )
    casualty_cost: np.ndarray = param(
        "cost of the casualties of a full-scale invasion (other rungs scaled down)",
        "utility units",
        0.0,
        20.0,
        2.5,
        f'{S001}: Kopalyan "the scale of death and destruction, on both sides, will be '
        'immense"; Mirgadirov "Any war brings new casualties"',
    )
    isolation_cost: np.ndarray = param(
        "cost of international isolation after a full-scale invasion (other rungs scaled down)",
        "utility units",
        0.0,
        20.0,
        4.0,
        f'{S000}: Tasits "this means international isolation"; {S001}: Kopalyan '
        '"Azerbaijan does not have sufficient international political capital"',
    )
    great_power_war_cost: np.ndarray = param(
        "cost of fighting Russia or the CSTO, weighed by the chance they respond",
        "utility units",
        0.0,
        100.0,
        20.0,
        f'{S000}: Tasits "These are quite strong deterrents for Azerbaijan"',
    )
    change_cost: np.ndarray = param(
        "cost per rung crossed when an operation on Armenian soil under way (rung 3-5) "
        "changes rung: an operation's momentum",
        "utility units",
        0.0,
        15.0,
        12.0,
        "assumption: a war once started has momentum; sized so that at the calibrated "
        "noise an invasion under way lasts about six weeks on average, as the 2020 war did "
        "(measured: 6.9 weeks; a limited incursion about two), where the record has no "
        "operation in depth to calibrate it on",
    )
    posture_cost: np.ndarray = param(
        "cost per step when Baku changes posture (talks, pressure, build-up) in a week: a "
        "change of policy is a political decision",
        "utility units",
        0.0,
        15.0,
        1.0,
        "assumption: a policy toward Armenia lasts weeks to months (the record's quiet and "
        "tense spells, armenia_azerbaijan_monthly.csv); its size is calibrated",
    )
    buildup_weeks: np.ndarray = param(
        "weeks of visible build-up before a corridor offensive or an invasion can start",
        "weeks",
        1.0,
        26.0,
        4.0,
        f'{S001}: Areshev "there are no signs of armed preparations for a full-scale '
        'invasion" (preparations are visible and precede it); assumption for the length: '
        "a month to mass forces for an operation in depth",
    )
    buildup_cost: np.ndarray = param(
        "weekly cost of keeping forces massed for an operation in depth",
        "utility units",
        0.0,
        10.0,
        0.5,
        "assumption: a mobilisation costs money and attention every week it lasts; its "
        "size is not in the seeds, and the record has no build-up to calibrate it on",
    )
    decision_noise: np.ndarray = param(
        "logit temperature: how far choices stray from the best expected option",
        "utility units",
        0.2,
        5.0,
        1.0,
        "assumption: quantal-response choice (McKelvey & Palfrey 1995), unit noise sets the "
        "utility scale",
    )
    sign_propensity: np.ndarray = param(
        "weekly chance that Baku offers to sign once both conditions are met and guns are "
        "quiet, with no mediation",
        "probability per week",
        0.0,
        1.0,
        0.1,
        f'{S000}: Tasits names the two conditions "for signing a peace treaty"; assumption '
        "for the rate: a signing ceremony within months once they are met",
    )
    patience: np.ndarray = param(
        "weekly discount factor: how much next week's cost of a sanctions spell counts now",
        "factor per week",
        0.0,
        0.99,
        0.9,
        f"assumption: a consolidated, pragmatic leadership looks a few months ahead (cf. {S000} "
        'Tasits "Azerbaijan\'s leadership is quite pragmatic"); 0.9 weighs a half-year '
        "spell as about nine weeks",
    )
    belief_strength: np.ndarray = param(
        "weight of Baku's prior about Western resolve, in tests observed (the prior's mean is "
        "usa_eu.sanctions_credibility)",
        "pseudo-observations",
        0.5,
        50.0,
        4.0,
        "assumption: the West had never been tested over Armenia proper before 2021 "
        "(DOMAIN.md: no sanctions ever imposed), so a handful of episodes move the belief",
        resets="resolve",
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
LOW, DEEP = slice(0, DEPTH_RUNG), slice(DEPTH_RUNG, N_RUNGS)


@dataclass(frozen=True)
class FixedTerms:
    """The parts of Baku's weekly calculus that only parameters decide: the cost of
    isolation on each rung (6, n), the expected payoff and the variance of the ground
    taken on rungs 0-3 (which meet border readiness, fixed in a run; (4, n) and (6, n)),
    and Moscow's answer for the CSTO to an attack on each rung. Russia's push is not
    among them: Russia's module owns it (:func:`russia.push_on_baku`, read every week)."""

    isolation: np.ndarray
    ground_mean: np.ndarray
    ground_variance: np.ndarray
    csto_answers: tuple[np.ndarray, np.ndarray]  # csto.answer_probabilities per rung


def _ground(az: Params, rows: slice, success, readiness, secured=0.0):
    """Value of the ground an operation on ``rows`` would take (the corridor's less what
    is already secured), its chance, and the casualties (raised by readiness)."""
    value = (
        az.corridor_value * (1.0 - secured) * CORRIDOR_PROFILE[rows, None]
        + az.territorial_ambition * TERRITORY_PROFILE[rows, None]
    )
    losses = (
        az.casualty_cost * CASUALTY_PROFILE[rows, None] * (1.0 + DENIAL_COST_FACTOR * readiness)
    )
    return success * value - losses, success * (1.0 - success) * value**2


def fixed_terms(az: Params, arm: armenia.Params, ru: russia.Params, co: csto.Params) -> FixedTerms:
    """Isolation and ground less losses on the rungs below the corridor (seed 001:
    Kopalyan on losses; seed 000: Tasits on isolation), and Moscow's answer to an attack
    on each rung, with and without Armenia's appeal. Computed once per run, and again
    when parameters change."""
    isolation = az.isolation_cost * ISOLATION_PROFILE[:, None]
    variance = np.zeros_like(isolation)
    border = arm.border_readiness
    success = armenia.operation_success(RUNGS[LOW], az.military_advantage, border, border)
    payoff, spread = _ground(az, LOW, success, border)
    variance[LOW] = spread
    return FixedTerms(isolation, payoff, variance, csto.answer_probabilities(RUNGS, co, ru))


def corridor_secured(corridor_held, russian_corridor, tr: world.Params) -> np.ndarray:
    """Share of the corridor gain already settled: held by Baku after a corridor
    offensive, taken by Russia (seed 001, Kopalyan: "Russia will swoop in after and reap
    the benefits"), or given by an agreed transit route (August 2025)."""
    return np.maximum(np.maximum(corridor_held, russian_corridor), tr.transit_route)


def sanction_terms(
    az: Params,
    us: usa_eu.Params,
    wd: world.Params,
    belief: np.ndarray,
    west_call,
    sanctioned: np.ndarray,
    quiet_weeks: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Expected cost and variance of sanctions on each rung (6, n).

    Not sanctioned: the West's own rule (:func:`usa_eu.impose_probability`) with Baku's
    belief about its resolve in place of the true one, times a spell's discounted cost
    (seed 001, Mirgadirov: revenues "underpinning his personal authority"). Sanctioned:
    fighting restarts the lifting count, so it costs the weeks of sanctions it adds.
    """
    weekly = us.sanctions_severity * az.revenue_exposure * wd.oil_price_index
    spell = weekly * usa_eu.spell_weeks(az.patience, us)
    p = usa_eu.impose_probability(RUNGS, us, belief, west_call) * ~sanctioned
    # Fighting this week throws away the q calm weeks counted so far and this week's:
    # lifting comes q + 1 weeks later, at the end of the spell (weeks L-q-1 .. L-1 from
    # now, discounted).
    d = np.minimum(az.patience, 0.999)
    extra = quiet_weeks + 1.0
    wait = np.maximum(us.lift_after_weeks - extra, 0.0)
    lost = weekly * d**wait * (1.0 - d**extra) / (1.0 - d)
    delay = np.where(sanctioned, lost, 0.0) * (RUNGS >= ATTACK_RUNG)
    return p * spell + delay, p * (1.0 - p) * spell**2


def rung_utilities(
    az: Params,
    arm: armenia.Params,
    ru: russia.Params,
    us: usa_eu.Params,
    co: csto.Params,
    tk: turkey.Params,
    wd: world.Params,
    fixed: FixedTerms,
    w,
) -> np.ndarray:
    """Baku's expected weekly utility of fighting on each rung, less risk aversion times
    the spread: shape (6, n).

    Gains: quiet talks and Western mediation (seed 001: "active negotiations are
    underway"), leverage while treaty conditions remain (seed 000, Tasits), the corridor and
    territory weighted by the chance of success (seed 001, Areshev, Mikaelian), Russian
    favour (seed 001, Kopalyan) and Turkey's line (seed 001, Mikaelian vs Yunusov).
    Costs: a sanctions spell (seed 001, Mirgadirov, Kopalyan), isolation (seed 000,
    Tasits), casualties raised by Armenian readiness (seed 001, Kopalyan), the expected
    Russian/CSTO response (seed 000). Seed 001, Kopalyan: "Aliyev ... is a highly
    risk-averse actor": the spread of the uncertain parts counts against a rung. ``w``
    is the world state (beliefs, conditions, denial, what is already secured).
    """
    # Russia's push, read from Russia's module every week (it may depend on the state),
    # then the cached terms: the sum in this order gives the same numbers as before the
    # push left the cache.
    mean = russia.push_on_baku(ru, w) - fixed.isolation
    mean[LOW] += fixed.ground_mean
    mean += az.leverage_value * w.conditions_unmet() * LEVERAGE_PROFILE[:, None]
    mean += turkey.pull_on_baku(tk, w.turkey_stance)
    # Talks hold only while the guns are quiet: the peace process (and the West's
    # mediation of it) is worth something on rung 0 alone.
    mean[0] += az.talks_value + us.mediation
    variance = fixed.ground_variance.copy()
    success = armenia.operation_success(RUNGS[DEEP], az.military_advantage, w.denial, w.denial)
    secured = corridor_secured(w.corridor_held, w.russian_corridor, wd)
    payoff, spread = _ground(az, DEEP, success, w.denial, secured)
    mean[DEEP] += payoff
    variance[DEEP] = spread
    trust = w.trust_belief()
    west_call = 1.0 - armenia.appeal_probability(RUNGS, trust, arm) * (RUNGS < 5)
    s_mean, s_var = sanction_terms(
        az, us, wd, w.resolve_belief(), west_call, w.sanctioned, w.quiet_weeks
    )
    p_war = csto.military_probability(RUNGS, co, ru, arm, trust, fixed.csto_answers)
    war_cost = az.great_power_war_cost
    mean -= s_mean + p_war * war_cost
    variance += s_var + p_war * (1.0 - p_war) * war_cost**2
    return mean - az.risk_aversion * np.sqrt(variance)


def choose_move(
    posture: np.ndarray,
    start_rung: np.ndarray,
    buildup: np.ndarray,
    utilities: np.ndarray,
    az: Params,
    u_posture: np.ndarray,
    u_event: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """This week's posture and rung (:mod:`sim.actors.posture`): a posture chosen by its
    value (the best week it allows, in expectation) less ``posture_cost`` per step from
    last week's, then the week's event among the rungs it allows, by logit choice over
    the same utilities. An operation in depth under way keeps the build-up posture and
    its momentum. Seed 001, Kopalyan: "it is one thing to have flare-ups on the border,
    or for Azerbaijan to attack and take a position or two" (pressure's events); Areshev:
    "no signs of armed preparations for a full-scale invasion" (the build-up first)."""
    values = posture_rule.posture_values(utilities, az.decision_noise, az.buildup_cost)
    chosen = posture_rule.choose_posture(
        posture, values, az.decision_noise, az.posture_cost, u_posture
    )
    chosen = posture_rule.kept_posture(chosen, start_rung)
    ready = buildup >= az.buildup_weeks
    rung = posture_rule.choose_event(
        chosen, ready, start_rung, utilities, az.decision_noise, az.change_cost, u_event
    )
    return chosen, rung


def offer_gain(az: Params, us: usa_eu.Params) -> np.ndarray:
    """Baku's net utility of offering to sign once its conditions are met: the utility
    its reference chance stands for, plus Western mediation (assumption: mediation
    makes signing easier but cannot replace the conditions; seed 000, Tasits: "the
    establishment of some mechanisms for interaction")."""
    return reference_utility(az.sign_propensity, az.decision_noise) + us.mediation


def offer_treaty(
    start: np.ndarray,
    conditions_unmet: np.ndarray,
    az: Params,
    us: usa_eu.Params,
    u: np.ndarray,
    text_agreed: np.ndarray | float = 1.0,
) -> np.ndarray:
    """True where Baku offers to sign this week: a treaty text agreed
    (``armenia.treaty_text_agreed`` > 0; the record's conditions: March 2025), both of
    its conditions met (seed 000, Tasits names them the conditions "for signing a peace
    treaty"), guns quiet (rung <= 1), and a logit choice on :func:`offer_gain`. Yerevan
    then accepts or not (:func:`sim.actors.armenia.accept_treaty`)."""
    ready = (conditions_unmet == 0) & (start <= Rung.TENSION) & (np.asarray(text_agreed) > 0)
    return ready & binary_choice(offer_gain(az, us), az.decision_noise, u)


def resolve_prior(az: Params, us: usa_eu.Params) -> tuple[np.ndarray, np.ndarray]:
    """Beta prior counts (a, b) of Baku's belief in Western resolve: mean
    ``usa_eu.sanctions_credibility`` (Baku reads the threat as the experts do, seed 001
    Kopalyan), weight ``belief_strength`` (assumption: a conjugate Beta-Bernoulli
    belief)."""
    m = us.sanctions_credibility
    return m * az.belief_strength, (1.0 - m) * az.belief_strength


def learn_resolve(
    a: np.ndarray,
    b: np.ndarray,
    imposed: np.ndarray,
    operation_ended: np.ndarray,
    sanctioned: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Beta-Bernoulli update of Baku's belief in Western resolve: sanctions imposed count
    as resolve shown (``a``); an operation on Armenian soil that ends with no sanctions
    standing as resolve missing (``b``). Schelling's salami tactics (DOMAIN.md): each
    unpunished step makes the next look safer; seed 001, Kopalyan: the threat of U.S.
    sanctions is what deterred Aliyev."""
    return a + imposed, b + (operation_ended & ~sanctioned)


class Azerbaijan(Actor):
    """Moves second each week, after Turkey: may offer to sign, holds a posture, picks the
    week's rung among those it allows, fights."""

    actor, label, draws_per_week = "azerbaijan", "Azerbaijan", 4
    decides = ("posture", "rung")
    # The offer to sign, the build-up's count, and the operations that follow from the rung.
    writes = ("sign_offer", "buildup_weeks", *operations.WRITES)
    learns = ("resolve_a", "resolve_b")
    # Rebuilt each week before they are read: the offer, this week's utilities, and the
    # sanctions in force before the West's move (for learn()).
    scratch = ("offers", "utilities", "sanctioned_before")

    def refresh(self):
        # The parameter-only part of the calculus, computed once per set of parameters.
        v = self.model.views
        self.fixed = fixed_terms(v.azerbaijan, v.armenia, v.russia, v.csto)

    def observe(self, w, v, u):
        """Whether Baku offers to sign (:func:`offer_treaty`, draw ``u[0]``) and its
        utility of each rung this week (:func:`rung_utilities`), kept on the agent for
        the decision (and an override) to read."""
        az = v.azerbaijan
        offers = offer_treaty(
            w.start_rung, w.conditions_unmet(), az, v.usa_eu, u[0], v.armenia.treaty_text_agreed
        )
        self.offers = offers & w.active
        self.utilities = rung_utilities(
            az, v.armenia, v.russia, v.usa_eu, v.csto, v.turkey, v.world, self.fixed, w
        )
        self.sanctioned_before = w.sanctioned.copy()

    def decide(self, w, v, u):
        """This week's posture and rung for every world (:func:`choose_move` from
        ``w.posture`` and ``w.start_rung``, with draws ``u[3]`` for the posture and
        ``u[1]`` for the event; ``u[0]`` is the offer draw, ``u[2]`` the repel draw), from
        ``self.utilities``: Baku's utility of each rung this week, shape (6, n), which
        :meth:`observe` computes before. Override to try another rule (notebook 05): the
        offer, the operations and the bookkeeping around it stay the same."""
        return choose_move(
            w.posture, w.start_rung, w.buildup_weeks, self.utilities, v.azerbaijan, u[3], u[1]
        )

    def consequences(self, w, v, u, before):
        """An offer to sign puts Baku at the table instead of its rung; then the week's
        operations on the ground (:func:`sim.operations.advance`, repel draw ``u[2]``)."""
        az = v.azerbaijan
        w.sign_offer = self.offers
        w.posture = np.where(self.offers, Posture.TALKS, w.posture).astype(w.posture.dtype)
        w.buildup_weeks = np.where(
            w.active,
            posture_rule.count_buildup(w.buildup_weeks, w.posture, w.rung),
            w.buildup_weeks,
        ).astype(w.buildup_weeks.dtype)
        w.rung = np.where(self.offers, Rung.NEGOTIATION, w.rung).astype(w.rung.dtype)
        success = armenia.operation_success(
            w.rung, az.military_advantage, v.armenia.border_readiness, w.denial
        )
        repel = armenia.repel_chance(
            w.rung, az.military_advantage, v.armenia.border_readiness, w.denial
        )
        operations.advance(w, before["rung"], success, repel, u[2])

    def record(self, w, before):
        return {
            "move": w.rung.astype(np.int16) - before["rung"],
            "offered": w.sign_offer,
            "end": w.op_end,
            "from": before["rung"],
            "posture_from": before["posture"],
        }

    def learn(self, w, v, operation_ended):
        imposed = w.sanctioned & ~self.sanctioned_before
        w.resolve_a, w.resolve_b = learn_resolve(
            w.resolve_a, w.resolve_b, imposed, operation_ended, w.sanctioned
        )

    def events(self, i):
        w = self.model.world
        rung = Rung(int(w.rung[i]))
        end = int(self.last["end"][i])
        said = []
        posture, was = Posture(int(w.posture[i])), int(self.last["posture_from"][i])
        if posture != was and w.active[i]:
            said.append(f"{self.label} turns to {posture.label}")
        if self.last["offered"][i]:
            said.append(f"{self.label} offers to sign the peace treaty")
        elif end == OperationEnd.WITHDRAWN:
            # The step down is the withdrawal: one phrase, naming the operation ended.
            called_off = Rung(int(self.last["from"][i])).label
            said.append(f"{self.label} calls off the {called_off} and steps down to {rung.label}")
        elif self.last["move"][i] > 0:
            said.append(f"{self.label} escalates to {rung.label}")
        elif self.last["move"][i] < 0:
            said.append(f"{self.label} steps down to {rung.label}")
        elif rung >= Rung.BORDER_CLASH and w.active[i]:
            said.append(f"{self.label} keeps up the {rung.label}")
        if end == OperationEnd.HELD:
            said.append(f"the {rung.label} takes its objective; {self.label} digs in")
        elif end == OperationEnd.REPELLED:
            said.append(f"Armenia throws back the {rung.label}")
        return said
