"""Rename: a patient's name corrected at the desk, the engine, the journal and the service."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from store_helpers import DAY, MORNING, SetClock, open_journal, redecide, snapshot
from test_api import book, service

from opd_tui.engine import (
    Book,
    Cancel,
    Conflict,
    Engine,
    Invalid,
    NotFound,
    Rename,
    Renamed,
    Status,
    TokenRestored,
    Undo,
    Undone,
)
from opd_tui.store import SqliteStore

AT = datetime(2026, 3, 2, 9, 0)


def clinic() -> Engine:
    engine = Engine(clock=lambda: AT)
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    engine.add_slot("rao-09", "rao", "09:00", "10:00", 1)
    engine.execute(Book("rao-09", "Asha Menn", "walk-in"))  # T00001, booked
    engine.execute(Book("rao-09", "Ravi", "walk-in"))  # T00002, waiting
    return engine


def test_a_rename_changes_the_name_only() -> None:
    engine = clinic()
    before = engine.token("T00001")
    assert engine.execute(Rename("T00001", "  Asha Menon ")) == [
        Renamed(AT, "T00001", "rao-09", "Asha Menn", "Asha Menon")
    ]
    after = engine.token("T00001")
    assert after.patient == "Asha Menon"
    assert (after.number, after.status, after.arrival) == (before.number, Status.BOOKED, 1)
    assert [s.token.id for s in engine.slot_view("rao-09").booked] == ["T00001"]
    assert engine.execute(Rename("T00002", "Ravi Kumar"))[0].old == "Ravi"  # type: ignore[attr-defined]
    assert engine.find("kumar")[0].id == "T00002"


@pytest.mark.parametrize(
    ("command", "error", "message"),
    [
        (Rename("T00001", " "), Invalid, "patient name must not be empty"),
        (Rename("T00001", "Asha Menn"), Conflict, "RAO-001 is already named Asha Menn"),
        (Rename("T00042", "Someone"), NotFound, "unknown token 'T00042'"),
    ],
)
def test_a_rename_that_makes_no_sense_is_refused_and_changes_nothing(
    command: Rename, error: type[Exception], message: str
) -> None:
    engine = clinic()
    before = snapshot(engine)
    with pytest.raises(error, match=f"^{message}$"):
        engine.execute(command)
    assert snapshot(engine) == before


def test_a_closed_token_keeps_the_name_it_was_closed_with() -> None:
    engine = clinic()
    engine.execute(Cancel("T00001"))
    with pytest.raises(Conflict, match="cannot rename RAO-001: it is cancelled"):
        engine.execute(Rename("T00001", "Asha Menon"))


def test_undo_puts_the_old_name_back_and_replay_equals_live() -> None:
    engine = clinic()
    events = engine.execute(Rename("T00001", "Asha Menon"))
    undone = engine.execute(Undo())
    assert undone[0] == Undone(AT, "rename", "RAO-001 Asha Menon")
    restored = [e for e in undone if isinstance(e, TokenRestored)]
    assert [(e.token_id, e.patient) for e in restored] == [("T00001", "Asha Menn")]
    assert engine.token("T00001").patient == "Asha Menn"
    replayed = Engine(clock=lambda: AT)
    replayed.apply_all(
        [*clinic_events(), *events, *undone, *engine.execute(Rename("T00002", "Ravi K"))]
    )
    assert snapshot(replayed) == snapshot(engine)


def clinic_events() -> list[object]:
    engine = Engine(clock=lambda: AT)
    events = engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    events += engine.add_slot("rao-09", "rao", "09:00", "10:00", 1)
    events += engine.execute(Book("rao-09", "Asha Menn", "walk-in"))
    events += engine.execute(Book("rao-09", "Ravi", "walk-in"))
    return list(events)


def test_a_snapshot_taken_on_from_another_follows_a_rename() -> None:
    engine = clinic()
    first = engine.snapshot()
    events = engine.execute(Rename("T00002", "Ravi Kumar"))
    taken_on = engine.snapshot(first, events)
    assert Engine.restore(taken_on).token("T00002").patient == "Ravi Kumar"
    assert engine.revert(first, events)
    assert engine.token("T00002").patient == "Ravi"


def test_the_journal_records_a_rename_as_its_command(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    desk.act(Book("rao-10", "Asha Menn", "walk-in"))
    events = desk.act(Rename("T00001", "Asha Menon"))
    store = SqliteStore(tmp_path / "j.db")
    (action,) = [a for a in store.actions(DAY) if a.name == "rename"]
    assert action.command == Rename("T00001", "Asha Menon")
    assert [r.event for r in store.events(DAY) if r.action_id == action.id] == events
    assert snapshot(redecide(store)) == snapshot(desk.engine)
    assert open_journal(tmp_path / "j.db").engine.token("T00001").patient == "Asha Menon"


def test_the_service_renames_at_its_own_path(tmp_path: Path) -> None:
    with service(tmp_path / "j.db", clock=SetClock()) as client:
        book(client, "Asha Menn")
        answer = client.post("/v1/tokens/T00001/rename", json={"patient": "Asha Menon"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["events"] == [
            {
                "kind": "renamed",
                "at": MORNING.isoformat(),
                "token_id": "T00001",
                "slot_id": "rao-10",
                "old": "Asha Menn",
                "new": "Asha Menon",
            }
        ]
        assert answer.json()["token"]["patient"] == "Asha Menon"
        refused = client.post("/v1/tokens/T00001/rename", json={"patient": "Asha Menon"})
        assert refused.status_code == 409
        empty = client.post("/v1/tokens/T00001/rename", json={"patient": ""})
        assert empty.status_code == 422
        unknown = client.post("/v1/tokens/T00009/rename", json={"patient": "X"})
        assert unknown.status_code == 404
