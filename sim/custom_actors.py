"""Custom actors in runs, sweeps and the dashboard: a subclass of a shipped actor with
its own ``decide()`` (notebook 05) takes that actor's place in the weekly order.

A scenario carries its custom classes (``Scenario.with_actors``; ``sim.run(...,
actor_classes=[...])``), so every path that builds a model from a scenario
(``sim.montecarlo.build_model``: runs, the spread pass, sweeps, the dashboard's world)
uses them. A class reaches a worker process by reference (module and name), so it must
be defined at the top level of a module (or of the script being run). From the command
line a class is named as ``module:Class`` (``escsim dashboard --actors mymod:Capped``).
"""

import importlib
import os

from sim.actors import ACTOR_ORDER
from sim.actors.base import Actor

# ``escsim dashboard --actors`` hands its classes to the Solara app through this variable
# (the app runs in a process of its own): comma-separated ``module:Class``.
ACTORS_ENV = "ESCSIM_ACTORS"


def actor_order(custom: tuple[type, ...] = ()) -> tuple[type[Actor], ...]:
    """:data:`sim.actors.ACTOR_ORDER` with each custom class in the place of the shipped
    actor it subclasses. TypeError for a class that subclasses none, ValueError for two
    classes replacing the same actor."""
    if not custom:
        return ACTOR_ORDER
    order = list(ACTOR_ORDER)
    replaced: dict[type, type] = {}
    for cls in custom:
        base = next((a for a in ACTOR_ORDER if isinstance(cls, type) and issubclass(cls, a)), None)
        if base is None:
            shipped = ", ".join(f"{a.__module__}.{a.__name__}" for a in ACTOR_ORDER)
            raise TypeError(
                f"{cls!r} is not a subclass of a shipped actor; subclass one of: {shipped}"
            )
        if base in replaced and replaced[base] is not cls:
            raise ValueError(
                f"{replaced[base].__name__} and {cls.__name__} both replace {base.__name__}: "
                "pass one class per actor"
            )
        replaced[base] = cls
        order[ACTOR_ORDER.index(base)] = cls
    return tuple(order)


def load_actor_class(text: str) -> type:
    """The class ``module:Class`` names (the module is imported as on the command line:
    the current directory is on the path). ValueError with what went wrong."""
    import sys

    module_name, sep, name = text.partition(":")
    if not sep or not module_name or not name:
        raise ValueError(f"expected module:Class (e.g. my_rules:CappedAzerbaijan), got {text!r}")
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise ValueError(f"{text}: cannot import {module_name!r} ({err})") from None
    cls = getattr(module, name, None)
    if cls is None:
        raise ValueError(f"{text}: module {module_name!r} has no {name!r}")
    actor_order((cls,))  # a TypeError if it replaces no actor
    return cls


def actors_from_env() -> tuple[type, ...]:
    """The classes named in ``$ESCSIM_ACTORS`` (set by ``escsim dashboard --actors``)."""
    text = os.environ.get(ACTORS_ENV, "").strip()
    return tuple(load_actor_class(t.strip()) for t in text.split(",") if t.strip())
