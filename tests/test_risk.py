"""Risk attitude (issue 11): Baku's rung utility is the expected payoff less
``risk_aversion`` x the standard deviation of its uncertain parts, so of two options with
the same expected payoff the riskier one is worth less, the more so the more averse Baku
is. Built through the real azerbaijan.rung_utilities."""

import numpy as np
import pytest

from sim.actors import Views
from tests.helpers import bakus_utilities, params, world


def _utilities(p: dict) -> np.ndarray:
    v = Views.build(p)
    n = len(next(iter(p.values())))
    return bakus_utilities(v, world(v, n))


def _gamble_and_sure_thing(risk_aversion: float) -> np.ndarray:
    """Two worlds alike but for the corridor offensive (rung 4) Baku weighs: in the
    first, a corridor worth 10 taken with chance 0.5 (mean 5, variance 25); in the
    second, one worth 5 taken for sure (mean 5, variance 0). With no sanctions cost, no
    great-power war cost and no territory beyond the corridor, that is their only
    uncertain part."""
    p = params(
        2,
        armenia__denial_capacity=0.0,
        azerbaijan__territorial_ambition=0.0,
        usa_eu__sanctions_severity=0.0,
        azerbaijan__great_power_war_cost=0.0,
        azerbaijan__risk_aversion=risk_aversion,
    )
    p["azerbaijan.military_advantage"] = np.array([0.5, 1.0])
    p["azerbaijan.corridor_value"] = np.array([10.0, 5.0])
    return _utilities(p)


def test_equal_means_are_equal_utilities_when_risk_neutral():
    u = _gamble_and_sure_thing(0.0)
    assert u[4, 0] == pytest.approx(u[4, 1], abs=1e-12)


def test_the_riskier_option_loses_more_as_risk_aversion_grows():
    """The sure thing's edge is risk aversion x the gamble's standard deviation (5)."""
    gaps = []
    for ra in (0.25, 0.8, 2.0):
        u = _gamble_and_sure_thing(ra)
        gaps.append(u[4, 1] - u[4, 0])
        assert gaps[-1] == pytest.approx(ra * 5.0, rel=1e-12)
    assert gaps[0] < gaps[1] < gaps[2]


def test_certain_rungs_are_untouched_by_risk_aversion():
    """Rhetoric and a border clash (rungs 0-2) have no uncertain part at default values
    (a clash takes no ground, risks no sanctions and no great-power war): their utility
    does not depend on risk aversion, while every operation's falls."""
    calm, averse = (_utilities(params(1, azerbaijan__risk_aversion=ra))[:, 0] for ra in (0.0, 2.0))
    np.testing.assert_allclose(averse[:3], calm[:3], rtol=1e-12)
    assert np.all(averse[3:] < calm[3:])
