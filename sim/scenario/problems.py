"""What goes wrong in a scenario file, said once, with file, line and key path."""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LISTED = 50
"""Most problems listed in one report; the rest are counted."""


@dataclass(frozen=True)
class Problem:
    """One mistake: where (file, 1-based line, dotted key path) and what."""

    file: str
    line: int | None
    key_path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.key_path:
            return f"{where}: {self.key_path}: {self.message}"
        return f"{where}: {self.message}"


class ScenarioError(Exception):
    """Every problem found in a scenario file (and the files it extends), at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """The count, then one line per problem: the first ``MAX_LISTED`` of them (a
        record of a million bad rows would print a million lines)."""
        n = len(self.problems)
        head = f"{n:,} problem{'s' if n != 1 else ''} in scenario input:"
        lines = [head, *(f"  {p}" for p in self.problems[:MAX_LISTED])]
        if n > MAX_LISTED:
            lines.append(f"  ... and {n - MAX_LISTED:,} more (fix these first)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or '' if none is close."""
    options = list(options)
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if not close:  # a part of a longer name: "invasion" for "full_scale_invasion"
        close = [o for o in options if len(str(word)) >= 4 and str(word).lower() in o.lower()]
    return f" (did you mean '{close[0]}'?)" if close else ""


def type_name(value) -> str:
    """How a YAML value's type is named in messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def shown(value) -> str:
    """A found value as quoted in a message (shortened)."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
