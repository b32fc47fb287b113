"""The dashboard driven from the keyboard, as a coordinator would, with exact outcomes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import FakeClock, FakeMonotonic, small_clinic
from store_helpers import open_journal
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher, DataTable, Input, Select, Static

from opd_tui.desk import MemoryDesk
from opd_tui.engine import Book, Event, Status
from opd_tui.store.base import StoreError
from opd_tui.ui.activity import MAX_LINES, ActivityLog
from opd_tui.ui.app import OpdApp
from opd_tui.ui.header import ClinicHeader
from opd_tui.ui.screens.booking import BookForm
from opd_tui.ui.screens.confirm import Confirm
from opd_tui.ui.screens.delay import DelayForm
from opd_tui.ui.screens.find import FindPatient
from opd_tui.ui.screens.help import HelpScreen
from opd_tui.ui.screens.move import MovePicker
from opd_tui.ui.screens.rename import RenameForm
from opd_tui.ui.tables import Table

SIZE = (120, 40)


def rows(app: OpdApp, table_id: str, *columns: str) -> list[tuple[str, ...]]:
    """A table's rows as plain text, in screen order, for the given column keys."""
    table = app.query_one(f"#{table_id}", DataTable)
    return [
        tuple(table.get_cell(row.key, column).plain for column in columns)
        for row in table.ordered_rows
    ]


def log_lines(app: OpdApp) -> list[str]:
    log = app.query_one(ActivityLog)
    return [log.get_cell(row.key, "what").plain for row in log.ordered_rows]


def toasts(app: OpdApp) -> list[str]:
    return [n.message for n in app._notifications]


async def palette_titles(app: OpdApp) -> list[str]:
    """What the command palette lists before anything is typed: every registered provider's
    commands for the screen it would be opened on."""
    titles = []
    for source in app.COMMANDS:
        provider_type = source if isinstance(source, type) else source()
        async for hit in provider_type(app.screen).discover():
            if hit is not NotImplemented:
                titles.append(str(hit.text))
    return titles


async def run_from_palette(pilot: Pilot[None], typed: str) -> None:
    """Open the command palette, type ``typed`` and run the best match."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await pilot.pause(0.5)  # the palette gathers its matches in batches
    await pilot.press("enter")
    await pilot.pause()


async def book(pilot: Pilot[None], patient: str, source: str) -> None:
    await pilot.press("n")
    form = pilot.app.screen
    assert isinstance(form, BookForm)
    form.query_one("#patient", Input).value = patient
    form.query_one("#source", Select).value = source
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_opens_on_the_first_doctor_and_their_first_open_slot(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert rows(app, "doctors", "doctor", "load") == [
            ("Dr Asha Rao", "█████░░░  60%"),
            ("Dr Vikram Mehta", "░░░░░░░░   0%"),
        ]
        assert rows(app, "schedule", "time", "seats", "waiting", "flag") == [
            ("09:00–10:00", "2/2", "+1", "FULL"),
            ("10:00–11:00", "1/3", "", ""),
        ]
        assert rows(app, "booked", "pos", "number", "patient", "source", "estimate", "status") == [
            ("1", "RAO-002", "Bala Iyer", "online 2", "09:00", "BOOKED"),
            ("2", "RAO-001", "Asha Menon", "walk-in 1", "09:30", "BOOKED"),
        ]
        assert rows(app, "waiting", "pos", "number", "patient", "status") == [
            ("1", "RAO-003", "Chitra Das", "WAITING"),
        ]
        header = app.query_one(ClinicHeader).render().plain
        assert header.startswith(" Test Clinic · Wed 25 Nov 2026 · 08:42:00")
        assert header.endswith("3/7 booked · 1 waiting · 0 seen · 0 preempted ")
        assert log_lines(app)[0] == "RAO-004 Dev Kumar booked · follow-up 3 · Dr Asha Rao 10:00"


async def test_an_emergency_preempts_the_weakest_and_every_change_is_marked(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await book(pilot, "Esha Rao", "emergency")
        assert rows(app, "booked", "number", "patient", "status", "preempted") == [
            ("RAO-005", "Esha Rao", "► TOOK SEAT", ""),
            ("RAO-002", "Bala Iyer", "BOOKED", ""),
        ]
        assert rows(app, "waiting", "number", "patient", "status", "preempted") == [
            ("RAO-001", "Asha Menon", "▼ PREEMPTED", "×1"),
            ("RAO-003", "Chitra Das", "WAITING", ""),
        ]
        assert rows(app, "schedule", "flag")[0] == ("▼ PREEMPTED",)
        assert log_lines(app)[:2] == [
            "RAO-005 Esha Rao booked · emergency 5 · Dr Asha Rao 09:00",
            "▼ RAO-001 Asha Menon preempted by RAO-005 Esha Rao (emergency 5 > walk-in 1)"
            " · Dr Asha Rao 09:00",
        ]
        assert toasts(app) == [
            "▼ RAO-001 Asha Menon preempted by RAO-005 Esha Rao (emergency 5 > walk-in 1)",
            "RAO-005 Esha Rao booked · Dr Asha Rao 09:00",
        ]
        assert app.query_one(ClinicHeader).render().plain.endswith("1 preempted ")


async def test_highlights_fade_but_the_preempted_count_stays(
    app: OpdApp, monotonic: FakeMonotonic
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await book(pilot, "Esha Rao", "emergency")
        monotonic.now += 7
        app.tick()
        await pilot.pause()
        assert rows(app, "waiting", "number", "status", "preempted") == [
            ("RAO-001", "WAITING", "×1"),
            ("RAO-003", "WAITING", ""),
        ]
        assert rows(app, "booked", "status") == [("BOOKED",), ("BOOKED",)]
        assert rows(app, "schedule", "flag")[0] == ("FULL",)


async def test_the_booking_form_keeps_what_was_typed_when_refused(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, BookForm)
        form.query_one("#source", Select).value = "paid"
        await pilot.press("space", "space", "enter")
        await pilot.pause()
        assert app.screen is form
        error = form.query_one("#error", Static)
        assert error.display is True
        assert str(error.render()) == "patient name must not be empty"
        assert form.query_one("#source", Select).value == "paid"
        assert form.query_one("#patient", Input).value == "  "
        assert len(app.engine.tokens()) == 4
        await pilot.press("escape")
        assert not isinstance(app.screen, BookForm)


async def test_the_booking_form_preselects_and_switches_doctor(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")  # the second doctor
        await pilot.pause()
        await pilot.press("n")
        form = app.screen
        assert form.query_one("#doctor", Select).value == "mehta"
        assert form.query_one("#slot", Select).value == "mehta-09"
        form.query_one("#doctor", Select).value = "rao"
        await pilot.pause()
        assert form.query_one("#slot", Select).value == "rao-09"


async def test_a_name_full_of_markup_shows_exactly_as_typed(app: OpdApp) -> None:
    name = "[bold red]Zed[/] <b>x</b> $accent"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "up")
        await book(pilot, name, "walk-in")
        assert rows(app, "waiting", "patient") == [("Chitra Das",), (name,)]
        assert (
            log_lines(app)[0]
            == f"RAO-005 {name[:23]}… waitlisted (slot full) · walk-in 1 · Dr Asha Rao 09:00"
        )  # a log line keeps 24 characters of a name


async def test_cancel_asks_first_then_promotes_the_earliest_waiting(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.query_one("#booked", Table).focus()
        await pilot.press("c")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        assert app.engine.token("T00002").status is Status.BOOKED
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.engine.token("T00002").status is Status.CANCELLED
        assert rows(app, "booked", "number", "status") == [
            ("RAO-001", "BOOKED"),
            ("RAO-003", "▲ PROMOTED"),
        ]
        assert rows(app, "waiting", "number") == []
        assert log_lines(app)[0] == (
            "▲ RAO-003 Chitra Das promoted into RAO-002 Bala Iyer's seat · Dr Asha Rao 09:00"
        )
        assert toasts(app) == ["▲ 1 promoted from the waitlist", "RAO-002 Bala Iyer cancelled"]


async def test_bump_up_lets_a_waiting_token_in_and_bump_down_lets_it_go(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#waiting", Table).focus()
        await pilot.press("b")
        await pilot.pause()
        # Chitra walk-in 1 → 2 outranks Asha (walk-in 1) and takes her seat.
        assert rows(app, "booked", "number", "source", "status") == [
            ("RAO-002", "online 2", "BOOKED"),
            ("RAO-003", "walk-in↑2", "▲ PROMOTED"),
        ]
        assert rows(app, "waiting", "number", "status") == [("RAO-001", "▼ PREEMPTED")]
        assert log_lines(app)[2] == "↑ RAO-003 Chitra Das priority 1 → 2"
        app.jump_to_token("T00003")
        await pilot.press("B")
        await pilot.pause()
        # Back at 1, Chitra arrived after Asha, so Asha gets her seat back.
        assert rows(app, "booked", "number") == [("RAO-002",), ("RAO-001",)]
        assert rows(app, "waiting", "number", "source") == [("RAO-003", "walk-in 1")]


async def test_refusals_become_notifications_and_change_nothing(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.query_one("#waiting", Table).focus()
        before = app.engine.tokens()
        await pilot.press("s")
        await pilot.pause()
        assert toasts(app) == ["RAO-003 is on the waitlist; only a booked token can be served"]
        app.query_one("#booked", Table).focus()
        await pilot.press("b", "b", "b", "b")  # online 2 → emergency 5, then no higher
        await pilot.pause()
        assert toasts(app)[-1] == "RAO-002 is already at the highest priority (5)"
        assert app.engine.tokens()[2:] == before[2:]


async def test_serve_and_no_show(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#booked", Table).focus()
        await pilot.press("s")
        await pilot.pause()
        assert app.engine.token("T00002").status is Status.SERVED
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "SERVED"),
            ("RAO-001", "BOOKED"),
        ]
        await pilot.press("down", "x")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.question) == (
            "Mark RAO-001 Asha Menon as a no-show? ctrl+z undoes it."
        )
        await pilot.press("y")
        await pilot.pause()
        assert app.engine.token("T00001").status is Status.NO_SHOW
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "SERVED"),
            ("RAO-003", "▲ PROMOTED"),
        ]
        assert rows(app, "schedule", "seats", "served") == [("2/2", "✓1"), ("1/3", "")]


async def test_move_shows_free_seats_and_moves_the_token(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#waiting", Table).focus()
        await pilot.press("m")
        picker = app.screen
        assert isinstance(picker, MovePicker)
        options = picker.query_one("#slots")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts == [
            "Dr Asha Rao          09:00–10:00  full, 1 waiting  (current)",
            "Dr Asha Rao          10:00–11:00  2 free",
            "Dr Vikram Mehta      09:00–10:00  2 free",
        ]
        picker.query_one("#filter", Input).value = "ortho"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.question) == (
            "Move RAO-003 Chitra Das to Dr Vikram Mehta 09:00?\n\n"
            "That is another doctor: Dr Vikram Mehta (Orthopaedics), not Dr Asha Rao. "
            "The patient gets a new number there."
        )
        await pilot.press("y")
        await pilot.pause()
        token = app.engine.token("T00003")
        assert (token.slot_id, token.number, token.status) == (
            "mehta-09",
            "MEHTA-001",
            Status.BOOKED,
        )
        assert app.slot_id == "mehta-09"
        assert rows(app, "booked", "number", "patient") == [("MEHTA-001", "Chitra Das")]


async def test_capacity_keys_promote_and_preempt(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("plus")
        await pilot.pause()
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "BOOKED"),
            ("RAO-001", "BOOKED"),
            ("RAO-003", "▲ PROMOTED"),
        ]
        await pilot.press("minus", "minus")
        await pilot.pause()
        assert app.engine.slot("rao-09").capacity == 1
        assert rows(app, "booked", "number") == [("RAO-002",)]
        assert rows(app, "waiting", "number", "status") == [
            ("RAO-001", "▼ PREEMPTED"),
            ("RAO-003", "▼ PREEMPTED"),
        ]
        assert log_lines(app)[:2] == [
            "▼ RAO-001 Asha Menon preempted (capacity cut to 1) · Dr Asha Rao 09:00",
            "Dr Asha Rao 09:00 capacity 2 → 1",
        ]


async def test_delay_shifts_the_estimates(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        form = app.screen
        assert isinstance(form, DelayForm)
        form.query_one("#minutes", Input).value = "abc"
        await pilot.press("enter")
        assert (
            str(form.query_one("#error", Static).render())
            == "'abc' is not a whole number of minutes"
        )
        form.query_one("#minutes", Input).value = "20"
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app, "booked", "estimate") == [("09:20",), ("09:50",)]
        assert rows(app, "schedule", "time") == [("09:00 +20m",), ("10:00 +20m",)]
        assert log_lines(app)[0] == "◷ Dr Asha Rao running 20 min later (2 slots)"


async def test_find_jumps_to_the_patient(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        await pilot.pause()
        assert app.doctor_id == "mehta"
        await pilot.press("slash")
        assert isinstance(app.screen, FindPatient)
        await pilot.press(*"chit", "enter")
        await pilot.pause()
        assert (app.doctor_id, app.slot_id) == ("rao", "rao-09")
        waiting = app.query_one("#waiting", Table)
        assert waiting.has_focus and waiting.cursor_key == "T00003"


async def test_jump_goes_to_a_preemption_in_another_slot(app: OpdApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("down")
        await pilot.pause()
        app.perform(Book("rao-09", "Farah Ali", "paid"))
        await pilot.pause()
        assert toasts(app)[-1].endswith("Press j to jump there.")
        await pilot.press("j")
        await pilot.pause()
        assert (app.doctor_id, app.slot_id) == ("rao", "rao-09")
        assert app.query_one("#waiting", Table).cursor_key == "T00001"


async def test_the_cursor_stays_on_its_token_when_rows_move(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        waiting = app.query_one("#waiting", Table)
        waiting.focus()
        app.perform(Book("rao-09", "Gita Sen", "paid"))  # preempts Asha ahead of Chitra
        await pilot.pause()
        assert rows(app, "waiting", "number") == [("RAO-001",), ("RAO-003",)]
        assert waiting.cursor_key == "T00003"


async def test_overview_shows_every_doctor_and_slot(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert app.query_one(ContentSwitcher).current == "overview"
        assert rows(app, "overview", "doctor", "09:00", "10:00") == [
            ("Dr Asha Rao", "██      2/2  +1 ", "█░░     1/3     "),
            ("Dr Vikram Mehta", "░░      0/2     ", ""),
        ]
        app.perform(Book("mehta-09", "Hari Nair", "online"))
        await pilot.pause()
        assert rows(app, "overview", "09:00")[1] == ("█░      1/2     ",)
        await pilot.press("o")
        assert app.query_one(ContentSwitcher).current == "day"


async def test_help_lists_every_key_and_the_rule(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        for key in ("`n`", "`c`", "`b`", "`B`", "`s`", "`x`", "`m`", "`+`", "`-`", "`d`", "`/`"):
            assert key in screen.text
        assert "the **latest** arrival" in screen.text
        assert "memory only (nothing is saved)" in screen.text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_command_palette_offers_every_action(app: OpdApp) -> None:
    async with app.run_test(size=SIZE):
        titles = await palette_titles(app)
        for title in ("Book (n)", "Cancel (c)", "Bump↑ (b)", "Overview (o)", "Help (?)", "Theme"):
            assert title in titles
        assert "Undo (^z)" in titles
        assert "Step (→)" not in titles  # replay commands only on a replay


async def test_a_command_from_the_palette_runs_its_action(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "overview")
        assert app.query_one(ContentSwitcher).current == "overview"
        await run_from_palette(pilot, "runs late")  # found by what it does: Delay
        assert isinstance(app.screen, DelayForm)


async def test_q_quits(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running


async def test_a_long_day_keeps_only_the_newest_log_lines(clock: FakeClock) -> None:
    engine, history = small_clinic(clock)
    for n in range(MAX_LINES):
        history += engine.book("rao-10", f"Patient {n}", "walk-in")
    app = OpdApp(MemoryDesk(engine, "Test Clinic", clock().date()), history=history)
    async with app.run_test(size=SIZE):
        log = app.query_one(ActivityLog)
        assert log.row_count == MAX_LINES
        keys = [row.key.value for row in log.ordered_rows]
        assert keys[0] == str(len(history)) and keys[-1] == str(len(history) - MAX_LINES + 1)
        assert log_lines(app)[0] == (
            f"RAO-{len(engine.tokens()):03d} Patient {MAX_LINES - 1} waitlisted (slot full)"
            " · walk-in 1 · Dr Asha Rao 10:00"
        )


async def test_a_burst_from_another_desk_longer_than_the_log_replaces_it(tmp_path: Path) -> None:
    here = open_journal(tmp_path / "day.db")
    there = open_journal(tmp_path / "day.db")
    app = OpdApp(here, history=here.history, wall_clock=lambda: datetime(2026, 11, 25, 8, 0))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = len(app.timeline)
        for n in range(MAX_LINES + 100):
            there.act(Book(f"iyer-{9 + n % 4:02d}", f"Patient {n}", "walk-in"))
        app.tick()
        await pilot.pause()
        log = app.query_one(ActivityLog)
        total = before + MAX_LINES + 100
        keys = [row.key.value for row in log.ordered_rows]
        assert (len(keys), keys[0], keys[-1]) == (MAX_LINES, str(total), str(total - MAX_LINES + 1))
        assert log_lines(app)[0].startswith(
            f"⇄ IYER-{MAX_LINES + 100:03d} Patient {MAX_LINES + 99} "
        )
        there.act(Book("rao-09", "One More", "paid"))
        app.tick()
        await pilot.pause()
        keys = [row.key.value for row in log.ordered_rows]
        assert (len(keys), keys[0], keys[-1]) == (
            MAX_LINES,
            str(total + 1),
            str(total - MAX_LINES + 2),
        )
        before = log_lines(app)
        for n in range(100):
            there.act(Book("khan-10", f"Late {n}", "walk-in"))
        app.tick()
        await pilot.pause()
        keys = [row.key.value for row in log.ordered_rows]
        assert keys == [str(seq) for seq in range(total + 101, total - MAX_LINES + 101, -1)]
        assert log_lines(app)[100:] == before[:400]
        assert log_lines(app)[0].startswith("⇄ KHAN-100 Late 99 ")


async def test_a_burst_of_preemptions_names_three_and_counts_the_rest(tmp_path: Path) -> None:
    here = open_journal(tmp_path / "day.db")
    there = open_journal(tmp_path / "day.db")
    app = OpdApp(here, history=here.history, wall_clock=lambda: datetime(2026, 11, 25, 8, 0))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        for n in range(6):
            there.act(Book("iyer-09", f"Patient {n}", "walk-in"))
        for n in range(4):
            there.act(Book("iyer-09", f"Urgent {n}", "emergency"))
        app.tick()
        await pilot.pause()
        assert toasts(app)[-1].splitlines() == [
            "▼ IYER-006 Patient 5 preempted by IYER-007 Urgent 0 (emergency 5 > walk-in 1)",
            "▼ IYER-005 Patient 4 preempted by IYER-008 Urgent 1 (emergency 5 > walk-in 1)",
            "▼ IYER-004 Patient 3 preempted by IYER-009 Urgent 2 (emergency 5 > walk-in 1)",
            "▼ 1 more preempted (see the log)",
            "Press j to jump there.",
        ]


async def test_a_past_log_line_shows_the_day_as_it_was(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await book(pilot, "Esha Rao", "emergency")
        log = app.query_one(ActivityLog)
        log.focus()
        log.move_cursor(row=log.get_row_index("7"))  # event 7: Bala Iyer booked, Chitra not yet
        await pilot.press("enter")
        await pilot.pause()
        assert app.moment == 7
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "BOOKED"),
            ("RAO-001", "BOOKED"),
        ]
        assert rows(app, "waiting", "number") == []
        assert "HISTORY as at 08:36:00 (#7) · esc returns to now" in (
            app.query_one(ClinicHeader).render().plain
        )
        await pilot.press("n")
        await pilot.pause()
        assert toasts(app)[-1] == "this is the day as it was: press escape to return to now"
        assert len(app.desk.engine.tokens()) == 5
        await pilot.press("escape")
        await pilot.pause()
        assert app.moment is None
        assert rows(app, "booked", "number", "status") == [
            ("RAO-005", "► TOOK SEAT"),
            ("RAO-002", "BOOKED"),
        ]
        assert "HISTORY" not in app.query_one(ClinicHeader).render().plain


class FullDiskDesk(MemoryDesk):
    """A desk whose journal cannot record anything."""

    def act(self, action: str, *args: object, **kwargs: object) -> list[Event]:
        raise StoreError("cannot write the journal: disk full")


async def test_a_failed_write_is_said_and_the_screen_shows_the_recorded_day(
    clock: FakeClock,
) -> None:
    engine, history = small_clinic(clock)
    app = OpdApp(FullDiskDesk(engine, "Test Clinic", clock().date()), history=history)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.query_one("#booked", Table).focus()
        await pilot.press("s")
        await pilot.pause()
        assert toasts(app) == ["cannot write the journal: disk full"]
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "BOOKED"),
            ("RAO-001", "BOOKED"),
        ]


async def test_ctrl_z_takes_back_the_last_action_exactly(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await book(pilot, "Esha Rao", "emergency")
        assert rows(app, "waiting", "number") == [("RAO-001",), ("RAO-003",)]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert rows(app, "booked", "number", "patient") == [
            ("RAO-002", "Bala Iyer"),
            ("RAO-001", "Asha Menon"),
        ]
        assert rows(app, "waiting", "number", "preempted") == [("RAO-003", "")]
        assert toasts(app)[-1] == "Undone: book RAO-005 Esha Rao"
        assert log_lines(app)[:4] == [
            "↶ Dr Asha Rao 09:00 as it was (capacity 2)",
            "↶ booking withdrawn · Dr Asha Rao 09:00",
            "↶ RAO-001 Asha Menon back as BOOKED · Dr Asha Rao 09:00",
            "↶ undid book: RAO-005 Esha Rao",
        ]
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z", "ctrl+z")  # the clinic's four bookings
        await pilot.pause()
        assert app.engine.tokens() == []
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert toasts(app)[-1].startswith("nothing to undo")


async def test_another_desks_booking_appears_and_is_announced(tmp_path: Path) -> None:
    here = open_journal(tmp_path / "day.db")
    there = open_journal(tmp_path / "day.db")
    app = OpdApp(here, history=here.history, wall_clock=lambda: datetime(2026, 11, 25, 8, 0))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert app.slot_id == "rao-09"
        there.act(Book("rao-09", "Farah Ali", "paid"))
        app.tick()
        await pilot.pause()
        assert rows(app, "booked", "patient") == [("Farah Ali",)]
        assert log_lines(app)[0] == "⇄ RAO-001 Farah Ali booked · paid 4 · Dr Asha Rao 09:00"
        assert toasts(app) == ["Another desk changed this slot."]


async def test_rename_corrects_the_selected_patient_and_keeps_their_place(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.query_one("#booked", Table).focus()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, RenameForm)
        field = app.screen.query_one("#patient", Input)
        assert field.value == "Bala Iyer"
        field.value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RenameForm)  # refused: the form stays, with what was typed
        assert field.value == "   "
        field.value = "Bala Iyengar"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RenameForm)
        assert rows(app, "booked", "number", "patient") == [
            ("RAO-002", "Bala Iyengar"),
            ("RAO-001", "Asha Menon"),
        ]
        assert log_lines(app)[0] == "✎ RAO-002 Bala Iyer renamed Bala Iyengar · Dr Asha Rao 09:00"
        assert toasts(app) == ["RAO-002 is now Bala Iyengar"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert rows(app, "booked", "patient") == [("Bala Iyer",), ("Asha Menon",)]


async def test_rename_of_a_seen_patient_says_why_without_a_form(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.query_one("#booked", Table).focus()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, RenameForm)
        assert toasts(app)[-1] == (
            "RAO-002 is served: only a booked or waiting token can be renamed."
        )
