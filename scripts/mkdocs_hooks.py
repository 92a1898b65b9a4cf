"""MkDocs hooks (``hooks:`` in mkdocs.yml): add the reference pages generated from the code
(``scripts/docs_reference.py``) to the site at build time, so they are never committed and
never stale."""

import importlib.util
from pathlib import Path

from mkdocs.structure.files import File

_SCRIPT = Path(__file__).resolve().parent / "docs_reference.py"


def _reference():
    spec = importlib.util.spec_from_file_location("docs_reference", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files, config):
    for rel, text in _reference().pages().items():
        files.append(File.generated(config, rel, content=text))
    return files
