"""The monthly record of the conflict on Armenia's territory, read and checked.

``data/record/armenia_azerbaijan_monthly.csv`` (January 2021 to June 2024, with sources;
its README gives the columns and the caveats) or any CSV with the same columns, so a
user can extend the record and re-score. Every mistake is reported with the file, the
line and the column, all at once, as a :class:`~sim.scenario.ScenarioError`.

The outcomes a month shows (:func:`record_outcomes`) are read off each month by their rows
in :mod:`sim.outcomes`, the same rows the model's forecasts come from.
"""

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim import outcomes
from sim.ladder import CstoResponse
from sim.scenario.conditions import as_month
from sim.scenario.problems import Problem, ScenarioError, did_you_mean, shown

COLUMNS = (
    "month",
    "highest_rung",
    "armenian_military_deaths",
    "ground_taken",
    "csto_reaction",
    "sanctions_on_azerbaijan",
    "treaty_step",
    "event",
    "source",
)
CSTO_REACTIONS = {r.name.lower(): int(r) for r in CstoResponse}

MAX_RECORD_BYTES = 5_000_000
"""Largest record CSV read (5 MB): the shipped one is 14 kB for 42 months; a century of
months with long sources is under 1 MB."""

# The model runs in weeks; a calendar month is 52/12 of them, so 12 months are 52 weeks.
WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class Record:
    """A validated record: one row per month, indexed by ``pandas.Period`` (freq "M")."""

    path: Path
    frame: pd.DataFrame

    @property
    def first_month(self) -> pd.Period:
        return self.frame.index[0]

    @property
    def last_month(self) -> pd.Period:
        return self.frame.index[-1]


def record_outcomes() -> tuple[outcomes.Outcome, ...]:
    """The outcomes a month of the record shows (the rows of :mod:`sim.outcomes` with a
    month reader), in the order of the record's columns."""
    return outcomes.read_by("in_month", COLUMNS)


def observed_events(record: Record) -> pd.DataFrame:
    """Months x :func:`record_outcomes`: whether each outcome happened that month."""
    return pd.DataFrame(
        {o.name: o.month(record.frame) for o in record_outcomes()}, index=record.frame.index
    )


def month_weeks(start_month, months: int) -> list[int]:
    """Model weeks given to each of ``months`` calendar months from ``start_month``:
    the running total after i months is round(i * 52 / 12), so any 12 months are 52
    weeks and any H months the same number of weeks whatever the start (the start only
    names the months; the run is counted from it)."""
    parse_month(start_month)  # checks it
    if months < 0:
        raise ValueError(f"a number of months must be 0 or more, got {months}")
    edges = [math.floor(i * WEEKS_PER_MONTH + 0.5) for i in range(months + 1)]
    return [b - a for a, b in zip(edges, edges[1:], strict=False)]


def parse_month(value) -> pd.Period:
    """A month from "YYYY-MM" text or a ``pandas.Period``; ValueError otherwise."""
    month = as_month(value)
    if month is None:
        raise ValueError(f"expected a month like 2022-01, found {shown(value)}")
    return month


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.strip().lower())


def _int(text: str) -> int | None:
    """A whole number of at most 15 digits (ASCII), else None: a longer one is no count
    of this record, and past 4,300 digits ``int()`` itself refuses it."""
    text = text.strip()
    return int(text) if re.fullmatch(r"[+-]?[0-9]{1,15}", text) else None


def _check_row(file: str, line: int, row: dict, problems: list[Problem]) -> dict | None:
    """One CSV row as typed values, or None (its problems appended)."""

    def fail(column: str, message: str) -> None:
        problems.append(Problem(file, line, column, message))

    before = len(problems)
    out = {}
    month = as_month(row["month"])
    if month is None:
        fail("month", f"expected a month like 2022-01, found {shown(row['month'].strip())}")
    else:
        out["month"] = month
    rung = _int(row["highest_rung"])
    if rung is None or not 0 <= rung <= 5:
        fail("highest_rung", f"expected a rung from 0 to 5, found {shown(row['highest_rung'])}")
    out["highest_rung"] = rung
    deaths = _int(row["armenian_military_deaths"])
    if deaths is None or deaths < 0:
        fail(
            "armenian_military_deaths",
            "expected a whole number of at least 0 (at most "
            "15 digits), found "
            f"{shown(row['armenian_military_deaths'])}",
        )
    out["armenian_military_deaths"] = deaths
    for column in ("ground_taken", "sanctions_on_azerbaijan"):
        value = _bool(row[column])
        if value is None:
            fail(column, f"expected true or false, found {shown(row[column])}")
        out[column] = value
    reaction = row["csto_reaction"].strip().lower()
    if reaction not in CSTO_REACTIONS:
        fail(
            "csto_reaction",
            f"unknown CSTO reaction {shown(row['csto_reaction'])}; expected "
            f"one of {', '.join(CSTO_REACTIONS)}"
            f"{did_you_mean(reaction, CSTO_REACTIONS)}",
        )
    out["csto_reaction"] = CSTO_REACTIONS.get(reaction)
    for column in ("treaty_step", "event", "source"):
        out[column] = row[column] or ""
    return out if len(problems) == before else None


def _check_sequence(
    file: str, months: list[tuple[int, pd.Period]], problems: list[Problem]
) -> None:
    """Months must run one after another: none out of order, no repeats, no gaps (gaps
    are only looked for once the order is right: a swapped pair is one mistake)."""
    pairs = list(zip(months, months[1:], strict=False))
    disorder = [
        Problem(
            file,
            line,
            "month",
            f"{month} is repeated"
            if month == prev
            else f"{month} is out of order (after {prev}); months must be in order",
        )
        for (_, prev), (line, month) in pairs
        if month <= prev
    ]
    problems.extend(disorder)
    if not disorder:
        problems.extend(
            Problem(
                file, line, "month", f"gap: {prev} is followed by {month} (expected {prev + 1})"
            )
            for (_, prev), (line, month) in pairs
            if month != prev + 1
        )


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the (line, row) pairs of the CSV at ``path``, read with the guards
    of a scenario file (:func:`sim.files.read_input_bytes`): a regular file of at most
    ``MAX_RECORD_BYTES``, UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"
    writes one), each column named once."""
    from sim.files import read_input_bytes

    file = str(path)
    raw = read_input_bytes(path, MAX_RECORD_BYTES, "a monthly record CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ScenarioError(
            [Problem(file, line, "", f"cannot read the file: not UTF-8 text (byte {err.start})")]
        ) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = list(reader.fieldnames or [])
        seen: dict[str, int] = {}
        twice = []
        for i, name in enumerate(header, start=1):
            if name in seen and name in COLUMNS:
                twice.append(
                    Problem(
                        file,
                        1,
                        name,
                        f"column '{name}' is given twice (columns {seen[name]} and {i})",
                    )
                )
            seen.setdefault(name, i)
        if twice:
            raise ScenarioError(twice)
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ScenarioError(
                [
                    Problem(
                        file, 1, c, f"missing column '{c}' (the record needs {', '.join(COLUMNS)})"
                    )
                    for c in missing
                ]
            )
        return header, [(reader.line_num, row) for row in reader]
    except csv.Error as err:
        raise ScenarioError(
            [Problem(file, reader.line_num or None, "", f"cannot read the file: {err}")]
        ) from None


def load_record(path) -> Record:
    """Read and check the record CSV at ``path`` (see the module docstring)."""
    path = Path(path)
    file = str(path)
    header, raw = _read_rows(path)
    problems: list[Problem] = []
    rows, months = [], []
    for line, row in raw:
        if None in row or any(row.get(c) is None for c in COLUMNS):
            problems.append(
                Problem(
                    file,
                    line,
                    "",
                    f"expected {len(header)} fields, found "
                    f"{len([v for v in row.values() if v is not None])}",
                )
            )
            continue
        typed = _check_row(file, line, row, problems)
        if typed is not None:
            rows.append(typed)
        if (month := as_month(row["month"])) is not None:
            months.append((line, month))
    _check_sequence(file, months, problems)
    if not raw:
        problems.append(Problem(file, 2, "", "the record has no months"))
    if problems:
        raise ScenarioError(problems)
    frame = pd.DataFrame(rows).set_index("month")
    frame.index = pd.PeriodIndex(frame.index, freq="M", name="month")
    frame = frame.astype(
        {
            "highest_rung": int,
            "armenian_military_deaths": int,
            "ground_taken": bool,
            "csto_reaction": int,
            "sanctions_on_azerbaijan": bool,
            "treaty_step": str,
            "event": str,
            "source": str,
        }
    )
    return Record(path=path, frame=frame)
