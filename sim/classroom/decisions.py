"""What a turn offers a student, whatever the actor: questions, their options, and the
rule's utilities, choice probabilities and pick for each.

An actor's week may hold several choices (Yerevan: concede a condition, sign, whom to
call on). Each is a :class:`Question` whose options are the ones the actor's rule
chooses among; each option carries the rule's utility for it (where the rule has one)
and the chance the rule's noisy choice gives it, and the question names the option the
rule picks with this week's random draw. Nothing here knows an actor: the adapters
(:mod:`.adapters`, :mod:`.baku`) build the questions from the actors' own functions.

Yes/no choices are the actors' two-option logits (:func:`sim.actors.choice.binary_choice`:
the action is taken where the week's draw ``u < p``). A student's answer to one is put
through the actor's own rule by replacing that draw: :data:`FORCE_YES` is below any
chance (always taken), :data:`FORCE_NO` above any (never taken), so the rule's own code
writes the decision and its bookkeeping.
"""

from dataclasses import dataclass

import numpy as np

from sim.actors.choice import binary_choice, binary_probability

FORCE_YES = -1.0  # u < p for every p in [0, 1]: the action is taken
FORCE_NO = 2.0  # u < p for no p in [0, 1]: it is not


@dataclass(frozen=True)
class Option:
    """One option: ``key`` (what a form sends back), its label, the rule's utility for
    it (None where the rule states none) and the chance the rule's choice gives it."""

    key: str
    label: str
    utility: float | None
    probability: float


@dataclass(frozen=True)
class Question:
    """One choice of a turn: its options, the option the rule picks with this week's
    draw (``rule``), and for a yes/no choice the row of the actor's draws it reads
    (``draw_row``; None for a choice among more options)."""

    key: str
    prompt: str
    options: tuple[Option, ...]
    rule: str
    draw_row: int | None = None
    note: str = ""

    def option(self, key: str) -> Option:
        for option in self.options:
            if option.key == key:
                return option
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)


@dataclass(frozen=True)
class Turn:
    """One decision point: the played agent (``actor``, e.g. ``"armenia"``) in ``week``,
    its questions, what it sees (label, value) and notes on what the model does for it
    this week without asking."""

    week: int
    actor: str
    title: str
    questions: tuple[Question, ...]
    sees: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()

    @property
    def automatic(self) -> bool:
        """Nothing to choose this week: the model's rule decides alone."""
        return not self.questions

    def check(self, answer: dict[str, str]) -> dict[str, str]:
        """``answer`` if it picks exactly one offered option for each question, else
        ValueError (what a student's form sends is checked here, nowhere else)."""
        if set(answer) != {q.key for q in self.questions}:
            raise ValueError("answer every question, and only the questions asked")
        for q in self.questions:
            if answer[q.key] not in q.keys:
                raise ValueError(f"{answer[q.key]!r} is not an option of {q.key!r}")
        return dict(answer)

    def rule_answer(self) -> dict[str, str]:
        """What the rule picks for every question this week."""
        return {q.key: q.rule for q in self.questions}


def yes_no(
    key: str,
    prompt: str,
    labels: tuple[str, str],
    gain: np.ndarray,
    noise: np.ndarray,
    u: np.ndarray,
    draw_row: int,
    note: str = "",
) -> Question:
    """A yes/no choice the actor's rule makes by :func:`binary_choice` on ``gain`` (its
    net utility of the action, the alternative's utility being 0) with the draw ``u``
    (row ``draw_row`` of its draws). ``labels``: (yes, no)."""
    p = float(binary_probability(gain, noise)[0])
    taken = bool(binary_choice(gain, noise, u)[0])
    return Question(
        key,
        prompt,
        (Option("yes", labels[0], float(gain[0]), p), Option("no", labels[1], 0.0, 1.0 - p)),
        "yes" if taken else "no",
        draw_row,
        note,
    )


def forced_draws(u: np.ndarray, questions: tuple[Question, ...], answer: dict[str, str]):
    """The actor's draws with each yes/no question's row replaced by the student's answer
    (:data:`FORCE_YES` / :data:`FORCE_NO`); the other rows stay the week's own."""
    forced = np.array(u, dtype=np.float64, copy=True)
    for q in questions:
        if q.draw_row is not None:
            forced[q.draw_row] = FORCE_YES if answer[q.key] == "yes" else FORCE_NO
    return forced


def percent(x: float) -> str:
    """A share for a label ("62%")."""
    return f"{100 * x:.0f}%"
