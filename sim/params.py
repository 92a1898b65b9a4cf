"""The description every behavioural parameter carries: meaning, unit, range, default
and provenance. An actor declares each parameter once, as a field of its typed view
(:class:`ActorParams`, via :func:`param`); its :class:`ParamSpec` is derived from that
field, and :mod:`sim.actors` collects them into one registry.
"""

from dataclasses import dataclass, field, fields
from typing import ClassVar

import numpy as np

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


def param(meaning: str, unit: str, low: float, high: float, default: float, source: str):
    """A field of an actor's :class:`ActorParams`: the field's name is the parameter's
    name, the arguments are the rest of its :class:`ParamSpec`. Declaring the two in one
    place means the typed view and the registry cannot drift apart."""
    return field(metadata={"spec": (meaning, unit, low, high, default, source)})


def noise_param(choices: str, whose: str):
    """The ``decision_noise`` field every choosing actor declares: the logit temperature
    of ``choices`` (e.g. "Yerevan's choices"), whose unit value sets the scale of
    ``whose`` utilities (an assumption, the same for every actor but Baku, whose noise
    is calibrated)."""
    return param(
        f"logit temperature of {choices}", "utility units", 0.0, 5.0, 1.0,
        "assumption: quantal-response choice (McKelvey & Palfrey 1995); unit noise sets the "
        f"scale of {whose} utilities",
    )


@dataclass(frozen=True)
class ActorParams:
    """Base of an actor's typed parameter view: one frozen dataclass per actor, one
    field (an array over worlds, shape (n,)) per parameter, named as in scenario files.

    A rule that takes ``russia.Params`` says it reads Russia's parameters, and
    ``ru.corridor_swoop`` is the YAML key ``russia.corridor_swoop``. Subclasses set
    ``actor`` and declare each field with :func:`param`.
    """

    actor: ClassVar[str]

    @classmethod
    def specs(cls) -> tuple[ParamSpec, ...]:
        """The registry entries of this actor's parameters, in field order."""
        return tuple(ParamSpec(cls.actor, f.name, *f.metadata["spec"]) for f in fields(cls))

    @classmethod
    def from_dict(cls, values: dict[str, np.ndarray]) -> "ActorParams":
        """The view over a model's parameter dict (keys ``actor.name``); arrays are shared,
        not copied."""
        return cls(**{f.name: values[f"{cls.actor}.{f.name}"] for f in fields(cls)})
