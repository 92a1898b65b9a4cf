"""Conditions files: the world's structural conditions as dated changes, and a scenario
set up "as of" a month from them.

A conditions file (the shipped one is ``sim/record/conditions.yaml``) turns a timeline
into dated changes of parameters and initial state:

```yaml
name: conditions
from: 2021-01                  # the months a scenario may be set up as of
until: 2025-09
changes:                       # in date order
  - date: 2022-02-24
    change: "Russia's full-scale invasion of Ukraine"   # what happened (text)
    source: "widely reported"  # where the event is documented (required)
    parameters:                # as in a scenario file, each with its own source:
      russia:                  #   a seed quote or "assumption: reason" (the size of
        ukraine_constraint: scenario   # an effect is a modelling choice); or the word
                                       # `scenario`: from this date the scenario's own value
    initial:
      occupied_km2: 40         # a value (its source is the change's) or `scenario`
levers_without_parameter:      # timeline levers that map to no parameter, and why
  treaty track: "..."
```

A scenario as of month M has every change dated on or before the first day of M
applied, in order, over the scenario. The scenario describes the present; a change to
``scenario`` says "from here on as the scenario has it", so setting a scenario up as of
its own date changes nothing the timeline has not changed since.
"""

import datetime
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from sim.params import ParamKey
from sim.scenario.paths import not_a_scenario
from sim.scenario.problems import Problem, ScenarioError, shown, type_name
from sim.scenario.schema import ParamEntry, read_layer
from sim.scenario.yamlio import item_line, key_line, load_yaml

SHIPPED_CONDITIONS = Path(__file__).resolve().parents[1] / "record" / "conditions.yaml"
SCENARIO_VALUE = "scenario"  # "the scenario's own value from this date"
TOP_KEYS = ("name", "description", "from", "until", "changes", "levers_without_parameter")
CHANGE_KEYS = ("date", "change", "source", "parameters", "initial")


@dataclass(frozen=True)
class Change:
    """One dated change. ``parameters`` and ``initial`` map a key to its new value
    (a ParamEntry, or an initial value); None means "the scenario's own"."""

    date: datetime.date
    change: str
    source: str
    parameters: dict[str, ParamEntry | None] = field(default_factory=dict)
    initial: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Conditions:
    path: Path
    first_month: pd.Period
    last_month: pd.Period
    changes: tuple[Change, ...]
    levers_without_parameter: dict[str, str] = field(default_factory=dict)
    from_line: int | None = None  # where from: and until: are, for messages
    until_line: int | None = None

    def until(self, month: pd.Period) -> list[Change]:
        """The changes in force at the start of ``month`` (dated on or before its 1st)."""
        cutoff = month.start_time.date()
        return [c for c in self.changes if c.date <= cutoff]


def as_month(value) -> pd.Period | None:
    """A month from "YYYY-MM" text or a Period; None if it is neither."""
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    if isinstance(value, str):
        text = value.strip()
        # ASCII digits only (str.isdigit() takes "²"), year 1 on (there is no year 0).
        if re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", text) and int(text[:4]) >= 1:
            return pd.Period(text, freq="M")
    return None


def as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def load_conditions(path=None, registry=None) -> Conditions:
    """Read and validate a conditions file (None: the shipped one); every problem is
    raised together as a :class:`ScenarioError`."""
    if registry is None:
        from sim.actors import PARAMS_BY_KEY as registry  # lazily, as sim.scenario does

    path = Path(path) if path is not None else SHIPPED_CONDITIONS
    data, problems = load_yaml(path)  # refuses impossible dates itself, with their line
    if not_a_scenario(path, data, problems, required="changes"):
        # It may be any file the path reached: say so without quoting any of it.
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    "is not a conditions file (a YAML mapping with from:, until: and changes:)",
                )
            ]
        )
    if problems:
        raise ScenarioError(problems)
    file = str(path)

    def fail(line, key_path, message):
        problems.append(Problem(file, line, key_path, message))

    for key in data:
        if key not in TOP_KEYS:
            fail(
                key_line(data, key),
                str(key),
                f"unknown top-level key '{key}' (expected {', '.join(TOP_KEYS)})",
            )
    months = {}
    for key in ("from", "until"):
        month = as_month(data.get(key))
        if month is None:
            fail(
                key_line(data, key) or 1,
                key,
                f"expected a month like 2021-01, found {shown(data.get(key))}",
            )
        months[key] = month
    start, end = months["from"], months["until"]
    if start is not None and end is not None and start > end:
        fail(
            key_line(data, "until"), "until", f"{months['until']} is before from: {months['from']}"
        )
    levers = data.get("levers_without_parameter", {})
    if not isinstance(levers, dict) or not all(isinstance(v, str) for v in levers.values()):
        fail(
            key_line(data, "levers_without_parameter"),
            "levers_without_parameter",
            "expected a mapping of lever: reason (text)",
        )
        levers = {}
    node = data.get("changes")
    changes: list[Change] = []
    if not isinstance(node, list) or not node:
        fail(
            key_line(data, "changes") or 1,
            "changes",
            f"expected a list of dated changes, found {type_name(node)}",
        )
    else:
        for i, item in enumerate(node):
            change = _read_change(
                path, item, item_line(node, i), f"changes[{i}]", registry, problems
            )
            if change is None:
                continue
            if changes and change.date < changes[-1].date:
                fail(
                    item_line(node, i),
                    f"changes[{i}].date",
                    f"{change.date} is out of date "
                    f"order (after {changes[-1].date}); list changes in date order",
                )
            if months["until"] is not None and change.date > months["until"].end_time.date():
                fail(
                    item_line(node, i),
                    f"changes[{i}].date",
                    f"{change.date} is after until: {months['until']}",
                )
            changes.append(change)
    if problems:
        raise ScenarioError(problems)
    return Conditions(
        path,
        months["from"],
        months["until"],
        tuple(changes),
        {str(k): str(v) for k, v in levers.items()},
        key_line(data, "from"),
        key_line(data, "until"),
    )


def _read_change(path: Path, item, line, kp: str, registry, problems) -> Change | None:
    file = str(path)
    before = len(problems)

    def fail(at, key_path, message):
        problems.append(Problem(file, at or line, key_path, message))

    if not isinstance(item, dict):
        fail(
            line, kp, f"expected a mapping (date:, change:, source:, ...), found {type_name(item)}"
        )
        return None
    for key in item:
        if key not in CHANGE_KEYS:
            fail(
                key_line(item, key),
                f"{kp}.{key}",
                f"unknown key '{key}' (expected {', '.join(CHANGE_KEYS)})",
            )
    date = as_date(item.get("date"))
    if date is None:
        fail(
            key_line(item, "date"),
            f"{kp}.date",
            f"expected a date like 2022-02-24, found {shown(item.get('date'))}",
        )
    for key in ("change", "source"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            fail(
                key_line(item, key),
                f"{kp}.{key}",
                f"missing: every change needs {key}: "
                + (
                    "(what happened)"
                    if key == "change"
                    else "(where it is documented, or 'assumption: reason')"
                ),
            )
    if "parameters" not in item and "initial" not in item:
        fail(line, kp, "sets nothing: give parameters: or initial:")
    restore_params = _take_scenario_values(item.get("parameters"), registry, nested=True)
    restore_initial = _take_scenario_values(item.get("initial"), registry, nested=False)
    _require_sources(item.get("parameters"), kp, fail)
    doc = {"name": "conditions"}
    for key in ("parameters", "initial"):
        if key in item:
            doc[key] = item[key]
    layer, found = read_layer(path, doc, registry)
    for p in found:  # read as a scenario fragment: say where in the conditions file
        problems.append(
            Problem(
                p.file,
                p.line or key_line(item, p.key_path.split(".")[0]) or line,
                f"{kp}.{p.key_path}",
                p.message,
            )
        )
    if len(problems) > before or date is None:  # (a missing date is among the problems)
        return None
    params: dict[str, ParamEntry | None] = {k: None for k in restore_params}
    for key, entry in layer.parameters.items():
        params[key] = replace(entry, origin=path)
    initial: dict[str, object] = {k: None for k in restore_initial}
    initial.update(layer.initial)
    return Change(date, item["change"].strip(), item["source"].strip(), params, initial)


def _take_scenario_values(node, registry, nested: bool) -> list[str]:
    """Remove the ``scenario`` entries (known keys only: unknown ones stay, to be reported
    by the scenario reader) and return their keys."""
    from sim.scenario.schema import INITIAL_FIELDS

    taken: list[str] = []
    if not isinstance(node, dict):
        return taken
    groups = (
        [(actor, group) for actor, group in node.items() if isinstance(group, dict)]
        if nested
        else [(None, node)]
    )
    for actor, group in groups:
        for name in [n for n, v in group.items() if v == SCENARIO_VALUE]:
            try:
                key = ParamKey.of(str(actor), str(name)) if nested else str(name)
            except ValueError:  # not a key's spelling: left for the scenario reader
                continue
            if (nested and key in registry) or (not nested and key in INITIAL_FIELDS):
                del group[name]
                taken.append(key)
    return taken


def _require_sources(node, kp: str, fail) -> None:
    """Each parameter a change sets carries its own source: how large the effect is,
    is a modelling choice beyond the event's own source."""
    if not isinstance(node, dict):
        return
    for actor, group in node.items():
        if not isinstance(group, dict):
            continue
        for name, entry in group.items():
            if not isinstance(entry, dict) or "source" not in entry:
                fail(
                    key_line(group, name),
                    f"{kp}.parameters.{actor}.{name}",
                    "missing source: a value set by a change needs source: (a seed quote "
                    "or 'assumption: reason'), or write `scenario`",
                )


def apply_conditions(
    scenario,
    month,
    conditions: Conditions,
    where: tuple | None = None,
    what: str = "as_of",
    day: datetime.date | None = None,
):
    """``scenario`` set up as of the start of ``month`` (see the module docstring), or as
    of ``day`` within it (the changes dated on or before that day: a scenario dated 20
    March knows of a change of the 13th). ``where`` (file, line) names the input in the
    message if ``month`` is out of range; without it the message names the conditions
    file's from: or until: line, and
    ``what`` says where the month came from (an origin, the record's first month)."""
    period = as_month(month)
    if period is None:
        file, line = where or (str(conditions.path), None)
        raise ScenarioError(
            [Problem(file, line, what, f"expected a month like 2022-01, found {shown(month)}")]
        )
    if not conditions.first_month <= period <= conditions.last_month:
        early = period < conditions.first_month
        file, line = where or (
            str(conditions.path),
            conditions.from_line if early else conditions.until_line,
        )
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    what,
                    (
                        f"{period} is outside the months the conditions file covers, "
                        f"{conditions.first_month} to {conditions.last_month} "
                        f"({conditions.path.name}): give a month inside them, or leave "
                        f"{what} out"
                    ),
                )
            ]
        )
    params, initial = dict(scenario.parameters), {}
    changes = conditions.until(period)
    if day is not None:
        changes = [c for c in conditions.changes if c.date <= day]
    for change in changes:
        for key, entry in change.parameters.items():
            own = scenario.parameters.get(key)
            if entry is None:
                params[key] = own
            else:
                params[key] = replace(entry, meaning=entry.meaning or (own and own.meaning))
        for key, value in change.initial.items():
            initial[key] = getattr(scenario.initial, key) if value is None else value
    return replace(
        scenario,
        as_of=day or period.start_time.date(),
        parameters=params,
        initial=replace(scenario.initial, **initial),
    )
