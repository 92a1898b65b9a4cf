"""Every quote given as provenance is found, word for word, in the seed it cites."""

import os
from pathlib import Path

import pytest

from sim.actors import PARAMETERS
from sim.provenance import missing_quotes, quoted_fragments
from tests.conftest import REPO, SEEDS


@pytest.fixture(scope="module")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the seed articles are missing: expected them at {SEEDS}")
        pytest.skip("shared/seeds is not beside this checkout")
    return SEEDS


def test_quoted_fragments_follow_the_last_named_file():
    src = '001_9c941c53d8712548.txt: "a ... b"; contrast 000_b6c8157d2dc91f0e.txt: "c"'
    assert quoted_fragments(src) == [
        ("001_9c941c53d8712548.txt", "a"),
        ("001_9c941c53d8712548.txt", "b"),
        ("000_b6c8157d2dc91f0e.txt", "c"),
    ]


def test_a_made_up_quote_is_caught(seeds_dir):
    assert missing_quotes('001_9c941c53d8712548.txt: "Aliyev loves risk"', seeds_dir)


@pytest.mark.parametrize("spec", PARAMETERS, ids=lambda s: s.key)
def test_parameter_default_quotes_are_in_the_seeds(spec, seeds_dir):
    assert missing_quotes(spec.source, seeds_dir) == []


def _shipped():
    from sim.scenario import load_scenario

    return [(p, load_scenario(p)) for p in sorted((REPO / "scenarios").rglob("*.yaml"))]


SHIPPED = _shipped()


@pytest.mark.parametrize("path, scenario", SHIPPED, ids=[p.name for p, _ in SHIPPED])
def test_every_parameter_a_shipped_scenario_sets_has_a_checked_source(path, scenario, seeds_dir):
    from sim.params import is_traceable

    own = [
        (k, e)
        for k, e in scenario.parameters.items()
        if e.origin is not None and e.origin.resolve() == path.resolve()
    ]
    for key, entry in own:
        assert entry.source and is_traceable(entry.source), f"{path.name}: {key} lacks provenance"
        assert missing_quotes(entry.source, seeds_dir) == [], f"{path.name}: {key}"


@pytest.mark.parametrize("path, scenario", SHIPPED, ids=[p.name for p, _ in SHIPPED])
def test_every_claim_quotes_its_seed_word_for_word(path, scenario, seeds_dir):
    for claim in scenario.claims:
        assert missing_quotes(f'{claim.source}: "{claim.quote}"', seeds_dir) == [], claim
