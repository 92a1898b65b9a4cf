"""Scenarios: a validated, fully resolved description of what to simulate.

:func:`load_scenario` reads a file, follows its ``extends`` chain, and merges it over
the built-in defaults (each parameter's registry default, with its provenance), so a
:class:`Scenario` always has every parameter. Problems anywhere in the chain are
raised together as one :class:`ScenarioError`.
"""

import datetime
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from sim.params import ParamKey, ParamSpec
from sim.scenario.circularity import circular_sources
from sim.scenario.claims import Claim, Observed
from sim.scenario.conditions import apply_conditions, load_conditions
from sim.scenario.distributions import Fixed, stream_name
from sim.scenario.paths import check_reference, not_a_scenario
from sim.scenario.problems import Problem, ScenarioError, did_you_mean
from sim.scenario.schema import ParamEntry, is_finite_number, read_layer
from sim.scenario.yamlio import load_yaml
from sim.seeding import parameter_seed

DEFAULT_HORIZON = 52


@dataclass(frozen=True)
class InitialState:
    """Where every world starts (DOMAIN.md: tension, 170 km² occupied, no treaty)."""

    rung: int = 1
    occupied_km2: float = 170.0
    minsk_group_dissolved: bool = False
    constitution_reformed: bool = False
    sanctions_imposed: bool = False


def _registry() -> dict[str, ParamSpec]:
    from sim.actors import PARAMS_BY_KEY

    return PARAMS_BY_KEY


@dataclass
class Scenario:
    """A resolved scenario: every parameter has a distribution and its provenance."""

    name: str
    description: str = ""
    as_of: datetime.date | None = None
    horizon_weeks: int = DEFAULT_HORIZON
    initial: InitialState = field(default_factory=InitialState)
    parameters: dict[str, ParamEntry] = field(default_factory=dict)
    path: Path | None = None
    extends_chain: list[Path] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    observed: Observed | None = None  # (history cases)
    # Custom agents replacing shipped ones (a subclass with its own decide(), notebook
    # 05), each in its actor's place; empty: the shipped actors. Not part of to_dict():
    # code, not data (``sim.custom_actors``).
    actor_classes: tuple[type, ...] = ()

    @classmethod
    def from_defaults(
        cls, name: str = "defaults", registry: dict[str, ParamSpec] | None = None
    ) -> "Scenario":
        """Every parameter at its registry default, with the default's provenance."""
        registry = registry or _registry()
        return cls(
            name=name,
            parameters={
                key: ParamEntry(Fixed(spec.default), spec.meaning, spec.source, None)
                for key, spec in registry.items()
            },
        )

    def sample(self, seed_seq: np.random.SeedSequence, n: int) -> dict[str, np.ndarray]:
        """Per-world parameter values: each parameter from its own stream, keyed by name,
        so changing one parameter's distribution never shifts another's draws (the
        columns of one posterior file share that file's stream, so they draw jointly)."""
        return {
            key: entry.dist.sample(
                np.random.default_rng(parameter_seed(seed_seq, stream_name(entry.dist, key))), n
            )
            for key, entry in self.parameters.items()
        }

    def with_actors(self, *classes) -> "Scenario":
        """A copy whose worlds run with these agent classes, each replacing the shipped
        actor it subclasses (``sim.custom_actors.actor_order``); classes may also be
        given as ``"module:Class"`` text."""
        from sim.custom_actors import actor_order, load_actor_class

        loaded = tuple(load_actor_class(c) if isinstance(c, str) else c for c in classes)
        actor_order(loaded)  # refused now, not in a worker
        return replace(self, actor_classes=tuple(dict.fromkeys((*self.actor_classes, *loaded))))

    def means(self) -> dict[str, float]:
        return {key: entry.dist.mean() for key, entry in self.parameters.items()}

    def with_overrides(
        self,
        overrides: dict,
        source: str = "assumption: override",
        registry: dict[str, ParamSpec] | None = None,
    ) -> "Scenario":
        """A copy with some parameters replaced (a number or a distribution each)."""
        registry = registry or _registry()
        problems, params = [], dict(self.parameters)
        for key, value in overrides.items():
            spec = registry.get(key)
            if spec is None:
                problems.append(
                    Problem(
                        "<overrides>",
                        None,
                        key,
                        f"unknown parameter '{key}'{did_you_mean(key, registry)}",
                    )
                )
                continue
            if isinstance(value, int | float) and not is_finite_number(value):
                # NaN compares False with both bounds: caught here, not by the range test.
                problems.append(
                    Problem("<overrides>", None, key, f"expected a finite number, found {value}")
                )
                continue
            dist = Fixed(float(value)) if isinstance(value, int | float) else value
            lo, hi = dist.support()
            if not lo >= spec.low or not hi <= spec.high:
                problems.append(
                    Problem(
                        "<overrides>",
                        None,
                        key,
                        f"outside the range [{spec.low:g}, {spec.high:g}]: {dist.describe()}",
                    )
                )
                continue
            params[key] = ParamEntry(dist, spec.meaning, source, None)
        if problems:
            raise ScenarioError(problems)
        return replace(self, parameters=params)

    def to_dict(self) -> dict:
        """The scenario with ``extends`` resolved, as plain data a scenario file can hold."""
        groups: dict[str, dict] = {}
        for key, entry in self.parameters.items():
            k = ParamKey.parse(key)
            item = entry.dist.to_dict()
            if entry.meaning:
                item["meaning"] = entry.meaning
            if entry.source:
                item["source"] = entry.source
            groups.setdefault(k.actor, {})[k.name] = item
        out: dict[str, object] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        if self.as_of is not None:
            out["as_of"] = self.as_of.isoformat()
        out["horizon_weeks"] = self.horizon_weeks
        out["initial"] = {f.name: getattr(self.initial, f.name) for f in fields(InitialState)}
        out["parameters"] = groups
        if self.claims:
            out["claims"] = [claim.to_dict() for claim in self.claims]
        if self.observed is not None:
            out["observed"] = self.observed.to_dict()
        return out


def load_scenario(
    path,
    registry: dict[str, ParamSpec] | None = None,
    named_by: tuple[str, int | None, str] | None = None,
) -> Scenario:
    """Read, validate and resolve the scenario file at ``path`` (or the shipped scenario
    it names where no such file exists: ``baseline``, ``experts/kopalyan``;
    :func:`sim.package_data.resolve_scenario`).

    Raises :class:`ScenarioError` listing every problem in the file and in the files it
    extends (file, line, key path, what was expected and what was found). ``named_by``
    (file, line, key): the file that names this one (a study's ``scenario:``); the file
    is then treated as one reached through ``extends:`` (:mod:`sim.scenario.paths`).
    """
    registry = registry or _registry()
    problems: list[Problem] = []
    if named_by is None:  # typed by the user: a shipped scenario's name works too
        from sim.package_data import resolve_scenario

        path = resolve_scenario(path)
    scenario = _resolve(Path(path), registry, [], problems, named_by)
    if named_by is None and not Path(path).is_absolute() and not Path(path).exists():
        problems = [_not_found_hint(p, str(path)) for p in problems]
    if scenario is not None and not problems and scenario.claims:
        problems.extend(circular_sources(scenario, load_yaml(Path(path))[0]))
    if problems or scenario is None:
        raise ScenarioError(problems)
    return scenario


def _not_found_hint(problem: Problem, typed: str) -> Problem:
    """A file not found, typed as a name: say that no shipped scenario has it either."""
    if problem.message != "file not found" or problem.file != typed:
        return problem
    from sim.package_data import shipped_files

    names = [name for kind, name, _path, _text in shipped_files() if kind == "scenario"]
    return replace(
        problem,
        message="file not found, nor a shipped scenario of that name"
        f"{did_you_mean(typed.removesuffix('.yaml'), names)}: `escsim scenarios` lists them",
    )


def _resolve(
    path: Path,
    registry,
    stack: list[Path],
    problems: list[Problem],
    named_by: tuple[str, int | None, str] | None = None,
) -> Scenario | None:
    data, found = load_yaml(path)
    if named_by is not None and not_a_scenario(path, data, found):
        # Reached through a path in another file: it may be any file at all, so say so
        # without quoting a line of it (extends: /etc/shadow printed every line).
        file, line, key = named_by
        problems.append(
            Problem(file, line, key, f"{path} is not a scenario file (a YAML mapping with name:)")
        )
        return None
    problems.extend(found)
    if found or not isinstance(data, dict):
        return None
    layer, found = read_layer(path, data, registry)
    problems.extend(found)
    base: Scenario | None
    if layer.extends is None:
        base = Scenario.from_defaults(registry=registry)
    else:
        outside = check_reference(path, path.parent / layer.extends, "extends", layer.extends_line)
        if outside is not None:
            problems.append(outside)
            return None
        parent = (path.parent / layer.extends).resolve()
        chain = [*stack, path.resolve()]
        if parent in chain:
            cycle = " -> ".join(p.name for p in [*chain, parent])
            problems.append(
                Problem(
                    str(path), layer.extends_line, "extends", f"extends itself in a cycle: {cycle}"
                )
            )
            return None
        if not parent.exists():
            problems.append(
                Problem(
                    str(path),
                    layer.extends_line,
                    "extends",
                    f"the file it extends does not exist: {parent}",
                )
            )
            return None
        base = _resolve(
            parent, registry, chain, problems, (str(path), layer.extends_line, "extends")
        )
        if base is None:
            return None
    if layer.as_of_month is not None:
        base = _as_of(path, layer, base, registry, problems)
        if base is None:
            return None
    return Scenario(
        name=layer.name if layer.name is not None else base.name,
        description=layer.description if layer.description is not None else base.description,
        as_of=layer.as_of if layer.as_of is not None else base.as_of,
        horizon_weeks=layer.horizon_weeks or base.horizon_weeks,
        initial=replace(base.initial, **layer.initial),
        parameters={**base.parameters, **layer.parameters},
        path=path,
        extends_chain=[*base.extends_chain, *([base.path] if base.path else [])],
        claims=layer.claims if layer.claims is not None else base.claims,
        observed=layer.observed if layer.observed is not None else base.observed,
    )


def _as_of(path: Path, layer, base: Scenario, registry, problems: list[Problem]):
    """The scenario this file extends, set up as of the file's ``as_of`` month."""
    where = (str(path), layer.as_of_line)
    conditions_path = None
    if layer.conditions is not None:
        outside = check_reference(
            path, path.parent / layer.conditions, "conditions", layer.conditions_line
        )
        if outside is not None:
            problems.append(outside)
            return None
        conditions_path = (path.parent / layer.conditions).resolve()
        if not conditions_path.exists():
            problems.append(
                Problem(
                    str(path),
                    layer.conditions_line,
                    "conditions",
                    f"the conditions file does not exist: {conditions_path}",
                )
            )
            return None
    try:
        conditions = load_conditions(conditions_path, registry)
        return apply_conditions(base, layer.as_of_month, conditions, where, day=layer.as_of_day)
    except ScenarioError as err:
        problems.extend(err.problems)
        return None
