"""One world of a scenario, stepped a week at a time as ``escsim watch`` steps it: the
same seed by default (:data:`sim.seeding.DEFAULT_SEED`), the same narration
(:func:`sim.narrate.step_world`), and its state each week for the rung chart.

A world keeps the levers it was started with: moving a lever afterwards changes the
estimate, not the world being stepped (the page says so and offers a new world).
"""

import threading
from dataclasses import dataclass, field
from html import escape

from sim.dashboard.logic import adjusted
from sim.ladder import N_RUNGS, STATE_LABELS, TREATY_STATE, WAR_STATE, Rung
from sim.montecarlo import ChunkTask, build_model
from sim.narrate import Week, beliefs, ending, is_over, step_world
from sim.palette import STATE_COLOURS
from sim.scenario import Scenario
from sim.seeding import DEFAULT_SEED


def world_state(model, i: int = 0) -> int:
    """World ``i``'s state as an index of :data:`sim.ladder.STATE_LABELS`: its rung, or
    peace treaty / regional war once it ended so."""
    w = model.world.world(i)
    if w["treaty"]:
        return TREATY_STATE
    if w["war"]:
        return WAR_STATE
    return int(w["rung"])


@dataclass
class WorldStepper:
    """One world of ``scenario`` with ``levers`` set (fixed in this world), stepped a
    week at a time. ``states[w]`` is its state at the end of week ``w`` (``states[0]``:
    the start); ``weeks`` what happened each week. Safe to step from two threads (the
    page's play loop and its buttons): each step holds a lock."""

    scenario: Scenario
    levers: dict[str, float]
    seed: int = DEFAULT_SEED
    weeks: list[Week] = field(default_factory=list)
    states: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.levers = dict(self.levers)  # a snapshot: the page's levers move on
        scenario = adjusted(self.scenario, self.levers)
        self.horizon = scenario.horizon_weeks
        self.model = build_model(ChunkTask(scenario, self.seed, 0, 1, self.horizon))
        self.states = [world_state(self.model)]
        self._lock = threading.Lock()

    @property
    def week(self) -> int:
        return self.model.world.week

    @property
    def finished(self) -> bool:
        return is_over(self.model, 0)

    @property
    def lines(self) -> list[str]:
        """Every week's line, quiet weeks included (``escsim watch --every-week``)."""
        return [w.line() for w in self.weeks]

    def beliefs(self) -> str:
        """The two beliefs as they stand (:func:`sim.narrate.beliefs`)."""
        return beliefs(self.model, 0)

    def ending(self) -> str:
        """Where the world stands at its end (:func:`sim.narrate.ending`), once over."""
        return ending(self.model, 0) if self.finished else ""

    def step(self) -> str | None:
        """Advance one week and return what happened, in words; None once the world is
        over (its horizon reached, or a treaty or a regional war ended it)."""
        with self._lock:
            if self.finished:
                return None
            week = step_world(self.model, 0)
            self.weeks.append(week)
            self.states.append(world_state(self.model))
            return week.line()

    def run_to_end(self) -> int:
        """Step until the world is over; the number of weeks stepped."""
        stepped = 0
        while self.step() is not None:
            stepped += 1
        return stepped


# The rung chart's geometry (SVG user units): plot area inside the margins.
_W, _H, _LEFT, _RIGHT, _TOP, _BOTTOM = 640, 230, 130, 16, 12, 30


def rung_chart_svg(states: list[int], horizon: int) -> str:
    """The world's state week by week as an SVG step chart: the rung on the y axis (0
    negotiation to 5 full-scale invasion), weeks 0 to ``horizon`` on the x axis, a dot
    per week in the state's colour, and the end (treaty or regional war) named."""
    inner_w, inner_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(week: int) -> float:
        return _LEFT + inner_w * week / max(horizon, 1)

    def y(rung: int) -> float:
        return _TOP + inner_h * (1 - rung / (N_RUNGS - 1))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" '
        f'class="rung-chart" data-weeks="{len(states) - 1}" role="img" '
        f'aria-label="rung of this world, week by week" style="width:100%;max-width:{_W}px">'
    ]
    for rung in range(N_RUNGS):
        parts.append(
            f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y(rung):.1f}" y2="{y(rung):.1f}" '
            'stroke="#e4e4e4"/>'
            f'<text x="{_LEFT - 6}" y="{y(rung) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#444">{escape(Rung(rung).label)}</text>'
        )
    ticks = sorted({0, horizon, *range(0, horizon + 1, 13 if horizon > 26 else 4)})
    for week in ticks:
        parts.append(
            f'<text x="{x(week):.1f}" y="{_H - 12}" text-anchor="middle" font-size="11" '
            f'fill="#444">{week}</text>'
        )
    parts.append(
        f'<text x="{_LEFT + inner_w / 2:.1f}" y="{_H - 1}" text-anchor="middle" '
        'font-size="11" fill="#444">week</text>'
    )
    # A treaty or a war ends a world with its rung frozen: the line stays at that rung.
    rungs: list[int] = []
    for state in states:
        rungs.append(state if state < N_RUNGS else (rungs[-1] if rungs else 0))
    if len(states) > 1:
        path = f"M{x(0):.1f},{y(rungs[0]):.1f}" + "".join(
            f" H{x(w):.1f} V{y(r):.1f}" for w, r in enumerate(rungs) if w
        )
        parts.append(f'<path d="{path}" fill="none" stroke="#555" stroke-width="1.5"/>')
    for week, (state, rung) in enumerate(zip(states, rungs, strict=True)):
        parts.append(
            f'<circle cx="{x(week):.1f}" cy="{y(rung):.1f}" r="3.5" '
            f'fill="{STATE_COLOURS[state]}" stroke="#333" stroke-width="0.5">'
            f"<title>week {week}: {escape(STATE_LABELS[state])}</title></circle>"
        )
    if states and states[-1] >= N_RUNGS:
        end = len(states) - 1
        anchor = "end" if end > horizon * 0.7 else "start"
        parts.append(
            f'<text x="{min(x(end) + 6, _W - _RIGHT):.1f}" y="{y(rungs[-1]) - 8:.1f}" '
            f'font-size="12" font-weight="bold" text-anchor="{anchor}" '
            f'fill="{STATE_COLOURS[states[-1]]}">{escape(STATE_LABELS[states[-1]])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
