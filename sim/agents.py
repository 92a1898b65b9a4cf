"""The six actors as Mesa agents: thin wrappers that observe, decide, apply.

Each agent reads the shared :class:`~sim.state.WorldState` and the parameter arrays from
its model, calls the pure rule functions of its module in :mod:`sim.rules`, and writes
the result back only for worlds still running. Random numbers come from the model's
seeded generator (``model.uniforms``, which is ``self.rng`` underneath); every agent
draws the same number of full-length arrays each week whatever the state, which
keeps each world's random stream aligned across scenarios. What an agent did last week
is kept in ``last`` for narration.
"""

from typing import ClassVar

import mesa
import numpy as np

from sim.rules import armenia, azerbaijan, csto, russia, turkey, usa_eu, world


class Actor(mesa.Agent):
    """Base of the actors: a name, the rule module it wraps and the draws it takes."""

    actor: ClassVar[str]  # the parameter group, e.g. "azerbaijan"
    label: ClassVar[str]  # how narration names it
    rules: ClassVar  # the module of pure rules it wraps
    draws_per_week: ClassVar[int] = 0

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.last: dict[str, np.ndarray] = {}

    @property
    def params(self) -> dict[str, np.ndarray]:
        """This actor's own parameters (arrays over worlds), keyed by short name."""
        prefix = self.actor + "."
        return {k[len(prefix):]: v for k, v in self.model.params.items() if k.startswith(prefix)}

    def _draw(self) -> np.ndarray:
        return self.model.uniforms(self.draws_per_week)

    def step(self) -> None:
        w = self.model.world
        self.act(w, self.model.params, self._draw())

    def act(self, w, p: dict[str, np.ndarray], u: np.ndarray) -> None:
        raise NotImplementedError


def _keep(active: np.ndarray, new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """New values for running worlds, the old ones for worlds that have ended."""
    return np.where(active, new, old)


class Turkey(Actor):
    actor, label, rules = "turkey", "Turkey", turkey

    def act(self, w, p, u):
        stance = turkey.current_stance(p, w.sanctioned)
        w.turkey_stance = _keep(w.active, stance, w.turkey_stance)
        self.last = {"stance": w.turkey_stance}


class Azerbaijan(Actor):
    actor, label, rules, draws_per_week = "azerbaijan", "Azerbaijan", azerbaijan, 2

    def __init__(self, model):
        super().__init__(model)
        # Parameters do not change during a run, so this part of the calculus is computed once.
        self.fixed_utilities = azerbaijan.fixed_utilities(
            model.params, model.params["armenia.border_readiness"]
        )

    def act(self, w, p, u):
        unmet = w.conditions_unmet()
        signs = azerbaijan.sign_treaty(w.rung, unmet, p, u[0]) & w.active
        utilities = azerbaijan.rung_utilities(
            p, self.fixed_utilities, w.denial, unmet, w.turkey_stance
        )
        self.last_utilities = utilities
        moving = w.active & ~signs
        new_rung = _keep(moving, self.decide_rung(w, p, utilities, u[1]), w.rung)
        new_rung = np.where(signs, 0, new_rung).astype(w.rung.dtype)
        success = azerbaijan.operation_success(new_rung, p, p["armenia.border_readiness"], w.denial)
        w.occupied_km2 = _keep(moving, azerbaijan.occupy(w.occupied_km2, new_rung, success),
                               w.occupied_km2)
        self.last = {"move": new_rung.astype(np.int16) - w.rung, "signed": signs}
        w.treaty = w.treaty | signs
        w.rung = new_rung


    def decide_rung(self, w, p, utilities: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Next week's rung for every world (the rule in :mod:`sim.rules.azerbaijan`).

        Override this in a subclass to try another rule (notebook 05); the signing, the
        ground taken and the bookkeeping around it stay the same.
        """
        return azerbaijan.choose_rung(w.rung, utilities, p, u)


class Armenia(Actor):
    actor, label, rules, draws_per_week = "armenia", "Armenia", armenia, 2

    def act(self, w, p, u):
        minsk, constitution = armenia.concede(
            w.minsk_dissolved, w.constitution_reformed, w.rung, p, u[0], u[1]
        )
        self.last = {
            "minsk": w.active & minsk & ~w.minsk_dissolved,
            "constitution": w.active & constitution & ~w.constitution_reformed,
        }
        w.minsk_dissolved = _keep(w.active, minsk, w.minsk_dissolved)
        w.constitution_reformed = _keep(w.active, constitution, w.constitution_reformed)
        w.denial = _keep(w.active, armenia.grow_denial(w.denial, p), w.denial)


class Csto(Actor):
    actor, label, rules, draws_per_week = "csto", "the CSTO", csto, 1

    def act(self, w, p, u):
        level = _keep(w.active, csto.respond(w.csto_level, w.rung, p, u[0]), w.csto_level)
        self.last = {"raised_to": np.where(level > w.csto_level, level, 0)}
        w.csto_level = level.astype(w.csto_level.dtype)
        w.war = w.war | (w.active & (w.csto_level >= csto.CstoResponse.MILITARY))


class Russia(Actor):
    actor, label, rules, draws_per_week = "russia", "Russia", russia, 2

    def act(self, w, p, u):
        success = azerbaijan.operation_success(w.rung, p, p["armenia.border_readiness"], w.denial)
        corridor = russia.swoop_on_corridor(w.russian_corridor, w.rung, success, p, u[0])
        unrest = russia.incite_unrest(w.unrest, w.rung, p, u[1])
        self.last = {
            "corridor": w.active & corridor & ~w.russian_corridor,
            "unrest": w.active & unrest & ~w.unrest,
        }
        w.russian_corridor = _keep(w.active, corridor, w.russian_corridor)
        w.unrest = _keep(w.active, unrest, w.unrest)


class UsEu(Actor):
    actor, label, rules, draws_per_week = "usa_eu", "the US/EU", usa_eu, 1

    def act(self, w, p, u):
        sanctioned = _keep(w.active, usa_eu.impose_sanctions(w.sanctioned, w.rung, p, u[0]),
                           w.sanctioned)
        self.last = {"sanctioned": sanctioned & ~w.sanctioned}
        w.sanctioned = sanctioned


# One step = every actor acts once, in this order: Turkey sets its line, Baku moves,
# Yerevan responds, the CSTO and Russia react to the attack, the West decides on
# sanctions (which Turkey and Baku see next week).
ACTOR_ORDER: tuple[type[Actor], ...] = (Turkey, Azerbaijan, Armenia, Csto, Russia, UsEu)


def spill_over(model) -> np.ndarray:
    """The environment's move after the actors: a full-scale war may spread (world rules)."""
    w = model.world
    spreads = world.spill_over(w.rung, model.params, model.uniforms(1)[0]) & w.active
    w.war = w.war | spreads
    return spreads
