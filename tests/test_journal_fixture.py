"""A journal written by the release of schema 3 still reads as that release read it.

``fixtures/journal-schema3.sqlite3`` was written once by that release (commit 5cacb4a) with
``fixtures/make_journal_fixture.py``: two clinic days with every kind of action, an idempotency
key, preemptions, promotions and undos. Beside it are what that release read from it: each day's
export in each format, byte for byte, and ``journal-schema3.state.json``, the restored engine as
``observable_state`` sees it and the ids of each day's actions. A newer release may migrate the
journal; it must still restore and export it to the same bytes and the same state. The names of
the actions are left out of the comparison: a migration may spell them anew. The one change to
the exports since: each token's ``phone`` and ``patient_id``, added last, empty for every token
of these days (that release knew neither); every other byte is as that release wrote it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from store_helpers import redecide

from opd_tui import cli
from opd_tui.engine import Book, Engine
from opd_tui.store import OPEN_DAY, SCHEMA_VERSION, JournalDesk, Request, SqliteStore, StoreError
from opd_tui.store.schema import OLD_KINDS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
JOURNAL = FIXTURES / "journal-schema3.sqlite3"
STATE = FIXTURES / "journal-schema3.state.json"
DAYS = (date(2026, 3, 2), date(2026, 3, 3))
FORMATS = ("json", "csv")
"""Every format that release exported."""
READ_ON = date(2026, 3, 31)
"""A today after every day of the journal: each opens as a past day, read-only."""
STATS = (
    "capacity",
    "booked",
    "waiting",
    "served",
    "no_shows",
    "cancelled",
    "preemptions",
    "promotions",
)
"""The counts of a slot and of the day, by name."""


def observable_state(engine: Engine) -> dict[str, Any]:
    """What anyone can read of a clinic day, as plain JSON values: its doctors, every token with
    all its fields, and every slot with its set-up, its counts, and its booked list and waitlist
    in order (token ids); then the day's counts."""
    slots: dict[str, Any] = {}
    for slot in engine.slots():
        view = engine.slot_view(slot.id)
        stats = engine.slot_stats(slot.id)
        slots[slot.id] = {
            "doctor_id": slot.doctor_id,
            "start": slot.start,
            "end": slot.end,
            "capacity": slot.capacity,
            "delay": slot.delay,
            "stats": {name: getattr(stats, name) for name in STATS},
            "booked": [seat.token.id for seat in view.booked],
            "waiting": [token.id for token in view.waiting],
        }
    day = engine.day_stats()
    return {
        "doctors": [
            {"id": d.id, "name": d.name, "specialty": d.specialty} for d in engine.doctors()
        ],
        "tokens": [
            {
                "id": t.id,
                "number": t.number,
                "patient": t.patient,
                "source": t.source.value,
                "priority": t.priority,
                "arrival": t.arrival,
                "slot_id": t.slot_id,
                "status": t.status.value,
                "arrived_at": t.arrived_at.isoformat(),
                "preemptions": t.preemptions,
            }
            for t in engine.tokens()
        ],
        "slots": slots,
        "day_stats": {name: getattr(day, name) for name in STATS},
    }


@pytest.fixture(scope="module", autouse=True)
def committed_files_stay_as_they_are() -> Any:
    """Every test reads a copy: the committed journal is never opened, let alone migrated."""
    before = {p.name: p.read_bytes() for p in sorted(FIXTURES.iterdir()) if p.is_file()}
    yield
    after = {p.name: p.read_bytes() for p in sorted(FIXTURES.iterdir()) if p.is_file()}
    assert after == before


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    copy = tmp_path / JOURNAL.name
    shutil.copyfile(JOURNAL, copy)
    return copy


def export_file(day: date, fmt: str) -> Path:
    """What that release's ``opd-tui export --day DAY --format FMT`` wrote."""
    return FIXTURES / f"journal-schema3.{day.isoformat()}.export.{fmt}"


def recorded_state() -> dict[str, Any]:
    state: dict[str, Any] = json.loads(STATE.read_text(encoding="utf-8"))
    return state


def test_the_fixture_is_one_whole_file_with_its_readings_beside_it() -> None:
    assert JOURNAL.read_bytes()[:16] == b"SQLite format 3\x00"
    assert not JOURNAL.with_name(JOURNAL.name + "-wal").exists()
    assert not JOURNAL.with_name(JOURNAL.name + "-shm").exists()
    exports = {export_file(day, fmt) for day in DAYS for fmt in FORMATS}
    assert set(FIXTURES.glob("journal-schema3.*.export.*")) == exports
    assert list(recorded_state()["days"]) == [day.isoformat() for day in DAYS]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_each_day_exports_the_bytes_it_exported_then(
    journal: Path, day: date, fmt: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    argv = ["export", "--db", str(journal), "--day", day.isoformat(), "--format", fmt]
    assert cli.main(argv) == 0
    out, err = capsysbinary.readouterr()
    assert err == b""
    assert out == export_file(day, fmt).read_bytes()


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_each_day_restores_to_the_state_it_had_then(journal: Path, day: date) -> None:
    state = recorded_state()
    desk = JournalDesk(SqliteStore(journal, create=False), day, today=READ_ON)
    try:
        assert desk.read_only
        assert desk.store.days() == list(DAYS)
        assert observable_state(desk.engine) == state["days"][day.isoformat()]["engine"]
        recorded = state["days"][day.isoformat()]["actions"]
        actions = desk.store.actions(day)
        assert len(actions) == len(recorded)
        assert [a.id for a in actions] == [a["id"] for a in recorded]
    finally:
        desk.close()


def test_a_journal_from_a_newer_release_is_still_refused_in_one_line(journal: Path) -> None:
    newer = SCHEMA_VERSION + 1
    con = sqlite3.connect(journal)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(newer),))
    con.commit()
    con.close()
    before = {p.name: p.read_bytes() for p in sorted(journal.parent.iterdir())}
    message = (
        rf"was written by a newer opd-tui \(schema {newer}; "
        rf"this version reads up to {SCHEMA_VERSION}\)$"
    )
    with pytest.raises(StoreError, match=message) as refused:
        SqliteStore(journal, create=False)
    assert "\n" not in str(refused.value)
    assert str(refused.value).startswith(str(journal))
    assert {p.name: p.read_bytes() for p in sorted(journal.parent.iterdir())} == before


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_every_migrated_action_is_its_command_and_decides_its_events_again(
    journal: Path, day: date
) -> None:
    """Schema 4 spells each action by its command's kind and keeps what was asked by field
    name: deciding each recorded command again on a fresh engine makes exactly the events
    recorded with it."""
    store = SqliteStore(journal, create=False)
    try:
        recorded = recorded_state()["days"][day.isoformat()]["actions"]
        actions = store.actions(day)
        assert [a.name for a in actions] == [OLD_KINDS.get(a["name"], a["name"]) for a in recorded]
        assert all(a.name == OPEN_DAY or a.command is not None for a in actions)
        engine = redecide(store, day)
        assert observable_state(engine) == recorded_state()["days"][day.isoformat()]["engine"]
    finally:
        store.close()


def test_a_request_key_recorded_before_the_migration_still_answers_its_retry(
    journal: Path,
) -> None:
    desk = JournalDesk(SqliteStore(journal, create=False), DAYS[0], today=DAYS[0])
    try:
        booking = Book("mehta-09", "Kabir Singh", "paid")
        (again,) = desk.act_batch([Request(booking, key="booking-0001")])
        assert (again.error, again.replayed) == (None, True)
        assert [getattr(e, "token_id", None) for e in again.events][-1] == "T00005"
        other = Book("mehta-09", "Kabir Singh", "walk-in")
        (refused,) = desk.act_batch([Request(other, key="booking-0001")])
        assert str(refused.error) == (
            "idempotency key 'booking-0001' was already used for a different request"
        )
    finally:
        desk.close()
