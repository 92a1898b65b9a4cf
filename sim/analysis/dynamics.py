"""Posterior predictive checks on the dynamics: does the record look like a history the
model would simulate over the same months?

``N`` histories are simulated over the record's months (2021-01 to 2024-06 for the
shipped record) the way a calibration simulates them (:mod:`sim.calibration.simulator`):
the scenario set up as of the record's first month (``scenario_as_of``), the dated
conditions switched on in the week their date falls in (``parameter_schedule``), each
calendar month given its model weeks (``month_weeks``). Each history is read month by
month as the calibration reads it (:func:`sim.calibration.summary.monthly_from_weekly`:
the highest weekly rung, the months in which the CSTO's answer rose to a statement or
more, the months in which sanctions came into force) and, unless ``observation`` is
None, coded as the record codes a month, with the coding errors of the observation model
(:mod:`sim.record.observation`: a month whose highest rung was 1 coded 0 with chance
``missed_tension``, a CSTO statement repeated in a month of fighting with chance
``csto_repeat``, and so on; :func:`code_months`). The record is data with error (its
README), so a check compares it with simulated *records*, not with simulated truth.

Each statistic of :func:`statistics` is computed by one rule from the record and from
every simulated history, and the report gives the simulated 5-95% band, the median, the
record's value, whether the record lies inside the band, and the two tail chances
P(simulated <= record) and P(simulated >= record) with their Wilson intervals over the
histories (a posterior predictive p-value each). A ratio statistic (a chance conditional
on the previous month) is undefined in a history without the condition; its band is
over the histories where it is defined, and their number is shown.

The simulated truth also gives the length of a spell (consecutive weeks on a rung, or
at rung 2 or higher), which the monthly record cannot show (in the record a clash is a
matter of days). Spells cut by the start or the end of the window, or by the world's
end (treaty or war), are left out: their length is not known.

The check reads only what every version of the model has: the weekly rung
(``world.rung``), the outcome rows of :mod:`sim.outcomes` (through the calibration's
monthly reading), and the public run recipe (:func:`sim.montecarlo.build_model`).
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.calibration.summary import CSTO, SANCTIONS, monthly_from_weekly
from sim.ladder import ATTACK_RUNG, OPERATION_RUNG, Rung
from sim.montecarlo import ChunkTask, build_model, chunk_sizes
from sim.outcomes import BY_NAME
from sim.record import Record, month_weeks, parameter_schedule, scenario_as_of
from sim.record.observation import ObservationModel, observations
from sim.scenario import Scenario
from sim.seeding import DEFAULT_CHUNK_SIZE, chunk_seed
from sim.stats import wilson_interval

TREATY = BY_NAME["peace_treaty"]
BAND = (0.05, 0.95)
# Spells measured on the simulated weeks: name -> (lowest rung, highest rung).
SPELLS: dict[str, tuple[int, int]] = {
    "tension (rung 1)": (int(Rung.TENSION), int(Rung.TENSION)),
    "border clash (rung 2)": (int(Rung.BORDER_CLASH), int(Rung.BORDER_CLASH)),
    "limited incursion (rung 3)": (int(Rung.LIMITED_INCURSION), int(Rung.LIMITED_INCURSION)),
    "fighting (rung 2 or higher)": (ATTACK_RUNG, int(Rung.FULL_SCALE_INVASION)),
}
CODING_STREAM = 2  # the chunk's coding draws: beside its dynamics (0) and parameters (1)


@dataclass(frozen=True)
class Months:
    """Monthly observations of one or more histories: arrays of shape (histories, months)."""

    labels: tuple[str, ...]
    rung: np.ndarray  # highest rung of the month
    csto: np.ndarray  # a CSTO statement (or more) that month
    sanctions: np.ndarray  # sanctions imposed that month
    signed: np.ndarray  # the treaty signed that month
    # A regional war began that month (the record has none: no month reached rung 4 or
    # 5, and the CSTO never fought). Coded as it happened: a war is not misread.
    war: np.ndarray | None = None

    def war_months(self) -> np.ndarray:
        return np.zeros_like(self.signed) if self.war is None else self.war

    @property
    def histories(self) -> int:
        return self.rung.shape[0]

    @classmethod
    def concat(cls, parts: list["Months"]) -> "Months":
        def joined(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name) for p in parts])

        return cls(
            parts[0].labels,
            joined("rung"),
            joined("csto"),
            joined("sanctions"),
            joined("signed"),
            np.concatenate([p.war_months() for p in parts]),
        )


def record_months(record: Record) -> Months:
    """The record as one history, read as the filter reads it
    (:func:`sim.record.observation.observations`)."""
    obs = observations(record)
    return Months(
        tuple(str(o.month) for o in obs),
        np.array([[o.rung for o in obs]], dtype=np.int64),
        np.array([[o.csto for o in obs]], dtype=bool),
        np.array([[o.sanctions for o in obs]], dtype=bool),
        np.array([[o.signed for o in obs]], dtype=bool),
    )


def year_spans(labels: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(label, start, stop) of each calendar year in the months ``labels`` ("2021", or
    "2024-01..2024-06" for a part of a year)."""
    years = [label[:4] for label in labels]
    spans = []
    for year in dict.fromkeys(years):
        a = years.index(year)
        b = len(years) - years[::-1].index(year)
        whole = b - a == 12
        spans.append((year if whole else f"{labels[a]}..{labels[b - 1]}", a, b))
    return spans


def _ratio(hits: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Per history: hits / months meeting the condition (NaN where none did)."""
    k = (hits & given).sum(axis=1).astype(np.float64)
    m = given.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m > 0, k / np.maximum(m, 1), np.nan)


def statistics(months: Months) -> dict[str, np.ndarray]:
    """Each statistic per history, shape (histories,): one rule for the record and the
    simulated histories. Quiet: highest rung 0; an incident: 1 or more; a clash month: 2
    (a death) or more; an incursion month: 3 or more. "Previous month" pairs run within
    the window (the first month has none)."""
    rung = months.rung
    prev, nxt = rung[:, :-1], rung[:, 1:]
    clash = rung >= ATTACK_RUNG
    out: dict[str, np.ndarray] = {}
    for label, a, b in year_spans(months.labels):
        out[f"clash months {label}"] = clash[:, a:b].sum(axis=1)
    out["clash months, all"] = clash.sum(axis=1)
    out["P(clash | previous month quiet)"] = _ratio(nxt >= ATTACK_RUNG, prev == 0)
    out["P(clash | previous month clash)"] = _ratio(nxt >= ATTACK_RUNG, prev >= ATTACK_RUNG)
    out["P(incident | previous month quiet)"] = _ratio(nxt >= 1, prev == 0)
    out["P(incident | previous month incident)"] = _ratio(nxt >= 1, prev >= 1)
    out["incursion months"] = (rung >= OPERATION_RUNG).sum(axis=1)
    out["incursions straight out of a quiet month"] = ((nxt >= OPERATION_RUNG) & (prev == 0)).sum(
        axis=1
    )
    out["CSTO statement months"] = months.csto.sum(axis=1)
    out["sanctions imposed (any month)"] = months.sanctions.any(axis=1).astype(np.int64)
    out[f"treaty signed by {months.labels[-1]}"] = months.signed.any(axis=1).astype(np.int64)
    out[f"regional war by {months.labels[-1]}"] = months.war_months().any(axis=1).astype(np.int64)
    return out


def code_months(
    truth: Months, standing_before: np.ndarray, model: ObservationModel, rng: np.random.Generator
) -> Months:
    """Simulated months as the record would code them: a draw from the observation
    model's own chances (:class:`sim.record.observation.ObservationModel`, whose
    ``log_likelihood`` is the probability of exactly these draws). ``truth.csto`` is the
    month the CSTO's answer rose; ``standing_before`` (histories, months) whether a
    statement already stood at the month's start (a month of fighting then shows a
    repeat with chance ``csto_repeat``)."""
    shape = truth.rung.shape
    u = rng.random((4, *shape))
    cum = np.cumsum(model.confusion(), axis=1)
    cum[:, -1] = 1.0  # rounding must not leave a draw above the last rung
    rung = (u[0][..., None] >= cum[truth.rung]).sum(axis=-1)
    standing = standing_before & (truth.rung >= ATTACK_RUNG)
    p_csto = np.where(
        truth.csto, model.csto_hit, np.where(standing, model.csto_repeat, model.csto_false)
    )
    p_sanctions = np.where(truth.sanctions, model.sanctions_hit, model.sanctions_false)
    return Months(
        truth.labels,
        rung.astype(np.int64),
        u[1] < p_csto,
        u[2] < p_sanctions,
        truth.signed | (u[3] < model.treaty_false),
        truth.war,
    )


def spell_lengths(rung: np.ndarray, active: np.ndarray, low: int, high: int) -> np.ndarray:
    """Lengths in weeks of the complete spells on rungs ``low..high`` in weekly arrays
    (weeks, worlds): runs that start after the first week and end, with the world still
    running, before the last (a censored run's length is not known)."""
    on = (rung >= low) & (rung <= high) & active
    weeks = on.shape[0]
    if weeks < 3:
        return np.zeros(0, dtype=np.int64)
    pad = np.zeros((1, on.shape[1]), dtype=bool)
    before = np.concatenate([pad, on[:-1]])
    after = np.concatenate([on[1:], pad])
    # Worlds-major order, so each world's starts and ends come in time order and pair up.
    w_start, t_start = np.nonzero((on & ~before).T)
    w_end, t_end = np.nonzero((on & ~after).T)
    next_active = np.concatenate([active[1:], pad])
    complete = (
        (t_start > 0) & (t_end < weeks - 1) & next_active[np.minimum(t_end, weeks - 1), w_end]
    )
    return (t_end - t_start + 1)[complete].astype(np.int64)


@dataclass(frozen=True)
class HistoryTask:
    """One chunk of histories (picklable): everything a worker needs."""

    scenario: Scenario  # set up as of the first month
    schedule: tuple[tuple[int, dict[str, float]], ...]
    weeks_per_month: tuple[int, ...]
    labels: tuple[str, ...]
    seed: int
    index: int
    n: int
    observation: ObservationModel | None


@dataclass(frozen=True)
class ChunkHistories:
    coded: Months
    truth: Months
    spells: dict[str, np.ndarray]  # name -> counts of spell lengths (index = weeks)
    ended: int  # histories that ended (treaty or war) before the window's end


def run_history_chunk(task: HistoryTask) -> ChunkHistories:
    """Simulate one chunk of histories week by week (the calibration's loop, on the
    run recipe of :func:`sim.montecarlo.build_model`), then read and code its months."""
    weeks = int(sum(task.weeks_per_month))
    model = build_model(ChunkTask(task.scenario, task.seed, task.index, task.n, weeks))
    changes = dict(task.schedule)
    w = model.world
    rung = np.empty((weeks, task.n), dtype=np.int8)
    active = np.empty((weeks, task.n), dtype=bool)
    csto = np.empty((weeks, task.n), dtype=bool)
    sanctioned = np.empty((weeks, task.n), dtype=bool)
    treaty = np.empty((weeks, task.n), dtype=bool)
    war = np.empty((weeks, task.n), dtype=bool)
    start_csto = CSTO.week(w).copy()
    start_sanctioned = SANCTIONS.week(w).copy()
    start_treaty = TREATY.in_worlds(w).copy()
    for week in range(weeks):
        if week in changes:
            model.update_parameters(changes[week])
        model.step()
        w = model.world
        rung[week] = w.rung
        active[week] = w.active
        csto[week] = CSTO.week(w)
        sanctioned[week] = SANCTIONS.week(w)
        treaty[week] = TREATY.in_worlds(w)
        war[week] = w.war
    model.release()
    per_month = list(task.weeks_per_month)
    monthly = monthly_from_weekly(rung, csto, sanctioned, per_month, start_csto, start_sanctioned)
    ends = np.cumsum(per_month) - 1
    treaty_end = treaty[ends].T
    treaty_prev = np.concatenate([start_treaty[:, None], treaty_end[:, :-1]], axis=1)
    war_end = war[ends].T
    war_prev = np.concatenate([np.zeros((task.n, 1), bool), war_end[:, :-1]], axis=1)
    truth = Months(
        task.labels,
        monthly.rung,
        monthly.csto,
        monthly.sanctions,
        treaty_end & ~treaty_prev,
        war_end & ~war_prev,
    )
    coded = truth
    if task.observation is not None:
        # A statement stood at a month's start if one was there at the start or rose in
        # an earlier month (the model keeps the strongest answer so far).
        rose = np.logical_or.accumulate(monthly.csto, axis=1)
        standing = np.concatenate([start_csto[:, None], rose[:, :-1]], axis=1) | start_csto[:, None]
        ss = chunk_seed(task.seed, task.index)
        rng = np.random.default_rng(
            np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, CODING_STREAM))
        )
        coded = code_months(truth, standing, task.observation, rng)
    spells = {
        name: np.bincount(spell_lengths(rung, active, lo, hi), minlength=weeks + 1)
        for name, (lo, hi) in SPELLS.items()
    }
    return ChunkHistories(coded, truth, spells, int((~active[-1]).sum()))


def history_tasks(
    scenario: Scenario,
    record: Record,
    n: int,
    seed: int,
    observation: ObservationModel | None,
    conditions=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> list[HistoryTask]:
    """The chunks of ``n`` histories over the record's months."""
    first, months = record.first_month, len(record.frame)
    start = scenario_as_of(scenario, first, conditions, what="the record's first month")
    schedule = tuple(
        (int(wk), dict(c)) for wk, c in parameter_schedule(scenario, first, months, conditions)
    )
    per_month = tuple(int(x) for x in month_weeks(first, months))
    labels = tuple(str(m) for m in record.frame.index)
    return [
        HistoryTask(start, schedule, per_month, labels, int(seed), i, size, observation)
        for i, size in enumerate(chunk_sizes(n, chunk_size))
    ]


@dataclass(frozen=True)
class StatisticCheck:
    """One statistic: the record's value against the simulated histories'."""

    name: str
    record: float
    values: np.ndarray = field(repr=False)  # simulated, per history (NaN: undefined)

    @property
    def defined(self) -> np.ndarray:
        return self.values[np.isfinite(self.values)]

    @property
    def n(self) -> int:
        return int(self.defined.size)

    def quantiles(self) -> tuple[float, float, float]:
        """The 5%, 50% and 95% quantiles (inverted CDF: values a history can take)."""
        if not self.n:
            return (float("nan"),) * 3
        q = np.quantile(self.defined, [BAND[0], 0.5, BAND[1]], method="inverted_cdf")
        return float(q[0]), float(q[1]), float(q[2])

    @property
    def inside(self) -> bool:
        low, _, high = self.quantiles()
        return bool(low - 1e-12 <= self.record <= high + 1e-12)

    def tail(self, side: str) -> tuple[float, tuple[float, float], int]:
        """P(simulated <= record) (``"below"``) or P(simulated >= record) (``"above"``):
        the chance, its 95% Wilson interval, and the histories counted."""
        v = self.defined
        k = int(
            (v <= self.record + 1e-12).sum()
            if side == "below"
            else (v >= self.record - 1e-12).sum()
        )
        return k / max(self.n, 1), wilson_interval(k, self.n), self.n

    def to_dict(self) -> dict[str, Any]:
        low, median, high = self.quantiles()
        below, above = self.tail("below"), self.tail("above")
        return {
            "statistic": self.name,
            "record": self.record,
            "band": [low, high],
            "median": median,
            "inside": self.inside,
            "p_at_most_record": below[0],
            "p_at_most_record_ci": list(below[1]),
            "p_at_least_record": above[0],
            "p_at_least_record_ci": list(above[1]),
            "histories": self.n,
            "mean": float(self.defined.mean()) if self.n else float("nan"),
        }


@dataclass(frozen=True)
class SpellStats:
    """Complete spells of one kind over the simulated histories (weeks)."""

    name: str
    counts: np.ndarray = field(repr=False)  # index = length in weeks

    @property
    def spells(self) -> int:
        return int(self.counts.sum())

    @property
    def mean(self) -> float:
        lengths = np.arange(self.counts.size)
        return float((lengths * self.counts).sum() / self.spells) if self.spells else float("nan")

    @property
    def ci(self) -> tuple[float, float]:
        """95% normal interval of the mean (spells pooled over histories)."""
        if self.spells < 2:
            return (float("nan"), float("nan"))
        lengths = np.arange(self.counts.size)
        var = float((self.counts * (lengths - self.mean) ** 2).sum() / (self.spells - 1))
        half = 1.96 * np.sqrt(var / self.spells)
        return (self.mean - half, self.mean + half)

    @property
    def median(self) -> float:
        if not self.spells:
            return float("nan")
        return float(np.searchsorted(np.cumsum(self.counts), self.spells / 2))

    def to_dict(self) -> dict[str, Any]:
        return {
            "spell": self.name,
            "mean_weeks": self.mean,
            "mean_ci": list(self.ci),
            "median_weeks": self.median,
            "spells": self.spells,
        }


@dataclass(frozen=True)
class DynamicsCheck:
    """The checks of one scenario against one record."""

    scenario: str
    record_path: str
    labels: tuple[str, ...]
    histories: int
    seed: int
    observation: str  # the observation model's name, or "none"
    checks: list[StatisticCheck]
    spells: list[SpellStats]
    ended: int

    def histories_ended_text(self) -> str:
        return (
            f"{self.ended:,} of {self.histories:,} ended (treaty or war) before "
            f"{self.labels[-1]} and keep their last rung"
        )

    @property
    def outside(self) -> list[str]:
        return [c.name for c in self.checks if not c.inside]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "record": self.record_path,
            "months": [self.labels[0], self.labels[-1]],
            "histories": self.histories,
            "seed": self.seed,
            "observation": self.observation,
            "band": list(BAND),
            "statistics": [c.to_dict() for c in self.checks],
            "outside_band": self.outside,
            "spells": [s.to_dict() for s in self.spells],
            "histories_ended": self.ended,
        }


def check_dynamics(
    scenario: Scenario,
    record: Record,
    n: int = 2000,
    seed: int = 20250320,
    observation: ObservationModel | None = None,
    conditions=None,
    workers: int = 1,
    dask=None,
    progress=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> DynamicsCheck:
    """Simulate ``n`` histories over the record's months and check the record against
    them (see the module docstring). ``observation=None`` compares the record with the
    simulated truth, uncoded. Same numbers whatever ``workers`` or ``dask``."""
    from sim.parallel import map_ordered

    tasks = history_tasks(scenario, record, n, seed, observation, conditions, chunk_size)
    parts = list(
        map_ordered(
            run_history_chunk,
            tasks,
            workers=workers,
            dask=dask,
            progress=progress,
            size=lambda t: t.n,
        )
    )
    simulated = statistics(Months.concat([p.coded for p in parts]))
    observed = statistics(record_months(record))
    checks = [
        StatisticCheck(name, float(observed[name][0]), values.astype(np.float64))
        for name, values in simulated.items()
    ]
    spells = [SpellStats(name, np.sum([p.spells[name] for p in parts], axis=0)) for name in SPELLS]
    return DynamicsCheck(
        scenario.name,
        str(record.path),
        tuple(str(m) for m in record.frame.index),
        n,
        int(seed),
        "none" if observation is None else observation.name,
        checks,
        spells,
        sum(p.ended for p in parts),
    )
