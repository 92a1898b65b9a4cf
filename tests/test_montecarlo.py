"""Seeding and scale: the same numbers whatever the workers, chunks merged exactly."""

import numpy as np
import pytest

from sim.montecarlo import ChunkTask, chunk_sizes, run_chunk, run_scenario
from sim.outcomes import OUTCOME_NAMES
from tests.helpers import MapOnly


def _same(a, b) -> None:
    assert a.to_dict() == b.to_dict()


def test_chunk_sizes():
    assert chunk_sizes(25, 10) == [10, 10, 5]
    assert chunk_sizes(20, 10) == [10, 10]
    with pytest.raises(ValueError):
        chunk_sizes(0, 10)


@pytest.mark.slow  # over 3 s of CPU (two spawned interpreters); MapOnly below stays fast
def test_serial_and_two_processes_give_identical_results(baseline):
    kwargs = dict(n_worlds=5_000, seed=42, horizon_weeks=30, chunk_size=1_000)
    _same(run_scenario(baseline, workers=1, **kwargs), run_scenario(baseline, workers=2, **kwargs))


def test_any_executor_gives_the_same_result(baseline):
    kwargs = dict(n_worlds=3_000, seed=7, horizon_weeks=20, chunk_size=1_000)
    _same(run_scenario(baseline, **kwargs), run_scenario(baseline, executor=MapOnly(), **kwargs))


def test_a_run_is_the_sum_of_its_chunks(baseline):
    result = run_scenario(baseline, n_worlds=2_500, seed=3, horizon_weeks=10, chunk_size=1_000)
    parts = [run_chunk(ChunkTask(baseline, 3, i, n, 10)) for i, n in enumerate([1000, 1000, 500])]
    total = parts[0] + parts[1] + parts[2]
    np.testing.assert_array_equal(result.tally.co_occurrence, total.co_occurrence)
    np.testing.assert_array_equal(result.tally.state_counts, total.state_counts)


def test_seed_changes_the_numbers_and_is_recorded(baseline):
    a = run_scenario(baseline, n_worlds=2_000, seed=1, horizon_weeks=20)
    b = run_scenario(baseline, n_worlds=2_000, seed=2, horizon_weeks=20)
    assert a.to_dict()["seed"] == 1
    assert a.to_dict()["outcomes"] != b.to_dict()["outcomes"]


def test_progress_reports_every_chunk(baseline):
    seen = []
    run_scenario(
        baseline,
        n_worlds=2_500,
        horizon_weeks=5,
        chunk_size=1_000,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_parameter_uncertainty_is_drawn_per_world(baseline):
    """Each world draws its own parameter values; a fixed parameter draws none."""
    from sim.montecarlo import build_model

    m = build_model(ChunkTask(baseline, 5, 0, 1_000, 1))
    assert np.unique(m.params["azerbaijan.risk_aversion"]).size == 1_000
    assert np.unique(m.params["azerbaijan.change_cost"]).size == 1


def test_changing_one_parameter_keeps_the_others_draws(baseline):
    """Common random numbers across scenarios: parameter streams are keyed by name."""
    from sim.montecarlo import build_model

    other = baseline.with_overrides({"russia.push": 0.5})
    a = build_model(ChunkTask(baseline, 5, 0, 500, 1)).params
    b = build_model(ChunkTask(other, 5, 0, 500, 1)).params
    for key in a:
        if key != "russia.push":
            np.testing.assert_array_equal(a[key], b[key], key)
    assert np.all(b["russia.push"] == 0.5)


def test_a_block_of_points_is_each_point_run_alone(baseline):
    """One recipe for both: chunk c of a sweep block with K points holds, for each point,
    the same worlds as chunk c of a plain run with that point's values fixed."""
    from sim.experiments.runner import point_counts
    from sim.montecarlo import Points

    points = Points(
        ("russia.push", "usa_eu.sanctions_credibility"),
        np.array([[0.0, 0.2], [3.0, 0.5], [6.0, 0.9]]),
    )
    block = run_chunk(ChunkTask(baseline, 9, 1, 700, 30, points), measure=point_counts)
    assert block.shape == (3, len(OUTCOME_NAMES))
    for row, values in zip(block, points.values, strict=True):
        alone = baseline.with_overrides(dict(zip(points.keys, values, strict=True)))
        tally = run_chunk(ChunkTask(alone, 9, 1, 700, 30))
        np.testing.assert_array_equal(row, np.diag(tally.co_occurrence))
    assert len({tuple(r) for r in block}) == 3, "the points must differ somewhere"


def test_one_world_is_chunk_index_of_one_world(baseline):
    from sim.montecarlo import build_model, one_world

    a = one_world(baseline, seed=4, horizon_weeks=12, index=7).run()
    b = build_model(ChunkTask(baseline, 4, 7, 1, 12)).run()
    np.testing.assert_array_equal(a.outcome_indicators(), b.outcome_indicators())
    assert a.horizon_weeks == 12 and one_world(baseline, seed=4).horizon_weeks == 52
