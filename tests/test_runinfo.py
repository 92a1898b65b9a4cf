"""Every JSON output says how it was made: escsim, Mesa, NumPy and Python versions, the
seed and the command line, under ``run_info`` (one helper, sim.runinfo.run_info)."""

import json
from importlib.metadata import version

import pytest

from sim.cli import main
from tests.conftest import BASELINE


def json_of(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def check(info: dict, seed, command: list[str]) -> None:
    import numpy

    assert info["escsim"] == __import__("sim").__version__
    assert info["mesa"] == version("mesa") and info["numpy"] == numpy.__version__
    assert info["seed"] == seed
    assert info["command"] == "escsim " + " ".join(command)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "baseline", "-n", "200", "--seed", "5", "--format", "json"],
        ["run", str(BASELINE), "-n", "200", "--seed", "5", "--spread", "0", "--format", "json"],
    ],
)
def test_run(capsys, argv):
    check(json_of(capsys, *argv)["run_info"], 5, argv)


@pytest.mark.slow
def test_evidence_and_bench(capsys):
    argv = ["evidence", "baseline", "-n", "60", "--replicates", "1", "--seed", "9",
            "--format", "json"]  # fmt: skip
    data = json_of(capsys, *argv)
    check(data["run_info"], 9, argv)
    argv = ["bench", "--worlds", "500", "--weeks", "3", "--replications", "2", "--json"]
    check(json_of(capsys, *argv)["run_info"], None, argv)


def test_the_api_gives_its_own_command_line_even_after_a_command(capsys):
    import shlex
    import sys

    import sim

    json_of(capsys, "run", "baseline", "-n", "50", "--format", "json")
    info = sim.run("baseline", n=50, seed=4).to_dict()["run_info"]
    assert info["seed"] == 4 and not info["command"].startswith("escsim run")
    assert info["command"].endswith(shlex.join(sys.argv[1:]))  # this process's own
