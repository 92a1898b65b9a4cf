"""The description every behavioural parameter carries: meaning, unit, range, default
and provenance. An actor declares each parameter once, as a field of its typed view
(:class:`ActorParams`, via :func:`param`); its :class:`ParamSpec` is derived from that
field, and :mod:`sim.actors` collects them into one registry.

A parameter's name is a :class:`ParamKey`: the one place that knows its spellings (the
actor and name of the nested YAML, the dotted ``actor.name`` of outputs and overrides,
the ``actor__name`` the inference library needs).
"""

import re
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Self

import numpy as np

SEED_FILES = ("000_b6c8157d2dc91f0e.txt", "001_9c941c53d8712548.txt")


def is_traceable(source: str) -> bool:
    """True when ``source`` cites a seed article by file name or is a marked assumption."""
    text = source.strip()
    return text.startswith("assumption:") or any(text.startswith(f) for f in SEED_FILES)


_PART = r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"  # snake_case without a double underscore
_DOTTED = re.compile(rf"({_PART})\.({_PART})")
_SAFE = re.compile(rf"({_PART})__({_PART})")


class ParamKey(str):
    """A parameter's key, ``actor.name``: a ``str`` equal to its dotted form (so it keys
    the parameter dicts as a plain string would), that also gives the other spellings.

    ``ParamKey("usa_eu.sanctions_credibility")`` (or :meth:`parse`) checks the text;
    :meth:`of` builds one from an actor and a name (the nested YAML), :meth:`from_safe`
    reads the inference library's spelling. Neither part may hold a double underscore,
    so the safe spelling reads back unambiguously.
    """

    __slots__ = ()

    def __new__(cls, text: str) -> "ParamKey":
        if _DOTTED.fullmatch(text) is None:
            raise ValueError(
                f"not a parameter key: {text!r} (expected actor.name in "
                "snake_case, like 'azerbaijan.risk_aversion')"
            )
        return super().__new__(cls, text)

    @classmethod
    def parse(cls, text: str) -> "ParamKey":
        """The key spelled ``actor.name``; ``ValueError`` naming the text otherwise."""
        return text if isinstance(text, ParamKey) else cls(text)

    @classmethod
    def of(cls, actor: str, name: str) -> "ParamKey":
        """The key of parameter ``name`` of ``actor`` (a scenario file's nesting)."""
        return cls(f"{actor}.{name}")

    @classmethod
    def from_safe(cls, safe: str) -> "ParamKey":
        """The key spelled ``actor__name`` (:attr:`safe`); ``ValueError`` otherwise."""
        match = _SAFE.fullmatch(safe)
        if match is None:
            raise ValueError(
                f"not a parameter key in the safe spelling: {safe!r} (expected "
                "actor__name, like 'azerbaijan__risk_aversion')"
            )
        return cls.of(*match.groups())

    @property
    def actor(self) -> str:
        return self.partition(".")[0]

    @property
    def name(self) -> str:
        return self.partition(".")[2]

    @property
    def dotted(self) -> str:
        """``actor.name`` as a plain ``str`` (what outputs and messages print)."""
        return str(self)

    @property
    def safe(self) -> str:
        """``actor__name``: no dots, for the inference library (pyabc nests on dots)."""
        return f"{self.actor}__{self.name}"


# What a change of a parameter during a run resets in the running worlds
# (``EscalationModel.update_parameters``): the parameter sets where that state *starts*.
RESETS = {
    "denial": "Armenia's current denial capacity",
    "trust": "Armenia's belief in the CSTO (its Beta prior)",
    "resolve": "Baku's belief in Western resolve (its Beta prior)",
}


@dataclass(frozen=True)
class ParamSpec:
    """One behavioural parameter.

    ``actor`` groups it (``azerbaijan``, ``armenia``, ``russia``, ``turkey``, ``usa_eu``,
    ``csto`` or ``world``); ``key`` (``actor.name``) is how scenario files and outputs
    name it. ``default`` is the value used when no scenario sets it; ``source`` is the
    provenance of that default: a seed file name plus a short quote, or
    ``assumption: <reason>``. ``resets`` names the state of a running world that a change
    of this parameter resets (a key of :data:`RESETS`), or None.
    """

    actor: str
    name: str
    meaning: str
    unit: str
    low: float
    high: float
    default: float
    source: str
    resets: str | None = None

    def __post_init__(self) -> None:
        if not self.low <= self.default <= self.high:
            raise ValueError(
                f"{self.key}: default {self.default} outside [{self.low}, {self.high}]"
            )
        if not is_traceable(self.source):
            raise ValueError(
                f"{self.key}: source must cite a seed file or start with 'assumption:'"
            )
        if self.resets is not None and self.resets not in RESETS:
            raise ValueError(f"{self.key}: resets must be one of {', '.join(RESETS)}")

    @property
    def key(self) -> ParamKey:
        return ParamKey.of(self.actor, self.name)


def param(
    meaning: str,
    unit: str,
    low: float,
    high: float,
    default: float,
    source: str,
    *,
    resets: str | None = None,
) -> Any:
    """A field of an actor's :class:`ActorParams`: the field's name is the parameter's
    name, the arguments are the rest of its :class:`ParamSpec`. Declaring the two in one
    place means the typed view and the registry cannot drift apart. (Typed ``Any``, as
    :func:`dataclasses.field` is, so it can stand as the default of an array field.)"""
    return field(metadata={"spec": (meaning, unit, low, high, default, source, resets)})


def noise_param(choices: str, whose: str) -> Any:
    """The ``decision_noise`` field every choosing actor declares: the logit temperature
    of ``choices`` (e.g. "Yerevan's choices"), whose unit value sets the scale of
    ``whose`` utilities (an assumption, the same for every actor but Baku, whose noise
    is calibrated)."""
    return param(
        f"logit temperature of {choices}",
        "utility units",
        0.0,
        5.0,
        1.0,
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
    def from_dict(cls, values: dict[str, np.ndarray]) -> Self:
        """The view over a model's parameter dict (keys ``actor.name``); arrays are shared,
        not copied."""
        return cls(**{f.name: values[ParamKey.of(cls.actor, f.name)] for f in fields(cls)})
