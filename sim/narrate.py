"""One world told in words, week by week: what each actor did.

:func:`step_world` is the one way a world is stepped and told: ``escsim watch``, the
dashboard's "step one week" and any report that follows one world all call it. The
phrases come from the actors themselves (each agent's ``events``, naming it by its
``label``); this module decides nothing. It also tells the two beliefs the actors carry
from week to week (Baku's estimate of Western resolve, Armenia's trust in the CSTO):
a week's line says when one moved, and :func:`beliefs` says where both stand. The
``watch`` command's parser and action live here too (:func:`cli_parse`,
:func:`cli_action`).
"""

from dataclasses import dataclass
from pathlib import Path

from sim.ladder import Rung


@dataclass(frozen=True)
class Week:
    """What happened in one world in the week just stepped."""

    week: int
    events: tuple[str, ...]
    mood: str  # the background of a quiet week, e.g. "Turkey stays neutral"
    ended: bool  # the world ended this week (treaty or regional war)
    learned: tuple[str, ...] = ()  # beliefs that moved this week, e.g. "... falls to 72%"

    @property
    def quiet(self) -> bool:
        return not self.events

    def line(self) -> str:
        """e.g. "Week 12: Azerbaijan escalates to border clash; the US/EU impose
        sanctions (Baku's estimate of Western resolve rises to 75% from 60%)", or
        "Week 3: quiet (Turkey stays neutral)"."""
        text = "; ".join(self.events) if self.events else f"quiet ({self.mood})"
        if self.learned:
            text += f" ({'; '.join(self.learned)})"
        return f"Week {self.week}: {text}"


# The beliefs told, in this order: (how narration names it, the WorldState method that
# gives its current mean).
BELIEFS = (
    ("Baku's estimate of Western resolve", "resolve_belief"),
    ("Armenia's trust in the CSTO", "trust_belief"),
)


def belief_values(model, i: int = 0) -> tuple[float, ...]:
    """The current mean of each belief in :data:`BELIEFS`, in world ``i``."""
    return tuple(float(getattr(model.world, method)()[i]) for _name, method in BELIEFS)


def beliefs(model, i: int = 0) -> str:
    """Where the two beliefs stand in world ``i``, e.g. "Baku's estimate of Western
    resolve 60%, Armenia's trust in the CSTO 30%"."""
    return ", ".join(
        f"{name} {100 * value:.0f}%"
        for (name, _m), value in zip(BELIEFS, belief_values(model, i), strict=True)
    )


def belief_moves(before: tuple[float, ...], after: tuple[float, ...]) -> tuple[str, ...]:
    """The beliefs that moved between two readings of :func:`belief_values`, in words."""
    said = []
    for (name, _m), old, new in zip(BELIEFS, before, after, strict=True):
        if abs(new - old) > 1e-12:
            verb = "rises" if new > old else "falls"
            said.append(f"{name} {verb} to {100 * new:.0f}% from {100 * old:.0f}%")
    return tuple(said)


def week_events(model, i: int = 0) -> list[str]:
    """What each actor did in world ``i`` in the week just stepped, in acting order."""
    return [phrase for actor in model.actors for phrase in actor.events(i)]


def describe_mood(model, i: int = 0) -> str:
    """The background of a quiet week: the lines of the actors that describe one
    (Turkey's, seed 001: driver or restrainer; Russia's work against the treaty)."""
    said = [a.describe(i) for a in model.actors if hasattr(a, "describe")]
    return "; ".join(s for s in said if s) or "no news"


def is_over(model, i: int = 0) -> bool:
    """True once world ``i`` has reached the horizon or ended."""
    return (
        not model.running or model.steps >= model.horizon_weeks or not bool(model.world.active[i])
    )


def step_world(model, i: int = 0) -> Week:
    """Step ``model`` one week and say what happened in world ``i``."""
    before = belief_values(model, i)
    model.step()
    return Week(
        week=model.world.week,
        events=tuple(week_events(model, i)),
        mood=describe_mood(model, i),
        ended=not bool(model.world.active[i]),
        learned=belief_moves(before, belief_values(model, i)),
    )


def narrate(model, i: int = 0, quiet_weeks: bool = False):
    """Step ``model`` until world ``i`` is over, yielding one line per week with events
    (every week if ``quiet_weeks``)."""
    while not is_over(model, i):
        week = step_world(model, i)
        if quiet_weeks or not week.quiet:
            yield week.line()


def ending(model, i: int = 0) -> str:
    """Where world ``i`` stands at the end, in one line."""
    w = model.world.world(i)
    return (
        f"End: rung {w['rung']} ({Rung(w['rung']).label}), highest {w['max_rung']}, "
        f"occupied {w['occupied_km2']:.0f} km2, "
        f"sanctions {'yes' if w['sanctioned'] else 'no'}, "
        f"treaty {'signed' if w['treaty'] else 'not signed'}; {beliefs(model, i)}"
    )


def cli_parse(sub) -> None:
    """Add ``escsim watch``: one world told week by week, in words."""
    from sim.cli_support import seed as _seed
    from sim.seeding import DEFAULT_SEED

    watch = sub.add_parser("watch", help="follow one world week by week, in words")
    watch.add_argument("scenario", type=Path, help="scenario YAML file")
    from sim.cli_support import (
        add_format_option,
        add_horizon_option,
        add_out_option,
        add_quiet_option,
        add_set_option,
    )

    watch.add_argument(
        "--seed",
        type=_seed,
        default=DEFAULT_SEED,
        help=f"seed of this world (default {DEFAULT_SEED})",
    )
    add_horizon_option(watch)
    watch.add_argument("--every-week", action="store_true", help="print quiet weeks too")
    add_set_option(watch)
    add_format_option(watch)
    add_out_option(watch, "watch.txt and watch.json")
    add_quiet_option(watch)
    watch.set_defaults(action=cli_action)


def cli_action(args) -> int:
    """Run ``escsim watch``: print the world's weeks, then where it ends."""
    from sim.cli_support import emit, load_adjusted
    from sim.montecarlo import ChunkTask, build_model

    scenario = load_adjusted(args.scenario, args)
    horizon = scenario.horizon_weeks
    model = build_model(ChunkTask(scenario, args.seed, 0, 1, horizon))
    head = f"scenario: {scenario.name}    seed: {args.seed}    one world, {horizon} weeks"
    if args.format == "table" and args.out is None:  # streamed: a long watch reads as it goes
        print(head)
        for line in narrate(model, 0, quiet_weeks=args.every_week):
            print(line)
        print(ending(model, 0))
        return 0
    weeks = list(narrate(model, 0, quiet_weeks=args.every_week))
    end = ending(model, 0)
    data = {"scenario": scenario.name, "seed": args.seed, "horizon_weeks": horizon}
    data |= {"weeks": weeks, "end": end}
    emit(args, "watch", "\n".join([head, *weeks, end]), data)
    return 0
