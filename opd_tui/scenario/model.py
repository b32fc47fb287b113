"""A clinic file, read and checked: doctors with their slots, and a timeline of actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from ..engine import (
    Book,
    Bump,
    Cancel,
    Delay,
    Move,
    NoShow,
    Serve,
    SetCapacity,
    Source,
    format_hhmm,
)
from .problems import Path

# A timeline entry's key is the kind of the command it asks for.
BOOK = Book.kind
CANCEL = Cancel.kind
NO_SHOW = NoShow.kind
SERVE = Serve.kind
BUMP = Bump.kind
MOVE = Move.kind
CAPACITY = SetCapacity.kind
DELAY = Delay.kind

ACTION_KINDS = (BOOK, CANCEL, NO_SHOW, SERVE, BUMP, MOVE, CAPACITY, DELAY)
TOKEN_ACTIONS = frozenset({CANCEL, NO_SHOW, SERVE, BUMP, MOVE})


@dataclass(frozen=True, slots=True)
class SlotSpec:
    id: str
    start: str
    end: str
    capacity: int
    path: Path


@dataclass(frozen=True, slots=True)
class DoctorSpec:
    id: str
    name: str
    specialty: str
    slots: tuple[SlotSpec, ...]
    path: Path


class Action(NamedTuple):
    """One timeline entry, ready for the engine.

    ``target`` is what the action's key names: a slot (book, capacity), a doctor (delay), or a
    token reference as written (a label or a patient's name). ``position`` is its place in the
    timeline, and ``booking`` the position of the ``book`` entry whose token a token action refers
    to. A named tuple, as a long timeline holds a great many of them.
    """

    position: int
    at: int
    kind: str
    target: str
    patient: str = ""
    source: str = ""
    label: str = ""
    to: str = ""
    number: int = 0
    booking: int = -1

    @property
    def path(self) -> Path:
        return ("timeline", self.position)

    def describe(self) -> str:
        """The action in a few words, as an activity log or a replay bar would show it."""
        at = format_hhmm(self.at)
        match self.kind:
            case "book":
                return f"{at} book {self.patient} ({self.source}) into {self.target}"
            case "bump":
                how = self.to if self.to in ("up", "down") else f"to {self.to}"
                return f"{at} bump {self.target} {how}"
            case "move":
                return f"{at} move {self.target} to {self.to}"
            case "capacity":
                return f"{at} capacity of {self.target} to {self.number}"
            case "delay":
                return f"{at} delay {self.target} by {self.number} min"
            case _:
                return f"{at} {self.kind} {self.target}"


@dataclass(frozen=True, slots=True)
class Scenario:
    """A clinic and its day; ``opens`` (minutes since midnight) stamps the set-up."""

    file: str
    name: str
    priorities: Mapping[Source, int]
    opens: int
    doctors: tuple[DoctorSpec, ...]
    timeline: tuple[Action, ...]
