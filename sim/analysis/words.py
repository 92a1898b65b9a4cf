"""Words to numbers: how a verbal probability claim becomes a band to check against.

The standard is the US Intelligence Community Directive 203 (ICD 203, 2015), "Analytic
Standards", section D.6.a, which pairs seven expressions with ranges: almost no chance
1-5%, very unlikely 5-20%, unlikely 20-45%, roughly even chance 45-55%, likely 55-80%,
very likely 80-95%, almost certain 95-99%. ICD 203 lists synonyms in the same rows
(remote; highly improbable; improbable; roughly even odds; probable; highly probable;
nearly certain), used below.

Documented choices (DOMAIN.md asks for them):

- The outermost bands are opened to 0 and 1: a model estimate of 0.5% does not
  contradict "almost no chance", nor 99.5% "almost certain".
- "minimal" (Mirgadirov, seed 001) reads as almost no chance, [0, 5%]: the word claims
  the smallest category there is.
- "quite low" / "quite unlikely" (Kopalyan, seed 001) read as very unlikely, [5%, 20%]:
  "quite" strengthens "unlikely" by one ICD row.
- "highly unlikely" (Tasits, seed 000) is ICD's "highly improbable", very unlikely.
- "highly likely" (Pashinyan, quoted in seed 001) is ICD's "highly probable", very likely.
- "would have to" (Tasits on Russia and the CSTO reacting, seed 000) reads as very
  likely, [80%, 100%]: an obligation the speaker expects to be met, not a certainty.
- "possible" (Yunusov, seed 001) is a weak lower bound, at least 5%: the speaker
  rules it in as a real prospect. "cannot be ruled out" (Areshev) is weaker still, at
  least 1%. Neither has an upper edge, so they can be found consistent or inconsistent
  only at their lower edge.

A user can pass another mapping: a YAML file ``{phrase: [low, high], ...}`` (``high``
may be omitted for a lower bound), replacing this one.
"""

from dataclasses import dataclass
from pathlib import Path

from sim.scenario.problems import Problem, ScenarioError, did_you_mean
from sim.scenario.yamlio import key_line, load_yaml

SOURCE = "US Intelligence Community Directive 203 (2015), section D.6.a, with the choices above"


@dataclass(frozen=True)
class Band:
    """The probabilities a phrase admits: [low, high]; ``high`` None = a lower bound."""

    low: float
    high: float | None

    def describe(self) -> str:
        if self.high is None:
            return f">= {100 * self.low:g}%"
        return f"{100 * self.low:g}-{100 * self.high:g}%"


ICD_203: dict[str, Band] = {
    "almost no chance": Band(0.0, 0.05),
    "remote": Band(0.0, 0.05),
    "very unlikely": Band(0.05, 0.20),
    "highly improbable": Band(0.05, 0.20),
    "unlikely": Band(0.20, 0.45),
    "improbable": Band(0.20, 0.45),
    "roughly even chance": Band(0.45, 0.55),
    "roughly even odds": Band(0.45, 0.55),
    "likely": Band(0.55, 0.80),
    "probable": Band(0.55, 0.80),
    "very likely": Band(0.80, 0.95),
    "highly probable": Band(0.80, 0.95),
    "almost certain": Band(0.95, 1.0),
    "nearly certain": Band(0.95, 1.0),
}

DEFAULT_MAPPING: dict[str, Band] = {
    **ICD_203,
    "minimal": ICD_203["almost no chance"],
    "quite low": ICD_203["very unlikely"],
    "quite unlikely": ICD_203["very unlikely"],
    "highly unlikely": ICD_203["very unlikely"],
    "highly likely": ICD_203["very likely"],
    "would have to": Band(0.80, 1.0),
    "possible": Band(0.05, None),
    "cannot be ruled out": Band(0.01, None),
}


def band_for(words: str, mapping: dict[str, Band]) -> Band:
    """The band of ``words`` (case and spacing ignored); ScenarioError if unknown."""
    key = " ".join(words.lower().split())
    if key not in mapping:
        raise ScenarioError([Problem("<words>", None, "words", f"no probability band for "
                                     f"'{words}'{did_you_mean(key, mapping)}; add it to a "
                                     "mapping file (--mapping)")])
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
        ok = (isinstance(value, list) and len(value) in (1, 2)
              and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
              and all(0 <= v <= 1 for v in value) and (len(value) == 1 or value[0] <= value[1]))
        if not ok:
            problems.append(Problem(str(path), line, str(phrase),
                                    f"expected [low, high] or [low] within 0..1, found {value}"))
            continue
        mapping[" ".join(str(phrase).lower().split())] = Band(
            float(value[0]), float(value[1]) if len(value) == 2 else None)
    if problems:
        raise ScenarioError(problems)
    return mapping
