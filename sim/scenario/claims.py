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

A claim's quote must not also be the source of a parameter the scenario runs with
(:mod:`sim.scenario.circularity`): the loader refuses a lens that would check its own input.

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

from dataclasses import dataclass

from sim import outcomes
from sim.ladder import CstoResponse
from sim.limits import MAX_HORIZON_WEEKS
from sim.outcomes import OUTCOMES
from sim.params import is_traceable
from sim.scenario.problems import did_you_mean, shown, type_name
from sim.scenario.yamlio import item_line, key_line

CLAIM_KEYS = ("who", "outcome", "given", "words", "quote", "source", "horizon_weeks")
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
class Claim:
    """A verbal probability claim about an outcome (possibly given another)."""

    outcome: str
    words: str
    quote: str
    source: str
    who: str = ""
    given: str | None = None
    horizon_weeks: int | None = None

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


def read_claims(c, layer, node, line) -> None:
    """Validate a ``claims:`` list into ``layer.claims``."""
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
        missing = [k for k in ("outcome", "words", "quote", "source") if k not in item]
        if missing:
            c.fail(iline, kp, f"missing {', '.join(missing)}")
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
            )
        )
    layer.claims = claims


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
