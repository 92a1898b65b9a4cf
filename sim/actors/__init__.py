"""The actors: one module per actor, each holding its whole behaviour.

``sim/actors/<actor>.py`` has, top to bottom: the actor's parameters (a typed view,
``Params``, whose fields are the parameter names used in scenario files, each with its
meaning, range, default and provenance), its pure decision rules (vectorised functions
over a batch of worlds, no Mesa, each citing the seed argument it encodes), its thin
Mesa agent (with the :meth:`~sim.actors.base.Actor.decide` override hook) and its
narration phrases. Where one actor's calculus needs another's behaviour (Baku expecting
sanctions, a CSTO response, Russian pressure), it calls that actor's own function.

This package also keeps the registry of every behavioural parameter
(:data:`PARAMETERS`), the order in which the agents act each week
(:data:`ACTOR_ORDER`) and the bundle of typed views a model builds once
(:class:`Views`).
"""

import difflib
from dataclasses import dataclass

import numpy as np

from sim.actors import armenia, azerbaijan, csto, russia, turkey, usa_eu, world
from sim.actors.base import Actor
from sim.params import ParamKey, ParamSpec
from sim.state import WorldState

ACTOR_MODULES = (azerbaijan, armenia, russia, turkey, usa_eu, csto, world)

# Each parameter draws from a stream keyed by its name (sim.seeding.parameter_seed), so
# the order here is for display only.
PARAMETERS: tuple[ParamSpec, ...] = tuple(spec for mod in ACTOR_MODULES for spec in mod.PARAMS)
PARAMS_BY_KEY: dict[str, ParamSpec] = {spec.key: spec for spec in PARAMETERS}

if len(PARAMS_BY_KEY) != len(PARAMETERS):
    raise RuntimeError("duplicate parameter keys in the registry")

# One step = every agent acts once, in this order: Turkey chooses its line, Baku offers
# to sign or holds a posture, picks the week's rung and fights, Yerevan answers
# (concessions, the treaty, a call on the CSTO or the West), Moscow chooses the CSTO's
# answer and its own moves (corridor, unrest, spoiling), the West decides on sanctions
# (which Turkey and Baku see next week), and last the environment: a full-scale war may
# spread. Then the actors with beliefs learn from the week (EscalationModel.step).
ACTOR_ORDER: tuple[type[Actor], ...] = (
    turkey.Turkey,
    azerbaijan.Azerbaijan,
    armenia.Armenia,
    csto.Csto,
    russia.Russia,
    usa_eu.UsEu,
    world.World,
)


def registered(text: str) -> ParamKey:
    """The key ``text`` names, which must be a registered parameter: code that names a
    parameter (the dashboard's levers, calibration's defaults) goes through this, so a
    renamed parameter fails at import rather than silently dropping out."""
    if text not in PARAMS_BY_KEY:
        close = difflib.get_close_matches(text, list(PARAMS_BY_KEY), n=1)
        raise KeyError(
            f"no parameter {text!r} in the registry"
            + (f" (did you mean {close[0]!r}?)" if close else "")
        )
    return ParamKey.parse(text)


def defaults() -> dict[str, float]:
    """Every parameter's default value, keyed ``actor.name``."""
    return {spec.key: spec.default for spec in PARAMETERS}


@dataclass(frozen=True)
class Views:
    """Every actor's typed parameter view for one model (arrays shared with its
    parameter dict). Field names are the actor names of the parameter keys."""

    azerbaijan: azerbaijan.Params
    armenia: armenia.Params
    russia: russia.Params
    turkey: turkey.Params
    usa_eu: usa_eu.Params
    csto: csto.Params
    world: world.Params

    @classmethod
    def build(cls, params: dict[str, np.ndarray]) -> "Views":
        """The views over ``params`` (every key ``actor.name``, arrays of shape (n,))."""
        return cls(**{mod.Params.actor: mod.Params.from_dict(params) for mod in ACTOR_MODULES})


def start_world(n: int, initial, v: Views) -> WorldState:
    """``n`` worlds at week 0 under the parameters ``v``: the scenario's ``initial``
    block, Armenia's starting denial, and the two beliefs at their priors
    (:func:`azerbaijan.resolve_prior`, :func:`armenia.trust_prior`)."""
    return WorldState.start(
        n,
        initial,
        denial=v.armenia.denial_capacity,
        resolve=azerbaijan.resolve_prior(v.azerbaijan, v.usa_eu),
        trust=armenia.trust_prior(v.armenia),
    )
