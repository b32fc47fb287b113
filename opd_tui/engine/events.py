"""What the engine reports: one immutable record per change, in the order the changes happened.

Events are complete facts (who, where, which numbers), so the dashboard can highlight from them and
the journal can rebuild a day from them without asking the rules again.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from datetime import datetime
from typing import Any, ClassVar

from .model import Source, Status


@dataclass(frozen=True, slots=True)
class Event:
    kind: ClassVar[str] = "event"
    at: datetime


@dataclass(frozen=True, slots=True)
class DoctorAdded(Event):
    kind: ClassVar[str] = "doctor-added"
    doctor_id: str
    name: str
    specialty: str
    room: str = ""


@dataclass(frozen=True, slots=True)
class SlotAdded(Event):
    kind: ClassVar[str] = "slot-added"
    slot_id: str
    doctor_id: str
    start: str
    end: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Placed(Event):
    """A token takes a place in a slot: as a new booking, or after a move."""

    token_id: str
    slot_id: str
    number: str
    patient: str
    source: Source
    priority: int
    arrival: int
    phone: str = ""
    patient_id: str = ""


@dataclass(frozen=True, slots=True)
class Booked(Placed):
    kind: ClassVar[str] = "booked"


@dataclass(frozen=True, slots=True)
class Waitlisted(Placed):
    kind: ClassVar[str] = "waitlisted"


@dataclass(frozen=True, slots=True)
class Preempted(Event):
    """A booked token lost its seat to ``by`` (a token id), or to a capacity cut when ``by`` is None."""

    kind: ClassVar[str] = "preempted"
    token_id: str
    slot_id: str
    by: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Promoted(Event):
    """A waiting token got a seat: ``seat_of`` is whose seat it took, None for a new seat."""

    kind: ClassVar[str] = "promoted"
    token_id: str
    slot_id: str
    seat_of: str | None


@dataclass(frozen=True, slots=True)
class Left(Event):
    """A live token left its slot; ``was`` is the status it left from."""

    token_id: str
    slot_id: str
    was: Status


@dataclass(frozen=True, slots=True)
class Cancelled(Left):
    kind: ClassVar[str] = "cancelled"


@dataclass(frozen=True, slots=True)
class MarkedNoShow(Left):
    kind: ClassVar[str] = "no-show"


@dataclass(frozen=True, slots=True)
class Served(Event):
    kind: ClassVar[str] = "served"
    token_id: str
    slot_id: str


@dataclass(frozen=True, slots=True)
class CheckedIn(Event):
    """The patient arrived and checked in: the token is present and can be called."""

    kind: ClassVar[str] = "checked-in"
    token_id: str
    slot_id: str


@dataclass(frozen=True, slots=True)
class Called(Event):
    """A present booked token was called into the room: it holds its seat, as a served one does.
    ``in_turn`` is False when it was called out of the doctor's call order."""

    kind: ClassVar[str] = "called"
    token_id: str
    slot_id: str
    in_turn: bool


@dataclass(frozen=True, slots=True)
class Returned(Event):
    """A called patient did not come to the room: back to the queue, booked and present, an
    unanswered call more. ``called_at`` is the call this ends."""

    kind: ClassVar[str] = "returned"
    token_id: str
    slot_id: str
    called_at: datetime


@dataclass(frozen=True, slots=True)
class RoomSet(Event):
    """A doctor works in room ``new`` from now (``""``: no room given)."""

    kind: ClassVar[str] = "room-set"
    doctor_id: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class AwaySet(Event):
    """A doctor is away from minute ``new`` of the day (None: here after all); ``old`` was."""

    kind: ClassVar[str] = "away-set"
    doctor_id: str
    old: int | None
    new: int | None


@dataclass(frozen=True, slots=True)
class Reassigned(Event):
    """An away doctor's live token went to another doctor's slot, keeping its source, priority
    and arrival, with that doctor's next number: seated there (``seated``) or waiting, as the
    rule decided (a ``Preempted`` before it says whose seat it took). ``was`` and ``old_number``
    are what it was in ``from_slot``, so taking it back needs nothing else."""

    kind: ClassVar[str] = "reassigned"
    token_id: str
    from_slot: str
    to_slot: str
    was: Status
    old_number: str
    number: str
    seated: bool


@dataclass(frozen=True, slots=True)
class CarriedOver(Event):
    """The unseen patients of ``from_day`` were carried into this day (their ``Booked`` and
    ``Waitlisted`` follow); ``back`` says an undo took that carry-over back."""

    kind: ClassVar[str] = "carried-over"
    from_day: str
    back: bool = False


@dataclass(frozen=True, slots=True)
class Bumped(Event):
    kind: ClassVar[str] = "bumped"
    token_id: str
    slot_id: str
    old_priority: int
    new_priority: int


@dataclass(frozen=True, slots=True)
class Moved(Event):
    """A token left ``from_slot`` for ``to_slot``; a ``Booked`` or ``Waitlisted`` there follows."""

    kind: ClassVar[str] = "moved"
    token_id: str
    from_slot: str
    to_slot: str


@dataclass(frozen=True, slots=True)
class Renamed(Event):
    """A token's patient name was corrected from ``old`` to ``new``; nothing else changed."""

    kind: ClassVar[str] = "renamed"
    token_id: str
    slot_id: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class CapacityChanged(Event):
    kind: ClassVar[str] = "capacity-changed"
    slot_id: str
    old: int
    new: int


@dataclass(frozen=True, slots=True)
class Delayed(Event):
    """A doctor runs late by ``minutes`` more; ``slot_ids`` are the slots not yet over."""

    kind: ClassVar[str] = "delayed"
    doctor_id: str
    minutes: int
    slot_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Undone(Event):
    """The desk's last ``action`` (on ``subject``) was taken back; the facts of how follow."""

    kind: ClassVar[str] = "undone"
    action: str
    subject: str


@dataclass(frozen=True, slots=True)
class TokenWithdrawn(Event):
    """A token made by an action that was taken back is gone, as if it had never been booked."""

    kind: ClassVar[str] = "token-withdrawn"
    token_id: str
    slot_id: str


@dataclass(frozen=True, slots=True)
class TokenRestored(Event):
    """A token is again exactly as it was before an action that was taken back."""

    kind: ClassVar[str] = "token-restored"
    token_id: str
    slot_id: str
    number: str
    patient: str
    source: Source
    priority: int
    arrival: int
    arrived_at: datetime
    status: Status
    preemptions: int
    checked_in: datetime | None = None
    called_at: datetime | None = None
    unanswered: int = 0
    minutes: float | None = None
    phone: str = ""
    patient_id: str = ""


@dataclass(frozen=True, slots=True)
class SlotRestored(Event):
    """A slot's settings and counts as they were before an action that was taken back;
    ``served`` lists its seen tokens in the order they were seen, ``called`` those in the room
    in the order they were called."""

    kind: ClassVar[str] = "slot-restored"
    slot_id: str
    capacity: int
    delay: int
    served: tuple[str, ...]
    no_shows: int
    cancelled: int
    preemptions: int
    promotions: int
    called: tuple[str, ...] = ()


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        DoctorAdded,
        SlotAdded,
        Booked,
        Waitlisted,
        Preempted,
        Promoted,
        Cancelled,
        MarkedNoShow,
        Served,
        CheckedIn,
        Called,
        Returned,
        RoomSet,
        AwaySet,
        Reassigned,
        CarriedOver,
        Bumped,
        Moved,
        Renamed,
        CapacityChanged,
        Delayed,
        Undone,
        TokenWithdrawn,
        TokenRestored,
        SlotRestored,
    )
}


def _slot_init(cls: type[Event]) -> Any:
    """An ``__init__`` for a frozen slots dataclass that fills each slot through its descriptor.

    The one dataclasses writes for a frozen class calls ``object.__setattr__`` per field, which
    made building events the engine's largest cost; a slot's own descriptor does the same store
    in about half the time. Fields, signature (defaults too), equality, hashing and
    immutability are unchanged.
    """
    names = [f.name for f in fields(cls)]
    namespace = dict(globals())
    params = []
    for f in fields(cls):
        owner = next(c for c in cls.__mro__ if f.name in vars(c))
        namespace[f"_set_{f.name}"] = vars(owner)[f.name].__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    lines = [f"def __init__(self, {', '.join(params)}):"]
    lines += [f"    _set_{name}(self, {name})" for name in names]
    exec("\n".join(lines), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {f.name: f.type for f in fields(cls)} | {"return": None}
    return init


for _cls in EVENT_TYPES.values():
    _cls.__init__ = _slot_init(_cls)  # type: ignore[method-assign]
