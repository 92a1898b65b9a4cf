"""Which parameters a calibration infers by default, and their priors.

The default set is the behavioural parameters whose size no seed argument fixes (issue
10: "decision noise, change cost, the cost weights, the CSTO and sanctions hazards"):

- ``azerbaijan.decision_noise`` and ``azerbaijan.posture_cost``: modelling assumptions
  (quantal response; preparation costs) with no quoted number, yet they move the
  chance of a border clash within a year from 14% to 83% and from 72% to 18%;
- ``azerbaijan.casualty_cost``, ``isolation_cost`` and ``great_power_war_cost``: the
  cost weights; the seeds justify each cost, not its size;
- ``csto.statement_propensity``: the weekly hazard of a CSTO statement under attack;
- ``usa_eu.sanctions_credibility``: the weight on the sanctions threat, which sets both
  Baku's deterrence and the weekly hazard of sanctions being imposed.

A user can name any other registry parameter. The prior is the scenario's own
distribution for the key. A fixed value is not a prior: for a default parameter the
scenario fixes, the prior is the uniform distribution over the parameter's registry
range (and the output says so); any other parameter must have a distribution in the
scenario (a fixed value there is an error: the scenario's author chose to hold it fixed,
and no prior can be made up for it).
"""

from dataclasses import dataclass

import pyabc

from sim.actors import registered
from sim.params import ParamKey, ParamSpec
from sim.scenario import (
    Beta,
    Distribution,
    Fixed,
    Posterior,
    Problem,
    Scenario,
    Triangular,
    TruncNormal,
    Uniform,
)

# In this order: the particle seed reads the values in the order of the keys.
DEFAULT_PARAMETERS: tuple[ParamKey, ...] = tuple(
    map(
        registered,
        (
            "azerbaijan.decision_noise",
            "azerbaijan.posture_cost",
            "azerbaijan.talks_value",
            "azerbaijan.casualty_cost",
            "azerbaijan.isolation_cost",
            "azerbaijan.great_power_war_cost",
            "csto.statement_propensity",
            "usa_eu.sanctions_credibility",
        ),
    )
)


@dataclass(frozen=True)
class Prior:
    """One calibrated parameter's prior and where it came from."""

    key: ParamKey
    dist: Distribution
    origin: str  # "scenario" or "registry range (the scenario fixes it)"

    def rv(self) -> pyabc.RV:
        return to_rv(self.dist)


def to_rv(dist: Distribution) -> pyabc.RV:
    """The pyabc random variable (a scipy.stats distribution) equal to ``dist``."""
    if isinstance(dist, Uniform):
        return pyabc.RV("uniform", dist.low, dist.high - dist.low)
    if isinstance(dist, Beta):
        return pyabc.RV("beta", dist.a, dist.b, dist.low, dist.high - dist.low)
    if isinstance(dist, Triangular):
        width = dist.high - dist.low
        return pyabc.RV("triang", (dist.mode - dist.low) / width, dist.low, width)
    if isinstance(dist, TruncNormal):
        return pyabc.RV(
            "truncnorm",
            (dist.low - dist.mu) / dist.sd,
            (dist.high - dist.mu) / dist.sd,
            dist.mu,
            dist.sd,
        )
    raise TypeError(f"no prior for {type(dist).__name__}")


def choose_priors(
    scenario: Scenario, named: list[str] | None, registry: dict[str, ParamSpec], where: str
) -> tuple[list[Prior], list[Problem]]:
    """The priors of the parameters to calibrate (``named``, or the default set), and the
    problems with them (unknown key, a fixed value the user named, a posterior)."""
    from sim.scenario.problems import did_you_mean

    keys = list(named) if named else list(DEFAULT_PARAMETERS)
    priors: list[Prior] = []
    problems: list[Problem] = []
    for key in dict.fromkeys(keys):
        spec = registry.get(key)
        if spec is None:
            problems.append(
                Problem(
                    where,
                    None,
                    "--parameters",
                    f"unknown parameter '{key}'{did_you_mean(key, registry)}",
                )
            )
            continue
        dist = scenario.parameters[key].dist
        if isinstance(dist, Posterior):
            problems.append(
                Problem(
                    where,
                    None,
                    "--parameters",
                    f"{key} is drawn from a posterior in the scenario; calibrate from its prior",
                )
            )
        elif isinstance(dist, Fixed) and key not in DEFAULT_PARAMETERS:
            problems.append(
                Problem(
                    where,
                    None,
                    "--parameters",
                    f"{key} is a fixed value "
                    f"({dist.value:g}) in the scenario, so it has no prior: "
                    "give it a distribution there to calibrate it",
                )
            )
        elif isinstance(dist, Fixed):
            priors.append(
                Prior(
                    spec.key,
                    Uniform(spec.low, spec.high),
                    f"registry range [{spec.low:g}, {spec.high:g}] (the scenario "
                    f"fixes it at {dist.value:g})",
                )
            )
        else:
            priors.append(Prior(spec.key, dist, "scenario"))
    return priors, problems


def pyabc_prior(priors: list[Prior]) -> pyabc.Distribution:
    return pyabc.Distribution(**{p.key.safe: p.rv() for p in priors})
