"""Operations on the battlefield: episodes, pace, objectives, repulse and minimum lengths.

No actor owns these mechanics: Baku chooses the rung, Armenia's defence sets the chances
an operation meets (:func:`sim.actors.armenia.operation_success` and
:func:`~sim.actors.armenia.repel_chance`), and this module turns both into what happens
on the ground. Baku's agent calls :func:`advance` once a week, after its choice; the
model calls :func:`operation_ended` and :func:`close_week` at the end of the week.

An operation (rungs 3-5) is an episode: a run of weeks on one rung. It takes its
expected ground each week (the rung's pace times the chance of success) and ends held
(its objective taken: Baku digs in and the guns fall to tension), repelled (Armenia's
defence throws it back: fighting goes on at the border) or withdrawn (Baku chose a lower
rung). The rung outcomes count a rung as reached once the world has stayed on it, or
higher, for its minimum length (:data:`sim.ladder.MIN_WEEKS`, where the outcome table
reads it).
"""

from typing import TYPE_CHECKING

import numpy as np

from sim.ladder import DEPTH_RUNG, MIN_WEEKS, N_RUNGS, OPERATION_RUNG, OperationEnd, Rung

if TYPE_CHECKING:
    from sim.state import WorldState

# Ground an operation takes per week if it succeeds (its pace), and its objective
# (assumption: rung 3 "a position or two", about 40 km2 as in May 2021 and September
# 2022; rung 4 the ~5 km x ~60 km strip through Syunik (Kopalyan, seed 001); rung 5 the
# whole country, an objective no operation reaches before it ends otherwise).
OCCUPATION_KM2_PER_WEEK = np.array([0.0, 0.0, 0.0, 30.0, 100.0, 200.0])
OBJECTIVE_KM2 = np.array([np.inf, np.inf, np.inf, 40.0, 300.0, np.inf])

# The WorldState fields a week of operations writes (:func:`advance`), for the agent
# that calls it to declare among its own writes.
WRITES = ("occupied_km2", "op_km2", "op_end", "ops_ended", "corridor_held", "start_rung")
# The fields the end of the week writes (:func:`close_week`), for the model.
CLOSES = ("offence_open", "run_weeks", "sustained_rung", "max_rung", "first_clash_week")

_ENDS = np.array([OperationEnd.HELD, OperationEnd.REPELLED, OperationEnd.WITHDRAWN])[:, None]
LEVELS = np.arange(2, N_RUNGS)[:, None]  # the rungs whose runs of weeks are counted


def conduct_operations(
    rung: np.ndarray,
    last_rung: np.ndarray,
    last_end: np.ndarray,
    op_km2: np.ndarray,
    success: np.ndarray,
    repel: np.ndarray,
    u: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One week of operations: (ground taken, ground of the operation so far, how an
    operation ended this week, the rung Baku's next choice starts from).

    An operation is a run of weeks on one rung >= 3. It takes its expected ground each
    week (``success`` x the rung's pace); it ends repelled when Armenia's defence throws
    it back (chance ``repel``: next week starts from a border clash), held once its
    objective is taken (next week starts from tension, the ground kept, as after May 2021
    and September 2022), or withdrawn when Baku chose a lower rung. Assumptions for the
    paces and objectives (seed 001: "a position or two"; the ~5 x 60 km strip).
    """
    operating = rung >= OPERATION_RUNG
    repelled = operating & (u < repel)
    ground = np.where(repelled, 0.0, OCCUPATION_KM2_PER_WEEK[rung] * success)
    new_episode = (rung != last_rung) | (last_end != OperationEnd.NONE)
    so_far = np.where(operating, np.where(new_episode, 0.0, op_km2) + ground, 0.0)
    held = operating & ~repelled & (so_far >= OBJECTIVE_KM2[rung])
    withdrawn = (last_rung >= OPERATION_RUNG) & (last_end == OperationEnd.NONE) & (rung < last_rung)
    end = np.where(
        held,
        OperationEnd.HELD,
        np.where(
            repelled,
            OperationEnd.REPELLED,
            np.where(withdrawn, OperationEnd.WITHDRAWN, OperationEnd.NONE),
        ),
    ).astype(np.int8)
    start = np.where(held, Rung.TENSION, np.where(repelled, Rung.BORDER_CLASH, rung))
    return ground, so_far, end, start.astype(rung.dtype)


def advance(
    w: "WorldState", last_rung: np.ndarray, success: np.ndarray, repel: np.ndarray, u: np.ndarray
) -> None:
    """Fight this week's rung (``w.rung``, chosen from ``last_rung``) in the running
    worlds: :func:`conduct_operations`, then the ground kept, the ends counted, a
    corridor offensive held counted as the corridor secured, and where Baku's next
    choice starts. Writes the fields in :data:`WRITES` (replacing the arrays)."""
    a = w.active
    ground, so_far, end, start = conduct_operations(
        w.rung, last_rung, w.op_end, w.op_km2, success, repel, u
    )
    w.occupied_km2 = np.where(a, w.occupied_km2 + ground, w.occupied_km2)
    w.op_km2 = np.where(a, so_far, w.op_km2)
    w.op_end = np.where(a, end, OperationEnd.NONE).astype(np.int8)
    w.ops_ended = w.ops_ended + (a & (end == _ENDS))  # rows: held, repelled, withdrawn
    held_corridor = (end == OperationEnd.HELD) & (w.rung >= DEPTH_RUNG)
    w.corridor_held = w.corridor_held | (a & held_corridor)
    w.start_rung = np.where(a, start, w.start_rung).astype(w.rung.dtype)


def operation_ended(w: "WorldState") -> np.ndarray:
    """True in the running worlds where an operation on Armenian soil (rung >= 3) that
    ran last week is not fought this week: the episode the actors learn from."""
    return w.active & w.offence_open & ~(w.rung >= OPERATION_RUNG)


def close_week(w: "WorldState") -> None:
    """The end of the week's episode bookkeeping in the running worlds (the fields in
    :data:`CLOSES`): whether an operation is under way, and the episode-week counts."""
    w.offence_open = np.where(w.active, w.rung >= OPERATION_RUNG, w.offence_open)
    count_episode_weeks(w)


def count_episode_weeks(w: "WorldState") -> None:
    """Runs of weeks on each rung 2..5 or higher, and the highest rung kept up for its
    minimum length (``sim.ladder.MIN_WEEKS``): what the rung outcomes read."""
    running = w.active
    on = w.rung[None, :] >= LEVELS
    runs = np.where(on, w.run_weeks + 1, 0)
    w.run_weeks = np.where(running, runs, w.run_weeks).astype(w.run_weeks.dtype)
    kept_up = (w.run_weeks >= MIN_WEEKS[2:, None]) * LEVELS
    w.sustained_rung = np.maximum(w.sustained_rung, kept_up.max(axis=0)).astype(np.int8)
    w.max_rung = np.maximum(w.max_rung, w.rung)
    w.first_clash_week = np.where(
        (w.first_clash_week < 0) & (w.rung >= 2), w.week, w.first_clash_week
    ).astype(w.first_clash_week.dtype)
