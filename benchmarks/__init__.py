"""The developers' benchmarks: timings of this checkout (and of another revision), run
from the repository root as ``python -m benchmarks.NAME``. Not shipped in the package;
timings depend on the machine, so they are measured here rather than asserted in tests.
``escsim bench`` (sim/bench.py) is the user's benchmark and stays in the package."""
