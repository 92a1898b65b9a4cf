"""Baku's posture and the week's events: pressure is a policy, a clash is an event.

Baku's weekly move has two levels (issue "Behaviour, not noise"). It first holds a
*posture*, a policy that lasts: talks, pressure on the border, or the build-up of an
operation in depth. The posture sets which events the week can bring, and Baku then
picks the week's *event* (the rung the record sees) among them by the same logit rule
over the same utilities (:func:`sim.actors.azerbaijan.rung_utilities`):

- talks: quiet weeks (rung 0);
- pressure: tension, a border clash or a fait accompli, "a position or two" (rungs 1-3;
  seed 001, Kopalyan: "it is one thing to have flare-ups on the border, or for
  Azerbaijan to attack and take a position or two");
- build-up: the same, and once the build-up has lasted ``buildup_weeks``, a corridor
  offensive or an invasion (rungs 1-5). A build-up never shows as a quiet week: it is
  the visible lead time before an operation (seed 001, Areshev: "there are no signs of
  armed preparations for a full-scale invasion", i.e. such preparations would be seen).

Only the posture has inertia (``posture_cost`` per step between postures): an event
lasts its week, so a clash lasts days, as in the record, unless Baku chooses another the
next week, and a fait accompli straight out of talks costs one posture step, not three
rungs (May 2021 and September 2022 came out of quiet months: the record,
armenia_azerbaijan_monthly.csv). An operation on Armenian soil under way (rung 3-5)
keeps its momentum until it ends (held, repelled or withdrawn, :mod:`sim.operations`):
its rung changes at ``change_cost`` per rung, as a war's would.

A posture is worth the best week it allows, in expectation: the log-sum of the
utilities of its events at Baku's noise (the inclusive value of a nested logit,
McFadden 1978; with one noise for both levels it is the logit over every
posture-event pair). The build-up is valued at the operations it prepares, less its
weekly cost (assumption: Baku plans ahead for the operation it prepares).
"""

import numpy as np

from sim.actors.choice import logit_choice, logit_probabilities
from sim.ladder import DEPTH_RUNG, N_POSTURES, N_RUNGS, OPERATION_RUNG, Posture

POSTURES = np.arange(N_POSTURES)[:, None]
# Which rungs each posture allows this week (rows: talks, pressure, a build-up not yet
# ready, a build-up ready to launch). Assumptions following DOMAIN.md's ladder and the
# record's coding (a build-up is at least tension).
ALLOWED = np.array(
    [
        [True, False, False, False, False, False],
        [False, True, True, True, False, False],
        [False, True, True, True, False, False],
        [False, True, True, True, True, True],
    ]
)
_READY = 3  # the row of ALLOWED for a build-up that has lasted its lead time


def _allowed(posture: np.ndarray, ready: np.ndarray) -> np.ndarray:
    """(6, n) booleans: the rungs open this week to each world's posture."""
    row = np.where((posture == Posture.BUILD_UP) & ready, _READY, posture)
    return ALLOWED[row].T


def posture_values(
    utilities: np.ndarray, noise: np.ndarray, buildup_cost: np.ndarray
) -> np.ndarray:
    """Baku's value of each posture this week (3, n): the log-sum at Baku's noise of the
    utilities of the rungs it allows (:data:`ALLOWED`: talks rung 0, pressure 1-3, a
    build-up valued as ready, 1-5), the expected best of its events (the maximum as the
    noise goes to 0), a build-up less its weekly cost. ``utilities`` is
    :func:`sim.actors.azerbaijan.rung_utilities`, shape (6, n)."""
    # The allowed rungs are contiguous rows, so each log-sum is taken on a slice (this
    # runs every week over every world): pressure over rows 1-3, the operations in depth
    # over rows 4-5, and the build-up as the log-sum of those two.
    scale = np.maximum(noise, 1e-12)
    low = utilities[1:DEPTH_RUNG]
    top = low.max(axis=0)
    pressure = top + scale * np.log(np.exp((low - top) / scale).sum(axis=0))
    deep = scale * np.logaddexp(utilities[DEPTH_RUNG] / scale, utilities[DEPTH_RUNG + 1] / scale)
    build_up = scale * np.logaddexp(pressure / scale, deep / scale) - buildup_cost
    return np.stack([utilities[0], pressure, build_up])


def choose_posture(
    posture: np.ndarray,
    values: np.ndarray,
    noise: np.ndarray,
    posture_cost: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """This week's posture by logit choice over :func:`posture_values`, each step away
    from last week's ``posture`` costing ``posture_cost`` (a change of policy is a
    political decision; assumption, calibrated on the record). Inverse CDF in posture
    order, so with common random numbers a world where pressure looks better never
    ends in a milder posture than an otherwise identical one."""
    options = values - posture_cost * np.abs(POSTURES - posture[None, :])
    return logit_choice(options, noise, u).astype(posture.dtype)


def choose_event(
    posture: np.ndarray,
    ready: np.ndarray,
    start_rung: np.ndarray,
    utilities: np.ndarray,
    noise: np.ndarray,
    change_cost: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """This week's rung: by logit choice over the utilities of the rungs the posture
    allows (``ready``: the build-up has lasted its lead time). An operation on Armenian
    soil under way (``start_rung`` >= 3) has momentum: Baku may also keep it up or step
    down to any lower rung, and each rung crossed costs ``change_cost`` (an operation in
    depth, rung 4-5, may go anywhere on the ladder). Inverse CDF in ladder order
    (common random numbers)."""
    rungs = np.arange(N_RUNGS)[:, None]
    operating = start_rung >= OPERATION_RUNG
    momentum = np.where(operating, change_cost, 0.0) * np.abs(rungs - start_rung[None, :])
    allowed = allowed_rungs(posture, ready, start_rung)
    options = np.where(allowed, utilities - momentum, -np.inf)
    return logit_choice(options, noise, u).astype(start_rung.dtype)


def allowed_rungs(posture: np.ndarray, ready: np.ndarray, start_rung: np.ndarray) -> np.ndarray:
    """(6, n) booleans: the rungs Baku may fight on this week in each world: those its
    posture allows, and, with an operation under way, any rung up to it (every rung in
    an operation in depth)."""
    rungs = np.arange(N_RUNGS)[:, None]
    operating = start_rung >= OPERATION_RUNG
    in_depth = start_rung >= DEPTH_RUNG
    return _allowed(posture, ready) | (operating & (rungs <= start_rung)) | in_depth


def event_probabilities(
    posture: np.ndarray, ready: np.ndarray, utilities: np.ndarray, noise: np.ndarray
) -> np.ndarray:
    """(6, n) chance of each rung this week given the posture, outside an operation in
    depth: what :func:`choose_event` draws from (for narration, the classroom and the
    diagnostics)."""
    options = np.where(_allowed(posture, ready), utilities, -np.inf)
    return logit_probabilities(options, noise)


def kept_posture(chosen: np.ndarray, start_rung: np.ndarray) -> np.ndarray:
    """The posture Baku holds this week: the one it chose, except that an operation in
    depth under way (``start_rung`` >= 4) keeps the build-up posture that launched it."""
    return np.where(start_rung >= DEPTH_RUNG, Posture.BUILD_UP, chosen).astype(chosen.dtype)


def count_buildup(buildup: np.ndarray, posture: np.ndarray, rung: np.ndarray) -> np.ndarray:
    """Weeks the build-up has lasted: counts the weeks in the build-up posture; an
    operation in depth uses it up (it restarts from zero once launched), and any other
    posture drops it."""
    building = (posture == Posture.BUILD_UP) & (rung < DEPTH_RUNG)
    return np.where(building, buildup + 1, 0).astype(buildup.dtype)
