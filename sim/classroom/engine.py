"""The play: a student decides for one role each week; the other actors follow the model.

The played agents are the model's own, with ``decide`` overridden (the hook
:class:`sim.actors.base.Actor` offers for this): at each of its turns the override asks
the role's adapter what the rule faces (:class:`.decisions.Turn`), takes the student's
answer and returns the decision the adapter makes of it; bookkeeping, consequences and
learning stay the agent's own. The world is world ``i`` of the scenario's Monte Carlo run
(:mod:`.crn`), so answering every turn as the rule would gives back the model's world.

A game is its answers, nothing else: :func:`replay` rebuilds the world from the start
and plays the answers given so far, stopping at the first turn without one. Replaying a
year costs a few tens of milliseconds, and a game holds no half-stepped model between a
student's clicks (nothing to lock, nothing lost if a page is reloaded).
"""

from dataclasses import dataclass, field

from sim.classroom.crn import WorldRef, build_world, world_parameters
from sim.classroom.decisions import Turn
from sim.classroom.roles import Role
from sim.narrate import is_over, step_world

MAX_TURNS = 4 * 104  # at most two turns a week (Moscow) over the longest horizon, twice


@dataclass(frozen=True)
class Decision:
    """A turn and the student's answer (None: nothing to choose, the rule decided)."""

    turn: Turn
    answer: dict[str, str] | None

    @property
    def followed(self) -> bool:
        """The student picked what the rule picked, for every question."""
        return self.answer is None or self.answer == self.turn.rule_answer()


@dataclass(frozen=True)
class WeekRecord:
    """One week of a played world: the narration, where the world stands after it, and
    the role's turns."""

    week: int
    line: str
    state: int  # the world's category (rung, or peace treaty / regional war)
    rung: int
    decisions: tuple[Decision, ...]


@dataclass
class Position:
    """Where a game stands: the weeks played, the turn waiting for an answer (None once
    the world is over) and the decisions made so far. ``model`` is the finished world
    (None while a turn is pending)."""

    weeks: list[WeekRecord]
    pending: Turn | None
    decisions: list[Decision]
    model: object | None = None

    @property
    def finished(self) -> bool:
        return self.pending is None

    @property
    def last_answered(self) -> Decision | None:
        return next((d for d in reversed(self.decisions) if d.answer is not None), None)


class _Pending(Exception):
    def __init__(self, turn: Turn) -> None:
        super().__init__(turn.title)
        self.turn = turn


def played(cls, role: Role, answers, decisions: list[Decision], turns: list[Turn]):
    """``cls`` with ``decide`` asking the role (``cls`` itself if the role does not play
    it). ``answers``: an iterator over the answers given; an unanswered turn raises
    ``_Pending`` with it. ``turns``: the turns met so far in an earlier replay of the
    same answers, in order (a replay meets them again, identical; the list grows)."""
    if cls.actor not in role.actors:
        return cls
    adapter = role.adapter(cls.actor)

    class Played(cls):
        def decide(self, w, v, u):
            rule = super().decide
            met = len(decisions)
            if met < len(turns):  # seen before: the same state, so the same turn
                turn = turns[met]
            else:
                turn = adapter.turn(self, w, v, u)
                turns.append(turn)
            if turn.automatic:
                decisions.append(Decision(turn, None))
                return rule(w, v, u)
            answer = next(answers, None)
            if answer is None:
                raise _Pending(turn)
            decisions.append(Decision(turn, turn.check(answer)))
            return adapter.apply(self, w, v, u, turn, answer, rule)

    Played.__name__ = Played.__qualname__ = f"Played{cls.__name__}"
    return Played


def replay(
    scenario, ref: WorldRef, role: Role, answers, params=None, turns: list[Turn] | None = None
) -> Position:
    """Play world ``ref`` of ``scenario`` with the role's ``answers`` (one dict per turn
    that asked something, in order) up to the first turn without one. ``params``:
    :func:`world_parameters` if known; ``turns``: a cache of the turns met by earlier
    replays of a prefix of these answers (Baku's chances take a few milliseconds each)."""
    decisions: list[Decision] = []
    feed = iter(list(answers))
    met = [] if turns is None else turns
    model = build_world(scenario, ref, lambda c: played(c, role, feed, decisions, met), params)
    weeks: list[WeekRecord] = []
    try:
        while not is_over(model, 0):
            before = len(decisions)
            week = step_world(model, 0)
            w = model.world
            weeks.append(
                WeekRecord(
                    week.week,
                    week.line(),
                    int(w.category()[0]),
                    int(w.rung[0]),
                    tuple(decisions[before:]),
                )
            )
    except _Pending as stop:
        return Position(weeks, stop.turn, decisions)
    if next(feed, None) is not None:
        raise ValueError("more answers than the game has turns")
    return Position(weeks, None, decisions, model)


@dataclass
class Game:
    """One student's game: the scenario, the world (:class:`WorldRef`), the role, and the
    answers so far. :meth:`position` replays them; :meth:`answer` adds one."""

    scenario: object
    ref: WorldRef
    role: Role
    answers: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._params = world_parameters(self.scenario, self.ref)
        self._position: Position | None = None
        self._turns: list[Turn] = []

    def position(self) -> Position:
        if self._position is None:
            self._position = replay(
                self.scenario, self.ref, self.role, self.answers, self._params, self._turns
            )
        return self._position

    def answer(self, answer: dict[str, str]) -> Position:
        """Answer the pending turn (ValueError if the game is over or the answer does not
        pick one offered option per question)."""
        pending = self.position().pending
        if pending is None:
            raise ValueError("the game is over")
        if len(self.answers) >= MAX_TURNS:
            raise ValueError("too many turns")
        self.answers.append(pending.check(answer))
        self._position = None
        return self.position()

    def follow_rule(self) -> Position:
        """Answer the pending turn as the model's rule would (a student may let it)."""
        pending = self.position().pending
        if pending is None:
            raise ValueError("the game is over")
        return self.answer(pending.rule_answer())
