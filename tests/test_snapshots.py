"""Snapshots of the main screens at 80×24 and 120×40, on the small clinic with a frozen clock.

Regenerate after a deliberate change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from conftest import DAY, FakeClock, FakeMonotonic, small_clinic
from textual.pilot import Pilot
from textual.widgets import Input

from opd_tui.desk import MemoryDesk
from opd_tui.engine import Book
from opd_tui.ui.app import OpdApp

Snap = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
QUEUE_SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]


@pytest.fixture
def visit_app(clock: FakeClock, monotonic: FakeMonotonic) -> OpdApp:
    """The small clinic at 10:20, mid-visit. Dr Rao (room 3) saw Bala in 12 min; Dev is in the
    room since 10:05 (called out of turn); Esha, present, did not answer her first call; Farah
    has not arrived; Asha, never checked in, is overdue since 10:15."""
    engine, history = small_clinic(clock)
    history += engine.set_room("rao", "3")
    history += engine.book("rao-10", "Esha Rao", "paid")
    history += engine.book("rao-10", "Farah Ali", "walk-in")

    def at(hh_mm: str) -> None:
        clock.now = datetime.combine(DAY, datetime.strptime(hh_mm, "%H:%M").time())

    at("09:02")
    history += engine.check_in("T00002")
    at("09:05")
    history += engine.call_next("rao")
    at("09:17")
    history += engine.serve("T00002")
    at("09:50")
    history += engine.check_in("T00004") + engine.check_in("T00005")
    at("10:00")
    history += engine.call_next("rao")  # Esha: paid 4 before Dev's follow-up 3
    at("10:04")
    history += engine.return_to_queue("T00005")
    at("10:05")
    history += engine.call("T00004")
    at("10:20")
    desk = MemoryDesk(engine, "Test Clinic", DAY)
    return OpdApp(desk, history=history, monotonic=monotonic, wall_clock=clock)


async def _still_input(pilot: Pilot[None]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare: Snap, app: OpdApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_booking_form(snap_compare: Snap, app: OpdApp, size: tuple[int, int]) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await pilot.press("n", *"Meera Joshi")
        await _still_input(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_form)


@pytest.mark.parametrize("size", SIZES)
def test_preemption_instant(snap_compare: Snap, app: OpdApp, size: tuple[int, int]) -> None:
    async def emergency(pilot: Pilot[None]) -> None:
        app.perform(Book("rao-09", "Esha Rao", "emergency"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=emergency)


@pytest.mark.parametrize("size", SIZES)
def test_overview(snap_compare: Snap, app: OpdApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, press=["o"])


def test_help(snap_compare: Snap, app: OpdApp) -> None:
    assert snap_compare(app, terminal_size=(120, 40), press=["question_mark"])


@pytest.mark.parametrize("size", QUEUE_SIZES)
def test_queue(snap_compare: Snap, visit_app: OpdApp, size: tuple[int, int]) -> None:
    assert snap_compare(visit_app, terminal_size=size, press=["w"])


def test_visit_day(snap_compare: Snap, visit_app: OpdApp) -> None:
    """The slot's lists mid-visit: in the room with its minutes, present, returned."""
    assert snap_compare(visit_app, terminal_size=(80, 24))


def test_story(snap_compare: Snap, app: OpdApp, clock: FakeClock) -> None:
    """Why am I waiting? A walk-in's story after an emergency took her seat."""

    async def why(pilot: Pilot[None]) -> None:
        clock.advance(3)
        app.perform(Book("rao-09", "Esha Rao", "emergency"))
        app.jump_to_token("T00001")
        await pilot.press("W")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=why)


SMALL = (80, 24)
DIALOGS = [
    pytest.param("question_mark", False, id="help"),
    pytest.param("m", True, id="move"),
    pytest.param("e", True, id="rename"),
    pytest.param("c", True, id="confirm-cancel"),
    pytest.param("d", False, id="delay"),
    pytest.param("R", False, id="room"),
    pytest.param("A", False, id="away"),
    pytest.param("a", False, id="reassign"),
    pytest.param("E", False, id="report"),
]


@pytest.mark.parametrize(("key", "on_token"), DIALOGS)
def test_dialog_at_80x24(snap_compare: Snap, app: OpdApp, key: str, on_token: bool) -> None:
    """Every form, picker and screen whole at 80×24: nothing cut, a long one scrolls."""

    async def open_it(pilot: Pilot[None]) -> None:
        if on_token:
            pilot.app.query_one("#booked").focus()
            await pilot.pause()
        await pilot.press(key)
        await _still_input(pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)


def test_overview_of_a_long_day(snap_compare: Snap, app: OpdApp) -> None:
    """Seven slot times at 80 columns: the cells leave out their bars, then the grid scrolls
    and its title says so; no count is cut."""
    for hour in range(11, 16):
        for doctor in ("rao", "mehta"):
            app.desk.engine.add_slot(f"{doctor}-{hour}", doctor, f"{hour}:00", f"{hour + 1}:00", 4)
    assert snap_compare(app, terminal_size=SMALL, press=["o"])
