"""Shared fixtures: a small clinic with a frozen clock, and a dashboard on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from opd_tui.desk import MemoryDesk
from opd_tui.engine import Engine, Event
from opd_tui.ui.app import OpdApp

DAY = date(2026, 11, 25)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, at: datetime) -> None:
        self.now = at

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float = 1) -> None:
        self.now += timedelta(minutes=minutes)


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def small_clinic(clock: FakeClock) -> tuple[Engine, list[Event]]:
    """Two doctors; Dr Rao's 09:00 slot is full with one patient waiting.

    rao-09 (capacity 2): T00001 Asha Menon walk-in, T00002 Bala Iyer online; T00003 Chitra Das
    walk-in waits. rao-10 (capacity 3): T00004 Dev Kumar follow-up. mehta-09 (capacity 2): empty.
    """
    engine = Engine(clock=clock)
    events = engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    events += engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    events += engine.add_slot("rao-10", "rao", "10:00", "11:00", 3)
    events += engine.add_doctor("mehta", "Dr Vikram Mehta", "Orthopaedics")
    events += engine.add_slot("mehta-09", "mehta", "09:00", "10:00", 2)
    for slot, patient, source in (
        ("rao-09", "Asha Menon", "walk-in"),
        ("rao-09", "Bala Iyer", "online"),
        ("rao-09", "Chitra Das", "walk-in"),
        ("rao-10", "Dev Kumar", "follow-up"),
    ):
        clock.advance(3)
        events += engine.book(slot, patient, source)
    return engine, events


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Snapshots and colours must not depend on the developer's environment."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    yield


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 8, 30))


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def app(clock: FakeClock, monotonic: FakeMonotonic) -> OpdApp:
    engine, history = small_clinic(clock)
    desk = MemoryDesk(engine, "Test Clinic", DAY)
    return OpdApp(desk, history=history, monotonic=monotonic, wall_clock=clock)
