"""``escsim forecast``: filter the worlds through the record, then forecast from the origin.

    escsim forecast --record data/record/armenia_azerbaijan_monthly.csv \\
        [--as-of YYYY-MM] [--horizon-months H] [--scenario S] [-n N] \\
        [--format table|json] [--out DIR]

``--as-of`` (the origin) defaults to the month after the record's last: adding a month
to the record and running again is the whole "forecast from today" workflow. The
filter reads the months before the origin only; the forecast runs with the conditions
dated before it (:mod:`sim.assimilation.forecast`).
"""

import json
import sys
from pathlib import Path

FORECAST_JSON = "forecast.json"
FORECAST_PNG = "forecast.png"
DEFAULT_WORLDS = 4000
OBSERVATION_CHOICES = ("default", "sharper", "softer", "uninformative")


def month_arg(text: str):
    import argparse

    from sim.record import parse_month

    try:
        return parse_month(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def cli_parse(subparsers) -> None:
    from sim.assimilation.forecast import DEFAULT_REPLICATES
    from sim.cli_support import positive_int, seed
    from sim.package_data import scenarios_dir
    from sim.seeding import DEFAULT_SEED

    fc = subparsers.add_parser(
        "forecast", help="filter the worlds through the monthly record, then forecast from "
                         "the origin")
    fc.add_argument("--record", type=Path, required=True,
                    help="a CSV with the record's columns (data/record/"
                         "armenia_azerbaijan_monthly.csv)")
    fc.add_argument("--as-of", type=month_arg, default=None, metavar="YYYY-MM",
                    help="the origin (default: the month after the record's last)")
    fc.add_argument("--horizon-months", type=positive_int, default=12,
                    help="months forecast from the origin (default 12)")
    fc.add_argument("--scenario", type=Path, default=scenarios_dir() / "calibrated.yaml",
                    help="scenario the worlds are drawn from (default scenarios/calibrated.yaml)")
    fc.add_argument("--conditions", type=Path, default=None,
                    help="conditions file (default: the shipped sim/record/conditions.yaml)")
    fc.add_argument("--observation", choices=OBSERVATION_CHOICES, default="default",
                    help="observation model: the registry's (default), sharper or softer "
                         "(half or twice the coding error), or uninformative")
    fc.add_argument("-n", "--worlds", type=positive_int, default=DEFAULT_WORLDS,
                    help=f"worlds in all (default {DEFAULT_WORLDS:,})")
    fc.add_argument("--replicates", type=positive_int, default=DEFAULT_REPLICATES,
                    help="independent filters the worlds are split into, for the "
                         f"log-likelihood's standard error (default {DEFAULT_REPLICATES})")
    fc.add_argument("--seed", type=seed, default=DEFAULT_SEED, help="master seed")
    fc.add_argument("--workers", type=positive_int, default=1,
                    help="processes the replicates run on (results do not depend on it)")
    fc.add_argument("--format", choices=("table", "json"), default="table")
    fc.add_argument("--out", type=Path, default=None,
                    help=f"directory for {FORECAST_JSON} and {FORECAST_PNG}")
    fc.set_defaults(action=cli_action)


def forecast_data(result, origin, horizon: int, scenario, args) -> dict:
    run = result.run_result(origin, scenario.name, args.seed).to_dict()
    return {"scenario": scenario.name, "record": str(args.record), "seed": args.seed,
            "worlds": result.worlds, "as_of": str(origin), "horizon_months": horizon,
            "outcomes": run["outcomes"], "filter": result.filter_dict()}


def format_forecast(data: dict) -> str:
    from sim.formatting import pct

    f = data["filter"]
    lines = [f"scenario: {data['scenario']}    record: {data['record']}    seed: {data['seed']}",
             f"origin: {data['as_of']}    horizon: {data['horizon_months']} months    worlds: "
             f"{data['worlds']:,} in {f['replicates']} filters", "",
             f"{'outcome':<26} {'p':>7}  {'95% CI':<17} {'n':>7}"]
    for name, est in data["outcomes"].items():
        ci = f"[{pct(est['ci'][0])}, {pct(est['ci'][1])}]"
        lines.append(f"{name:<26} {pct(est['p']):>7}  {ci:<17} {est['n']:>7,}")
    if f["months"]:
        last = f["months"][-1]
        rung = ", ".join(f"{r}: {pct(p)}" for r, p in enumerate(last["rung"]) if p >= 0.005)
        low = min(f["months"], key=lambda m: m["ess"])
        lines += ["", f"filtered state at the end of {last['month']} (record: rung "
                      f"{last['observed_rung']}):",
                  f"  highest rung of the month   {rung}",
                  "  Baku's belief in Western resolve  {:.2f} (90%: {:.2f}-{:.2f})".format(
                      *last["resolve_belief"]),
                  "  Armenia's trust in the CSTO       {:.2f} (90%: {:.2f}-{:.2f})".format(
                      *last["csto_trust"]),
                  "  occupied km2                      {:.0f} (90%: {:.0f}-{:.0f})".format(
                      *last["occupied_km2"]),
                  "", f"log marginal likelihood of the record {f['log_likelihood']:.2f} "
                      f"(Monte Carlo SE {f['se']:.2f}); lowest ESS {low['ess']:.0f} of "
                      f"{low['worlds']:,} in {low['month']}"]
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
        ax.stackplot(x, probs, labels=[f"rung {r}" for r in range(N_RUNGS)], alpha=0.75,
                     colors=plt.cm.YlOrRd(np.linspace(0.1, 0.95, N_RUNGS)))
        observed = np.array([m["observed_rung"] for m in months])
        ax.scatter(x, (observed + 0.5) / N_RUNGS, color="black", s=14, zorder=3,
                   label="record's rung (height = rung)")
        step = max(1, len(months) // 12)
        ax.set_xticks(x[::step], [m["month"] for m in months][::step], rotation=45)
    ax.set_ylim(0, 1)
    ax.set_ylabel("filtered P(highest rung of the month)")
    ax.set_title(f"filtered worlds against the record ({record.path.name})")
    ax.legend(fontsize=7, loc="upper left", ncols=2)
    names = [n for n in ("border_clash", "limited_incursion", "csto_statement",
                         "sanctions_imposed", "peace_treaty") if n in data["outcomes"]]
    p = [data["outcomes"][n]["p"] for n in names]
    err = np.array([[data["outcomes"][n]["p"] - data["outcomes"][n]["ci"][0],
                     data["outcomes"][n]["ci"][1] - data["outcomes"][n]["p"]] for n in names]).T
    bx.barh(names, p, xerr=err, color="tab:red", alpha=0.7)
    bx.set_xlim(0, 1)
    bx.invert_yaxis()
    bx.set_title(f"forecast from {data['as_of']}, {data['horizon_months']} months")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def cli_action(args) -> int:
    from sim.assimilation.forecast import filter_record
    from sim.files import atomic_write, check_out_dir
    from sim.record import load_conditions, load_record
    from sim.record.observation import ObservationModel
    from sim.scenario import load_scenario

    if args.out is not None:
        check_out_dir(args.out)
    record = load_record(args.record)
    scenario = load_scenario(args.scenario)
    conditions = load_conditions(args.conditions)
    origin = args.as_of if args.as_of is not None else record.last_month + 1
    result = filter_record(scenario, record, [origin], (args.horizon_months,),
                           n_worlds=args.worlds, replicates=min(args.replicates, args.worlds),
                           seed=args.seed, observation=ObservationModel.named(args.observation),
                           conditions=conditions, tally_horizon=args.horizon_months,
                           workers=args.workers)
    data = forecast_data(result, origin, args.horizon_months, scenario, args)
    text = json.dumps(data, indent=2)
    sys.stdout.write(text + "\n" if args.format == "json" else format_forecast(data))
    sys.stdout.flush()
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        for path in (atomic_write(args.out / FORECAST_JSON, text + "\n"),
                     plot_forecast(data, record, args.out / FORECAST_PNG)):
            print(f"wrote {path}", file=sys.stderr)
    return 0
