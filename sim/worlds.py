"""Moving per-world arrays: the generic part of resampling an ensemble of worlds.

A model holds its worlds as arrays whose last axis runs over the worlds (shape (n,) or
(k, n)): the world state, the parameters, and whatever an agent keeps between weeks
(Baku's utilities, Russia's ``has_spoiled``, the ``last`` dict narration reads).
Resampling (a particle filter) or forking (a forecast from a filtered ensemble) must
move every one of them together, including any an actor adds later. Rather than a
list each actor has to keep up to date, :func:`take_worlds` walks an object's
attributes and the simple containers inside them (dict, list, tuple, dataclass) and
takes every array whose last axis has length ``n``; the resampling contract test
(tests/test_resampling.py) finds them independently and fails if one is left behind.
"""

import dataclasses

import numpy as np


def take_worlds(value, idx: np.ndarray, n: int):
    """``value`` with every per-world array (last axis of length ``n``) replaced by its
    worlds ``idx`` (a copy), walking dicts, lists, tuples and dataclass instances;
    anything else is returned as it is."""
    if isinstance(value, np.ndarray):
        return value[..., idx].copy() if value.ndim and value.shape[-1] == n else value
    if isinstance(value, dict):
        return type(value)((k, take_worlds(v, idx, n)) for k, v in value.items())
    if isinstance(value, list | tuple) and not hasattr(value, "_fields"):
        return type(value)(take_worlds(v, idx, n) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: take_worlds(getattr(value, f.name), idx, n)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value


def take_attributes(obj, idx: np.ndarray, n: int, skip: frozenset[str] = frozenset()) -> None:
    """Replace, in place, every attribute of ``obj`` (but ``skip``) by
    :func:`take_worlds` of it."""
    for name, value in list(vars(obj).items()):
        if name not in skip:
            new = take_worlds(value, idx, n)
            if new is not value:
                setattr(obj, name, new)
