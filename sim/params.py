"""The description every behavioural parameter carries: meaning, unit, range, default
and provenance. Actor rule modules declare their parameters with :class:`ParamSpec`;
:mod:`sim.rules` collects them into one registry.
"""

from dataclasses import dataclass

SEED_FILES = ("000_b6c8157d2dc91f0e.txt", "001_9c941c53d8712548.txt")


def is_traceable(source: str) -> bool:
    """True when ``source`` cites a seed article by file name or is a marked assumption."""
    text = source.strip()
    return text.startswith("assumption:") or any(text.startswith(f) for f in SEED_FILES)


@dataclass(frozen=True)
class ParamSpec:
    """One behavioural parameter.

    ``actor`` groups it (``azerbaijan``, ``armenia``, ``russia``, ``turkey``, ``usa_eu``,
    ``csto`` or ``world``); ``key`` (``actor.name``) is how scenario files and outputs
    name it. ``default`` is the value used when no scenario sets it; ``source`` is the
    provenance of that default: a seed file name plus a short quote, or
    ``assumption: <reason>``.
    """

    actor: str
    name: str
    meaning: str
    unit: str
    low: float
    high: float
    default: float
    source: str

    def __post_init__(self) -> None:
        if not self.low <= self.default <= self.high:
            raise ValueError(
                f"{self.key}: default {self.default} outside [{self.low}, {self.high}]"
            )
        if not is_traceable(self.source):
            raise ValueError(
                f"{self.key}: source must cite a seed file or start with 'assumption:'"
            )

    @property
    def key(self) -> str:
        return f"{self.actor}.{self.name}"
