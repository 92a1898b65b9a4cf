"""Parameter distributions: each world draws its own value of a parameter.

A scenario gives each parameter a fixed value or one of these distributions. All are
vectorised (``sample(rng, n)``) and report their analytic mean. ``Fixed`` draws nothing
from its generator, so a fixed parameter is exactly deterministic (as a choice at
p in {0, 1} is in Axelrod's tournaments).
"""

import functools
import hashlib
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from scipy.special import ndtr, ndtri


class Distribution(Protocol):
    """A parameter's distribution as every caller uses it (a scenario's entries, the
    overrides, calibration priors); each kind below satisfies it."""

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent values drawn from ``rng``."""
        ...

    def mean(self) -> float: ...

    def support(self) -> tuple[float, float]:
        """The lowest and highest value it can draw."""
        ...

    def to_dict(self) -> dict:
        """As a scenario file writes it (``{"uniform": [lo, hi]}``, ...)."""
        ...

    def describe(self) -> str:
        """One short line for messages and reports."""
        ...


# The YAML keys that name a distribution, in the order the docs list them.
KINDS = ("value", "uniform", "beta", "triangular", "normal", "posterior")
# The column of a posterior file that holds each row's weight (optional; equal if absent).
WEIGHT_COLUMN = "weight"


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

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def mean(self) -> float:
        return (self.low + self.high) / 2

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict:
        return {"uniform": [float(self.low), float(self.high)]}

    def describe(self) -> str:
        return f"uniform({_g(self.low)}, {_g(self.high)})"


@dataclass(frozen=True)
class Beta:
    """Beta(a, b) stretched onto [low, high] (by default the parameter's range)."""

    a: float
    b: float
    low: float
    high: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, n)

    def mean(self) -> float:
        total = self.a + self.b
        if total == float("inf"):  # a, b near the float limit: their sum overflows
            return self.low + (self.high - self.low) / (1 + self.b / self.a)
        return self.low + (self.high - self.low) * self.a / total

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict:
        return {
            "beta": {
                "a": float(self.a),
                "b": float(self.b),
                "low": float(self.low),
                "high": float(self.high),
            }
        }

    def describe(self) -> str:
        return f"beta({_g(self.a)}, {_g(self.b)}) on [{_g(self.low)}, {_g(self.high)}]"


@dataclass(frozen=True)
class Triangular:
    low: float
    mode: float
    high: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, n)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict:
        return {"triangular": [float(self.low), float(self.mode), float(self.high)]}

    def describe(self) -> str:
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

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        a, b = self._cdf_bounds()
        x = self.mu + self.sd * ndtri(a + rng.random(n) * (b - a))
        return np.clip(x, self.low, self.high)  # guards the last ulp at the bounds

    def mean(self) -> float:
        a, b = self._cdf_bounds()
        alpha, beta = (self.low - self.mu) / self.sd, (self.high - self.mu) / self.sd
        pdf = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)  # noqa: E731
        return float(self.mu + self.sd * (pdf(alpha) - pdf(beta)) / (b - a))

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict:
        return {"normal": {"mean": float(self.mu), "sd": float(self.sd)}}

    def describe(self) -> str:
        return (
            f"normal({_g(self.mu)}, {_g(self.sd)}) truncated to [{_g(self.low)}, {_g(self.high)}]"
        )


@dataclass(frozen=True)
class Posterior:
    """Values drawn from one column of a Parquet file of joint samples (a calibration's
    posterior, :mod:`sim.calibration`).

    Each world draws a row (with probability proportional to the file's ``weight``
    column, if it has one) and takes this column's value in that row. Every column of
    the same file draws its rows from one stream named by the file's content
    (:attr:`stream`, used by ``Scenario.sample`` instead of the parameter's name), so a
    world's calibrated parameters come from the same row: the draws are joint, and the
    same seed gives the same rows wherever the file lives.
    """

    file: str  # as written in the scenario (relative to that file)
    column: str
    values: np.ndarray = field(compare=False, repr=False)
    weights: np.ndarray | None = field(compare=False, repr=False)
    digest: str = ""  # SHA-256 of the file's bytes

    @property
    def stream(self) -> str:
        return f"posterior:{self.digest}"

    def rows(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """The row each of ``n`` worlds draws (the same for every column of the file)."""
        if self.weights is None:
            return rng.integers(0, len(self.values), n)
        return rng.choice(len(self.values), size=n, p=self.weights)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.values[self.rows(rng, n)]

    def mean(self) -> float:
        if self.weights is None:
            return float(self.values.mean())
        return float(self.values @ self.weights)

    def support(self) -> tuple[float, float]:
        return (float(self.values.min()), float(self.values.max()))

    def to_dict(self) -> dict:
        return {"posterior": {"file": self.file, "column": self.column}}

    def describe(self) -> str:
        return f"posterior({self.column} in {self.file}, {len(self.values)} samples)"


def stream_name(dist: Distribution, key: str) -> str:
    """The name of the random stream a parameter draws from: its own key, except that
    the columns of one posterior file share the file's stream (joint draws)."""
    return dist.stream if isinstance(dist, Posterior) else key


MAX_POSTERIOR_BYTES = 256_000_000
"""Largest posterior Parquet file read (256 MB); a calibration writes about 20 kB."""
MAX_POSTERIOR_ROWS = 1_000_000
"""Most rows (samples) in a posterior file: a calibration keeps hundreds to thousands."""
MAX_POSTERIOR_CELLS = 20_000_000
"""Most rows x columns read (160 MB of floats): a Parquet file compresses a constant
column to almost nothing, so the file's size does not bound the memory it takes."""
_PARQUET_MAGIC = b"PAR1"  # at both ends of a Parquet file ("PARE": encrypted, unreadable)


def _digest(path: Path) -> str:
    """SHA-256 of the file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=16)
def _read_table(path: str, digest: str):  # noqa: ARG001 (a cache key)
    # Keyed by the content, not (mtime, size): a file rewritten within one tick of the
    # clock at the same size was served from the cache as it was before.
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pandas()


def _check_parquet(path: Path, written: str) -> None:
    """Whether the file can be read as a posterior: a regular file, within the size
    limit, "PAR1" at both ends, rows and cells within the limits by its metadata (read
    from the footer: nothing of the data is read). ValueError with the reason if not."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ValueError(f"the posterior file does not exist: {written}") from None
    except OSError as err:
        raise ValueError(
            f"cannot read the posterior file {written}: {err.strerror or err}"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{written} is a directory, not a Parquet file")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block the open, a device never end
        raise ValueError(
            f"{written} is not a regular file (a pipe or a device?); give "
            "the path of a Parquet file"
        )
    if info.st_size > MAX_POSTERIOR_BYTES:
        raise ValueError(
            f"{written} is larger than the limit of {MAX_POSTERIOR_BYTES:,} "
            "bytes for a posterior file"
        )
    try:
        with path.open("rb") as f:
            head = f.read(4)
            f.seek(max(0, info.st_size - 4))
            tail = f.read(4)
    except OSError as err:
        raise ValueError(
            f"cannot read the posterior file {written}: {err.strerror or err}"
        ) from None
    if info.st_size < 12 or head != _PARQUET_MAGIC or tail != _PARQUET_MAGIC:
        raise ValueError(
            f"{written} is not a readable Parquet file (it does not begin and end with PAR1)"
        )
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # pyarrow raises several types for a damaged footer
        raise ValueError(
            f"{written} is not a readable Parquet file ({type(exc).__name__})"
        ) from None
    if meta.num_rows > MAX_POSTERIOR_ROWS:
        raise ValueError(
            f"{written} has {meta.num_rows:,} rows, more than the limit of "
            f"{MAX_POSTERIOR_ROWS:,} samples"
        )
    if meta.num_rows * meta.num_columns > MAX_POSTERIOR_CELLS:
        raise ValueError(
            f"{written} has {meta.num_rows:,} rows of {meta.num_columns:,} "
            f"columns, more than the limit of {MAX_POSTERIOR_CELLS:,} values"
        )


def load_posterior(path: Path, written: str, column: str) -> Posterior:
    """The :class:`Posterior` for ``column`` of the Parquet file at ``path``.

    Raises ``ValueError`` with a one-line reason (not a file, not Parquet, too large, no
    such column, values not finite numbers, bad weights); the scenario loader turns it
    into a problem naming the file, line and key.
    """
    _check_parquet(path, written)
    try:
        digest = _digest(path)
        frame = _read_table(str(path.resolve()), digest)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise ValueError(
            f"{written} is not a readable Parquet file ({type(exc).__name__})"
        ) from None
    if column == WEIGHT_COLUMN or column not in frame.columns:
        names = [c for c in frame.columns if c != WEIGHT_COLUMN]
        raise ValueError(
            f"{written} has no column '{column}' (its columns: "
            f"{', '.join(map(str, names)) or 'none'})"
        )
    values = _finite(frame[column], f"column '{column}' of {written}")
    if len(values) == 0:
        raise ValueError(f"{written} has no rows")
    weights = None
    if WEIGHT_COLUMN in frame.columns:
        weights = _finite(frame[WEIGHT_COLUMN], f"column '{WEIGHT_COLUMN}' of {written}")
        if (weights < 0).any() or not weights.max() > 0:
            raise ValueError(
                f"column '{WEIGHT_COLUMN}' of {written} must be weights >= 0 with a positive sum"
            )
        # Weights are relative: scaled by the largest first, their sum cannot overflow
        # (1e308 twice sums to inf, and inf-normalised weights are all 0).
        weights = weights / weights.max()
        weights = weights / weights.sum()
    return Posterior(written, column, values, weights, digest)


def _finite(series, what: str) -> np.ndarray:
    try:
        values = series.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{what} holds values that are not numbers") from None
    if not np.isfinite(values).all():
        raise ValueError(f"{what} holds values that are not finite numbers")
    return values
