"""One world in words: the narration reports what the state shows."""

import numpy as np

from sim.ladder import Rung
from sim.narrate import narrate, week_events
from tests.helpers import FROZEN_LADDER, Start, model


def test_narration_matches_the_state_changes():
    m = model(1, seed=3, horizon=52, azerbaijan__territorial_ambition=12.0)
    rungs = [int(m.world.rung[0])]
    lines = []
    for line in narrate(m, quiet_weeks=True):
        lines.append(line)
        rungs.append(int(m.world.rung[0]))
    assert lines[0].startswith("Week 1: ")
    for week, line in enumerate(lines, start=1):
        before, after = rungs[week - 1], rungs[week]
        if after > before:
            assert f"escalates to {Rung(after).label}" in line
        elif after < before and "treaty" not in line:
            assert f"steps down to {Rung(after).label}" in line


def test_sanctions_and_csto_are_told():
    m = model(1, seed=1, horizon=30, start=Start(rung=4), usa_eu__sanctions_credibility=1.0,
              usa_eu__gas_dependence=0.0, csto__statement_propensity=1.0, **FROZEN_LADDER)
    text = "\n".join(narrate(m))
    assert "the US/EU impose sanctions" in text
    assert "the CSTO issues a statement" in text
    assert m.world.sanctioned[0]


def test_quiet_week_has_no_events():
    m = model(1, seed=2, horizon=1, **FROZEN_LADDER, armenia__minsk_concession_rate=0.0,
              armenia__constitution_reform_rate=0.0)
    m.step()
    assert week_events(m) == []
    assert np.all(m.world.rung == 1)
