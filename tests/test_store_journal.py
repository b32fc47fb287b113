"""The journal desk: restore, several desks, clinic days, read-only past days, the file itself."""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import (
    DAY,
    MORNING,
    SetClock,
    clinic_set_up,
    open_journal,
    random_action,
    redecide,
    snapshot,
)

from opd_tui.desk import ReadOnly
from opd_tui.engine import (
    AddDoctor,
    AddSlot,
    Book,
    Booked,
    Cancel,
    CapacityChanged,
    Conflict,
    Delay,
    Engine,
    NotFound,
    OpdError,
    Preempted,
    Serve,
    SetCapacity,
    Source,
    Status,
)
from opd_tui.store import OPEN_DAY, JournalBusy, JournalDesk, SqliteStore, StoreError
from opd_tui.store import sqlite as journal_sqlite


def play(desk: JournalDesk, clock: SetClock, seed: int, count: int) -> int:
    rng = random.Random(seed)
    done = 0
    for i in range(count):
        clock.now = MORNING + timedelta(seconds=i + 1)
        try:
            desk.act(random_action(desk.engine, rng))
        except OpdError:
            continue
        done += 1
    return done


# ------------------------------------------------------------------ restore


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_restored_day_equals_the_live_one_field_by_field(tmp_path: Path, seed: int) -> None:
    clock = SetClock()
    live = open_journal(tmp_path / "j.db", clock)
    assert play(live, clock, seed, 400) > 250
    restored = open_journal(tmp_path / "j.db", SetClock())
    assert snapshot(restored.engine) == snapshot(live.engine)
    assert restored.history == [r.event for r in restored.store.events(DAY)]
    assert snapshot(redecide(SqliteStore(tmp_path / "j.db"))) == snapshot(live.engine)


def test_restore_keeps_ids_numbers_order_statuses_and_preemption_counts(tmp_path: Path) -> None:
    clock = SetClock()
    desk = open_journal(tmp_path / "j.db", clock)
    for patient, source in [("Asha", "walk-in"), ("Bala", "online"), ("Chitra", "walk-in")]:
        desk.act(Book("rao-10", patient, source))
    desk.act(SetCapacity("rao-10", 2))
    desk.act(Book("rao-10", "Dev", "emergency"))
    view = open_journal(tmp_path / "j.db").engine.slot_view("rao-10")
    assert [(s.token.id, s.token.number, s.token.patient) for s in view.booked] == [
        ("T00004", "RAO-004", "Dev"),
        ("T00002", "RAO-002", "Bala"),
    ]
    assert [(t.id, t.status, t.preemptions) for t in view.waiting] == [
        ("T00001", Status.WAITING, 1),
        ("T00003", Status.WAITING, 1),
    ]


def test_an_action_returns_its_events_after_they_are_recorded(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    events = desk.act(Book("rao-10", "Asha Menon", "paid"))
    assert events == [
        Booked(MORNING, "T00001", "rao-10", "RAO-001", "Asha Menon", Source.PAID, 4, 1)
    ]
    store = SqliteStore(tmp_path / "j.db")
    actions = store.actions(DAY)
    assert [(a.name, dict(a.asked), a.desk) for a in actions] == [
        (OPEN_DAY, {"origin": "initial set-up"}, desk.desk_id),
        ("book", {"slot_id": "rao-10", "patient": "Asha Menon", "source": "paid"}, desk.desk_id),
    ]
    assert actions[1].command == Book("rao-10", "Asha Menon", "paid")
    assert actions[1].id == desk.last_action_id
    assert [r.event for r in store.events(DAY) if r.action_id == actions[1].id] == events


def test_a_refused_action_records_nothing(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    before = len(SqliteStore(tmp_path / "j.db").events(DAY))
    with pytest.raises(NotFound):
        desk.act(Serve("T00042"))
    with pytest.raises(OpdError, match="unknown action 'explode'"):
        desk.act("explode")  # type: ignore[arg-type]
    store = SqliteStore(tmp_path / "j.db")
    assert len(store.events(DAY)) == before
    assert [a.name for a in store.actions(DAY)] == [OPEN_DAY]


def _disk_error(*args: object) -> object:
    """A journal call on a disk that has failed."""
    raise sqlite3.OperationalError("disk I/O error")


def test_a_failed_write_leaves_no_unrecorded_decision_in_the_engine(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    desk.act(Book("rao-10", "Asha", "walk-in"))
    engine = desk.engine
    before = snapshot(engine)

    original = journal_sqlite.SqliteStore._append
    journal_sqlite.SqliteStore._append = _disk_error  # type: ignore[method-assign,assignment]
    try:
        with pytest.raises(StoreError, match="cannot write to the journal: disk I/O error"):
            desk.act(Book("rao-10", "Bala", "emergency"))
    finally:
        journal_sqlite.SqliteStore._append = original  # type: ignore[method-assign]
    assert desk.engine is engine  # rolled back in place, not rebuilt from the journal
    assert snapshot(desk.engine) == before
    assert [t.patient for t in desk.engine.tokens()] == ["Asha"]
    desk.act(Book("rao-10", "Chitra", "online"))
    assert snapshot(open_journal(tmp_path / "j.db").engine) == snapshot(desk.engine)


# ------------------------------------------------------------------ several desks


def test_poll_brings_in_what_another_desk_recorded(tmp_path: Path) -> None:
    front, back = open_journal(tmp_path / "j.db"), open_journal(tmp_path / "j.db")
    assert front.desk_id != back.desk_id
    events = front.act(Book("rao-10", "Asha", "walk-in"))
    events += front.act(SetCapacity("rao-10", 0))
    assert back.poll() == events
    assert back.poll() == []
    assert front.poll() == []
    assert snapshot(back.engine) == snapshot(front.engine)


def test_an_action_is_decided_on_the_latest_view_never_a_stale_one(tmp_path: Path) -> None:
    front, back = open_journal(tmp_path / "j.db"), open_journal(tmp_path / "j.db")
    for patient in ("A", "B", "C", "D"):
        front.act(Book("rao-10", patient, "walk-in"))
    assert back.engine.slot_view("rao-10").booked == ()
    # The back desk has not looked, but its emergency still preempts the front desk's latest.
    events = back.act(Book("rao-10", "E", "emergency"))
    assert events == [
        Preempted(MORNING, "T00004", "rao-10", "T00005", "emergency 5 > walk-in 1"),
        Booked(MORNING, "T00005", "rao-10", "RAO-005", "E", Source.EMERGENCY, 5, 5),
    ]
    # What the catch-up brought in is reported once, by the next poll.
    assert [type(e).__name__ for e in back.poll()] == ["Booked"] * 4
    assert front.poll() == events
    assert snapshot(front.engine) == snapshot(back.engine)


def test_a_refusal_after_catching_up_is_decided_on_the_latest_view(tmp_path: Path) -> None:
    front, back = open_journal(tmp_path / "j.db"), open_journal(tmp_path / "j.db")
    front.act(Book("rao-10", "Asha", "walk-in"))
    back.poll()
    front.act(Cancel("T00001"))
    with pytest.raises(Conflict, match="cannot serve RAO-001: it is cancelled"):
        back.act(Serve("T00001"))
    assert back.engine.token("T00001").status is Status.CANCELLED
    assert len(back.poll()) == 1


# ------------------------------------------------------------------ clinic days


def test_a_new_journal_starts_with_the_initial_set_up_and_no_patients(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    reference = Engine(clock=lambda: MORNING)
    assert desk.history == clinic_set_up(reference)
    assert desk.clinic_name == "City General OPD"
    assert desk.engine.tokens() == []
    assert snapshot(desk.engine) == snapshot(reference)
    assert desk.location == str(tmp_path / "j.db")
    assert desk.read_only is False


def test_a_new_journal_can_start_empty(tmp_path: Path) -> None:
    desk = JournalDesk(SqliteStore(tmp_path / "j.db"), DAY, today=DAY, clinic_name="Ward 4")
    assert (desk.clinic_name, desk.engine.doctors(), desk.history) == ("Ward 4", [], [])
    desk.act(AddDoctor("das", "Dr Das", "ENT"))
    assert [d.name for d in open_journal(tmp_path / "j.db").engine.doctors()] == ["Dr Das"]


def test_the_set_up_carries_over_to_a_new_day_but_a_days_changes_do_not(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    clock = SetClock()
    first = open_journal(path, clock, priorities={"paid": 6})
    assert first.priorities["paid"] == 6
    first.act(Book("rao-10", "Asha", "paid"))
    first.act(SetCapacity("rao-10", 9))
    first.act(Delay("rao", 20))
    first.act(AddDoctor("das", "Dr Das", "ENT"))
    first.act(AddSlot("das-14", "das", "14:00", "15:00", 3))
    next_day = DAY + timedelta(days=1)
    clock.now = datetime.combine(next_day, MORNING.time())
    second = JournalDesk(SqliteStore(path), next_day, today=next_day, clock=clock)
    assert second.clinic_name == "City General OPD"
    assert second.priorities == {**first.priorities}
    assert second.engine.tokens() == []
    assert [d.id for d in second.engine.doctors()] == ["rao", "mehta", "iyer", "khan", "das"]
    assert [(s.id, s.capacity, s.delay) for s in second.engine.slots("rao")] == [
        ("rao-09", 4, 0),
        ("rao-10", 4, 0),
        ("rao-11", 4, 0),
        ("rao-12", 4, 0),
    ]
    assert second.engine.slot("das-14").capacity == 3
    actions = SqliteStore(path).actions(next_day)
    assert [(a.name, a.asked) for a in actions] == [(OPEN_DAY, {"origin": "2026-11-25"})]
    # The first day is untouched by the second.
    assert open_journal(path).engine.slot("rao-10").capacity == 9
    assert SqliteStore(path).days() == [DAY, next_day]


def test_a_past_day_opens_read_only_and_refuses_every_action(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    open_journal(path).act(Book("rao-10", "Asha", "walk-in"))
    before = path.read_bytes()
    past = JournalDesk(SqliteStore(path), DAY, today=DAY + timedelta(days=1))
    assert past.read_only is True
    assert [t.patient for t in past.engine.tokens()] == ["Asha"]
    with pytest.raises(ReadOnly, match="2026-11-25 is a past day: it is open for reading only"):
        past.act(Cancel("T00001"))
    assert past.poll() == []
    assert [a.name for a in SqliteStore(path).actions(DAY)] == [OPEN_DAY, "book"]
    assert path.read_bytes() == before


def test_a_past_day_with_nothing_recorded_is_refused(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "j.db")
    with pytest.raises(StoreError, match="nothing was recorded on 2026-11-24 in "):
        JournalDesk(store, date(2026, 11, 24), today=DAY)
    assert store.days() == []


# ------------------------------------------------------------------ the file


def test_the_journal_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        desk = open_journal(tmp_path / "new" / "j.db")
        desk.act(Book("rao-10", "Asha", "walk-in"))
    finally:
        os.umask(old)
    for name in ("j.db", "j.db-wal", "j.db-shm"):
        assert stat.S_IMODE((tmp_path / "new" / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700


def test_every_folder_and_the_file_it_creates_are_private_under_umask_0(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        desk = open_journal(tmp_path / "a" / "b" / "c" / "j.db")
        desk.act(Book("rao-10", "Asha", "walk-in"))
        desk.store.close()
    finally:
        os.umask(old)
    for folder in ("a", "a/b", "a/b/c"):
        assert stat.S_IMODE((tmp_path / folder).stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((tmp_path / "a/b/c/j.db").stat().st_mode) == 0o600


def test_a_folder_that_exists_keeps_its_mode(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    os.chmod(tmp_path / "shared", 0o755)
    old = os.umask(0)
    try:
        SqliteStore(tmp_path / "shared" / "new" / "j.db").close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "shared" / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "shared" / "new" / "j.db").stat().st_mode) == 0o600


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in sorted(folder.iterdir())}


def test_a_readable_journal_is_made_private_when_written_not_when_read(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    _journal_with_a_day(path)
    old = os.umask(0)
    try:
        os.chmod(path, 0o644)
        reader = SqliteStore(path, create=False)  # as for a past day or an export
        assert reader.days() == [DAY]
        reader.actions(DAY)
        assert _modes(tmp_path)["j.db"] == 0o644
        reader.close()
        desk = open_journal(path)
        desk.act(Book("rao-11", "Ravi", "walk-in"))
        assert _modes(tmp_path) == {"j.db": 0o600, "j.db-shm": 0o600, "j.db-wal": 0o600}
        desk.store.close()
    finally:
        os.umask(old)


def test_a_journal_that_cannot_be_made_private_is_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.db"
    _journal_with_a_day(path)
    os.chmod(path, 0o644)

    def not_permitted(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(journal_sqlite.os, "chmod", not_permitted)
    desk = open_journal(path)
    desk.act(Book("rao-11", "Ravi", "walk-in"))
    assert [a.name for a in desk.store.actions(DAY)][-1] == "book"
    monkeypatch.undo()
    assert _modes(tmp_path)["j.db"] == 0o644
    desk.store.close()


@pytest.fixture
def another_desk_holding_the_lock(tmp_path: Path) -> Iterator[Path]:
    """A journal whose file another connection holds locked, exclusively, until the test ends."""
    path = tmp_path / "j.db"
    _journal_with_a_day(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield path
    finally:
        other.close()


def test_a_journal_locked_at_start_up_is_busy_not_corrupt(
    another_desk_holding_the_lock: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = another_desk_holding_the_lock
    monkeypatch.setattr(journal_sqlite, "BUSY_TIMEOUT_MS", 300)
    started = time.monotonic()
    with pytest.raises(JournalBusy) as refused:
        SqliteStore(path)
    waited = time.monotonic() - started
    assert str(refused.value) == (
        f"the journal {path} is busy: another desk held its lock for 0.3 s; try again"
    )
    assert isinstance(refused.value, StoreError)
    assert 0.3 <= waited < 3  # the busy timeout, not Python's 5 s and not at once


def test_a_journal_locked_after_inspection_is_busy_too(
    another_desk_holding_the_lock: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = another_desk_holding_the_lock
    monkeypatch.setattr(journal_sqlite, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(SqliteStore, "_inspect", lambda self, create: journal_sqlite.SCHEMA_VERSION)
    started = time.monotonic()
    with pytest.raises(JournalBusy) as refused:
        SqliteStore(path)
    assert str(refused.value) == (
        f"the journal {path} is busy: another desk held its lock for 0.3 s; try again"
    )
    assert time.monotonic() - started < 3


def test_the_journal_uses_wal_and_full_sync_and_stores_its_schema_version(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    con = desk.store._con  # type: ignore[attr-defined]
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert con.execute("PRAGMA synchronous").fetchone() == (2,)
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert (meta["app"], meta["schema_version"]) == ("opd-tui", "4")


def _journal_with_a_day(path: Path) -> None:
    clock = SetClock()
    desk = open_journal(path, clock)
    assert play(desk, clock, 7, 300) > 150
    desk.store.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _set_schema_version(path: Path, version: int) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    con.commit()
    con.close()


def _corrupt_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[3 * page : 5 * page] = bytes(range(256)) * (2 * page // 256)
    path.write_bytes(bytes(data))


def _not_sqlite(path: Path) -> None:
    path.write_text("patient list\nAsha Menon\n")


def _someone_elses(path: Path) -> None:
    path.unlink()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_not_sqlite, r"is not an opd-tui database \(not an SQLite file\)$"),
        (_someone_elses, "is not an opd-tui database$"),
        (
            lambda p: _set_schema_version(p, 99),
            r"was written by a newer opd-tui \(schema 99; this version reads up to 4\)$",
        ),
        (_corrupt_middle, "is corrupt"),
        (lambda p: os.truncate(p, 4096 * 3), "is corrupt"),
    ],
    ids=["not-a-database", "not-ours", "newer-schema", "corrupt", "truncated"],
)
def test_a_bad_file_is_refused_in_one_line_and_never_modified(
    tmp_path: Path, spoil: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / "j.db"
    _journal_with_a_day(path)
    spoil(path)
    before = _files(tmp_path)
    with pytest.raises(StoreError, match=message) as refused:
        SqliteStore(path)
    assert "\n" not in str(refused.value)
    assert str(refused.value).startswith(str(path))
    assert _files(tmp_path) == before


def test_an_older_schema_is_backed_up_then_migrated_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.db"
    _journal_with_a_day(path)
    original = open_journal(path).engine
    old_bytes = path.read_bytes()

    def add_note_column(con: sqlite3.Connection) -> None:
        con.execute("ALTER TABLE actions ADD COLUMN note TEXT")

    now = journal_sqlite.SCHEMA_VERSION
    monkeypatch.setattr(journal_sqlite, "SCHEMA_VERSION", now + 1)
    monkeypatch.setattr(journal_sqlite, "MIGRATIONS", {now: add_note_column})
    upgraded = open_journal(path)
    assert snapshot(upgraded.engine) == snapshot(original)
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(now + 1),
    )
    assert "note" in [row[1] for row in con.execute("PRAGMA table_info(actions)")]
    backup = tmp_path / f"j.db.schema-{now}.bak"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    kept = sqlite3.connect(backup)
    assert kept.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(now),
    )
    assert kept.execute("SELECT count(*) FROM events").fetchone() == (
        con.execute("SELECT count(*) FROM events").fetchone()
    )
    assert len(old_bytes) > 0


def test_a_failed_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.db"
    _journal_with_a_day(path)

    def half_done(con: sqlite3.Connection) -> None:
        con.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("out of cheese")

    now = journal_sqlite.SCHEMA_VERSION
    monkeypatch.setattr(journal_sqlite, "SCHEMA_VERSION", now + 1)
    monkeypatch.setattr(journal_sqlite, "MIGRATIONS", {now: half_done})
    with pytest.raises(StoreError, match="cannot write to the journal: out of cheese"):
        SqliteStore(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(now),
    )
    assert con.execute("SELECT name FROM sqlite_master WHERE name='half'").fetchone() is None


def test_capacity_changes_are_journaled_like_any_action(tmp_path: Path) -> None:
    desk = open_journal(tmp_path / "j.db")
    assert desk.act(SetCapacity("rao-10", 6)) == [CapacityChanged(MORNING, "rao-10", 4, 6)]
    assert desk.act(SetCapacity("rao-10", 6)) == []  # changes nothing: nothing recorded
    assert [a.name for a in SqliteStore(tmp_path / "j.db").actions(DAY)] == [
        OPEN_DAY,
        "capacity",
    ]


def test_a_journal_whose_events_do_not_fit_together_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    open_journal(path).store.close()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO events (day, action_id, kind, at, data) VALUES (?, 1, 'served', ?, ?)",
        ("2026-11-25", "2026-11-25T08:00:00", '{"token_id":"T09999","slot_id":"rao-10"}'),
    )
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="the journal of 2026-11-25 cannot be replayed"):
        open_journal(path)


def test_the_engine_clock_runs_between_actions_and_stands_still_within_one(
    tmp_path: Path,
) -> None:
    ticks = iter(MORNING + timedelta(seconds=s) for s in range(100))
    desk = open_journal(tmp_path / "j.db", lambda: next(ticks))
    first = desk.engine.now()
    assert desk.engine.now() > first
    events = desk.act(Book("rao-10", "Asha", "walk-in"))
    events += desk.act(SetCapacity("rao-10", 0))
    stamps = [e.at for e in events]
    assert stamps[1] == stamps[2] > stamps[0]
    actions = SqliteStore(tmp_path / "j.db").actions(DAY)
    assert [a.at for a in actions[1:]] == [stamps[0], stamps[1]]


def test_a_failed_batch_with_set_up_in_it_is_rebuilt_and_a_failed_rebuild_stops_the_desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = open_journal(tmp_path / "j.db")
    desk.act(Book("rao-10", "Asha", "walk-in"))
    engine = desk.engine
    before = snapshot(engine)

    monkeypatch.setattr(journal_sqlite.SqliteStore, "_append", _disk_error)
    with pytest.raises(StoreError):
        desk.act(AddDoctor("sen", "Dr Sen", "ENT"))  # set-up cannot be rolled back
    assert desk.engine is not engine and snapshot(desk.engine) == before

    def unreadable(*args: object) -> object:
        raise StoreError("cannot read the journal: disk I/O error")

    monkeypatch.setattr(journal_sqlite.SqliteStore, "history", unreadable)
    with pytest.raises(StoreError):
        desk.act(AddDoctor("sen", "Dr Sen", "ENT"))
    stopped = (
        "the journal could not be read back after a failed write (cannot read the journal: "
        "disk I/O error); close this desk and open the day again"
    )
    with pytest.raises(StoreError) as refused:
        desk.act(Book("rao-10", "Bala", "online"))
    assert str(refused.value) == stopped
    with pytest.raises(StoreError) as refused:
        desk.poll()
    assert str(refused.value) == stopped


@contextlib.contextmanager
def _as_nobody() -> Iterator[Path]:
    """A folder every user may use, and file permissions as an ordinary user sees them there:
    root would write a read-only file (pytest's own folders are closed to other users)."""
    import shutil
    import tempfile

    import opd_tui.api.serve  # noqa: F401  (imported while its files can be read)

    folder = Path(tempfile.mkdtemp(prefix="opd-read-only-"))
    folder.chmod(0o777)
    try:
        open_journal(folder / "j.db").act(Book("rao-10", "Asha", "walk-in"))
        for name in ("j.db", "j.db-wal", "j.db-shm"):
            if (folder / name).exists():
                (folder / name).chmod(0o444)
        os.seteuid(65534)
        try:
            yield folder / "j.db"
        finally:
            os.seteuid(0)
    finally:
        shutil.rmtree(folder)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to act as another user")
def test_a_read_only_journal_opens_read_only_and_says_so() -> None:
    with _as_nobody() as path:
        store = SqliteStore(path, create=False)
        assert store.writable is False
        seen = JournalDesk(store, DAY, today=DAY, setup=clinic_set_up)
        why = (
            f"{path} is read-only for this user: it can be read, but nothing can be recorded in it"
        )
        assert (seen.read_only, seen.read_only_why) == (True, why)
        assert [t.patient for t in seen.engine.tokens()] == ["Asha"]
        with pytest.raises(ReadOnly) as refused:
            seen.act(Book("rao-10", "Bala", "online"))
        assert str(refused.value) == why
        with pytest.raises(StoreError) as no_day:
            JournalDesk(store, DAY + timedelta(days=1), today=DAY + timedelta(days=1))
        assert str(no_day.value) == (
            f"nothing was recorded on 2026-11-26 in {path}, and it is read-only for this user"
        )
        store.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to act as another user")
def test_serve_refuses_to_start_on_a_journal_it_cannot_write(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from opd_tui.cli import main

    with _as_nobody() as path:
        assert main(["serve", "--db", str(path), "--port", "0"]) == 2
    assert capsys.readouterr().err == (
        f"opd-tui: {path} is read-only for this user: the service would refuse every write, so "
        "it does not start (give this user write access to the file and its folder)\n"
    )
