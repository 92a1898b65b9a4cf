"""One world in words: the narration reports what the state shows, in the actors' own
phrases and names, and one stepping function serves watch and the dashboard."""

import numpy as np

from sim.actors import ACTOR_ORDER
from sim.actors.azerbaijan import Azerbaijan
from sim.actors.usa_eu import UsEu
from sim.ladder import Posture, Rung
from sim.model import EscalationModel
from sim.narrate import Week, ending, is_over, narrate, step_world, week_events
from tests.helpers import FROZEN_LADDER, Start, model, params


def test_narration_matches_the_state_changes():
    m = model(1, seed=3, horizon=52, azerbaijan__territorial_ambition=12.0)
    rungs = [int(m.world.rung[0])]
    lines = []
    for line in narrate(m, quiet_weeks=True):
        lines.append(line)
        rungs.append(int(m.world.rung[0]))
    assert lines[0].startswith("Week 1: ")
    moves = 0
    for week, line in enumerate(lines, start=1):
        before, after = rungs[week - 1], rungs[week]
        if after > before:
            assert f"escalates to {Rung(after).label}" in line
            moves += 1
        elif after < before and "treaty" not in line:
            assert f"steps down to {Rung(after).label}" in line
            moves += 1
    assert moves > 0  # the case really exercises the phrases


def test_sanctions_and_csto_are_told():
    m = model(
        1,
        seed=1,
        horizon=30,
        start=Start(rung=4),
        usa_eu__sanctions_credibility=1.0,
        usa_eu__gas_dependence=0.0,
        csto__statement_propensity=1.0,
        armenia__csto_participation=1.0,  # a member that appeals: the CSTO answers
        **FROZEN_LADDER,
    )
    text = "\n".join(narrate(m))
    assert "the US/EU impose sanctions" in text
    assert "the CSTO issues a statement" in text
    assert m.world.sanctioned[0]


def test_quiet_week_has_no_events():
    m = model(
        1,
        seed=2,
        horizon=1,
        **FROZEN_LADDER,
        armenia__minsk_concession_rate=0.0,
        armenia__constitution_reform_rate=0.0,
    )
    week = step_world(m)
    assert week_events(m) == [] and week.quiet
    assert week.line() == "Week 1: quiet (Turkey stays neutral)"
    assert np.all(m.world.rung == 1)


def test_a_spreading_war_is_told_once_and_ends_the_story():
    m = model(
        1,
        seed=4,
        horizon=20,
        start=Start(rung=5),
        world__spillover_hazard=1.0,
        csto__obligation_strength=0.0,
        **FROZEN_LADDER,
    )
    week = step_world(m)
    assert "the war spreads to a third state: a regional war" in week.events
    assert week.ended and is_over(m)
    assert list(narrate(m)) == []  # nothing more to tell


def test_narration_names_actors_by_their_label():
    """Narration takes names from the agents: a subclass with another label is told
    under that name."""

    class Baku(Azerbaijan):
        label = "Baku"

    class West(UsEu):
        label = "the West"

    classes = tuple({Azerbaijan: Baku, UsEu: West}.get(c, c) for c in ACTOR_ORDER)
    p = params(1, usa_eu__sanctions_credibility=1.0, usa_eu__gas_dependence=0.0, **FROZEN_LADDER)
    m = EscalationModel(p, Start(rung=4), 30, np.random.default_rng(1), actor_classes=classes)
    text = "\n".join(narrate(m))
    assert "Baku keeps up the corridor offensive" in text
    assert "the West impose sanctions" in text
    assert "Azerbaijan" not in text and "US/EU" not in text


def test_step_world_is_what_watch_and_the_dashboard_print():
    """The same world told by narrate (watch) and by the dashboard's stepper is the same
    text, line for line, because both call step_world."""
    from sim.dashboard import logic
    from sim.dashboard.world import WorldStepper
    from sim.montecarlo import ChunkTask, build_model

    scenario = logic.load("baseline")
    stepper = WorldStepper(scenario, {}, seed=2)
    shown = []
    while not stepper.finished:
        shown.append(stepper.step())
    told = list(
        narrate(build_model(ChunkTask(scenario, 2, 0, 1, scenario.horizon_weeks)), quiet_weeks=True)
    )
    assert shown == told and len(told) >= 1


def test_week_line_format():
    assert Week(3, ("A does x", "B does y"), "calm", False).line() == "Week 3: A does x; B does y"
    assert Week(4, (), "calm", False).line() == "Week 4: quiet (calm)"


class StepsDown(Azerbaijan):
    """A Baku that always steps down to tension (the override hook, notebook 05)."""

    def decide(self, w, v, u):
        return np.full(w.n, Posture.PRESSURE, np.int8), np.ones_like(w.rung)


def test_a_withdrawal_is_told_once_with_what_both_sides_learned():
    """An incursion called off with no sanctions standing and no CSTO help: one phrase for
    the withdrawal, and the two Beta beliefs' moves, worked by hand: resolve 0.6 x 4 = 2.4
    of 4 prior counts, 2.4 / 5 = 48%; trust 0.3 x 4 = 1.2 of 4, 1.2 / 5 = 24%."""
    classes = tuple(StepsDown if c is Azerbaijan else c for c in ACTOR_ORDER)
    p = params(
        1,
        usa_eu__sanctions_credibility=0.6,
        azerbaijan__belief_strength=4.0,
        armenia__csto_appeal=0.3,
        armenia__trust_strength=4.0,
    )
    m = EscalationModel(p, Start(rung=3), 10, np.random.default_rng(1), actor_classes=classes)
    week = step_world(m)
    assert week.events[0] == "Azerbaijan calls off the limited incursion and steps down to tension"
    assert not any("steps down" in e for e in week.events[1:])
    assert week.learned == (
        "Baku's estimate of Western resolve falls to 48% from 60%",
        "Armenia's trust in the CSTO falls to 24% from 30%",
    )
    assert week.line().endswith(
        "(Baku's estimate of Western resolve falls to 48% from 60%; "
        "Armenia's trust in the CSTO falls to 24% from 30%)"
    )
    assert step_world(m).learned == ()  # nothing more to learn while it stays calm
    assert ending(m).endswith(
        "Baku's estimate of Western resolve 48%, Armenia's trust in the CSTO 24%"
    )


def test_a_bargained_treaty_is_told_offer_refusal_spoiler_and_signature():
    """Both conditions met: Baku offers every week (sign_propensity 1); Yerevan refuses at
    a negative peace value, and says why once Moscow works against the treaty (which is
    news only the first week, background after); at a positive value it signs."""
    met = Start(rung=0, minsk_group_dissolved=True, constitution_reformed=True)
    common = dict(
        azerbaijan__sign_propensity=1.0,
        russia__spoiler=6.0,
        russia__decision_noise=0.0,
        armenia__decision_noise=0.0,
    )
    m = model(1, seed=1, horizon=5, start=met, armenia__peace_value=-5.0, **common)
    first, second = step_world(m), step_world(m)
    assert first.events[:2] == (
        "Azerbaijan offers to sign the peace treaty",
        "Armenia turns the offer down",
    )
    assert "Russia starts working against the treaty" in first.events
    assert "Armenia turns the offer down under Russian pressure" in second.events
    assert not any(e.startswith("Russia") for e in second.events)
    assert "Russia works against the treaty" in second.mood
    m = model(1, seed=1, horizon=5, start=met, armenia__peace_value=10.0, **common)
    week = step_world(m)
    assert "Armenia accepts: the peace treaty is signed" in week.events and week.ended


def test_lifted_sanctions_are_told_with_the_lifting_condition():
    m = model(
        1,
        seed=1,
        horizon=10,
        start=Start(sanctions_imposed=True),
        usa_eu__lift_after_weeks=4.0,
        **FROZEN_LADDER,
    )
    weeks = [step_world(m) for _ in range(4)]
    assert "the US/EU lift their sanctions after 4 calm weeks" in weeks[3].events
    assert not any("lift" in e for w in weeks[:3] for e in w.events)
    assert not m.world.sanctioned[0]
