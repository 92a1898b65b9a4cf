"""Expert-claim checks: does the model, set to an expert's assumptions, agree with what
the expert concluded?

Each claim's words map to a band (:mod:`sim.analysis.words`); the model's estimate of
the claimed probability has a 95% Wilson interval. The verdict compares the two:

- consistent: the whole interval lies inside the band;
- inconsistent: the whole interval lies outside it (the report says on which side);
- inconclusive: the interval straddles a band edge (more worlds may settle it).

A conditional claim, P(outcome | given), is estimated over the worlds where ``given``
happened. Where the scenario makes the condition too rare for that (fewer than
``FEW_WORLDS`` worlds) and the condition is a rung, it is estimated instead over worlds
that start the horizon on that rung and are held there, and the report says so.

An inconsistent verdict is a finding, not a failure: it says the expert's stated
assumptions, as encoded in the lens, do not imply the expert's conclusion under this
model (or that the encoding misses an assumption the expert left unsaid).
"""

from dataclasses import dataclass, replace

from sim.analysis.words import DEFAULT_MAPPING, Band, band_for
from sim.ladder import RUNG_OUTCOMES
from sim.montecarlo import run_scenario
from sim.results import Estimate

CONSISTENT, INCONSISTENT, INCONCLUSIVE = "consistent", "inconsistent", "inconclusive"
FEW_WORLDS = 100  # below this many worlds meeting a condition, the report says so


@dataclass(frozen=True)
class ClaimCheck:
    """One claim, the model's estimate for it, the band its words map to, the verdict."""

    claim: object  # sim.scenario.claims.Claim
    estimate: Estimate
    band: Band
    verdict: str
    side: str  # "", "model lower than the words" or "model higher than the words"
    horizon_weeks: int
    method: str = "share of worlds in the run"

    def to_dict(self) -> dict:
        return {**self.claim.to_dict(), "band": [self.band.low, self.band.high],
                "estimate": self.estimate.to_dict(), "verdict": self.verdict,
                "side": self.side, "horizon_weeks": self.horizon_weeks, "method": self.method}


def verdict(ci: tuple[float, float], band: Band) -> tuple[str, str]:
    """Compare an interval with a band: (verdict, which side the model lies on)."""
    lo, hi = ci
    high = 1.0 if band.high is None else band.high
    if hi < band.low:
        return INCONSISTENT, "model lower than the words"
    if lo > high:
        return INCONSISTENT, "model higher than the words"
    if lo >= band.low and hi <= high:
        return CONSISTENT, ""
    return INCONCLUSIVE, ""


def check_scenario(scenario, n_worlds: int = 10_000, seed: int = 0, mapping=None,
                   workers: int = 1, progress=None) -> list[ClaimCheck]:
    """Check every claim of ``scenario``; one run per distinct claim horizon."""
    mapping = DEFAULT_MAPPING if mapping is None else mapping
    bands = [band_for(c.words, mapping) for c in scenario.claims]  # unknown words fail early
    runs = {}
    out = []
    for claim, band in zip(scenario.claims, bands, strict=True):
        horizon = claim.horizon_weeks or scenario.horizon_weeks
        if horizon not in runs:
            runs[horizon] = run_scenario(scenario, n_worlds=n_worlds, seed=seed,
                                         horizon_weeks=horizon, workers=workers,
                                         progress=progress)
        result, method = runs[horizon], ClaimCheck.method
        if not claim.given:
            est = result.estimate(claim.outcome)
        else:
            est = result.conditional(claim.outcome, claim.given)
            if est.n < FEW_WORLDS and claim.given in RUNG_OUTCOMES:
                est, method = _started_on(scenario, claim, n_worlds, seed, horizon, workers)
        v, side = verdict(est.ci, band) if est.n else (INCONCLUSIVE, "no world met the condition")
        out.append(ClaimCheck(claim, est, band, v, side, horizon, method))
    return out


# Baku's ladder held still: moving one rung costs the most the range allows at the
# least noise, a weight of exp(-75) against staying.
HOLD_RUNG = {"azerbaijan.change_cost": 15.0, "azerbaijan.decision_noise": 0.2}


def _started_on(scenario, claim, n_worlds, seed, horizon, workers):
    """P(outcome) over worlds that start the horizon on the rung the claim is
    conditioned on and stay there: "if this happens" (seed 000), asked of every world
    rather than of the few in which it happens, which the scenario's own deterrence
    makes rare. Everything else in the scenario is unchanged."""
    rung = int(RUNG_OUTCOMES[claim.given])
    held = scenario.with_overrides(HOLD_RUNG, source="assumption: the condition held")
    held = replace(held, initial=replace(scenario.initial, rung=rung))
    result = run_scenario(held, n_worlds=n_worlds, seed=seed, horizon_weeks=horizon,
                          workers=workers)
    return result.estimate(claim.outcome), f"worlds held on rung {rung} ({claim.given})"


def format_checks(name: str, checks: list[ClaimCheck], seed: int) -> str:
    """The check report of one scenario as text."""
    from sim.formatting import estimate_text

    lines = [f"scenario: {name}    seed: {seed}"]
    if not checks:
        return lines[0] + "\n  (no claims)\n"
    for c in checks:
        what = c.claim.outcome + (f" | {c.claim.given}" if c.claim.given else "")
        est = c.estimate
        lines.append(f"  {c.claim.who or '?'}: {what} \"{c.claim.words}\" "
                     f"(band {c.band.describe()}, {c.horizon_weeks} weeks)")
        lines.append(f"    model {estimate_text(est.p, est.ci)}, "
                     f"n={est.n:,}  ->  {c.verdict.upper()}"
                     + (f" ({c.side})" if c.side else ""))
        if c.method != ClaimCheck.method:
            lines.append(f"    (fewer than {FEW_WORLDS} worlds reached {c.claim.given} by "
                         f"themselves; estimated over {c.method})")
        elif c.claim.given and est.n < FEW_WORLDS:
            lines.append(f"    (only {est.n} worlds had {c.claim.given}: the interval is wide)")
    return "\n".join(lines) + "\n"


# --- the `escsim check` command -------------------------------------------------------


def cli_parse(sub) -> None:
    """``escsim check FILE...``: each expert claim against the model."""
    from pathlib import Path

    from sim.cli_support import add_run_options

    chk = sub.add_parser("check", help="check experts' claims against the model")
    chk.add_argument("files", type=Path, nargs="+", help="scenario files with claims:")
    chk.add_argument("--mapping", type=Path, default=None,
                     help="YAML file of phrase: [low, high] replacing the ICD 203 mapping")
    chk.add_argument("--strict", action="store_true", help="exit 1 on an inconsistent claim")
    add_run_options(chk)
    chk.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.analysis.words import load_mapping
    from sim.cli_support import load_all
    from sim.formatting import json_text

    mapping = load_mapping(args.mapping) if args.mapping else None
    inconsistent, report = 0, []
    for scenario in load_all(args.files):
        checks = check_scenario(scenario, args.worlds, args.seed, mapping, args.workers)
        inconsistent += sum(c.verdict == INCONSISTENT for c in checks)
        if args.format == "json":
            report.append({"scenario": scenario.name, "seed": args.seed, "claims": checks})
        else:
            print(format_checks(scenario.name, checks, args.seed))
    if args.format == "json":
        print(json_text(report))
    return 1 if args.strict and inconsistent else 0
