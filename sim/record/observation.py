"""The observation model: how likely the record's month is, given a world's weeks.

A particle filter (:mod:`sim.assimilation`) weighs each simulated world by the
probability of what the record says for a month, given what the world did in that
month's weeks (:class:`MonthSummary`). The record's columns are read as independent
noisy reports of five things (:class:`MonthObservation`):

- the highest rung, through a confusion matrix P(record's rung | simulated highest rung
  of the month) that allows for the coding errors the record's README lists: a month
  coded 0 may hide shooting ("0 means none was reported in the sources read, not proof
  of none"), a death may be disputed or unreported (a clash coded as tension, or the
  reverse), and the 2023-03 advance of 100-300 m is coded an incursion by a thin margin;
- ground taken (Armenian territory newly occupied that month in the world);
- the CSTO's reaction as an event of that month: in the world, its answer rose this
  month (a new, stronger answer). The model keeps only the strongest answer so far, so
  a repeat of a statement already given is invisible in it; a month with fighting in a
  world where a statement already stands is scored with ``csto_repeat``, neither hit
  nor miss;
- sanctions imposed that month; a treaty signed that month.

A world that has ended (treaty signed or regional war) while the record goes on
contradicts it: its likelihood is ``contradiction_floor`` (a tiny number, not zero,
only so a filter whose every world contradicts the record can say where and why,
rather than divide by zero). The one exception is a treaty signed in the month the
record says it was signed.

Every number is a parameter of :data:`OBSERVATION_PARAMETERS` with its meaning, range,
default and source (the record's README or a marked assumption). :meth:`ObservationModel.sharper`
halves every error probability, :meth:`ObservationModel.softer` doubles it, and
:meth:`ObservationModel.uninformative` makes every month equally likely in every world
(the filter then weighs nothing and its forecast is the plain run's).
"""

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from sim.ladder import N_RUNGS, CstoResponse, Rung
from sim.outcomes import BY_NAME

README = "data/record/README.md"


def _traceable(source: str) -> bool:
    return source.startswith("assumption:") or source.startswith(README)


@dataclass(frozen=True)
class ObservationSpec:
    """One number of the observation model: meaning, range, default, provenance."""

    name: str
    meaning: str
    low: float
    high: float
    default: float
    source: str

    def __post_init__(self) -> None:
        if not self.low <= self.default <= self.high:
            raise ValueError(
                f"{self.name}: default {self.default} outside [{self.low}, {self.high}]"
            )
        if not _traceable(self.source):
            raise ValueError(f"{self.name}: source must cite {README} or start with 'assumption:'")


OBSERVATION_PARAMETERS: tuple[ObservationSpec, ...] = (
    ObservationSpec(
        "missed_tension",
        "P(record 0 | the world's highest rung was 1): shooting or "
        "allegations not found by the sources read",
        0.0,
        0.8,
        0.35,
        f"{README}: '0 means none was reported in the sources read, not proof of none'; "
        "quiet months may hide shooting (size an assumption)",
    ),
    ObservationSpec(
        "spurious_tension",
        "P(record 1 | highest rung 0): mutual accusations reported in a month the world had none",
        0.0,
        0.5,
        0.10,
        "assumption: both sides allege ceasefire violations routinely (2022-04, 2024-04)",
    ),
    ObservationSpec(
        "missed_clash",
        "P(record 1 | highest rung 2): a death unreported or disputed, the month coded tension",
        0.0,
        0.5,
        0.08,
        f"{README}: disputed death counts ('the Armenian government's figure where sources "
        "differ'; Baku denied 2023-05); size an assumption",
    ),
    ObservationSpec(
        "spurious_clash",
        "P(record 2 | highest rung 0 or 1): a death coded that the world "
        "did not have (an accident, a sniper)",
        0.0,
        0.3,
        0.03,
        "assumption: single deaths (2021-09, 2023-08) are hard to tell from incidents",
    ),
    ObservationSpec(
        "undercoded_incursion",
        "P(record 2 | highest rung 3): a small advance not reported as ground taken",
        0.0,
        0.5,
        0.12,
        f"{README}: the 2023-03 advance of 100-300 m is an incursion by a thin margin; "
        "smaller ones may go unreported (size an assumption)",
    ),
    ObservationSpec(
        "overcoded_incursion",
        "P(record 3 | highest rung 0-2): a positional shift coded as an incursion",
        0.0,
        0.2,
        0.02,
        f"{README}: the 2023-03 incursion of 100-300 m (size an assumption)",
    ),
    ObservationSpec(
        "adjacent_error",
        "P(record one rung lower | highest rung 4 or 5): an offensive coded one rung down",
        0.0,
        0.3,
        0.05,
        "assumption: large operations are well reported; some confusion of depth",
    ),
    ObservationSpec(
        "far_error",
        "P(any other record rung): a gross coding error",
        0.0,
        0.05,
        0.002,
        "assumption: a rare transcription or scope error (Karabakh vs Armenia proper)",
    ),
    ObservationSpec(
        "ground_hit",
        "P(record ground taken | the world took ground that month)",
        0.5,
        1.0,
        0.9,
        "assumption: ground taken is usually reported by Armenia's government",
    ),
    ObservationSpec(
        "ground_false",
        "P(record ground taken | the world took none)",
        0.0,
        0.2,
        0.02,
        f"{README}: ground_taken excludes agreed delimitation (2024-05); a disputed "
        "advance may still be coded (size an assumption)",
    ),
    ObservationSpec(
        "csto_hit",
        "P(record CSTO statement or more | the world's CSTO answer rose that month)",
        0.3,
        1.0,
        0.8,
        f"{README}: 'an assessment or fact-finding team counts as a statement' (size an "
        "assumption)",
    ),
    ObservationSpec(
        "csto_repeat",
        "P(record CSTO statement | a month with fighting where a statement "
        "already stands in the world; the model does not record repeats)",
        0.0,
        1.0,
        0.3,
        "assumption: the model keeps only the strongest answer so far; a repeat is neither "
        "hit nor miss (about the record's 2 statements in 13 clash months, rounded up)",
    ),
    ObservationSpec(
        "csto_false",
        "P(record CSTO statement | no new answer and no standing one)",
        0.0,
        0.2,
        0.03,
        "assumption: a statement the world did not produce (coding or scope)",
    ),
    ObservationSpec(
        "sanctions_hit",
        "P(record sanctions | the world imposed sanctions that month)",
        0.5,
        1.0,
        0.95,
        "assumption: US or EU sanctions are public acts",
    ),
    ObservationSpec(
        "sanctions_false",
        "P(record sanctions | none imposed in the world)",
        0.0,
        0.1,
        0.005,
        "assumption: public acts are rarely miscoded",
    ),
    ObservationSpec(
        "treaty_false",
        "P(record says the treaty was signed | the world signed none that month)",
        0.0,
        0.1,
        0.001,
        "assumption: a signature is a public act",
    ),
    ObservationSpec(
        "contradiction_floor",
        "likelihood of a month for a world that has ended (treaty or "
        "regional war) while the record goes on",
        0.0,
        1e-3,
        1e-12,
        "assumption: a contradiction; not 0 only so that a filter whose every world "
        "contradicts the record can name the month",
    ),
)
SPECS = {spec.name: spec for spec in OBSERVATION_PARAMETERS}


@dataclass(frozen=True)
class MonthObservation:
    """What the record says for one month."""

    month: pd.Period
    rung: int
    ground: bool
    csto: bool
    sanctions: bool
    signed: bool


def observations(record) -> list[MonthObservation]:
    """One :class:`MonthObservation` per month of a :class:`sim.record.Record`."""
    f = record.frame
    signed = BY_NAME["peace_treaty"].month(f)
    return [
        MonthObservation(
            month,
            int(f.at[month, "highest_rung"]),
            bool(f.at[month, "ground_taken"]),
            int(f.at[month, "csto_reaction"]) >= CstoResponse.STATEMENT,
            bool(f.at[month, "sanctions_on_azerbaijan"]),
            bool(signed[month]),
        )
        for month in f.index
    ]


@dataclass(frozen=True, eq=False)
class MonthSummary:
    """What each world did in one month's weeks (arrays of shape (n,))."""

    max_rung: np.ndarray  # highest weekly rung of the month
    ground: np.ndarray  # newly occupied ground this month
    csto_rose: np.ndarray  # the CSTO's answer rose to a statement or more this month
    csto_standing: np.ndarray  # a statement or more stood, and the month had fighting
    sanctions: np.ndarray  # sanctions imposed this month
    signed: np.ndarray  # treaty signed this month
    ended: np.ndarray  # ended (treaty or war) by the month's end


@dataclass(frozen=True)
class ObservationModel:
    """The observation model's numbers (defaults: :data:`OBSERVATION_PARAMETERS`)."""

    missed_tension: float = SPECS["missed_tension"].default
    spurious_tension: float = SPECS["spurious_tension"].default
    missed_clash: float = SPECS["missed_clash"].default
    spurious_clash: float = SPECS["spurious_clash"].default
    undercoded_incursion: float = SPECS["undercoded_incursion"].default
    overcoded_incursion: float = SPECS["overcoded_incursion"].default
    adjacent_error: float = SPECS["adjacent_error"].default
    far_error: float = SPECS["far_error"].default
    ground_hit: float = SPECS["ground_hit"].default
    ground_false: float = SPECS["ground_false"].default
    csto_hit: float = SPECS["csto_hit"].default
    csto_repeat: float = SPECS["csto_repeat"].default
    csto_false: float = SPECS["csto_false"].default
    sanctions_hit: float = SPECS["sanctions_hit"].default
    sanctions_false: float = SPECS["sanctions_false"].default
    treaty_false: float = SPECS["treaty_false"].default
    contradiction_floor: float = SPECS["contradiction_floor"].default
    informative: bool = True
    name: str = "default"

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name in SPECS:
                value, spec = getattr(self, f.name), SPECS[f.name]
                if not 0.0 <= value <= 1.0:
                    raise ValueError(
                        f"observation parameter {f.name}={value} is not a "
                        f"probability (its range is [{spec.low}, {spec.high}])"
                    )
        if (self.confusion() < 0).any():
            raise ValueError(
                "observation model: a row of the rung confusion matrix has "
                "error probabilities summing past 1"
            )

    # --- variants ---------------------------------------------------------------------

    def scaled(self, factor: float, name: str) -> "ObservationModel":
        """Every error probability times ``factor`` (hits: their misses), each capped at
        its registry range; the contradiction floor stays."""
        changes: dict[str, Any] = {}
        for spec in OBSERVATION_PARAMETERS:
            if spec.name == "contradiction_floor" or spec.name == "csto_repeat":
                continue
            value = getattr(self, spec.name)
            if spec.name.endswith("_hit"):
                new = 1.0 - (1.0 - value) * factor
            else:
                new = value * factor
            changes[spec.name] = float(min(max(new, spec.low), spec.high))
        return replace(self, **changes, name=name)

    def sharper(self) -> "ObservationModel":
        """Half the coding error everywhere: the record read more literally."""
        return self.scaled(0.5, "sharper")

    def softer(self) -> "ObservationModel":
        """Twice the coding error everywhere: the record read more loosely."""
        return self.scaled(2.0, "softer")

    @classmethod
    def uninformative(cls) -> "ObservationModel":
        """Every month equally likely in every world, ended or not."""
        return cls(informative=False, name="uninformative")

    @classmethod
    def named(cls, name: str) -> "ObservationModel":
        variants: dict[str, Callable[[], ObservationModel]] = {
            "default": cls,
            "sharper": lambda: cls().sharper(),
            "softer": lambda: cls().softer(),
            "uninformative": cls.uninformative,
        }
        if name not in variants:
            raise ValueError(
                f"unknown observation model {name!r}; expected one of {', '.join(variants)}"
            )
        return variants[name]()

    # --- the likelihood ---------------------------------------------------------------

    def confusion(self) -> np.ndarray:
        """(6, 6) P(record's rung = column | the world's highest rung = row)."""
        c = np.full((N_RUNGS, N_RUNGS), self.far_error)
        clash, incursion = int(Rung.BORDER_CLASH), int(Rung.LIMITED_INCURSION)
        c[:incursion, incursion] = self.overcoded_incursion
        c[:clash, clash] = self.spurious_clash
        c[0, 1] = self.spurious_tension
        c[1, 0] = self.missed_tension
        c[2, 1] = self.missed_clash
        c[3, 2] = self.undercoded_incursion
        c[4, 3] = c[5, 4] = self.adjacent_error
        np.fill_diagonal(c, 0.0)
        np.fill_diagonal(c, 1.0 - c.sum(axis=1))
        return c

    def log_likelihood(self, s: MonthSummary, obs: MonthObservation) -> np.ndarray:
        """(n,) log P(the record's month | each world's month)."""
        n = s.max_rung.shape[0]
        if not self.informative:
            return np.zeros(n)
        with np.errstate(divide="ignore"):
            log_c = np.log(self.confusion()[:, obs.rung])
            ll = log_c[s.max_rung.astype(np.intp)]
            ll = ll + _bernoulli(s.ground, obs.ground, self.ground_hit, self.ground_false)
            p_csto = np.where(
                s.csto_rose,
                self.csto_hit,
                np.where(s.csto_standing, self.csto_repeat, self.csto_false),
            )
            ll = ll + np.log(p_csto if obs.csto else 1.0 - p_csto)
            ll = ll + _bernoulli(
                s.sanctions, obs.sanctions, self.sanctions_hit, self.sanctions_false
            )
            if obs.signed:
                ll = ll + np.where(s.signed, 0.0, np.log(self.treaty_false))
            contradicted = s.ended & ~(s.signed & obs.signed)
            return np.where(contradicted, np.log(self.contradiction_floor), ll)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "informative": self.informative,
            **{spec.name: getattr(self, spec.name) for spec in OBSERVATION_PARAMETERS},
        }


def _bernoulli(simulated: np.ndarray, observed: bool, hit: float, false: float) -> np.ndarray:
    p = np.where(simulated, hit, false)
    return np.log(p if observed else 1.0 - p)


def observation_table() -> str:
    """The parameters as a Markdown table (for the docs)."""
    lines = ["| parameter | meaning | range | default | source |", "|---|---|---|---|---|"]
    lines += [
        f"| `{s.name}` | {s.meaning} | {s.low}-{s.high} | {s.default} | {s.source} |"
        for s in OBSERVATION_PARAMETERS
    ]
    return "\n".join(lines)
