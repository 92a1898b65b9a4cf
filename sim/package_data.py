"""Files shipped inside the package (package data), found wherever ``sim`` is installed.

The scenarios live in the repository's ``scenarios/`` (the path users type); the package
reaches them as ``sim/scenarios``, a link to that folder that the wheel build follows,
so an installed wheel carries real copies and needs no source tree. Any ``sim/**/*.yaml``
is shipped the same way (pyproject.toml, ``[tool.setuptools.package-data]``).
"""

import atexit
from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_path(*parts: str) -> Path:
    """A file or folder of the package's data as a real path (``data_path("scenarios")``).

    An ordinary install is a folder on disk and the path points into it; from a zipped
    install the data are extracted once, for the life of the process.
    """
    resource = resources.files("sim").joinpath(*parts)
    if isinstance(resource, Path):
        return resource
    stack = ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(resources.as_file(resource)))


def scenarios_dir() -> Path:
    """The shipped scenarios: ``baseline.yaml``, ``experts/``, ``counterfactuals/``,
    ``history/``."""
    return data_path("scenarios")


def baseline_scenario() -> Path:
    """The baseline scenario's file."""
    return scenarios_dir() / "baseline.yaml"
