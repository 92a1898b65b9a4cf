"""Compatibility name for the parameter registry, which now lives in :mod:`sim.actors`.

Kept only while other branches still import ``sim.rules``; new code imports from
:mod:`sim.actors`. The rule modules themselves moved to ``sim/actors/<actor>.py``.
"""

from sim.actors import PARAMETERS, PARAMS_BY_KEY, defaults

__all__ = ["PARAMETERS", "PARAMS_BY_KEY", "defaults"]
