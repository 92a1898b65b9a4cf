"""Baku's turn: the one adapter that knows how Azerbaijan's rule is built.

Kept alone in this module because Baku's rule is the one most likely to change: it reads
what the agent's ``observe`` left on it (``agent.utilities``, its utility of each rung,
shape (6, n); ``agent.offers``, whether it offers to sign this week) and calls
:func:`sim.actors.azerbaijan.choose_rung`, the rule's own choice function, for the pick
and the chances. Nothing outside this module assumes Baku's options are the six rungs.
"""

from dataclasses import fields

import numpy as np

from sim.actors import azerbaijan
from sim.classroom.adapters import Adapter, common_sees, rung_text
from sim.classroom.decisions import Option, Question
from sim.ladder import N_RUNGS

# The chances of Baku's choice are measured on the rule itself: choose_rung maps one
# uniform draw to a rung by inverse CDF, so the share of an even grid of draws that
# lands on each rung is its chance, to within 1/GRID (the rule's logit is not restated).
GRID = 1 << 14


def rung_chances(start: np.ndarray, utilities: np.ndarray, az) -> np.ndarray:
    """The chance (6,) that :func:`azerbaijan.choose_rung` picks each rung from
    ``start`` in world 0, to within 1/GRID."""
    u = (np.arange(GRID) + 0.5) / GRID
    wide = {f.name: np.repeat(getattr(az, f.name)[:1], GRID) for f in fields(az)}
    picks = azerbaijan.choose_rung(
        np.repeat(start[:1], GRID), np.repeat(utilities[:, :1], GRID, axis=1), type(az)(**wide), u
    )
    return np.bincount(picks, minlength=N_RUNGS) / GRID


class Baku(Adapter):
    """Azerbaijan: the rung it fights on this week (:meth:`Azerbaijan.decide`, draw 1).
    The offer to sign (draw 0) and the operations (draw 2) stay the model's."""

    actor, title = "azerbaijan", "Baku"

    def questions(self, agent, w, v, u):
        if bool(agent.offers[0]):  # the table replaces the rung this week
            return ()
        az = v.azerbaijan
        chances = rung_chances(w.start_rung, agent.utilities, az)
        picked = int(azerbaijan.choose_rung(w.start_rung, agent.utilities, az, u[1])[0])
        options = tuple(
            Option(str(r), rung_text(r), float(agent.utilities[r, 0]), float(chances[r]))
            for r in range(N_RUNGS)
        )
        cost = float(az.change_cost[0])
        return (
            Question(
                "rung",
                "Which rung do you fight on this week?",
                options,
                str(picked),
                note=f"from rung {int(w.start_rung[0])}; moving costs {cost:.2g} per rung "
                "crossed, besides each rung's utility",
            ),
        )

    def sees(self, agent, w, v):
        return [
            *common_sees(w, "your rung last week"),
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
        return (np.array([int(answer["rung"])], dtype=w.start_rung.dtype),)
