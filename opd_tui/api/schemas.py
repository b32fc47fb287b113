"""The service's JSON shapes: what requests may carry and what answers hold.

Request bodies are checked here for shape (types, lengths, ranges) so a malformed request is a
clear 422 before the engine is asked; the engine still decides everything about the clinic
(unknown slots, full slots, closed tokens) and its refusals become 404, 409 or 422.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..engine import (
    MAX_DELAY_MINUTES,
    NAME_LENGTH,
    PATIENT_ID_LENGTH,
    PHONE_DIGITS,
    ROOM_LENGTH,
    Doctor,
    Expected,
    Queue,
    Seat,
    Slot,
    Stats,
    Story,
    Token,
    VisitRules,
    format_hhmm,
)

SourceName = Literal["emergency", "paid", "follow-up", "online", "walk-in"]
Identifier = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$", examples=["rao-10"])
]
Name = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH, pattern=r"\S")]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["09:00"])]
Room = Annotated[
    str,
    Field(
        max_length=ROOM_LENGTH,
        pattern=r"^[^\x00-\x1f\x7f-\x9f]*$",
        description=f"the door sign, at most {ROOM_LENGTH} printable characters on one line; "
        '"" for none',
        examples=["3"],
    ),
]
StatusName = Literal["BOOKED", "WAITING", "CALLED", "SERVED", "CANCELLED", "NO_SHOW"]


class Body(BaseModel):
    """A request body: no fields beyond its own, and no value taken for another type (``true``,
    ``"5"`` and ``4.0`` are not the number 5; a number is not text)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# ------------------------------------------------------------------ requests


class BookingIn(Body):
    slot_id: Identifier
    patient: Name
    source: SourceName
    phone: str = Field(
        "",
        max_length=64,
        description=f"the patient's phone: {PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits with an "
        'optional leading +, spaces, hyphens, dots and brackets ignored; "" for none',
        examples=["+91 98450 12345"],
    )
    patient_id: str = Field(
        "",
        max_length=64,
        description="the hospital's patient id (MRN): letters, digits, '-' and '/', at most "
        f'{PATIENT_ID_LENGTH} characters, kept in upper case; "" for none',
        examples=["MRN-2024/0042"],
    )
    again: bool = Field(
        False,
        strict=True,
        description="true books the patient even though they already hold an open token with "
        "this doctor today (otherwise 409 with the existing token)",
    )


class MoveIn(Body):
    slot_id: Identifier = Field(description="the slot the patient moves to")


class RenameIn(Body):
    patient: Name = Field(description="the patient's name as it should have been written")


class BumpIn(Body):
    """One class up or down, or straight to a source's priority."""

    direction: Literal["up", "down"] | None = None
    to: SourceName | None = None


class AwayIn(Body):
    at: ClockTime | None = Field(
        description="HH:MM from which the doctor is away: the slots they leave before their end "
        "take no new bookings; null: the doctor is here after all"
    )


class ReassignIn(Body):
    to: Identifier = Field(description="the doctor who takes the patients")
    slot_id: Identifier | None = Field(
        None,
        description="one of that doctor's slots for them all; by default each goes to the slot "
        "at the same time or the nearest later one",
    )


class CapacityIn(Body):
    capacity: int = Field(ge=0, le=10_000)


class DelayIn(Body):
    minutes: int = Field(
        ge=-MAX_DELAY_MINUTES,
        le=MAX_DELAY_MINUTES,
        description="later if positive, earlier if negative; not 0",
    )


class DoctorIn(Body):
    id: Identifier
    name: Name
    specialty: Name
    room: Room = ""


class RoomIn(Body):
    room: Room


class SlotIn(Body):
    id: Identifier
    doctor_id: Identifier
    start: ClockTime
    end: ClockTime
    capacity: int = Field(ge=0, le=10_000)


# ------------------------------------------------------------------ answers


class Problem(BaseModel):
    """Every refusal: a short code, one line for a person, and for a malformed body each problem."""

    error: Literal[
        "invalid",
        "not-found",
        "conflict",
        "too-large",
        "unauthorized",
        "overloaded",
        "unavailable",
        "refused",
    ]
    message: str
    problems: list[str] = Field(default_factory=list)


class TokenRef(BaseModel):
    id: str = Field(examples=["T00001"])
    number: str = Field(examples=["RAO-001"])


class BookingProblem(Problem):
    """A booking's refusal; a duplicate (409) names the patient's open token with the doctor."""

    existing: TokenRef | None = Field(
        None,
        description="on a duplicate: the open token the patient already holds with this doctor "
        'today (book again with "again": true if intended)',
    )


class StatsOut(BaseModel):
    capacity: int
    booked: int
    called: int = Field(description="in the doctor's room: their seats are held")
    waiting: int
    served: int
    no_shows: int
    cancelled: int
    preemptions: int
    promotions: int
    utilisation: float = Field(description="occupied seats (booked + called + served) / capacity")

    @classmethod
    def of(cls, stats: Stats) -> StatsOut:
        return cls(
            capacity=stats.capacity,
            booked=stats.booked,
            called=stats.called,
            waiting=stats.waiting,
            served=stats.served,
            no_shows=stats.no_shows,
            cancelled=stats.cancelled,
            preemptions=stats.preemptions,
            promotions=stats.promotions,
            utilisation=round(stats.utilisation, 4),
        )


class TokenOut(BaseModel):
    id: str = Field(examples=["T00042"])
    number: str = Field(examples=["RAO-014"], description="what staff call out")
    patient: str
    phone: str = Field(
        description="the patient's phone: its digits, with a leading + if given one; empty if none"
    )
    patient_id: str = Field(
        description="the hospital's patient id (MRN), in upper case; empty if none"
    )
    source: SourceName
    priority: int
    status: StatusName
    slot_id: str
    arrival: int = Field(description="the order of arrival in the day; earlier ranks first")
    arrived_at: str
    preemptions: int = Field(description="how often this patient lost a seat today")
    checked_in: str | None = Field(description="when the patient checked in; null until then")
    called_at: str | None = Field(
        description="when the patient was called into the room, while CALLED or once SERVED "
        "from the room; null otherwise"
    )
    unanswered: int = Field(description="calls the patient did not answer (returned to the queue)")
    minutes: float | None = Field(
        description="the consultation's minutes, called to seen; null unless seen from the room"
    )

    @classmethod
    def of(cls, token: Token) -> TokenOut:
        return cls(
            id=token.id,
            number=token.number,
            patient=token.patient,
            phone=token.phone,
            patient_id=token.patient_id,
            source=token.source.value,
            priority=token.priority,
            status=token.status.value,
            slot_id=token.slot_id,
            arrival=token.arrival,
            arrived_at=token.arrived_at.isoformat(),
            preemptions=token.preemptions,
            checked_in=_iso(token.checked_in),
            called_at=_iso(token.called_at),
            unanswered=token.unanswered,
            minutes=token.minutes,
        )


class SeatOut(BaseModel):
    position: int = Field(ge=1, description="the place in the slot's order; 1 is seen first")
    estimate: str = Field(
        description="HH:MM: for a present booked patient, when they should be called; "
        "otherwise the seat's place in the slot's schedule"
    )
    token: TokenOut

    @classmethod
    def of(cls, seat: Seat) -> SeatOut:
        return cls(
            position=seat.position + 1, estimate=seat.estimate, token=TokenOut.of(seat.token)
        )


class SlotOut(BaseModel):
    id: str
    doctor_id: str
    start: str
    end: str
    delay: int = Field(description="minutes the doctor runs late in this slot")
    runs_from: str = Field(description="start with the delay, HH:MM")
    stats: StatsOut

    @classmethod
    def of(cls, slot: Slot, stats: Stats) -> SlotOut:
        return cls(
            id=slot.id,
            doctor_id=slot.doctor_id,
            start=slot.start,
            end=slot.end,
            delay=slot.delay,
            runs_from=format_hhmm(slot.start_min + slot.delay),
            stats=StatsOut.of(stats),
        )


class SlotDetail(SlotOut):
    booked: list[SeatOut] = Field(
        description="served first, then those in the room, then booked tokens in rank order"
    )
    waiting: list[TokenOut] = Field(
        description="a page of the waitlist in rank order: the tokens at positions after + 1 "
        "to last_position"
    )
    waiting_total: int = Field(ge=0, description="how many are waiting in all")
    last_position: int = Field(
        ge=0,
        description="the waitlist position of the page's last token (after, if the page is "
        "empty): ask again with after=last_position for what follows",
    )
    more: bool = Field(description="true when the limit cut the waitlist short")


class DoctorOut(BaseModel):
    id: str
    name: str
    specialty: str
    room: str = Field(description='where the doctor sees patients today; "" until given')
    away: str | None = Field(
        description="HH:MM from which the doctor is away (the slots they leave before their end "
        "take no new bookings); null while here"
    )
    stats: StatsOut
    slots: list[SlotOut]

    @classmethod
    def of(cls, doctor: Doctor, stats: Stats, slots: list[SlotOut]) -> DoctorOut:
        return cls(
            id=doctor.id,
            name=doctor.name,
            specialty=doctor.specialty,
            room=doctor.room,
            away=None if doctor.away is None else format_hhmm(doctor.away),
            stats=StatsOut.of(stats),
            slots=slots,
        )


class InRoomOut(BaseModel):
    token: TokenOut
    elapsed: float = Field(ge=0, description="minutes since the patient was called")

    @classmethod
    def of(cls, token: Token, now: datetime) -> InRoomOut:
        assert token.called_at is not None  # a called token knows when
        elapsed = max(0.0, (now - token.called_at).total_seconds() / 60)
        return cls(token=TokenOut.of(token), elapsed=round(elapsed, 2))


class NextOut(BaseModel):
    position: int = Field(ge=1, description="the place in the doctor's call order; 1 is next")
    expected_at: str = Field(description="when the patient should be called (ISO time)")
    token: TokenOut

    @classmethod
    def of(cls, position: int, expected: Expected) -> NextOut:
        return cls(
            position=position,
            expected_at=expected.at.isoformat(),
            token=TokenOut.of(expected.token),
        )


class QueueOut(BaseModel):
    """One doctor's patients as the room sees them at ``at``."""

    doctor_id: str
    name: str
    room: str
    at: str = Field(description="the moment the queue was read (ISO time)")
    in_room: list[InRoomOut] = Field(description="called in, earliest call first")
    next_up: list[NextOut] = Field(
        description="present booked patients in call order: the earliest slot first, each "
        "slot's in rank order"
    )
    not_arrived: list[TokenOut] = Field(description="booked, not checked in, not yet overdue")
    overdue: list[TokenOut] = Field(
        description="booked, not checked in, and their slot ended more than grace minutes ago"
    )
    minutes: float | None = Field(
        description="the median of the doctor's latest consultations today; null before any "
        "(the estimate then takes each slot's length / its seats)"
    )
    grace: int = Field(description="the clinic's minutes after a slot's end before overdue")
    calls: int = Field(description="the unanswered calls after which no-show is offered")

    @classmethod
    def of(cls, queue: Queue, now: datetime, visit: VisitRules) -> QueueOut:
        doctor = queue.doctor
        return cls(
            doctor_id=doctor.id,
            name=doctor.name,
            room=doctor.room,
            at=now.isoformat(),
            in_room=[InRoomOut.of(token, now) for token in queue.in_room],
            next_up=[NextOut.of(i, e) for i, e in enumerate(queue.next_up, 1)],
            not_arrived=[TokenOut.of(token) for token in queue.not_arrived],
            overdue=[TokenOut.of(token) for token in queue.overdue],
            minutes=queue.minutes,
            grace=visit.grace,
            calls=visit.calls,
        )


class ChapterOut(BaseModel):
    at: str = Field(description="when it happened (ISO time)")
    kind: str = Field(
        description="what happened, in a word: booked, waitlisted, preempted, promoted, bumped, "
        "moved, renamed, checked-in, called, returned, served, cancelled, no-show, delayed, "
        "undone, …",
        examples=["preempted"],
    )
    text: str = Field(
        description="the same in plain English",
        examples=["lost its seat to RAO-019 Esha Rao (emergency, priority 5 over walk-in 1)"],
    )


class StoryOut(BaseModel):
    """Why a token is where it is: what happened to it today, in order, and its place now."""

    token: TokenOut
    chapters: list[ChapterOut]
    now: str = Field(
        description="where it stands now, in words",
        examples=["now 3rd on the waitlist of 10:00–11:00; ahead of it: RAO-007 (paid), …"],
    )
    ahead: list[str] = Field(
        description="the numbers of the tokens ahead of it, the next first: on its waitlist, "
        "or in its doctor's call order once checked in"
    )

    @classmethod
    def of(cls, story: Story) -> StoryOut:
        return cls(
            token=TokenOut.of(story.token),
            chapters=[
                ChapterOut(at=c.at.isoformat(), kind=c.kind, text=c.text) for c in story.chapters
            ],
            now=story.now,
            ahead=[token.number for token in story.ahead],
        )


class DayOut(BaseModel):
    clinic: str
    day: str
    stats: StatsOut
    last_seq: int = Field(description="the sequence number of the day's latest event")


EventOut = Annotated[
    dict[str, Any],
    Field(
        description="an engine event: kind, at (ISO time) and the kind's own fields",
        examples=[{"kind": "preempted", "at": "2026-11-25T10:02:11", "token_id": "T00007"}],
    ),
]


class ActionOut(BaseModel):
    """What an action changed, as the engine's events, and the token it acted on as it is now."""

    events: list[EventOut]
    token: TokenOut | None = None


class BookingOut(BaseModel):
    """A booking answers 201 whether it got a seat or joined the waitlist: check ``status``."""

    status: Literal["BOOKED", "WAITING"]
    token: TokenOut
    preempted: list[str] = Field(description="ids of the tokens this booking sent to the waitlist")
    also: list[str] = Field(
        description="the numbers of the patient's other open tokens today (by patient id, or "
        "phone and name): with other doctors, or with this one when booked again; as the day "
        "stands when answered"
    )
    events: list[EventOut]


class RecordedEventOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    seq: int
    action_id: int
    kind: str
    at: str


class EventsOut(BaseModel):
    events: list[RecordedEventOut]
    last_seq: int = Field(description="ask again with after=last_seq for what follows")
    more: bool = Field(description="true when the limit cut the list short")


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()
