"""Resampling worlds (issue 17, item 1): every per-world array moves together.

The contract test finds the per-world arrays of a model by its own walk (any NumPy
array whose last axis has length n, on the model, its world state and each agent,
inside dicts, lists, tuples and dataclasses), independently of :mod:`sim.worlds`, so a
new array an actor keeps is checked without anyone listing it.
"""

import dataclasses

import mesa
import numpy as np
import pytest

from sim.model import EscalationModel
from sim.package_data import baseline_scenario
from sim.scenario import load_scenario

N = 24
MESA_OWN = set(vars(mesa.Model(rng=0))) | set(vars(mesa.Agent(mesa.Model(rng=0))))


def per_world_arrays(obj, n: int, path: str = "", seen=None) -> dict[str, np.ndarray]:
    """path -> array for every array with last axis n reachable from ``obj``."""
    seen = set() if seen is None else seen
    out: dict[str, np.ndarray] = {}
    if isinstance(obj, np.ndarray):  # an array shared by two paths is listed under both
        if obj.ndim and obj.shape[-1] == n:
            out[path] = obj
        return out
    if id(obj) in seen:
        return {}
    seen.add(id(obj))
    if isinstance(obj, dict):
        items = [(f"{path}[{k!r}]", v) for k, v in obj.items()]
    elif isinstance(obj, list | tuple):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        items = [(f"{path}.{f.name}", getattr(obj, f.name)) for f in dataclasses.fields(obj)]
    elif isinstance(obj, mesa.Agent | mesa.Model):
        items = [
            (f"{path}.{k}", v)
            for k, v in vars(obj).items()
            if k not in MESA_OWN and k not in ("datacollector", "model", "actors")
        ]
    else:
        return out
    for sub, value in items:
        out.update(per_world_arrays(value, n, sub, seen))
    return out


def model_arrays(model) -> dict[str, np.ndarray]:
    out = per_world_arrays(model, model.n_worlds, "model")
    for actor in model.actors:
        out.update(per_world_arrays(actor, model.n_worlds, type(actor).__name__))
    return out


def stepped_model(weeks: int = 30, seed: int = 3) -> EscalationModel:
    scenario = load_scenario(baseline_scenario())
    params = scenario.sample(np.random.SeedSequence(seed), N)
    model = EscalationModel(params, scenario.initial, 400, np.random.default_rng(seed))
    for _ in range(weeks):
        model.step()
    return model


def test_contract_every_per_world_array_moves():
    model = stepped_model()
    before = {k: v.copy() for k, v in model_arrays(model).items()}
    # The walk sees the state, the parameters, their views and what agents keep.
    assert any(k.startswith("model.world.") for k in before)
    assert any(k.startswith("model.params") for k in before)
    assert any(k.startswith("model.views.") for k in before)
    assert any(k.startswith("Russia.has_spoiled") for k in before)
    assert any(k.startswith("Azerbaijan.utilities") for k in before)
    idx = np.random.default_rng(0).integers(0, N, N)
    model.resample(idx)
    after = model_arrays(model)
    assert set(after) == set(before), "resampling dropped or added a per-world array"
    for key, old in before.items():
        np.testing.assert_array_equal(after[key], old[..., idx], err_msg=f"{key} not resampled")


def test_contract_catches_a_new_array_an_actor_keeps():
    """A per-world array an actor adds (here by hand) moves without being listed."""
    model = stepped_model(5)
    russia = next(a for a in model.actors if type(a).__name__ == "Russia")
    russia.new_memory = {"weeks": [np.arange(N) * 1.5]}
    idx = np.arange(N)[::-1]
    model.resample(idx)
    np.testing.assert_array_equal(russia.new_memory["weeks"][0], (np.arange(N) * 1.5)[idx])


def test_resampled_copies_then_draw_their_own_numbers():
    model = stepped_model(10)
    model.resample(np.zeros(N, dtype=int))  # every world a copy of world 0
    assert (model.world.rung == model.world.rung[0]).all()
    for _ in range(40):
        model.step()
    assert len(np.unique(model.world.rung)) > 1 or len(np.unique(model.world.resolve_a)) > 1


def test_resampled_world_continues_like_the_original():
    """A world moved to another position keeps its parameters and state: the same
    decisions given the same draws. With the identity permutation nothing changes."""
    a, b = stepped_model(12, seed=9), stepped_model(12, seed=9)
    b.resample(np.arange(N))
    for _ in range(20):
        a.step()
        b.step()
    for key, arr in model_arrays(a).items():
        np.testing.assert_array_equal(model_arrays(b)[key], arr, err_msg=key)


def test_fork_is_independent_and_equal():
    model = stepped_model(15)
    fork = model.fork(np.random.default_rng(1), 10)
    for key, arr in model_arrays(model).items():
        np.testing.assert_array_equal(model_arrays(fork)[key], arr, err_msg=key)
    before = model.world.rung.copy()
    for _ in range(10):
        fork.step()
    np.testing.assert_array_equal(model.world.rung, before)
    assert fork.world.week == model.world.week + 10


def test_resample_refuses_blocks():
    scenario = load_scenario(baseline_scenario())
    params = scenario.sample(np.random.SeedSequence(0), N)
    model = EscalationModel(params, scenario.initial, 10, np.random.default_rng(0), blocks=2)
    with pytest.raises(ValueError, match="blocks"):
        model.resample(np.arange(N))


def test_world_state_take():
    model = stepped_model(8)
    idx = np.array([3, 3, 0])
    taken = model.world.take(idx)
    assert taken.n == 3 and taken.week == model.world.week
    np.testing.assert_array_equal(taken.run_weeks, model.world.run_weeks[:, idx])
