"""The classroom's engine, headless: one world of the Monte Carlo run rebuilt under
common random numbers, each role played through its adapter, the run's distribution and
where a history falls in it, the session's checks and the web app's answers to bad input.
(The browser and the server's signals: tests/test_classroom_browser.py.)"""

from dataclasses import replace

import numpy as np
import pytest

from sim.actors import posture
from sim.actors.choice import logit_probabilities
from sim.classroom.baku import SIDE, move_chances
from sim.classroom.crn import WorldRef, build_world
from sim.classroom.distribution import QUANTITY_NAMES, run_distribution, world_values
from sim.classroom.engine import Game, replay
from sim.classroom.roles import ROLES, role
from sim.classroom.session import MAX_NAME, Session, clean_name
from sim.ladder import Rung
from sim.montecarlo import build_model, chunk_tasks, run_scenario
from sim.outcomes import OUTCOME_NAMES

SEED, WORLDS, CHUNK, HORIZON = 11, 300, 100, 16


@pytest.fixture(scope="module")
def short(baseline):
    """The baseline over 16 weeks: short games keep these tests fast."""
    return replace(baseline, horizon_weeks=HORIZON)


@pytest.fixture(scope="module")
def run_worlds(short):
    """Every world of the run of 300 worlds in chunks of 100, as escsim run makes them:
    (outcomes (n_outcomes, 300), occupied km² (300,))."""
    models = [build_model(t).run() for t in chunk_tasks(short, WORLDS, SEED, HORIZON, CHUNK)]
    return (
        np.concatenate([m.outcome_indicators() for m in models], axis=1),
        np.concatenate([m.world.occupied_km2 for m in models]),
        np.concatenate([m.world.resolve_a for m in models]),
    )


def test_a_world_ref_names_its_chunk_and_column():
    ref = WorldRef(1, 250, 201, 100)
    assert (ref.chunk, ref.column, ref.width) == (2, 1, 50)  # the last chunk holds 50
    with pytest.raises(ValueError, match="not one of the run's 250"):
        WorldRef(1, 250, 250, 100)


@pytest.mark.parametrize("index", [0, 99, 100, 257, 299])
def test_one_world_rebuilt_alone_is_the_runs_world(short, run_worlds, index):
    """Common random numbers: world i rebuilt on its own (its chunk's parameter draws and
    weekly draws, its column) ends exactly as world i of the run did."""
    outcomes, km2, resolve_a = run_worlds
    model = build_world(short, WorldRef(SEED, WORLDS, index, CHUNK)).run()
    assert (model.outcome_indicators()[:, 0] == outcomes[:, index]).all()
    assert model.world.occupied_km2[0] == km2[index]  # exactly: the same floating-point path
    assert model.world.resolve_a[0] == resolve_a[index]


def play_as_rule(game: Game):
    while not game.position().finished:
        game.follow_rule()
    return game.position()


@pytest.mark.parametrize("index", [7, 163])  # two worlds, in two chunks
@pytest.mark.parametrize("key", list(ROLES))
def test_a_student_who_picks_the_rules_choice_replays_the_models_world(
    short, run_worlds, key, index
):
    """Each role played through its adapter, answering every turn as the rule picks with
    the week's draw, gives back the model's own world."""
    outcomes, km2, _ = run_worlds
    end = play_as_rule(Game(short, WorldRef(SEED, WORLDS, index, CHUNK), role(key)))
    assert (end.model.outcome_indicators()[:, 0] == outcomes[:, index]).all(), (key, index)
    assert end.model.world.occupied_km2[0] == km2[index]
    assert all(d.followed for d in end.decisions)
    assert len(end.weeks) <= HORIZON and end.decisions


def always(game: Game, pick):
    """Play ``game`` answering each question with ``pick(question)``."""
    while (turn := game.position().pending) is not None:
        game.answer({q.key: pick(q) for q in turn.questions})
    return game.position()


def test_a_baku_that_always_negotiates_never_fights(short):
    ref = WorldRef(SEED, WORLDS, 7, CHUNK)
    calm = always(Game(short, ref, role("baku")), lambda q: "0:0")  # talks, quiet
    values = dict(zip(OUTCOME_NAMES, world_values(calm.model, short)[0][:, 0], strict=True))
    assert not values["border_clash"] and calm.model.world.max_rung[0] <= Rung.TENSION


def test_a_baku_that_always_raids_takes_ground(short):
    ref = WorldRef(SEED, WORLDS, 7, CHUNK)
    raid = always(Game(short, ref, role("baku")), lambda q: "1:3")  # pressure, incursion
    values = dict(zip(OUTCOME_NAMES, world_values(raid.model, short)[0][:, 0], strict=True))
    assert values["limited_incursion"] and raid.model.world.occupied_km2[0] > 170


def test_the_west_that_always_sanctions_sanctions(short):
    """A West that imposes whenever asked has sanctions in force once Baku fights (world
    163 has a clash by the model's play: the West is asked at least once)."""
    ref = WorldRef(SEED, WORLDS, 163, CHUNK)
    end = always(Game(short, ref, role("west")), lambda q: "yes")
    asked = [d for d in end.decisions if d.answer is not None]
    assert asked and bool(end.model.world.ever_sanctioned[0])


def test_bakus_chances_are_its_rules_logit(short):
    """The chances shown for Baku (measured on choose_move over a grid of draws) are the
    rule's: the logit over postures (their values less the cost of changing) times the
    logit over the rungs the chosen posture allows, to within the grid's resolution."""
    # The first of these worlds outside an operation after a week (there the two logits
    # apply as stated; an operation's momentum is choose_event's own test).
    for index in range(5, 40):
        model = build_world(short, WorldRef(SEED, WORLDS, index, CHUNK))
        model.step()
        if model.world.start_rung[0] < 3:
            break
    baku = next(a for a in model.actors if a.actor == "azerbaijan")
    az, w = model.views.azerbaijan, model.world
    assert w.start_rung[0] < 3
    values = posture.posture_values(baku.utilities, az.decision_noise, az.buildup_cost)
    steps = np.abs(np.arange(3)[:, None] - w.posture[None, :])
    p_posture = logit_probabilities(values - az.posture_cost * steps, az.decision_noise)[:, 0]
    ready = w.buildup_weeks >= az.buildup_weeks
    expected = np.stack(
        [
            p_posture[k]
            * posture.event_probabilities(np.array([k]), ready, baku.utilities, az.decision_noise)[
                :, 0
            ]
            for k in range(3)
        ]
    )
    assert np.abs(move_chances(w, baku.utilities, az) - expected).max() <= 4.0 / SIDE


@pytest.mark.parametrize("key", list(ROLES))
def test_every_turn_offers_its_rules_pick_and_chances_that_sum_to_one(short, key):
    end = play_as_rule(Game(short, WorldRef(SEED, WORLDS, 163, CHUNK), role(key)))
    for d in end.decisions:
        for q in d.turn.questions:
            assert q.rule in q.keys
            assert sum(o.probability for o in q.options) == pytest.approx(1.0, abs=1e-9)
        assert d.turn.sees  # the actor always sees something


def test_an_answer_must_pick_one_offered_option_per_question(short):
    game = Game(short, WorldRef(SEED, WORLDS, 7, CHUNK), role("baku"))
    turn = game.position().pending
    assert turn is not None and [q.key for q in turn.questions] == ["move"]
    for bad in ({}, {"move": "1:6"}, {"move": "0:2"}, {"move": "1:2", "extra": "1"}):
        with pytest.raises(ValueError):
            game.answer(bad)
    for bad in ({"move": "../etc"}, {"rung": "2"}):
        with pytest.raises(ValueError):
            game.answer(bad)
    assert game.answers == []  # nothing kept from a refused answer
    game.answer({"move": "1:2"})  # pressure: a border clash
    assert game.position().weeks[0].rung == 2


def test_a_replay_with_too_many_answers_is_refused(short):
    ref = WorldRef(SEED, WORLDS, 7, CHUNK)
    answers = Game(short, ref, role("ankara"))
    end = play_as_rule(answers)
    with pytest.raises(ValueError, match="more answers"):
        replay(short, ref, role("ankara"), [*answers.answers, {"line": "+0"}])
    assert end.finished


def test_the_distribution_is_the_runs_and_places_a_history(short):
    """Its probabilities are escsim run's for the same scenario, seed and worlds; a
    history is placed by mid-rank percentile."""
    dist = run_distribution(short, WORLDS, SEED, CHUNK)
    run = run_scenario(short, WORLDS, SEED, chunk_size=CHUNK)
    for name in OUTCOME_NAMES:
        assert dist.estimate(name).k == run.estimate(name).k
    assert np.allclose(dist.state_shares().sum(axis=1), 1.0)
    # A history equal to world 5 of the run: the same outcomes as the model's world 5, and
    # each quantity's percentile is the mid-rank of its value.
    rows, qrows = dist.place(dist.outcomes[:, 5], dist.quantities[:, 5], 5)
    assert all(r.happened == r.model_world for r in rows)
    for j, q in enumerate(qrows):
        values = dist.quantities[j]
        below, equal = (values < q.value).mean(), (values == q.value).mean()
        assert q.percentile == pytest.approx(below + equal / 2)
        assert q.name == QUANTITY_NAMES[j] and q.n == WORLDS and q.p10 <= q.p50 <= q.p90


@pytest.mark.parametrize(
    "text", ["", "   ", "<script>", "a" * (MAX_NAME + 1), "x; rm -rf /", "{{7*7}}", "a\x00b"]
)
def test_a_bad_name_is_refused(text):
    with pytest.raises(ValueError):
        clean_name(text)


def test_a_name_is_kept_as_typed_with_spaces_collapsed():
    assert clean_name("  Anna-Maria   O'Neil ") == "Anna-Maria O'Neil"
    assert clean_name("Арам") == "Арам"


@pytest.fixture(scope="module")
def session(short):
    return Session(short, run_distribution(short, WORLDS, SEED, CHUNK), ("baku", "yerevan"))


def test_a_session_rotates_roles_and_checks_its_code(session):
    a, b, c = (session.join(n) for n in ("A", "B", "C"))
    assert [p.role.key for p in (a, b, c)] == ["baku", "yerevan", "baku"]
    assert session.matches(session.code.lower()) and not session.matches("NOPE")
    assert session.player(a.id) is a and session.player("../../x") is None
    assert a.game.ref == b.game.ref  # one world for the whole class by default


def test_a_session_lets_students_choose_only_its_roles(short, session):
    choose = Session(short, session.distribution, ("west", "moscow"), assign="choose")
    assert choose.join("D", "moscow").role.key == "moscow"
    with pytest.raises(ValueError, match="roles offered"):
        choose.join("E", "baku")
    with pytest.raises(ValueError, match="roles offered"):
        choose.join("F", None)
    spread = Session(short, session.distribution, ("west",), world=3, spread_worlds=True)
    assert [spread.join(n).game.ref.index for n in ("G", "H")] == [3, 4]


@pytest.mark.slow  # loads the scenario and the command line: about 0.9 s
def test_the_command_refuses_unknown_roles_and_a_world_outside_the_run(cli, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("classroom", "--roles", "baku,paris")
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "roles among baku, yerevan, moscow, ankara, west" in err
    code, _, err = cli("classroom", "--worlds", "100", "--world", "101", "--port", "0")
    assert code == 2 and "--world: must be from 1 to --worlds (100)" in err
