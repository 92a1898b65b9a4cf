"""The Python face of the filter: ``sim.assimilation.assimilate(...)`` returns a
:class:`RecordForecast`, the object ``escsim forecast`` prints (its table, its JSON,
its figure).

(The issue asked for ``sim.record.filter``; the filter imports the record's modules, so
a ``filter`` in ``sim.record`` would make an import circle, which the project's import
test forbids even inside functions. It lives in ``sim.assimilation``, named
``assimilate`` because ``sim.assimilation.filter`` is the filter's module.)"""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.assimilation.forecast import DEFAULT_REPLICATES, FilterResult, filter_record
from sim.record.monthly import Record
from sim.record.observation import ObservationModel
from sim.scenario.scenario import Scenario
from sim.seeding import DEFAULT_SEED


@dataclass
class RecordForecast:
    """The record filtered to ``origin`` and the ``horizon_months`` forecast from it."""

    scenario: Scenario
    record: Record
    origin: pd.Period
    horizon_months: int
    seed: int
    filtered: FilterResult

    @property
    def run(self):
        """The forecast as a :class:`sim.results.RunResult` (``estimate``, ``outcomes``)."""
        return self.filtered.run_result(self.origin, self.scenario.name, self.seed)

    @property
    def months(self) -> pd.DataFrame:
        """One row per filtered month: ESS, log-likelihood increment, filtered rung
        distribution, beliefs and occupied ground (means)."""
        rows = [
            {
                "month": m["month"],
                "observed_rung": m["observed_rung"],
                "ess": m["ess"],
                "log_likelihood": m["log_likelihood"],
                **{f"p_rung_{r}": p for r, p in enumerate(m["rung"])},
                "resolve_belief": m["resolve_belief"][0],
                "csto_trust": m["csto_trust"][0],
                "occupied_km2": m["occupied_km2"][0],
            }
            for m in self.filtered.months
        ]
        return pd.DataFrame(rows).set_index("month") if rows else pd.DataFrame()

    def to_dict(self) -> dict:
        """The JSON of ``escsim forecast --format json``."""
        return {
            "scenario": self.scenario.name,
            "record": str(self.record.path),
            "seed": self.seed,
            "worlds": self.filtered.worlds,
            "as_of": str(self.origin),
            "horizon_months": self.horizon_months,
            "outcomes": self.run.to_dict()["outcomes"],
            "filter": self.filtered.filter_dict(),
        }

    def table(self) -> str:
        return format_forecast(self.to_dict())

    def plot(self, path) -> Path:
        return plot_forecast(self.to_dict(), self.record, Path(path))


def filter_and_forecast(
    scenario,
    record,
    as_of=None,
    horizon_months: int = 12,
    *,
    n_worlds: int = 4000,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    observation: ObservationModel | str = "default",
    conditions=None,
    workers: int = 1,
    spread: tuple[int, int] | None = None,
    dask=None,
    progress=None,
) -> RecordForecast:
    """Filter ``record`` (a path or a :class:`sim.record.Record`) through the months before
    ``as_of`` (default: the month after the record's last) under ``scenario`` (a path or
    a Scenario) and forecast ``horizon_months`` from there. ``spread=(G, m)``: the
    spread pass over the filtered worlds (default: as ``escsim run`` sizes it for
    ``n_worlds``; ``(0, m)`` switches it off)."""
    from sim.montecarlo import default_spread
    from sim.record.monthly import Record, load_record, parse_month
    from sim.scenario import load_scenario

    record = record if isinstance(record, Record) else load_record(record)
    scenario = load_scenario(scenario) if isinstance(scenario, str | Path) else scenario
    origin = record.last_month + 1 if as_of is None else parse_month(as_of)
    if isinstance(observation, str):
        observation = ObservationModel.named(observation)
    result = filter_record(
        scenario,
        record,
        [origin],
        (horizon_months,),
        n_worlds=n_worlds,
        replicates=min(replicates, n_worlds),
        seed=seed,
        observation=observation,
        conditions=conditions,
        tally_horizon=horizon_months,
        workers=workers,
        spread=default_spread(n_worlds) if spread is None else spread,
        dask=dask,
        worlds_done=progress,
    )
    return RecordForecast(scenario, record, origin, horizon_months, seed, result)


def format_forecast(data: dict) -> str:
    from sim.formatting import pct, spread_text

    f = data["filter"]
    lines = [
        f"scenario: {data['scenario']}    record: {data['record']}    seed: {data['seed']}",
        f"origin: {data['as_of']}    horizon: {data['horizon_months']} months    worlds: "
        f"{data['worlds']:,} in {f['replicates']} filters",
        "",
        f"{'outcome':<26} {'p':>7}  {'95% CI':<17} {'n':>7}  spread over filtered worlds",
    ]
    for name, est in data["outcomes"].items():
        ci = f"[{pct(est['ci'][0])}, {pct(est['ci'][1])}]"
        s = est.get("spread")
        spread = spread_text(s["p10"], s["p50"], s["p90"]) if s else "-"
        lines.append(f"{name:<26} {pct(est['p']):>7}  {ci:<17} {est['n']:>7,}  {spread}")
    lines.append(
        "(spread: 10th-90th percentile (median) of the forecast over groups of copies of "
        "one filtered world, its parameters and state)"
    )
    if f["months"]:
        last = f["months"][-1]
        rung = ", ".join(f"{r}: {pct(p)}" for r, p in enumerate(last["rung"]) if p >= 0.005)
        low = min(f["months"], key=lambda m: m["ess"])
        lines += [
            "",
            f"filtered state at the end of {last['month']} (record: rung {last['observed_rung']}):",
            f"  highest rung of the month   {rung}",
            "  Baku's belief in Western resolve  {:.2f} (90%: {:.2f}-{:.2f})".format(
                *last["resolve_belief"]
            ),
            "  Armenia's trust in the CSTO       {:.2f} (90%: {:.2f}-{:.2f})".format(
                *last["csto_trust"]
            ),
            "  occupied km2                      {:.0f} (90%: {:.0f}-{:.0f})".format(
                *last["occupied_km2"]
            ),
            "",
            f"log marginal likelihood of the record {f['log_likelihood']:.2f} "
            f"(Monte Carlo SE {f['se']:.2f}); lowest ESS {low['ess']:.0f} of "
            f"{low['worlds']:,} in {low['month']}",
        ]
    return "\n".join(lines) + "\n"


def plot_forecast(data: dict, record, path: Path) -> Path:
    """Record against the filtered rung bands by month; the forecast beside it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from sim.ladder import N_RUNGS

    months = data["filter"]["months"]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 4.5), width_ratios=[3, 1])
    if months:
        probs = np.array([m["rung"] for m in months]).T
        x = np.arange(len(months))
        ax.stackplot(
            x,
            probs,
            labels=[f"rung {r}" for r in range(N_RUNGS)],
            alpha=0.75,
            colors=plt.cm.YlOrRd(np.linspace(0.1, 0.95, N_RUNGS)),
        )
        observed = np.array([m["observed_rung"] for m in months])
        ax.scatter(
            x,
            (observed + 0.5) / N_RUNGS,
            color="black",
            s=14,
            zorder=3,
            label="record's rung (height = rung)",
        )
        step = max(1, len(months) // 12)
        ax.set_xticks(x[::step], [m["month"] for m in months][::step], rotation=45)
    ax.set_ylim(0, 1)
    ax.set_ylabel("filtered P(highest rung of the month)")
    ax.set_title(f"filtered worlds against the record ({record.path.name})")
    ax.legend(fontsize=7, loc="upper left", ncols=2)
    names = [
        n
        for n in (
            "border_clash",
            "limited_incursion",
            "csto_statement",
            "sanctions_imposed",
            "peace_treaty",
        )
        if n in data["outcomes"]
    ]
    p = [data["outcomes"][n]["p"] for n in names]
    err = np.array(
        [
            [
                data["outcomes"][n]["p"] - data["outcomes"][n]["ci"][0],
                data["outcomes"][n]["ci"][1] - data["outcomes"][n]["p"],
            ]
            for n in names
        ]
    ).T
    bx.barh(names, p, xerr=err, color="tab:red", alpha=0.7)
    bx.set_xlim(0, 1)
    bx.invert_yaxis()
    bx.set_title(f"forecast from {data['as_of']}, {data['horizon_months']} months")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
