"""What a calibration compares: summary statistics of a monthly record, and their distance.

The record (``data/record/``) gives, for each calendar month, the highest rung reached on
Armenia's territory, the CSTO's reaction and whether sanctions were imposed. A simulated
record is read the same way: a month's highest rung is the maximum of the model's weekly
rungs over that month's weeks (:func:`sim.record.month_weeks`), a CSTO reaction is a month
in which the model's CSTO response rose to a statement or more, and sanctions a month in
which the US/EU imposed them.

The statistics:

- for each sub-period of the record (split where the conditions change,
  :func:`periods`), the share of months whose highest rung is at least 1 (tension),
  2 (a border clash) and 3 (a limited incursion): how often the dyad sits on each part
  of the ladder, before and after Russia's war and the EU monitors;
- over the whole window, whether the CSTO reacted (statement or more) at least once,
  and whether sanctions were imposed (0 or 1 each).

Why these: they compare like with like (the same calendar months, the same conditions
switched on at the same dates), they are what the model's Azerbaijan rule and the
CSTO and sanctions hazards produce, and they are robust to the record's known coding
errors (its README: "a calibration should not chase single months"). A month coded 0
that was really a 1, or a death count off by a few, moves a share by 1/m (m the months of
the period, 12 or more), well inside the tolerances the inference reaches; no statistic
depends on which month an event fell in within a period, or on death counts at all.
The model's CSTO response and its sanctions are the strongest so far (they never reset),
so a simulated record cannot show a second CSTO statement as the record does (2021-05,
2022-09): the comparable fact is whether the CSTO reacted at all in the window. Each
indicator is one bit of evidence and counts half in the distance.

The outcomes compared are rows of :mod:`sim.outcomes`, read as each row says: the rung
outcomes with a simulated-week reader (``in_week``: border clash, limited incursion)
give the rungs of the shares beside tension (a month's highest rung, from the record's
``highest_rung`` and the highest of the model's weekly rungs), and the two indicators are
the ``csto_statement`` and ``sanctions_imposed`` rows (a month of the record by their
month readers, a simulated week by their week readers). Which outcomes a calibration
compares is its own choice (above), so the two indicators are named here; giving
another row a week reader adds its share (a rung outcome) or fails
``tests/test_outcome_rows.py`` until a statistic reads it.

Distance between one simulated record and the observed one: the weighted L1 distance of
their statistics (shares count fully, the two indicators half). Each model call simulates
a few records (:mod:`sim.calibration.simulator`) and the distance is the smallest over
them; see :func:`record_distance` for why that keeps the inference honest.
"""

from dataclasses import dataclass

import numpy as np

from sim.ladder import Rung
from sim.outcomes import BY_NAME, OUTCOME_TABLE

# The rungs whose shares of months are compared: tension, then the rung of each rung
# outcome a simulated week shows (1, 2, 3).
RUNG_THRESHOLDS = (
    int(Rung.TENSION),
    *(int(o.rung) for o in OUTCOME_TABLE if o.rung is not None and o.in_week is not None),
)
# The two indicators over the window, as rows (MonthlyRecord's csto and sanctions).
CSTO = BY_NAME["csto_statement"]
SANCTIONS = BY_NAME["sanctions_imposed"]
INDICATOR_WEIGHT = 0.5
MIN_PERIOD_MONTHS = 12


@dataclass(frozen=True)
class MonthlyRecord:
    """Monthly series of one or more records: arrays of shape (records, months)."""

    rung: np.ndarray  # int, highest rung of the month
    csto: np.ndarray  # bool, the CSTO reacted (statement or more) that month (CSTO's row)
    sanctions: np.ndarray  # bool, US/EU sanctions imposed that month (SANCTIONS' row)

    @classmethod
    def single(cls, rung, csto, sanctions) -> "MonthlyRecord":
        """One record from three 1-D series (e.g. the observed record)."""
        return cls(
            np.atleast_2d(np.asarray(rung, dtype=np.int64)),
            np.atleast_2d(np.asarray(csto, dtype=bool)),
            np.atleast_2d(np.asarray(sanctions, dtype=bool)),
        )

    @property
    def months(self) -> int:
        return self.rung.shape[1]


def periods(months: int, change_months: list[int]) -> list[tuple[int, int]]:
    """Sub-periods ``[start, stop)`` of a record of ``months`` months, split at months
    where conditions change: walking the changes in order, a period ends at a change once
    it is MIN_PERIOD_MONTHS long and at least that many months remain, so every share
    rests on a year or more of record.
    """
    spans, begin = [], 0
    for cut in sorted({m for m in change_months if 0 < m < months}):
        if cut - begin >= MIN_PERIOD_MONTHS and months - cut >= MIN_PERIOD_MONTHS:
            spans.append((begin, cut))
            begin = cut
    spans.append((begin, months))
    return spans


def statistic_names(spans: list[tuple[int, int]], month_labels: list[str]) -> list[str]:
    """One name per statistic, in the order :func:`statistics` returns them."""
    names = []
    for a, b in spans:
        tag = f"{month_labels[a]}..{month_labels[b - 1]}"
        names += [f"{tag} share rung>={k}" for k in RUNG_THRESHOLDS]
    return [*names, "CSTO reacted in the window", "sanctions imposed in the window"]


def statistics(record: MonthlyRecord, spans: list[tuple[int, int]]) -> np.ndarray:
    """(records, n_statistics) summary statistics (see the module doc)."""
    out = []
    for a, b in spans:
        rung = record.rung[:, a:b]
        out += [(rung >= k).mean(axis=1) for k in RUNG_THRESHOLDS]
    out.append(record.csto.any(axis=1).astype(np.float64))
    out.append(record.sanctions.any(axis=1).astype(np.float64))
    return np.stack(out, axis=1)


def statistic_weights(spans: list[tuple[int, int]]) -> np.ndarray:
    """How much each statistic counts in the distance (shares 1, indicators half)."""
    return np.array(
        [1.0] * len(RUNG_THRESHOLDS) * len(spans) + [INDICATOR_WEIGHT, INDICATOR_WEIGHT]
    )


@dataclass(frozen=True)
class RecordDistance:
    """The distance pyabc thresholds: the smallest weighted L1 distance between the
    observed statistics and those of any of the records one model call simulated.

    Taking the smallest of R records is still ABC for the right posterior, only with a
    boosted acceptance rate: a parameter value is accepted with probability
    1 - (1 - q)^R, where q is the chance that one record lands within the tolerance;
    for small q that is about R q, proportional to the ABC likelihood q, so the posterior
    is unchanged. Where q is not small the acceptance saturates, which flattens the
    likelihood and widens the posterior (the error is on the cautious side), and it
    shrinks as the tolerances fall from one generation to the next. Averaging the R
    records instead would give a posterior as if the record had been seen R times: too
    narrow.
    """

    weights: tuple[float, ...]

    def __call__(self, simulated: dict, observed: dict) -> float:
        sim = np.atleast_2d(np.asarray(simulated["stats"], dtype=np.float64))
        obs = np.asarray(observed["stats"], dtype=np.float64)
        return float((np.abs(sim - obs) @ np.asarray(self.weights)).min())


def monthly_from_weekly(
    weekly_rung: np.ndarray,
    weekly_csto: np.ndarray,
    weekly_sanctioned: np.ndarray,
    weeks_per_month: list[int],
    start_csto: np.ndarray | None = None,
    start_sanctioned: np.ndarray | None = None,
) -> MonthlyRecord:
    """A simulated record's months from its weeks (arrays of shape (weeks, records)).

    A month's rung is the highest weekly rung in it; the CSTO reacted in a month if its
    response (the strongest so far) rose to a statement or more during it; sanctions were
    imposed in a month if they came into force during it.
    """
    ends = np.cumsum(weeks_per_month)
    starts = ends - np.asarray(weeks_per_month)
    if ends[-1] != weekly_rung.shape[0]:
        raise ValueError(f"{weekly_rung.shape[0]} weeks simulated for {ends[-1]} weeks of months")
    rung = np.stack(
        [weekly_rung[a:b].max(axis=0) for a, b in zip(starts, ends, strict=True)], axis=1
    )
    n = weekly_rung.shape[1]
    csto_before = np.zeros(n, dtype=bool) if start_csto is None else start_csto
    sanctioned_before = np.zeros(n, dtype=bool) if start_sanctioned is None else start_sanctioned
    csto_end = np.stack([weekly_csto[b - 1] for b in ends], axis=1)
    sanctions_end = np.stack([weekly_sanctioned[b - 1] for b in ends], axis=1)
    csto_prev = np.concatenate([csto_before[:, None], csto_end[:, :-1]], axis=1)
    sanctions_prev = np.concatenate([sanctioned_before[:, None], sanctions_end[:, :-1]], axis=1)
    return MonthlyRecord(
        rung.astype(np.int64), csto_end & ~csto_prev, sanctions_end & ~sanctions_prev
    )
