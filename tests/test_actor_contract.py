"""The contract every actor passes (Axelrod-style shared test base): a thin Mesa agent
over pure rules in its own module, whose parameters are a typed view that matches the
registry, and whose decision is a hook a subclass can replace while the bookkeeping
stays."""

import inspect
import re
import sys
from dataclasses import fields

import mesa
import numpy as np
import pytest

from sim.actors import ACTOR_ORDER, PARAMETERS, Views
from sim.state import WorldState
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
    return EscalationModel(params(n, **kwargs), start, 52, np.random.default_rng(seed),
                           actor_classes=classes)


@pytest.mark.parametrize("cls", ACTORS)
def test_is_a_mesa_agent_in_the_model(cls):
    m = model(10)
    assert issubclass(cls, mesa.Agent)
    assert sum(isinstance(a, cls) for a in m.agents) == 1
    assert cls.label and cls.decides and all(f in WorldState.__dataclass_fields__
                                              for f in cls.decides)


@pytest.mark.parametrize("cls", ACTORS)
def test_rules_are_pure_documented_and_cited(cls):
    module = _module(cls)
    assert "seed" in (module.__doc__ or "").lower()
    public = [f for name, f in inspect.getmembers(module, inspect.isfunction)
              if f.__module__ == module.__name__ and not name.startswith("_")]
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
NONE_AT_ALL = {"russia__corridor_swoop": 0.0, "russia__destabilisation": 0.0,
               "armenia__minsk_concession_rate": 0.0, "armenia__constitution_reform_rate": 0.0,
               "csto__obligation_strength": 0.0, "csto__statement_propensity": 0.0,
               "usa_eu__sanctions_credibility": 0.0, "world__spillover_hazard": 0.0,
               "azerbaijan__sign_propensity": 0.0}
ALL_CERTAIN = {**{k: 1.0 for k in NONE_AT_ALL}, "armenia__minsk_concession_rate": 0.5,
               "armenia__constitution_reform_rate": 0.5, "world__spillover_hazard": 0.5}


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
