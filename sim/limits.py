"""How large a run may be: every bound on a command's size, in one place.

Each bound stops a mistake (a typo of three zeros) before it costs anything: the option
types in :mod:`sim.cli_support` refuse a value past its bound while the command line is
parsed, and :func:`run_size_problems` (raised by ``sim.montecarlo.run_scenario``) finds,
before the first world runs, a combination that the machine cannot hold (worlds in
memory at once x workers) or that would make millions of tasks. Scenario and study
files use the same bounds (``horizon_weeks``).

Light on purpose (no NumPy): ``escsim --help`` imports it.
"""

MAX_HORIZON_WEEKS = 520
"""Ten years of weeks: the model's week counters are int16 (``--horizon 32768`` overflowed
after 15 s of work) and its rules are about the next few years."""
MAX_WORLDS = 100_000_000
"""Worlds per run (``-n``): about half an hour per core at 52 weeks; a Wilson interval at
this size is already a hundredth of a percentage point wide."""
MAX_CHUNK_SIZE = 1_000_000
"""Worlds per chunk (``--chunk-size``), all held in memory at once: about 2 GB."""
MAX_CHUNKS = 1_000_000
"""Chunks (or spread group-chunks) of one run: each is a task object and a result."""
MAX_SPREAD_DRAWS = 1_000_000
"""Parameter draws of the spread pass (``--spread G:m``)."""
MAX_WORKERS = 256
"""Worker processes (``--workers``): each is a fresh interpreter of about 200 MB."""
MAX_STUDY_POINTS = 1_000_000
"""Points of a study's design (a Sobol design of N samples and D parameters has N(D+2)):
its table has a row per point and outcome."""

MAX_HORIZON_MONTHS = MAX_HORIZON_WEEKS * 12 // 52
"""A backtest's horizon in months (``--horizon-months``): the same ten years."""
MAX_PARTICLES = 100_000
"""ABC-SMC particles per generation (``calibrate --particles``)."""
MAX_GENERATIONS = 1_000
"""ABC-SMC generations (``calibrate --generations``)."""
MAX_RECORDS = 100_000
"""Simulated records per model call (``calibrate --records``): worlds held at once."""

BYTES_PER_WORLD = 2_000
"""Memory a world takes while its chunk runs (measured: 1.7 kB at 10,000 and 200,000
worlds per chunk, baseline scenario)."""
BYTES_PER_WORKER = 250_000_000
"""A worker process before it holds any world (an interpreter with NumPy and the model)."""


def available_memory() -> int | None:
    """Bytes the system can still give (``MemAvailable`` of /proc/meminfo; None where
    there is no such file)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB"


def run_size_problems(
    n_worlds: int,
    chunk_size: int,
    workers: int,
    horizon_weeks: int,
    spread: tuple[int, int] = (0, 1),
) -> list[tuple[str, str]]:
    """What makes a run too large, as (option, message) pairs: none if it fits.

    The memory a run needs at once is one chunk per busy worker (the run's chunks, or the
    spread pass's group-chunks of whole draws, whichever is larger) plus the workers
    themselves; it is compared with the memory available now.
    """
    out = []
    if not 1 <= horizon_weeks <= MAX_HORIZON_WEEKS:
        out.append(("--horizon", f"expected 1 to {MAX_HORIZON_WEEKS} weeks, got {horizon_weeks:,}"))
    if not 0 <= n_worlds <= MAX_WORLDS:
        out.append(("-n/--worlds", f"expected 1 to {MAX_WORLDS:,} worlds, got {n_worlds:,}"))
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        out.append(
            (
                "--chunk-size",
                f"expected 1 to {MAX_CHUNK_SIZE:,} worlds per chunk, got {chunk_size:,}",
            )
        )
    draws, per_draw = spread
    if not 0 <= draws <= MAX_SPREAD_DRAWS or not 1 <= per_draw <= MAX_CHUNK_SIZE:
        out.append(
            (
                "--spread",
                f"expected at most {MAX_SPREAD_DRAWS:,} draws of at most "
                f"{MAX_CHUNK_SIZE:,} worlds, got {draws:,}:{per_draw:,}",
            )
        )
    if out:
        return out
    chunks = max(1, -(-n_worlds // chunk_size))
    spread_chunks = -(-draws // max(1, chunk_size // per_draw))
    if max(chunks, spread_chunks) > MAX_CHUNKS:
        out.append(
            (
                "--chunk-size",
                f"{max(chunks, spread_chunks):,} chunks of "
                f"{chunk_size:,} worlds is more than {MAX_CHUNKS:,}; give "
                "a larger --chunk-size (or fewer worlds)",
            )
        )
        return out
    at_once = max(
        min(n_worlds, chunk_size), per_draw * max(1, chunk_size // per_draw) if draws else 0
    )
    busy = max(1, min(workers, max(chunks, spread_chunks)))
    need = at_once * BYTES_PER_WORLD * busy + (BYTES_PER_WORKER * busy if busy > 1 else 0)
    free = available_memory()
    if free is not None and need > free:
        out.append(
            (
                "-n/--chunk-size/--workers",
                f"this run needs about {_gb(need)} at once "
                f"({busy} worker{'s' if busy != 1 else ''} x {at_once:,} worlds per chunk "
                f"x {BYTES_PER_WORLD:,} bytes), more than the {_gb(free)} available; "
                "give a smaller --chunk-size or fewer --workers",
            )
        )
    return out
