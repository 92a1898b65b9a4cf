"""The state of a batch of independent worlds: one NumPy array per variable, shape (n,)."""

from dataclasses import dataclass, fields

import numpy as np

from sim.ladder import MIN_WEEKS, N_RUNGS, TREATY_STATE, WAR_STATE, OperationEnd, posture_at


@dataclass
class WorldState:
    """Everything that changes during a run, for ``n`` worlds at once.

    ``active`` is False once a world has ended (treaty signed or regional war); actors
    leave ended worlds untouched but still draw their random numbers for them, so each
    world's stream stays aligned across scenarios (common random numbers).

    ``rung`` is the rung fought this week. An operation (rungs 3-5) is an episode: it
    runs while Baku stays on its rung and ends held (its objective taken), repelled
    (thrown back by Armenia's defence) or withdrawn (Baku stepped down);
    ``op_end`` says how this week's ended and ``start_rung`` is where Baku's next
    choice starts from. ``run_weeks[r - 2]`` counts the consecutive weeks on rung r or
    higher (r = 2..5) and ``sustained_rung`` is the highest rung held for its minimum
    length (``sim.ladder.MIN_WEEKS``): the rung outcomes read it.

    Memory: Baku's belief in Western resolve and Armenia's trust in the CSTO are Beta
    distributions, kept as their two counts (``resolve_a/_b``, ``trust_a/_b``).
    """

    rung: np.ndarray  # int8, rung fought this week, 0..5
    max_rung: np.ndarray  # int8, highest rung fought so far (even for a week)
    sustained_rung: np.ndarray  # int8, highest rung held for its minimum length
    run_weeks: np.ndarray  # int16 (4, n), consecutive weeks on rung >= 2, 3, 4, 5
    first_clash_week: np.ndarray  # int16, week rung >= 2 was first reached; -1 if never
    active: np.ndarray  # bool
    treaty: np.ndarray  # bool, peace treaty signed (terminal)
    war: np.ndarray  # bool, regional war (terminal)
    minsk_dissolved: np.ndarray  # bool, treaty condition 1 met
    constitution_reformed: np.ndarray  # bool, treaty condition 2 met
    sign_offer: np.ndarray  # bool, Baku offers to sign this week
    spoiling: np.ndarray  # bool, Russia works against the treaty this week
    sanctioned: np.ndarray  # bool, US/EU sanctions in force
    ever_sanctioned: np.ndarray  # bool, sanctions were in force at some week (sticky)
    quiet_weeks: np.ndarray  # int16, consecutive calm weeks while sanctions stand
    csto_level: np.ndarray  # int8, strongest CstoResponse so far
    appealed: np.ndarray  # bool, Armenia invoked the CSTO this week
    west_call: np.ndarray  # bool, Armenia called on the West instead this week
    russian_corridor: np.ndarray  # bool, Russian troops control a corridor
    unrest: np.ndarray  # bool, pro-Russian unrest in Armenia
    occupied_km2: np.ndarray  # float64, Armenian territory occupied
    op_km2: np.ndarray  # float64, ground taken by the operation under way
    op_end: np.ndarray  # int8, OperationEnd of an operation that ended this week
    start_rung: np.ndarray  # int8, the rung Baku's next choice starts from
    posture: np.ndarray  # int8, Baku's posture (sim.actors.posture.Posture)
    buildup_weeks: np.ndarray  # int16, weeks Baku's build-up for an operation in depth has lasted
    ops_ended: np.ndarray  # int16 (3, n), operations ended held, repelled, withdrawn
    corridor_held: np.ndarray  # bool, Baku holds the land link it fought for
    offence_open: np.ndarray  # bool, an operation (rung >= 3) was under way last week
    resolve_a: np.ndarray  # float64, Baku's belief in Western resolve: punished + prior
    resolve_b: np.ndarray  # float64, ... unpunished + prior
    trust_a: np.ndarray  # float64, Armenia's trust in the CSTO: helped + prior
    trust_b: np.ndarray  # float64, ... left alone + prior
    denial: np.ndarray  # float64, Armenia's current denial capacity
    turkey_stance: np.ndarray  # float64, Turkey's line this week (-1, 0 or +1)
    week: int = 0

    @classmethod
    def start(
        cls, n: int, initial, *, denial: np.ndarray, resolve: tuple, trust: tuple
    ) -> "WorldState":
        """Worlds at week 0 from a scenario's ``initial`` block (an InitialState), with
        Armenia's starting denial and the two beliefs' prior counts ``(a, b)``."""
        rung = np.full(n, initial.rung, dtype=np.int8)
        # An operation under way at the start counts as held for its minimum length.
        levels = np.arange(2, N_RUNGS)[:, None]
        run_weeks = np.where(rung[None, :] >= levels, MIN_WEEKS[2:, None], 0)
        zeros = np.zeros(n, dtype=bool)
        return cls(
            rung=rung,
            max_rung=rung.copy(),
            sustained_rung=rung.copy(),
            run_weeks=run_weeks.astype(np.int16),
            first_clash_week=np.where(rung >= 2, 0, -1).astype(np.int16),
            active=np.ones(n, dtype=bool),
            treaty=zeros.copy(),
            war=zeros.copy(),
            minsk_dissolved=np.full(n, initial.minsk_group_dissolved, dtype=bool),
            constitution_reformed=np.full(n, initial.constitution_reformed, dtype=bool),
            sign_offer=zeros.copy(),
            spoiling=zeros.copy(),
            sanctioned=np.full(n, initial.sanctions_imposed, dtype=bool),
            ever_sanctioned=np.full(n, initial.sanctions_imposed, dtype=bool),
            quiet_weeks=np.zeros(n, dtype=np.int16),
            csto_level=np.zeros(n, dtype=np.int8),
            appealed=zeros.copy(),
            west_call=zeros.copy(),
            russian_corridor=zeros.copy(),
            unrest=zeros.copy(),
            occupied_km2=np.full(n, float(initial.occupied_km2)),
            op_km2=np.zeros(n),
            op_end=np.full(n, OperationEnd.NONE, dtype=np.int8),
            start_rung=rung.copy(),
            posture=np.full(n, posture_at(initial.rung), dtype=np.int8),
            buildup_weeks=np.zeros(n, dtype=np.int16),
            ops_ended=np.zeros((3, n), dtype=np.int16),
            corridor_held=zeros.copy(),
            offence_open=rung >= 3,
            resolve_a=np.array(resolve[0], dtype=np.float64, copy=True),
            resolve_b=np.array(resolve[1], dtype=np.float64, copy=True),
            trust_a=np.array(trust[0], dtype=np.float64, copy=True),
            trust_b=np.array(trust[1], dtype=np.float64, copy=True),
            denial=np.array(denial, dtype=np.float64, copy=True),
            turkey_stance=np.zeros(n),
        )

    @property
    def n(self) -> int:
        return self.rung.shape[0]

    def take(self, idx: np.ndarray) -> "WorldState":
        """Worlds ``idx`` (repeats allowed) as a new state: every per-world array taken
        along its last axis (copies); the week is shared."""
        idx = np.asarray(idx, dtype=np.intp)
        return WorldState(
            **{
                f.name: getattr(self, f.name)[..., idx].copy()
                for f in fields(self)
                if f.name != "week"
            },
            week=self.week,
        )

    def conditions_unmet(self) -> np.ndarray:
        """Share of Baku's two remaining treaty conditions still unmet (0, 0.5 or 1)."""
        return 1.0 - 0.5 * (self.minsk_dissolved.astype(np.float64) + self.constitution_reformed)

    def resolve_belief(self) -> np.ndarray:
        """Baku's current estimate of Western resolve: the mean of its Beta belief."""
        return self.resolve_a / (self.resolve_a + self.resolve_b)

    def trust_belief(self) -> np.ndarray:
        """Armenia's current trust in the CSTO: the mean of its Beta belief."""
        return self.trust_a / (self.trust_a + self.trust_b)

    def category(self) -> np.ndarray:
        """Each world's state for the weekly breakdown: its rung, or a terminal state."""
        cat = self.rung.astype(np.int64)
        cat = np.where(self.treaty, TREATY_STATE, cat)
        return np.where(self.war, WAR_STATE, cat)

    def world(self, i: int) -> dict:
        """One world's state as plain Python values (for narration and debugging)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: (v if k == "week" else v[..., i].tolist()) for k, v in out.items()}
