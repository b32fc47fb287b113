"""The end-of-day figures of a played scenario, read from the engine and its events.

Utilisation is the engine's: occupied seats (booked + called + served) ÷ capacity, at the end of
the day. A wait is the minutes from the later of the token's arrival and its slot's scheduled
start to the moment it was served; only served tokens have one. So a patient who books at 07:40
for a 09:00 slot and is served at 09:25 waited 25 minutes, and a doctor's delay shows up as longer
waits.

The visit, for tokens whose patients checked in: the wait from check-in to the room's first call,
the consultation (the last call to seen), and how far the call came from the time the engine
expected at check-in (``Step.estimate``). A token is overdue if its patient never checked in and
it was still booked when its slot (with its delay) had been over for the clinic's grace period,
by the day's last action: whether it stayed booked or then left (a no-show, overdue or not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean, median

from ..engine import (
    Called,
    CheckedIn,
    Left,
    Placed,
    Preempted,
    Promoted,
    Returned,
    Served,
    Slot,
    Source,
    Stats,
    Status,
)
from .play import Player


@dataclass(frozen=True, slots=True)
class Waits:
    """Wait minutes of served tokens: how many, and their median, mean and longest."""

    count: int = 0
    median: float = 0.0
    mean: float = 0.0
    longest: float = 0.0

    @classmethod
    def of(cls, minutes: list[float]) -> Waits:
        if not minutes:
            return cls()
        return cls(len(minutes), median(minutes), fmean(minutes), max(minutes))


@dataclass(frozen=True, slots=True)
class Visits:
    """The visit's figures for a group of tokens, in minutes. ``waited`` tokens checked in and
    were called: their wait from check-in to the first call (median, 90th percentile).
    ``consultations`` were timed from the last call to seen. ``estimated`` called tokens were
    given an expected call time at check-in: the error is the call's time less that estimate
    (positive: called later than expected), its absolute value's median and its mean."""

    waited: int = 0
    wait_median: float = 0.0
    wait_p90: float = 0.0
    consultations: int = 0
    consultation_median: float = 0.0
    overdue: int = 0
    estimated: int = 0
    error_median: float = 0.0
    error_mean: float = 0.0

    @classmethod
    def of(cls, tokens: Iterable[_Token], overdue: int) -> Visits:
        waits: list[float] = []
        consultations: list[float] = []
        errors: list[float] = []
        for token in tokens:
            called, checked_in = token.first_called, token.checked_in
            if called is not None and checked_in is not None:
                waits.append(_minutes_between(checked_in, called))
                if token.estimate is not None:
                    errors.append(_minutes_between(token.estimate, called))
            if token.consultation is not None:
                consultations.append(token.consultation)
        return cls(
            len(waits),
            median(waits) if waits else 0.0,
            percentile_90(waits) if waits else 0.0,
            len(consultations),
            median(consultations) if consultations else 0.0,
            overdue,
            len(errors),
            median(abs(error) for error in errors) if errors else 0.0,
            fmean(errors) if errors else 0.0,
        )


def percentile_90(values: list[float]) -> float:
    """The 90th percentile, linear between the two nearest ranks (as a spreadsheet's
    PERCENTILE gives): of 1..11, 10; of 1..10, 9.1."""
    ordered = sorted(values)
    low, tenths = divmod(9 * (len(ordered) - 1), 10)
    if not tenths:
        return float(ordered[low])
    return ordered[low] + (ordered[low + 1] - ordered[low]) * tenths / 10


def _minutes_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


@dataclass(frozen=True, slots=True)
class SlotLine:
    slot_id: str
    start: str
    end: str
    delay: int
    stats: Stats
    waits: Waits


@dataclass(frozen=True, slots=True)
class DoctorLine:
    doctor_id: str
    name: str
    specialty: str
    stats: Stats
    waits: Waits
    slots: tuple[SlotLine, ...]
    visits: Visits = field(default_factory=Visits)


@dataclass(frozen=True, slots=True)
class SourceLine:
    source: Source
    tokens: int
    served: int
    preempted: int
    visits: Visits = field(default_factory=Visits)


@dataclass(frozen=True, slots=True)
class PreemptedLine:
    """A patient who lost a seat ``times`` times; ``status`` is where the token ended the day."""

    token_id: str
    number: str
    patient: str
    source: Source
    slot_id: str
    times: int
    status: Status


@dataclass(frozen=True, slots=True)
class DayReport:
    clinic: str
    day: date
    actions: int
    first: str
    last: str
    tokens: int
    totals: Stats
    waits: Waits
    doctors: tuple[DoctorLine, ...]
    sources: tuple[SourceLine, ...]
    preempted: tuple[PreemptedLine, ...]
    visits: Visits = field(default_factory=Visits)


class _Token:
    """What the day's events say of one token; the report's only per-token record."""

    __slots__ = ("called", "checked_in", "consultation", "estimate", "first_called", "left",
                 "number", "patient", "preemptions", "served_at", "since", "slot_id", "source",
                 "status")  # fmt: skip

    def __init__(self, event: Placed, status: Status) -> None:
        self.number = event.number
        self.patient = event.patient
        self.source = event.source
        self.slot_id = event.slot_id
        self.since = event.at
        self.status = status
        self.preemptions = 0
        self.served_at: datetime | None = None
        self.checked_in: datetime | None = None
        self.estimate: datetime | None = None  # the call time expected at check-in
        self.first_called: datetime | None = None
        self.called: datetime | None = None  # the call in the room now, if any
        self.consultation: float | None = None  # minutes from the last call to seen
        self.left: datetime | None = None  # when it left booked (cancelled, no-show)


def _tokens(player: Player) -> dict[str, _Token]:
    """Each token's source, final slot, arrival there, status, preemptions and serving time,
    read from the events the engine returned (one pass, no copies of engine state)."""
    tokens: dict[str, _Token] = {}
    for step in player.steps:
        for event in step.events:
            kind = event.kind
            if kind == "booked" or kind == "waitlisted":
                assert isinstance(event, Placed)
                status = Status.BOOKED if kind == "booked" else Status.WAITING
                token = tokens.get(event.token_id)
                if token is None:
                    tokens[event.token_id] = _Token(event, status)
                else:  # placed again after a move
                    token.number, token.slot_id = event.number, event.slot_id
                    token.since, token.status = event.at, status
            elif kind == "served":
                assert isinstance(event, Served)
                token = tokens[event.token_id]
                token.status, token.served_at = Status.SERVED, event.at
                if token.called is not None:
                    token.consultation = _minutes_between(token.called, event.at)
                    token.called = None
            elif kind == "preempted":
                assert isinstance(event, Preempted)
                token = tokens[event.token_id]
                token.status = Status.WAITING
                token.preemptions += 1
            elif kind == "promoted":
                assert isinstance(event, Promoted)
                tokens[event.token_id].status = Status.BOOKED
            elif kind == "cancelled" or kind == "no-show":
                assert isinstance(event, Left)
                ended = Status.CANCELLED if kind == "cancelled" else Status.NO_SHOW
                token = tokens[event.token_id]
                token.status = ended
                if event.was is Status.BOOKED:
                    token.left = event.at
            elif kind == "checked-in":
                assert isinstance(event, CheckedIn)
                token = tokens[event.token_id]
                token.checked_in, token.estimate = event.at, step.estimate
            elif kind == "called":
                assert isinstance(event, Called)
                token = tokens[event.token_id]
                token.status, token.called = Status.CALLED, event.at
                if token.first_called is None:
                    token.first_called = event.at
            elif kind == "returned":
                assert isinstance(event, Returned)
                token = tokens[event.token_id]
                token.status, token.called = Status.BOOKED, None
    return tokens


def _overdue(
    tokens: dict[str, _Token], slots: list[Slot], grace: int, midnight: datetime, end: datetime
) -> set[str]:
    """The tokens overdue by ``end`` (see the module's note): never checked in, and booked past
    their slot's end, delay and grace, at the end or until they left."""
    deadlines = {
        slot.id: midnight + timedelta(minutes=slot.end_min + slot.delay + grace) for slot in slots
    }
    overdue: set[str] = set()
    for token_id, token in tokens.items():
        if token.checked_in is not None:
            continue
        deadline = deadlines[token.slot_id]
        if deadline > end:
            continue
        if token.status is Status.BOOKED or (token.left is not None and token.left >= deadline):
            overdue.add(token_id)
    return overdue


def day_report(player: Player) -> DayReport:
    engine = player.engine
    tokens = _tokens(player)
    midnight = datetime.combine(player.clock.day, datetime.min.time())
    slots = engine.slots()
    slot_starts = {slot.id: midnight + timedelta(minutes=slot.start_min) for slot in slots}
    steps = player.steps
    end = steps[-1].at if steps else midnight
    overdue = _overdue(tokens, slots, engine.visit.grace, midnight, end)
    doctor_of = {slot.id: slot.doctor_id for slot in slots}
    by_doctor: dict[str, list[_Token]] = {}
    by_source: dict[Source, list[_Token]] = {}
    for token in tokens.values():
        by_doctor.setdefault(doctor_of[token.slot_id], []).append(token)
        by_source.setdefault(token.source, []).append(token)
    late_by_doctor = Counter(doctor_of[tokens[token_id].slot_id] for token_id in overdue)
    waits_by_slot: dict[str, list[float]] = {}
    for token in tokens.values():
        at = token.served_at
        if at is not None:
            begin = max(token.since, slot_starts[token.slot_id])
            wait = max(0.0, (at - begin).total_seconds() / 60)
            waits_by_slot.setdefault(token.slot_id, []).append(wait)

    doctors: list[DoctorLine] = []
    for doctor in engine.doctors():
        lines: list[SlotLine] = []
        doctor_waits: list[float] = []
        for slot in engine.slots(doctor.id):
            waits = waits_by_slot.get(slot.id, [])
            doctor_waits += waits
            stats = engine.slot_stats(slot.id)
            lines.append(
                SlotLine(slot.id, slot.start, slot.end, slot.delay, stats, Waits.of(waits))
            )
        doctors.append(
            DoctorLine(
                doctor.id,
                doctor.name,
                doctor.specialty,
                engine.doctor_stats(doctor.id),
                Waits.of(doctor_waits),
                tuple(lines),
                Visits.of(by_doctor.get(doctor.id, []), late_by_doctor[doctor.id]),
            )
        )

    made = Counter(token.source for token in tokens.values())
    served = Counter(token.source for token in tokens.values() if token.served_at is not None)
    lost = Counter(token.source for token in tokens.values() if token.preemptions)
    late = Counter(tokens[token_id].source for token_id in overdue)
    sources = tuple(
        SourceLine(
            source,
            made[source],
            served[source],
            lost[source],
            Visits.of(by_source.get(source, []), late[source]),
        )
        for source in sorted(Source, key=lambda s: -engine.priorities[s])
    )
    # Most often first; among equals, in the order the tokens were made.
    preempted = sorted(
        ((token_id, t) for token_id, t in tokens.items() if t.preemptions),
        key=lambda item: -item[1].preemptions,
    )
    return DayReport(
        clinic=player.scenario.name,
        day=player.clock.day,
        actions=len(steps),
        first=steps[0].at.strftime("%H:%M") if steps else "",
        last=steps[-1].at.strftime("%H:%M") if steps else "",
        tokens=len(tokens),
        totals=engine.day_stats(),
        waits=Waits.of([w for waits in waits_by_slot.values() for w in waits]),
        doctors=tuple(doctors),
        sources=sources,
        preempted=tuple(
            PreemptedLine(
                token_id, t.number, t.patient, t.source, t.slot_id, t.preemptions, t.status
            )
            for token_id, t in preempted
        ),
        visits=Visits.of(tokens.values(), len(overdue)),
    )
