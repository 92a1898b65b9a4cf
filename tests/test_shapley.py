"""Exact Shapley values: hand-computed games and the axioms the attribution relies on."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.shapley import coalitions, shapley_values

ABC = ["a", "b", "c"]


def _game(table: dict[str, float]):
    """A game from a table keyed by the coalition's letters (``""`` is the empty one)."""
    return lambda c: table["".join(sorted(c))]


def test_three_player_game_computed_by_hand():
    # phi_a = 1/3*(1-0) + 1/6*(6-2) + 1/6*(7-3) + 1/3*(12-8) = 3
    # phi_b = 1/3*(2-0) + 1/6*(6-1) + 1/6*(8-3) + 1/3*(12-7) = 4
    # phi_c = 1/3*(3-0) + 1/6*(7-1) + 1/6*(8-2) + 1/3*(12-6) = 5
    table = {"": 0, "a": 1, "b": 2, "c": 3, "ab": 6, "ac": 7, "bc": 8, "abc": 12}
    phi = shapley_values(ABC, _game(table))
    assert phi == pytest.approx({"a": 3, "b": 4, "c": 5}, abs=1e-12)
    # v(empty) need not be 0: a constant added to every coalition changes nothing.
    shifted = shapley_values(ABC, _game({k: v + 10 for k, v in table.items()}))
    assert shifted == pytest.approx(phi, abs=1e-12)


def test_glove_game():
    """a holds a left glove, b and c right ones; a pair is worth 1. Known answer:
    a gets 2/3, b and c 1/6 each."""
    phi = shapley_values(ABC, lambda c: float("a" in c and ("b" in c or "c" in c)))
    assert phi == pytest.approx({"a": 2 / 3, "b": 1 / 6, "c": 1 / 6}, abs=1e-15)


def test_coalitions_are_every_subset_once():
    subsets = coalitions(ABC)
    assert len(subsets) == 8 == len(set(subsets))
    assert subsets[0] == frozenset() and subsets[-1] == frozenset(ABC)
    with pytest.raises(ValueError, match="distinct"):
        shapley_values(["a", "a"], lambda c: 0.0)


PLAYERS = ["azerbaijan", "armenia", "russia", "turkey", "usa_eu", "initial"]
games = st.integers(1, 6).flatmap(
    lambda n: st.tuples(
        st.just(PLAYERS[:n]), st.lists(st.floats(0, 1), min_size=2**n, max_size=2**n)
    )
)


def _table_game(players, values):
    """A game with arbitrary values in [0, 1] (probabilities), one per coalition."""
    return dict(zip(coalitions(players), values, strict=True))


@settings(max_examples=200, deadline=None)
@given(games)
def test_parts_add_up_to_the_gap(game):
    players, values = game
    v = _table_game(players, values)
    phi = shapley_values(players, v.__getitem__)
    assert sum(phi.values()) == pytest.approx(v[frozenset(players)] - v[frozenset()], abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(games, st.data())
def test_a_player_that_changes_nothing_gets_exactly_zero(game, data):
    players, values = game
    v = _table_game(players, values)
    dummy = data.draw(st.sampled_from(players))
    # The dummy's joining never changes the value: v(S) is v(S without the dummy).
    phi = shapley_values(players, lambda c: v[c - {dummy}])
    assert phi[dummy] == 0.0
    others = [p for p in players if p != dummy]
    assert phi == pytest.approx({**shapley_values(others, v.__getitem__), dummy: 0.0}, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(games.filter(lambda g: len(g[0]) >= 2), st.data())
def test_symmetric_players_get_equal_parts(game, data):
    players, values = game
    v = _table_game(players, values)
    i, j = data.draw(st.permutations(players))[:2]

    def swapped(c):
        return frozenset({i: j, j: i}.get(p, p) for p in c)

    # Symmetrise the game in i and j: v'(S) = v(S) + v(S with i and j exchanged).
    phi = shapley_values(players, lambda c: v[c] + v[swapped(c)])
    assert phi[i] == phi[j]
