"""A clinic file, read and checked: doctors with their slots, and a timeline of actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from ..engine import (
    Book,
    Bump,
    Call,
    CallNext,
    Cancel,
    CheckIn,
    Delay,
    Move,
    NoShow,
    NoShowOverdue,
    Reassign,
    ReturnToQueue,
    Serve,
    SetAway,
    SetCapacity,
    SetRoom,
    Source,
    VisitRules,
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
CHECK_IN = CheckIn.kind
CALL_NEXT = CallNext.kind
CALL = Call.kind
RETURN = ReturnToQueue.kind
OVERDUE = NoShowOverdue.kind
ROOM = SetRoom.kind
AWAY = SetAway.kind
REASSIGN = Reassign.kind

ACTION_KINDS = (BOOK, CANCEL, NO_SHOW, SERVE, BUMP, MOVE, CAPACITY, DELAY, CHECK_IN, CALL_NEXT,
                CALL, RETURN, OVERDUE, ROOM, AWAY, REASSIGN)  # fmt: skip
TOKEN_ACTIONS = frozenset({CANCEL, NO_SHOW, SERVE, BUMP, MOVE, CHECK_IN, CALL, RETURN})
DOCTOR_ACTIONS = frozenset({DELAY, CALL_NEXT, OVERDUE, ROOM, AWAY, REASSIGN})
"""Actions whose key names a doctor; ``overdue = true`` names every doctor (target ``""``)."""


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
    room: str = ""


class Action(NamedTuple):
    """One timeline entry, ready for the engine.

    ``target`` is what the action's key names: a slot (book, capacity), a doctor (delay,
    call-next, room, overdue, away, reassign; ``""`` for an overdue of every doctor), or a token
    reference as written (a label or a patient's name). ``to`` is a move's slot, a bump's
    direction or source, a room, the doctor a reassign hands over to, or when an away doctor
    leaves (``HH:MM``; ``""``: back). ``slot`` is the one slot a reassign sends everyone to
    (``""``: each to the nearest). A booking may give the patient's ``phone`` and
    ``patient_id``, and ``again`` when a second booking with the same doctor is intended.
    ``position`` is its place in the timeline, and ``booking`` the position of the ``book`` entry
    whose token a token action refers to. A named tuple, as a long timeline holds a great many of
    them.
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
    phone: str = ""
    patient_id: str = ""
    again: bool = False
    slot: str = ""

    @property
    def path(self) -> Path:
        return ("timeline", self.position)

    def describe(self) -> str:
        """The action in a few words, as an activity log or a replay bar would show it."""
        at = format_hhmm(self.at)
        match self.kind:
            case "book":
                who = f"{self.source}, {self.patient_id}" if self.patient_id else self.source
                again = ", again" if self.again else ""
                return f"{at} book {self.patient} ({who}{again}) into {self.target}"
            case "bump":
                how = self.to if self.to in ("up", "down") else f"to {self.to}"
                return f"{at} bump {self.target} {how}"
            case "move":
                return f"{at} move {self.target} to {self.to}"
            case "capacity":
                return f"{at} capacity of {self.target} to {self.number}"
            case "delay":
                return f"{at} delay {self.target} by {self.number} min"
            case "room":
                return f"{at} room of {self.target} to {self.to or '(none)'}"
            case "overdue":
                return f"{at} overdue of {self.target or 'every doctor'} marked no-show"
            case "away":
                if not self.to:
                    return f"{at} {self.target} back"
                return f"{at} {self.target} away from {self.to}"
            case "reassign":
                into = f" into {self.slot}" if self.slot else ""
                return f"{at} reassign {self.target}'s patients to {self.to}{into}"
            case _:
                return f"{at} {self.kind} {self.target}"


@dataclass(frozen=True, slots=True)
class Scenario:
    """A clinic and its day; ``opens`` (minutes since midnight) stamps the set-up, and ``visit``
    is the rules every engine of this clinic decides the visit by."""

    file: str
    name: str
    priorities: Mapping[Source, int]
    opens: int
    doctors: tuple[DoctorSpec, ...]
    timeline: tuple[Action, ...]
    visit: VisitRules = field(default_factory=VisitRules)
