"""Shared helpers for the tests: parameter arrays and models without scenario files."""

import numpy as np

from sim.actors import Views, defaults
from sim.model import EscalationModel
from sim.params import ParamKey
from sim.scenario import InitialState

# Where worlds start; the scenario's own type, short-named for the tests.
Start = InitialState


def params(n: int, **overrides: float) -> dict[str, np.ndarray]:
    """Every parameter at its default for ``n`` worlds; overrides use ``actor__name``."""
    values = defaults()
    for key, value in overrides.items():
        dotted = ParamKey.from_safe(key)
        if dotted not in values:
            raise KeyError(dotted)
        values[dotted] = value
    return {k: np.full(n, float(v)) for k, v in values.items()}


def views(n: int, **overrides: float) -> Views:
    """Every actor's typed parameter view at defaults (plus overrides, ``actor__name``)."""
    return Views.build(params(n, **overrides))


def model(n: int, seed: int = 1, horizon: int = 52, start: Start | None = None, **overrides):
    """A model of ``n`` worlds at default parameters (plus overrides), not yet run."""
    return EscalationModel(
        params(n, **overrides), start or Start(), horizon, np.random.default_rng(seed)
    )


# Parameters that pin Baku to its posture and an operation (rung 3-5) to its rung until
# it ends: moving one step costs 15 utility units at noise 0.2, i.e. a weight of exp(-75)
# against holding, while no option's utility differs from another's by more than about
# 15 at default values (exp(-75 + 15/0.2) is still below 1e-26 per week). Outside an
# operation the week's event is Baku's best allowed rung, nearly always.
FROZEN_LADDER = {
    "azerbaijan__change_cost": 15.0,
    "azerbaijan__posture_cost": 15.0,
    "azerbaijan__decision_noise": 0.2,
}


class MapOnly:
    """An executor with nothing but an ordered ``map``, which runs the tasks in reverse
    (as if they finished out of order)."""

    def map(self, fn, tasks):
        tasks = list(tasks)
        done = {i: fn(t) for i, t in reversed(list(enumerate(tasks)))}
        return (done[i] for i in range(len(tasks)))


def world(v: Views, n: int = 1, start: Start | None = None):
    """``n`` worlds at week 0 under the parameters ``v`` (beliefs at their priors)."""
    from sim.actors import start_world

    return start_world(n, start or Start(), v)


def bakus_utilities(v: Views, w) -> np.ndarray:
    """Baku's utility of each rung (6, n) in the state ``w``, through the model's own
    functions (the parameter-only terms, then this week's)."""
    from sim.actors import azerbaijan

    fixed = azerbaijan.fixed_terms(v.azerbaijan, v.armenia, v.russia, v.csto)
    return azerbaijan.rung_utilities(
        v.azerbaijan, v.armenia, v.russia, v.usa_eu, v.csto, v.turkey, v.world, fixed, w
    )


def free_port() -> int:
    """A TCP port free on this machine now (for a server a test starts)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def child_pids(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    from pathlib import Path

    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
