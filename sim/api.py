"""The Python API: one call per command, returning a result that prints as the command
does and gives a pandas DataFrame (``docs/api.md``)::

    import sim

    result = sim.run("baseline", n=10_000)     # a shipped scenario's name, a path or a Scenario
    print(result)                              # the table `escsim run baseline` prints
    df = result.to_frame()                     # outcome, p, ci_low, ci_high, n, spread_...

    sim.sweep("sanctions_x_push", worlds=500, workers=2)   # escsim sweep
    sim.compare("baseline", "experts/kopalyan", n=2_000)   # escsim compare
    sim.forecast(n=1_000)                                  # escsim forecast (shipped record)

Each function is a thin wrapper over what its command calls (``sim.montecarlo``,
``sim.experiments``, ``sim.analysis.compare``, ``sim.assimilation``) with the command's
defaults, the parameter spread of ``escsim run`` included. ``actor_classes=[MyBaku]``
(a subclass of a shipped actor with its own ``decide()``, notebook 05) puts custom agents
in runs, comparisons and sweeps (:mod:`sim.custom_actors`).

A script needs no ``if __name__ == "__main__":`` for ``workers=2`` (:mod:`sim.mainguard`).
"""

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from sim.results import RunResult
from sim.runinfo import run_info
from sim.scenario import Scenario, load_scenario
from sim.seeding import DEFAULT_CHUNK_SIZE, DEFAULT_SEED

ScenarioLike = str | Path | Scenario


def as_scenario(
    which: ScenarioLike,
    overrides: Mapping[str, Any] | None = None,
    actor_classes: Iterable[type | str] = (),
) -> Scenario:
    """A Scenario from a shipped scenario's name (``"baseline"``, ``"experts/kopalyan"``),
    a path or a Scenario, with ``overrides`` (``{"russia.push": 3.0}``: a number or a
    distribution per key) and custom ``actor_classes`` applied."""
    result = which if isinstance(which, Scenario) else load_scenario(which)
    if overrides:
        result = result.with_overrides(dict(overrides), source="assumption: set in Python")
    classes = tuple(actor_classes)
    return result.with_actors(*classes) if classes else result


class _Printable:
    """``print(x)`` and a notebook show the command's table; ``repr`` a one-line summary."""

    def table(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.table()

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython and Jupyter
        printer.text(self.table())


# --- run ------------------------------------------------------------------------------


@dataclass
class Run(_Printable):
    """A finished run: ``print(run)`` is ``escsim run``'s table, ``to_frame()`` its CSV as
    a DataFrame, ``to_dict()`` its JSON; ``result`` is the :class:`sim.results.RunResult`
    (``estimate(name)``, ``outcomes()``, the tally)."""

    result: RunResult
    scenario: Scenario

    def table(self) -> str:
        from sim.output import format_table

        return format_table(self.result)

    def estimate(self, outcome: str):
        """One outcome's :class:`sim.results.Estimate` (``.p``, ``.ci``, ``.k``, ``.n``)."""
        return self.result.estimate(outcome)

    def to_frame(self) -> pd.DataFrame:
        """One row per outcome: outcome, p, ci_low, ci_high, n, k, scenario, seed,
        horizon_weeks and the spread over parameter draws (spread_p10, spread_p50,
        spread_p90, spread_draws, spread_worlds_per_draw, spread_between_sd; NaN where no
        spread was computed): the columns of ``outcomes.csv``."""
        from sim.output import to_csv

        return pd.read_csv(io.StringIO(to_csv(self.result)), keep_default_na=False, na_values=[""])

    def to_dict(self) -> dict:
        """The JSON of ``escsim run --format json`` (``run_info`` included)."""
        import json

        from sim.output import to_json

        return json.loads(to_json(self.result))

    def save(self, out: str | Path) -> list[Path]:
        """Write the files of ``escsim run --out`` (results.json, outcomes.csv, the
        resolved scenario, the figures) into the directory ``out``."""
        from sim.output import write_run_dir

        return write_run_dir(self.result, out, self.scenario.to_dict())

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name} {est.p:.1%}" for name, est in list(self.result.outcomes().items())[:3]
        )
        return (
            f"<sim.Run {self.result.scenario!r}: {shown}, ... "
            f"({self.result.worlds:,} worlds, seed {self.result.seed})>"
        )


def run(
    scenario: ScenarioLike = "baseline",
    n: int = 10_000,
    *,
    seed: int = DEFAULT_SEED,
    horizon: int | None = None,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    spread: tuple[int, int] | None = None,
    overrides: Mapping[str, Any] | None = None,
    actor_classes: Iterable[type | str] = (),
    progress: bool = False,
) -> Run:
    """``escsim run``: ``n`` worlds of ``scenario`` (a shipped name, a path or a
    Scenario), with the parameter spread the command computes by default
    (``spread=(G, m)``: G draws x m worlds; ``spread=(0, 1)`` switches it off).
    ``overrides`` sets parameters (``{"russia.push": 3.0}``), ``actor_classes`` replaces
    shipped actors by subclasses; ``progress`` draws a bar on a terminal."""
    from sim.cli_support import ProgressBar
    from sim.montecarlo import default_spread, run_scenario, uncertain_parameters

    chosen = as_scenario(scenario, overrides, actor_classes)
    passes = spread if spread is not None else default_spread(n)  # as `escsim run`
    spread_worlds = passes[0] * passes[1] if uncertain_parameters(chosen) else 0
    with ProgressBar(n + spread_worlds, "world", progress) as bar:
        result = run_scenario(
            chosen,
            n_worlds=n,
            seed=seed,
            horizon_weeks=horizon,
            workers=workers,
            chunk_size=chunk_size,
            progress=bar.callback,
            spread=passes,
        )
    return Run(result, chosen)


# --- sweep ----------------------------------------------------------------------------


@dataclass
class Sweep(_Printable):
    """A finished study: ``to_frame()`` is the tidy table of ``escsim sweep`` (one row
    per point and outcome: the varied values, outcome, p, ci_low, ci_high, n, k, seed);
    ``print`` shows p per point and outcome."""

    study: Any  # sim.experiments.Study
    frame: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def table(self) -> str:
        from sim.formatting import pct

        varied = [c for c in self.frame.columns if c in self.study.parameters]
        wide = self.frame.pivot_table(index=varied, columns="outcome", values="p", sort=False)
        wide = wide[[o for o in self.study.outcomes if o in wide.columns]]
        head = (
            f"study: {self.study.name}    seed: {self.study.seed}    points: "
            f"{self.frame['point'].nunique():,}    worlds per point: {self.study.worlds:,}    "
            f"design: {self.study.method}\n\n"
        )
        return head + wide.map(pct).reset_index().to_string(index=False) + "\n"

    def __repr__(self) -> str:
        return (
            f"<sim.Sweep {self.study.name!r}: {self.frame['point'].nunique():,} points x "
            f"{len(self.study.outcomes)} outcomes, {self.study.worlds:,} worlds each>"
        )


def sweep(
    study: str | Path | Any,
    *,
    worlds: int | None = None,
    workers: int = 1,
    out: str | Path | None = None,
    resume: bool = False,
    actor_classes: Iterable[type | str] = (),
    progress: bool = False,
) -> Sweep:
    """``escsim sweep``: the study (a shipped name such as ``"sanctions_x_push"``, a path
    or a :class:`sim.experiments.Study`); ``worlds`` replaces its worlds per point (a
    quick look); ``out`` writes the table, figures and checkpoint there as the command
    does (``resume=True`` continues a partial run)."""
    from sim.cli_support import ProgressBar
    from sim.experiments import load_study, run_study
    from sim.experiments.study import Study

    chosen = study if isinstance(study, Study) else load_study(study)
    if worlds is not None:
        chosen = replace(chosen, worlds=int(worlds))
    classes = tuple(actor_classes)
    if classes:
        chosen = replace(chosen, scenario=chosen.scenario.with_actors(*classes))
    with ProgressBar(1, "point", progress, rate_unit="worlds/s") as bar:
        frame = run_study(
            chosen,
            out=None if out is None else Path(out),
            workers=workers,
            resume=resume,
            progress=bar.callback,
            resume_hint="call sim.sweep again with resume=True to continue",
        )
    return Sweep(chosen, frame)


# --- compare --------------------------------------------------------------------------


@dataclass
class Comparison(_Printable):
    """``escsim compare``: the scenarios side by side (``results``, one RunResult each,
    common random numbers) and each pair's gap in ``outcome`` split over the parameter
    groups (``attributions``)."""

    names: list[str]
    results: list[RunResult]
    attributions: list
    seed: int
    worlds: int
    attribution_worlds: int

    def table(self) -> str:
        from sim.analysis.compare import format_attribution, format_comparison

        text = format_comparison(self.names, self.results)
        for att in self.attributions:
            text += "\n" + format_attribution(att) + "\n"
        return text

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario and outcome: scenario, outcome, p, ci_low, ci_high, n."""
        rows = [
            {
                "scenario": name,
                "outcome": outcome,
                "p": est.p,
                "ci_low": est.ci[0],
                "ci_high": est.ci[1],
                "n": est.n,
            }
            for name, result in zip(self.names, self.results, strict=True)
            for outcome, est in result.outcomes().items()
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """The JSON of ``escsim compare --format json``."""
        from sim.analysis.compare import comparison_dict

        data = comparison_dict(
            self.names,
            self.results,
            self.attributions,
            self.seed,
            self.worlds,
            self.attribution_worlds,
        )
        return {**data, "run_info": run_info(self.seed)}

    def __repr__(self) -> str:
        return f"<sim.Comparison of {', '.join(self.names)} ({self.worlds:,} worlds each)>"


def compare(
    *scenarios: ScenarioLike,
    n: int = 10_000,
    seed: int = DEFAULT_SEED,
    outcome: str = "full_scale_invasion",
    attribution_n: int = 4_000,
    workers: int = 1,
    actor_classes: Iterable[type | str] = (),
) -> Comparison:
    """``escsim compare``: each scenario over ``n`` worlds with the same seed, and every
    pair's gap in ``outcome`` split exactly over the parameter groups (``attribution_n``
    worlds per coalition; 0 skips the attribution)."""
    from sim.analysis.compare import attribute_pairs, check_outcome, run_all

    if len(scenarios) == 1 and isinstance(scenarios[0], list | tuple):
        scenarios = tuple(scenarios[0])
    if not scenarios:
        raise ValueError("compare needs at least one scenario")
    check_outcome(outcome)
    classes = tuple(actor_classes)
    chosen = [as_scenario(s, None, classes) for s in scenarios]
    results = run_all(chosen, n, seed, workers)
    attributions = (
        attribute_pairs(chosen, outcome, attribution_n, seed, workers) if attribution_n else []
    )
    return Comparison([s.name for s in chosen], results, attributions, seed, n, attribution_n)


# --- forecast -------------------------------------------------------------------------


@dataclass
class Forecast(_Printable):
    """``escsim forecast``: the worlds filtered through the record, then the forecast
    from the origin. ``to_frame()``: one row per outcome (outcome, p, ci_low, ci_high,
    n); ``months``: the filter month by month; ``forecast``: the
    :class:`sim.assimilation.nowcast.RecordForecast`."""

    forecast: Any

    def table(self) -> str:
        return self.forecast.table()

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"outcome": name, "p": est.p, "ci_low": est.ci[0], "ci_high": est.ci[1], "n": est.n}
                for name, est in self.forecast.run.outcomes().items()
            ]
        )

    @property
    def months(self) -> pd.DataFrame:
        return self.forecast.months

    def to_dict(self) -> dict:
        """The JSON of ``escsim forecast --format json``."""
        return {**self.forecast.to_dict(), "run_info": run_info(self.forecast.seed)}

    def plot(self, path: str | Path) -> Path:
        return self.forecast.plot(path)

    def __repr__(self) -> str:
        f = self.forecast
        return (
            f"<sim.Forecast {f.scenario.name!r} from {f.origin}, {f.horizon_months} months "
            f"({f.filtered.worlds:,} worlds, seed {f.seed})>"
        )


def forecast(
    scenario: ScenarioLike = "calibrated",
    *,
    record: str | Path | None = None,
    as_of: str | None = None,
    horizon_months: int = 12,
    n: int = 4000,
    replicates: int | None = None,
    seed: int = DEFAULT_SEED,
    observation: str = "default",
    conditions: str | Path | None = None,
    workers: int = 1,
) -> Forecast:
    """``escsim forecast``: filter ``n`` worlds of ``scenario`` through the monthly
    record (default: the shipped one) up to ``as_of`` (``"2024-07"``; default: the month
    after the record's last), then forecast ``horizon_months`` from there."""
    from sim.assimilation.forecast import DEFAULT_REPLICATES
    from sim.assimilation.nowcast import filter_and_forecast
    from sim.package_data import default_record
    from sim.record.conditions import load_conditions

    chosen = as_scenario(scenario)
    result = filter_and_forecast(
        chosen,
        default_record() if record is None else record,
        as_of,
        horizon_months,
        n_worlds=n,
        replicates=DEFAULT_REPLICATES if replicates is None else replicates,
        seed=seed,
        observation=observation,
        conditions=load_conditions(conditions),
        workers=workers,
    )
    return Forecast(result)


def scenarios() -> pd.DataFrame:
    """The shipped scenarios and studies (``escsim scenarios``): kind, name, path and a
    one-line description; a name is what ``run``, ``compare`` and ``sweep`` accept."""
    from sim.package_data import shipped_files

    return pd.DataFrame(shipped_files(), columns=["kind", "name", "path", "description"])
