"""Shared pieces of the journal tests: a clinic state to compare, a random desk, child processes.

Run as a script it is the child process of the crash and two-writer tests:

    python store_helpers.py crash DB SEED          act until killed
    python store_helpers.py writer DB SEED COUNT OUT   wait for a line on stdin, then act
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from dataclasses import astuple
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from opd_tui.engine import (
    Book,
    Bump,
    Call,
    CallNext,
    Cancel,
    CheckIn,
    Command,
    Delay,
    Engine,
    Event,
    Move,
    NoShow,
    OpdError,
    Reassign,
    Rename,
    ReturnToQueue,
    Serve,
    SetAway,
    SetCapacity,
    Status,
)
from opd_tui.store import OPEN_DAY, JournalDesk, SqliteStore, StoreError, encode

DAY = date(2026, 11, 25)
MORNING = datetime.combine(DAY, time(8, 0))
SOURCES = ("emergency", "paid", "follow-up", "online", "walk-in")
CLINIC = "City General OPD"
DOCTORS = (
    ("rao", "Dr Asha Rao", "Cardiology", 4),
    ("mehta", "Dr Vikram Mehta", "Orthopaedics", 5),
    ("iyer", "Dr Priya Iyer", "Paediatrics", 6),
    ("khan", "Dr Sameer Khan", "Dermatology", 4),
)
FIRST_NAMES = ("Aarav", "Ananya", "Rohan", "Diya", "Kabir", "Isha", "Vihaan", "Meera")
SURNAMES = ("Sharma", "Gupta", "Verma", "Patel", "Singh", "Nair", "Reddy", "Joshi")


def clinic_set_up(engine: Engine) -> list[Event]:
    """Four doctors, each with slots at 09, 10, 11 and 12 (ids like ``rao-10``), no patients."""
    events: list[Event] = []
    for doctor_id, name, specialty, capacity in DOCTORS:
        events += engine.add_doctor(doctor_id, name, specialty)
        for hour in range(9, 13):
            start, end = f"{hour:02d}:00", f"{hour + 1:02d}:00"
            events += engine.add_slot(f"{doctor_id}-{hour:02d}", doctor_id, start, end, capacity)
    return events


class SetClock:
    """A clock that says what it is told."""

    def __init__(self, at: datetime = MORNING) -> None:
        self.now = at

    def __call__(self) -> datetime:
        return self.now


def snapshot(engine: Engine) -> dict[str, Any]:
    """Everything the dashboard can read, as plain values: equal snapshots mean equal clinics."""
    slots = engine.slots()
    doctors = engine.doctors()
    return {
        "doctors": doctors,
        "queues": {d.id: engine.queue(d.id, MORNING) for d in doctors},
        "slots": slots,
        "tokens": engine.tokens(),
        "views": {slot.id: engine.slot_view(slot.id, MORNING) for slot in slots},
        "slot_stats": {slot.id: astuple(engine.slot_stats(slot.id)) for slot in slots},
        "doctor_stats": {d.id: astuple(engine.doctor_stats(d.id)) for d in engine.doctors()},
        "day_stats": astuple(engine.day_stats()),
    }


def random_action(engine: Engine, rng: random.Random, slots: list[str] | None = None) -> Command:
    """A plausible desk action chosen from the clinic as it stands (some will be refused)."""
    slot_ids = slots or [slot.id for slot in engine.slots()]
    tokens = [t for t in engine.tokens() if t.slot_id in slot_ids]
    live = [t for t in tokens if t.status.is_live]
    booked = [t for t in live if t.status is Status.BOOKED]
    roll = rng.random()
    if roll < 0.36 or not tokens:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        if rng.random() < 0.25:  # a patient who gave a phone: some book twice (Duplicate)
            phone = f"98450 {rng.randint(10000, 10040)}"
            again = rng.random() < 0.5
            return Book(rng.choice(slot_ids), name, rng.choice(SOURCES), phone=phone, again=again)
        return Book(rng.choice(slot_ids), name, rng.choice(SOURCES))
    if roll < 0.41:
        return CheckIn(rng.choice(live or tokens).id)
    if roll < 0.43:
        return CallNext(engine.slot(rng.choice(slot_ids)).doctor_id)
    if roll < 0.44:
        return Call(rng.choice(booked or tokens).id)
    if roll < 0.45:
        called = [t for t in tokens if t.status is Status.CALLED]
        return ReturnToQueue(rng.choice(called or tokens).id)
    if roll < 0.55 and booked:
        return Serve(rng.choice(booked).id)
    if roll < 0.63:
        return Cancel(rng.choice(live or tokens).id)
    if roll < 0.68:
        return NoShow(rng.choice(live or tokens).id)
    if roll < 0.76:
        return Bump(rng.choice(live or tokens).id, up=rng.random() < 0.7)
    if roll < 0.80:
        return Bump(rng.choice(live or tokens).id, to=rng.choice(SOURCES))
    if roll < 0.88:
        return Move(rng.choice(live or tokens).id, rng.choice(slot_ids))
    if roll < 0.96:
        return SetCapacity(rng.choice(slot_ids), rng.randint(0, 7))
    if roll < 0.98:
        doctor = engine.slot(rng.choice(slot_ids)).doctor_id
        return Delay(doctor, rng.choice((5, 10, 15, -5)))
    if roll < 0.99:
        return Rename(rng.choice(live or tokens).id, rng.choice(FIRST_NAMES))
    if roll < 0.995:
        doctors = sorted({engine.slot(s).doctor_id for s in slot_ids})
        doctor = rng.choice(doctors)
        if rng.random() < 0.5:
            return SetAway(doctor, rng.choice(("09:30", "10:00", None)))
        return Reassign(doctor, rng.choice(doctors))
    return Serve("T99999")


def drive(
    engine: Engine, clock: SetClock, seed: int, successes: int, attempts: int = 100_000
) -> None:
    """Play the crash child's actions on a plain engine until ``successes`` of them succeeded."""
    done = 0
    for attempt in range(attempts):
        if done == successes:
            return
        rng = random.Random(seed * 1_000_003 + attempt)
        command = random_action(engine, rng)
        clock.now = MORNING + timedelta(seconds=attempt + 1)
        try:
            events = engine.execute(command)
        except OpdError:
            continue
        if events:  # an action that changes nothing is not recorded either
            done += 1
    raise AssertionError(f"only {done} of {successes} actions succeeded")


def expected_after(seed: int, successes: int) -> dict[str, Any]:
    """The clinic after exactly ``successes`` of the crash child's actions, decided in memory."""
    clock = SetClock()
    engine = Engine(clock=clock)
    clinic_set_up(engine)
    drive(engine, clock, seed, successes)
    return snapshot(engine)


def redecide(store: SqliteStore, day: date = DAY) -> Engine:
    """Decide every journaled action again, in journal order, on a fresh engine.

    Each action must produce exactly the events recorded with it: nothing was decided on a
    stale view. The opening set-up is taken as recorded.
    """
    info = store.day(day)
    assert info is not None
    recorded: dict[int, list[Any]] = {}
    for r in store.events(day):
        recorded.setdefault(r.action_id, []).append(encode(r.event))
    clock = SetClock()
    engine = Engine(clock=clock, priorities=info.priorities)
    for action in store.actions(day):
        clock.now = action.at
        if action.name == OPEN_DAY:
            store_events = [r.event for r in store.events(day) if r.action_id == action.id]
            engine.apply_all(store_events)
            continue
        assert action.command is not None
        events = engine.execute(action.command)
        assert [encode(e) for e in events] == recorded.get(action.id, []), action
    return engine


def open_journal(
    path: Path | str, clock: Callable[[], datetime] | None = None, **kwargs: Any
) -> JournalDesk:
    return JournalDesk(
        SqliteStore(path),
        DAY,
        today=DAY,
        clock=clock or SetClock(),
        setup=clinic_set_up,
        clinic_name=CLINIC,
        **kwargs,
    )


def _crash_child(db: str, seed: int) -> None:
    clock = SetClock()
    print("start", flush=True)
    desk = open_journal(db, clock)
    print("ready", flush=True)
    for attempt in range(100_000):
        rng = random.Random(seed * 1_000_003 + attempt)
        command = random_action(desk.engine, rng)
        clock.now = MORNING + timedelta(seconds=attempt + 1)
        try:
            desk.act(command)
        except StoreError:
            raise
        except OpdError:
            continue


def _writer_child(db: str, seed: int, count: int, out: str) -> None:
    started = datetime.now()
    desk = open_journal(db, clock=lambda: MORNING + (datetime.now() - started))
    rng = random.Random(seed)
    print("ready", flush=True)
    sys.stdin.readline()
    slots = ["rao-10", "rao-11", "mehta-11"]
    done = 0
    with open(out, "w", encoding="utf-8") as told:
        while done < count:
            command = random_action(desk.engine, rng, slots)
            try:
                events = desk.act(command)
            except StoreError:
                raise
            except OpdError:
                continue
            if not events:  # it changed nothing, so nothing was recorded
                continue
            done += 1
            told.write(
                json.dumps(
                    {"action_id": desk.last_action_id, "events": [encode(e) for e in events]}
                )
                + "\n"
            )
    print(desk.desk_id, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "crash":
        _crash_child(sys.argv[2], int(sys.argv[3]))
    else:
        _writer_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
