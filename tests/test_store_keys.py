"""Idempotency keys belong to a day and to a kind of action: yesterday's key is a new request
today, and a key sent to another route is a new request too."""

from __future__ import annotations

import sqlite3
from datetime import datetime, time, timedelta
from pathlib import Path

from store_helpers import CLINIC, DAY, SetClock, clinic_set_up

from opd_tui.api.app import create_app
from opd_tui.api.today import Today
from opd_tui.engine import Book, Cancel
from opd_tui.store import JournalDesk, Request, SqliteStore
from opd_tui.store.idempotency import fingerprint
from opd_tui.store.sqlite import KEEP_KEYS_DAYS

MORNING = datetime.combine(DAY, time(8, 0))


def desk_on(path: Path, day_offset: int = 0) -> JournalDesk:
    day = DAY + timedelta(days=day_offset)
    clock = SetClock(MORNING + timedelta(days=day_offset))
    return JournalDesk(
        SqliteStore(path), day, today=day, clock=clock, setup=clinic_set_up, clinic_name=CLINIC
    )


def book(patient: str, key: str) -> Request:
    return Request(Book("rao-10", patient, "walk-in"), key=key)


def cancel(token_id: str, key: str) -> Request:
    return Request(Cancel(token_id), key=key)


def test_a_key_from_yesterday_is_a_new_request_today(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    (yesterday,) = desk_on(path).act_batch([book("Asha Menon", "portal-1")])
    (again,) = desk_on(path).act_batch([book("Asha Menon", "portal-1")])
    assert (again.replayed, again.action_id) == (True, yesterday.action_id)
    (today,) = desk_on(path, 1).act_batch([book("Asha Menon", "portal-1")])
    assert (today.replayed, today.error) == (False, None)
    assert today.action_id != yesterday.action_id
    assert [t.patient for t in desk_on(path, 1).engine.tokens()] == ["Asha Menon"]


def test_a_reused_cancel_key_cancels_todays_token_not_yesterdays(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    monday = desk_on(path)
    monday.act_batch([book("Asha Menon", "b-1")])
    (cancelled,) = monday.act_batch([cancel("T00001", "c-1")])
    tuesday = desk_on(path, 1)
    tuesday.act_batch([book("Ravi Kumar", "b-2")])
    (outcome,) = tuesday.act_batch([cancel("T00001", "c-1")])
    assert outcome.replayed is False and outcome.action_id != cancelled.action_id
    assert [(t.patient, t.status.value) for t in tuesday.engine.tokens()] == [
        ("Ravi Kumar", "CANCELLED")
    ]


def test_the_same_key_on_another_route_is_another_request(tmp_path: Path) -> None:
    desk = desk_on(tmp_path / "j.db")
    (booked,) = desk.act_batch([book("Asha Menon", "k")])
    (cancelled,) = desk.act_batch([cancel("T00001", "k")])
    assert (cancelled.replayed, cancelled.error) == (False, None)
    assert cancelled.action_id != booked.action_id
    (again,) = desk.act_batch([cancel("T00001", "k")])
    assert (again.replayed, again.action_id) == (True, cancelled.action_id)


def test_keys_are_forgotten_a_week_after_their_day(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    desk_on(path).act_batch([book("Asha Menon", "old")])
    desk_on(path, 1).act_batch([book("Ravi Kumar", "newer")])
    con = sqlite3.connect(path)
    assert con.execute("SELECT day, key FROM request_keys ORDER BY day").fetchall() == [
        ("2026-11-25", "old"),
        ("2026-11-26", "newer"),
    ]
    desk_on(path, KEEP_KEYS_DAYS + 1)  # a new day opens: keys of days before a week ago go
    assert con.execute("SELECT day, key FROM request_keys ORDER BY day").fetchall() == [
        ("2026-11-26", "newer")
    ]


def test_a_schema_2_journal_gives_each_key_its_day_and_action(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    desk = desk_on(path)
    desk.act_batch([book("Asha Menon", "portal-1"), cancel("T00001", "portal-2")])
    desk.store.close()
    con = sqlite3.connect(path)  # the journal as schema 2 kept its keys: one for all days
    rows = con.execute("SELECT key, action_id, fingerprint FROM request_keys").fetchall()
    con.execute("DROP TABLE request_keys")
    con.execute(
        "CREATE TABLE request_keys (key TEXT PRIMARY KEY, "
        "action_id INTEGER NOT NULL REFERENCES actions (id), fingerprint TEXT NOT NULL)"
    )
    con.executemany("INSERT INTO request_keys VALUES (?, ?, ?)", rows)
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    (again,) = desk_on(path).act_batch([book("Asha Menon", "portal-1")])
    assert again.replayed is True
    assert (tmp_path / "j.db.schema-2.bak").exists()
    assert con.execute(
        "SELECT day, action, key, fingerprint FROM request_keys ORDER BY key"
    ).fetchall() == [
        ("2026-11-25", "book", "portal-1", fingerprint(Book("rao-10", "Asha Menon", "walk-in"))),
        ("2026-11-25", "cancel", "portal-2", fingerprint(Cancel("T00001"))),
    ]


def test_over_http_a_key_reused_the_next_day_books_anew(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    clock = SetClock(MORNING)
    today = Today(SqliteStore(tmp_path / "j.db"), clock=clock, setup=clinic_set_up)
    body = {"slot_id": "rao-10", "patient": "Asha Menon", "source": "online"}
    headers = {"Idempotency-Key": "portal-5f2c"}
    with TestClient(create_app(today)) as client:
        first = client.post("/v1/tokens", json=body, headers=headers)
        assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
        again = client.post("/v1/tokens", json=body, headers=headers)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json()["token"]["id"] == first.json()["token"]["id"] == "T00001"
        clock.now += timedelta(days=1)
        tomorrow = client.post("/v1/tokens", json=body, headers=headers)
        assert tomorrow.status_code == 201 and "Idempotent-Replayed" not in tomorrow.headers
        assert tomorrow.json()["token"]["id"] == "T00001"  # the new day's first token
        assert client.get("/v1/day").json()["day"] == "2026-11-26"
