"""The Python API (sim.api): the same numbers and table as the commands, DataFrames,
shipped scenarios by name, custom actors in runs and sweeps, and `import sim` light."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import sim
from sim.actors.azerbaijan import Azerbaijan
from sim.actors.usa_eu import UsEu
from tests.conftest import BASELINE, REPO


class CappedAzerbaijan(Azerbaijan):
    """Never beyond a border clash (rung 2): no limited incursion can happen."""

    def decide(self, w, v, u):
        posture, usual = super().decide(w, v, u)
        return posture, np.minimum(usual, 2).astype(usual.dtype)


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_run_prints_the_table_of_escsim_run(capsys):
    from sim.cli import main

    assert main(["run", "baseline", "-n", "1000", "--seed", "3"]) == 0
    cli_table = capsys.readouterr().out
    result = sim.run("baseline", n=1000, seed=3)
    assert str(result) == cli_table
    assert "over parameter draws" in cli_table  # the spread, by default, as the command


def test_run_accepts_a_name_a_path_or_a_scenario():
    by_name = sim.run("baseline", n=300, spread=(0, 1))
    by_path = sim.run(BASELINE, n=300, spread=(0, 1))
    by_object = sim.run(sim.load_scenario(BASELINE), n=300, spread=(0, 1))
    counts = [r.estimate("border_clash").k for r in (by_name, by_path, by_object)]
    assert counts[0] == counts[1] == counts[2]


def test_to_frame_holds_the_estimates_and_the_spread():
    result = sim.run("baseline", n=1000)
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame)
    for column in ("outcome", "p", "ci_low", "ci_high", "n", "spread_p10", "spread_p90"):
        assert column in frame.columns
    row = frame.set_index("outcome").loc["border_clash"]
    est = result.estimate("border_clash")
    assert row["p"] == est.p and (row["ci_low"], row["ci_high"]) == est.ci
    assert row["spread_draws"] == 20 and row["spread_p10"] <= row["spread_p90"]
    unspread = sim.run("baseline", n=300, spread=(0, 1)).to_frame()
    assert unspread["spread_p10"].isna().all()


def test_repr_and_estimate_show_p():
    result = sim.run("baseline", n=300, spread=(0, 1))
    p = result.estimate("border_clash").p
    assert f"p={p:.4g}" in repr(result.estimate("border_clash"))
    assert f"border_clash {p:.1%}" in repr(result)
    data = result.to_dict()
    assert data["run_info"]["seed"] == result.result.seed
    assert {"escsim", "mesa", "numpy", "command"} <= set(data["run_info"])


def test_overrides_change_one_parameter():
    calm = sim.run("baseline", n=500, spread=(0, 1), overrides={"russia.push": 0.0})
    pushed = sim.run("baseline", n=500, spread=(0, 1), overrides={"russia.push": 6.0})
    assert pushed.scenario.parameters["russia.push"].dist.mean() == 6.0
    assert pushed.estimate("limited_incursion").k > calm.estimate("limited_incursion").k


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_a_custom_actor_takes_its_place_in_a_run():
    usual = sim.run("baseline", n=1000, spread=(0, 1))
    capped = sim.run("baseline", n=1000, spread=(0, 1), actor_classes=[CappedAzerbaijan])
    assert usual.estimate("limited_incursion").k > 50
    assert capped.estimate("limited_incursion").k == 0
    assert capped.estimate("border_clash").k > 0
    # The same class given as module:Class text.
    named = sim.run(
        "baseline",
        n=1000,
        spread=(0, 1),
        actor_classes=["tests.test_api:CappedAzerbaijan"],
    )
    assert named.estimate("limited_incursion").k == 0


def test_custom_actors_are_refused_clearly():
    from sim.custom_actors import actor_order, load_actor_class

    with pytest.raises(TypeError, match="not a subclass of a shipped actor"):
        sim.run("baseline", n=10, actor_classes=[dict])

    class OtherCap(Azerbaijan):
        pass

    with pytest.raises(ValueError, match="both replace Azerbaijan"):
        actor_order((CappedAzerbaijan, OtherCap))
    with pytest.raises(ValueError, match="expected module:Class"):
        load_actor_class("CappedAzerbaijan")
    with pytest.raises(ValueError, match="has no 'Nope'"):
        load_actor_class("tests.test_api:Nope")
    order = actor_order((CappedAzerbaijan, UsEu))
    assert CappedAzerbaijan in order and Azerbaijan not in order and len(order) == 7


def test_a_custom_actor_reaches_a_sweep():
    plain = sim.sweep("sanctions_x_push", worlds=60)
    capped = sim.sweep("sanctions_x_push", worlds=60, actor_classes=[CappedAzerbaijan])
    incursions = lambda s: s.to_frame().query("outcome == 'limited_incursion'")["k"]  # noqa: E731
    assert incursions(plain).sum() > 0 and incursions(capped).sum() == 0
    assert "study: sanctions-x-push" in str(plain) and len(plain.to_frame()) == 90
    # A custom actor is part of what a checkpoint is for: resuming mixes no runs.
    assert plain.study.fingerprint() != capped.study.fingerprint()


@pytest.mark.slow
def test_compare_is_escsim_compare(capsys):
    from sim.cli import main

    assert main(["compare", "baseline", "experts/kopalyan", "-n", "300",
                 "--attribution-worlds", "200", "--format", "json"]) == 0  # fmt: skip
    cli = json.loads(capsys.readouterr().out)
    api = sim.compare("baseline", "experts/kopalyan", n=300, attribution_n=200)
    data = api.to_dict()
    assert data["scenarios"] == cli["scenarios"] and data["pairs"] == cli["pairs"]
    assert cli["run_info"]["command"].startswith("escsim compare baseline")
    frame = api.to_frame()
    assert set(frame["scenario"]) == {"baseline", "kopalyan"}
    assert "baseline -> kopalyan" in str(api)


def test_the_dashboard_loads_custom_actors_from_its_variable(monkeypatch):
    from sim.custom_actors import ACTORS_ENV
    from sim.dashboard.logic import load

    assert load("baseline").actor_classes == ()
    monkeypatch.setenv(ACTORS_ENV, "tests.test_api:CappedAzerbaijan")
    assert load("baseline").actor_classes == (CappedAzerbaijan,)


def test_the_dashboard_refuses_an_actor_it_cannot_import(capsys):
    from argparse import Namespace

    from sim.dashboard.cli import cli_action

    args = Namespace(host="127.0.0.1", port=8765, actors=["no_such_module:Cap"])
    assert cli_action(args) == 2
    assert "cannot import 'no_such_module'" in capsys.readouterr().err


@pytest.mark.slow
def test_import_sim_is_light():
    code = (
        "import sys, sim\n"
        "heavy = [m for m in ('numpy', 'pandas', 'mesa', 'scipy', 'matplotlib', 'sim.api')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
        "assert callable(sim.run)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
