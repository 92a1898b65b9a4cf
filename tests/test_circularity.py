"""No lens may cite, as the source of a parameter, the quote it checks as a claim."""

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.circularity import quotes_claim
from tests.conftest import REPO

SHIPPED = sorted((REPO / "scenarios").rglob("*.yaml"))
QUOTE = "Russia and the CSTO would not be able to ignore this. They would have to react."


def test_a_quote_is_recognised_however_it_is_cut():
    assert quotes_claim('000_b6c8157d2dc91f0e.txt: "They would have to react if this"', QUOTE)
    assert quotes_claim('000_b6c8157d2dc91f0e.txt: "Russia and the CSTO would not"', QUOTE)
    assert not quotes_claim('000_b6c8157d2dc91f0e.txt: "Russia and the CSTO"', QUOTE)
    assert not quotes_claim("assumption: the alliance literature's honour rate", QUOTE)


def _lens(tmp_path, source: str) -> Path:
    """A lens checking Tasits' sentence; the built-in defaults of the other CSTO
    parameters also cite it, so they are given their own sources."""
    path = tmp_path / "circular.yaml"
    path.write_text(f"""\
name: circular
parameters:
  csto:
    obligation_strength:
      beta: {{a: 6, b: 4}}
      source: '{source}'
    statement_propensity: {{uniform: [0.2, 0.4], source: "assumption: the baseline range"}}
  russia:
    defend_armenia: {{beta: {{a: 6, b: 4}}, source: "assumption: as willing as not"}}
claims:
  - who: Tasits
    outcome: csto_military_response
    given: full_scale_invasion
    words: would have to
    quote: "{QUOTE}"
    source: 000_b6c8157d2dc91f0e.txt
""")
    return path


def test_a_lens_citing_its_own_claim_is_refused(tmp_path, capsys):
    path = _lens(tmp_path, '000_b6c8157d2dc91f0e.txt: "They would have to react if this happens"')
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "circular.yaml:6" in text and "csto.obligation_strength" in text
    assert 'claims[0] (Tasits: csto_military_response "would have to")' in text
    assert main(["check", str(path), "-n", "100"]) == 2
    assert "cannot check a claim it used as an input" in capsys.readouterr().err


def test_an_inherited_source_counts_too(tmp_path):
    """The baseline's csto.statement_propensity cites Tasits' sentence; a lens that
    checks that sentence and keeps the inherited parameter is refused, naming the file
    the parameter came from."""
    path = tmp_path / "inherits.yaml"
    path.write_text(f"""\
name: inherits
extends: {REPO / "scenarios" / "baseline.yaml"}
claims:
  - {{outcome: csto_military_response, words: likely, quote: "{QUOTE}",
     source: 000_b6c8157d2dc91f0e.txt}}
""")
    with pytest.raises(ScenarioError, match=r"statement_propensity \(set in .*baseline.yaml\)"):
        load_scenario(path)


def test_a_lens_with_another_source_loads(tmp_path):
    load_scenario(_lens(tmp_path, "assumption: the honour rate of alliances in the literature"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_every_shipped_scenario_passes(path):
    load_scenario(path)  # raises on a circular source
