"""Decision rules: pure, vectorised functions over a batch of worlds, one module per actor.

No Mesa here: the agents in :mod:`sim.agents` wrap these rules. Every rule's docstring
cites the seed argument it encodes. :data:`PARAMETERS` is the registry of every
behavioural parameter (meaning, unit, range, default, provenance).
"""

from sim.params import ParamSpec
from sim.rules import armenia, azerbaijan, csto, russia, turkey, usa_eu, world

ACTOR_MODULES = (azerbaijan, armenia, russia, turkey, usa_eu, csto, world)

# Each parameter draws from a stream keyed by its name (sim.seeding.parameter_seed), so
# the order here is for display only.
PARAMETERS: tuple[ParamSpec, ...] = tuple(spec for mod in ACTOR_MODULES for spec in mod.PARAMS)
PARAMS_BY_KEY: dict[str, ParamSpec] = {spec.key: spec for spec in PARAMETERS}

if len(PARAMS_BY_KEY) != len(PARAMETERS):
    raise RuntimeError("duplicate parameter keys in the registry")


def defaults() -> dict[str, float]:
    """Every parameter's default value, keyed ``actor.name``."""
    return {spec.key: spec.default for spec in PARAMETERS}
