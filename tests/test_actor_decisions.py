"""The decision contract, actor by actor: at zero noise an actor does what its own
utilities say is best.

For every choice an actor makes (Baku: its rung and its offer to sign; Yerevan: its
concessions, its signature, its call for help; Moscow: the swoop, unrest, spoiling and
the CSTO's answer; Ankara: its line; the West: sanctions), the agent's week, run with
that actor's ``decision_noise`` at 0, must take the option that the actor's public
utility function ranks first, recomputed here from the state before the week. Each test
runs a few hundred worlds, each with its own parameters drawn across their ranges and
its own state (rungs, sanctions standing or not, conditions met or not, offers, calls
for help), and checks that the decision went both ways among the worlds it decided, so
that a rule that ignored its utilities could not pass.

A tie (two options of equal utility) is split evenly by the logit rule
(:mod:`sim.actors.choice`); where ties arise (a reference chance is worth nothing at
zero noise, :func:`sim.actors.choice.reference_utility`) the test checks the choice
falls among the tied options, about half and half. The same week also checks that the
actor took exactly its ``draws_per_week`` arrays of draws in these varied states, and
the last test that each of those arrays decides something (no draw is idle or shared by
two choices, so the count is the actor's number of random choices).
"""

import copy

import numpy as np
import pytest

from sim.actors import (
    ACTOR_MODULES,
    ACTOR_ORDER,
    PARAMETERS,
    armenia,
    azerbaijan,
    csto,
    posture,
    russia,
    turkey,
    usa_eu,
)
from sim.actors.base import Actor
from sim.ladder import DEPTH_RUNG, N_POSTURES, N_RUNGS, OPERATION_RUNG, CstoResponse, Posture
from sim.model import EscalationModel
from tests.helpers import Start

N = 800
SEEDS = [0, 1, 2]
TIE = 1e-9  # utilities closer than this are a tie: the logit splits them (noise 1e-12)


def _random_params(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every parameter drawn uniformly over its range, world by world."""
    return {spec.key: rng.uniform(spec.low, spec.high, N) for spec in PARAMETERS}


def _random_state(w, rng: np.random.Generator) -> None:
    """A varied state for every world: any rung, sanctions standing or not, conditions
    met or not, an offer on the table or not, beliefs anywhere. Worlds stay running."""
    flag = lambda share=0.5: rng.random(N) < share  # noqa: E731
    w.rung = rng.integers(0, N_RUNGS, N).astype(np.int8)
    w.start_rung = np.where(flag(0.7), w.rung, rng.integers(0, N_RUNGS, N)).astype(np.int8)
    w.posture = rng.integers(0, N_POSTURES, N).astype(np.int8)
    w.buildup_weeks = rng.integers(0, 30, N).astype(np.int16)
    w.sanctioned = flag()
    w.minsk_dissolved, w.constitution_reformed = flag(), flag()
    w.spoiling, w.sign_offer, w.west_call, w.appealed = flag(), flag(), flag(), flag()
    w.csto_level = rng.integers(0, CstoResponse.MILITARY, N).astype(np.int8)
    w.russian_corridor, w.unrest, w.corridor_held = flag(0.2), flag(0.2), flag(0.2)
    w.turkey_stance = rng.choice([-1.0, 0.0, 1.0], N)
    w.denial = rng.uniform(0.0, 1.0, N)
    w.resolve_a, w.resolve_b = rng.uniform(0.2, 10.0, (2, N))
    w.trust_a, w.trust_b = rng.uniform(0.2, 10.0, (2, N))


def _week_at_zero_noise(cls, noise_key: str, seed: int, pin_params=None, pin_state=None):
    """One week of the agent of class ``cls`` over N varied worlds with ``noise_key`` at
    0: (state before, state after, views). In a random quarter of the worlds,
    ``pin_params`` and ``pin_state`` (dicts of values) pin parameters and state fields,
    to reach a branch or a tie the random draws would miss. Checks the draw count."""
    rng = np.random.default_rng(1000 + seed)
    params = _random_params(rng)
    params[noise_key] = np.zeros(N)
    pinned = rng.random(N) < 0.25
    for key, value in (pin_params or {}).items():
        params[key][pinned] = value
    m = EscalationModel(params, Start(), 52, np.random.default_rng(seed))
    _random_state(m.world, rng)
    # The lifting count is below the lifting condition (reached, sanctions are lifted).
    lift = m.views.usa_eu.lift_after_weeks
    m.world.quiet_weeks = np.where(m.world.sanctioned, rng.random(N) * lift, 0).astype(np.int16)
    for name, value in (pin_state or {}).items():
        getattr(m.world, name)[pinned] = value
    before = copy.deepcopy(m.world)
    twin = np.random.default_rng()
    twin.bit_generator.state = m.rng.bit_generator.state
    agent = next(a for a in m.actors if isinstance(a, cls))
    agent.step()
    twin.random((cls.draws_per_week, N))
    assert m.rng.bit_generator.state == twin.bit_generator.state, "draw count"
    return before, m.world, m.views


def _assert_binary(acted, gain, decided, label):
    """Where ``decided`` (the action is on the table), the action is taken iff ``gain``
    > 0; both outcomes occur; exact ties (gain 0) split about evenly."""
    tie = decided & (np.abs(gain) < TIE)
    firm = decided & ~tie
    np.testing.assert_array_equal(acted[firm], gain[firm] > 0, label)
    _assert_ties_split(acted[tie], label)
    return firm


def _assert_ties_split(acted, label):
    if acted.size >= 40:
        share, sd = acted.mean(), 0.5 / np.sqrt(acted.size)
        assert abs(share - 0.5) < 4 * sd, f"{label}: ties taken {share:.2f} of {acted.size}"


def _assert_both_ways(outcomes: np.ndarray, label: str, at_least: int = 10):
    values, counts = np.unique(outcomes, return_counts=True)
    seen = dict(zip(values.tolist(), counts.tolist(), strict=True))
    assert len(values) >= 2 and counts.min() >= at_least, f"{label}: {seen}"


def _argmax_and_ties(utilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best option per world (axis 0) and whether another option is within TIE of it."""
    ranked = np.sort(utilities, axis=0)
    return utilities.argmax(axis=0), ranked[-1] - ranked[-2] < TIE


# Azerbaijan.


@pytest.mark.parametrize("seed", SEEDS)
def test_baku_holds_its_best_posture_and_fights_its_best_allowed_rung(seed):
    """Baku's posture is argmax of posture_values less posture_cost x the steps from
    last week's (the build-up while an operation in depth is under way); its rung is
    argmax of rung_utilities over the rungs that posture allows (every rung, less
    change_cost x the rungs crossed, in an operation in depth), where it did not offer
    to sign instead; an operation under way, rung 3-5, may also be kept up or stepped
    down from, less change_cost x the rungs crossed)."""
    b, a, v = _week_at_zero_noise(azerbaijan.Azerbaijan, "azerbaijan.decision_noise", seed)
    az = v.azerbaijan
    fixed = azerbaijan.fixed_terms(az, v.armenia, v.russia, v.csto)
    utilities = azerbaijan.rung_utilities(
        az, v.armenia, v.russia, v.usa_eu, v.csto, v.turkey, v.world, fixed, b
    )
    values = posture.posture_values(utilities, az.decision_noise, az.buildup_cost)
    steps = np.abs(np.arange(N_POSTURES)[:, None] - b.posture[None, :])
    best_posture, posture_tie = _argmax_and_ties(values - az.posture_cost * steps)
    in_depth = b.start_rung >= DEPTH_RUNG
    best_posture = np.where(in_depth, Posture.BUILD_UP, best_posture)
    ready = b.buildup_weeks >= az.buildup_weeks
    row = np.where((best_posture == Posture.BUILD_UP) & ready, 3, best_posture)
    rungs = np.arange(N_RUNGS)[:, None]
    operating = b.start_rung >= OPERATION_RUNG
    allowed = posture.ALLOWED[row].T | (operating & (rungs <= b.start_rung)) | in_depth
    crossed = np.abs(rungs - b.start_rung[None, :])
    momentum = np.where(operating, az.change_cost, 0) * crossed
    options = np.where(allowed, utilities - momentum, -np.inf)
    best, tie = _argmax_and_ties(options)
    chose = ~a.sign_offer & ~tie & (~posture_tie | in_depth)
    assert chose.sum() > 0.7 * N
    np.testing.assert_array_equal(a.posture[chose], best_posture[chose])
    np.testing.assert_array_equal(a.rung[chose], best[chose])
    # Varied enough to mean something: every posture, several rungs, moves and holds.
    assert len(np.unique(best_posture[chose])) == N_POSTURES
    assert len(np.unique(best[chose])) >= 3, np.unique(best[chose])
    _assert_both_ways(best_posture[chose] == b.posture[chose], "posture changed or held")
    _assert_both_ways(in_depth[chose], "an operation in depth under way")


@pytest.mark.parametrize("seed", SEEDS)
def test_baku_offers_when_ready_and_the_offer_pays(seed):
    """Baku offers iff both conditions are met, guns are quiet (start_rung <= 1) and
    offer_gain > 0. At zero noise the reference chance is worth nothing, so the gain is
    Western mediation, never negative in range: a quarter of worlds have none (a tie)."""

    b, a, v = _week_at_zero_noise(
        azerbaijan.Azerbaijan,
        "azerbaijan.decision_noise",
        seed,
        pin_params={"usa_eu.mediation": 0.0},
    )
    ready = (b.conditions_unmet() == 0) & (b.start_rung <= 1) & (v.armenia.treaty_text_agreed > 0)
    gain = azerbaijan.offer_gain(v.azerbaijan, v.usa_eu)
    assert not a.sign_offer[~ready].any()
    _assert_binary(a.sign_offer, gain, ready, "offer")
    _assert_both_ways(ready, "ready to offer")


# Armenia.


@pytest.mark.parametrize("seed", SEEDS)
def test_yerevan_concedes_iff_a_concession_pays(seed):
    """Each unmet condition is met iff its concession_gains entry is > 0; a met one
    stays met."""
    b, a, v = _week_at_zero_noise(armenia.Armenia, "armenia.decision_noise", seed)
    gains = armenia.concession_gains(b.rung, b.spoiling, v.armenia)
    for name, gain in zip(("minsk_dissolved", "constitution_reformed"), gains, strict=True):
        was, now = getattr(b, name), getattr(a, name)
        assert now[was].all(), name
        firm = _assert_binary(now, gain, ~was, name)
        _assert_both_ways(now[firm], name)


@pytest.mark.parametrize("seed", SEEDS)
def test_yerevan_signs_an_offer_iff_signing_pays(seed):
    """An offered treaty is signed iff sign_gain > 0; no offer, no treaty."""
    b, a, v = _week_at_zero_noise(armenia.Armenia, "armenia.decision_noise", seed)
    gain = armenia.sign_gain(b.spoiling, v.armenia)
    assert not a.treaty[~b.sign_offer].any()
    firm = _assert_binary(a.treaty, gain, b.sign_offer, "signed")
    _assert_both_ways(a.treaty[firm], "signed")


@pytest.mark.parametrize("seed", SEEDS)
def test_yerevan_calls_for_help_by_its_appeal_utility(seed):
    """Under an incursion or a corridor offensive, Armenia invokes the CSTO iff
    appeal_gain (its trust, and its standing: a frozen member's is -inf) is > 0, else
    it calls on the West; under a border clash it calls on the West only; under an
    invasion it does both; not attacked, neither. At zero noise the trust's utility is
    0 whatever the trust (reference_utility), so a full member's choice is a tie, split
    evenly; the standing is pinned at 1 in a quarter of the worlds to reach it."""
    b, a, v = _week_at_zero_noise(
        armenia.Armenia,
        "armenia.decision_noise",
        seed,
        pin_params={"armenia.csto_participation": 1.0},
    )
    gain = armenia.appeal_gain(b.trust_belief(), v.armenia)
    attacked, invasion = b.rung >= armenia.ATTACK_RUNG, b.rung >= 5
    assert not (a.appealed | a.west_call)[~attacked].any()
    assert (a.appealed & a.west_call)[invasion].all()
    clash = b.rung == armenia.ATTACK_RUNG
    assert a.west_call[clash].all() and not a.appealed[clash].any()
    choosing = (b.rung >= armenia.OPERATION_RUNG) & ~invasion
    np.testing.assert_array_equal(a.west_call[choosing], ~a.appealed[choosing])
    _assert_binary(a.appealed, gain, choosing, "appealed")
    _assert_both_ways(a.appealed[choosing], "appealed")
    # Frozen or partial standing (log_share < 0) with a tied trust: never invoked.
    partial = choosing & (v.armenia.csto_participation < 1.0)
    assert partial.sum() >= 10 and not a.appealed[partial].any()


# Russia (and its answer for the CSTO).


@pytest.mark.parametrize("seed", SEEDS)
def test_moscow_swoops_iff_the_swoop_pays(seed):
    """During a corridor offensive or invasion Moscow takes the corridor iff swoop_gain
    > 0; elsewhere never; once taken it stays. At zero noise the gain is log(success)
    less the troops Ukraine ties down, never positive: a quarter of worlds have an
    offensive sure to take its ground and no troops tied down (a tie)."""

    b, a, v = _week_at_zero_noise(
        russia.Russia,
        "russia.decision_noise",
        seed,
        pin_params={
            "azerbaijan.military_advantage": 1.0,
            "armenia.border_readiness": 0.0,
            "russia.ukraine_constraint": 0.0,
        },
        pin_state={"denial": 0.0},
    )
    success = armenia.operation_success(
        b.rung, v.azerbaijan.military_advantage, v.armenia.border_readiness, b.denial
    )
    gain = russia.swoop_gain(success, v.russia)
    fresh = ~b.russian_corridor
    assert a.russian_corridor[b.russian_corridor].all()
    assert not a.russian_corridor[fresh & (b.rung < 4)].any()
    deciding = fresh & (b.rung >= 4)
    firm = _assert_binary(a.russian_corridor, gain, deciding, "swoop")
    _assert_both_ways(firm[deciding], "decided firmly or tied")
    _assert_both_ways(a.russian_corridor[deciding], "swooped")


@pytest.mark.parametrize("seed", SEEDS)
def test_moscow_stirs_unrest_iff_it_pays(seed):
    """Once there is fighting Moscow incites unrest iff unrest_gain > 0; the reference
    chance is worth nothing at zero noise, so every fighting world is a tie, split
    evenly; sticky."""
    b, a, v = _week_at_zero_noise(russia.Russia, "russia.decision_noise", seed)
    gain = russia.unrest_gain(v.russia)
    assert np.all(gain == 0.0)
    fresh = ~b.unrest
    assert a.unrest[b.unrest].all()
    assert not a.unrest[fresh & (b.rung < 2)].any()
    _assert_binary(a.unrest, gain, fresh & (b.rung >= 2), "unrest")
    _assert_both_ways(a.unrest[fresh], "unrest")


@pytest.mark.parametrize("seed", SEEDS)
def test_moscow_spoils_iff_spoiling_pays(seed):
    """Moscow works against a treaty within reach (a condition met) iff spoil_gain > 0."""
    b, a, v = _week_at_zero_noise(russia.Russia, "russia.decision_noise", seed)
    unmet = b.conditions_unmet()
    gain = russia.spoil_gain(unmet, v.russia)
    assert not a.spoiling[unmet == 1].any()
    firm = _assert_binary(a.spoiling, gain, unmet < 1, "spoiling")
    _assert_both_ways(a.spoiling[firm], "spoiling")


@pytest.mark.parametrize("seed", SEEDS)
def test_the_cstos_answer_is_moscows_best(seed):
    """The CSTO's level after the week is the higher of the old one and the argmax of
    answer_utilities (on Russia's decision noise); where answers tie, one of them."""
    b, a, v = _week_at_zero_noise(csto.Csto, "russia.decision_noise", seed)
    utilities = csto.answer_utilities(b.rung, b.appealed.astype(np.float64), v.csto, v.russia)
    best, tie = _argmax_and_ties(utilities)
    firm = ~tie
    np.testing.assert_array_equal(a.csto_level[firm], np.maximum(b.csto_level, best)[firm])
    top = utilities >= utilities.max(axis=0) - TIE
    for i in np.flatnonzero(tie):
        options = np.maximum(b.csto_level[i], np.flatnonzero(top[:, i]))
        assert a.csto_level[i] in options, (i, utilities[:, i])
    # Silence below a clash; under attack at least a statement and force both occur.
    assert (best[b.rung < 2] == CstoResponse.NONE).all()
    attacked = set(np.unique(best[firm & (b.rung >= 2)]))
    assert attacked >= {CstoResponse.STATEMENT, CstoResponse.MILITARY}, attacked


# Turkey and the West.


@pytest.mark.parametrize("seed", SEEDS)
def test_ankara_takes_its_best_line(seed):
    """Turkey's line is the argmax of line_utilities over (restrain, neutral, back)."""
    b, a, v = _week_at_zero_noise(turkey.Turkey, "turkey.decision_noise", seed)
    best, tie = _argmax_and_ties(
        turkey.line_utilities(v.turkey, b.sanctioned, b.conditions_unmet())
    )
    assert not tie.any()
    np.testing.assert_array_equal(a.turkey_stance, turkey.LINES[best])
    assert set(np.unique(best)) == {0, 1, 2}


@pytest.mark.parametrize("seed", SEEDS)
def test_the_west_sanctions_iff_sanctions_pay(seed):
    """Not sanctioned: the West imposes iff Baku fights (rung >= 2) and sanction_gain,
    at its true resolve, is > 0. Sanctioned: they stand unless this calm week completes
    the lifting count."""
    # Gas and low priority outweigh resolve in most of the parameter space, and a calm
    # week completes the lifting count in few worlds: in a quarter of the worlds there is
    # neither gas nor low priority, and the count stands one week short of lifting.
    b, a, v = _week_at_zero_noise(
        usa_eu.UsEu,
        "usa_eu.decision_noise",
        seed,
        pin_params={
            "usa_eu.gas_dependence": 0.0,
            "usa_eu.low_priority": 0.0,
            "usa_eu.lift_after_weeks": 4.0,
        },
        pin_state={"quiet_weeks": 3},
    )
    us = v.usa_eu
    gain = usa_eu.sanction_gain(b.rung, us, us.sanctions_credibility, b.west_call)
    free, attack = ~b.sanctioned, b.rung >= usa_eu.ATTACK_RUNG
    # On the table only where the West has something at stake (not a clash, nor an
    # incursion it has not warned against).
    at_stake = usa_eu.sanction_stake(b.rung, us, b.west_call) > 0
    assert not a.sanctioned[free & ~at_stake].any()
    _assert_both_ways(at_stake[free & attack], "at stake under attack")
    firm = _assert_binary(a.sanctioned, gain, free & at_stake, "imposed")
    _assert_both_ways(a.sanctioned[firm], "imposed")
    lifted = b.sanctioned & ~attack & (b.quiet_weeks + 1 >= us.lift_after_weeks)
    np.testing.assert_array_equal(a.sanctioned[b.sanctioned], ~lifted[b.sanctioned])
    _assert_both_ways(lifted[b.sanctioned], "lifted")


# Every draw decides something.


def test_the_draw_tests_cover_every_actor():
    """The draw-count tests here and in test_actor_contract.py run over ACTOR_ORDER: it
    holds every agent class the actor modules define, and each states its own draw
    count (none inherits the base's 0 by omission)."""
    defined = {
        c
        for mod in ACTOR_MODULES
        for c in vars(mod).values()
        if isinstance(c, type) and issubclass(c, Actor) and c.__module__ == mod.__name__
    }
    assert defined == set(ACTOR_ORDER)
    for cls in ACTOR_ORDER:
        assert "draws_per_week" in vars(cls) and cls.draws_per_week >= 1, cls.__name__


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.__name__) for c in ACTOR_ORDER])
def test_every_draw_decides_something(cls):
    """Each of the actor's ``draws_per_week`` arrays changes the week's outcome in some
    world when it is moved from one end of [0, 1) to the other, the others held at 1/2:
    the draw count is exactly the actor's random choices (parameters and states varied,
    noise as drawn from its range)."""
    rng = np.random.default_rng(7)
    m = EscalationModel(_random_params(rng), Start(), 52, np.random.default_rng(7))
    _random_state(m.world, rng)
    m.world.quiet_weeks[:] = 0

    def week_with(u):
        twin = copy.deepcopy(m)
        agent = next(a for a in twin.actors if isinstance(a, cls))
        agent.act(twin.world, twin.views, u)
        return twin.world

    for row in range(cls.draws_per_week):
        outcomes = []
        for end in (1e-9, 1.0 - 1e-9):
            u = np.full((cls.draws_per_week, N), 0.5)
            u[row] = end
            outcomes.append(week_with(u))
        changed = [
            name
            for name, value in vars(outcomes[0]).items()
            if isinstance(value, np.ndarray)
            and not np.array_equal(value, getattr(outcomes[1], name))
        ]
        assert changed, f"{cls.__name__}: draw {row} decides nothing"
