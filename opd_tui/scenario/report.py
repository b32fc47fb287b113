"""The end-of-day figures of a played scenario, read from the engine and its events.

Utilisation is the engine's: occupied seats (booked + served) ÷ capacity, at the end of the day.
A wait is the minutes from the later of the token's arrival and its slot's scheduled start to the
moment it was served; only served tokens have one. So a patient who books at 07:40 for a 09:00
slot and is served at 09:25 waited 25 minutes, and a doctor's delay shows up as longer waits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean, median

from ..engine import Left, Placed, Preempted, Promoted, Served, Source, Stats, Status
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


@dataclass(frozen=True, slots=True)
class SourceLine:
    source: Source
    tokens: int
    served: int
    preempted: int


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


class _Token:
    """What the day's events say of one token; the report's only per-token record."""

    __slots__ = ("number", "patient", "preemptions", "served_at", "since", "slot_id", "source",
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
                tokens[event.token_id].status = ended
    return tokens


def day_report(player: Player) -> DayReport:
    engine = player.engine
    tokens = _tokens(player)
    midnight = datetime.combine(player.clock.day, datetime.min.time())
    slots = engine.slots()
    slot_starts = {slot.id: midnight + timedelta(minutes=slot.start_min) for slot in slots}
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
            )
        )

    made = Counter(token.source for token in tokens.values())
    served = Counter(token.source for token in tokens.values() if token.served_at is not None)
    lost = Counter(token.source for token in tokens.values() if token.preemptions)
    sources = tuple(
        SourceLine(source, made[source], served[source], lost[source])
        for source in sorted(Source, key=lambda s: -engine.priorities[s])
    )
    # Most often first; among equals, in the order the tokens were made.
    preempted = sorted(
        ((token_id, t) for token_id, t in tokens.items() if t.preemptions),
        key=lambda item: -item[1].preemptions,
    )
    steps = player.steps
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
    )
