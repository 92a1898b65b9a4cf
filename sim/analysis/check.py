"""Expert-claim checks: does the model, set to an expert's assumptions, agree with what
the expert concluded?

Each claim's words are read under every word-to-number mapping
(:mod:`sim.analysis.words`: ICD 203 and Kent 1964, plus a user's ``--mapping``) as a
band or a one-sided bound; the model's estimate of the claimed probability has a 95%
Wilson interval. Each mapping's verdict compares the two:

- consistent: the whole interval lies within the bound;
- inconsistent: the whole interval lies outside it (the report says on which side);
- inconclusive: the interval straddles an edge (more worlds may settle it).

A claim whose verdict differs between mappings is flagged as one that *flips*: the
verdict then rests on the choice of table, not on the model alone.

A conditional claim, P(outcome | given), is estimated over the worlds where ``given``
happened. Where the scenario makes the condition too rare for that (fewer than
``FEW_WORLDS`` worlds) and the condition is a rung, it is estimated instead over worlds
that start the horizon on that rung and are held there, and the report says so.

A mechanism claim (``counterfactual:`` and ``ratio:``) bounds how much one of the
expert's reasons matters: P(outcome) in the lens with a counterfactual change over
P(outcome) in the lens, both runs on the same worlds; its interval and verdict are
:mod:`sim.analysis.ratio`'s. Unlike a one-sided bound on a chance, such a claim fails
when the model's mechanism is weaker (or stronger) than the expert says.

An inconsistent verdict is a finding, not a failure: it says the expert's stated
assumptions, as encoded in the lens, do not imply the expert's conclusion under this
model (or that the encoding misses an assumption the expert left unsaid).
"""

from dataclasses import dataclass, replace

from sim.actors import registered
from sim.analysis.ratio import RatioCheck, check_ratio, outcome_indicators, ratio_text
from sim.analysis.words import MAPPINGS, Band, Mapping, band_for, normalise
from sim.montecarlo import run_scenario
from sim.outcomes import RUNG_OUTCOMES
from sim.results import Estimate
from sim.scenario import Scenario
from sim.scenario.claims import Claim

CONSISTENT, INCONSISTENT, INCONCLUSIVE = "consistent", "inconsistent", "inconclusive"
UNMAPPED = "unmapped"  # a user mapping without the claim's phrase
FEW_WORLDS = 100  # below this many worlds meeting a condition, the report says so


@dataclass(frozen=True)
class Reading:
    """A claim's verdict under one mapping."""

    mapping: str
    band: Band | None
    verdict: str
    side: str = ""

    beyond_row: str = ""  # "below"/"above" the printed row of a one-sided reading

    def to_dict(self) -> dict:
        band = None if self.band is None else [self.band.low, self.band.high]
        return {
            "band": band,
            "reading": None if self.band is None else self.band.reading,
            "verdict": self.verdict,
            "side": self.side,
            "beyond_row": self.beyond_row,
        }


@dataclass(frozen=True)
class ClaimCheck:
    """One claim, the model's estimate for it, and its verdict under each mapping (the
    first is ICD 203; ``band``, ``verdict`` and ``side`` are that one's)."""

    claim: Claim
    estimate: Estimate
    readings: tuple[Reading, ...]
    horizon_weeks: int
    method: str = "share of worlds in the run"

    @property
    def band(self) -> Band | None:
        return self.readings[0].band

    @property
    def verdict(self) -> str:
        return self.readings[0].verdict

    @property
    def side(self) -> str:
        return self.readings[0].side

    @property
    def flips(self) -> bool:
        """True when the mappings that read the phrase do not all agree."""
        return len({r.verdict for r in self.readings if r.verdict != UNMAPPED}) > 1

    def to_dict(self) -> dict:
        return {
            **self.claim.to_dict(),
            "estimate": self.estimate.to_dict(),
            "horizon_weeks": self.horizon_weeks,
            "method": self.method,
            "band": None if self.band is None else [self.band.low, self.band.high],
            "verdict": self.verdict,
            "side": self.side,
            "verdicts": {r.mapping: r.to_dict() for r in self.readings},
            "flips": self.flips,
        }


def verdict(ci: tuple[float, float], band: Band) -> tuple[str, str]:
    """Compare an interval with a band or bound: (verdict, which side the model lies on).
    An upper bound is a band from 0, a lower bound one up to 1, so one rule serves all."""
    lo, hi = ci
    high = 1.0 if band.high is None else band.high
    if hi < band.low:
        return INCONSISTENT, "model lower than the words"
    if lo > high:
        return INCONSISTENT, "model higher than the words"
    if lo >= band.low and hi <= high:
        return CONSISTENT, ""
    return INCONCLUSIVE, ""


def read_all(est: Estimate, words: str, mappings: tuple[Mapping, ...]) -> tuple[Reading, ...]:
    """The verdict of an estimate under each mapping."""
    out = []
    for m in mappings:
        band = m.bands.get(normalise(words))
        if band is None:
            out.append(Reading(m.name, None, UNMAPPED))
        elif not est.n:
            out.append(Reading(m.name, band, INCONCLUSIVE, "no world met the condition"))
        else:
            out.append(Reading(m.name, band, *verdict(est.ci, band), beyond_row(est.ci, band)))
    return tuple(out)


def beyond_row(ci: tuple[float, float], band: Band) -> str:
    """Where a one-sided reading is consistent but the whole interval lies past the far
    edge of the row the table prints ("below" an "unlikely" row, "above" a "likely" one):
    the words allow it, but the model is more extreme than the table's own numbers."""
    if band.printed is None:
        return ""
    low, high = band.printed
    if band.high is not None and ci[1] < low:
        return "below"
    if band.high is None and ci[0] > high:
        return "above"
    return ""


def with_user_mapping(user: dict[str, Band] | None) -> tuple[Mapping, ...]:
    """The built-in mappings, plus a user's as a further column."""
    if not user:
        return MAPPINGS
    return (*MAPPINGS, Mapping("user", "the --mapping file", user))


def check_scenario(
    scenario: Scenario,
    n_worlds: int = 10_000,
    seed: int = 0,
    mapping=None,
    workers: int = 1,
    progress=None,
    dask=None,
) -> list[ClaimCheck | RatioCheck]:
    """Check every claim of ``scenario``, in order: one run per distinct claim horizon,
    and for mechanism claims one paired run of the lens and of each change
    (:class:`~sim.analysis.ratio.RatioCheck` in their places).
    ``mapping``: a user's phrase-to-band dict, read as a further column."""
    mappings = with_user_mapping(mapping)
    for c in scenario.claims:  # words no mapping reads fail early, before any run
        if not c.is_ratio and not any(normalise(c.words) in m.bands for m in mappings):
            band_for(c.words, {k: v for m in mappings for k, v in m.bands.items()})
    runs: dict = {}
    worlds: dict = {}  # (counterfactual path or None, horizon) -> indicators

    def indicators(change, horizon):
        key = (None if change is None else change.path, horizon)
        if key not in worlds:
            world = scenario if change is None else change.apply(scenario)
            worlds[key] = outcome_indicators(
                world, n_worlds, seed, horizon, workers, dask, progress
            )
        return worlds[key]

    out: list = []
    for claim in scenario.claims:
        horizon = claim.horizon_weeks or scenario.horizon_weeks
        if claim.is_ratio:
            changed = indicators(claim.counterfactual, horizon)
            out.append(check_ratio(claim, changed, indicators(None, horizon), seed, horizon))
            continue
        if horizon not in runs:
            runs[horizon] = run_scenario(
                scenario,
                n_worlds=n_worlds,
                seed=seed,
                horizon_weeks=horizon,
                workers=workers,
                progress=progress,
                dask=dask,
            )
        result, method = runs[horizon], ClaimCheck.method
        if not claim.given:
            est = result.estimate(claim.outcome)
        else:
            est = result.conditional(claim.outcome, claim.given)
            if est.n < FEW_WORLDS and claim.given in RUNG_OUTCOMES:
                est, method = _started_on(
                    scenario, claim, n_worlds, seed, horizon, workers, dask, progress
                )
        out.append(ClaimCheck(claim, est, read_all(est, claim.words, mappings), horizon, method))
    return out


# Baku's ladder held still: moving one rung costs the most the range allows at the
# least noise, a weight of exp(-75) against staying.
HOLD_RUNG = {
    registered("azerbaijan.change_cost"): 15.0,
    registered("azerbaijan.decision_noise"): 0.2,
}


def _started_on(scenario, claim, n_worlds, seed, horizon, workers, dask=None, progress=None):
    """P(outcome) over worlds that start the horizon on the rung the claim is
    conditioned on and stay there: "if this happens" (seed 000), asked of every world
    rather than of the few in which it happens, which the scenario's own deterrence
    makes rare. Everything else in the scenario is unchanged."""
    rung = int(RUNG_OUTCOMES[claim.given])
    held = scenario.with_overrides(HOLD_RUNG, source="assumption: the condition held")
    held = replace(held, initial=replace(scenario.initial, rung=rung))
    result = run_scenario(
        held,
        n_worlds=n_worlds,
        seed=seed,
        horizon_weeks=horizon,
        workers=workers,
        dask=dask,
        progress=progress,
    )
    return result.estimate(claim.outcome), f"worlds held on rung {rung} ({claim.given})"


def is_inconsistent(check: "ClaimCheck | RatioCheck") -> bool:
    """True when a check is inconsistent (under any mapping, for a probability claim)."""
    if isinstance(check, RatioCheck):
        return check.verdict == INCONSISTENT
    return any(r.verdict == INCONSISTENT for r in check.readings)


def ratio_lines(c: RatioCheck) -> list[str]:
    """A mechanism claim's lines in the text report: the claim, both chances with their
    intervals and the worlds, the ratio's interval and the verdict."""
    from sim.formatting import estimate_text

    claim, table = c.claim, c.table
    change = claim.counterfactual.name if claim.counterfactual else "?"
    words = f' "{claim.words}"' if claim.words else ""
    bound = claim.ratio.describe() if claim.ratio else "?"
    lens, changed = table.lens, table.changed
    return [
        f"  {claim.who or '?'}: {claim.outcome}, with {change} / lens {bound}{words} "
        f"({c.horizon_weeks} weeks)",
        f"    lens {estimate_text(lens.p, lens.ci)}; with the change "
        f"{estimate_text(changed.p, changed.ci)}; n={table.n:,} paired worlds",
        f"    ratio {ratio_text(c.ratio)}, 95% interval [{ratio_text(c.ci[0])}, "
        f"{ratio_text(c.ci[1])}]   {c.verdict.upper()}" + (f" ({c.side})" if c.side else ""),
    ]


def format_checks(name: str, checks: list, seed: int) -> str:
    """The check report of one scenario as text: per claim, the model's estimate and a
    row per mapping; a claim whose verdict differs between mappings is flagged; a
    mechanism claim, its two chances and their ratio (:func:`ratio_lines`)."""
    from sim.formatting import estimate_text

    lines = [f"scenario: {name}    seed: {seed}"]
    if not checks:
        return lines[0] + "\n  (no claims)\n"
    plain = [c for c in checks if isinstance(c, ClaimCheck)]
    width = max((len(r.mapping) for c in plain for r in c.readings), default=0)
    for c in checks:
        if isinstance(c, RatioCheck):
            lines.extend(ratio_lines(c))
            continue
        what = c.claim.outcome + (f" | {c.claim.given}" if c.claim.given else "")
        est = c.estimate
        lines.append(f'  {c.claim.who or "?"}: {what} "{c.claim.words}" ({c.horizon_weeks} weeks)')
        lines.append(f"    model {estimate_text(est.p, est.ci)}, n={est.n:,}")
        for r in c.readings:
            bound = "(no reading)" if r.band is None else r.band.describe()
            printed = None if r.band is None else r.band.printed
            row = (
                f" (model {r.beyond_row} the printed row, "
                f"{100 * printed[0]:g}-{100 * printed[1]:g}%)"
                if r.beyond_row and printed is not None
                else ""
            )
            lines.append(
                f"      {r.mapping:<{width}}  {bound:<12}  {r.verdict.upper()}"
                + (f" ({r.side})" if r.side else "")
                + row
            )
        if c.flips:
            lines.append("      FLIPS: the verdict depends on the mapping")
        if c.method != ClaimCheck.method:
            lines.append(
                f"    (fewer than {FEW_WORLDS} worlds reached {c.claim.given} by "
                f"themselves; estimated over {c.method})"
            )
        elif c.claim.given and est.n < FEW_WORLDS:
            lines.append(f"    (only {est.n} worlds had {c.claim.given}: the interval is wide)")
    return "\n".join(lines) + "\n"


# --- the `escsim check` command -------------------------------------------------------


def cli_parse(sub) -> None:
    """``escsim check FILE...``: each expert claim against the model."""
    from pathlib import Path

    from sim.cli_support import add_out_option, add_run_options

    chk = sub.add_parser("check", help="check experts' claims against the model")
    chk.add_argument("files", type=Path, nargs="+", help="scenario files with claims:")
    chk.add_argument(
        "--mapping",
        type=Path,
        default=None,
        help="YAML file of phrase: [low, high] (or [low]), shown as a further "
        "mapping beside ICD 203 and Kent 1964 (default: none, those two only)",
    )
    chk.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a claim is inconsistent under any mapping (or a mechanism "
        "claim's ratio is)",
    )
    add_run_options(chk)
    add_out_option(chk, "check.json (the --format json text) and check.txt (the table)")
    chk.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.analysis.words import load_mapping
    from sim.cli_support import RunsProgress, load_all, wrote
    from sim.files import atomic_write, check_out_dir
    from sim.formatting import json_text

    if args.out is not None:
        check_out_dir(args.out)
    mapping = load_mapping(args.mapping) if args.mapping else None
    inconsistent, report, texts = 0, [], []
    with RunsProgress(enabled=not args.quiet) as bar:
        for scenario in load_all(args.files, args):
            checks = check_scenario(
                scenario, args.worlds, args.seed, mapping, args.workers, bar.callback, args.dask
            )
            inconsistent += sum(is_inconsistent(c) for c in checks)
            report.append({"scenario": scenario.name, "seed": args.seed, "claims": checks})
            texts.append(format_checks(scenario.name, checks, args.seed))
    if args.format == "json":
        print(json_text(report))
    else:
        for text in texts:
            print(text)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        for path in (
            atomic_write(args.out / "check.json", json_text(report) + "\n"),
            atomic_write(args.out / "check.txt", "\n".join(texts)),
        ):
            wrote(path)
    return 1 if args.strict and inconsistent else 0
