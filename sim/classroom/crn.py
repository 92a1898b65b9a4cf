"""One world of a Monte Carlo run, rebuilt on its own under common random numbers.

A run of ``n`` worlds is cut into chunks (:func:`sim.montecarlo.chunk_sizes`); chunk
``k`` draws its worlds' parameters from its own seed (:func:`sim.seeding.chunk_seed`)
and each week every agent draws ``(rows, chunk width)`` uniforms from the chunk's
dynamics stream (:meth:`sim.model.EscalationModel.uniforms`). World ``i`` of the run is
column ``i % chunk_size`` of chunk ``i // chunk_size``. :class:`ColumnModel` is a one-world
model that draws the chunk's full-width uniforms each week and keeps that column, so
its world sees exactly the numbers world ``i`` saw in the run: played by the rules it
is world ``i``; played by a student it differs only through the student's choices.
"""

from dataclasses import dataclass

import numpy as np

from sim.custom_actors import actor_order
from sim.model import EscalationModel
from sim.montecarlo import chunk_sizes
from sim.seeding import DEFAULT_CHUNK_SIZE, chunk_seed, dynamics_seed


@dataclass(frozen=True)
class WorldRef:
    """World ``index`` of the run of ``n_worlds`` worlds seeded with ``seed`` (in chunks
    of ``chunk_size``, as ``escsim run`` cuts them)."""

    seed: int
    n_worlds: int
    index: int = 0
    chunk_size: int = DEFAULT_CHUNK_SIZE

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.n_worlds:
            raise ValueError(f"world {self.index} is not one of the run's {self.n_worlds:,} worlds")

    @property
    def chunk(self) -> int:
        return self.index // self.chunk_size

    @property
    def column(self) -> int:
        return self.index % self.chunk_size

    @property
    def width(self) -> int:
        """How many worlds the chunk holding this world has."""
        return chunk_sizes(self.n_worlds, self.chunk_size)[self.chunk]


class ColumnModel(EscalationModel):
    """A one-world model that draws a chunk's full-width uniforms each week and keeps one
    column of them (:class:`WorldRef`), so its world gets that world's random numbers."""

    def __init__(self, params, initial, horizon_weeks, rng, *, width: int, column: int, **kw):
        self._width, self._column = int(width), int(column)
        super().__init__(params, initial, horizon_weeks, rng, **kw)

    def uniforms(self, rows: int) -> np.ndarray:
        # Drawn in full, whatever the column: the stream must advance as the chunk's does.
        return self.rng.random((rows, self._width))[:, self._column : self._column + 1]


def world_parameters(scenario, ref: WorldRef) -> dict[str, np.ndarray]:
    """The parameters world ``ref`` drew in the run: its chunk's draws, its column."""
    draws = scenario.sample(chunk_seed(ref.seed, ref.chunk), ref.width)
    return {key: values[ref.column : ref.column + 1].copy() for key, values in draws.items()}


def build_world(scenario, ref: WorldRef, replace=None, params=None) -> ColumnModel:
    """World ``ref`` of ``scenario``'s run, ready to step. ``replace(cls)`` may return a
    subclass to stand in for an agent class (a played actor), or ``cls`` itself;
    ``params`` may pass :func:`world_parameters` computed before (it is not changed)."""
    classes = actor_order(scenario.actor_classes)
    if replace is not None:
        classes = tuple(replace(cls) for cls in classes)
    rng = np.random.default_rng(dynamics_seed(chunk_seed(ref.seed, ref.chunk)))
    return ColumnModel(
        world_parameters(scenario, ref) if params is None else dict(params),
        scenario.initial,
        scenario.horizon_weeks,
        rng,
        width=ref.width,
        column=ref.column,
        actor_classes=classes,
    )
