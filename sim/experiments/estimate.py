"""How big a study is and roughly how long it will take, said before it starts.

A study file can ask for a million points with one typo; ``escsim sweep`` prints the
size (points x worlds x weeks) and a time estimate from a short timed probe, then goes
on without asking (scripts must never block on a prompt).
"""

import time
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StudySize:
    points: int
    worlds: int
    weeks: int
    seconds: float | None  # estimated wall time on the given workers (None: not probed)
    workers: int

    @property
    def world_weeks(self) -> int:
        return self.points * self.worlds * self.weeks

    def describe(self) -> str:
        """One line, e.g. ``30 points x 2,000 worlds x 52 weeks = 3.1 million world-weeks;
        about 40 s on 1 worker``."""
        text = (
            f"{self.points:,} points x {self.worlds:,} worlds x {self.weeks} weeks "
            f"= {_count(self.world_weeks)} world-weeks"
        )
        if self.seconds is not None:
            noun = "worker" if self.workers == 1 else "workers"
            text += f"; about {_duration(self.seconds)} on {self.workers} {noun}"
        return text


def _count(n: int) -> str:
    if n >= 1e9:
        return f"{n / 1e9:.1f} billion"
    if n >= 1e6:
        return f"{n / 1e6:.1f} million"
    return f"{n:,}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


def study_size(study, workers: int = 1, probe: bool = True) -> StudySize:
    """The study's size and, with ``probe``, the time it should take on ``workers``:
    one block shaped as the sweep's blocks are (about one chunk of worlds in one model,
    so the batched model's per-step overhead weighs as it will) is run and timed. Its
    numbers are thrown away; it changes no seed of the real run. On two cores this
    takes a fraction of a second."""
    from sim.experiments.design import design_points

    points = len(design_points(study))
    seconds = None
    if probe and points:
        from sim.experiments.runner import BlockTask, block_size, run_block
        from sim.montecarlo import Points
        from sim.seeding import DEFAULT_CHUNK_SIZE

        worlds = min(study.worlds, DEFAULT_CHUNK_SIZE)
        k = min(points, block_size(study.worlds))
        values = np.zeros((k, 0))  # k copies of the scenario as it is
        task = BlockTask(
            0, study.scenario, Points((), values), study.seed, worlds, study.horizon_weeks
        )
        start = time.perf_counter()
        run_block(task)
        per_world = (time.perf_counter() - start) / (k * worlds)
        seconds = per_world * points * study.worlds / max(1, min(workers, points))
    return StudySize(points, study.worlds, study.horizon_weeks, seconds, workers)
