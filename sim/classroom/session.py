"""A class session: the scenario and its Monte Carlo run, the roles on offer, and the
players, each with a game in their own world (world ``i`` of the run).

Everything a student sends is checked here before it touches anything: a session code
(:data:`CODE_ALPHABET`, :data:`CODE_LENGTH`), a display name (:func:`clean_name`: letters,
digits, spaces and a few marks, at most :data:`MAX_NAME` characters), a role among the
session's, and answers among the options offered (:meth:`.decisions.Turn.check`).
Nothing a student sends names a file, a module or a parameter; the session's size is
bounded (:data:`MAX_PLAYERS`).
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass, field

from sim.classroom.crn import WorldRef
from sim.classroom.distribution import Distribution
from sim.classroom.engine import Game
from sim.classroom.roles import ROLES, Role

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class
CODE_LENGTH = 6
MAX_NAME = 40
MAX_PLAYERS = 200
ASSIGNMENTS = ("rotate", "choose")  # roles given in turn as students join, or picked
REVEALS = ("after", "before")  # the rule's pick shown after the student's answer, or before
_PLAYER_ID = re.compile(r"[A-Za-z0-9_-]{16}")
_NAME_MARKS = set(" -'._")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_name(text: str) -> str:
    """A student's display name: spaces collapsed, 1 to :data:`MAX_NAME` characters of
    letters, digits, spaces and ``- ' . _`` (ValueError otherwise). The pages escape it
    all the same."""
    name = " ".join(unicodedata.normalize("NFC", str(text)).split())
    if not name:
        raise ValueError("type a name")
    if len(name) > MAX_NAME:
        raise ValueError(f"a name has at most {MAX_NAME} characters")
    bad = [c for c in name if not (c.isalnum() or c in _NAME_MARKS)]
    if bad:
        raise ValueError("a name has letters, digits, spaces and - ' . _ only")
    return name


def valid_player_id(text: str) -> bool:
    return bool(_PLAYER_ID.fullmatch(text))


@dataclass
class Player:
    id: str
    name: str
    role: Role
    number: int  # the order of joining, from 1
    game: Game


@dataclass
class Session:
    """One class session. ``world``: the run's world every player plays, or the first
    one when ``spread_worlds`` (player k then plays world ``world + k - 1``)."""

    scenario: object
    distribution: Distribution
    roles: tuple[str, ...]
    assign: str = "rotate"
    world: int = 0
    spread_worlds: bool = False
    reveal: str = "after"
    code: str = field(default_factory=new_code)
    teacher_key: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    players: dict[str, Player] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.roles:
            raise ValueError("a session needs at least one role")
        for key in self.roles:
            if key not in ROLES:
                raise ValueError(f"no role {key!r}; the roles are {', '.join(ROLES)}")
        if self.assign not in ASSIGNMENTS:
            raise ValueError(f"assign must be one of {', '.join(ASSIGNMENTS)}")
        if self.reveal not in REVEALS:
            raise ValueError(f"reveal must be one of {', '.join(REVEALS)}")
        if not 0 <= self.world < self.distribution.n_worlds:
            raise ValueError(
                f"world {self.world} is not one of the run's {self.distribution.n_worlds:,}"
            )

    def matches(self, code: str) -> bool:
        return secrets.compare_digest(str(code).strip().upper()[:16], self.code)

    def is_teacher(self, key: str) -> bool:
        return secrets.compare_digest(str(key)[:64], self.teacher_key)

    def world_ref(self, number: int) -> WorldRef:
        d = self.distribution
        index = (self.world + number - 1) % d.n_worlds if self.spread_worlds else self.world
        return WorldRef(d.seed, d.n_worlds, index, d.chunk_size)

    def next_role(self) -> str:
        return self.roles[len(self.players) % len(self.roles)]

    def join(self, name: str, role: str | None = None) -> Player:
        """A new player (ValueError for a bad name or role, or a full session)."""
        if len(self.players) >= MAX_PLAYERS:
            raise ValueError(f"the session is full ({MAX_PLAYERS} players)")
        clean = clean_name(name)
        if self.assign == "rotate" or role is None:
            role = self.next_role() if self.assign == "rotate" or len(self.roles) == 1 else None
        if role not in self.roles:
            raise ValueError("pick one of the roles offered")
        number = len(self.players) + 1
        pid = secrets.token_urlsafe(12)
        game = Game(self.scenario, self.world_ref(number), ROLES[role])
        player = Player(pid, clean, ROLES[role], number, game)
        self.players[pid] = player
        return player

    def player(self, pid: str) -> Player | None:
        return self.players.get(pid) if valid_player_id(pid) else None
