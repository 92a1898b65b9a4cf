"""The documentation: the site builds with warnings as errors, every `$ escsim ...` example
is the output of its command (as Axelrod runs its docs), the reference pages follow the
code, the README stays a front page, and the sources and citation files say what they must.
"""

import argparse
import importlib.util
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, SEEDS

DOCS = REPO / "docs"
README = REPO / "README.md"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


examples_script = _module("docs_examples")
reference_script = _module("docs_reference")
EXAMPLES = examples_script.load_examples()


def pages() -> list:
    return sorted(DOCS.rglob("*.md"))


# -- numbers that cannot drift ---------------------------------------------------------------


@pytest.mark.parametrize(
    "example",
    [pytest.param(e, id=e.name, marks=() if e.cheap else pytest.mark.slow) for e in EXAMPLES],
)
@pytest.mark.slow
def test_each_example_prints_what_the_docs_show(example, tmp_path):
    committed = example.output_file.read_text(encoding="utf-8")
    assert examples_script.run(example, tmp_path) == committed, (
        f"{example.name} prints something else now: run "
        f"`python scripts/docs_examples.py {example.name}` and commit the result"
    )


def test_no_example_is_typed_by_hand():
    """A `$ escsim` line appears only in the outputs the script writes; the pages include
    them, and every included example is one the script runs."""
    names = {e.name for e in EXAMPLES}
    included = set()
    for page in [README, REPO / "CHANGELOG.md", *pages()]:
        text = page.read_text(encoding="utf-8")
        if page == README:  # its copies between markers are checked below
            text = re.sub(r"<!-- example: .*?<!-- /example -->", "", text, flags=re.S)
        hand_typed = [line for line in text.splitlines() if line.startswith("$ escsim")]
        assert not hand_typed, (
            f"{page.relative_to(REPO)}: {hand_typed[0]} (add it to examples.yaml)"
        )
        included |= set(re.findall(r'--8<-- "docs/examples/([\w-]+)\.txt"', text))
    assert included <= names
    assert names <= included | set(re.findall(r"<!-- example: ([\w-]+) -->", README.read_text()))


def test_the_readme_copies_are_the_examples_outputs():
    readme = README.read_text(encoding="utf-8")
    copies = re.findall(
        r"<!-- example: ([\w-]+) -->\n```\n(.*?)```\n<!-- /example -->", readme, re.S
    )
    assert copies, "the README shows the baseline's table from the examples"
    by_name = {e.name: e for e in EXAMPLES}
    for name, text in copies:
        assert text == by_name[name].output_file.read_text(encoding="utf-8"), name


def test_examples_run_with_globs_expanded_and_out_moved(tmp_path):
    by_name = {e.name: e for e in EXAMPLES}
    argv = examples_script.argv_of(by_name["check-experts"], tmp_path)
    assert argv[0] == "check" and len(argv) > 2 and all(a.endswith(".yaml") for a in argv[1:])
    assert argv[1:] == sorted(argv[1:])
    argv = examples_script.argv_of(by_name["run-baseline"], tmp_path)
    assert argv[-2:] == ["--out", str(tmp_path / "baseline")]


# -- the reference follows the code ----------------------------------------------------------


def test_the_parameter_page_lists_every_parameter_with_its_source():
    from sim.actors import PARAMETERS

    page = reference_script.parameters_markdown()
    for spec in PARAMETERS:
        (row,) = [line for line in page.splitlines() if line.startswith(f"| `{spec.key}` |")]
        assert spec.source.replace("|", "\\|") in row
        assert f"{spec.low:g} to {spec.high:g}" in row


def test_the_outcome_page_follows_the_outcome_table():
    from sim.outcomes import OUTCOME_TABLE

    page = reference_script.outcomes_markdown()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == [o.name for o in OUTCOME_TABLE]


@pytest.mark.slow  # imports every command's module (pyabc, solara): over 3 s
def test_the_command_page_has_every_command_and_option():
    from sim.cli import FEATURES, build_parser

    page = reference_script.commands_markdown()
    subparsers = reference_script._subcommands(build_parser("*"))
    assert set(subparsers) == set(FEATURES)
    for name, sub in subparsers.items():
        section = page.split(f"## escsim {name}\n", 1)[1].split("\n## escsim ", 1)[0]
        for action in sub._actions:
            if action.help == argparse.SUPPRESS:
                continue  # a hidden alias (e.g. --no-progress for -q/--quiet)
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}`" in section, (name, option)


# -- the site --------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="needs the docs extra")
def test_the_site_builds_with_warnings_as_errors_and_offline(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    site = tmp_path / "site"
    for page in ("reference/parameters", "reference/commands", "reference/actors", "sources"):
        assert (site / page / "index.html").is_file(), page
    html = (site / "reference" / "actors" / "index.html").read_text(encoding="utf-8")
    assert "rung_utilities" in html  # the actors' rules, rendered from their docstrings
    # Nothing the pages load comes from the network (no web fonts, no CDN).
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://[^"']*(fonts\.g|cdn)""", text), page


def test_mkdocs_config_is_offline_and_strict():
    from ruamel.yaml import YAML

    config = YAML(typ="safe").load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["strict"] is True
    assert config["theme"]["font"] is False


# -- the front page, the sources, the citation -----------------------------------------------


def test_the_readme_is_a_front_page():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 200
    assert "make run" in text and "make test" in text
    # Two figures: the baseline's outcomes, and the record against the calibrated model's
    # histories (issue "Behaviour, not noise" asks for those checks on the front page).
    assert text.count("![") == 2
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if not target.startswith("http"):
            assert (REPO / target).exists(), target


def test_every_page_is_in_the_navigation():
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in pages():
        rel = page.relative_to(DOCS).as_posix()
        if rel.startswith("snippets/"):
            continue
        assert f": {rel}" in config, f"{rel} is not in mkdocs.yml's nav"
    for rel in reference_script.pages():
        assert f": {rel}" in config, rel


def test_the_sources_page_names_each_seed_article():
    from sim.params import SEED_FILES

    text = (DOCS / "sources.md").read_text(encoding="utf-8")
    for name in SEED_FILES:
        (row,) = [line for line in text.splitlines() if line.startswith(f"| `{name}`")]
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        title = cells[1].strip('"')  # the columns: file, title, outlet, author, date, who
        assert all(cells[:5]), row
        if SEEDS.is_dir():  # the title is the article's own
            seed = (SEEDS / name).read_text(encoding="utf-8").replace("’", "'")
            assert title in seed, (name, title)


def test_the_citation_matches_the_package():
    import tomllib

    from ruamel.yaml import YAML

    citation = YAML(typ="safe").load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == project["version"]
    assert citation["license"] == project["license"]
    assert citation["title"] and citation["authors"]


def test_the_docs_extra_is_declared():
    import tomllib

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert {"mkdocs-material", "mkdocstrings[python]"} <= {
        re.split(r"[<>=]", r)[0] for r in extras["docs"]
    }


# -- the behaviour page's tables (scripts/behaviour_report.py) ---------------------------------

behaviour_script = _module("behaviour_report")


def test_the_behaviour_page_includes_the_generated_tables():
    page = (DOCS / "behaviour.md").read_text(encoding="utf-8")
    rel = behaviour_script.OUTPUT.relative_to(REPO).as_posix()
    assert f'--8<-- "{rel}"' in page
    assert behaviour_script.OUTPUT.read_text(encoding="utf-8").startswith(
        "<!-- written by scripts/behaviour_report.py"
    )


@pytest.mark.slow  # about 10 s: the checks and the levers at the page's sizes
def test_the_behaviour_tables_are_what_the_script_prints(monkeypatch):
    monkeypatch.chdir(REPO)
    assert behaviour_script.report() == behaviour_script.OUTPUT.read_text(encoding="utf-8"), (
        "docs/snippets/behaviour-report.md is out of date: run "
        "`python scripts/behaviour_report.py` and commit the result"
    )


calibration_script = _module("calibration_table")


def test_the_calibration_table_is_what_the_script_writes():
    """docs/snippets/calibration-table.md is docs/calibration_diagnostics.json as the
    script formats it, and docs/calibration.md includes it."""
    import json

    text = calibration_script.table(
        json.loads(calibration_script.DIAGNOSTICS.read_text(encoding="utf-8"))
    )
    assert calibration_script.OUTPUT.read_text(encoding="utf-8") == text, (
        "docs/snippets/calibration-table.md is out of date: run "
        "`python scripts/calibration_table.py` and commit the result"
    )
    page = (REPO / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert '--8<-- "docs/snippets/calibration-table.md"' in page


def test_no_page_prints_where_the_repository_sits():
    """No example, snippet or page holds this checkout's absolute path (an example must
    name its files relative to the repository, as a reader's clone would)."""
    where = str(REPO)
    for page in [README, *DOCS.rglob("*.md"), *DOCS.rglob("*.txt")]:
        assert where not in page.read_text(encoding="utf-8"), page
