"""The desk under real conditions: Enter in the booking form, pasted names, quitting a day kept
nowhere, jumps in a replay. Each driven from the keyboard, with exact outcomes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from store_helpers import open_journal
from test_dashboard import SIZE, book, log_lines, rows
from test_dashboard_replay import bar, replay_app
from textual import events
from textual.widgets import Input, Select, Static

from opd_tui.engine import NAME_LENGTH
from opd_tui.ui.app import OpdApp
from opd_tui.ui.screens.booking import ONE_LINE, BookForm
from opd_tui.ui.screens.confirm import Confirm
from opd_tui.ui.screens.go_to import GoToForm


def error_text(form: BookForm) -> str | None:
    error = form.query_one("#error", Static)
    return str(error.render()) if error.display else None


async def test_tab_to_the_source_then_enter_books(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "n")  # Dr Mehta's 09:00 slot, empty
        form = app.screen
        assert isinstance(form, BookForm)
        await pilot.press(*"Meera Joshi")
        for _ in range(3):  # past the phone and the id
            await pilot.press("tab")
        assert form.focused is form.query_one("#source", Select)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, BookForm)
        assert rows(app, "booked", "number", "patient", "source") == [
            ("MEHTA-001", "Meera Joshi", "walk-in 1")
        ]


async def test_enter_in_an_open_list_picks_from_it_and_the_next_enter_books(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "n")
        form = app.screen
        assert isinstance(form, BookForm)
        await pilot.press(*"Meera Joshi")
        source = form.query_one("#source", Select)
        source.focus()
        await pilot.press("space")  # opens the list, on walk-in
        await pilot.pause()
        assert source.expanded
        await pilot.press("up", "enter")  # online, picked: the list closes, nothing is booked
        await pilot.pause()
        assert (app.screen, source.expanded, source.value) == (form, False, "online")
        assert rows(app, "booked", "patient") == []
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app, "booked", "patient", "source") == [("Meera Joshi", "online 2")]


async def test_enter_on_the_doctor_or_the_slot_books_too(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "n")
        form = app.screen
        assert isinstance(form, BookForm)
        form.query_one("#patient", Input).value = "Meera Joshi"
        form.query_one("#slot", Select).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app, "booked", "patient") == [("Meera Joshi",)]
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, BookForm)
        form.query_one("#patient", Input).value = "Imran Khan"
        form.query_one("#doctor", Select).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app, "booked", "patient") == [("Meera Joshi",), ("Imran Khan",)]


async def test_a_pasted_name_with_a_line_break_is_refused_and_what_was_there_stays(
    app: OpdApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "n")
        form = app.screen
        assert isinstance(form, BookForm)
        await pilot.press(*"Meera ")
        field = form.query_one("#patient", Input)
        app.post_message(events.Paste("Joshi\nWard 4"))
        await pilot.pause()
        assert error_text(form) == ONE_LINE
        assert error_text(form) == "a name is one line: the pasted text holds a line break"
        assert field.value == "Meera "
        app.post_message(events.Paste("Joshi\r\n"))  # a copied line's own newline is no break
        await pilot.pause()
        assert field.value == "Meera Joshi"
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app, "booked", "patient") == [("Meera Joshi",)]


async def test_a_name_stops_at_the_engine_s_limit_and_a_longer_paste_is_refused(
    app: OpdApp,
) -> None:
    assert NAME_LENGTH == 200
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, BookForm)
        field = form.query_one("#patient", Input)
        field.value = "a" * 199
        field.cursor_position = 199
        app.post_message(events.Paste("bc"))
        await pilot.pause()
        assert (
            error_text(form) == "a name is at most 200 characters: with the pasted text it is 201"
        )
        assert field.value == "a" * 199
        await pilot.press("b", "c")  # typing stops at the limit
        assert field.value == "a" * 199 + "b"


async def test_q_on_a_memory_day_with_actions_asks_first(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        await book(pilot, "Meera Joshi", "walk-in")
        await book(pilot, "Imran Khan", "paid")
        await pilot.press("q")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, Confirm)
        assert question.question.plain == "Quit and lose this day's 2 actions? y quits"
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, Confirm)
        await pilot.press("ctrl+z", "q")  # an undo is an action too
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert app.screen.question.plain == "Quit and lose this day's 3 actions? y quits"
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0


async def test_q_on_a_memory_day_with_one_action_says_one_action(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        await book(pilot, "Meera Joshi", "walk-in")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert app.screen.question.plain == "Quit and lose this day's 1 action? y quits"


async def test_q_on_a_memory_day_nobody_acted_on_quits_at_once(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "escape")  # a form opened and closed is no action
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0


async def test_q_on_a_journal_quits_at_once_after_actions(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "day.db")
    app = OpdApp(desk, history=desk.history, wall_clock=lambda: datetime(2026, 11, 25, 8, 0))
    async with app.run_test(size=SIZE) as pilot:
        await book(pilot, "Meera Joshi", "walk-in")
        assert len(desk.engine.tokens()) == 1
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0


async def test_home_end_and_g_jump_through_a_replay() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#booked").focus()  # the table's own home and end give way to the replay
        await pilot.press("end")
        await pilot.pause()
        assert "step 4/4 · 08:30 · end of the day" in bar(app)
        assert rows(app, "booked", "number") == [("RAO-003",), ("RAO-001",)]
        assert log_lines(app)[0].startswith("▲ RAO-001 Asha Menon promoted into RAO-002")
        await pilot.press("home")
        await pilot.pause()
        assert "step 0/4 · 08:00 · next: 08:10 book Asha" in bar(app)
        assert rows(app, "booked", "number") == []
        await pilot.press("g")
        form = app.screen
        assert isinstance(form, GoToForm)
        field = form.query_one("#time", Input)
        assert field.value == "08:00"
        field.value = "8.15"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert str(form.query_one("#error", Static).render()) == "time '8.15' is not HH:MM"
        field.value = "08:15"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, GoToForm)
        assert "step 2/4 · 08:15 · next: 08:20 book Esha" in bar(app)
        assert rows(app, "booked", "number") == [("RAO-002",), ("RAO-001",)]
        await pilot.press("right")  # on from there by the rules, as recorded
        await pilot.pause()
        assert "step 3/4 · 08:20" in bar(app)
        assert player.recorded == 4
