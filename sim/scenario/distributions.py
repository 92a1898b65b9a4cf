"""Parameter distributions: each world draws its own value of a parameter.

A scenario gives each parameter a fixed value or one of these distributions. All are
vectorised (``sample(rng, n)``) and report their analytic mean. ``Fixed`` draws nothing
from its generator, so a fixed parameter is exactly deterministic (as a choice at
p in {0, 1} is in Axelrod's tournaments).
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

# The YAML keys that name a distribution, in the order the docs list them.
KINDS = ("value", "uniform", "beta", "triangular", "normal")


def _g(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class Fixed:
    value: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, float(self.value))

    def mean(self) -> float:
        return float(self.value)

    def support(self) -> tuple[float, float]:
        return (self.value, self.value)

    def to_dict(self) -> dict:
        return {"value": float(self.value)}

    def describe(self) -> str:
        return _g(self.value)


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float

    def sample(self, rng, n):
        return rng.uniform(self.low, self.high, n)

    def mean(self):
        return (self.low + self.high) / 2

    def support(self):
        return (self.low, self.high)

    def to_dict(self):
        return {"uniform": [float(self.low), float(self.high)]}

    def describe(self):
        return f"uniform({_g(self.low)}, {_g(self.high)})"


@dataclass(frozen=True)
class Beta:
    """Beta(a, b) stretched onto [low, high] (by default the parameter's range)."""

    a: float
    b: float
    low: float
    high: float

    def sample(self, rng, n):
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, n)

    def mean(self):
        return self.low + (self.high - self.low) * self.a / (self.a + self.b)

    def support(self):
        return (self.low, self.high)

    def to_dict(self):
        return {"beta": {"a": float(self.a), "b": float(self.b), "low": float(self.low),
                         "high": float(self.high)}}

    def describe(self):
        return f"beta({_g(self.a)}, {_g(self.b)}) on [{_g(self.low)}, {_g(self.high)}]"


@dataclass(frozen=True)
class Triangular:
    low: float
    mode: float
    high: float

    def sample(self, rng, n):
        return rng.triangular(self.low, self.mode, self.high, n)

    def mean(self):
        return (self.low + self.mode + self.high) / 3

    def support(self):
        return (self.low, self.high)

    def to_dict(self):
        return {"triangular": [float(self.low), float(self.mode), float(self.high)]}

    def describe(self):
        return f"triangular({_g(self.low)}, {_g(self.mode)}, {_g(self.high)})"


@dataclass(frozen=True)
class TruncNormal:
    """Normal(mean, sd) truncated to [low, high], sampled exactly by inverse CDF."""

    mu: float
    sd: float
    low: float
    high: float

    def _cdf_bounds(self) -> tuple[float, float]:
        lo = ndtr((self.low - self.mu) / self.sd)
        hi = ndtr((self.high - self.mu) / self.sd)
        return float(lo), float(hi)

    def sample(self, rng, n):
        a, b = self._cdf_bounds()
        x = self.mu + self.sd * ndtri(a + rng.random(n) * (b - a))
        return np.clip(x, self.low, self.high)  # guards the last ulp at the bounds

    def mean(self):
        a, b = self._cdf_bounds()
        alpha, beta = (self.low - self.mu) / self.sd, (self.high - self.mu) / self.sd
        pdf = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)  # noqa: E731
        return float(self.mu + self.sd * (pdf(alpha) - pdf(beta)) / (b - a))

    def support(self):
        return (self.low, self.high)

    def to_dict(self):
        return {"normal": {"mean": float(self.mu), "sd": float(self.sd)}}

    def describe(self):
        return (f"normal({_g(self.mu)}, {_g(self.sd)}) truncated to "
                f"[{_g(self.low)}, {_g(self.high)}]")


Distribution = Fixed | Uniform | Beta | Triangular | TruncNormal
