"""A teacher's own scenario file, opened on the dashboard by its path on the machine the
dashboard runs on (as ``escsim run FILE`` opens it: a relative path from the folder the
dashboard was started in, and everything the file names, ``extends:`` included, under
the project's paths policy, :mod:`sim.scenario.paths`).

The path is typed in a browser, so the page may open files only when whoever types it
is at the machine: ``escsim dashboard`` on a loopback address (the default) allows it;
on any other ``--host`` it sets :data:`FILES_ENV` to 0 and the page says why it will
not. And a path typed is only read as a scenario when it is named ``.yaml``/``.yml``,
so no other file's content can be quoted back in an error message.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from sim.scenario import Scenario, ScenarioError, load_scenario

FILES_ENV = "ESCSIM_DASHBOARD_FILES"
FILE_PREFIX = "file: "  # how an opened file is listed beside the shipped scenarios


def files_allowed() -> bool:
    """Whether the page may open files by path (not when :data:`FILES_ENV` is 0)."""
    return os.environ.get(FILES_ENV, "1").strip() != "0"


@dataclass(frozen=True)
class Opened:
    """A scenario file read and validated: its name in the scenario list, the scenario
    (custom actors in place) and the warning ``escsim run`` would print, if any."""

    choice: str
    scenario: Scenario
    warning: str | None


class NotOpened(Exception):
    """Why a file could not be opened, in words for the page (every problem of the file
    with its line, as ``escsim validate`` lists them)."""


def open_scenario_file(text: str, cwd: Path | None = None) -> Opened:
    """Read and validate the scenario file at path ``text`` (relative to ``cwd``,
    default the current folder); raises :class:`NotOpened` saying why not."""
    from sim.cli_support import no_extends_warning
    from sim.dashboard.logic import with_custom_actors

    if not files_allowed():
        raise NotOpened(
            "opening files is off: this dashboard listens beyond this machine, and a path "
            "typed in a browser would be read on the server (start it with --host "
            "127.0.0.1 to open your own files)"
        )
    typed = text.strip()
    if not typed:
        raise NotOpened("type the path of a scenario file (.yaml) on this machine")
    path = Path(typed).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise NotOpened(f"{path}: a scenario file is a YAML file named .yaml or .yml")
    if not path.is_file():
        raise NotOpened(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    try:
        scenario = load_scenario(path)
    except ScenarioError as err:
        raise NotOpened(err.report()) from None
    except OSError as err:
        raise NotOpened(f"{path}: cannot read the file ({err.strerror or err})") from None
    return Opened(
        f"{FILE_PREFIX}{path}", with_custom_actors(scenario), no_extends_warning(scenario)
    )
