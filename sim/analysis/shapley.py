"""Exact Shapley values of a small cooperative game given by its coalition values.

Used to split the gap between two lenses over parameter groups (``sim.analysis.compare``):
a coalition is a set of groups taken from lens B into lens A, its value is P(outcome) of
that mixed scenario, and each group's Shapley value is its marginal contribution averaged
over every order in which the groups could be swapped in. The parts add up to
v(all) - v(none), the whole gap, whatever the interactions between groups.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import combinations
from math import factorial, fsum

Coalition = frozenset


def coalitions(players: Iterable[Hashable]) -> list[Coalition]:
    """Every subset of ``players`` (2^n of them), smallest first."""
    players = list(players)
    return [frozenset(c) for size in range(len(players) + 1) for c in combinations(players, size)]


def shapley_values(
    players: Sequence[Hashable], value: Callable[[Coalition], float]
) -> dict[Hashable, float]:
    """The exact Shapley value of each player of the game ``value`` (Shapley 1953).

    phi_i = sum over coalitions S not containing i of
            |S|! (n - |S| - 1)! / n! * (v(S + {i}) - v(S)).

    ``value`` is called once per coalition (it may be a dict's ``__getitem__``); v(empty)
    need not be 0. The values satisfy efficiency (they sum to v(all) - v(empty), up to
    rounding), symmetry (players with equal marginal contributions get equal values) and
    the dummy property: a player whose joining never changes the value gets exactly 0.0,
    since every term it sums is 0.0.
    """
    players = list(players)
    n = len(players)
    if len(set(players)) != n:
        raise ValueError(f"players must be distinct, got {players}")
    v = {c: float(value(c)) for c in coalitions(players)}
    weight = [factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)]
    result = {}
    for i in players:
        terms = [weight[len(c)] * (v[c | {i}] - v[c]) for c in v if i not in c]
        result[i] = fsum(terms) if any(terms) else 0.0  # exactly 0 for a dummy, not -0.0
    return result
