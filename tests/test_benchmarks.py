"""The developers' benchmarks (benchmarks/): two revisions measured side by side, each in
its own interpreter importing only its own tree's ``sim``; the calibration and
hostile-input timings run and report what they promise. (What the numbers are depends on
the machine: nothing here asserts a speed.)"""

import json
import shutil
from pathlib import Path

import pytest

import sim
from benchmarks import against
from benchmarks.against import AgainstError, Tree, current_tree, measure_tree
from sim.cli import main
from sim.package_data import baseline_scenario
from tests.conftest import REPO


def run_against(capsys, *args) -> tuple[int, str, str]:
    """``python -m benchmarks.against ARGS`` in this process."""
    code = against.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def copy_of_this_tree(dest: Path) -> Path:
    """``sim/`` and ``scenarios/`` copied (``sim/scenarios`` stays a link to
    ``../scenarios``, now the copy's), as a stand-in for another revision's checkout."""
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "sim", dest / "sim", symlinks=True, ignore=skip)
    shutil.copytree(REPO / "scenarios", dest / "scenarios", symlinks=True, ignore=skip)
    return dest


@pytest.mark.slow  # over a second: the fast tier must stay under a minute
def test_against_a_copy_measures_each_side_from_its_own_tree(capsys, tmp_path):
    before = copy_of_this_tree(tmp_path / "before")
    code, out, err = run_against(
        capsys, before, "--worlds", "2000", "--weeks", "4", "--rounds", "1", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert {"before", "after", "ratio", "worlds", "weeks", "rounds"} <= set(data)
    assert (data["worlds"], data["weeks"], data["rounds"]) == (2000, 4, 1)
    for side in ("before", "after"):
        assert {"seconds", "ns_per_world_week", "peak_rss_mb", "tree"} <= set(data[side])
        assert data[side]["seconds"] > 0 and data[side]["peak_rss_mb"] > 0
        assert data[side]["ns_per_world_week"] == pytest.approx(
            data[side]["seconds"] / (2000 * 4) * 1e9
        )
    assert data["ratio"] == pytest.approx(data["after"]["seconds"] / data["before"]["seconds"])
    # The marker of each side is the file its child imported `sim` from.
    assert Path(data["before"]["tree"]) == before.resolve()
    assert Path(data["before"]["sim"]) == before.resolve() / "sim" / "__init__.py"
    assert Path(data["after"]["tree"]) == REPO
    assert Path(data["after"]["sim"]).resolve() == REPO / "sim" / "__init__.py"
    assert len(err.strip().splitlines()) == 2  # one progress line per measurement
    assert "round 1/1 before" in err and "round 1/1 after" in err


def test_a_missing_directory_is_one_message_and_exit_2(capsys, tmp_path):
    code, out, err = run_against(capsys, tmp_path / "nowhere")
    assert (code, out) == (2, "")
    assert "nowhere" in err and "no such directory" in err
    assert "Traceback" not in err


def test_a_directory_without_the_checkout_says_what_is_missing(capsys, tmp_path):
    (tmp_path / "sim").mkdir()
    (tmp_path / "sim" / "__init__.py").write_text("")
    code, out, err = run_against(capsys, tmp_path)
    assert (code, out) == (2, "")
    assert str(tmp_path) in err and "scenarios/baseline.yaml" in err
    assert "sim/__init__.py" not in err


def test_a_tree_that_fails_to_run_is_one_message_and_exit_2(capsys, tmp_path):
    (tmp_path / "sim").mkdir()
    (tmp_path / "sim" / "__init__.py").write_text("raise ImportError('broken on purpose')\n")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "baseline.yaml").write_text("name: x\n")
    code, out, err = run_against(
        capsys, tmp_path, "--worlds", "100", "--weeks", "1", "--rounds", "1"
    )
    assert (code, out) == (2, "")
    assert f"measuring {tmp_path.resolve()} failed" in err and "broken on purpose" in err


def test_escsim_bench_is_the_users_benchmark_only(capsys):
    """Two revisions side by side is a developer's job: `escsim bench` no longer takes
    --against (argparse refuses it: exit 2), and the package holds no copy of it."""
    with pytest.raises(SystemExit) as exc:
        main(["bench", "--against", "elsewhere"])
    assert exc.value.code == 2 and "--against" in capsys.readouterr().err
    import sim.bench

    assert not hasattr(sim.bench, "run_against")
    assert not (REPO / "sim" / "calibration" / "bench.py").exists()


@pytest.mark.slow  # over a second: the fast tier must stay under a minute
def test_a_child_that_imports_another_sim_is_caught(tmp_path):
    """A tree whose PYTHONPATH leads to a different ``sim`` than its own is refused, so a
    mix-up of the two packages cannot pass as a measurement."""
    other = copy_of_this_tree(tmp_path / "other")
    wrong = Tree(
        root=other,
        package=other / "sim",
        baseline=other / "scenarios" / "baseline.yaml",
        pythonpath=str(REPO),
    )
    with pytest.raises(AgainstError, match="imported sim from"):
        measure_tree(wrong, worlds=100, weeks=1)


def test_the_current_tree_is_this_checkout():
    tree = current_tree()
    assert (tree.root, tree.pythonpath) == (REPO, str(REPO))
    assert tree.baseline == REPO / "scenarios" / "baseline.yaml"


def test_an_installed_package_without_its_checkout_runs_as_installed(monkeypatch, tmp_path):
    installed = tmp_path / "site-packages" / "sim"
    installed.mkdir(parents=True)
    monkeypatch.setattr(sim, "__file__", str(installed / "__init__.py"))
    tree = current_tree()
    assert tree.pythonpath is None  # the child finds the installed package on its own
    assert tree.package == installed
    assert tree.baseline == baseline_scenario()


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_the_hostile_input_benchmark_times_what_the_tests_check(capsys):
    from benchmarks import hostile_input

    assert hostile_input.main(["--examples", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fuzzed_examples"] == 3
    assert data["oversized_40mb_seconds"] > 0 and data["fuzzed_slowest_seconds"] > 0
    assert set(data["within_target"]) == {"oversized", "fuzzed"}


@pytest.mark.slow  # two (tiny) calibrations: over a second
def test_the_calibration_benchmark_reports_both_paths_and_their_ratio(capsys):
    pytest.importorskip("pyabc")
    from benchmarks import calibration

    argv = ["--workers", "1", "--particles", "8", "--generations", "1", "--records", "2"]
    assert calibration.main(argv) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    runs = {line["sampler"]: line for line in lines if "sampler" in line}
    assert set(runs) == {"batched", "mapping"}
    for data in runs.values():
        assert (data["particles"], data["generations"], data["workers"]) == (8, 1, 1)
        assert data["simulations"] >= 8 and data["wall_seconds"] > 0
    ratio = lines[-1]["mapping_over_batched"]
    assert ratio == pytest.approx(
        runs["mapping"]["wall_seconds"] / runs["batched"]["wall_seconds"], abs=0.06
    )
    assert lines[-1]["at_least_15x"] == (ratio >= calibration.TARGET_RATIO)
