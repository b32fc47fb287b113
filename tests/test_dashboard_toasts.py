"""Every action says what it did in a toast, with exact words; a quiet desk toasts only refusals,
preemptions and promotions, and other desks' changes to the open slot."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import DAY, FakeClock, FakeMonotonic, small_clinic
from store_helpers import open_journal
from test_dashboard import book, palette_titles, run_from_palette, toasts
from textual.pilot import Pilot
from textual.widgets import Input

from opd_tui.cli import build_parser
from opd_tui.desk import MemoryDesk
from opd_tui.engine import Book
from opd_tui.ui.app import QUIET_ON, QUIET_TITLE, OpdApp, ordinal
from opd_tui.ui.screens.delay import DelayForm
from opd_tui.ui.screens.help import help_markdown
from opd_tui.ui.tables import Table

SIZE = (120, 40)


def quiet_app(clock: FakeClock, monotonic: FakeMonotonic) -> OpdApp:
    engine, history = small_clinic(clock)
    desk = MemoryDesk(engine, "Test Clinic", DAY)
    return OpdApp(desk, history=history, monotonic=monotonic, wall_clock=clock, quiet=True)


async def delay(pilot: Pilot[None], minutes: str) -> None:
    await pilot.press("d")
    form = pilot.app.screen
    assert isinstance(form, DelayForm)
    form.query_one("#minutes", Input).value = minutes
    await pilot.press("enter")
    await pilot.pause()


def test_places_are_said_as_people_say_them() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "101st",
        "111th",
    ]


async def test_a_booking_says_its_number_and_its_place(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await book(pilot, "Meera Joshi", "walk-in")
        await book(pilot, "Ravi Shah", "walk-in")
        app.query_one("#schedule", Table).focus()
        await pilot.press("down")
        await book(pilot, "Lata Rao", "paid")
        assert toasts(app) == [
            "RAO-005 Meera Joshi booked · 2nd on the waitlist · Dr Asha Rao 09:00",
            "RAO-006 Ravi Shah booked · 3rd on the waitlist · Dr Asha Rao 09:00",
            "RAO-007 Lata Rao booked · Dr Asha Rao 10:00",
        ]


async def test_a_seat_added_or_taken_away_is_said(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("plus")
        await pilot.pause()
        assert toasts(app) == [
            "▲ 1 promoted from the waitlist",
            "Seat added · Dr Asha Rao 09:00 has 3 seats",
        ]
        await pilot.press("minus")
        await pilot.pause()
        assert toasts(app) == [
            "▼ RAO-003 Chitra Das preempted (capacity cut to 2)",
            "Seat taken away · Dr Asha Rao 09:00 has 2 seats",
        ]


async def test_a_delay_and_a_catch_up_are_said(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await delay(pilot, "20")
        await delay(pilot, "-5")
        assert toasts(app) == [
            "Dr Asha Rao running 20 min later · 2 slots shifted",
            "Dr Asha Rao caught up 5 min · 2 slots shifted",
        ]


async def test_an_undo_says_what_it_took_back(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.query_one("#booked", Table).focus()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert toasts(app) == ["Undone: cancel RAO-002 Bala Iyer"]
        await book(pilot, "Esha Rao", "emergency")
        app.clear_notifications()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert toasts(app) == ["Undone: book RAO-005 Esha Rao"]


async def test_a_quiet_desk_toasts_refusals_and_preemptions_only(
    clock: FakeClock, monotonic: FakeMonotonic
) -> None:
    app = quiet_app(clock, monotonic)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await book(pilot, "Meera Joshi", "walk-in")
        assert toasts(app) == []
        await book(pilot, "Esha Rao", "emergency")
        assert toasts(app) == [
            "▼ RAO-001 Asha Menon preempted by RAO-006 Esha Rao (emergency 5 > walk-in 1)"
        ]
        app.clear_notifications()
        app.query_one("#waiting", Table).focus()
        await pilot.press("s")
        await pilot.pause()
        assert toasts(app) == ["RAO-005 is on the waitlist; only a booked token can be served"]
        app.clear_notifications()
        await delay(pilot, "10")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert toasts(app) == []


async def test_the_palette_switches_the_quiet_desk_on_and_off(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert QUIET_TITLE in await palette_titles(app)
        await run_from_palette(pilot, "quiet desk")
        assert app.quiet
        assert toasts(app) == [QUIET_ON]
        app.clear_notifications()
        await book(pilot, "Meera Joshi", "walk-in")
        assert toasts(app) == []
        await run_from_palette(pilot, "quiet desk")
        assert not app.quiet
        await book(pilot, "Ravi Shah", "walk-in")
        assert toasts(app)[-1] == (
            "RAO-006 Ravi Shah booked · 3rd on the waitlist · Dr Asha Rao 09:00"
        )


async def test_a_quiet_desk_still_hears_of_another_desks_change_to_its_slot(
    tmp_path: Path,
) -> None:
    here = open_journal(tmp_path / "day.db")
    there = open_journal(tmp_path / "day.db")
    eight = datetime(2026, 11, 25, 8, 0)
    app = OpdApp(here, history=here.history, wall_clock=lambda: eight, quiet=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        there.act(Book("rao-09", "Farah Ali", "paid"))
        app.tick()
        await pilot.pause()
        assert toasts(app) == ["Another desk changed this slot."]


def test_quiet_is_a_dashboard_option() -> None:
    parser = build_parser()
    assert parser.parse_args(["--quiet"]).quiet
    assert parser.parse_args(["--memory", "--quiet"]).quiet
    assert not parser.parse_args([]).quiet


def test_help_tells_of_the_quiet_desk_and_other_desks() -> None:
    text = help_markdown("emergency 5", "memory only (nothing is saved)")
    assert "| `ctrl+p` → Quiet desk | Toast only refusals, preemptions and promotions" in text
    assert "(`RAO-004 was cancelled at another desk`) and is never acted on" in text
