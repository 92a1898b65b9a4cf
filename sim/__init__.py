"""escsim: an agent-based escalation simulator for the Azerbaijan-Armenia conflict.

The Python API (:mod:`sim.api`, ``docs/api.md``)::

    import sim

    result = sim.run("baseline", n=10_000)   # the table of `escsim run baseline`
    result.to_frame()                        # a pandas DataFrame

and ``sim.sweep``, ``sim.compare``, ``sim.forecast``, ``sim.scenarios`` alike. The command
line is ``escsim`` (:mod:`sim.cli`). ``import sim`` stays light: the API's modules (the
model, pandas) are imported at the first call.
"""

__version__ = "0.1.0"

# name -> the module that defines it, imported on first use (PEP 562).
_API = {
    "run": "sim.api",
    "sweep": "sim.api",
    "compare": "sim.api",
    "forecast": "sim.api",
    "scenarios": "sim.api",
    "as_scenario": "sim.api",
    "load_scenario": "sim.scenario",
    "Scenario": "sim.scenario",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        import importlib

        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
