"""No lens may cite, as the source of a parameter, the quote it checks as a claim.

A claim check asks whether an expert's stated reasons, encoded as parameters, imply the
expert's conclusion. If a parameter is sourced from the conclusion itself, the check
only reads back what was put in (issue 11: the Tasits lens did this with its CSTO
parameters). The rule applies to the scenario as resolved: every parameter it runs
with, wherever it was set (the file itself, a file it extends, or the built-in
default), against every claim it checks; and to every parameter a mechanism claim's
counterfactual change sets (the changed lens runs with those), against every claim.

Two texts are the same quote when they share a run of ``RUN_WORDS`` consecutive
words, compared lower-case without punctuation. Five words is long enough that
stock phrases do not collide, and short enough to catch a quote cut differently.
"""

import re

from sim.params import ParamKey
from sim.scenario.problems import Problem
from sim.scenario.yamlio import key_line

RUN_WORDS = 5


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower().replace("’", "'"))


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + RUN_WORDS]) for i in range(len(words) - RUN_WORDS + 1)}


def quotes_claim(source: str, quote: str) -> bool:
    """True when ``source`` cites (a run of ``RUN_WORDS`` words of) ``quote``."""
    return bool(_runs(source) & _runs(quote))


def circular_sources(scenario, data: dict | None = None) -> list[Problem]:
    """One problem per (parameter, claim) pair where the parameter's source quotes the
    claim. ``data`` (the scenario file's parsed YAML) gives line numbers for
    parameters set in the file itself."""
    problems = []
    for key, entry in scenario.parameters.items():
        for i, claim in enumerate(scenario.claims):
            if not entry.source or not quotes_claim(entry.source, claim.quote):
                continue
            where = str(entry.origin) if entry.origin else "the built-in default"
            line = None
            if entry.origin == scenario.path and data:
                k = ParamKey.parse(key)
                node = ((data.get("parameters") or {}).get(k.actor) or {}).get(k.name)
                line = key_line(node, "source") if isinstance(node, dict) else None
            problems.append(
                Problem(
                    str(scenario.path),
                    line,
                    f"parameters.{key}.source",
                    f"the source of {key} (set in {where}) cites the quote that claims[{i}] "
                    f'({claim.who or "?"}: {claim.outcome} "{claim.words}") checks; a lens '
                    "cannot check a claim it used as an input: give the parameter another "
                    "source (another quote, a literature prior or a marked assumption)",
                )
            )
    seen = set()
    for claim in scenario.claims:
        change = claim.counterfactual
        if change is None or change.path in seen:
            continue
        seen.add(change.path)
        for key, entry in change.parameters.items():
            for i, other in enumerate(scenario.claims):
                if entry.source and quotes_claim(entry.source, other.quote):
                    problems.append(
                        Problem(
                            str(change.path),
                            None,
                            f"parameters.{key}.source",
                            f"the source of {key} in the counterfactual {change.path.name} "
                            f"(named by {scenario.path}) cites the quote that claims[{i}] "
                            f"({other.who or '?'}: {other.outcome}) checks; a change cannot "
                            "be sourced from the claim it tests: give it another source",
                        )
                    )
    return problems
