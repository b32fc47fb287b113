"""What can be asked of a clinic day: one frozen command per action.

A command's ``kind`` is its one spelling everywhere: the journal's action rows, clinic files,
the HTTP path that asks for it, the key table and the activity log. A command holds what was
asked, exactly as asked; the engine checks it when it is executed (``Engine.execute``), so a
command that makes no sense is refused there with an ``OpdError`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from .errors import Invalid
from .model import Source


@dataclass(frozen=True, slots=True)
class Command:
    kind: ClassVar[str] = "command"
    quiet: ClassVar[frozenset[str]] = frozenset()
    """Fields added after the journal first recorded this kind: left out while at their
    default, so a command asked as before is recorded (and fingerprinted) as before."""

    def fields(self) -> dict[str, Any]:
        """What was asked, by field name: how the journal records the command."""
        asked = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in self.quiet:
            if not asked[name]:
                del asked[name]
        return asked


@dataclass(frozen=True, slots=True)
class Book(Command):
    """A new token for ``patient`` joins the slot: booked, booked by preempting, or waitlisted."""

    kind: ClassVar[str] = "book"
    quiet: ClassVar[frozenset[str]] = frozenset(("phone", "patient_id", "again"))
    slot_id: str
    patient: str
    source: Source | str
    phone: str = ""  # the patient's phone, any spelling; "" for none
    patient_id: str = ""  # the hospital's patient id (MRN); "" for none
    again: bool = False  # a second live token with the same doctor is intended


@dataclass(frozen=True, slots=True)
class Cancel(Command):
    """The patient cancels; a freed seat goes to the best waiting token."""

    kind: ClassVar[str] = "cancel"
    token_id: str


@dataclass(frozen=True, slots=True)
class NoShow(Command):
    """The patient did not come when called; a freed seat goes to the best waiting token."""

    kind: ClassVar[str] = "no-show"
    token_id: str


@dataclass(frozen=True, slots=True)
class Serve(Command):
    """The doctor saw the patient: the token keeps its seat and can no longer be preempted."""

    kind: ClassVar[str] = "serve"
    token_id: str


@dataclass(frozen=True, slots=True)
class CheckIn(Command):
    """The patient has arrived: the token is present, and the doctor's room may call it."""

    kind: ClassVar[str] = "check-in"
    token_id: str


@dataclass(frozen=True, slots=True)
class CallNext(Command):
    """The doctor's room calls its next patient: the best present booked token of the earliest
    slot that has one. The called token holds its seat, as a served one does."""

    kind: ClassVar[str] = "call-next"
    doctor_id: str


@dataclass(frozen=True, slots=True)
class Call(Command):
    """The room calls this present booked token, in turn or out of it."""

    kind: ClassVar[str] = "call"
    token_id: str


@dataclass(frozen=True, slots=True)
class ReturnToQueue(Command):
    """A called patient did not come to the room: booked and present again, and the rule
    decides anew whether they keep their seat."""

    kind: ClassVar[str] = "return"
    token_id: str


@dataclass(frozen=True, slots=True)
class NoShowOverdue(Command):
    """Every overdue token (booked, not checked in, its slot over by more than the grace period)
    of the doctor, or of the whole day, is marked no-show at once; freed seats promote."""

    kind: ClassVar[str] = "overdue"
    doctor_id: str | None = None


@dataclass(frozen=True, slots=True)
class SetRoom(Command):
    """The doctor works in ``room`` from now; ``""`` clears it."""

    kind: ClassVar[str] = "room"
    doctor_id: str
    room: str


@dataclass(frozen=True, slots=True)
class SetAway(Command):
    """The doctor is away from ``at`` (``HH:MM``): the slots they would leave before their end
    take no new patients. ``at`` None: the doctor is here after all."""

    kind: ClassVar[str] = "away"
    doctor_id: str
    at: str | None


@dataclass(frozen=True, slots=True)
class Reassign(Command):
    """The doctor's remaining live tokens go to ``to_doctor_id``: each to the slot at the same
    time or the nearest later one, or all to ``slot_id``; the rule decides who sits there."""

    kind: ClassVar[str] = "reassign"
    doctor_id: str
    to_doctor_id: str
    slot_id: str | None = None


Carried = tuple[str, str, str, str, int, str, str]
"""A patient carried into a new day: their number on the day they come from, the slot they go to
today, their name, source, priority (as it last was), phone and patient id."""


@dataclass(frozen=True, slots=True)
class CarryOver(Command):
    """Patients still waiting, or booked but unseen, at the end of ``from_day`` join today's
    matching slots: in the order listed (that day's arrival order), the stronger placed first,
    so among themselves they keep their rank; the rule decides who sits. A patient (by phone
    or id) who already holds a token with that doctor today is left out."""

    kind: ClassVar[str] = "carry-over"
    from_day: str
    patients: tuple[Carried, ...]

    def __post_init__(self) -> None:
        # A journal's JSON gives lists: the command as asked is the same either way.
        if not isinstance(self.patients, tuple) or not all(
            isinstance(p, tuple) for p in self.patients
        ):
            if not isinstance(self.patients, (list, tuple)):
                raise Invalid(f"carry-over takes a list of patients, not {self.patients!r}")
            patients = tuple(tuple(p) if isinstance(p, list) else p for p in self.patients)
            object.__setattr__(self, "patients", patients)


@dataclass(frozen=True, slots=True)
class Bump(Command):
    """A live token's priority one class up (or down), or to the priority of source ``to``."""

    kind: ClassVar[str] = "bump"
    token_id: str
    up: bool = True
    to: Source | str | None = None


@dataclass(frozen=True, slots=True)
class Move(Command):
    """The token leaves its slot (a freed seat promotes there) and joins ``slot_id`` anew."""

    kind: ClassVar[str] = "move"
    token_id: str
    slot_id: str


@dataclass(frozen=True, slots=True)
class Rename(Command):
    """The patient's name as it should have been written: a token keeps its place."""

    kind: ClassVar[str] = "rename"
    token_id: str
    patient: str


@dataclass(frozen=True, slots=True)
class SetCapacity(Command):
    """The slot's seats: a cut preempts the weakest booked tokens, a rise promotes the best."""

    kind: ClassVar[str] = "capacity"
    slot_id: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Delay(Command):
    """The doctor runs ``minutes`` later (earlier, if negative) for every slot not yet over."""

    kind: ClassVar[str] = "delay"
    doctor_id: str
    minutes: int


@dataclass(frozen=True, slots=True)
class AddDoctor(Command):
    kind: ClassVar[str] = "add-doctor"
    doctor_id: str
    name: str
    specialty: str
    room: str = ""


@dataclass(frozen=True, slots=True)
class AddSlot(Command):
    kind: ClassVar[str] = "add-slot"
    slot_id: str
    doctor_id: str
    start: str
    end: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Undo(Command):
    """Take back this engine's own last action exactly."""

    kind: ClassVar[str] = "undo"


COMMAND_TYPES: dict[str, type[Command]] = {
    cls.kind: cls
    for cls in (
        Book,
        Cancel,
        NoShow,
        Serve,
        CheckIn,
        CallNext,
        Call,
        ReturnToQueue,
        NoShowOverdue,
        SetRoom,
        SetAway,
        Reassign,
        CarryOver,
        Bump,
        Move,
        Rename,
        SetCapacity,
        Delay,
        AddDoctor,
        AddSlot,
        Undo,
    )
}


def command_from(kind: str, asked: Mapping[str, Any]) -> Command:
    """The command a journal row or a client names by its kind and fields; an unknown kind or
    field, or a missing one, is ``Invalid``."""
    cls = COMMAND_TYPES.get(kind)
    if cls is None:
        raise Invalid(f"unknown action {kind!r}")
    try:
        return cls(**asked)
    except TypeError:
        names = ", ".join(f.name for f in fields(cls)) or "nothing"
        raise Invalid(f"{kind} takes {names}, not {', '.join(asked) or 'nothing'}") from None
