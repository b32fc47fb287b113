"""The built-in demo clinic: four doctors and a realistic morning, played through the engine.

Everything here goes through the engine's public operations, so the demo's preemptions,
waitlists and promotions are decided by the same rules as live actions.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from .engine import Engine, Event
from .engine.events import Placed

CLINIC_NAME = "City General OPD"

DOCTORS = (
    ("rao", "Dr Asha Rao", "Cardiology"),
    ("mehta", "Dr Vikram Mehta", "Orthopaedics"),
    ("iyer", "Dr Priya Iyer", "Paediatrics"),
    ("khan", "Dr Sameer Khan", "Dermatology"),
)

SLOT_TIMES = (("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00"), ("12:00", "13:00"))
CAPACITIES = {"rao": 4, "mehta": 5, "iyer": 6, "khan": 4}

FIRST_NAMES = (
    "Aarav", "Ananya", "Rohan", "Diya", "Kabir", "Isha", "Vihaan", "Meera", "Arjun", "Saanvi",
    "Reyansh", "Aditi", "Dhruv", "Kavya", "Ishaan", "Nisha", "Aryan", "Pooja", "Sai", "Tara",
    "Neel", "Riya", "Yash", "Priya", "Karan", "Sneha", "Manav", "Lakshmi", "Farhan", "Zoya",
)  # fmt: skip
SURNAMES = (
    "Sharma", "Gupta", "Verma", "Patel", "Singh", "Nair", "Reddy", "Joshi", "Menon", "Das",
    "Kulkarni", "Bose", "Malhotra", "Pillai", "Chatterjee", "Kapoor", "Krishnan", "Banerjee",
    "Desai", "Mishra", "Thakur", "Sinha", "Hegde", "Bhatt", "Rajan", "Ali", "Qureshi", "Jain",
)  # fmt: skip

SOURCE_MIX = (
    ("walk-in", 34),
    ("online", 30),
    ("follow-up", 20),
    ("paid", 11),
    ("emergency", 5),
)


class DemoClock:
    """Scripted time while the morning is played, then mid-morning time that runs in real time."""

    def __init__(self, day: date, start: str = "07:30", live_from: str = "10:20") -> None:
        self._day = day
        self._now = _at(day, start)
        self._live_from = _at(day, live_from)
        self._live_since: float | None = None

    def advance(self, minutes: float) -> None:
        self._now += timedelta(minutes=minutes)

    def go_live(self) -> None:
        self._live_since = time.monotonic()

    def __call__(self) -> datetime:
        if self._live_since is None:
            return self._now
        return self._live_from + timedelta(seconds=time.monotonic() - self._live_since)


def _at(day: date, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes)


def set_up(engine: Engine) -> list[Event]:
    """The demo clinic's doctors and slots, empty."""
    events: list[Event] = []
    for doctor_id, name, specialty in DOCTORS:
        events += engine.add_doctor(doctor_id, name, specialty)
        for start, end in SLOT_TIMES:
            slot_id = f"{doctor_id}-{start[:2]}"
            events += engine.add_slot(slot_id, doctor_id, start, end, CAPACITIES[doctor_id])
    return events


def play_morning(engine: Engine, advance: Callable[[float], None]) -> list[Event]:
    """A morning of bookings up to 10:20: full slots, waitlists, preemptions, served patients."""
    rng = random.Random(2026)
    sources = [source for source, weight in SOURCE_MIX for _ in range(weight)]
    names = iter(
        f"{first} {last}" for first, last in zip(FIRST_NAMES * 3, SURNAMES * 3, strict=False)
    )
    events: list[Event] = []

    def book(slot_id: str, source: str | None = None) -> str:
        advance(rng.uniform(0.5, 3.0))
        result = engine.book(slot_id, next(names), source or rng.choice(sources))
        events.extend(result)
        return next(e.token_id for e in result if isinstance(e, Placed))

    for doctor_id, _, _ in DOCTORS:
        for start, _ in SLOT_TIMES[:3]:
            for _ in range(CAPACITIES[doctor_id] - 1):
                book(f"{doctor_id}-{start[:2]}")
        for _ in range(2):
            book(f"{doctor_id}-12")
    # The cardiology 10:00 and orthopaedics 11:00 slots fill up and overflow.
    book("rao-10", "walk-in")
    book("rao-10", "walk-in")
    late = book("rao-10", "online")
    book("rao-10", "emergency")
    book("mehta-11", "follow-up")
    book("mehta-11", "walk-in")
    book("mehta-11", "paid")
    book("iyer-10", "emergency")
    # The 09:00 clinics are seen; one patient never turns up, one cancels.
    for doctor_id, _, _ in DOCTORS:
        view = engine.slot_view(f"{doctor_id}-09")
        for seat in view.booked[:-1]:
            advance(1)
            events += engine.serve(seat.token.id)
    advance(2)
    events += engine.no_show(engine.slot_view("khan-09").booked[-1].token.id)
    events += engine.cancel(engine.slot_view("mehta-10").booked[0].token.id)
    events += engine.bump(late)
    events += engine.delay("iyer", 15)
    book("khan-10", "online")
    book("khan-12", "paid")
    return events


def demo_day(day: date | None = None) -> tuple[Engine, list[Event]]:
    """The demo clinic at mid-morning and the events that got it there; its clock then runs
    in real time."""
    clock = DemoClock(day or date.today())
    engine = Engine(clock=clock)
    events = set_up(engine)
    events += play_morning(engine, clock.advance)
    clock.go_live()
    return engine, events


def demo_engine(day: date | None = None) -> Engine:
    """An engine holding the demo clinic at mid-morning; its clock then runs in real time."""
    return demo_day(day)[0]
