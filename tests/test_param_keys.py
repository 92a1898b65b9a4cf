"""A parameter's name has one type, :class:`sim.params.ParamKey`, that knows its spellings
(nested YAML, dotted, the inference library's ``actor__name``); the code that names a
parameter checks the name against the registry; a parameter declares what its change
resets in a running world."""

import ast
import pickle
import re

import numpy as np
import pytest

from sim.actors import PARAMETERS, PARAMS_BY_KEY, registered
from sim.params import RESETS, ParamKey, ParamSpec
from tests.conftest import SIM
from tests.helpers import model


@pytest.mark.parametrize("spec", PARAMETERS, ids=lambda s: s.key)
def test_every_registered_key_reads_back_from_each_spelling(spec):
    key = spec.key
    assert isinstance(key, ParamKey) and (key.actor, key.name) == (spec.actor, spec.name)
    assert ParamKey.parse(key.dotted) == key == ParamKey.of(spec.actor, spec.name)
    assert ParamKey.from_safe(key.safe) == key and "." not in key.safe
    assert type(key.dotted) is str  # what outputs write: YAML refuses str subclasses


def test_a_key_is_the_plain_string_it_spells():
    key = ParamKey("usa_eu.sanctions_credibility")
    assert key == "usa_eu.sanctions_credibility" and hash(key) == hash(key.dotted)
    assert {"usa_eu.sanctions_credibility": 1}[key] == 1 and PARAMS_BY_KEY[key].name == key.name
    assert repr(key) == "'usa_eu.sanctions_credibility'" and f"{key}" == key.dotted
    assert key.safe == "usa_eu__sanctions_credibility"
    copied = pickle.loads(pickle.dumps(key))  # chunk tasks and priors go to worker processes
    assert type(copied) is ParamKey and copied == key


@pytest.mark.parametrize(
    "text",
    [
        "usa_eu",
        "usa_eu.",
        ".push",
        "russia.push.x",
        "Russia.push",
        "russia push",
        "russia__push",
        "a__b.c",
        "russia.__push",
        "",
    ],
)
def test_a_malformed_dotted_key_is_refused_naming_the_text(text):
    with pytest.raises(ValueError, match=f"not a parameter key: {re.escape(repr(text))}"):
        ParamKey.parse(text)


@pytest.mark.parametrize("text", ["russia.push", "russia_push", "russia___push", "__push", ""])
def test_a_malformed_safe_key_is_refused_naming_the_text(text):
    with pytest.raises(ValueError, match=f"safe spelling: {re.escape(repr(text))}"):
        ParamKey.from_safe(text)


def test_registered_refuses_a_name_the_registry_does_not_have():
    assert registered("russia.push") == "russia.push"
    with pytest.raises(KeyError, match=r"'russia\.pushes'.*did you mean 'russia\.push'"):
        registered("russia.pushes")


# --- key literals in the code ---------------------------------------------------------

ACTORS = sorted({spec.actor for spec in PARAMETERS})
KEY_LIKE = re.compile(rf"(?:{'|'.join(ACTORS)})(?:\.|__)[a-z][a-z0-9_]*")


def key_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal in ``source`` spelled like a parameter key
    (dotted or safe) of a registered actor."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and KEY_LIKE.fullmatch(node.value)
    ]


def unregistered(text: str) -> bool:
    try:
        key = ParamKey.from_safe(text) if "." not in text else ParamKey.parse(text)
    except ValueError:
        return True
    return key not in PARAMS_BY_KEY


def test_every_key_literal_in_the_package_names_a_registered_parameter():
    """A renamed parameter cannot leave a literal behind that silently stops matching."""
    found, stale = 0, []
    for path in sorted(SIM.rglob("*.py")):
        for line, text in key_literals(path.read_text(encoding="utf-8")):
            found += 1
            if unregistered(text):
                stale.append(f"{path.relative_to(SIM.parent)}:{line}: {text}")
    assert found >= 20  # the levers, calibration's defaults, ... (the scan finds them)
    assert not stale, "literals naming no registered parameter:\n" + "\n".join(stale)


def test_the_literal_scan_catches_a_renamed_key():
    source = 'LEVERS = (("russia.push", "x"), ("russia.pushes", "y"))\nK = "usa_eu__resolve"\n'
    assert sorted(t for _, t in key_literals(source) if unregistered(t)) == [
        "russia.pushes",
        "usa_eu__resolve",
    ]


# --- what a change during a run resets ------------------------------------------------


def test_the_parameters_that_reset_state_declare_it():
    declared = {spec.key: spec.resets for spec in PARAMETERS if spec.resets is not None}
    assert declared == {
        "armenia.denial_capacity": "denial",
        "armenia.csto_appeal": "trust",
        "armenia.trust_strength": "trust",
        "usa_eu.sanctions_credibility": "resolve",
        "azerbaijan.belief_strength": "resolve",
    }
    with pytest.raises(ValueError, match="resets must be one of"):
        ParamSpec("russia", "x", "m", "u", 0.0, 1.0, 0.5, "assumption: test", resets="mood")
    assert set(RESETS) == {"denial", "trust", "resolve"}


def test_a_belief_resets_only_when_a_parameter_declaring_it_changes():
    """After some weeks of learning, a change of a prior replaces that belief (running
    worlds only); a change of any other parameter leaves both beliefs as learnt."""
    m = model(2_000, seed=3, horizon=40)
    for _ in range(30):
        m.step()
    w = m.world
    learnt = {f: getattr(w, f).copy() for f in ("trust_a", "trust_b", "resolve_a", "resolve_b")}
    assert not np.allclose(learnt["trust_b"], learnt["trust_b"][0])  # worlds have learnt
    m.update_parameters({"russia.push": 3.0, "armenia.peace_value": 1.0})
    for field, before in learnt.items():
        np.testing.assert_array_equal(getattr(w, field), before)
    m.update_parameters({"armenia.csto_appeal": 0.8})
    run = w.active
    strength = m.views.armenia.trust_strength
    np.testing.assert_allclose(w.trust_a[run], 0.8 * strength[run])
    np.testing.assert_array_equal(w.trust_a[~run], learnt["trust_a"][~run])
    np.testing.assert_array_equal(w.resolve_a, learnt["resolve_a"])
    m.update_parameters({"azerbaijan.belief_strength": 10.0})
    credibility = m.views.usa_eu.sanctions_credibility
    np.testing.assert_allclose(w.resolve_a[run], 10.0 * credibility[run])
