"""escsim: an agent-based escalation simulator for the Azerbaijan-Armenia conflict.

The public entry points are :func:`sim.scenario.load_scenario` (read and validate a
scenario file), :func:`sim.montecarlo.run_scenario` (a seeded Monte Carlo run) and the
command line ``escsim`` (:mod:`sim.cli`).
"""

__version__ = "0.1.0"
