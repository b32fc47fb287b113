"""Many actions in one journal transaction, and idempotency keys that make retries safe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_helpers import DAY, SetClock, clinic_set_up, open_journal, snapshot

from opd_tui.engine import AddSlot, Book, Booked, Cancel, Conflict, Invalid, NotFound, Preempted
from opd_tui.store import JournalBusy, JournalDesk, Outcome, Request, SqliteStore, StoreError
from opd_tui.store.desk import ReadOnly
from opd_tui.store.sqlite import BUSY_TIMEOUT_MS


def _book(patient: str, source: str = "walk-in", key: str | None = None) -> Request:
    return Request(Book("rao-10", patient, source), key=key)


def _actions(path: Path) -> list[str]:
    return [a.name for a in SqliteStore(path).actions(DAY)]


def test_a_batch_is_decided_in_order_and_recorded_in_one_transaction(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    outcomes = desk.act_batch([_book(f"P{i}") for i in range(5)])
    assert [o.error for o in outcomes] == [None] * 5
    assert [type(o.events[-1]).__name__ for o in outcomes] == ["Booked"] * 4 + ["Waitlisted"]
    assert [o.events[-1].token_id for o in outcomes] == [f"T0000{i}" for i in range(1, 6)]  # type: ignore[attr-defined]
    ids = [o.action_id for o in outcomes]
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert desk.last_action_id == ids[-1]
    assert _actions(tmp_path / "j.db") == ["open-day"] + ["book"] * 5
    reopened = open_journal(tmp_path / "j.db")
    assert snapshot(reopened.engine) == snapshot(desk.engine)


def test_a_refused_action_in_a_batch_changes_nothing_and_the_rest_go_on(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    outcomes = desk.act_batch(
        [
            _book("Asha"),
            Request(Book("nowhere", "Ravi", "paid")),
            Request(Cancel("T00099")),
            Request(Book("rao-10", "Meena", "royalty")),
            Request("explode"),  # type: ignore[arg-type]
            Request(Book("rao-10", object(), "paid")),
            _book("Imran"),
        ]
    )
    errors = [type(o.error).__name__ if o.error else None for o in outcomes]
    assert errors == [None, "NotFound", "NotFound", "Invalid", "Invalid", "Invalid", None]
    assert str(outcomes[4].error) == "unknown action 'explode'"
    assert str(outcomes[5].error) == "cannot record the arguments of book"
    assert [o.events for o in outcomes[1:6]] == [[]] * 5
    assert _actions(tmp_path / "j.db") == ["open-day", "book", "book"]
    assert [t.patient for t in desk.engine.tokens()] == ["Asha", "Imran"]
    assert isinstance(outcomes[1].error, NotFound)


def test_act_raises_the_engine_error_of_its_one_request(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    token = desk.act(Book("rao-10", "Asha", "paid"))[-1].token_id  # type: ignore[attr-defined]
    desk.act(Cancel(token))
    with pytest.raises(Conflict):
        desk.act(Cancel(token))
    assert _actions(tmp_path / "j.db") == ["open-day", "book", "cancel"]


def test_a_retried_key_gets_the_recorded_action_back_and_books_nothing(tmp_path: Path) -> None:
    clock = SetClock()
    desk = open_journal(tmp_path / "j.db", clock)
    for i in range(4):
        desk.act(Book("rao-10", f"Walk {i}", "walk-in"))
    (first,) = desk.act_batch([_book("Asha", "emergency", key="k-1")])
    assert [type(e) for e in first.events] == [Preempted, Booked]
    assert not first.replayed
    (again,) = open_journal(tmp_path / "j.db", clock).act_batch(
        [_book("Asha", "emergency", key="k-1")]
    )
    assert again == Outcome(first.events, action_id=first.action_id, replayed=True)
    assert _actions(tmp_path / "j.db") == ["open-day"] + ["book"] * 5
    assert len(desk.engine.tokens()) == 5


def test_a_key_repeated_within_one_batch_is_decided_once(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    first, second, other = desk.act_batch(
        [_book("Asha", key="k"), _book("Asha", key="k"), _book("Ravi", key="k2")]
    )
    assert second == Outcome(first.events, action_id=first.action_id, replayed=True)
    assert other.action_id != first.action_id and not other.replayed
    assert _actions(tmp_path / "j.db") == ["open-day", "book", "book"]


def test_a_key_reused_for_another_request_is_refused(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    desk.act_batch([_book("Asha", key="k")])
    (reused,) = desk.act_batch([_book("Ravi", key="k")])
    assert isinstance(reused.error, Invalid)
    assert str(reused.error) == "idempotency key 'k' was already used for a different request"
    assert [t.patient for t in desk.engine.tokens()] == ["Asha"]


def test_a_refused_keyed_request_records_no_key_so_a_retry_can_succeed(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    request = Request(Book("rao-13", "Asha", "paid"), key="k")
    (refused,) = desk.act_batch([request])
    assert isinstance(refused.error, NotFound)
    desk.act(AddSlot("rao-13", "rao", "13:00", "14:00", 2))
    (booked,) = desk.act_batch([request])
    assert booked.error is None and not booked.replayed
    assert isinstance(booked.events[-1], Booked)


def test_a_past_day_refuses_every_request_of_a_batch(tmp_path: Path) -> None:
    open_journal(tmp_path / "j.db").store.close()
    later = DAY.replace(day=DAY.day + 1)
    desk = JournalDesk(SqliteStore(tmp_path / "j.db"), DAY, today=later, clock=SetClock())
    outcomes = desk.act_batch([_book("Asha"), _book("Ravi")])
    assert all(isinstance(o.error, ReadOnly) for o in outcomes)
    assert _actions(tmp_path / "j.db") == ["open-day"]


def test_a_failed_commit_records_nothing_and_the_desk_reloads(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    desk.act(Book("rao-10", "Asha", "paid"))
    before = snapshot(desk.engine)
    con: sqlite3.Connection = desk.store._con  # type: ignore[attr-defined]
    con.execute(
        "CREATE TRIGGER no_more BEFORE INSERT ON actions BEGIN SELECT RAISE(ABORT, 'full'); END"
    )
    with pytest.raises(StoreError, match="cannot write to the journal"):
        desk.act_batch([_book("Ravi"), _book("Meena")])
    assert snapshot(desk.engine) == before
    assert _actions(tmp_path / "j.db") == ["open-day", "book"]


def test_without_waiting_another_desks_write_lock_is_journal_busy(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    other = sqlite3.connect(tmp_path / "j.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another desk is writing
    with pytest.raises(JournalBusy, match=r"^another desk is writing to the journal; try again$"):
        desk.act_batch([_book("Asha")], wait=False)
    assert desk.engine.tokens() == []
    other.execute("COMMIT")
    other.close()
    (outcome,) = desk.act_batch([_book("Asha")], wait=False)
    assert outcome.error is None
    assert _actions(tmp_path / "j.db") == ["open-day", "book"]
    con: sqlite3.Connection = desk.store._con  # type: ignore[attr-defined]
    assert con.execute("PRAGMA busy_timeout").fetchone() == (BUSY_TIMEOUT_MS,)  # waits again


def test_a_schema_1_journal_gains_idempotency_keys_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    desk = open_journal(path)
    desk.act(Book("rao-10", "Asha", "paid"))
    desk.store.close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE request_keys")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    upgraded = open_journal(path)
    (outcome,) = upgraded.act_batch([_book("Ravi", key="k")])
    assert outcome.error is None
    assert (tmp_path / "j.db.schema-1.bak").exists()
    assert [t.patient for t in open_journal(path).engine.tokens()] == ["Asha", "Ravi"]
    assert open_journal(path).act_batch([_book("Ravi", key="k")])[0].replayed


def test_the_services_desk_keeps_no_history_and_no_other_desks_events(tmp_path: Path) -> None:
    from opd_tui.api import Today

    dashboard = open_journal(tmp_path / "j.db")
    dashboard.act(Book("rao-10", "Asha", "walk-in"))
    service = Today(SqliteStore(tmp_path / "j.db"), clock=SetClock(), setup=clinic_set_up)()
    assert service.history == [] and len(dashboard.history) > 0
    dashboard.act(Book("rao-10", "Ravi", "walk-in"))
    (outcome,) = service.act_batch([_book("Meena")])  # catches up with Ravi, then decides
    assert outcome.events[-1].token_id == "T00003"  # type: ignore[attr-defined]
    assert service.poll() == []  # Ravi's booking was taken in, not kept to be reported
    assert [t.patient for t in service.engine.tokens()] == ["Asha", "Ravi", "Meena"]
    assert [e.patient for e in dashboard.poll() if hasattr(e, "patient")] == ["Meena"]
