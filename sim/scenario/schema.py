"""The scenario file format, and the validation of one file into a :class:`Layer`.

```yaml
name: baseline                 # required: text
description: >                 # optional text
  ...
as_of: 2025-03                 # optional month the scenario describes: the world set
                               #   up as of the 1st of that month from the conditions file
                               #   (sim.scenario.conditions), applied over the scenario
                               #   this file extends; then this file's own keys apply over
                               #   the result. A full date (2025-03-20) sets the world
                               #   up as of that day: the changes dated on or before it
                               #   (an article of 20 March knows of a text agreed on
                               #   the 13th); its month is the scenario's month
conditions: my-conditions.yaml # optional with as_of: the conditions file to use
                               #   (default: the shipped sim/record/conditions.yaml)
horizon_weeks: 52              # optional whole number, 1..520 (default 52)
extends: ../baseline.yaml      # optional: a file this one starts from (path relative to
                               # this file); keys given here override it key by key
initial:                       # optional; each field overrides the parent's
  rung: 1                      #   0..5 (0 negotiation ... 5 full-scale invasion)
  occupied_km2: 170            #   >= 0
  minsk_group_dissolved: false #   true/false (treaty condition 1)
  constitution_reformed: false #   true/false (treaty condition 2)
  sanctions_imposed: false     #   true/false
parameters:                    # optional; grouped by actor, keyed by parameter name
  azerbaijan:
    risk_aversion:
      value: 0.8               # exactly one of: value: x | uniform: [lo, hi]
                               #   | beta: {a:, b:[, low:, high:]} | triangular: [lo, mode, hi]
                               #   | normal: {mean:, sd:} (truncated to the parameter's range)
                               #   | posterior: {file: post.parquet, column: azerbaijan.x}
                               #     (a column of a Parquet file of joint samples, path
                               #     relative to this file; columns of one file are drawn
                               #     from the same row per world; optional 'weight' column)
      meaning: "one line"      # optional text
      source: "001_9c941c53d8712548.txt: \"...a highly risk-averse actor\""  # optional:
                               #   a seed file name and a quote, or "assumption: reason"
    decision_noise: 1.0        # shorthand for {value: 1.0}, without provenance
```

Expert lenses add ``claims:`` and history cases ``observed:`` (see
:mod:`sim.scenario.claims`). Unknown keys are errors with a "did you mean"; every
value is checked against its type and range; all problems of a file are reported
together.
"""

import datetime
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from sim.limits import MAX_HORIZON_WEEKS
from sim.params import ParamKey, ParamSpec, is_traceable
from sim.scenario.claims import Claim, Observed, read_claims, read_observed
from sim.scenario.distributions import (
    KINDS,
    Beta,
    Distribution,
    Fixed,
    Triangular,
    TruncNormal,
    Uniform,
    load_posterior,
)
from sim.scenario.paths import check_reference
from sim.scenario.problems import Problem, did_you_mean, shown, type_name
from sim.scenario.yamlio import item_line, key_line

INITIAL_FIELDS = {  # field: (type, check, what a valid value is)
    "rung": (int, lambda v: 0 <= v <= 5, "a whole number from 0 to 5"),
    "occupied_km2": (float, lambda v: v >= 0, "a number of at least 0"),
    "minsk_group_dissolved": (bool, None, "true or false"),
    "constitution_reformed": (bool, None, "true or false"),
    "sanctions_imposed": (bool, None, "true or false"),
}
ENTRY_KEYS = (*KINDS, "meaning", "source")
MAX_HORIZON = MAX_HORIZON_WEEKS
MAX_BETA_SHAPE = 1e6  # a Beta's a and b at most this
MAX_SD_WIDTHS = 1000  # a normal's sd at most this many times its parameter's range


@dataclass
class ParamEntry:
    """A parameter's distribution, meaning and provenance, and the file that set it."""

    dist: Distribution
    meaning: str | None = None
    source: str | None = None
    origin: Path | None = None


@dataclass
class Layer:
    """What one scenario file says, before ``extends`` is resolved (None: not given)."""

    path: Path
    name: str | None = None
    description: str | None = None
    as_of: datetime.date | None = None
    as_of_month: str | None = None  # "YYYY-MM": set the world up as of this month
    as_of_day: datetime.date | None = None  # a full date: the changes on or before it
    as_of_line: int | None = None
    conditions: str | None = None  # conditions file for as_of_month (None: the shipped one)
    conditions_line: int | None = None
    horizon_weeks: int | None = None
    extends: str | None = None
    extends_line: int | None = None
    initial: dict = field(default_factory=dict)
    parameters: dict[str, ParamEntry] = field(default_factory=dict)
    claims: list[Claim] | None = None
    observed: Observed | None = None


def is_finite_number(value) -> bool:
    """A number that is neither NaN nor infinite and fits a float (a YAML integer of 400
    digits does not: ``float()`` raises OverflowError on it)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


class Checker:
    """Collects the problems of one file while its values are read."""

    def __init__(self, path: Path, registry: dict[str, ParamSpec]) -> None:
        self.file = str(path)
        self.registry = registry
        self.problems: list[Problem] = []

    def fail(self, line, key_path: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, key_path, message))

    def number(self, value, line, key_path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(line, key_path, f"expected a number, found {type_name(value)} {shown(value)}")
            return None
        if not is_finite_number(value):
            self.fail(line, key_path, f"expected a finite number, found {shown(value)}")
            return None
        return float(value)

    def text(self, value, line, key_path: str) -> str | None:
        if not isinstance(value, str):
            self.fail(line, key_path, f"expected text, found {type_name(value)} {shown(value)}")
            return None
        return str(value)  # plain str: the loader's own string types do not serialise

    def mapping(self, node, line, key_path: str, allowed, what: str) -> bool:
        """True if ``node`` is a mapping (its unknown keys reported); else reports that."""
        if not isinstance(node, dict):
            self.fail(line, key_path, f"expected a mapping, found {type_name(node)}")
            return False
        self.unknown_keys(node, allowed, key_path, what)
        return True

    def unknown_keys(self, node: dict, allowed, key_path: str, what: str) -> None:
        for key in node:
            if key not in allowed:
                kp = f"{key_path}.{key}" if key_path else str(key)
                self.fail(
                    key_line(node, key), kp, f"unknown {what} '{key}'{did_you_mean(key, allowed)}"
                )


# Top-level keys and how each is read; later features add keys here (e.g. claims:).
def _read_name(c: Checker, layer: Layer, value, line) -> None:
    layer.name = c.text(value, line, "name")
    if layer.name is not None and not layer.name.strip():
        c.fail(line, "name", "must not be empty")


def _read_description(c, layer, value, line) -> None:
    layer.description = c.text(value, line, "description")


def _read_as_of(c, layer, value, line) -> None:
    """A month, "YYYY-MM", or a full date (module docstring): both set ``as_of_month``;
    a month sets the world up from the conditions as of its 1st, a full date as of that
    day (``as_of_day``: the changes dated on or before it). ``as_of`` is that day."""
    layer.as_of_line = line
    month = _as_of_month(value)
    if month is None:
        c.fail(
            line,
            "as_of",
            f"expected a month like 2024-03 (or a date like 2024-03-15), found {shown(value)}",
        )
        return
    layer.as_of_month = month
    layer.as_of = layer.as_of_day = _full_date(value)
    if layer.as_of is None:
        layer.as_of = datetime.date(int(month[:4]), int(month[5:]), 1)


def _full_date(value) -> datetime.date | None:
    """The day of a full date (YAML's date, or its text quoted); None for a month."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _as_of_month(value) -> str | None:
    """ "YYYY-MM" from a month's text or a date (YAML reads 2024-03-15 as one); None for
    anything else. ASCII digits only, year 1 on (there is no year 0)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", text) and text[:4] != "0000":
        return text
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:  # a date YAML did not read as one (quoted): the same rule
            day = datetime.date.fromisoformat(text)
        except ValueError:
            return None
        return f"{day.year:04d}-{day.month:02d}"
    return None


def _read_conditions(c, layer, value, line) -> None:
    layer.conditions = c.text(value, line, "conditions")
    layer.conditions_line = line


def _read_horizon(c, layer, value, line) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        c.fail(
            line,
            "horizon_weeks",
            f"expected a whole number of weeks, found {type_name(value)} {shown(value)}",
        )
    elif not 1 <= value <= MAX_HORIZON:
        c.fail(line, "horizon_weeks", f"expected 1 to {MAX_HORIZON} weeks, found {value}")
    else:
        layer.horizon_weeks = int(value)


def _read_extends(c, layer, value, line) -> None:
    layer.extends = c.text(value, line, "extends")
    layer.extends_line = line


def _read_initial(c, layer, node, line) -> None:
    if not c.mapping(node, line, "initial", INITIAL_FIELDS, "initial field"):
        return
    for key, (kind, check, valid) in INITIAL_FIELDS.items():
        if key not in node:
            continue
        value, kline, kp = node[key], key_line(node, key), f"initial.{key}"
        if kind is bool:
            ok = isinstance(value, bool)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = is_finite_number(value)
        if not ok or (check is not None and not check(value)):
            c.fail(kline, kp, f"expected {valid}, found {type_name(value)} {shown(value)}")
        else:
            layer.initial[key] = kind(value)


def _read_parameters(c, layer, node, line) -> None:
    if not isinstance(node, dict):
        c.fail(line, "parameters", f"expected a mapping of actors, found {type_name(node)}")
        return
    actors = sorted({spec.actor for spec in c.registry.values()})
    c.unknown_keys(node, actors, "parameters", "actor")
    for actor in actors:
        if actor not in node:
            continue
        group, gline = node[actor], key_line(node, actor)
        if not isinstance(group, dict):
            c.fail(
                gline,
                f"parameters.{actor}",
                f"expected a mapping of parameters, found {type_name(group)}",
            )
            continue
        names = [s.name for s in c.registry.values() if s.actor == actor]
        c.unknown_keys(group, names, f"parameters.{actor}", f"{actor} parameter")
        for name in names:
            if name in group:
                spec = c.registry[ParamKey.of(actor, name)]
                entry = _read_entry(c, spec, group[name], key_line(group, name))
                if entry is not None:
                    entry.origin = layer.path
                    layer.parameters[spec.key] = entry


def _read_entry(c: Checker, spec: ParamSpec, node, line) -> ParamEntry | None:
    kp = f"parameters.{spec.key}"
    if not isinstance(node, dict):
        value = c.number(node, line, kp)
        dist = None if value is None else _in_range(c, spec, Fixed(value), line, kp)
        return None if dist is None else ParamEntry(dist)
    c.unknown_keys(node, ENTRY_KEYS, kp, "key")
    kinds = [k for k in KINDS if k in node]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else "none"
        c.fail(line, kp, f"give exactly one of {', '.join(KINDS)} (found {found})")
        return None
    kind = kinds[0]
    dist = _read_dist(c, spec, kind, node[kind], key_line(node, kind) or line, f"{kp}.{kind}")
    meaning = (
        c.text(node["meaning"], key_line(node, "meaning"), f"{kp}.meaning")
        if "meaning" in node
        else None
    )
    source = None
    if "source" in node:
        source = c.text(node["source"], key_line(node, "source"), f"{kp}.source")
        if source is not None and not is_traceable(source):
            c.fail(
                key_line(node, "source"),
                f"{kp}.source",
                "a source names a seed article file (000_... or 001_...) and quotes it, "
                "or starts with 'assumption:' and gives a reason",
            )
    if dist is None:
        return None
    dist = _in_range(c, spec, dist, line, kp)
    return None if dist is None else ParamEntry(dist, meaning, source)


def _numbers(c: Checker, node, count: int, line, kp: str) -> list[float] | None:
    if not isinstance(node, list) or len(node) != count:
        c.fail(
            line, kp, f"expected a list of {count} numbers, found {type_name(node)} {shown(node)}"
        )
        return None
    values = [c.number(v, item_line(node, i) or line, f"{kp}[{i}]") for i, v in enumerate(node)]
    numbers = [v for v in values if v is not None]
    return numbers if len(numbers) == count else None


def _fields(c: Checker, node, required, optional, line, kp: str) -> dict | None:
    if not isinstance(node, dict):
        c.fail(
            line,
            kp,
            f"expected a mapping with {', '.join(required)}, found {type_name(node)} {shown(node)}",
        )
        return None
    c.unknown_keys(node, (*required, *optional), kp, "key")
    missing = [k for k in required if k not in node]
    if missing:
        c.fail(line, kp, f"missing {', '.join(missing)}")
        return None
    out = {
        k: c.number(node[k], key_line(node, k) or line, f"{kp}.{k}")
        for k in (*required, *optional)
        if k in node
    }
    return None if None in out.values() else out


def _read_dist(c: Checker, spec: ParamSpec, kind: str, node, line, kp: str):
    if kind == "value":
        value = c.number(node, line, kp)
        return None if value is None else Fixed(value)
    if kind == "uniform":
        v = _numbers(c, node, 2, line, kp)
        if v is not None and not v[0] < v[1]:
            c.fail(line, kp, f"expected low < high, found {v}")
            return None
        return None if v is None else Uniform(*v)
    if kind == "triangular":
        v = _numbers(c, node, 3, line, kp)
        if v is not None and not (v[0] <= v[1] <= v[2] and v[0] < v[2]):
            c.fail(line, kp, f"expected low <= mode <= high with low < high, found {v}")
            return None
        return None if v is None else Triangular(*v)
    if kind == "beta":
        f = _fields(c, node, ("a", "b"), ("low", "high"), line, kp)
        if f is None:
            return None
        lo, hi = f.get("low", spec.low), f.get("high", spec.high)
        if f["a"] <= 0 or f["b"] <= 0 or not lo < hi:
            c.fail(line, kp, "expected a > 0, b > 0 and low < high")
            return None
        if max(f["a"], f["b"]) > MAX_BETA_SHAPE:
            # NumPy's beta draws 0 for a = b = 1e308 (its mean is 0.5); a Beta that
            # narrow (sd under 0.0005 of the range) is a fixed value anyway.
            c.fail(
                line,
                kp,
                f"expected a and b of at most {MAX_BETA_SHAPE:,g}; a Beta that "
                "narrow is one value: write value:",
            )
            return None
        return Beta(f["a"], f["b"], lo, hi)
    if kind == "posterior":
        return _read_posterior(c, node, line, kp)
    f = _fields(c, node, ("mean", "sd"), (), line, kp)  # normal
    if f is None:
        return None
    if f["sd"] <= 0 or not spec.low <= f["mean"] <= spec.high:
        c.fail(
            line, kp, f"expected sd > 0 and a mean inside the range [{spec.low:g}, {spec.high:g}]"
        )
        return None
    if f["sd"] > MAX_SD_WIDTHS * (spec.high - spec.low):
        # Truncated to the range, so wide a normal is flat on it, and the inverse-CDF
        # draw loses its precision (at sd 1e300 every world drew the mean).
        c.fail(
            line,
            kp,
            f"sd {f['sd']:g} is more than {MAX_SD_WIDTHS:,} times the range "
            f"[{spec.low:g}, {spec.high:g}]: a normal that wide is flat on the "
            f"range; write uniform: [{spec.low:g}, {spec.high:g}]",
        )
        return None
    return TruncNormal(f["mean"], f["sd"], spec.low, spec.high)


def _read_posterior(c: Checker, node, line, kp: str):
    if not c.mapping(node, line, kp, ("file", "column"), "key"):
        return None
    missing = [k for k in ("file", "column") if k not in node]
    if missing:
        c.fail(line, kp, f"missing {', '.join(missing)}")
        return None
    file = c.text(node["file"], key_line(node, "file") or line, f"{kp}.file")
    column = c.text(node["column"], key_line(node, "column") or line, f"{kp}.column")
    if file is None or column is None:
        return None
    outside = check_reference(
        Path(c.file), Path(c.file).parent / file, f"{kp}.file", key_line(node, "file") or line
    )
    if outside is not None:
        c.problems.append(outside)
        return None
    try:
        return load_posterior(Path(c.file).parent / file, file, column)
    except ValueError as exc:
        c.fail(line, kp, str(exc))
        return None


def _in_range(
    c: Checker, spec: ParamSpec, dist: Distribution, line, kp: str
) -> Distribution | None:
    lo, hi = dist.support()
    if lo < spec.low or hi > spec.high:
        found = f"{lo:g}" if lo == hi else f"values from {lo:g} to {hi:g}"
        c.fail(
            line,
            kp,
            f"outside the range of {spec.key}, [{spec.low:g}, {spec.high:g}] "
            f"({spec.unit}): found {found}",
        )
        return None
    return dist


def _read_claims(c, layer, node, line) -> None:
    read_claims(c, layer, node, line, read_layer)


TOP_LEVEL = {
    "name": _read_name,
    "description": _read_description,
    "as_of": _read_as_of,
    "conditions": _read_conditions,
    "horizon_weeks": _read_horizon,
    "extends": _read_extends,
    "initial": _read_initial,
    "parameters": _read_parameters,
    "claims": _read_claims,
    "observed": read_observed,
}


def read_layer(
    path: Path, data: dict, registry: dict[str, ParamSpec]
) -> tuple[Layer, list[Problem]]:
    """Validate one file's top-level mapping into a :class:`Layer` and its problems."""
    c = Checker(path, registry)
    layer = Layer(path=path)
    c.unknown_keys(data, TOP_LEVEL, "", "top-level key")
    for key, reader in TOP_LEVEL.items():
        if key in data:
            reader(c, layer, data[key], key_line(data, key))
    if "conditions" in data and "as_of" not in data:
        c.fail(
            key_line(data, "conditions"),
            "conditions",
            "needs as_of: YYYY-MM (the month to set the world up as of)",
        )
    if "name" not in data:
        c.fail(1, "name", "missing: every scenario file names itself (name: ...)")
    return layer, c.problems
