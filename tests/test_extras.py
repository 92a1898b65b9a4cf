"""The heavy dependencies are extras: the core (``import sim``, ``escsim run`` and the
other commands) runs without them, and a command that needs one says which extra to
install, before any work. The extras are composed rather than restated."""

import subprocess
import sys
import tomllib

import pytest

from sim.cli import EXTRAS, missing_extra
from tests.conftest import BASELINE, REPO, child_env

# A child interpreter in which the named top-level modules cannot be imported (as if not
# installed), then running `escsim ARGS`; it prints which blocked imports were attempted
# and by which module ("pyarrow<-pyarrow" style: libraries may probe optional ones).
WITHOUT = """
import importlib.abc, sys
blocked, tried = set(sys.argv[1].split(",")), []
class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
                frame = frame.f_back
            importer = frame.f_globals.get("__name__", "?") if frame is not None else "?"
            tried.append(f"{name}<-{importer}")
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, NotInstalled())
import importlib.util
real_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: (
    None if name.split(".")[0] in blocked else real_find_spec(name, *a))
from sim.cli import main
code = main(sys.argv[2:])
print("tried:" + ",".join(tried), file=sys.stderr)
sys.exit(code)
"""
# What the calibrate extra brings (pyabc and what it pulls in), plus the other extras.
HEAVY = "pyabc,redis,sqlalchemy,sklearn,cloudpickle,distributed,dask,ema_workbench,solara"


def escsim_without(modules: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, modules, *map(str, args)],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=120,
    )


def tried_by_sim(stderr: str) -> list[str]:
    """The blocked imports that escsim's own modules attempted."""
    line = stderr.strip().splitlines()[-1]
    assert line.startswith("tried:"), stderr
    attempts = [a for a in line.removeprefix("tried:").split(",") if a]
    return [a for a in attempts if a.split("<-")[1].split(".")[0] in ("sim", "__main__")]


@pytest.mark.slow
def test_escsim_run_needs_none_of_the_extras(tmp_path):
    proc = escsim_without(HEAVY, "run", BASELINE, "-n", "300", "--no-progress", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("{")
    assert tried_by_sim(proc.stderr) == []  # not even an attempt to import one


def test_calibrate_without_pyabc_names_the_extra_before_any_work(tmp_path):
    out = tmp_path / "calibration"
    proc = escsim_without(
        "pyabc",
        "calibrate",
        "--record",
        REPO / "data" / "record" / "armenia_azerbaijan_monthly.csv",
        "--scenario",
        BASELINE,
        "--out",
        out,
    )
    assert proc.returncode == 2
    head, _ = proc.stderr.strip().splitlines()
    assert head == "escsim calibrate needs pyabc: pip install 'escsim[calibrate]'"
    assert tried_by_sim(proc.stderr) == []  # stopped before the calibration modules
    assert not out.exists()


def not_installed(monkeypatch, module: str) -> None:
    """In this process, ``module`` looks uninstalled to the check in sim.cli."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a)
    )


def test_calibrate_help_without_pyabc_is_the_same_message(monkeypatch, cli):
    not_installed(monkeypatch, "pyabc")
    code, out, err = cli("calibrate", "--help")
    assert (code, out) == (2, "") and "pip install 'escsim[calibrate]'" in err


def test_the_dashboard_without_solara_names_its_extra(monkeypatch, cli):
    not_installed(monkeypatch, "solara")
    code, _, err = cli("dashboard", "--port", "1")
    assert code == 2
    assert err == "escsim dashboard needs solara: pip install 'escsim[dashboard]'\n"


def test_with_the_extra_installed_nothing_is_in_the_way():
    """The check only looks the module up (no import): here every extra is installed."""
    assert [missing_extra(c) for c in [*EXTRAS, "run", None]] == [None] * (len(EXTRAS) + 2)


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def name_of(requirement: str) -> str:
    """``'dask[distributed]>=2024.1'`` -> ``'dask'``."""
    for stop in "[<>=!~; ":
        requirement = requirement.split(stop)[0]
    return requirement.lower()


def test_heavy_dependencies_are_extras_composed_not_restated():
    meta = project()
    core = {name_of(r) for r in meta["dependencies"]}
    extras = meta["optional-dependencies"]
    assert {"pyabc", "dask", "ema_workbench", "solara", "jupyterlab"}.isdisjoint(core)
    assert "pyabc" in {name_of(r) for r in extras["calibrate"]}
    # Every command's extra in sim.cli exists, and installs the module it checks for.
    for command, (module, extra) in EXTRAS.items():
        assert module in {name_of(r) for r in extras[extra]}, (command, extra)
    # dev composes the user-facing extras and adds only the tools of development.
    composed = [r for r in extras["dev"] if r.startswith("escsim[")]
    assert composed == ["escsim[calibrate,dask,discovery,dashboard,notebooks,docs]"]
    restated = {name_of(r) for r in extras["dev"]} & {
        name_of(r) for name, reqs in extras.items() if name != "dev" for r in reqs
    }
    assert restated == {"escsim"}  # only the composition itself


def test_mesa_is_pinned_to_a_compatible_range():
    (mesa,) = [r for r in project()["dependencies"] if name_of(r) == "mesa"]
    assert mesa.replace(" ", "").startswith("mesa>=3.5.1,<3.6")


def test_the_declared_license_is_shipped():
    assert project()["license"] == "MIT"
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License") and "the escsim developers" in text
