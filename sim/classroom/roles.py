"""The roles a student can play, and the agents each one decides for.

Moscow decides twice a week: the CSTO's answer (the CSTO's agent: Moscow chooses it,
:mod:`sim.actors.csto`) and its own moves (Russia's agent). Every other role is one
agent. The adapters say what each agent's turn offers.
"""

from dataclasses import dataclass

from sim.classroom.adapters import Adapter, Ankara, Moscow, MoscowForCsto, West, Yerevan
from sim.classroom.baku import Baku


@dataclass(frozen=True)
class Role:
    key: str  # what the command line and the forms use
    name: str  # how the pages name it
    adapters: tuple[Adapter, ...]  # one per agent it decides for
    brief: str  # one line for the student

    @property
    def actors(self) -> tuple[str, ...]:
        return tuple(a.actor for a in self.adapters)

    def adapter(self, actor: str) -> Adapter:
        return next(a for a in self.adapters if a.actor == actor)


ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role(
            "baku",
            "Baku (Azerbaijan)",
            (Baku(),),
            "You choose the rung Azerbaijan fights on each week.",
        ),
        Role(
            "yerevan",
            "Yerevan (Armenia)",
            (Yerevan(),),
            "You choose Armenia's concessions, whether to sign, and whom to call on.",
        ),
        Role(
            "moscow",
            "Moscow (Russia and the CSTO)",
            (MoscowForCsto(), Moscow()),
            "You choose the CSTO's answer to an attack and Russia's own moves.",
        ),
        Role("ankara", "Ankara (Turkey)", (Ankara(),), "You choose Turkey's line toward Baku."),
        Role("west", "The West (US/EU)", (West(),), "You choose whether to sanction Baku."),
    )
}


def role(key: str) -> Role:
    """The role named ``key`` (ValueError naming the roles otherwise)."""
    if key not in ROLES:
        raise ValueError(f"no role {key!r}; the roles are {', '.join(ROLES)}")
    return ROLES[key]
