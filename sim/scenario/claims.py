"""The ``claims:`` and ``observed:`` blocks of a scenario file.

``claims:`` (expert lenses) lists the verbal conclusions of the person the lens follows:

```yaml
claims:
  - who: Tasits
    outcome: full_scale_invasion      # an outcome name (escsim run lists them)
    words: highly unlikely            # read as a band or bound by sim.analysis.words
    quote: "It seems to me highly unlikely that Azerbaijan would openly invade"
    source: 000_b6c8157d2dc91f0e.txt  # the seed article the quote is from
    horizon_weeks: 52                 # optional; default: the scenario's horizon
  - who: Tasits
    outcome: csto_military_response
    given: full_scale_invasion        # optional: a conditional claim, P(outcome | given)
    words: would have to
    quote: "They would have to react if this happens."
    source: 000_b6c8157d2dc91f0e.txt
```

A **mechanism claim** says how much one of the expert's reasons matters: the ratio of
the outcome's probability in the lens with a counterfactual change applied to its
probability in the lens itself, under common random numbers
(:mod:`sim.analysis.ratio`):

```yaml
  - who: Kopalyan
    outcome: limited_incursion
    counterfactual: ../counterfactuals/no_us_sanctions_threat.yaml   # the change
    ratio: {at_least: 2}              # P(with the change) / P(lens) >= 2; or at_most:,
                                      #   or both (a band)
    words: what has deterred Aliyev   # optional: the expert's phrase, shown as is
    quote: "what has deterred Aliyev from attacking Armenia ... the threat of U.S. sanctions"
    source: 001_9c941c53d8712548.txt
```

``counterfactual:`` is a scenario file (path relative to this file); only its own
``parameters:`` and ``initial:`` are the change, applied over the lens as resolved
(its ``extends:`` and everything else are ignored: the change is what it sets, not the
baseline it was written against). A ratio claim takes no ``given:``; its ``words:``
are not read by a word-to-number table, the bound is the ``ratio:``.

A claim's quote must not also be the source of a parameter the scenario runs with, nor
of a parameter a mechanism claim's change sets (:mod:`sim.scenario.circularity`): the
loader refuses a lens that would check its own input.

``observed:`` (history cases) records what happened in the 12 months after ``as_of``:

```yaml
observed:
  highest_rung: 2                 # 0..5, the highest rung reached
  sanctions_imposed: false
  csto_reaction: statement        # none | statement | monitoring_mission | military
  peace_treaty: false
  regional_war: false             # optional, default false
  note: "Clashes of 16 November 2021"   # optional
```
"""

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from sim import outcomes
from sim.ladder import CstoResponse
from sim.limits import MAX_HORIZON_WEEKS
from sim.outcomes import OUTCOMES
from sim.params import is_traceable
from sim.scenario.paths import check_reference, not_a_scenario
from sim.scenario.problems import Problem, did_you_mean, shown, type_name
from sim.scenario.yamlio import item_line, key_line, load_yaml

CLAIM_KEYS = (
    "who",
    "outcome",
    "given",
    "words",
    "quote",
    "source",
    "horizon_weeks",
    "counterfactual",
    "ratio",
)
RATIO_KEYS = ("at_least", "at_most")
MAX_RATIO = 1e6  # a bound beyond this (or below its inverse) no run could tell apart
OBSERVED_KEYS = (
    "highest_rung",
    "sanctions_imposed",
    "csto_reaction",
    "peace_treaty",
    "regional_war",
    "note",
)
CSTO_REACTIONS = tuple(r.name.lower() for r in CstoResponse)


@dataclass(frozen=True)
class RatioBound:
    """The bound a mechanism claim puts on P(outcome with the change) / P(outcome in
    the lens): at least ``low`` and/or at most ``high`` (None: open on that side)."""

    low: float | None = None
    high: float | None = None

    def describe(self) -> str:
        if self.high is None:
            return f">= {self.low:g}"
        if self.low is None:
            return f"<= {self.high:g}"
        return f"{self.low:g} to {self.high:g}"

    def to_dict(self) -> dict:
        out = {}
        if self.low is not None:
            out["at_least"] = self.low
        if self.high is not None:
            out["at_most"] = self.high
        return out


@dataclass(frozen=True, eq=False)  # its ParamEntry values are not hashable
class Counterfactual:
    """A counterfactual change: the ``parameters:`` and ``initial:`` of one scenario
    file, read when the claim is (so a file that extends the lens keeps it)."""

    path: Path
    written: str  # the path as the claim gives it
    name: str
    parameters: dict = field(default_factory=dict)  # key -> ParamEntry
    initial: dict = field(default_factory=dict)  # InitialState field -> value

    def apply(self, scenario):
        """``scenario`` with this change laid over it (its name says so)."""
        return replace(
            scenario,
            name=f"{scenario.name} + {self.name}",
            parameters={**scenario.parameters, **self.parameters},
            initial=replace(scenario.initial, **self.initial),
            claims=[],
        )


@dataclass(frozen=True)
class Claim:
    """A verbal probability claim about an outcome (possibly given another), or a
    mechanism claim: a bound on the ratio P(outcome | counterfactual) / P(outcome)."""

    outcome: str
    words: str
    quote: str
    source: str
    who: str = ""
    given: str | None = None
    horizon_weeks: int | None = None
    counterfactual: Counterfactual | None = field(default=None, compare=False)
    ratio: RatioBound | None = None

    @property
    def is_ratio(self) -> bool:
        return self.ratio is not None

    def to_dict(self) -> dict:
        out: dict[str, object] = {
            "who": self.who,
            "outcome": self.outcome,
            "words": self.words,
            "quote": self.quote,
            "source": self.source,
        }
        if self.given:
            out["given"] = self.given
        if self.horizon_weeks:
            out["horizon_weeks"] = self.horizon_weeks
        if self.counterfactual is not None:
            out["counterfactual"] = self.counterfactual.written
        if self.ratio is not None:
            out["ratio"] = self.ratio.to_dict()
        return out


@dataclass(frozen=True)
class Observed:
    """What happened in the 12 months after a history case's date."""

    highest_rung: int
    sanctions_imposed: bool
    csto_reaction: str
    peace_treaty: bool
    regional_war: bool = False
    note: str = ""

    def outcomes(self) -> dict[str, bool]:
        """The observed value of each outcome the case records (for scoring): the rows of
        :mod:`sim.outcomes` with a case reader, in the order of the ``observed:`` keys."""
        values = {k: getattr(self, k) for k in OBSERVED_KEYS}
        values["csto_reaction"] = CstoResponse[self.csto_reaction.upper()]
        return {o.name: o.case(values) for o in outcomes.read_by("in_case", OBSERVED_KEYS)}

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in OBSERVED_KEYS if k != "note" or self.note}


def read_claims(c, layer, node, line, read_layer) -> None:
    """Validate a ``claims:`` list into ``layer.claims``. ``read_layer`` reads a
    counterfactual file's own keys (:func:`sim.scenario.schema.read_layer`, passed in:
    the schema imports this module)."""
    if not isinstance(node, list):
        c.fail(line, "claims", f"expected a list of claims, found {type_name(node)}")
        return
    claims = []
    for i, item in enumerate(node):
        kp, iline = f"claims[{i}]", item_line(node, i) or line
        if not isinstance(item, dict):
            c.fail(
                iline, kp, f"expected a mapping (outcome:, words:, ...), found {type_name(item)}"
            )
            continue
        c.unknown_keys(item, CLAIM_KEYS, kp, "claim key")
        is_ratio = "counterfactual" in item or "ratio" in item
        needed = (
            ("outcome", "quote", "source") if is_ratio else ("outcome", "words", "quote", "source")
        )
        missing = [k for k in needed if k not in item]
        if is_ratio:
            missing += [k for k in ("counterfactual", "ratio") if k not in item]
        if missing:
            c.fail(
                iline,
                kp,
                f"missing {', '.join(missing)}"
                + (" (a mechanism claim gives counterfactual: and ratio:)" if is_ratio else ""),
            )
            continue
        values = {}
        for key in ("who", "outcome", "given", "words", "quote", "source"):
            if key in item:
                values[key] = c.text(item[key], key_line(item, key), f"{kp}.{key}")
        for key in ("outcome", "given"):
            if values.get(key) is not None and values[key] not in OUTCOMES:
                c.fail(
                    key_line(item, key),
                    f"{kp}.{key}",
                    f"unknown outcome '{values[key]}'{did_you_mean(values[key], OUTCOMES)}",
                )
                values[key] = None
        if values.get("source") is not None and not is_traceable(values["source"]):
            c.fail(
                key_line(item, "source"),
                f"{kp}.source",
                "name the seed article the quote is from (000_... or 001_...)",
            )
            values["source"] = None
        horizon = item.get("horizon_weeks")
        if horizon is not None and (
            isinstance(horizon, bool)
            or not isinstance(horizon, int)
            or not 1 <= horizon <= MAX_HORIZON_WEEKS
        ):
            c.fail(
                key_line(item, "horizon_weeks"),
                f"{kp}.horizon_weeks",
                f"expected 1 to {MAX_HORIZON_WEEKS} weeks, found {shown(horizon)}",
            )
            continue
        counterfactual = ratio = None
        if is_ratio:
            if "given" in item:
                c.fail(
                    key_line(item, "given"),
                    f"{kp}.given",
                    "a mechanism claim (counterfactual: and ratio:) compares P(outcome) in "
                    "two versions of the lens; it takes no given:",
                )
                continue
            ratio = _read_ratio(c, item["ratio"], key_line(item, "ratio") or iline, f"{kp}.ratio")
            counterfactual = _read_counterfactual(
                c, item["counterfactual"], key_line(item, "counterfactual") or iline, kp, read_layer
            )
            if ratio is None or counterfactual is None:
                continue
            values.setdefault("words", "")
        if any(values.get(k) is None for k in ("outcome", "words", "quote", "source")):
            continue
        claims.append(
            Claim(
                values["outcome"],
                values["words"],
                values["quote"],
                values["source"],
                values.get("who") or "",
                values.get("given"),
                horizon,
                counterfactual,
                ratio,
            )
        )
    layer.claims = claims


def _read_ratio(c, node, line, kp: str) -> RatioBound | None:
    """``{at_least: x}``, ``{at_most: y}`` or both: positive finite numbers, x < y."""
    if not isinstance(node, dict):
        c.fail(
            line,
            kp,
            f"expected a mapping like {{at_least: 2}} or {{at_most: 0.5}}, found "
            f"{type_name(node)} {shown(node)}",
        )
        return None
    c.unknown_keys(node, RATIO_KEYS, kp, "ratio key")
    bounds = {}
    for key in RATIO_KEYS:
        if key not in node:
            continue
        value = node[key]
        ok = (
            not isinstance(value, bool)
            and isinstance(value, int | float)
            and math.isfinite(value)
            and 1 / MAX_RATIO <= value <= MAX_RATIO
        )
        if not ok:
            c.fail(
                key_line(node, key) or line,
                f"{kp}.{key}",
                f"expected a ratio between {1 / MAX_RATIO:g} and {MAX_RATIO:g} (2: twice as "
                f"likely, 0.5: half as likely), found {type_name(value)} {shown(value)}",
            )
            return None
        bounds[key] = float(value)
    if not bounds:
        c.fail(line, kp, "give at_least:, at_most: or both (e.g. {at_least: 2})")
        return None
    low, high = bounds.get("at_least"), bounds.get("at_most")
    if low is not None and high is not None and not low < high:
        c.fail(line, kp, f"expected at_least < at_most, found {low:g} and {high:g}")
        return None
    return RatioBound(low, high)


def _read_counterfactual(c, value, line, kp: str, read_layer) -> Counterfactual | None:
    """The file a mechanism claim names: its own parameters: and initial: (validated
    as a scenario file's, every problem reported), relative to the claim's file."""
    written = c.text(value, line, f"{kp}.counterfactual")
    if written is None:
        return None
    here = Path(c.file)
    target = here.parent / written
    outside = check_reference(here, target, f"{kp}.counterfactual", line)
    if outside is not None:
        c.problems.append(outside)
        return None
    path = target.resolve()
    if not path.is_file():
        c.fail(line, f"{kp}.counterfactual", f"the counterfactual file does not exist: {path}")
        return None
    data, found = load_yaml(path)
    if not_a_scenario(path, data, found):
        c.fail(
            line,
            f"{kp}.counterfactual",
            f"{path} is not a scenario file (a YAML mapping with name:)",
        )
        return None
    if found:
        c.problems.extend(found)
        return None
    # Only the change is read: its own claims (which could name this file back) are not.
    layer, found = read_layer(path, {k: v for k, v in data.items() if k != "claims"}, c.registry)
    if found:
        c.problems.extend(found)
        c.problems.append(
            Problem(c.file, line, f"{kp}.counterfactual", f"{path.name} has the problems above")
        )
        return None
    if not layer.parameters and not layer.initial:
        c.fail(
            line,
            f"{kp}.counterfactual",
            f"{path.name} changes nothing: a counterfactual sets parameters: or initial:",
        )
        return None
    return Counterfactual(
        path, written, layer.name or path.stem, dict(layer.parameters), dict(layer.initial)
    )


def read_observed(c, layer, node, line) -> None:
    """Validate an ``observed:`` mapping into ``layer.observed``."""
    if not c.mapping(node, line, "observed", OBSERVED_KEYS, "observed key"):
        return
    ok = True
    for key in ("highest_rung", "sanctions_imposed", "csto_reaction", "peace_treaty"):
        if key not in node:
            c.fail(line, "observed", f"missing {key}")
            ok = False
    rung = node.get("highest_rung")
    if rung is not None and (
        isinstance(rung, bool) or not isinstance(rung, int) or not 0 <= rung <= 5
    ):
        c.fail(
            key_line(node, "highest_rung"),
            "observed.highest_rung",
            f"expected a whole number from 0 to 5, found {shown(rung)}",
        )
        ok = False
    for key in ("sanctions_imposed", "peace_treaty", "regional_war"):
        if key in node and not isinstance(node[key], bool):
            c.fail(
                key_line(node, key),
                f"observed.{key}",
                f"expected true or false, found {type_name(node[key])} {shown(node[key])}",
            )
            ok = False
    reaction = node.get("csto_reaction")
    if reaction is not None and reaction not in CSTO_REACTIONS:
        c.fail(
            key_line(node, "csto_reaction"),
            "observed.csto_reaction",
            f"expected one of {', '.join(CSTO_REACTIONS)}, found {shown(reaction)}"
            f"{did_you_mean(str(reaction), CSTO_REACTIONS)}",
        )
        ok = False
    if ok:
        layer.observed = Observed(
            int(rung),
            bool(node["sanctions_imposed"]),
            str(reaction),
            bool(node["peace_treaty"]),
            bool(node.get("regional_war", False)),
            str(node.get("note", "")),
        )
