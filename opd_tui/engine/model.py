"""Plain data for the clinic day: doctors, slots, tokens and the sources that rank them."""

from __future__ import annotations

from dataclasses import astuple, dataclass, field
from datetime import datetime
from enum import StrEnum

from .errors import Invalid


class Source(StrEnum):
    """Where a token came from; the default priorities rank them."""

    EMERGENCY = "emergency"
    PAID = "paid"
    FOLLOW_UP = "follow-up"
    ONLINE = "online"
    WALK_IN = "walk-in"

    @classmethod
    def parse(cls, value: str | Source) -> Source:
        exact = _SOURCES.get(value) if isinstance(value, str) else None
        if exact is not None:  # a member or an exact value: the common case, one dict lookup
            return exact
        try:
            return cls(value.strip().lower().replace("_", "-") if isinstance(value, str) else value)
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise Invalid(f"unknown source {value!r} (expected one of: {names})") from None


_SOURCES: dict[str, Source] = {source.value: source for source in Source}


DEFAULT_PRIORITIES: dict[Source, int] = {
    Source.EMERGENCY: 5,
    Source.PAID: 4,
    Source.FOLLOW_UP: 3,
    Source.ONLINE: 2,
    Source.WALK_IN: 1,
}


class Status(StrEnum):
    BOOKED = "BOOKED"
    WAITING = "WAITING"
    SERVED = "SERVED"
    CANCELLED = "CANCELLED"
    NO_SHOW = "NO_SHOW"
    CALLED = "CALLED"

    @property
    def is_live(self) -> bool:
        """Live tokens still compete for a seat; called, served and closed ones do not."""
        return self is BOOKED or self is WAITING

    @property
    def holds_seat(self) -> bool:
        """Called and served tokens keep their seat whatever arrives: the rule's locked seats."""
        return self is CALLED or self is SERVED


# The statuses as plain names, for the engine's hot paths: on CPython 3.11 a member looked up on
# its enum class (``Status.BOOKED``) costs about 0.1 µs, as much as a small function call.
BOOKED, WAITING, SERVED = Status.BOOKED, Status.WAITING, Status.SERVED
CANCELLED, NO_SHOW, CALLED = Status.CANCELLED, Status.NO_SHOW, Status.CALLED

ROOM_LENGTH = 16
"""The longest room label: it is a door sign (``3``, ``OPD-2B``), shown beside a doctor's name."""


@dataclass(frozen=True, slots=True)
class Doctor:
    id: str
    name: str
    specialty: str
    room: str = ""  # where the doctor sees patients today; "" until the clinic says
    away: int | None = None  # the minute of the day from which the doctor is away; None: here

    @property
    def code(self) -> str:
        """The prefix of the numbers staff call out, e.g. ``RAO`` in ``RAO-014``."""
        return self.id.upper()


def parse_hhmm(text: str) -> int:
    """``"09:30"`` → minutes since midnight; anything else is ``Invalid``."""
    hours, sep, minutes = str(text).strip().partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
        h, m = int(hours), int(minutes)
        if h < 24 and m < 60:
            return h * 60 + m
    raise Invalid(f"time {text!r} is not HH:MM")


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


@dataclass(slots=True)
class Slot:
    """A doctor's fixed time window with a number of seats; ``delay`` shifts its estimates."""

    id: str
    doctor_id: str
    start_min: int
    end_min: int
    capacity: int
    delay: int = 0

    @property
    def start(self) -> str:
        return format_hhmm(self.start_min)

    @property
    def end(self) -> str:
        return format_hhmm(self.end_min)

    @property
    def label(self) -> str:
        return f"{self.start}–{self.end}"

    def off_for(self, doctor: Doctor) -> bool:
        """Whether the doctor is away for part of the slot (they leave before it ends): it takes
        no new patients, and its live tokens are the ones to reassign."""
        away = doctor.away
        return away is not None and self.end_min + self.delay > away

    def ended(self, minute: int) -> bool:
        """Whether the slot, shifted by its delay, is over at ``minute`` of the day."""
        return self.end_min + self.delay <= minute


@dataclass(slots=True)
class Token:
    """One patient's place in the day. Queries hand out copies, so callers cannot bend the state."""

    id: str
    number: str
    patient: str
    source: Source
    priority: int
    arrival: int
    slot_id: str
    status: Status
    arrived_at: datetime
    preemptions: int = 0
    # The visit: when the patient checked in (present), when they were last called into the
    # room, how many calls went unanswered (the token came back to the queue), and how many
    # minutes the consultation took (called → seen; None when seen without a call).
    checked_in: datetime | None = None
    called_at: datetime | None = None
    unanswered: int = 0
    minutes: float | None = None
    # Who the patient is, beyond a name: a phone number (normalised, see ``identity``) and the
    # hospital's patient id (its MRN); "" when not given.
    phone: str = ""
    patient_id: str = ""
    # The token's live heap entry in its slot's seating (see Seating). Only a restore from a
    # snapshot gives it when making a token: a snapshot keeps it with the other fields.
    _entry: tuple[int, str] | None = field(default=None, repr=False, compare=False)

    @property
    def rank(self) -> int:
        """Higher ranks first: priority, then earlier arrival. Arrivals are unique, so ranks are."""
        return (self.priority << 40) - self.arrival

    @property
    def present(self) -> bool:
        """Whether the patient has checked in: only present patients are called."""
        return self.checked_in is not None


@dataclass(frozen=True, slots=True)
class Seat:
    """A booked token with its place in the slot's order and its estimated consultation time."""

    token: Token
    position: int
    estimate: str


@dataclass(frozen=True, slots=True)
class SlotView:
    """A slot's booked list (served first, then live in rank order) and its waitlist in rank order."""

    slot: Slot
    booked: tuple[Seat, ...]
    waiting: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Expected:
    """A present booked token and when it should be called, from its place in the doctor's call
    order and the minutes a consultation takes."""

    token: Token
    at: datetime


@dataclass(frozen=True, slots=True)
class Queue:
    """One doctor's patients as the room sees them: in the room now, present in call order with
    expected call times, booked but not arrived, and overdue (not arrived, slot over by more than
    the grace period). ``minutes`` is the observed median consultation, None before any."""

    doctor: Doctor
    in_room: tuple[Token, ...]
    next_up: tuple[Expected, ...]
    not_arrived: tuple[Token, ...]
    overdue: tuple[Token, ...]
    minutes: float | None


@dataclass(frozen=True, slots=True)
class VisitRules:
    """A clinic's rules for the visit: booked patients not checked in ``grace`` minutes after
    their slot ended are overdue; after ``calls`` unanswered calls no-show is offered."""

    grace: int = 15
    calls: int = 3

    def __post_init__(self) -> None:
        for name, low in (("grace", 0), ("calls", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= 720:
                raise Invalid(
                    f"visit {name} must be a whole number from {low} to 720, not {value!r}"
                )


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts for a slot or a doctor; utilisation is occupied seats (booked + called + served)
    ÷ capacity."""

    capacity: int = 0
    booked: int = 0
    waiting: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    preemptions: int = 0
    promotions: int = 0
    called: int = 0

    @property
    def occupied(self) -> int:
        return self.booked + self.called + self.served

    @property
    def utilisation(self) -> float:
        return self.occupied / self.capacity if self.capacity else 0.0

    def __add__(self, other: Stats) -> Stats:
        return Stats(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))
