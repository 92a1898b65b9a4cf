"""Issue 20, item 7: figures people read. The fan chart's quantile bands over the
parameter draws, rare chances printed as everywhere else (0.050%, not 0.0%), and Sobol
indices whose confidence interval swamps them flagged in the table, the figure and the
terminal."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.experiments import figures
from sim.experiments.sensitivity import swamped, swamped_note
from sim.fan_chart import FAN_RUNGS, at_or_above, draw_bands, quantile_fan_figure
from sim.ladder import N_STATES, TREATY_STATE, WAR_STATE
from sim.montecarlo import run_group_chunk, run_group_chunk_weekly, run_scenario, spread_tasks
from sim.scenario import load_scenario
from tests.conftest import BASELINE, run_cli


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


# --- the fan chart --------------------------------------------------------------------


def test_weekly_pass_gives_the_same_counts_and_whole_draws(baseline):
    """The spread pass kept week by week steps the model exactly as run() does."""
    for task in spread_tasks(baseline, 12, 20, seed=4, horizon_weeks=9, chunk_size=120):
        counts, weekly = run_group_chunk_weekly(task)
        np.testing.assert_array_equal(counts, run_group_chunk(task))
        draws = task.n_worlds // 20
        assert weekly.shape == (draws, 10, N_STATES)
        assert (weekly.sum(axis=2) == 20).all()  # every world of a draw, every week


def test_at_or_above_counts_war_above_and_treaty_below():
    counts = np.zeros(N_STATES, dtype=int)
    counts[[0, 2, 5, TREATY_STATE, WAR_STATE]] = [10, 3, 1, 4, 2]
    assert at_or_above(counts, 1) == 3 + 1 + 2
    assert at_or_above(counts, 5) == 1 + 2
    assert at_or_above(counts, 0) == 10 + 3 + 1 + 2  # the treaty is below every rung


def test_bands_are_ordered_and_bracket_the_main_run(baseline):
    """Tolerance: 4,000 worlds against 80 draws of 50; at week 26 the main run's share
    at or above tension lies inside the draws' 5th-95th percentiles (a 90% band of
    per-draw shares is several times wider than the main run's own noise)."""
    result = run_scenario(baseline, n_worlds=4000, seed=8, horizon_weeks=26, spread=(80, 50))
    main = result.state_shares()
    for rung in FAN_RUNGS:
        bands = draw_bands(result, rung)
        assert bands is not None
        stacked = np.stack([bands[q] for q in (5, 25, 50, 75, 95)])
        assert (np.diff(stacked, axis=0) >= 0).all()
        assert stacked.shape == (5, 27)
    bands = draw_bands(result, 1)
    assert bands[5][-1] <= at_or_above(main[-1], 1) <= bands[95][-1]
    assert bands[95][-1] - bands[5][-1] > 0.02  # a real spread, not a line


def test_the_figure_says_what_its_bands_are(baseline):
    result = run_scenario(baseline, n_worlds=1000, seed=8, horizon_weeks=6, spread=(20, 50))
    fig = quantile_fan_figure(result)
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "middle 50% and 90% of 20 parameter draws" in texts
    assert len(fig.axes) == len(FAN_RUNGS)
    assert all(ax.collections for ax in fig.axes)  # the shaded bands are drawn
    off = run_scenario(baseline, n_worlds=500, seed=8, horizon_weeks=6, spread=(0, 1))
    texts = " ".join(t.get_text() for t in quantile_fan_figure(off).texts)
    assert "No bands" in texts and "--spread 0" in texts


# --- rare chances ---------------------------------------------------------------------


def test_heat_map_cells_print_rare_chances_as_elsewhere():
    study = SimpleNamespace(name="s", worlds=20_000, seed=1)
    table = pd.DataFrame(
        {
            "outcome": ["full_scale_invasion"] * 4,
            "a": [0, 0, 1, 1],
            "b": [0, 1, 0, 1],
            "p": [0.0005, 0.0, 0.12, 0.0031],
        }
    )
    fig = figures._heat(study, table, "full_scale_invasion", "a", "b")
    cells = {t.get_text() for t in fig.axes[0].texts}
    assert {"0.050%", "0.0%", "12.0%", "0.31%"} == cells


# --- swamped Sobol indices ------------------------------------------------------------


def test_swamped_means_the_interval_reaches_zero_or_exceeds_the_index():
    index = np.array([0.30, 0.05, 0.05, -0.02, 0.0, np.nan])
    half = np.array([0.10, 0.06, 0.05, 0.01, 0.0, 0.1])
    assert swamped(index, half).tolist() == [False, True, True, True, True, True]


def test_the_note_counts_and_suggests_more_samples():
    sens = pd.DataFrame({"ST_swamped": [True, False, True]})
    note = swamped_note(sens, 64)
    assert note.startswith("sensitivity: 2 of 3 total indices") and "(now 64)" in note
    assert swamped_note(pd.DataFrame({"ST_swamped": [False]}), 64) is None
    assert swamped_note(None, 64) is None


def test_the_figure_greys_and_hatches_swamped_bars(tmp_path):
    study = SimpleNamespace(method="sobol")
    sens = pd.DataFrame(
        {
            "outcome": ["x", "x", "x"],
            "parameter": ["a", "b", "c"],
            "ST": [0.5, 0.1, 0.02],
            "ST_conf": [0.05, 0.2, 0.01],
        }
    )
    import matplotlib.figure

    seen = {}
    real_save = figures._save

    def keep(fig: matplotlib.figure.Figure, path):
        seen["fig"] = fig
        return real_save(fig, path)

    figures._save = keep
    try:
        figures.sensitivity_figure(study, sens, tmp_path / "s.png")
    finally:
        figures._save = real_save
    ax = seen["fig"].axes[0]
    hatched = {p.get_hatch() for p in ax.patches}
    assert "///" in hatched and None in hatched
    assert "interval swamps the index (1)" in ax.get_title(loc="left")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "b [swamped]", "a"]


def test_a_sobol_sweep_marks_swamped_indices_and_says_so(capsys, tmp_path):
    study = tmp_path / "sobol.yaml"
    study.write_text(
        f"name: tiny-sobol\nscenario: {BASELINE}\nseed: 2\nworlds: 40\nhorizon_weeks: 6\n"
        "outcomes: [border_clash]\ndesign:\n  method: sobol\n  samples: 8\n  parameters:\n"
        "    russia.push: [0, 6]\n    usa_eu.sanctions_credibility: [0, 1]\n"
    )
    code, _, err = run_cli(capsys, "sweep", study, "-o", tmp_path / "out", "-q")
    assert code == 0
    sens = pd.read_csv(tmp_path / "out" / "sensitivity.csv")
    assert {"S1_swamped", "ST_swamped"} <= set(sens.columns)
    n = int(sens["ST_swamped"].sum())
    assert n >= 1  # 8 samples of 40 worlds: the intervals are wide
    assert f"sensitivity: {n} of 2 total indices (ST) are swamped" in err
    assert "raise the study's samples: (now 8)" in err
