"""Study files: what to vary, how, and over how many worlds.

```yaml
name: sanctions-x-push
description: optional text
scenario: ../scenarios/baseline.yaml   # the base scenario, relative to this file
seed: 7
worlds: 1000                           # worlds per point
horizon_weeks: 52                      # optional; default: the scenario's
outcomes: [full_scale_invasion, limited_incursion]
design:
  method: grid                         # grid | latin_hypercube | sobol | morris | random
  parameters:                          # grid: the values of each parameter
    usa_eu.sanctions_credibility: [0.0, 0.5, 1.0]
    russia.push: [0, 3, 6]
  # sampling designs instead give ranges, [low, high], or `parameters: all` (every
  # parameter over its full range), or `parameters: uncertain` (every parameter the
  # scenario gives a distribution, over that distribution's support), and:
  # samples: 64                        # base sample size N (points: LHS/random N,
  #                                    # Sobol N x (D + 2), Morris N x (D + 1))
  # levels: 4                          # Morris grid levels
  # include: ["azerbaijan.*noise*"]    # sampling designs: also vary every parameter
  #                                    # whose key matches one of these patterns (shell
  #                                    # wildcards, matched against the parameter
  #                                    # registry, so parameters added or renamed later
  #                                    # are found), over the scenario's distribution
  #                                    # if it has a width, else over the parameter's
  #                                    # whole declared range; each pattern must match
discovery:                             # optional: PRIM boxes where an outcome is high
  outcome: limited_incursion
  threshold: 0.3
```
"""

import fnmatch
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sim.limits import MAX_HORIZON_WEEKS, MAX_STUDY_POINTS
from sim.outcomes import OUTCOMES
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.paths import check_reference
from sim.scenario.problems import Problem, did_you_mean, shown, type_name
from sim.scenario.schema import Checker, is_finite_number
from sim.scenario.yamlio import key_line, load_yaml

METHODS = ("grid", "latin_hypercube", "sobol", "morris", "random")
TOP_KEYS = (
    "name",
    "description",
    "scenario",
    "seed",
    "worlds",
    "horizon_weeks",
    "outcomes",
    "design",
    "discovery",
)
DESIGN_KEYS = ("method", "parameters", "samples", "levels", "include")
UNCERTAIN: dict = {}  # marker: every parameter the scenario gives a distribution


@dataclass
class Study:
    """A validated study: the base scenario resolved, the design spelled out."""

    name: str
    scenario: Scenario
    seed: int
    worlds: int
    outcomes: tuple[str, ...]
    method: str
    parameters: dict[str, list[float]]  # grid: values; others: [low, high]
    horizon_weeks: int
    samples: int = 0
    levels: int = 4
    description: str = ""
    discovery: dict | None = None
    path: Path | None = None
    scenario_path: str = ""
    include: tuple[str, ...] = ()  # design.include patterns (already in parameters)
    included: tuple[str, ...] = field(default=())  # the parameters they added

    def to_dict(self) -> dict:
        """The study as plain data, with the scenario fully resolved inline."""
        out = {
            "name": self.name,
            "description": self.description,
            "seed": self.seed,
            "worlds": self.worlds,
            "horizon_weeks": self.horizon_weeks,
            "outcomes": list(self.outcomes),
            "design": {
                "method": self.method,
                "parameters": self.parameters,
                "samples": self.samples,
                "levels": self.levels,
                "include": list(self.include),
            },
            "scenario_file": self.scenario_path,
            "scenario": self.scenario.to_dict(),
        }
        if self.discovery:
            out["discovery"] = self.discovery
        return out

    def fingerprint(self) -> str:
        """A hash of everything that decides the numbers (a changed study is refused on
        resume rather than mixed with an older partial run)."""
        from sim import __version__

        identity: dict = {"study": self.to_dict(), "version": __version__}
        if self.scenario.actor_classes:  # custom agents decide the numbers too
            identity["actors"] = [
                f"{c.__module__}.{c.__qualname__}" for c in self.scenario.actor_classes
            ]
        text = json.dumps(identity, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def load_study(path) -> Study:
    """Read and validate a study file (or the shipped study it names where no such
    file exists: ``sanctions_x_push``); every problem reported at once."""
    from sim.package_data import resolve_study

    path = resolve_study(path)
    data, problems = load_yaml(path)
    if problems:
        raise ScenarioError(problems)
    from sim.actors import PARAMS_BY_KEY

    c = Checker(path, PARAMS_BY_KEY)
    c.unknown_keys(data, TOP_KEYS, "", "study key")
    for key in ("name", "scenario", "seed", "worlds", "outcomes", "design"):
        if key not in data:
            c.fail(1, key, "missing")
    name = c.text(data["name"], key_line(data, "name"), "name") if "name" in data else None
    seed = _whole(c, data, "seed", 0, 2**63 - 1)
    worlds = _whole(c, data, "worlds", 1, 10_000_000)
    horizon = (
        _whole(c, data, "horizon_weeks", 1, MAX_HORIZON_WEEKS) if "horizon_weeks" in data else None
    )
    outcomes = _outcomes(c, data)
    method, parameters, samples, levels = _design(c, data, PARAMS_BY_KEY)
    discovery = _discovery(c, data, outcomes)
    scenario = None
    if "scenario" in data and isinstance(data["scenario"], str):
        line = key_line(data, "scenario")
        outside = check_reference(path, path.parent / data["scenario"], "scenario", line)
        try:
            if outside is not None:
                raise ScenarioError([outside])
            scenario = load_scenario(
                path.parent / data["scenario"], named_by=(str(path), line, "scenario")
            )
        except ScenarioError as err:
            c.problems.extend(err.problems)
    elif "scenario" in data:
        c.fail(key_line(data, "scenario"), "scenario", "expected a path to a scenario file")
    if parameters is UNCERTAIN and scenario is not None:
        parameters = {
            k: [float(v) for v in e.dist.support()]
            for k, e in scenario.parameters.items()
            if e.dist.support()[0] < e.dist.support()[1]
        }
    include = _include(c, data, method, PARAMS_BY_KEY)
    included: tuple[str, ...] = ()
    if include and scenario is not None and isinstance(parameters, dict):
        parameters, included = _with_included(parameters, include, scenario, PARAMS_BY_KEY)
    if method and isinstance(parameters, dict) and parameters is not UNCERTAIN:
        _check_points(c, data, method, parameters, samples, levels, worlds)
    if c.problems:
        raise ScenarioError(c.problems)
    if name is None or scenario is None or seed is None or worlds is None:
        raise ScenarioError(c.problems)  # (a missing value is among the problems)
    return Study(
        name=name,
        scenario=scenario,
        seed=seed,
        worlds=worlds,
        outcomes=outcomes,
        method=method,
        parameters=parameters,
        samples=samples,
        levels=levels,
        horizon_weeks=horizon or scenario.horizon_weeks,
        description=str(data.get("description", "")),
        discovery=discovery,
        path=path,
        scenario_path=str(data["scenario"]),
        include=include,
        included=included,
    )


def _check_points(
    c: Checker,
    data: dict,
    method: str,
    parameters: dict,
    samples: int,
    levels: int,
    worlds: int | None,
) -> None:
    """Refuse a design too large to build or hold, before it is built: its points from
    the formula (:func:`~sim.experiments.design.point_count`), then the memory of the
    design matrix and of the results table (a row per point and outcome)."""
    from sim.experiments.design import point_count
    from sim.limits import available_memory

    points = point_count(method, parameters, samples, levels)
    node = data.get("design")
    line = key_line(node, "samples") or key_line(data, "design")
    where = "design.samples" if method != "grid" else "design.parameters"
    if points > MAX_STUDY_POINTS:
        c.fail(
            line,
            where,
            f"the {method} design has {points:,} points, more than the "
            f"limit of {MAX_STUDY_POINTS:,}; ask for fewer samples or values",
        )
        return
    # The design matrix (SALib builds it and a copy or two), then the table of
    # results: about 100 bytes per point and outcome.
    need = points * len(parameters) * 8 * 4 + points * len(OUTCOMES) * 100
    free = available_memory()
    if free is not None and need > free:
        c.fail(
            line,
            where,
            f"the {method} design of {points:,} points needs about "
            f"{need / 1e9:.1f} GB, more than the {free / 1e9:.1f} GB "
            "available; ask for fewer samples or values",
        )


def _whole(c: Checker, node: dict, key: str, low: int, high: int) -> int | None:
    if key not in node:
        return None
    value, line = node[key], key_line(node, key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        c.fail(
            line,
            key,
            f"expected a whole number from {low:,} to {high:,}, found "
            f"{type_name(value)} {shown(value)}",
        )
        return None
    return int(value)


def _outcomes(c: Checker, data: dict) -> tuple[str, ...]:
    node = data.get("outcomes")
    if node is None:
        return ()
    if not isinstance(node, list) or not node:
        c.fail(key_line(data, "outcomes"), "outcomes", "expected a list of outcome names")
        return ()
    for name in node:
        if name not in OUTCOMES:
            c.fail(
                key_line(data, "outcomes"),
                "outcomes",
                f"unknown outcome {shown(name)}{did_you_mean(str(name), OUTCOMES)}",
            )
    return tuple(str(n) for n in node if n in OUTCOMES)


def _design(c: Checker, data: dict, registry) -> tuple[str, dict, int, int]:
    node, line = data.get("design"), key_line(data, "design")
    if node is None or not c.mapping(node, line, "design", DESIGN_KEYS, "design key"):
        return "", {}, 0, 4
    method = node.get("method")
    if method not in METHODS:
        c.fail(
            key_line(node, "method") or line,
            "design.method",
            f"expected one of {', '.join(METHODS)}, found {shown(method)}"
            f"{did_you_mean(str(method), METHODS)}",
        )
        return "", {}, 0, 4
    samples = _whole(c, node, "samples", 1, 1_000_000) or 0
    levels = _whole(c, node, "levels", 2, 100) or 4
    if method != "grid" and not samples:
        c.fail(line, "design.samples", f"the {method} design needs samples: N")
    params = node.get("parameters")
    if params == "all" and method != "grid":
        return method, {k: [s.low, s.high] for k, s in registry.items()}, samples, levels
    if params == "uncertain" and method != "grid":
        return method, UNCERTAIN, samples, levels  # filled in once the scenario is loaded
    if not isinstance(params, dict) or not params:
        c.fail(
            key_line(node, "parameters") or line,
            "design.parameters",
            "expected a mapping of parameter: values (grid) or [low, high]"
            + (" (or: all, uncertain)" if method != "grid" else ""),
        )
        return method, {}, samples, levels
    out = {}
    for key, values in params.items():
        kp, kline = f"design.parameters.{key}", key_line(params, key)
        spec = registry.get(key)
        if spec is None:
            c.fail(kline, kp, f"unknown parameter '{key}'{did_you_mean(key, registry)}")
            continue
        ok = isinstance(values, list) and values and all(is_finite_number(v) for v in values)
        if not ok or (method != "grid" and (len(values) != 2 or values[0] >= values[1])):
            want = "a list of values" if method == "grid" else "[low, high] with low < high"
            c.fail(kline, kp, f"expected {want}, found {shown(values)}")
            continue
        if min(values) < spec.low or max(values) > spec.high:
            c.fail(kline, kp, f"outside the range of {key}, [{spec.low:g}, {spec.high:g}]")
            continue
        out[key] = [float(v) for v in values]
    return method, out, samples, levels


def _include(c: Checker, data: dict, method: str, registry) -> tuple[str, ...]:
    """``design.include``: a list of key patterns, each matching some parameter."""
    node = data.get("design")
    if not isinstance(node, dict) or "include" not in node:
        return ()
    value, line = node["include"], key_line(node, "include") or key_line(data, "design")
    if method == "grid":
        c.fail(line, "design.include", "applies to sampling designs; a grid lists its values")
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        c.fail(
            line,
            "design.include",
            f'expected a list of parameter keys or patterns like "azerbaijan.*noise*", '
            f"found {type_name(value)} {shown(value)}",
        )
        return ()
    for pattern in value:
        if not any(fnmatch.fnmatchcase(key, pattern) for key in registry):
            c.fail(
                line,
                "design.include",
                f"{shown(pattern)} matches no parameter{did_you_mean(pattern, registry)} "
                "(`escsim params` lists them)",
            )
    return tuple(value)


def _with_included(parameters: dict, include, scenario: Scenario, registry) -> tuple[dict, tuple]:
    """``parameters`` plus every parameter a pattern matches and the design does not
    vary yet: over the scenario's distribution's support if it has a width, else over
    the parameter's declared range (a value the scenario fixes, such as a calibrated
    constant, is varied over every value the model accepts)."""
    out, added = dict(parameters), []
    for key in registry:
        if key in out or not any(fnmatch.fnmatchcase(key, p) for p in include):
            continue
        low, high = (float(v) for v in scenario.parameters[key].dist.support())
        if not low < high:
            low, high = float(registry[key].low), float(registry[key].high)
        out[key] = [low, high]
        added.append(key)
    return out, tuple(added)


def _discovery(c: Checker, data: dict, outcomes) -> dict | None:
    node = data.get("discovery")
    if node is None:
        return None
    line = key_line(data, "discovery")
    if not c.mapping(node, line, "discovery", ("outcome", "threshold"), "discovery key"):
        return None
    outcome, threshold = node.get("outcome"), node.get("threshold")
    if outcome not in outcomes:
        c.fail(
            line,
            "discovery.outcome",
            f"expected one of the study's outcomes, found {shown(outcome)}",
        )
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 < threshold < 1
    ):
        c.fail(
            line,
            "discovery.threshold",
            f"expected a probability between 0 and 1, found {shown(threshold)}",
        )
    return {"outcome": outcome, "threshold": float(threshold)} if not c.problems else None


__all__ = ["METHODS", "Problem", "Study", "load_study"]
