"""Keys act on the patient the coordinator sees selected, pickers know the time, the layout follows
the terminal, and the words say what happened."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeClock, FakeMonotonic, small_clinic
from test_dashboard import SIZE, book, log_lines, rows, toasts
from textual.widgets import Input, OptionList, Select, Static

from opd_tui.desk import MemoryDesk
from opd_tui.engine import Book, Status
from opd_tui.ui.app import OpdApp
from opd_tui.ui.header import ClinicHeader
from opd_tui.ui.screens.booking import BookForm
from opd_tui.ui.screens.confirm import Confirm
from opd_tui.ui.screens.move import MovePicker
from opd_tui.ui.tables import Table
from opd_tui.wiring import memory_desk

NOTHING_SELECTED = (
    "Select a token first: Tab to the Booked list, the Waitlist or the queue, then highlight the "
    "patient with the arrow keys."
)


async def test_no_key_acts_on_a_token_in_a_panel_without_focus(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.focused is app.query_one("#doctors")
        before = app.engine.tokens()
        for key in ("x", "s", "b", "B", "c", "m"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.screen_stack[0]  # no dialog opened
        assert app.engine.tokens() == before
        assert toasts(app) == [NOTHING_SELECTED] * 6


async def test_the_target_is_named_in_the_result(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.query_one("#booked", Table).focus()
        await pilot.press("s")
        await pilot.pause()
        assert toasts(app) == ["RAO-002 Bala Iyer marked seen"]
        await pilot.press("down", "x")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert app.engine.token("T00001").status is Status.BOOKED
        await pilot.press("x", "y")
        await pilot.pause()
        assert app.engine.token("T00001").status is Status.NO_SHOW
        assert toasts(app)[-1] == "RAO-001 Asha Menon marked no-show"


async def test_when_the_selected_token_leaves_nothing_else_is_selected(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        booked = app.query_one("#booked", Table)
        booked.focus()
        await pilot.press("down")  # RAO-001 Asha Menon, the second booked
        assert booked.cursor_key == "T00001"
        await pilot.press("c", "y")
        await pilot.pause()
        # Chitra took Asha's seat on the same line; the cursor does not land on her.
        assert rows(app, "booked", "number") == [("RAO-002",), ("RAO-003",)]
        assert (booked.show_cursor, booked.cursor_key) == (False, None)
        clinic = app.engine.tokens()
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is app.screen_stack[0] and app.engine.tokens() == clinic
        assert toasts(app)[-1] == NOTHING_SELECTED
        await pilot.press("up")  # the first move shows the cursor where it stands
        assert (booked.show_cursor, booked.cursor_key) == (True, "T00003")
        await pilot.press("b")
        await pilot.pause()
        assert toasts(app)[-1] == "RAO-003 Chitra Das raised one class"


async def test_a_token_that_moves_within_the_list_keeps_the_cursor(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        booked = app.query_one("#booked", Table)
        booked.focus()
        await pilot.press("down")
        assert booked.cursor_key == "T00001"
        await pilot.press("b")  # Asha walk-in 1 → 2 ranks above... still below Bala (online 2)
        await pilot.pause()
        assert (booked.show_cursor, booked.cursor_key) == (True, "T00001")


async def test_another_slot_starts_its_lists_at_the_top(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        booked = app.query_one("#booked", Table)
        app.show_doctor("rao", "rao-10")
        await pilot.pause()
        assert (booked.show_cursor, booked.cursor_key) == (True, "T00004")


async def test_the_move_picker_starts_on_the_next_open_slot_and_marks_ended_ones(
    clock: FakeClock, monotonic: FakeMonotonic
) -> None:
    engine, history = small_clinic(clock)
    engine.add_slot("rao-08", "rao", "08:00", "08:30", 2)
    engine.add_slot("rao-11", "rao", "11:00", "12:00", 2)
    clock.now = clock.now.replace(hour=10, minute=5)  # rao-08 and the 09:00 slots are over
    app = OpdApp(MemoryDesk(engine, "Test", clock.now.date()), history=history, wall_clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.show_doctor("rao", "rao-09")
        app.query_one("#waiting", Table).focus()
        await pilot.press("m")
        picker = app.screen
        assert isinstance(picker, MovePicker)
        options = picker.query_one("#slots", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts == [
            "Dr Asha Rao          08:00–08:30  2 free  ended",
            "Dr Asha Rao          09:00–10:00  full, 1 waiting  (current)",
            "Dr Asha Rao          10:00–11:00  2 free",
            "Dr Asha Rao          11:00–12:00  2 free",
            "Dr Vikram Mehta      09:00–10:00  2 free  ended",
        ]
        assert options.highlighted == 2
        options.highlighted = 0
        await pilot.press("enter")
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.question) == (
            "Move RAO-003 Chitra Das to Dr Asha Rao 08:00?\n\nThat slot has ended (08:00–08:30)."
        )
        await pilot.press("n")
        await pilot.pause()
        assert app.engine.token("T00003").slot_id == "rao-09"


async def test_the_booking_form_never_preselects_an_ended_slot(
    clock: FakeClock, monotonic: FakeMonotonic
) -> None:
    engine, history = small_clinic(clock)
    clock.now = clock.now.replace(hour=10, minute=5)
    app = OpdApp(MemoryDesk(engine, "Test", clock.now.date()), history=history, wall_clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        app.show_doctor("rao", "rao-09")  # chosen by hand, though it is over
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, BookForm)
        slot = form.query_one("#slot", Select)
        assert slot.value == "rao-10"
        assert [str(prompt) for prompt, _ in slot._options[1:]] == [
            "09:00–10:00  full, 1 waiting  (ended)",
            "10:00–11:00  2 free",
        ]
        form.query_one("#doctor", Select).value = "mehta"
        await pilot.pause()
        assert slot.value == Select.NULL  # Dr Mehta's only slot is over: nothing preselected


async def test_the_layout_follows_the_terminal_both_ways(app: OpdApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        assert not app.has_class("narrow") and not app.has_class("short")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.has_class("narrow") and app.has_class("short")
        booked = app.query_one("#booked", Table)
        assert booked.size.height >= 3  # its header and at least two patients
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert app.has_class("wide") and not app.has_class("narrow")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.has_class("wide")
        waiting = app.query_one("#waiting", Table)
        assert waiting.region.right <= 120 and booked.region.width == 120


async def test_the_header_names_the_journal_and_the_desk(app: OpdApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        header = app.query_one(ClinicHeader)
        line = header.render().plain
        assert "\n" not in line and " memory only · 3/7 booked" in line
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        first, second = header.render().plain.split("\n")
        assert first.endswith(" memory only ") and second.startswith(" 3/7 booked")
        assert header.size.height == 2


async def test_a_new_seat_that_promotes_flags_a_promotion_not_a_preemption(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus")
        await pilot.pause()
        assert rows(app, "schedule", "flag")[0] == ("▲ PROMOTED",)
        await book(pilot, "Esha Rao", "emergency")
        assert rows(app, "schedule", "flag")[0] == ("▼ PREEMPTED",)


async def test_a_bumped_token_says_it_was_raised(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#waiting", Table).focus()
        await pilot.press("b")
        await pilot.pause()
        assert rows(app, "booked", "number", "source") == [
            ("RAO-002", "online 2"),
            ("RAO-003", "walk-in↑2"),
        ]
        assert log_lines(app)[1] == (
            "▼ RAO-001 Asha Menon preempted by RAO-003 Chitra Das "
            "(walk-in, raised to 2 > walk-in 1) · Dr Asha Rao 09:00"
        )


async def test_undo_in_the_memory_demo_reaches_back_only_to_what_the_user_did() -> None:
    from datetime import date

    desk, history = memory_desk(date.today(), date.today())
    app = OpdApp(desk, history=history)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert toasts(app)[-1] == (
            "nothing to undo: no action was taken here since the day was opened "
            "or since another desk acted"
        )


async def test_doctor_late_takes_whole_minutes_in_a_clinic_day_only(app: OpdApp) -> None:
    from opd_tui.ui.screens.delay import DelayForm

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        form = app.screen
        assert isinstance(form, DelayForm)
        field = form.query_one("#minutes", Input)
        for typed, error in (
            ("1.5", "'1.5' is not a whole number of minutes"),
            ("15m", "'15m' is not a whole number of minutes"),
            (
                "1440",
                "delay must be a whole number of minutes from -720 to 720, other than 0; not 1440",
            ),
        ):
            field.value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert str(form.query_one("#error", Static).render()) == error
            assert field.value == typed  # the form keeps what was typed
        assert app.engine.slot("rao-09").delay == 0
        field.value = "15"
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app, "schedule", "time") == [("09:00 +15m",), ("10:00 +15m",)]


async def test_another_desks_write_lock_never_freezes_the_screen(tmp_path: Path) -> None:
    import sqlite3
    import time

    from store_helpers import open_journal

    from opd_tui.ui.screens.booking import BookForm

    desk = open_journal(tmp_path / "j.db")
    desk.act(Book("rao-10", "Asha Menon", "walk-in"))
    app = OpdApp(desk, history=desk.history, wall_clock=lambda: desk.engine.now())
    other = sqlite3.connect(tmp_path / "j.db", isolation_level=None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.show_doctor("rao", "rao-10")
        app.query_one("#booked", Table).focus()
        other.execute("BEGIN IMMEDIATE")  # another desk is writing
        started = time.monotonic()
        await pilot.press("s")
        assert time.monotonic() - started < 5.0  # the key returned: no 10 s freeze
        header = app.query_one(ClinicHeader)
        assert "another desk is writing…" in header.render().plain
        assert desk.engine.token("T00001").status is Status.BOOKED
        await pilot.press("b")  # a second action waits its turn, and says so
        assert toasts(app)[-1] == (
            "Still waiting for another desk to finish writing: your last action is not "
            "recorded yet."
        )
        other.execute("COMMIT")
        await pilot.pause(0.3)
        assert desk.engine.token("T00001").status is Status.SERVED
        assert toasts(app)[-1] == "RAO-001 Asha Menon marked seen"
        assert "another desk is writing" not in header.render().plain
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, BookForm)
        form.query_one("#patient", Input).value = "Ravi Kumar"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is form  # still open, still holding what was typed
        assert str(form.query_one("#error", Static).render()) == (
            "another desk is writing to the journal… trying again"
        )
        other.execute("COMMIT")
        await pilot.pause(0.3)
        assert app.screen is app.screen_stack[0]
        assert [t.patient for t in desk.engine.tokens()] == ["Asha Menon", "Ravi Kumar"]
    other.close()
