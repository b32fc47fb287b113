"""Two desks on one journal: what another desk did reaches a dialog open at this one. A question
about a token another desk changed closes with the news and is never acted on; a form about a
slot another desk changed shows it as it now is and keeps what was typed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from store_helpers import DAY, open_journal
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from opd_tui.engine import Book, Cancel, Move, NoShow, Rename, SetCapacity, SetRoom, Status
from opd_tui.store import JournalDesk
from opd_tui.ui.app import OpdApp
from opd_tui.ui.screens.booking import BookForm
from opd_tui.ui.screens.confirm import Confirm
from opd_tui.ui.screens.move import MovePicker
from opd_tui.ui.screens.reassign import ReassignPicker
from opd_tui.ui.screens.rename import RenameForm
from opd_tui.ui.screens.room import RoomForm
from opd_tui.ui.tables import Table

SIZE = (120, 40)
EIGHT = datetime(2026, 11, 25, 8, 0)


def desks(tmp_path: Path) -> tuple[JournalDesk, JournalDesk, OpdApp]:
    """Desk A, shown in the app, and desk B beside it on the same journal; B has booked Dev
    Kumar (RAO-001) into Dr Rao's 09:00 slot (four seats)."""
    here = open_journal(tmp_path / "day.db")
    there = open_journal(tmp_path / "day.db")
    there.act(Book("rao-09", "Dev Kumar", "walk-in"))
    here.poll()
    return here, there, OpdApp(here, history=here.history, wall_clock=lambda: EIGHT)


def toasts(app: OpdApp) -> list[str]:
    return [n.message for n in app._notifications]


def recorded(desk: JournalDesk) -> int:
    return len(desk.store.actions(DAY))


async def on_booked(pilot: Pilot[None], app: OpdApp) -> None:
    await pilot.pause()
    app.query_one("#booked", Table).focus()
    await pilot.pause()


async def news(pilot: Pilot[None], app: OpdApp) -> None:
    """The poll of the app, as its timer runs it, with what was shown before cleared."""
    app.clear_notifications()
    app.tick()
    await pilot.pause()


async def test_a_question_about_a_token_cancelled_at_another_desk_closes(tmp_path: Path) -> None:
    here, there, app = desks(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_booked(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        there.act(Cancel("T00001"))
        before = recorded(here)
        await news(pilot, app)
        assert not isinstance(app.screen, Confirm)
        assert toasts(app) == [
            "Another desk changed this slot.",
            "RAO-001 was cancelled at another desk",
        ]
        await pilot.press("y")
        await pilot.pause()
        assert recorded(here) == before
        assert app.engine.token("T00001").status is Status.CANCELLED


async def test_a_yes_given_before_the_news_arrived_is_not_acted_on(tmp_path: Path) -> None:
    here, there, app = desks(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_booked(pilot, app)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        there.act(Move("T00001", "mehta-09"))  # not polled yet: the answer comes first
        before = recorded(here)
        app.clear_notifications()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, Confirm)
        assert toasts(app)[-1] == (
            "RAO-001 was moved to Dr Vikram Mehta 09:00 (now MEHTA-001) at another desk"
        )
        assert recorded(here) == before
        assert app.engine.token("T00001").status is Status.BOOKED


async def test_the_booking_form_shows_a_capacity_cut_and_keeps_what_was_typed(
    tmp_path: Path,
) -> None:
    here, there, app = desks(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, BookForm)
        form.query_one("#patient", Input).value = "Meera Joshi"
        slot = form.query_one("#slot", Select)
        assert str(slot._options[1][0]) == "09:00–10:00  3 free"
        there.act(SetCapacity("rao-09", 1))
        before = recorded(here)
        await news(pilot, app)
        assert app.screen is form
        assert str(slot._options[1][0]) == "09:00–10:00  full"
        assert slot.value == "rao-09"
        assert form.query_one("#patient", Input).value == "Meera Joshi"
        note = form.query_one("#error", Static)
        assert note.display
        assert str(note.render()) == "Dr Asha Rao 09:00 changed at another desk: full"
        assert recorded(here) == before
        form.query_one("#patient", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.engine.token("T00002").status is Status.WAITING
        assert (
            toasts(app)[-1]
            == "RAO-002 Meera Joshi booked · 1st on the waitlist · Dr Asha Rao 09:00"
        )


async def test_the_move_picker_shows_new_seats_then_closes_on_a_no_show(tmp_path: Path) -> None:
    here, there, app = desks(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_booked(pilot, app)
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, MovePicker)
        options = picker.query_one("#slots", OptionList)
        assert options.get_option_at_index(options.highlighted or 0).id == "rao-10"
        there.act(SetCapacity("rao-10", 0))
        await news(pilot, app)
        assert app.screen is picker
        line = options.get_option_at_index(options.get_option_index("rao-10")).prompt
        assert str(line).endswith("10:00–11:00  full")
        assert options.get_option_at_index(options.highlighted or 0).id == "rao-10"
        there.act(NoShow("T00001"))
        before = recorded(here)
        await news(pilot, app)
        assert not isinstance(app.screen, MovePicker)
        assert toasts(app)[-1] == "RAO-001 was marked no-show at another desk"
        assert recorded(here) == before


async def test_the_rename_form_says_a_correction_elsewhere_and_closes_on_a_cancel(
    tmp_path: Path,
) -> None:
    here, there, app = desks(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_booked(pilot, app)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RenameForm)
        form.query_one("#patient", Input).value = "Dev Kumaar"
        there.act(Rename("T00001", "Devendra Kumar"))
        await news(pilot, app)
        assert app.screen is form
        assert str(form.query_one("#error", Static).render()) == (
            "RAO-001 was renamed to Devendra Kumar at another desk"
        )
        assert form.query_one("#patient", Input).value == "Dev Kumaar"
        there.act(Cancel("T00001"))
        before = recorded(here)
        await news(pilot, app)
        assert not isinstance(app.screen, RenameForm)
        assert toasts(app)[-1] == "RAO-001 was cancelled at another desk"
        assert recorded(here) == before


async def test_a_doctors_form_says_what_another_desk_set(tmp_path: Path) -> None:
    _, there, app = desks(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RoomForm)
        form.query_one("#room", Input).value = "3"
        there.act(SetRoom("rao", "4B"))
        await news(pilot, app)
        assert app.screen is form
        assert str(form.query_one("#error", Static).render()) == (
            "Dr Asha Rao was put in room 4B at another desk"
        )
        assert form.query_one("#room", Input).value == "3"


async def test_the_reassign_picker_closes_when_nobody_is_left(tmp_path: Path) -> None:
    _, there, app = desks(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.action_reassign()
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ReassignPicker)
        there.act(Book("rao-10", "Farah Ali", "paid"))
        await news(pilot, app)
        assert app.screen is picker
        summary = str(picker.query_one("#summary", Static).render())
        assert summary.startswith("2 patients (2 booked, 0 waiting) of 09:00–13:00.")
        there.act(Cancel("T00001"))
        there.act(Cancel("T00002"))
        await news(pilot, app)
        assert not isinstance(app.screen, ReassignPicker)
        assert toasts(app)[-1] == (
            "Dr Asha Rao has no waiting or booked patients left to reassign: "
            "changed at another desk"
        )
