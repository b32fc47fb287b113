"""The patient's visit at the dashboard: check in, call next or out of turn, return to the queue,
seen with its minutes, overdue no-shows, the room, and the queue view; each key's success and
refusal, with exact rows, toasts and log lines."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import DAY, FakeClock, FakeMonotonic, small_clinic
from store_helpers import open_journal
from test_dashboard import SIZE, book, log_lines, palette_titles, rows, toasts
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from opd_tui.desk import MemoryDesk
from opd_tui.engine import Book, CheckIn, Engine, Status, VisitRules
from opd_tui.ui.app import OpdApp
from opd_tui.ui.queue import QueuePane
from opd_tui.ui.screens.confirm import Confirm
from opd_tui.ui.screens.find import FindPatient
from opd_tui.ui.screens.help import HelpScreen
from opd_tui.ui.screens.room import RoomForm
from opd_tui.ui.tables import Table

BOOKED = ("pos", "number", "patient", "estimate", "status")
QUEUE = ("pos", "number", "patient", "slot", "state", "when")


@pytest.fixture
def app(clock: FakeClock, monotonic: FakeMonotonic) -> OpdApp:
    """The small clinic (see conftest) at 08:42, Dr Rao in room 3."""
    engine, history = small_clinic(clock)
    history += engine.set_room("rao", "3")
    desk = MemoryDesk(engine, "Test Clinic", DAY)
    return OpdApp(desk, history=history, monotonic=monotonic, wall_clock=clock)


def select(app: OpdApp, table_id: str, token_id: str) -> None:
    table = app.query_one(f"#{table_id}", Table)
    table.focus()
    assert table.select_key(token_id)


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def title(app: OpdApp, selector: str) -> str:
    """A panel's title as shown: its markup read back (a ``[`` in a room stays a ``[``)."""
    markup = app.query_one(selector).border_title
    assert markup is not None
    return Content.from_markup(markup).plain


def facts(app: OpdApp) -> str:
    return str(app.query_one("#queue-facts", Static).render())


# ----------------------------------------------------------------- check in


async def test_check_in_marks_the_patient_present_with_their_expected_call(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        select(app, "booked", "T00001")
        await press(pilot, "i")
        assert app.engine.token("T00001").present
        assert rows(app, "booked", *BOOKED) == [
            ("1", "RAO-002", "Bala Iyer", "09:00", "BOOKED"),
            ("2", "RAO-001", "Asha Menon", "09:00", "● BOOKED"),  # the room opens at 09:00
        ]
        assert toasts(app) == ["RAO-001 Asha Menon checked in · expected call ≈ 09:00"]
        assert log_lines(app)[0] == "● RAO-001 Asha Menon checked in · Dr Asha Rao 09:00"
        select(app, "waiting", "T00003")
        await press(pilot, "i")
        assert rows(app, "waiting", "number", "status") == [("RAO-003", "● WAITING")]
        assert toasts(app)[-1] == (
            "RAO-003 Chitra Das checked in · on the waitlist: called once seated"
        )


async def test_check_in_twice_is_refused_and_changes_nothing(app: OpdApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        select(app, "booked", "T00002")
        await press(pilot, "i")
        clock.advance(5)
        before = app.engine.tokens()
        await press(pilot, "i")
        assert toasts(app)[-1] == "RAO-002 checked in already, at 08:42"
        assert app.engine.tokens() == before
        assert log_lines(app)[0] == "● RAO-002 Bala Iyer checked in · Dr Asha Rao 09:00"


# ---------------------------------------------------------------- call next


async def test_call_next_calls_the_best_present_patient_into_the_room(
    app: OpdApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for token_id in ("T00001", "T00002"):
            select(app, "booked", token_id)
            await press(pilot, "i")
        clock.advance(3)
        await press(pilot, "k")
        assert app.engine.token("T00002").status is Status.CALLED
        assert toasts(app)[-1] == "RAO-002 Bala Iyer called to room 3"
        assert log_lines(app)[0] == "▶ RAO-002 Bala Iyer called in · Dr Asha Rao 09:00"
        # In the room for 30 min a seat (no consultation seen yet): Asha is expected at 09:15.
        assert rows(app, "booked", *BOOKED) == [
            ("1", "RAO-002", "Bala Iyer", "09:00", "▶ IN ROOM 0m"),
            ("2", "RAO-001", "Asha Menon", "09:15", "● BOOKED"),
        ]
        assert rows(app, "schedule", "seats")[0] == ("2/2",)  # the room holds its seat


async def test_call_next_with_nobody_present_is_refused(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = app.engine.tokens()
        await press(pilot, "k")
        assert toasts(app) == ["nobody to call for Dr Asha Rao: no booked patient has checked in"]
        assert app.engine.tokens() == before


# -------------------------------------------------------- call out of turn


async def test_call_takes_the_selected_patient_even_out_of_turn(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for token_id in ("T00002", "T00001"):
            select(app, "booked", token_id)
            await press(pilot, "i")
        await press(pilot, "K")  # Asha, though Bala is next in turn
        assert app.engine.token("T00001").status is Status.CALLED
        assert toasts(app)[-1] == "RAO-001 Asha Menon called to room 3 (out of turn)"
        assert log_lines(app)[0] == "▶ RAO-001 Asha Menon called out of turn · Dr Asha Rao 09:00"
        select(app, "booked", "T00002")
        await press(pilot, "K")  # now it is Bala's turn
        assert toasts(app)[-1] == "RAO-002 Bala Iyer called to room 3"
        assert log_lines(app)[0] == "▶ RAO-002 Bala Iyer called in · Dr Asha Rao 09:00"


async def test_call_refuses_a_patient_not_here_or_waiting(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = app.engine.tokens()
        select(app, "booked", "T00002")
        await press(pilot, "K")
        select(app, "waiting", "T00003")
        await press(pilot, "i", "K")
        assert toasts(app) == [
            "RAO-002 has not checked in; check the patient in first",
            "RAO-003 Chitra Das checked in · on the waitlist: called once seated",
            "RAO-003 is on the waitlist; only a booked token can be called",
        ]
        assert [t.status for t in app.engine.tokens()] == [t.status for t in before]


# -------------------------------------------------------------------- seen


async def test_seen_from_the_room_keeps_the_minutes_of_the_consultation(
    app: OpdApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        select(app, "booked", "T00002")
        await press(pilot, "i", "k")
        clock.advance(12)
        await press(pilot, "s")
        assert app.engine.token("T00002").minutes == 12
        assert toasts(app)[-1] == "RAO-002 Bala Iyer marked seen after 12 min in the room"
        assert log_lines(app)[0] == "✓ RAO-002 Bala Iyer seen after 12 min · Dr Asha Rao 09:00"
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "SERVED 12m"),
            ("RAO-001", "BOOKED"),
        ]
        assert rows(app, "schedule", "served")[0] == ("✓1",)


# ------------------------------------------------------------------ return


async def test_return_puts_the_patient_back_and_offers_no_show_after_three_calls(
    app: OpdApp,
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        select(app, "booked", "T00002")
        await press(pilot, "i", "k", "r")
        token = app.engine.token("T00002")
        assert (token.status, token.unanswered, token.present) == (Status.BOOKED, 1, True)
        assert toasts(app)[-1] == "RAO-002 Bala Iyer returned to the queue (1 unanswered call)"
        assert log_lines(app)[0] == (
            "↩ RAO-002 Bala Iyer returned to the queue (08:42 call unanswered) · Dr Asha Rao 09:00"
        )
        assert rows(app, "booked", "number", "status")[0] == ("RAO-002", "● BOOKED ↩1")
        await press(pilot, "k", "r")
        assert app.screen is app.screen_stack[0]  # two calls: no question yet
        await press(pilot, "k", "r")
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.question) == (
            "RAO-002 Bala Iyer did not answer 3 calls: mark as no-show?"
        )
        await press(pilot, "n")
        assert app.engine.token("T00002").status is Status.BOOKED
        await press(pilot, "k", "r", "y")  # a fourth call, asked again: yes
        assert app.engine.token("T00002").status is Status.NO_SHOW
        assert toasts(app)[-1] == "RAO-002 Bala Iyer marked no-show"
        assert rows(app, "booked", "number", "status") == [
            ("RAO-001", "BOOKED"),
            ("RAO-003", "▲ PROMOTED"),
        ]


async def test_the_no_show_offer_follows_the_clinics_calls(
    clock: FakeClock, monotonic: FakeMonotonic
) -> None:
    engine = Engine(clock=clock, visit=VisitRules(calls=1))
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    engine.book("rao-09", "Asha Menon", "walk-in")
    app = OpdApp(MemoryDesk(engine, "Test Clinic", DAY), monotonic=monotonic, wall_clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        select(app, "booked", "T00001")
        await press(pilot, "i", "k", "r")
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.question) == (
            "RAO-001 Asha Menon did not answer 1 call: mark as no-show?"
        )


async def test_return_of_a_patient_not_in_the_room_is_refused(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = app.engine.tokens()
        select(app, "booked", "T00001")
        await press(pilot, "r")
        assert toasts(app) == ["cannot return RAO-001 to the queue: it is booked, not in the room"]
        assert app.engine.tokens() == before


async def test_a_return_that_loses_the_seat_is_highlighted_as_a_preemption(
    app: OpdApp,
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        select(app, "booked", "T00001")
        await press(pilot, "i", "K")  # Asha (walk-in 1) in the room holds her seat …
        app.perform(Book("rao-09", "Esha Rao", "emergency"))  # … so Bala loses his
        await pilot.pause()
        assert rows(app, "booked", "number", "status") == [
            ("RAO-001", "▶ IN ROOM 0m"),
            ("RAO-005", "► TOOK SEAT"),
        ]
        select(app, "booked", "T00001")
        await press(pilot, "r")  # back in the queue, Asha is outranked by Bala (online 2)
        assert rows(app, "booked", "number", "status") == [
            ("RAO-005", "► TOOK SEAT"),
            ("RAO-002", "▲ PROMOTED"),
        ]
        assert rows(app, "waiting", "number", "status", "preempted") == [
            ("RAO-001", "▼ PREEMPTED", "×1"),
            ("RAO-003", "WAITING", ""),
        ]
        assert rows(app, "schedule", "flag")[0] == ("▼ PREEMPTED",)
        assert log_lines(app)[:3] == [
            "▲ RAO-002 Bala Iyer promoted into RAO-001 Asha Menon's seat · Dr Asha Rao 09:00",
            "▼ RAO-001 Asha Menon preempted by RAO-002 Bala Iyer (online 2 > walk-in 1)"
            " · Dr Asha Rao 09:00",
            "↩ RAO-001 Asha Menon returned to the queue (08:42 call unanswered)"
            " · Dr Asha Rao 09:00",
        ]
        assert toasts(app) == [
            "▼ RAO-001 Asha Menon preempted by RAO-002 Bala Iyer (online 2 > walk-in 1)\n"
            "▲ 1 promoted from the waitlist",
            "RAO-001 Asha Menon returned to the queue (1 unanswered call)",
        ]


# ------------------------------------------------------------------ overdue


async def test_overdue_lists_who_and_marks_them_no_show_on_yes(
    app: OpdApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        select(app, "waiting", "T00003")
        await press(pilot, "i")
        clock.now = datetime(2026, 11, 25, 10, 16)  # 09:00 slot over + 15 min grace
        await press(pilot, "O")
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.question) == (
            "Mark 2 overdue patients of Dr Asha Rao as no-show?\n\n"
            "RAO-002 Bala Iyer · 09:00–10:00\n"
            "RAO-001 Asha Menon · 09:00–10:00\n\n"
            "Overdue: booked, not checked in, 15 min after their slot ended. ctrl+z undoes it."
        )
        await press(pilot, "n")
        assert app.engine.token("T00002").status is Status.BOOKED
        await press(pilot, "O", "y")
        statuses = [app.engine.token(t).status for t in ("T00001", "T00002", "T00003")]
        assert statuses == [Status.NO_SHOW, Status.NO_SHOW, Status.BOOKED]
        assert toasts(app)[-1] == "2 overdue patients of Dr Asha Rao marked no-show"
        assert log_lines(app)[:3] == [
            "▲ RAO-003 Chitra Das promoted into a new seat · Dr Asha Rao 09:00",
            "∅ RAO-001 Asha Menon did not show · Dr Asha Rao 09:00",
            "∅ RAO-002 Bala Iyer did not show · Dr Asha Rao 09:00",
        ]
        assert rows(app, "booked", "number", "status") == [("RAO-003", "▲ PROMOTED")]


async def test_overdue_with_nobody_overdue_says_so_without_asking(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = app.engine.tokens()
        await press(pilot, "O")
        assert app.screen is app.screen_stack[0]
        assert toasts(app) == [
            "Nobody is overdue for Dr Asha Rao (booked, not checked in, 15 min after their "
            "slot ended)."
        ]
        assert app.engine.tokens() == before


async def test_overdue_names_eight_and_counts_the_rest(
    clock: FakeClock, monotonic: FakeMonotonic
) -> None:
    engine = Engine(clock=clock)
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    engine.add_slot("rao-08", "rao", "08:00", "08:10", 12)
    for n in range(12):
        engine.book("rao-08", f"Patient {n:02d}", "walk-in")
    app = OpdApp(MemoryDesk(engine, "Test Clinic", DAY), monotonic=monotonic, wall_clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "O")
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.question).splitlines()[:11] == [
            "Mark 12 overdue patients of Dr Asha Rao as no-show?",
            "",
            *(f"RAO-{n:03d} Patient {n - 1:02d} · 08:00–08:10" for n in range(1, 8)),
            "… and 5 more",
            "",
        ]


# --------------------------------------------------------------------- room


async def test_the_room_form_sets_the_doctors_room(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert title(app, "#schedule") == "Schedule · Dr Asha Rao · room 3"
        await press(pilot, "R")
        form = app.screen
        assert isinstance(form, RoomForm)
        field = form.query_one("#room", Input)
        assert field.value == "3"
        await press(pilot, "enter")  # the same room: refused inside the form
        assert app.screen is form
        assert str(form.query_one("#error", Static).render()) == (
            "Dr Asha Rao is already in room 3"
        )
        field.value = "x" * 17
        await press(pilot, "enter")
        assert str(form.query_one("#error", Static).render()) == (
            "a room is at most 16 printable characters on one line"
        )
        assert app.engine.doctor("rao").room == "3"
        field.value = "[b]4B"  # shown as typed, never taken as markup
        await press(pilot, "enter")
        assert not isinstance(app.screen, RoomForm)
        assert app.engine.doctor("rao").room == "[b]4B"
        assert toasts(app) == ["Dr Asha Rao is in room [b]4B now"]
        assert log_lines(app)[0] == "⌂ Dr Asha Rao now in room [b]4B (was 3)"
        assert title(app, "#schedule") == "Schedule · Dr Asha Rao · room [b]4B"
        await press(pilot, "ctrl+z")
        assert title(app, "#schedule") == "Schedule · Dr Asha Rao · room 3"


async def test_escape_closes_the_room_form_and_nothing_changes(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "R")
        app.screen.query_one("#room", Input).value = "9"
        await press(pilot, "escape")
        assert not isinstance(app.screen, RoomForm)
        assert app.engine.doctor("rao").room == "3"


# -------------------------------------------------------------- queue view


async def morning(pilot: Pilot[None], app: OpdApp, clock: FakeClock) -> None:
    """Bala in the room since 09:05; Asha and Dev present; Chitra waits; at 09:12."""
    clock.now = datetime(2026, 11, 25, 9, 2)
    for token_id in ("T00002", "T00001", "T00004"):
        app.perform(CheckIn(token_id))
    clock.now = datetime(2026, 11, 25, 9, 5)
    select(app, "booked", "T00002")
    await press(pilot, "k")
    clock.now = datetime(2026, 11, 25, 9, 12)


async def test_the_queue_shows_the_room_next_up_not_arrived_and_overdue(
    app: OpdApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await morning(pilot, app, clock)
        await press(pilot, "w")
        assert app.focused is app.query_one("#queue-list")
        assert title(app, "#queue-list") == "Queue · Dr Asha Rao · room 3"
        assert rows(app, "queue-list", *QUEUE) == [
            ("", "RAO-002", "Bala Iyer", "09:00", "▶ IN ROOM", "7 min in"),
            ("1", "RAO-001", "Asha Menon", "09:00", "● NEXT", "≈ 09:35"),
            ("2", "RAO-004", "Dev Kumar", "10:00", "● NEXT", "≈ 10:05"),
        ]
        assert facts(app) == (
            "no consultation seen yet: slot length ÷ seats · 1 in the room, 2 next up"
        )
        # Seen after 10 min: the doctor's pace is now 10 min a consultation.
        clock.now = datetime(2026, 11, 25, 9, 15)
        await press(pilot, "s")
        assert rows(app, "queue-list", *QUEUE) == [
            ("1", "RAO-001", "Asha Menon", "09:00", "● NEXT", "≈ 09:15"),
            ("2", "RAO-004", "Dev Kumar", "10:00", "● NEXT", "≈ 09:25"),
        ]
        assert facts(app) == "10 min a consultation (observed) · 2 next up"
        # The keys act on the queue's highlighted patient: Dev, out of turn.
        app.query_one("#queue-list", Table).select_key("T00004")
        await press(pilot, "K")
        assert toasts(app)[-1] == "RAO-004 Dev Kumar called to room 3 (out of turn)"
        assert rows(app, "queue-list", *QUEUE) == [
            ("", "RAO-004", "Dev Kumar", "10:00", "▶ IN ROOM", "0 min in"),
            ("1", "RAO-001", "Asha Menon", "09:00", "● NEXT", "≈ 09:25"),
        ]
        assert app.query_one("#queue-list", Table).cursor_key == "T00004"
        await press(pilot, "w")
        assert app.focused is app.query_one("#booked")
        assert app.query_one(QueuePane).display is False


async def test_the_queue_lists_who_has_not_arrived_and_who_is_overdue(
    app: OpdApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.perform(CheckIn("T00004"))
        await press(pilot, "w")
        assert rows(app, "queue-list", *QUEUE) == [
            ("1", "RAO-004", "Dev Kumar", "10:00", "● NEXT", "≈ 10:00"),  # its slot's start
            ("", "RAO-002", "Bala Iyer", "09:00", "○ NOT ARRIVED", "by 10:15"),
            ("", "RAO-001", "Asha Menon", "09:00", "○ NOT ARRIVED", "by 10:15"),
        ]
        clock.now = datetime(2026, 11, 25, 10, 15)
        app.tick()  # the minute turned
        await pilot.pause()
        assert rows(app, "queue-list", "number", "state", "when") == [
            ("RAO-004", "● NEXT", "≈ 10:15"),
            ("RAO-002", "! OVERDUE", "from 10:15"),
            ("RAO-001", "! OVERDUE", "from 10:15"),
        ]
        assert facts(app) == (
            "no consultation seen yet: slot length ÷ seats · 1 next up, 2 overdue (O: no-show)"
        )
        # A not arrived patient checked in from the queue joins the next up.
        app.query_one("#queue-list", Table).select_key("T00001")
        await press(pilot, "i")
        assert rows(app, "queue-list", "number", "state")[:2] == [
            ("RAO-001", "● NEXT"),
            ("RAO-004", "● NEXT"),
        ]


async def test_the_queue_follows_the_selected_doctor_and_says_what_is_missing(
    app: OpdApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "w")
        app.query_one("#doctors", Table).focus()
        await press(pilot, "down")
        assert app.doctor_id == "mehta"
        assert title(app, "#queue-list") == "Queue · Dr Vikram Mehta"
        assert rows(app, "queue-list", "number") == []
        assert facts(app) == (
            "No room set (R sets it) · no consultation seen yet: slot length ÷ seats · "
            "nobody booked is waiting to be seen"
        )


async def test_the_minutes_in_the_room_count_on_as_the_clock_turns(
    app: OpdApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await morning(pilot, app, clock)
        app.tick()
        await pilot.pause()
        assert rows(app, "booked", "number", "status")[0] == ("RAO-002", "▶ IN ROOM 7m")
        await press(pilot, "w")
        clock.advance(5)
        app.tick()
        await pilot.pause()
        assert rows(app, "queue-list", "number", "when")[0] == ("RAO-002", "12 min in")
        await press(pilot, "w")  # the lists, hidden meanwhile, are drawn as they are now
        assert rows(app, "booked", "number", "status")[0] == ("RAO-002", "▶ IN ROOM 12m")


async def test_the_queue_is_worked_out_only_while_shown_and_its_doctor_changed(
    app: OpdApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    draw = QueuePane.draw

    def counted(pane: QueuePane, engine: Engine, doctor_id: str, *args: object) -> None:
        drawn.append(doctor_id)
        draw(pane, engine, doctor_id, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(QueuePane, "draw", counted)
    async with app.run_test(size=SIZE) as pilot:
        app.perform(Book("rao-10", "Hidden Queue", "walk-in"))
        assert drawn == []
        await press(pilot, "w")
        assert drawn == ["rao"]
        app.perform(Book("mehta-09", "Other Doctor", "walk-in"))  # not this doctor's
        await pilot.pause()
        assert drawn == ["rao"]
        app.perform(Book("rao-10", "Same Doctor", "walk-in"))
        await pilot.pause()
        assert drawn == ["rao", "rao"]
        app.tick()  # the same minute: nothing to count on
        assert drawn == ["rao", "rao"]


async def test_the_queue_follows_another_desks_check_in(tmp_path: Path) -> None:
    here = open_journal(tmp_path / "day.db")
    there = open_journal(tmp_path / "day.db")
    app = OpdApp(here, history=here.history, wall_clock=lambda: datetime(2026, 11, 25, 8, 0))
    async with app.run_test(size=SIZE) as pilot:
        there.act(Book("rao-09", "Farah Ali", "paid"))
        app.tick()
        await press(pilot, "w")
        assert rows(app, "queue-list", "number", "state") == [("RAO-001", "○ NOT ARRIVED")]
        there.act(CheckIn("T00001"))
        app.tick()
        await pilot.pause()
        assert rows(app, "queue-list", "number", "state") == [("RAO-001", "● NEXT")]
        assert log_lines(app)[0] == "⇄ ● RAO-001 Farah Ali checked in · Dr Asha Rao 09:00"


async def test_a_jump_leaves_the_queue_for_the_slots_lists(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "w")
        await press(pilot, "slash", *"chit", "enter")
        assert app.queue_shown is False
        assert app.query_one("#waiting", Table).cursor_key == "T00003"


# ------------------------------------------------- help, palette, footer, find


async def test_help_states_the_rules_one_change_and_the_visits_signs(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        text = " ".join(screen.text.split())
        assert (
            "seated = called + served + the best (capacity − called − served) live tokens" in text
        )
        assert "A patient who has been called or seen** keeps their seat" in text
        for key in ("`i`", "`k`", "`K`", "`r`", "`O`", "`w`", "`R`"):
            assert f"| {key} |" in screen.text
        assert "after 3 the dashboard offers a no-show" in text
        assert "still not checked in 15 min after the slot ended" in text


async def test_the_palette_has_every_visit_key_and_the_footer_two(app: OpdApp) -> None:
    async with app.run_test(size=SIZE):
        titles = await palette_titles(app)
        for title in (
            "Check in (i)",
            "Call next (k)",
            "Call (K)",
            "Return (r)",
            "Overdue (O)",
            "Queue (w)",
            "Room (R)",
        ):
            assert title in titles
        shown = {
            b.binding.key: b.binding.show
            for b in app.active_bindings.values()
            if b.binding.key in ("i", "k", "K", "r", "O", "w", "R")
        }
        assert shown == {
            "i": True,
            "k": True,
            "K": False,
            "r": False,
            "O": False,
            "w": False,
            "R": False,
        }


async def test_find_shows_a_patient_in_the_room(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        select(app, "booked", "T00002")
        await press(pilot, "i", "k")
        await press(pilot, "slash", *"bala")
        picker = app.screen
        assert isinstance(picker, FindPatient)
        prompt = str(picker.query_one("#results", OptionList).get_option_at_index(0).prompt)
        assert prompt.startswith("RAO-002   Bala Iyer                CALLED")


async def test_the_visit_keys_are_refused_on_the_past(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        select(app, "booked", "T00002")
        await press(pilot, "i")
        app.show_moment(len(app.timeline) - 1)  # just before the check-in
        await pilot.pause()
        for key in ("i", "k", "K", "r", "O", "R"):
            await press(pilot, key)
        assert toasts(app)[1:] == ["this is the day as it was: press escape to return to now"] * 6
        assert app.screen is app.screen_stack[0]


async def test_book_from_the_queue_jumps_to_the_new_token(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "w")
        await book(pilot, "Gita Sen", "walk-in")
        assert app.queue_shown is False
        assert app.query_one("#waiting", Table).cursor_key == "T00005"
