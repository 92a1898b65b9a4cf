"""The state of a batch of independent worlds: one NumPy array per variable, shape (n,)."""

from dataclasses import dataclass, fields

import numpy as np

from sim.ladder import TREATY_STATE, WAR_STATE


@dataclass
class WorldState:
    """Everything that changes during a run, for ``n`` worlds at once.

    ``active`` is False once a world has ended (treaty signed or regional war); actors
    leave ended worlds untouched but still draw their random numbers for them, so each
    world's stream stays aligned across scenarios (common random numbers).
    """

    rung: np.ndarray  # int8, current rung 0..5
    max_rung: np.ndarray  # int8, highest rung reached so far
    first_clash_week: np.ndarray  # int16, week rung >= 2 was first reached; -1 if never
    active: np.ndarray  # bool
    treaty: np.ndarray  # bool, peace treaty signed (terminal)
    war: np.ndarray  # bool, regional war (terminal)
    minsk_dissolved: np.ndarray  # bool, treaty condition 1 met
    constitution_reformed: np.ndarray  # bool, treaty condition 2 met
    sanctioned: np.ndarray  # bool, US/EU sanctions in force
    csto_level: np.ndarray  # int8, strongest CstoResponse so far
    russian_corridor: np.ndarray  # bool, Russian troops control a corridor
    unrest: np.ndarray  # bool, pro-Russian unrest in Armenia
    occupied_km2: np.ndarray  # float64, Armenian territory occupied
    denial: np.ndarray  # float64, Armenia's current denial capacity
    turkey_stance: np.ndarray  # float64, Turkey's line this week
    week: int = 0

    @classmethod
    def start(cls, n: int, initial, denial: np.ndarray, turkey_stance: np.ndarray) -> "WorldState":
        """Worlds at week 0 from a scenario's ``initial`` block (an InitialState)."""
        rung = np.full(n, initial.rung, dtype=np.int8)
        return cls(
            rung=rung,
            max_rung=rung.copy(),
            first_clash_week=np.where(rung >= 2, 0, -1).astype(np.int16),
            active=np.ones(n, dtype=bool),
            treaty=np.zeros(n, dtype=bool),
            war=np.zeros(n, dtype=bool),
            minsk_dissolved=np.full(n, initial.minsk_group_dissolved, dtype=bool),
            constitution_reformed=np.full(n, initial.constitution_reformed, dtype=bool),
            sanctioned=np.full(n, initial.sanctions_imposed, dtype=bool),
            csto_level=np.zeros(n, dtype=np.int8),
            russian_corridor=np.zeros(n, dtype=bool),
            unrest=np.zeros(n, dtype=bool),
            occupied_km2=np.full(n, float(initial.occupied_km2)),
            denial=np.array(denial, dtype=np.float64, copy=True),
            turkey_stance=np.array(turkey_stance, dtype=np.float64, copy=True),
        )

    @property
    def n(self) -> int:
        return self.rung.shape[0]

    def conditions_unmet(self) -> np.ndarray:
        """Share of Baku's two remaining treaty conditions still unmet (0, 0.5 or 1)."""
        return 1.0 - 0.5 * (self.minsk_dissolved.astype(np.float64) + self.constitution_reformed)

    def category(self) -> np.ndarray:
        """Each world's state for the weekly breakdown: its rung, or a terminal state."""
        cat = self.rung.astype(np.int64)
        cat = np.where(self.treaty, TREATY_STATE, cat)
        return np.where(self.war, WAR_STATE, cat)

    def world(self, i: int) -> dict:
        """One world's state as plain Python values (for narration and debugging)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: (v if k == "week" else v[i].item()) for k, v in out.items()}
