"""Words to numbers: how a verbal probability claim becomes a bound to check against.

Every claim is read under two published word-to-number mappings, so that a verdict
that rests on the choice of table shows as such:

- **ICD 203**: US Intelligence Community Directive 203 (2015), "Analytic Standards",
  section D.6.a: almost no chance 1-5%, very unlikely 5-20%, unlikely 20-45%, roughly
  even chance 45-55%, likely 55-80%, very likely 80-95%, almost certain 95-99%, with
  the synonyms in the same rows (remote; highly improbable; improbable; roughly even
  odds; probable; highly probable; nearly certain).
- **Kent 1964**: Sherman Kent, "Words of Estimative Probability", Studies in
  Intelligence 8(4), Fall 1964: certain 100%; almost certain 93% give or take about
  6%; probable 75% +/- about 12%; chances about even 50% +/- about 10%; probably not
  30% +/- about 10%; almost certainly not 7% +/- about 5%; impossible 0%.

A phrase is read in one of three ways (the ``READINGS`` table below gives each phrase
its reading, its row in each table, and why):

- ``at most``: a one-sided upper bound, [0, row's upper edge]. Words that bound a
  probability from above ("unlikely", "quite low", "minimal", "highly unlikely") claim
  the chance is small; a model that finds it smaller still does not contradict them.
  ICD 203 and Kent print these words as bands only because a table needs rows.
- ``at least``: a one-sided lower bound, [row's lower edge, 1]. "Likely"-type words
  ("likely", "highly likely", "would have to") claim the chance is large; a model that
  finds it larger does not contradict them.
- ``band``: both edges bind. Only "roughly even chance" and its kin: the claim is that
  the chance is near one half, so either side contradicts it.

"possible" and "cannot be ruled out" are ``at least`` a small floor, so they fail when
the model all but rules the event out (the interval's upper end below the floor):

- ICD 203, "cannot be ruled out": 1%, the bottom of the lowest row ("almost no
  chance" 1-5%); below it the directive has no words, the event is ruled out.
- ICD 203, "possible": 5%, the top of "almost no chance" (documented choice, kept from
  the first version of this table): calling something possible rules it in as more
  than almost no chance.
- Kent 1964, both: 2%, the bottom of his lowest row above "impossible" ("almost
  certainly not", 7% give or take 5%). Kent reserved "possible" for the whole "general
  area of possibility" between impossible and certain; 2% is where his scale starts.

The phrases Kent's table does not print are placed on his rows by the choices in
``READINGS`` (assumption: the nearest row by meaning, stated per phrase). A user can
add a mapping: a YAML file ``{phrase: [low, high], ...}`` (``high`` may be omitted for
a lower bound; ``[0, high]`` is an upper bound), shown as a third column.
"""

from dataclasses import dataclass
from pathlib import Path

from sim.scenario.problems import Problem, ScenarioError, did_you_mean
from sim.scenario.yamlio import key_line, load_yaml

BAND, AT_MOST, AT_LEAST = "band", "at most", "at least"


@dataclass(frozen=True)
class Band:
    """The probabilities a phrase admits: [low, high]; ``high`` None = a lower bound."""

    low: float
    high: float | None
    # The row as the table prints it, for a one-sided reading of it: a model beyond the
    # row's far edge agrees with the words, and the report says it lies beyond the row.
    printed: tuple[float, float] | None = None

    @property
    def reading(self) -> str:
        if self.high is None or self.high >= 1.0:
            return AT_LEAST
        return AT_MOST if self.low <= 0.0 else BAND

    def describe(self) -> str:
        if self.high is None or self.reading == AT_LEAST:
            return f">= {100 * self.low:g}%"
        if self.reading == AT_MOST:
            return f"<= {100 * self.high:g}%"
        return f"{100 * self.low:g}-{100 * self.high:g}%"


@dataclass(frozen=True)
class Mapping:
    """A named word-to-number table and where it comes from."""

    name: str
    source: str
    bands: dict[str, Band]


# The published rows, as printed.
ICD_203: dict[str, Band] = {
    "almost no chance": Band(0.01, 0.05),
    "very unlikely": Band(0.05, 0.20),
    "unlikely": Band(0.20, 0.45),
    "roughly even chance": Band(0.45, 0.55),
    "likely": Band(0.55, 0.80),
    "very likely": Band(0.80, 0.95),
    "almost certain": Band(0.95, 0.99),
}
KENT_1964: dict[str, Band] = {
    "certain": Band(1.0, 1.0),
    "almost certain": Band(0.87, 0.99),
    "probable": Band(0.63, 0.87),
    "chances about even": Band(0.40, 0.60),
    "probably not": Band(0.20, 0.40),
    "almost certainly not": Band(0.02, 0.12),
    "impossible": Band(0.0, 0.0),
}

# phrase: (reading, ICD 203 row, Kent row, why). Rows name the published tables above.
READINGS: dict[str, tuple[str, str, str, str]] = {
    "almost no chance": (
        AT_MOST,
        "almost no chance",
        "almost certainly not",
        "the lowest row of either table; a smaller chance cannot contradict it",
    ),
    "remote": (AT_MOST, "almost no chance", "almost certainly not", "ICD 203 synonym"),
    "minimal": (
        AT_MOST,
        "almost no chance",
        "almost certainly not",
        "Mirgadirov (seed 001): claims the smallest category there is",
    ),
    "almost certainly not": (
        AT_MOST,
        "almost no chance",
        "almost certainly not",
        "Kent's lowest row; ICD's lowest row by meaning",
    ),
    "very unlikely": (
        AT_MOST,
        "very unlikely",
        "almost certainly not",
        "an upper bound; Kent has no row between 12% and 20%, so the one below 'probably not'",
    ),
    "highly improbable": (AT_MOST, "very unlikely", "almost certainly not", "ICD 203 synonym"),
    "highly unlikely": (
        AT_MOST,
        "very unlikely",
        "almost certainly not",
        "Tasits (seed 000): ICD's 'highly improbable'",
    ),
    "quite low": (
        AT_MOST,
        "very unlikely",
        "almost certainly not",
        "Kopalyan (seed 001): 'quite' strengthens 'unlikely' by one row",
    ),
    "quite unlikely": (
        AT_MOST,
        "very unlikely",
        "almost certainly not",
        "'quite' strengthens 'unlikely' by one row",
    ),
    "unlikely": (
        AT_MOST,
        "unlikely",
        "probably not",
        "Yunusov (seed 001): an upper bound; a smaller chance agrees with it",
    ),
    "improbable": (AT_MOST, "unlikely", "probably not", "ICD 203 synonym"),
    "probably not": (AT_MOST, "unlikely", "probably not", "Kent's row; ICD's 'unlikely'"),
    "roughly even chance": (
        BAND,
        "roughly even chance",
        "chances about even",
        "claims a chance near one half: both sides contradict it",
    ),
    "roughly even odds": (BAND, "roughly even chance", "chances about even", "ICD 203 synonym"),
    "chances about even": (BAND, "roughly even chance", "chances about even", "Kent's row"),
    "likely": (AT_LEAST, "likely", "probable", "a lower bound; a larger chance agrees with it"),
    "probable": (AT_LEAST, "likely", "probable", "ICD 203 synonym; Kent's row"),
    "very likely": (
        AT_LEAST,
        "very likely",
        "almost certain",
        "a lower bound; Kent has no row between 87% and 93%, so the one above",
    ),
    "highly probable": (AT_LEAST, "very likely", "almost certain", "ICD 203 synonym"),
    "highly likely": (
        AT_LEAST,
        "very likely",
        "almost certain",
        "Pashinyan (quoted in seed 001): ICD's 'highly probable'",
    ),
    "would have to": (
        AT_LEAST,
        "very likely",
        "almost certain",
        "Tasits (seed 000): an obligation the speaker expects to be met, not a certainty",
    ),
    "almost certain": (AT_LEAST, "almost certain", "almost certain", "the top row of both"),
    "nearly certain": (AT_LEAST, "almost certain", "almost certain", "ICD 203 synonym"),
}
# Floors of the phrases that rule an event in (see the module docstring).
RULED_IN_FLOORS: dict[str, tuple[float, float, str]] = {
    "possible": (0.05, 0.02, "rules the event in: fails when the model all but rules it out"),
    "cannot be ruled out": (
        0.01,
        0.02,
        "the weakest claim: fails only below the scale's lowest row",
    ),
}


def _read(table: dict[str, Band], column: int) -> dict[str, Band]:
    out = {}
    for phrase, reading in READINGS.items():
        row = table[reading[column]]
        if row.high is None:
            raise ValueError(f"the published row {reading[column]!r} has no upper bound")
        if reading[0] == AT_MOST:
            out[phrase] = Band(0.0, row.high, (row.low, row.high))
        elif reading[0] == AT_LEAST:
            out[phrase] = Band(row.low, None, (row.low, row.high))
        else:
            out[phrase] = row
    for phrase, (icd_floor, kent_floor, _why) in RULED_IN_FLOORS.items():
        out[phrase] = Band((icd_floor, kent_floor)[column - 1], None)
    return out


ICD = Mapping(
    "ICD 203",
    "US Intelligence Community Directive 203 (2015), section D.6.a; "
    "one-sided readings and floors as documented in sim.analysis.words",
    _read(ICD_203, 1),
)
KENT = Mapping(
    "Kent 1964",
    "Sherman Kent, 'Words of Estimative Probability', Studies in "
    "Intelligence 8(4), 1964; rows for unprinted phrases and the floors as "
    "documented in sim.analysis.words",
    _read(KENT_1964, 2),
)
MAPPINGS: tuple[Mapping, ...] = (ICD, KENT)
DEFAULT_MAPPING = ICD.bands  # the first column, and the one the HTML report shows
SOURCE = ICD.source


def why(words: str) -> str:
    """The documented reason for a built-in phrase's reading ('' if not built in)."""
    key = normalise(words)
    if key in READINGS:
        return READINGS[key][3]
    return RULED_IN_FLOORS.get(key, ("", "", ""))[2]


def normalise(words: str) -> str:
    return " ".join(words.lower().split())


def band_for(words: str, mapping: dict[str, Band]) -> Band:
    """The band of ``words`` (case and spacing ignored); ScenarioError if unknown."""
    key = normalise(words)
    if key not in mapping:
        raise ScenarioError(
            [
                Problem(
                    "<words>",
                    None,
                    "words",
                    f"no probability band for "
                    f"'{words}'{did_you_mean(key, mapping)}; add it to a "
                    "mapping file (--mapping)",
                )
            ]
        )
    return mapping[key]


def load_mapping(path) -> dict[str, Band]:
    """A user's mapping file: ``phrase: [low, high]`` or ``phrase: [low]`` per line."""
    path = Path(path)
    data, problems = load_yaml(path)
    if not problems and not isinstance(data, dict):
        problems = [Problem(str(path), 1, "", "expected a mapping of phrase: [low, high]")]
    mapping: dict[str, Band] = {}
    for phrase, value in (data or {}).items() if not problems else ():
        line = key_line(data, phrase)
        ok = (
            isinstance(value, list)
            and len(value) in (1, 2)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            and all(0 <= v <= 1 for v in value)
            and (len(value) == 1 or value[0] <= value[1])
        )
        if not ok:
            problems.append(
                Problem(
                    str(path),
                    line,
                    str(phrase),
                    f"expected [low, high] or [low] within 0..1, found {value}",
                )
            )
            continue
        mapping[normalise(str(phrase))] = Band(
            float(value[0]), float(value[1]) if len(value) == 2 else None
        )
    if problems:
        raise ScenarioError(problems)
    return mapping
