"""ABC-SMC calibration of a scenario's behavioural parameters on the monthly record.

:func:`prepare` turns a record file and a scenario into everything the inference needs
(the scenario as of the record's first month, the conditions switched on at their dates,
the observed statistics, the priors); :func:`run_abc` hands that to pyabc (ABC-SMC with
its default adaptive tolerance, the median distance of the previous generation, and its
multivariate normal perturbation kernel) and keeps pyabc's database in the output
directory so a run can be resumed. :func:`posterior_frame` and :func:`diagnostics` read
the result back out of that database.
"""

import datetime
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc

from sim.calibration.database import DB_NAME
from sim.calibration.priors import Prior, choose_priors, pyabc_prior
from sim.calibration.sampler import BatchedSampler, SeededMappingSampler
from sim.calibration.simulator import RecordSimulator
from sim.calibration.summary import (
    CSTO,
    SANCTIONS,
    MonthlyRecord,
    RecordDistance,
    periods,
    statistic_names,
    statistic_weights,
    statistics,
)
from sim.outcomes import BY_NAME
from sim.params import ParamKey
from sim.record.monthly import Record
from sim.scenario import Problem, Scenario, ScenarioError

DEFAULT_PARTICLES = 200
DEFAULT_GENERATIONS = 8
DEFAULT_RECORDS = 8
# How the proposals of a generation are simulated (sim.calibration.sampler): "batched",
# blocks of one model (the default), or "mapping", one model call per proposal.
SAMPLERS = ("batched", "mapping")
DEFAULT_SAMPLER = "batched"


@dataclass(frozen=True)
class Setup:
    """A calibration problem, ready to run."""

    record: Record
    scenario: Scenario  # the given scenario (calibrated.yaml extends it)
    start: pd.Period
    until: pd.Period
    priors: tuple[Prior, ...]
    simulator: RecordSimulator
    observed: MonthlyRecord
    observed_stats: np.ndarray
    statistic_names: tuple[str, ...]
    schedule_notes: tuple[str, ...]

    @property
    def keys(self) -> tuple[ParamKey, ...]:
        return tuple(p.key for p in self.priors)

    @property
    def months(self) -> list[str]:
        return [str(m) for m in pd.period_range(self.start, self.until, freq="M")]


def observed_monthly(record, start: pd.Period, until: pd.Period) -> MonthlyRecord:
    """The record's months from ``start`` to ``until`` as a :class:`MonthlyRecord`."""
    frame = record.frame.loc[start:until]
    return MonthlyRecord.single(
        frame["highest_rung"].to_numpy(),
        CSTO.month(frame).to_numpy(),
        SANCTIONS.month(frame).to_numpy(),
    )


def _month(text, what: str, record) -> pd.Period:
    from sim.record import parse_month

    try:
        return parse_month(str(text))
    except ValueError:
        raise ScenarioError(
            [
                Problem(
                    str(record.path), None, what, f"expected a month like 2024-06, found {text!r}"
                )
            ]
        ) from None


def prepare(
    record_path,
    scenario_path,
    until: str | None = None,
    parameters: list[str] | None = None,
    records: int = DEFAULT_RECORDS,
    seed: int = 0,
) -> Setup:
    """Read and check the inputs; raise :class:`ScenarioError` naming every problem."""
    from sim.actors import PARAMS_BY_KEY
    from sim.record import load_record, month_weeks
    from sim.record.conditions import parameter_schedule, scenario_as_of
    from sim.scenario import load_scenario

    record = load_record(record_path)
    scenario = load_scenario(scenario_path)
    start = pd.Period(record.first_month, freq="M")
    last = pd.Period(record.last_month, freq="M")
    end = last if until is None else _month(until, "--until", record)
    if not start + 11 <= end <= last:
        raise ScenarioError(
            [
                Problem(
                    str(record.path),
                    None,
                    "--until",
                    f"{end} is outside the "
                    f"record: give a month from {start + 11} (a year of "
                    f"record at least) to {last}",
                )
            ]
        )
    priors, problems = choose_priors(scenario, parameters, PARAMS_BY_KEY, str(scenario_path))
    if problems:
        raise ScenarioError(problems)
    months = (end - start).n + 1
    as_of = scenario_as_of(scenario, start)
    schedule = parameter_schedule(scenario, start, months)
    weeks = tuple(int(w) for w in month_weeks(start, months))
    change_months = [
        int(np.searchsorted(np.cumsum(weeks), week, side="right")) for week, _ in schedule
    ]
    spans = tuple(periods(months, change_months))
    labels = [str(m) for m in pd.period_range(start, end, freq="M")]
    notes = tuple(
        f"from {labels[m]} the conditions set {key} = {value:g} (calibrated: its value before that)"
        for (week, changes), m in zip(schedule, change_months, strict=True)
        for key, value in changes.items()
        if key in {p.key for p in priors}
    )
    # The calibrated parameters start from the particle's values, whatever as_of set.
    simulator = RecordSimulator(
        as_of,
        tuple((int(w), dict(c)) for w, c in schedule),
        weeks,
        spans,
        tuple(p.key for p in priors),
        int(records),
        int(seed),
    )
    observed = observed_monthly(record, start, end)
    return Setup(
        record,
        scenario,
        start,
        end,
        tuple(priors),
        simulator,
        observed,
        statistics(observed, list(spans))[0],
        tuple(statistic_names(list(spans), labels)),
        notes,
    )


def make_abc(setup: Setup, particles: int, sampler) -> pyabc.ABCSMC:
    """The pyabc ABC-SMC object for ``setup`` (the same for a new and a resumed run)."""
    distance = RecordDistance(tuple(statistic_weights(list(setup.simulator.spans))))
    return pyabc.ABCSMC(
        setup.simulator,
        pyabc_prior(list(setup.priors)),
        distance,
        population_size=particles,
        sampler=sampler,
    )


def run_abc(
    setup: Setup,
    out: Path,
    particles: int,
    generations: int,
    map_=map,
    seed: int = 0,
    resume: bool = False,
    sampler_name: str = DEFAULT_SAMPLER,
) -> tuple[pyabc.History, float]:
    """Run (or continue) the inference until ``generations`` populations exist in the
    database in ``out``; return pyabc's history and the wall time of this call.
    ``sampler_name`` is one of :data:`SAMPLERS`."""
    # pyabc itself draws from the legacy global generator in the main process.
    np.random.seed(seed)  # noqa: NPY002
    sampler: BatchedSampler | SeededMappingSampler
    if sampler_name == "batched":
        sampler = BatchedSampler(setup.simulator, map_, seed)
    elif sampler_name == "mapping":
        sampler = SeededMappingSampler(map_, seed)
    else:
        raise ValueError(f"unknown sampler {sampler_name!r}: one of {', '.join(SAMPLERS)}")
    abc = make_abc(setup, particles, sampler)
    db = f"sqlite:///{(out / DB_NAME).resolve()}"
    if resume:
        history = abc.load(db, 1)
        remaining = generations - history.n_populations
        if isinstance(sampler, BatchedSampler):  # its round sizes read the last rate
            pops = history.get_all_populations()
            pops = pops[pops["t"] >= 0]
            sampler.remember_rates(
                dict(zip(pops["t"], pops["particles"] / pops["samples"], strict=True))
            )
    else:
        abc.new(db, {"stats": setup.observed_stats})
        remaining = generations
    began = time.perf_counter()
    if remaining > 0:
        history = abc.run(max_nr_populations=remaining)
    else:
        history = abc.history
    return history, time.perf_counter() - began


def posterior_frame(history: pyabc.History, keys: tuple[ParamKey, ...]) -> pd.DataFrame:
    """The last population: one row per particle, a column per parameter key and its
    pyabc weight (normalised to sum to 1), in pyabc's particle order."""
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    out = pd.DataFrame({key.dotted: frame[key.safe].to_numpy(dtype=np.float64) for key in keys})
    out["weight"] = np.asarray(weights, dtype=np.float64) / np.sum(weights)
    return out


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> list[float]:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    cum = cum / cum[-1]
    return [float(values[order][min(np.searchsorted(cum, q), len(values) - 1)]) for q in qs]


def diagnostics(
    setup: Setup, history: pyabc.History, wall_seconds: float, settings: dict, command: list[str]
) -> dict:
    """The run's diagnostics as plain data (written to diagnostics.json)."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    populations = []
    for _, row in pops.iterrows():
        t = int(row["t"])
        _, w = history.get_distribution(m=0, t=t)
        populations.append(
            {
                "t": t,
                "epsilon": float(row["epsilon"]),
                "particles": int(row["particles"]),
                "simulations": int(row["samples"]),
                "acceptance_rate": float(row["particles"]) / float(row["samples"]),
                "effective_sample_size": float(
                    pyabc.weighted_statistics.effective_sample_size(np.asarray(w) / np.sum(w))
                ),
                "wall_seconds": None if pd.isna(row["wall_time"]) else float(row["wall_time"]),
            }
        )
    post = posterior_frame(history, setup.keys)
    weights = post["weight"].to_numpy()
    summary = {}
    for prior in setup.priors:
        values = post[prior.key].to_numpy()
        q05, q50, q95 = weighted_quantiles(values, weights, (0.05, 0.5, 0.95))
        summary[prior.key] = {
            "prior": prior.dist.describe(),
            "prior_from": prior.origin,
            "prior_mean": prior.dist.mean(),
            "posterior_mean": float(values @ weights),
            "posterior_median": q50,
            "posterior_90": [q05, q95],
        }
    return {
        "command": command,
        "settings": settings,
        "record": {
            "file": Path(str(setup.record.path)).name,
            "from": str(setup.start),
            "until": str(setup.until),
        },
        "periods": [[setup.months[a], setup.months[b - 1]] for a, b in setup.simulator.spans],
        "statistics": dict(
            zip(setup.statistic_names, map(float, setup.observed_stats), strict=True)
        ),
        "conditions_on_calibrated_parameters": list(setup.schedule_notes),
        "parameters": summary,
        "populations": populations,
        "total_simulations": int(history.total_nr_simulations),
        "wall_seconds_this_call": round(wall_seconds, 2),
        "wall_seconds_all_calls": round(float(pops["wall_time"].fillna(0).sum()), 2),
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def draw_rows(post: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` posterior rows drawn by weight (reproducible by ``seed``)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 2]))
    rows = rng.choice(len(post), size=n, p=post["weight"].to_numpy())
    return post.iloc[rows].reset_index(drop=True)


def simulate_draws(setup: Setup, values: dict[str, np.ndarray], seed: int) -> MonthlyRecord:
    """One batched run: a world per row of ``values`` (calibrated keys -> arrays)."""
    n = len(next(iter(values.values())))
    return setup.simulator.monthly(values, np.random.SeedSequence([int(seed), 3]), n)


def synthetic_record(setup: Setup, values: dict[str, float], seed: int) -> pd.DataFrame:
    """A record with the observed record's columns and months, simulated by the same
    simulator at fixed ``values`` of the calibrated parameters (one world): the known
    answer a calibration must recover (tests, notebook 06). Ground is taken in the months
    at the limited incursion's rung or higher (in the model taking ground is that rung);
    a CSTO reaction is the least one the CSTO's row counts."""
    months = simulate_draws(setup, {k: np.array([float(v)]) for k, v in values.items()}, seed)
    rung = months.rung[0]
    ground_rung = BY_NAME["limited_incursion"].rung
    reaction = CSTO.csto.name.lower() if CSTO.csto is not None else ""
    return pd.DataFrame(
        {
            "month": setup.months,
            "highest_rung": rung,
            "armenian_military_deaths": 0,
            "ground_taken": np.where(rung >= ground_rung, "true", "false"),
            "csto_reaction": np.where(months.csto[0], reaction, "none"),
            "sanctions_on_azerbaijan": np.where(months.sanctions[0], "true", "false"),
            "treaty_step": "",
            "event": "simulated",
            "source": f"sim.calibration.inference.synthetic_record, seed {int(seed)}",
        }
    )
