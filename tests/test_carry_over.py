"""Closing the day: the patients left unseen carried into the next day's matching slots, keeping
their rank among themselves, as one undoable action on the new day; in the engine, the journal
and at the dashboard."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import CLINIC, DAY, SetClock, clinic_set_up, redecide
from test_dashboard import SIZE, toasts
from textual.pilot import Pilot

from opd_tui.engine import (
    Book,
    Booked,
    CarriedOver,
    CarryOver,
    CheckIn,
    Conflict,
    Engine,
    Event,
    Invalid,
    NotFound,
    Preempted,
    Undone,
    Waitlisted,
    carry_over_of,
)
from opd_tui.store import JournalDesk, SqliteStore
from opd_tui.ui.app import OpdApp
from opd_tui.ui.screens.confirm import Confirm

NEXT = DAY + timedelta(days=1)
MORNING2 = datetime.combine(NEXT, datetime.min.time()).replace(hour=8)


def first_day(clock: SetClock | None = None) -> Engine:
    """rao-09 (4 seats): Asha walk-in served; Bala online, Dev paid and Chitra walk-in seated;
    Esha walk-in (with a phone) waits. rao-10: Farah follow-up in the room, Gita walk-in
    cancelled. mehta-11: Hari paid booked."""
    engine = Engine(clock=clock or SetClock())
    clinic_set_up(engine)
    for slot_id, patient, source, phone in [
        ("rao-09", "Asha", "walk-in", ""),
        ("rao-09", "Bala", "online", ""),
        ("rao-09", "Dev", "paid", ""),
        ("rao-09", "Chitra", "walk-in", ""),
        ("rao-09", "Esha", "walk-in", "9845012345"),
        ("rao-10", "Farah", "follow-up", ""),
        ("rao-10", "Gita", "walk-in", ""),
        ("mehta-11", "Hari", "paid", ""),
    ]:
        engine.execute(Book(slot_id, patient, source, phone=phone))
    engine.serve("T00001")
    engine.check_in("T00006")
    engine.call_next("rao")
    engine.cancel("T00007")
    return engine


def second_day() -> Engine:
    engine = Engine(clock=SetClock(MORNING2))
    clinic_set_up(engine)
    return engine


def placed(events: list[object]) -> list[tuple[str, str, str, str]]:
    return [
        (type(e).__name__, e.number, e.patient, e.slot_id)  # type: ignore[attr-defined]
        for e in events
        if isinstance(e, (Booked, Waitlisted))
    ]


def test_the_unseen_are_the_waiting_the_booked_and_the_called() -> None:
    engine = first_day()
    assert [(t.number, t.patient, t.status.value) for t in engine.unseen()] == [
        ("RAO-002", "Bala", "BOOKED"),
        ("RAO-003", "Dev", "BOOKED"),
        ("RAO-004", "Chitra", "BOOKED"),
        ("RAO-005", "Esha", "WAITING"),
        ("RAO-006", "Farah", "CALLED"),
        ("MEHTA-001", "Hari", "BOOKED"),
    ]


def test_carry_over_places_them_stronger_first_keeping_their_order_among_equals() -> None:
    today = second_day()
    today.execute(Book("rao-09", "Ravi", "walk-in"))  # booked today before the carry-over
    command, left = carry_over_of(first_day(), today, DAY.isoformat())
    assert left == []
    assert command == CarryOver(
        DAY.isoformat(),
        (
            ("RAO-002", "rao-09", "Bala", "online", 2, "", ""),
            ("RAO-003", "rao-09", "Dev", "paid", 4, "", ""),
            ("RAO-004", "rao-09", "Chitra", "walk-in", 1, "", ""),
            ("RAO-005", "rao-09", "Esha", "walk-in", 1, "9845012345", ""),
            ("RAO-006", "rao-10", "Farah", "follow-up", 3, "", ""),
            ("MEHTA-001", "mehta-11", "Hari", "paid", 4, "", ""),
        ),
    )
    events = today.execute(command)
    assert placed(events) == [
        ("Booked", "RAO-002", "Dev", "rao-09"),
        ("Booked", "MEHTA-001", "Hari", "mehta-11"),
        ("Booked", "RAO-003", "Farah", "rao-10"),
        ("Booked", "RAO-004", "Bala", "rao-09"),
        ("Booked", "RAO-005", "Chitra", "rao-09"),
        ("Waitlisted", "RAO-006", "Esha", "rao-09"),
    ]
    assert not any(isinstance(e, Preempted) for e in events)  # Ravi arrived first today
    view = today.slot_view("rao-09")
    assert [s.token.patient for s in view.booked] == ["Dev", "Bala", "Ravi", "Chitra"]
    assert [t.patient for t in view.waiting] == ["Esha"]
    assert today.token("T00007").phone == "9845012345"


def test_one_who_booked_again_today_is_left_out() -> None:
    today = second_day()
    today.execute(Book("rao-11", "Esha", "walk-in", phone="+91 98450 12345"))
    command, _ = carry_over_of(first_day(), today, DAY.isoformat())
    events = today.execute(command)
    assert "Esha" not in [p[2] for p in placed(events)]
    assert len(placed(events)) == 5


def test_patients_with_no_matching_slot_stay_behind() -> None:
    today = Engine(clock=SetClock(MORNING2))
    today.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    today.add_slot("rao-early", "rao", "09:00", "09:45", 3)  # another id, the same start
    command, left = carry_over_of(first_day(), today, DAY.isoformat())
    assert [p[:2] for p in command.patients] == [
        ("RAO-002", "rao-early"),
        ("RAO-003", "rao-early"),
        ("RAO-004", "rao-early"),
        ("RAO-005", "rao-early"),
    ]
    assert [t.number for t in left] == ["RAO-006", "MEHTA-001"]


def test_carry_over_refusals_change_nothing() -> None:
    today = second_day()
    with pytest.raises(Invalid) as refused:
        today.execute(CarryOver(DAY.isoformat(), ()))
    assert str(refused.value) == "nobody to carry over from 2026-11-25"
    with pytest.raises(NotFound):
        today.execute(CarryOver("x", (("RAO-001", "nowhere", "Asha", "walk-in", 1, "", ""),)))
    with pytest.raises(Invalid):
        today.execute(CarryOver("x", (("RAO-001", "rao-09", "Asha", "walk-in", "1", "", ""),)))
    with pytest.raises(Invalid):
        today.execute(CarryOver("x", (("RAO-001", "rao-09"),)))  # type: ignore[arg-type]
    today.execute(Book("rao-09", "Esha", "walk-in", phone="9845012345"))
    with pytest.raises(Conflict) as refused:
        today.execute(
            CarryOver("x", (("RAO-005", "rao-10", "Esha", "walk-in", 1, "9845012345", ""),))
        )
    assert str(refused.value) == "everyone carried over from x already holds a token today"
    assert len(today.tokens()) == 1


def test_carry_over_is_one_undoable_action() -> None:
    today = second_day()
    command, _ = carry_over_of(first_day(), today, DAY.isoformat())
    today.execute(command)
    undone = today.undo()
    assert undone[0] == Undone(MORNING2, "carry-over", "6 patients carried over from 2026-11-25")
    assert undone[1] == CarriedOver(MORNING2, "2026-11-25", back=True)
    assert today.tokens() == []
    assert placed(today.execute(command))  # taken back: the day may be carried over again


def test_a_day_is_carried_over_once() -> None:
    today = second_day()
    command, _ = carry_over_of(first_day(), today, DAY.isoformat())
    events = today.execute(command)
    assert events[0] == CarriedOver(MORNING2, "2026-11-25")
    with pytest.raises(Conflict) as refused:
        today.execute(command)
    assert str(refused.value) == "the patients of 2026-11-25 were carried over already"
    restored = Engine.restore(today.snapshot(), clock=SetClock(MORNING2))
    with pytest.raises(Conflict):
        restored.execute(command)
    replayed = Engine(clock=SetClock(MORNING2))
    replayed.apply_all(second_day_events() + events)
    with pytest.raises(Conflict):
        replayed.execute(command)


def second_day_events() -> list[Event]:
    engine = Engine(clock=SetClock(MORNING2))
    return clinic_set_up(engine)


def test_a_journal_list_reads_back_as_the_same_command() -> None:
    asked = CarryOver("2026-11-25", [["RAO-002", "rao-09", "Bala", "online", 2, "", ""]])  # type: ignore[arg-type]
    assert asked == CarryOver("2026-11-25", (("RAO-002", "rao-09", "Bala", "online", 2, "", ""),))


# ------------------------------------------------------------------ the journal
def two_days(tmp_path: Path) -> tuple[SqliteStore, JournalDesk]:
    """A journal with the first day played, and a desk on the next day (its doctors carried)."""
    path = tmp_path / "journal.sqlite3"
    clock = SetClock()
    first = JournalDesk(
        SqliteStore(path), DAY, today=DAY, clock=clock, setup=clinic_set_up, clinic_name=CLINIC
    )
    for command in [
        Book("rao-09", "Asha", "walk-in"),
        Book("rao-09", "Bala", "online"),
        Book("rao-09", "Dev", "paid"),
        Book("rao-09", "Chitra", "walk-in"),
        Book("rao-09", "Esha", "walk-in", phone="9845012345"),
        Book("rao-10", "Farah", "follow-up"),
        Book("rao-10", "Gita", "walk-in"),
        Book("mehta-11", "Hari", "paid"),
    ]:
        first.act(command)
    first.act(CheckIn("T00006"))
    first.close()
    store = SqliteStore(path)
    desk = JournalDesk(store, NEXT, today=NEXT, clock=SetClock(MORNING2))
    return store, desk


def test_the_next_day_carries_over_from_the_journal_and_replays(tmp_path: Path) -> None:
    store, desk = two_days(tmp_path)
    earlier = desk.earlier_day()
    assert earlier is not None
    day, engine = earlier
    assert day == DAY
    assert [t.patient for t in engine.unseen()] == [
        "Asha", "Bala", "Dev", "Chitra", "Esha", "Farah", "Gita", "Hari",
    ]  # fmt: skip
    command, _ = carry_over_of(engine, desk.engine, day.isoformat())
    events = desk.act(command)
    assert [p[2] for p in placed(events)] == [
        "Dev", "Hari", "Farah", "Bala", "Asha", "Chitra", "Esha", "Gita",
    ]  # fmt: skip
    assert [a.name for a in store.actions(NEXT)][-1] == "carry-over"
    replayed = redecide(store, NEXT)
    assert replayed.tokens() == desk.engine.tokens()
    desk.close()


def test_a_first_day_has_nothing_earlier(tmp_path: Path) -> None:
    desk = JournalDesk(
        SqliteStore(tmp_path / "j.sqlite3"), DAY, today=DAY, clock=SetClock(),
        setup=clinic_set_up, clinic_name=CLINIC,
    )  # fmt: skip
    assert desk.earlier_day() is None
    desk.close()


# ------------------------------------------------------------------ the dashboard
async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def test_the_dashboard_asks_then_carries_over(tmp_path: Path) -> None:
    _, desk = two_days(tmp_path)
    app = OpdApp(desk, wall_clock=SetClock(MORNING2))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "C")
        question = app.screen
        assert isinstance(question, Confirm)
        assert str(question.question) == (
            "Carry the 8 patients left waiting or booked but unseen on Wed 25 Nov into today's "
            "matching slots? Among themselves they keep their order; the rule decides who sits."
            "\nctrl+z undoes it."
        )
        await press(pilot, "y")
        assert toasts(app)[-1] == "8 carried over from Wed 25 Nov: 7 seated, 1 waiting"
        assert len(app.engine.tokens()) == 8
        await press(pilot, "ctrl+z")
        assert app.engine.tokens() == []
    desk.close()


async def test_a_memory_desk_says_there_is_no_earlier_day(tmp_path: Path) -> None:
    from opd_tui.desk import MemoryDesk

    app = OpdApp(MemoryDesk(second_day(), "Test", NEXT), wall_clock=SetClock(MORNING2))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "C")
        assert toasts(app) == [
            "No earlier day to carry patients over from: that needs a journal kept over more "
            "than one day."
        ]


# ------------------------------------------------------------------ the service
def test_the_service_carries_over_from_the_previous_day(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from opd_tui.api import Today, create_app

    _, desk = two_days(tmp_path)
    desk.close()
    today = Today(SqliteStore(tmp_path / "journal.sqlite3"), clock=SetClock(MORNING2))
    with TestClient(create_app(today)) as client:
        answer = client.post("/v1/carry-over", headers={"Idempotency-Key": "close-25"})
        assert answer.status_code == 200, answer.text
        kinds = [e["kind"] for e in answer.json()["events"]]
        # Esha waits; Gita sits
        assert kinds == ["carried-over"] + ["booked"] * 6 + ["waitlisted", "booked"]
        again = client.post("/v1/carry-over", headers={"Idempotency-Key": "close-25"})
        assert again.json() == answer.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        tokens = client.get("/v1/slots/rao-09").json()
        assert [s["token"]["patient"] for s in tokens["booked"]] == [
            "Dev", "Bala", "Asha", "Chitra",
        ]  # fmt: skip


def test_the_service_refuses_a_carry_over_with_no_earlier_day(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from opd_tui.api import Today, create_app

    today = Today(SqliteStore(tmp_path / "j.sqlite3"), clock=SetClock(), setup=clinic_set_up)
    with TestClient(create_app(today)) as client:
        answer = client.post("/v1/carry-over")
        assert answer.status_code == 409
        assert answer.json() == {
            "error": "conflict",
            "message": "no day before 2026-11-25 in the journal to carry over from",
            "problems": [],
        }
