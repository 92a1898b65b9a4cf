"""Memory (issue 11): Baku's belief in Western resolve and Armenia's trust in the CSTO
are Beta-Bernoulli beliefs, kept as two counts per world. Their priors come from the
parameters; operations that end unpunished (or unanswered) move them; a dated change of
a prior's parameter resets them."""

import numpy as np

from sim.actors import ACTOR_ORDER, armenia, azerbaijan
from sim.actors.azerbaijan import Azerbaijan
from sim.ladder import CstoResponse, posture_at
from sim.model import EscalationModel
from tests.helpers import Start, params, views

# No readiness, no concessions, no CSTO war, no spill-over: only the script and the
# West's choice decide what happens.
CALM = dict(
    armenia__border_readiness=0.0,
    armenia__denial_capacity=0.0,
    armenia__minsk_concession_rate=0.0,
    armenia__constitution_reform_rate=0.0,
    csto__obligation_strength=0.0,
    russia__decision_noise=0.0,
    world__spillover_hazard=0.0,
)
# A West that never sanctions (gas and attention, 8 + 3, outweigh any stake at 0.6
# resolve) and one that always does (nothing to lose), both at zero noise.
NEVER = dict(usa_eu__gas_dependence=1.0, usa_eu__decision_noise=0.0)
ALWAYS = dict(usa_eu__gas_dependence=0.0, usa_eu__low_priority=0.0, usa_eu__decision_noise=0.0)


def scripted(script):
    class Scripted(Azerbaijan):
        def decide(self, w, v, u):
            rung = script[min(w.week, len(script)) - 1]
            return np.full(w.n, posture_at(rung), np.int8), np.full(w.n, rung, w.rung.dtype)

    return Scripted


def run_script(script, n=4, **overrides) -> EscalationModel:
    classes = tuple(scripted(script) if cls is Azerbaijan else cls for cls in ACTOR_ORDER)
    return EscalationModel(
        params(n, **{**CALM, **overrides}),
        Start(),
        len(script),
        np.random.default_rng(4),
        actor_classes=classes,
    ).run()


def test_learn_resolve_counts_impositions_and_unpunished_ends():
    a, b = np.full(5, 2.0), np.full(5, 3.0)
    imposed = np.array([True, False, False, False, True])
    ended = np.array([False, True, True, False, True])
    sanctioned = np.array([True, False, True, False, True])
    new_a, new_b = azerbaijan.learn_resolve(a, b, imposed, ended, sanctioned)
    np.testing.assert_array_equal(new_a, [3, 2, 2, 2, 3])
    # An end under sanctions standing is not "unpunished"; no end, nothing learned.
    np.testing.assert_array_equal(new_b, [3, 4, 3, 3, 3])


def test_learn_trust_counts_help_and_silence_at_each_end():
    a, b = np.full(4, 1.2), np.full(4, 2.8)
    ended = np.array([True, True, False, True])
    level = np.array(
        [
            CstoResponse.MILITARY,
            CstoResponse.MONITORING_MISSION,
            CstoResponse.NONE,
            CstoResponse.NONE,
        ]
    )
    new_a, new_b = armenia.learn_trust(a, b, ended, level)
    np.testing.assert_allclose(new_a, [2.2, 1.2, 1.2, 1.2])
    # Short of force, an answer is not help: a mission counts as silence.
    np.testing.assert_allclose(new_b, [2.8, 3.8, 2.8, 3.8])


def test_priors_come_from_the_parameters():
    v = views(
        1,
        usa_eu__sanctions_credibility=0.3,
        azerbaijan__belief_strength=10.0,
        armenia__csto_appeal=0.25,
        armenia__trust_strength=8.0,
    )
    np.testing.assert_allclose(azerbaijan.resolve_prior(v.azerbaijan, v.usa_eu), [[3.0], [7.0]])
    np.testing.assert_allclose(armenia.trust_prior(v.armenia), [[2.0], [6.0]])
    m = EscalationModel(params(3), Start(), 5, np.random.default_rng(0))
    # Defaults: resolve 0.6 x 4, trust 0.3 x 4; the beliefs' means are the priors' means.
    np.testing.assert_allclose(m.world.resolve_a, 2.4)
    np.testing.assert_allclose(m.world.resolve_b, 1.6)
    np.testing.assert_allclose(m.world.trust_belief(), 0.3)
    np.testing.assert_allclose(m.world.resolve_belief(), 0.6)


def test_an_unpunished_operation_lowers_bakus_belief_in_western_resolve():
    """An incursion in week 1, called off in week 2, no sanctions: one unpunished end,
    the belief falls from 2.4 / 4 to 2.4 / 5 (Schelling's salami tactics)."""
    m = run_script([3, 1, 1], **NEVER)
    assert not m.world.sanctioned.any()
    np.testing.assert_allclose(m.world.resolve_belief(), 2.4 / 5)


def test_an_imposition_raises_it():
    """The West sanctions the incursion in week 1 (a + 1); its end in week 2 comes with
    sanctions standing, so it is not unpunished: 3.4 / 5."""
    m = run_script([3, 1, 1], **ALWAYS)
    assert m.world.ever_sanctioned.all()
    np.testing.assert_allclose(m.world.resolve_belief(), 3.4 / 5)


def test_a_lower_belief_makes_fighting_look_better_to_baku():
    """Baku's expected sanctions cost reads its belief: after an unpunished end its
    utility of every rung the West may sanction (an operation) rises, and of rhetoric
    and a border clash (no sanctions on the table) stays."""
    v = views(1)
    before = _utilities(v, resolve_b=1.6)
    after = _utilities(v, resolve_b=2.6)
    assert np.all(after[3:] > before[3:])
    np.testing.assert_allclose(after[:3], before[:3], rtol=1e-12)


def _utilities(v, **state):
    from tests.helpers import bakus_utilities, world

    w = world(v)
    for name, value in state.items():
        setattr(w, name, np.array([value]))
    return bakus_utilities(v, w)[:, 0]


def test_an_operation_left_unanswered_lowers_armenias_trust():
    """Two incursions, each ended with no CSTO force: trust 1.2 / 4 -> 1.2 / 6."""
    m = run_script([3, 1, 3, 1, 1], **NEVER)
    assert np.all(m.world.csto_level < CstoResponse.MILITARY)
    np.testing.assert_allclose(m.world.trust_a, 1.2)
    np.testing.assert_allclose(m.world.trust_b, 2.8 + 2)
    np.testing.assert_allclose(m.world.trust_belief(), 1.2 / 6)


def test_a_clash_is_not_an_episode_to_learn_from():
    m = run_script([2, 1, 2, 1], **NEVER)
    np.testing.assert_allclose(m.world.resolve_belief(), 0.6)
    np.testing.assert_allclose(m.world.trust_belief(), 0.3)


def test_update_parameters_resets_a_belief_when_its_prior_changes():
    m = run_script([3, 1, 3, 1], n=6, **NEVER)
    w = m.world
    w.active[:2] = False  # two worlds have ended: left alone
    moved = (w.resolve_a.copy(), w.resolve_b.copy(), w.trust_a.copy(), w.trust_b.copy())
    assert np.all(moved[1] == 1.6 + 2) and np.all(moved[3] == 2.8 + 2)
    # A change to another parameter leaves both beliefs as learned.
    m.update_parameters({"russia.push": 3.0})
    for got, kept in zip((w.resolve_a, w.resolve_b, w.trust_a, w.trust_b), moved, strict=True):
        np.testing.assert_array_equal(got, kept)
    # The West's credibility is the prior of Baku's belief: it resets to 0.2 x 4, 0.8 x 4.
    m.update_parameters({"usa_eu.sanctions_credibility": 0.2})
    np.testing.assert_allclose(w.resolve_a[2:], 0.8)
    np.testing.assert_allclose(w.resolve_b[2:], 3.2)
    np.testing.assert_array_equal(w.resolve_b[:2], moved[1][:2])
    np.testing.assert_array_equal(w.trust_b, moved[3])  # the other belief is untouched
    # Its weight too; and Armenia's prior resets Armenia's trust.
    m.update_parameters({"azerbaijan.belief_strength": 10.0})
    np.testing.assert_allclose(w.resolve_a[2:], 2.0)
    m.update_parameters({"armenia.trust_strength": 10.0})
    np.testing.assert_allclose(w.trust_a[2:], 3.0)
    np.testing.assert_allclose(w.trust_b[2:], 7.0)
    np.testing.assert_array_equal(w.trust_b[:2], moved[3][:2])
    m.update_parameters({"armenia.csto_appeal": 0.5})
    np.testing.assert_allclose(w.trust_belief()[2:], 0.5)
