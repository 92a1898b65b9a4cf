"""The contract every actor passes (Axelrod-style shared test base): a thin Mesa agent
over pure rules in its own module, whose parameters are a typed view that matches the
registry, whose decision is a hook a subclass can replace while the bookkeeping
stays, and which declares every state field it writes and every per-world array it
holds."""

import inspect
import re
import sys
from dataclasses import fields

import mesa
import numpy as np
import pytest

from sim.actors import ACTOR_ORDER, PARAMETERS, Views
from sim.actors.csto import Csto
from sim.actors.turkey import Turkey
from sim.state import WorldState
from tests.conftest import SIM
from tests.helpers import Start, model

ACTORS = [pytest.param(cls, id=cls.__name__) for cls in ACTOR_ORDER]


def _module(cls):
    return sys.modules[cls.__module__]


def _snapshot(w: WorldState) -> dict:
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(w).items()}


def _agent(m, cls):
    return next(a for a in m.actors if isinstance(a, cls))


def _with_classes(n, seed, replace: dict, **kwargs):
    """A model whose agents are ACTOR_ORDER with some classes replaced."""
    from sim.model import EscalationModel
    from tests.helpers import params

    classes = tuple(replace.get(cls, cls) for cls in ACTOR_ORDER)
    start = kwargs.pop("start", Start())
    return EscalationModel(
        params(n, **kwargs), start, 52, np.random.default_rng(seed), actor_classes=classes
    )


@pytest.mark.parametrize("cls", ACTORS)
def test_is_a_mesa_agent_in_the_model(cls):
    m = model(10)
    assert issubclass(cls, mesa.Agent)
    assert sum(isinstance(a, cls) for a in m.agents) == 1
    assert (
        cls.label and cls.decides and all(f in WorldState.__dataclass_fields__ for f in cls.decides)
    )


@pytest.mark.parametrize("cls", ACTORS)
def test_rules_are_pure_documented_and_cited(cls):
    module = _module(cls)
    assert "seed" in (module.__doc__ or "").lower()
    public = [
        f
        for name, f in inspect.getmembers(module, inspect.isfunction)
        if f.__module__ == module.__name__ and not name.startswith("_")
    ]
    assert public, "an actor module has at least one rule"
    for f in public:
        # Rules are functions of arrays and typed views: no Mesa, no model, no agent.
        source = inspect.getsource(f)
        assert not re.search(r"\b(mesa|model|self)\b", source), f.__name__
        doc = f.__doc__ or ""
        assert doc, f"{f.__name__} has no docstring"
        # A rule says which argument it encodes: a seed article, DOMAIN.md, or a
        # marked modelling assumption.
        assert any(w in doc.lower() for w in ("seed", "domain.md", "assumption")), f.__name__
    for spec in module.PARAMS:
        assert spec.actor == cls.actor


@pytest.mark.parametrize("cls", ACTORS)
def test_typed_view_matches_the_registry(cls):
    """The view's fields are the registry's names for this actor, in one order; every
    registry entry has a view field (the fields are where the specs come from, and this
    checks nothing is lost on the way to the registry)."""
    view = _module(cls).Params
    names = [f.name for f in fields(view)]
    assert names == [s.name for s in PARAMETERS if s.actor == cls.actor]
    assert view.actor == cls.actor


def test_every_registry_entry_has_a_typed_view():
    views = {f.name: f.type for f in fields(Views)}
    assert {s.actor for s in PARAMETERS} == set(views) == {c.actor for c in ACTOR_ORDER}
    in_views = {f"{actor}.{f.name}" for actor, view in views.items() for f in fields(view)}
    assert in_views == {s.key for s in PARAMETERS}


@pytest.mark.parametrize("cls", ACTORS)
def test_the_models_view_of_its_parameters_is_typed_and_shared(cls):
    m = model(7, russia__push=2.5)
    view = getattr(m.views, cls.actor)
    assert isinstance(view, _module(cls).Params)
    for f in fields(view):
        value = getattr(view, f.name)
        assert value.shape == (7,)
        assert value is m.params[f"{cls.actor}.{f.name}"]  # shared, not copied
    assert m.views.russia.push[0] == 2.5


@pytest.mark.parametrize("cls", ACTORS)
def test_step_keeps_shapes_and_types(cls):
    m = model(64, seed=2)
    m.step()
    agent = _agent(m, cls)
    before = _snapshot(m.world)
    agent.step()
    for name, old in before.items():
        new = getattr(m.world, name)
        if isinstance(old, np.ndarray):
            assert new.shape == old.shape and new.dtype == old.dtype, name


@pytest.mark.parametrize("cls", ACTORS)
def test_ended_worlds_are_left_alone(cls):
    m = model(200, seed=3, start=Start(rung=3))
    w = m.world
    w.active[:100] = False
    w.treaty[:100] = True
    agent = _agent(m, cls)
    before = _snapshot(w)
    for _ in range(5):
        agent.step()
    for name, old in before.items():
        if isinstance(old, np.ndarray):
            np.testing.assert_array_equal(getattr(w, name)[..., :100], old[..., :100], name)


@pytest.mark.parametrize("cls", ACTORS)
def test_draws_the_same_numbers_whatever_the_state(cls):
    """Each actor consumes a fixed count of draws per week, so worlds' random streams
    stay aligned across scenarios (common random numbers)."""
    states = []
    for rung in (0, 5):
        m = model(50, seed=4, start=Start(rung=rung))
        agent = _agent(m, cls)
        agent.step()
        states.append(m.rng.bit_generator.state["state"]["state"])
    assert states[0] == states[1]


# Every probability at 0, then at 1: the draws are taken even where they decide nothing.
NONE_AT_ALL = {
    "russia__corridor_swoop": 0.0,
    "russia__destabilisation": 0.0,
    "armenia__minsk_concession_rate": 0.0,
    "armenia__constitution_reform_rate": 0.0,
    "csto__obligation_strength": 0.0,
    "csto__statement_propensity": 0.0,
    "usa_eu__sanctions_credibility": 0.0,
    "world__spillover_hazard": 0.0,
    "azerbaijan__sign_propensity": 0.0,
}
ALL_CERTAIN = {
    **{k: 1.0 for k in NONE_AT_ALL},
    "armenia__minsk_concession_rate": 0.5,
    "armenia__constitution_reform_rate": 0.5,
    "world__spillover_hazard": 0.5,
}


@pytest.mark.parametrize("boundary", [NONE_AT_ALL, ALL_CERTAIN], ids=["p0", "p1"])
@pytest.mark.parametrize("cls", ACTORS)
def test_draws_exactly_its_arrays_at_boundary_parameters(cls, boundary):
    """An actor's week takes exactly ``draws_per_week`` arrays of n uniforms, even where
    a probability of 0 or 1 makes the outcome certain."""
    m = model(40, seed=5, start=Start(rung=4), **boundary)
    twin = np.random.default_rng()
    twin.bit_generator.state = m.rng.bit_generator.state
    agent = _agent(m, cls)
    agent.step()
    twin.random((cls.draws_per_week, 40))
    assert m.rng.bit_generator.state == twin.bit_generator.state


@pytest.mark.parametrize("cls", ACTORS)
def test_same_generator_state_same_decision(cls):
    results = []
    for _ in range(2):
        m = model(300, seed=12)
        m.step()
        _agent(m, cls).step()
        results.append(_snapshot(m.world))
    for name, value in results[0].items():
        np.testing.assert_array_equal(value, results[1][name], name)


# The override hook.


@pytest.mark.parametrize("cls", ACTORS)
def test_decide_is_the_hook_on_the_path(cls):
    """A subclass that overrides ``decide`` (and calls the usual rule) is called once per
    week and changes nothing: the model's weeks go through the hook."""
    calls = []

    class Watched(cls):
        def decide(self, w, v, u):
            calls.append(w.week)
            return super().decide(w, v, u)

    usual = model(500, seed=21, horizon=10).run()
    hooked = _with_classes(500, 21, {cls: Watched})
    hooked.horizon_weeks = 10
    hooked.run()
    assert calls == list(range(1, 11))
    for name, value in _snapshot(usual.world).items():
        np.testing.assert_array_equal(value, getattr(hooked.world, name), name)


def _replacement(old: np.ndarray) -> np.ndarray:
    """Another decision of the same type: flipped flags, one level up, another stance."""
    if old.dtype == bool:
        return ~old
    if np.issubdtype(old.dtype, np.integer):
        return np.minimum(old + 1, 3).astype(old.dtype)
    return old * 0.5 - 0.1


@pytest.mark.parametrize("cls", ACTORS)
def test_replacing_the_decision_keeps_the_bookkeeping(cls):
    """A subclass's own decision is applied to running worlds only, the week's draws are
    still taken, and what changed is still recorded for narration."""

    class Replaced(cls):
        def decide(self, w, v, u):
            return tuple(_replacement(getattr(w, f)) for f in self.decides)

    n = 100
    m = _with_classes(n, 31, {cls: Replaced}, start=Start(rung=2))
    plain = model(n, seed=31, start=Start(rung=2))
    for each in (m, plain):
        each.world.active[:40] = False
    before = _snapshot(m.world)
    agent = _agent(m, Replaced)
    agent.step()
    _agent(plain, cls).step()
    assert m.rng.bit_generator.state == plain.rng.bit_generator.state
    running = m.world.active
    for f in cls.decides:
        new, old = getattr(m.world, f), before[f]
        np.testing.assert_array_equal(new[running], _replacement(old)[running], f)
        np.testing.assert_array_equal(new[~running], old[~running], f)
    assert set(agent.last) == set(_agent(plain, cls).last)


# Every write declared: ``decides`` (the decision), ``writes`` (its consequences),
# ``learns`` (beliefs). Checked on a random state, where every path of every rule runs.

# Ranges of the fields that are not flags or shares; the rest are drawn by type (flags
# half the time, integers 0..5, floats in [0, 1]), so a new field is covered unasked.
RANGES = {
    "first_clash_week": (-1, 10),
    "quiet_weeks": (0, 30),
    "csto_level": (0, 2),
    "op_end": (0, 3),
    "ops_ended": (0, 2),
    "occupied_km2": (0.0, 500.0),
    "op_km2": (0.0, 350.0),
    "resolve_a": (0.5, 5.0),
    "resolve_b": (0.5, 5.0),
    "trust_a": (0.5, 5.0),
    "trust_b": (0.5, 5.0),
    "turkey_stance": (-1, 1),
}


def random_model(n: int, seed: int, replace: dict | None = None):
    """A model whose parameters (uniform in their ranges, per world) and state (every
    field at random, a fifth of the worlds ended) are drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    m = _with_classes(n, seed, replace or {})
    m.update_parameters({s.key: rng.uniform(s.low, s.high, n) for s in PARAMETERS})
    w = m.world
    for name, old in vars(w).items():
        if not isinstance(old, np.ndarray):
            continue
        if old.dtype == bool:
            new = rng.random(old.shape) < 0.5
        elif np.issubdtype(old.dtype, np.integer) or name == "turkey_stance":
            low, high = RANGES.get(name, (0, 5))
            new = rng.integers(low, high + 1, old.shape)
        else:
            new = rng.uniform(*RANGES.get(name, (0.0, 1.0)), old.shape)
        setattr(w, name, new.astype(old.dtype))
    w.active = rng.random(n) < 0.8
    w.week = 5
    return m


def written(w: WorldState, act) -> set[str]:
    """The WorldState fields ``act()`` changes in any world (in place or replaced)."""
    before = _snapshot(w)
    act()
    return {
        name
        for name, old in before.items()
        if not np.array_equal(np.asarray(old), np.asarray(getattr(w, name)))
    }


def _week_of_writes(replace: dict | None = None, n: int = 20_000, seed: int = 41):
    """Each agent's writes in one week on a random state: {class name: (written by its
    act, written by its learn)}, acting in order, then learning, as the model does."""
    m = random_model(n, seed, replace)
    w = m.world
    acts = {type(a).__name__: written(w, a.step) for a in m.actors}
    ended = (np.random.default_rng(seed).random(n) < 0.5) & w.active
    learns = {
        type(a).__name__: written(w, lambda a=a: a.learn(w, m.views, ended)) for a in m.actors
    }
    return {name: (acts[name], learns[name]) for name in acts}


@pytest.fixture(scope="module")
def week_of_writes():
    return _week_of_writes()


@pytest.mark.parametrize("cls", ACTORS)
def test_every_field_an_actor_writes_is_declared(cls, week_of_writes):
    """What an actor's week changes is exactly what it declares: the decision and its
    consequences (``decides`` + ``writes``), then its learning (``learns``). Exactly: a
    declared field no path writes would be a stale declaration."""
    acts, learns = week_of_writes[cls.__name__]
    declared = set(cls.decides) | set(cls.writes)
    assert not acts - declared, f"{cls.__name__} writes {acts - declared} undeclared"
    assert acts == declared, f"{cls.__name__} declares {declared - acts} it never wrote"
    assert learns == set(cls.learns), cls.__name__
    fields = set(WorldState.__dataclass_fields__)
    assert declared | set(cls.learns) <= fields


class _PlantedTurkey(Turkey):
    """Turkey, with a consequence it does not declare: it stirs unrest."""

    def consequences(self, w, v, u, before):
        w.unrest = w.unrest | (w.active & (w.turkey_stance > 0))


class _PlantedCsto(Csto):
    """The CSTO, whose decision also counts calm weeks, in place (undeclared)."""

    def decide(self, w, v, u):
        w.quiet_weeks += 1
        return super().decide(w, v, u)


@pytest.mark.parametrize(
    "planted, field", [(_PlantedTurkey, "unrest"), (_PlantedCsto, "quiet_weeks")]
)
def test_a_planted_undeclared_write_is_caught(planted, field):
    """The check above fails on an actor that writes a field it does not declare,
    whether it replaces the array (a consequence) or changes it in place (a decision)."""
    (base,) = planted.__bases__
    acts, _ = _week_of_writes({base: planted}, n=2_000)[planted.__name__]
    assert acts - set(planted.decides) - set(planted.writes) == {field}


def test_a_week_of_the_model_writes_only_declared_fields():
    """Besides the actors, only the end of the week writes: the episode bookkeeping
    (``sim.operations.CLOSES``), which worlds still run, and the week."""
    from sim.operations import CLOSES

    m = random_model(5_000, seed=43)
    declared = {f for cls in ACTOR_ORDER for f in (*cls.decides, *cls.writes, *cls.learns)}
    assert written(m.world, m.step) <= declared | set(CLOSES) | {"active", "week"}


# Per-world arrays held by the agents themselves, for anything that must move them with
# the worlds (a resampling filter): every one is declared, in ``keeps`` (they last from
# week to week) or ``scratch`` (rebuilt each week before they are read).


@pytest.mark.parametrize("cls", ACTORS)
def test_per_world_arrays_on_an_agent_are_declared(cls):
    n = 30
    m = model(n, seed=6, start=Start(rung=3))
    for _ in range(3):
        m.step()
    agent = _agent(m, cls)
    held = {
        name
        for name, value in vars(agent).items()
        if isinstance(value, np.ndarray) and value.shape[-1:] == (n,)
    }
    assert held == set(cls.keeps) | set(cls.scratch), cls.__name__
    assert not set(cls.keeps) & set(cls.scratch)
    assert all(np.shape(value)[-1:] == (n,) for value in agent.last.values())


def test_resampling_carries_what_an_agent_keeps_with_its_worlds():
    """Russia's memory of its spoiling (narration) and last week's record follow the
    worlds chosen by a resampling of the model (sim.worlds finds them)."""
    from sim.actors.russia import Russia

    m = model(6, seed=8)
    agent = _agent(m, Russia)
    agent.has_spoiled = np.array([True, False, True, False, False, True])
    agent.last = {"spoiling": agent.has_spoiled.copy()}
    idx = np.array([5, 5, 1, 0, 3, 2])
    m.resample(idx)
    np.testing.assert_array_equal(agent.has_spoiled, [True, True, False, True, False, True])
    np.testing.assert_array_equal(agent.last["spoiling"], agent.has_spoiled)


# Russia owns its push: Baku reads it from Russia's module every week.


def test_changing_how_russia_pushes_touches_russias_module_only(monkeypatch):
    """A Russia that pushes only where pro-Russian unrest has broken out, put in place
    of ``russia.push_on_baku`` and nowhere else, moves Baku's utilities the same week,
    world by world, and again when the state changes: nothing else caches the push."""
    from sim.actors import russia
    from sim.actors.azerbaijan import Azerbaijan

    m = model(2, seed=9, russia__push=4.0)
    w, baku = m.world, _agent(m, Azerbaijan)
    w.unrest = np.array([True, False])

    def utilities():
        baku.observe(w, m.views, np.zeros((3, 2)))
        return baku.utilities.copy()

    usual = utilities()
    monkeypatch.setattr(
        russia, "push_on_baku", lambda ru, w: ru.push * russia.PUSH_PROFILE[:, None] * w.unrest
    )
    pushed_in_unrest = utilities()
    np.testing.assert_array_equal(pushed_in_unrest[:, 0], usual[:, 0])
    np.testing.assert_allclose(
        usual[:, 1] - pushed_in_unrest[:, 1], 4.0 * russia.PUSH_PROFILE, atol=1e-12
    )
    w.unrest = np.array([True, True])
    np.testing.assert_array_equal(utilities(), usual)


def test_only_russias_module_reads_the_push():
    """No other module in sim/ reads the ``push`` parameter or its profile: the rule
    is Russia's alone (parameter keys written as strings, e.g. in the dashboard, are
    names, not reads)."""
    import ast

    sim = SIM
    readers = set()
    for path in sim.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("push", "PUSH_PROFILE")
                or isinstance(node, ast.Name)
                and node.id == "PUSH_PROFILE"
            ):
                readers.add(path.relative_to(sim).as_posix())
    assert readers == {"actors/russia.py"}
