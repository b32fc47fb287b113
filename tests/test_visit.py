"""The patient's visit in the engine and the journal: check in, call, seen, return, overdue,
rooms and the wait estimate, each with its refusals, undo and replay."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import DAY, SetClock, open_journal, redecide, snapshot

from opd_tui.engine import (
    Book,
    Call,
    Called,
    CallNext,
    CheckedIn,
    CheckIn,
    Conflict,
    Engine,
    Invalid,
    MarkedNoShow,
    NoShowOverdue,
    NotFound,
    OpdError,
    Preempted,
    Promoted,
    Returned,
    ReturnToQueue,
    RoomSet,
    Serve,
    Served,
    SetRoom,
    Status,
    VisitRules,
)
from opd_tui.store import SqliteStore

NINE = datetime(2026, 3, 2, 9, 0)


def clinic(clock: SetClock | None = None, visit: VisitRules | None = None) -> Engine:
    """Dr Rao, room 3: rao-09 (2 seats, 09:00–10:00) and rao-10 (2 seats, 10:00–11:00).
    rao-09: Asha walk-in T1 waits behind Bala online T2 and Dev paid T4; Chitra walk-in T3 waits.
    rao-10: Esha follow-up T5 booked."""
    engine = Engine(clock=clock or SetClock(NINE), visit=visit)
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology", "3")
    engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    engine.add_slot("rao-10", "rao", "10:00", "11:00", 2)
    for patient, source in [
        ("Asha", "walk-in"),
        ("Bala", "online"),
        ("Chitra", "walk-in"),
        ("Dev", "paid"),
    ]:
        engine.execute(Book("rao-09", patient, source))
    engine.execute(Book("rao-10", "Esha", "follow-up"))
    return engine


def seated(engine: Engine, slot_id: str) -> list[tuple[str, Status]]:
    return [(s.token.id, s.token.status) for s in engine.slot_view(slot_id).booked]


def test_check_in_makes_a_token_present_and_call_next_takes_the_best_of_the_earliest_slot() -> None:
    engine = clinic()
    for token_id in ("T00001", "T00002", "T00004", "T00005"):
        assert engine.execute(CheckIn(token_id)) == [
            CheckedIn(NINE, token_id, engine.token(token_id).slot_id)
        ]
    assert engine.token("T00001").present and not engine.token("T00003").present
    # Dev (paid 4) outranks Bala (online 2) in rao-09; Asha waits, so she is not called.
    assert engine.execute(CallNext("rao")) == [Called(NINE, "T00004", "rao-09", True)]
    assert engine.execute(CallNext("rao")) == [Called(NINE, "T00002", "rao-09", True)]
    assert engine.execute(CallNext("rao")) == [Called(NINE, "T00005", "rao-10", True)]
    assert seated(engine, "rao-09") == [("T00004", Status.CALLED), ("T00002", Status.CALLED)]
    stats = engine.slot_stats("rao-09")
    assert (stats.called, stats.booked, stats.waiting, stats.occupied) == (2, 0, 2, 2)
    with pytest.raises(Conflict, match=r"^nobody to call for Dr Asha Rao: no booked patient"):
        engine.execute(CallNext("rao"))


def test_a_called_token_holds_its_seat_against_an_emergency() -> None:
    engine = clinic()
    engine.execute(CheckIn("T00002"))
    engine.execute(Call("T00002"))
    events = engine.execute(Book("rao-09", "Farah", "emergency"))
    assert [type(e).__name__ for e in events] == ["Preempted", "Booked"]
    assert events[0].token_id == "T00004"  # type: ignore[attr-defined]  # Dev, not Bala, loses
    assert engine.token("T00002").status is Status.CALLED


def test_calling_out_of_turn_is_recorded_as_such() -> None:
    engine = clinic()
    engine.execute(CheckIn("T00002"))
    engine.execute(CheckIn("T00004"))
    assert engine.execute(Call("T00002")) == [Called(NINE, "T00002", "rao-09", False)]
    assert engine.execute(Call("T00004")) == [Called(NINE, "T00004", "rao-09", True)]


def test_seen_after_a_call_records_the_consultation_minutes() -> None:
    clock = SetClock(NINE)
    engine = clinic(clock)
    engine.execute(CheckIn("T00004"))
    engine.execute(CallNext("rao"))
    clock.now = NINE + timedelta(minutes=12, seconds=30)
    assert engine.execute(Serve("T00004")) == [Served(clock.now, "T00004", "rao-09")]
    seen = engine.token("T00004")
    assert (seen.status, seen.minutes, seen.called_at) == (Status.SERVED, 12.5, NINE)
    engine.execute(Serve("T00002"))  # straight from a seat: no minutes
    assert engine.token("T00002").minutes is None
    assert engine.queue("rao").minutes == 12.5


def test_return_to_queue_lets_a_stronger_waiting_token_take_the_seat() -> None:
    engine = clinic()
    engine.execute(CheckIn("T00002"))
    engine.execute(Call("T00002"))
    engine.execute(Book("rao-09", "Gita", "follow-up"))  # follow-up 3: waits behind the called
    events = engine.execute(ReturnToQueue("T00002"))
    assert events == [
        Returned(NINE, "T00002", "rao-09", NINE),
        Preempted(NINE, "T00002", "rao-09", "T00006", "follow-up 3 > online 2"),
        Promoted(NINE, "T00006", "rao-09", "T00002"),
    ]
    bala = engine.token("T00002")
    assert (bala.status, bala.unanswered, bala.present, bala.called_at) == (
        Status.WAITING,
        1,
        True,
        None,
    )


@pytest.mark.parametrize(
    ("command", "error", "message"),
    [
        (CheckIn("T00042"), NotFound, "unknown token 'T00042'"),
        (CheckIn("T00001"), Conflict, "RAO-001 checked in already, at 09:00"),
        (CallNext("iyer"), NotFound, "unknown doctor 'iyer'"),
        (Call("T00003"), Conflict, "RAO-003 is on the waitlist; only a booked token can be called"),
        (Call("T00002"), Conflict, "RAO-002 has not checked in; check the patient in first"),
        (
            ReturnToQueue("T00004"),
            Conflict,
            "cannot return RAO-004 to the queue: it is booked, not in the room",
        ),
        (ReturnToQueue("T00042"), NotFound, "unknown token 'T00042'"),
        (NoShowOverdue("rao"), Conflict, "nobody is overdue for Dr Asha Rao"),
        (NoShowOverdue(), Conflict, "nobody is overdue today"),
        (SetRoom("rao", "3"), Conflict, "Dr Asha Rao is already in room 3"),
        (
            SetRoom("rao", "x" * 17),
            Invalid,
            "a room is at most 16 printable characters on one line",
        ),
        (SetRoom("rao", "3\n4"), Invalid, "a room is at most 16 printable characters on one line"),
        (SetRoom("iyer", "4"), NotFound, "unknown doctor 'iyer'"),
    ],
)
def test_what_makes_no_sense_is_refused_and_changes_nothing(
    command: object, error: type[OpdError], message: str
) -> None:
    engine = clinic()
    engine.execute(CheckIn("T00001"))
    before = snapshot(engine)
    with pytest.raises(error, match=f"^{message}$"):
        engine.execute(command)  # type: ignore[arg-type]
    assert snapshot(engine) == before


def test_a_called_or_closed_token_refuses_what_only_a_queued_one_can_do() -> None:
    engine = clinic()
    engine.execute(CheckIn("T00004"))
    engine.execute(Call("T00004"))
    for verb, act in [
        ("check in", lambda: engine.execute(CheckIn("T00004"))),
        ("cancel", lambda: engine.cancel("T00004")),
        ("mark as no-show", lambda: engine.no_show("T00004")),
        ("bump", lambda: engine.bump("T00004")),
        ("move", lambda: engine.move("T00004", "rao-10")),
    ]:
        with pytest.raises(Conflict, match=rf"^cannot {verb} RAO-004: it is in the room$"):
            act()
    engine.execute(Serve("T00004"))
    with pytest.raises(Conflict, match=r"^cannot return RAO-004 to the queue: it is served"):
        engine.execute(ReturnToQueue("T00004"))


def test_overdue_tokens_are_marked_no_show_at_once_and_their_seats_promote() -> None:
    clock = SetClock(NINE)
    engine = clinic(clock, VisitRules(grace=10))
    engine.execute(CheckIn("T00002"))  # Bala came; Dev did not
    clock.now = NINE.replace(hour=10, minute=9)
    assert engine.overdue() == []  # 9 minutes after the end: within the grace period
    clock.now = NINE.replace(hour=10, minute=10)
    assert [t.id for t in engine.overdue()] == ["T00004"]
    assert [t.id for t in engine.queue("rao").overdue] == ["T00004"]
    events = engine.execute(NoShowOverdue("rao"))
    assert events == [
        MarkedNoShow(clock.now, "T00004", "rao-09", Status.BOOKED),
        Promoted(clock.now, "T00001", "rao-09", None),
    ]
    assert engine.undo()[0].subject == "1 overdue marked no-show"  # type: ignore[attr-defined]
    assert engine.token("T00004").status is Status.BOOKED


def test_nobody_is_expected_before_the_first_slot_the_room_calls_from_begins() -> None:
    clock = SetClock(NINE.replace(hour=8, minute=20))
    engine = clinic(clock)
    engine.execute(CheckIn("T00004"))
    engine.execute(CheckIn("T00005"))
    assert [(e.token.id, e.at) for e in engine.queue("rao").next_up] == [
        ("T00004", NINE),
        ("T00005", NINE + timedelta(minutes=30)),
    ]


def test_the_wait_estimate_follows_the_call_order_and_the_observed_minutes() -> None:
    clock = SetClock(NINE)
    engine = clinic(clock)
    for token_id in ("T00002", "T00004", "T00005"):
        engine.execute(CheckIn(token_id))
    # Before any consultation: slot length ÷ seats, 30 minutes a patient.
    queue = engine.queue("rao")
    assert [(e.token.id, e.at) for e in queue.next_up] == [
        ("T00004", NINE),
        ("T00002", NINE + timedelta(minutes=30)),
        ("T00005", NINE + timedelta(minutes=60)),
    ]
    assert [t.id for t in queue.not_arrived] == [] and queue.minutes is None
    assert [s.estimate for s in engine.slot_view("rao-09").booked] == ["09:00", "09:30"]
    engine.execute(CallNext("rao"))
    clock.now = NINE + timedelta(minutes=10)
    engine.execute(Serve("T00004"))
    engine.execute(CallNext("rao"))  # Bala, called at 09:10
    engine.execute(Book("rao-10", "Gita", "walk-in"))
    engine.execute(CheckIn("T00006"))
    clock.now = NINE + timedelta(minutes=12)
    queue = engine.queue("rao")
    assert [t.id for t in queue.in_room] == ["T00002"] and queue.minutes == 10.0
    # Bala should be done at 09:20 (the observed 10 minutes): Esha is next then, and Gita
    # follows her by the observed 10 minutes, not the slot's 30.
    assert [(e.token.id, e.at) for e in queue.next_up] == [
        ("T00005", NINE + timedelta(minutes=20)),
        ("T00006", NINE + timedelta(minutes=30)),
    ]
    assert [s.estimate for s in engine.slot_view("rao-10").booked] == ["09:20", "09:30"]
    clock.now = NINE.replace(hour=10, minute=25)  # Bala is taking long: never in the past
    assert [e.at for e in engine.queue("rao").next_up] == [
        clock.now,
        clock.now + timedelta(minutes=10),
    ]


def eleven_o_clock(clock: SetClock) -> Engine:
    """Dr Rao's rao-11: 11:00–12:00, 4 seats, Asha, Bala, Chitra and Dev booked (all walk-ins,
    so in booking order), nobody checked in."""
    engine = Engine(clock=clock)
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology", "3")
    engine.add_slot("rao-11", "rao", "11:00", "12:00", 4)
    for patient in ("Asha", "Bala", "Chitra", "Dev"):
        engine.execute(Book("rao-11", patient, "walk-in"))
    return engine


def estimates(engine: Engine, slot_id: str, at: datetime | None = None) -> list[str]:
    return [s.estimate for s in engine.slot_view(slot_id, at).booked]


def test_a_running_slot_s_estimates_start_from_now_keeping_their_order_and_spacing() -> None:
    clock = SetClock(NINE)
    engine = eleven_o_clock(clock)
    assert estimates(engine, "rao-11") == ["11:00", "11:15", "11:30", "11:45"]
    at = NINE.replace(hour=11, minute=48, second=40)
    assert estimates(engine, "rao-11", at) == ["11:48", "12:03", "12:18", "12:33"]
    clock.now = at  # the engine's own clock when no time is asked for
    assert estimates(engine, "rao-11") == ["11:48", "12:03", "12:18", "12:33"]
    # Before its first seat's time nothing moves; from then on the seats move with the clock.
    assert estimates(engine, "rao-11", NINE.replace(hour=10, minute=50)) == [
        "11:00", "11:15", "11:30", "11:45"
    ]  # fmt: skip
    assert estimates(engine, "rao-11", NINE.replace(hour=11, minute=20)) == [
        "11:20", "11:35", "11:50", "12:05"
    ]  # fmt: skip
    # Past its end it still never shows the past: the patients are overdue, not expected then.
    assert estimates(engine, "rao-11", NINE.replace(hour=13, minute=5)) == [
        "13:05", "13:20", "13:35", "13:50"
    ]  # fmt: skip


def test_seen_and_called_seats_show_now_and_the_rest_follow_the_consultation_in_progress() -> None:
    clock = SetClock(NINE.replace(hour=11))
    engine = eleven_o_clock(clock)
    for token_id in ("T00001", "T00002"):
        engine.execute(CheckIn(token_id))
    engine.execute(Call("T00001"))
    clock.now = NINE.replace(hour=11, minute=10)
    engine.execute(Serve("T00001"))  # 10 minutes: the doctor's observed median
    engine.execute(Call("T00002"))  # Bala in the room from 11:40, so done at 11:50
    clock.now = NINE.replace(hour=11, minute=40)
    engine.execute(ReturnToQueue("T00002"))
    engine.execute(Call("T00002"))
    at = NINE.replace(hour=11, minute=48)
    # Asha seen and Bala in the room show now; Chitra and Dev, not arrived, follow the room
    # from 11:50 on their schedule's 15 minutes apart.
    assert [(s.token.id, s.estimate) for s in engine.slot_view("rao-11", at).booked] == [
        ("T00001", "11:48"),
        ("T00002", "11:48"),
        ("T00003", "11:50"),
        ("T00004", "12:05"),
    ]
    # Chitra arrives: hers is the expected call (when Bala is done), Dev keeps the schedule's.
    engine.execute(CheckIn("T00003"))
    assert estimates(engine, "rao-11", at) == ["11:48", "11:48", "11:50", "12:05"]
    # Bala is taking long: at 12:10 nobody's estimate is before 12:10.
    late = NINE.replace(hour=12, minute=10)
    assert estimates(engine, "rao-11", late) == ["12:10", "12:10", "12:10", "12:25"]
    assert [e.at for e in engine.queue("rao", late).next_up] == [late]


def test_a_later_slot_moves_only_when_the_room_runs_past_its_first_seat() -> None:
    clock = SetClock(NINE)
    engine = clinic(clock)
    engine.execute(CheckIn("T00004"))
    engine.execute(CallNext("rao"))  # Dev in the room from 09:00, 30 minutes a patient
    assert estimates(engine, "rao-10", NINE.replace(minute=20)) == ["10:00"]
    engine.execute(ReturnToQueue("T00004"))
    clock.now = NINE.replace(minute=50)
    engine.execute(CallNext("rao"))  # Dev in the room again from 09:50: done at 10:20
    assert estimates(engine, "rao-10", NINE.replace(minute=55)) == ["10:20"]
    assert estimates(engine, "rao-10", NINE.replace(hour=10, minute=30)) == ["10:30"]


def test_a_room_is_set_undone_and_replayed() -> None:
    engine = clinic()
    assert engine.execute(SetRoom("rao", " 4B ")) == [RoomSet(NINE, "rao", "3", "4B")]
    assert engine.doctor("rao").room == "4B"
    undone = engine.undo()
    assert undone[1:] == [RoomSet(NINE, "rao", "4B", "3")]
    assert engine.doctor("rao").room == "3"


def test_snapshots_follow_the_visit() -> None:
    engine = clinic()
    first = engine.snapshot()
    events = engine.execute(CheckIn("T00004")) + engine.execute(CallNext("rao"))
    events += engine.execute(CheckIn("T00002"))
    taken_on = engine.snapshot(first, events)
    restored = Engine.restore(taken_on, clock=lambda: NINE)
    assert snapshot(restored) == snapshot(engine)
    assert restored.execute(CallNext("rao")) == [Called(NINE, "T00002", "rao-09", True)]
    assert engine.revert(first, events)
    assert engine.token("T00004").status is Status.BOOKED and not engine.token("T00004").present


def test_the_journal_records_the_visit_and_another_desk_sees_it(tmp_path: Path) -> None:
    clock = SetClock()
    desk = open_journal(tmp_path / "j.db", clock)
    other = open_journal(tmp_path / "j.db", clock, desk_name="room 3")
    desk.act(Book("rao-10", "Asha Menon", "walk-in"))
    desk.act(CheckIn("T00001"))
    doctor = desk.engine.token("T00001").slot_id
    doctor_id = desk.engine.slot(doctor).doctor_id
    other.poll()
    called = other.act(CallNext(doctor_id))
    assert called == [Called(clock.now, "T00001", "rao-10", True)]
    assert [e for e in desk.poll() if isinstance(e, Called)] == called
    assert desk.engine.token("T00001").status is Status.CALLED
    store = SqliteStore(tmp_path / "j.db")
    names = [a.name for a in store.actions(DAY)]
    assert names[-3:] == ["book", "check-in", "call-next"]
    assert snapshot(redecide(store)) == snapshot(desk.engine)
    assert snapshot(open_journal(tmp_path / "j.db", clock).engine) == snapshot(desk.engine)
