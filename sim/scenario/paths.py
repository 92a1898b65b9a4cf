"""Which files a scenario or study file may name: the paths policy.

A scenario file names other files (``extends:``, ``conditions:``, ``posterior: {file:}``;
a study names its ``scenario:``), and escsim reads them. A file received from someone
else could name ``/etc/shadow`` or ``~/.ssh/id_rsa``; escsim would read it and its
messages would quote it. So a path named inside a file must resolve (links followed)
inside one of:

- the **project** of the file that names it: the nearest folder, from the file's own
  folder upwards, that holds a ``scenarios/`` folder, a ``pyproject.toml`` or a ``.git``
  (in this repository: the repository, so ``experiments/*.yaml`` reach
  ``../scenarios/``); where there is none, the file's folder and the one above it
  (``extends: ../baseline.yaml``), but never the filesystem root or the home folder;
- the **shipped** scenarios and conditions (``sim/scenarios``, ``sim/record``).

Anything else is refused before it is opened, with the key, the path and how to allow
it: ``--allow-outside-paths`` (any command) or ``ESCSIM_ALLOW_OUTSIDE_PATHS=1``. Paths
given on the command line (``--record``, ``--conditions``, the files to run) are the
user's own choice and are not checked.

Even an allowed file is quoted only if it is what it should be: a file reached through
``extends:`` that is not a scenario (not a YAML mapping with ``name:``, or a file not
named ``.yaml`` that is no YAML) is reported in one line that quotes none of it
(:func:`not_a_scenario`).
"""

import os
from pathlib import Path

from sim.scenario.problems import Problem

ALLOW_ENV = "ESCSIM_ALLOW_OUTSIDE_PATHS"
ALLOW_OPTION = "--allow-outside-paths"
_MARKERS = ("scenarios", "pyproject.toml", ".git")
_SIM = Path(__file__).resolve().parents[1]


def outside_allowed() -> bool:
    """True if the user allowed paths outside the project (the option sets the variable,
    so worker processes inherit it)."""
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes")


def project_root(folder: Path) -> Path:
    """The folder tree a file in ``folder`` may name files in (see the module docstring)."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (
            any((candidate / marker).exists() for marker in _MARKERS)
            and candidate != candidate.parent
        ):
            return candidate
    up, home = folder.parent, Path.home().resolve()
    if folder == home or up == up.parent or up == home:
        return folder
    return up


def _shipped() -> list[Path]:
    roots = [(_SIM / "scenarios").resolve(), (_SIM / "record").resolve()]
    try:
        from sim.package_data import scenarios_dir

        roots.append(scenarios_dir().resolve())
    except Exception:  # noqa: BLE001 (an odd install: the two above remain)
        pass
    return roots


def check_reference(
    referencing: Path,
    target: Path,
    key: str,
    line: int | None,
) -> Problem | None:
    """None if ``referencing`` may name ``target`` (already joined to its folder), else
    the problem to report (at the line of ``key`` in ``referencing``)."""
    if outside_allowed():
        return None
    resolved = target.resolve()
    root = project_root(Path(referencing).parent)
    if any(resolved.is_relative_to(r) for r in [root, *_shipped()]):
        return None
    return Problem(
        str(referencing),
        line,
        key,
        (
            f"{resolved} is outside this file's project ({root}) and the shipped scenarios; "
            f"a file may only name files inside them, so that a scenario from elsewhere cannot "
            f"make escsim read other files. If you trust this file, pass {ALLOW_OPTION} (or "
            f"set {ALLOW_ENV}=1)"
        ),
    )


# What the reader says of a file before parsing it: nothing of its content.
_WHOLE_FILE = (
    "is a directory",
    "is not a regular file",
    "file not found",
    "the file is larger",
    "cannot read the file",
    "the file is empty",
)


def not_a_scenario(path: Path, data, found: list[Problem], required: str = "name") -> bool:
    """True if a file reached through ``extends:`` (or a study's ``scenario:``) is no
    scenario file: not named ``.yaml``/``.yml``, or not a mapping with ``name:`` (for a
    conditions file, ``required`` is ``changes`` and any name unreadable as YAML is
    none). Such a file is reported in one line, none of its content quoted (it
    could be any file the path reached); a ``.yaml`` file's YAML errors are reported as
    they are, with their lines (it is someone's scenario with a mistake)."""
    if found and all(p.message.startswith(_WHOLE_FILE) for p in found):
        return False  # said without quoting: a directory, a pipe, too large...
    if required == "name" and Path(path).suffix.lower() not in (".yaml", ".yml"):
        return True  # a scenario file is named .yaml: /etc/shadow is none, whatever it holds
    if found:
        return Path(path).suffix.lower() not in (".yaml", ".yml")
    return not isinstance(data, dict) or required not in data
