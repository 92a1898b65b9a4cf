"""Baku's turn: the one adapter that knows how Azerbaijan's rule is built.

Kept alone in this module because Baku's rule is the one most likely to change. It reads
what the agent's ``observe`` left on it (``agent.utilities``, its utility of each rung,
shape (6, n); ``agent.offers``, whether it offers to sign this week) and calls
:func:`sim.actors.azerbaijan.choose_move`, the rule's own choice of a posture and the
week's rung, for the pick and the chances. A student answers both at once: one option
per posture and rung that posture allows this week (:data:`sim.actors.posture.ALLOWED`).
"""

from dataclasses import fields

import numpy as np

from sim.actors import azerbaijan
from sim.actors.posture import allowed_rungs, kept_posture
from sim.classroom.adapters import Adapter, common_sees, rung_text
from sim.classroom.decisions import Option, Question
from sim.ladder import N_POSTURES, N_RUNGS, Posture

# The chances of Baku's move are measured on the rule itself: choose_move maps two
# uniform draws (posture, event) to a move by inverse CDF, so the share of an even
# SIDE x SIDE grid of draws that lands on each (posture, rung) is its chance, to within
# about 2/SIDE (the rule's logits are not restated).
SIDE = 128


def move_chances(w, utilities: np.ndarray, az) -> np.ndarray:
    """The chance (3, 6) that :func:`azerbaijan.choose_move` picks each posture and rung
    in world 0, to within about 2/SIDE."""
    grid = (np.arange(SIDE) + 0.5) / SIDE
    u_posture, u_event = (a.ravel() for a in np.meshgrid(grid, grid, indexing="ij"))
    n = u_posture.size
    wide = type(az)(**{f.name: np.repeat(getattr(az, f.name)[:1], n) for f in fields(az)})
    posture, rung = azerbaijan.choose_move(
        np.repeat(w.posture[:1], n),
        np.repeat(w.start_rung[:1], n),
        np.repeat(w.buildup_weeks[:1], n),
        np.repeat(utilities[:, :1], n, axis=1),
        wide,
        u_posture,
        u_event,
    )
    counts = np.zeros((N_POSTURES, N_RUNGS))
    np.add.at(counts, (posture.astype(np.intp), rung.astype(np.intp)), 1)
    return counts / n


def _net_utility(w, utilities, az, posture: int, rung: int) -> float:
    """The rung's utility less the posture's costs this week (a step from last week's
    posture, a build-up's weekly cost) and an operation's momentum."""
    steps = abs(posture - int(w.posture[0]))
    cost = float(az.posture_cost[0]) * steps
    if posture == Posture.BUILD_UP:
        cost += float(az.buildup_cost[0])
    start = int(w.start_rung[0])
    if start >= 3:
        cost += float(az.change_cost[0]) * abs(rung - start)
    return float(utilities[rung, 0]) - cost


class Baku(Adapter):
    """Azerbaijan: its posture and the rung it fights on this week
    (:meth:`Azerbaijan.decide`, draws 3 and 1). The offer to sign (draw 0) and the
    operations (draw 2) stay the model's."""

    actor, title = "azerbaijan", "Baku"

    def questions(self, agent, w, v, u):
        if bool(agent.offers[0]):  # the table replaces the rung this week
            return ()
        az = v.azerbaijan
        chances = move_chances(w, agent.utilities, az)
        posture, rung = azerbaijan.choose_move(
            w.posture[:1], w.start_rung[:1], w.buildup_weeks[:1], agent.utilities, az, u[3], u[1]
        )
        # Every move open this week, in posture then ladder order: any posture (the
        # build-up, while an operation in depth is under way), and the rungs it allows.
        start = w.start_rung[:1]
        ready = w.buildup_weeks[:1] >= az.buildup_weeks[:1]
        every = np.arange(N_POSTURES, dtype=np.int8)
        kept = kept_posture(every, np.repeat(start, N_POSTURES))
        postures = [Posture(p) for p in sorted(set(kept.tolist()))]
        open_ = {p: allowed_rungs(np.array([p]), ready, start)[:, 0] for p in postures}
        options = tuple(
            Option(
                f"{p}:{r}",
                f"{Posture(p).label}: {rung_text(r)}",
                _net_utility(w, agent.utilities, az, p, r),
                float(chances[p, r]),
            )
            for p in postures
            for r in range(N_RUNGS)
            if open_[p][r]
        )
        weeks, needed = int(w.buildup_weeks[0]), float(az.buildup_weeks[0])
        return (
            Question(
                "move",
                "Which posture do you hold, and what happens on the border this week?",
                options,
                f"{int(posture[0])}:{int(rung[0])}",
                note=f"last week: {Posture(int(w.posture[0])).label}, rung "
                f"{int(w.start_rung[0])}; changing posture costs "
                f"{float(az.posture_cost[0]):.2g} per step; a build-up costs "
                f"{float(az.buildup_cost[0]):.2g} a week and opens an operation in depth "
                f"after {needed:.0f} weeks (yours: {weeks})",
            ),
        )

    def sees(self, agent, w, v):
        return [
            *common_sees(w, "your rung last week"),
            ("your posture", Posture(int(w.posture[0])).label),
            ("your estimate of Western resolve (your belief)", f"{w.resolve_belief()[0]:.0%}"),
            ("Armenia's trust in the CSTO", f"{w.trust_belief()[0]:.0%}"),
            (
                "Turkey's line this week",
                {-1: "restrains", 0: "neutral", 1: "backs you"}[int(w.turkey_stance[0])],
            ),
            ("you hold the corridor", "yes" if w.corridor_held[0] else "no"),
        ]

    def notes(self, agent, w, v):
        if bool(w.active[0]) and bool(agent.offers[0]):
            return ("Your conditions are met: you offer to sign this week (the model's rule).",)
        return ()

    def apply(self, agent, w, v, u, turn, answer, rule):
        posture, rung = (int(x) for x in answer["move"].split(":"))
        return (
            np.array([posture], dtype=w.posture.dtype),
            np.array([rung], dtype=w.start_rung.dtype),
        )
