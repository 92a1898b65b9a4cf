"""The ``posterior`` distribution kind: joint rows, reproducible draws, clear errors."""

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.scenario import Posterior, ScenarioError, load_scenario
from sim.seeding import chunk_seed

A, B = "azerbaijan.decision_noise", "azerbaijan.change_cost"


def write_posterior(path: Path, rows: int = 50, weights: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({A: rng.uniform(0.5, 3.0, rows)})
    frame[B] = 2.0 * frame[A]  # a fixed link: joint draws keep it, independent ones break it
    if weights:
        frame["weight"] = np.where(np.arange(rows) < 5, 1.0, 0.0)
    frame.to_parquet(path)
    return frame


def write_yaml(tmp_path: Path, body: str, name: str = "cal.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


GOOD = """\
    name: cal
    parameters:
      azerbaijan:
        decision_noise: {posterior: {file: post.parquet, column: azerbaijan.decision_noise}}
        change_cost: {posterior: {file: post.parquet, column: azerbaijan.change_cost}}
    """


def test_columns_of_one_file_are_drawn_from_the_same_row(tmp_path):
    frame = write_posterior(tmp_path / "post.parquet")
    s = load_scenario(write_yaml(tmp_path, GOOD))
    assert isinstance(s.parameters[A].dist, Posterior)
    draws = s.sample(chunk_seed(3, 0), 2000)
    np.testing.assert_allclose(draws[B], 2.0 * draws[A])
    assert set(np.round(draws[A], 12)) <= set(np.round(frame[A], 12))
    assert len(set(draws[A])) > 40  # draws cover the rows, not one row repeated


def test_draws_are_reproducible_by_seed_and_differ_between_seeds(tmp_path):
    write_posterior(tmp_path / "post.parquet")
    s = load_scenario(write_yaml(tmp_path, GOOD))
    one, two = s.sample(chunk_seed(3, 0), 500), s.sample(chunk_seed(3, 0), 500)
    np.testing.assert_array_equal(one[A], two[A])
    assert not np.array_equal(one[A], s.sample(chunk_seed(4, 0), 500)[A])


def test_the_weight_column_sets_how_often_each_row_is_drawn(tmp_path):
    frame = write_posterior(tmp_path / "post.parquet", weights=True)
    s = load_scenario(write_yaml(tmp_path, GOOD))
    drawn = s.sample(chunk_seed(1, 0), 1000)[A]
    assert set(drawn) <= set(frame[A][:5])  # rows of weight 0 are never drawn
    assert s.parameters[A].dist.mean() == pytest.approx(frame[A][:5].mean())


def test_a_scenario_elsewhere_extending_it_finds_the_file_relative_to_the_yaml(tmp_path):
    (tmp_path / "sub").mkdir()
    write_posterior(tmp_path / "sub" / "post.parquet")
    write_yaml(tmp_path / "sub", GOOD)
    child = write_yaml(tmp_path, "name: child\nextends: sub/cal.yaml\n", "child.yaml")
    assert isinstance(load_scenario(child).parameters[B].dist, Posterior)


@pytest.mark.parametrize(
    ("setup", "body", "message"),
    [
        (None, GOOD, "the posterior file does not exist: post.parquet"),
        ("text", GOOD, "post.parquet is not a readable Parquet file"),
        (
            "good",
            GOOD.replace("column: azerbaijan.change_cost", "column: azerbaijan.nope"),
            "post.parquet has no column 'azerbaijan.nope'",
        ),
        (
            "good",
            GOOD.replace(
                "{file: post.parquet, column: azerbaijan.change_cost}", "{file: post.parquet}"
            ),
            "missing column",
        ),
        ("wide", GOOD, "outside the range of azerbaijan.decision_noise"),
    ],
)
def test_bad_posterior_input_names_file_line_and_key(tmp_path, setup, body, message):
    post = tmp_path / "post.parquet"
    if setup == "text":
        post.write_text("not parquet")
    elif setup == "good":
        write_posterior(post)
    elif setup == "wide":
        pd.DataFrame({A: [0.5, 99.0], B: [1.0, 2.0]}).to_parquet(post)
    path = write_yaml(tmp_path, body)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    text = str(exc.value)
    assert message in text, text
    assert f"{path}:" in text and "parameters.azerbaijan." in text
