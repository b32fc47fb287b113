"""The journal in one SQLite file: WAL, synchronous FULL, one transaction per action.

A file is inspected read-only before anything is written to it, so a file that is not ours, is
newer than us, or is damaged is refused untouched. Every statement is parameterised.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Collection, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..engine import Event
from .base import (
    Action,
    DayInfo,
    Decision,
    JournalBusy,
    Keyed,
    NewDay,
    Previous,
    Receipt,
    Recorded,
    RecordedText,
    StoreError,
)
from .codec import decode, decode_many, dumps, encode
from .schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION

APP = "opd-tui"
BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"

KEEP_KEYS_DAYS = 7
"""Keys of days longer ago than this are deleted when a new day opens."""

SETUP_KINDS = ("doctor-added", "slot-added")


def _wal_mode(con: sqlite3.Connection) -> Any:
    """Switch to WAL. While another desk is creating the same new file, SQLite can answer
    "locked" at once, without waiting the busy timeout: so wait here, as it would."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return con.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _is_busy(error: sqlite3.Error) -> bool:
    """Whether SQLite refused because another connection holds a lock (busy or locked, with any
    extended code), not because the file is damaged or unwritable."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _busy(path: Path) -> JournalBusy:
    return JournalBusy(
        f"the journal {path} is busy: another desk held its lock for "
        f"{BUSY_TIMEOUT_MS / 1000:g} s; try again"
    )


class SqliteStore:
    """A journal file; several processes may hold one open and write to it at once."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path).expanduser()
        self.location = str(self.path)
        self.name = self.path.name
        self._private = False  # whether _make_private ran: on the first write, not on reading
        version = self._inspect(create)
        self._con = self._connect()
        try:
            if version is None:
                self._initialise()
            elif version < SCHEMA_VERSION:
                self._migrate(version)
            self.writable = self._can_write()
        except BaseException:
            self._con.close()
            raise

    # ------------------------------------------------------------- opening

    def _can_write(self) -> bool:
        """Whether this process may write the journal, found by trying a write and rolling it
        back: the file's mode, its folder, a read-only mount and the user all count. Another
        desk's lock says nothing either way, so it counts as writable."""
        con = self._con
        try:
            con.execute("PRAGMA busy_timeout = 0")
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("UPDATE meta SET value = value WHERE key = 'app'")
            finally:
                con.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                return True
            if error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
                return False
            raise StoreError(f"cannot open {self.path}: {error}") from None
        finally:
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        return True

    def _inspect(self, create: bool) -> int | None:
        """The file's schema version, None for a new or empty file; refuses anything else."""
        path = self.path
        if not path.exists():
            if not create:
                raise StoreError(f"no journal at {path}")
            _create_private(path)
            return None
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not an opd-tui database")
        try:
            with path.open("rb") as file:
                head = file.read(len(SQLITE_HEADER))
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror}") from None
        if not head:
            return None
        if head != SQLITE_HEADER:
            raise StoreError(f"{path} is not an opd-tui database (not an SQLite file)")
        # Without a WAL file nobody is writing, so read the file as it lies and create nothing
        # beside it; with one, read through it like any other desk would.
        wal = path.with_name(path.name + "-wal").exists()
        query = "mode=ro" if wal else "mode=ro&immutable=1"
        try:
            con = sqlite3.connect(
                f"{path.resolve().as_uri()}?{query}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open {path}: {error}") from None
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
            if not tables:
                return None
            if "meta" not in tables:
                raise StoreError(f"{path} is not an opd-tui database")
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("app") != APP or not str(meta.get("schema_version", "")).isdigit():
                raise StoreError(f"{path} is not an opd-tui database")
            version = int(meta["schema_version"])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} was written by a newer opd-tui (schema {version}; "
                    f"this version reads up to {SCHEMA_VERSION})"
                )
            check = con.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise StoreError(f"{path} is corrupt (integrity check failed)")
            return version
        except sqlite3.Error as error:
            if _is_busy(error):
                raise _busy(path) from None
            raise StoreError(f"{path} is corrupt or unreadable ({error})") from None
        finally:
            con.close()

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open {self.path}: {error}") from None
        try:
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            mode = _wal_mode(con)
            if mode is None or str(mode[0]).lower() != "wal":
                raise StoreError(f"{self.path}: the file system does not support a WAL journal")
            con.execute("PRAGMA synchronous = FULL")
            con.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as error:
            con.close()
            if _is_busy(error):
                raise _busy(self.path) from None
            raise StoreError(f"cannot open {self.path}: {error}") from None
        return con

    def _initialise(self) -> None:
        with self._write() as con:
            for statement in SCHEMA:
                con.execute(statement)
            con.executemany(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                [
                    ("app", APP),
                    ("schema_version", str(SCHEMA_VERSION)),
                    ("created_at", datetime.now().isoformat()),
                ],
            )

    def _migrate(self, found: int) -> None:
        """Copy the file aside, then upgrade it in one transaction: all steps or none."""
        backup = _backup_path(self.path, found)
        _create_private(backup)
        target = sqlite3.connect(backup)
        try:
            self._con.backup(target)
        except sqlite3.Error as error:
            raise StoreError(f"cannot back up {self.path} before upgrading it: {error}") from None
        finally:
            target.close()
        with self._write() as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0])
            while version < SCHEMA_VERSION:
                step = MIGRATIONS.get(version)
                if step is None:
                    raise StoreError(f"cannot upgrade {self.path} from schema {version}")
                step(con)
                version += 1
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )

    @contextlib.contextmanager
    def _write(self, wait: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading so no other desk writes in between.
        Without ``wait``, a write lock held elsewhere raises ``JournalBusy`` at once."""
        con = self._con
        if not self._private:
            _make_private(self.path)
            self._private = True
        try:
            if wait:
                con.execute("BEGIN IMMEDIATE")
            else:
                con.execute("PRAGMA busy_timeout = 0")
                try:
                    con.execute("BEGIN IMMEDIATE")
                finally:
                    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        except sqlite3.OperationalError as error:
            if not wait and error.sqlite_errorcode == sqlite3.SQLITE_BUSY:
                raise JournalBusy("another desk is writing to the journal; try again") from None
            raise StoreError(f"the journal is busy or unwritable ({error}); try again") from None
        try:
            yield con
            con.execute("COMMIT")
        except BaseException as error:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise StoreError(f"cannot write to the journal: {error}") from None
            raise

    # ------------------------------------------------------------- reading

    def day(self, day: date) -> DayInfo | None:
        row = self._read(
            "SELECT clinic_name, priorities FROM days WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        if row is None:
            return None
        return DayInfo(day, row[0], _priorities(row[1]))

    def days(self) -> list[date]:
        rows = self._read("SELECT day FROM days ORDER BY day", ()).fetchall()
        return [date.fromisoformat(row[0]) for row in rows]

    def events(self, day: date, after: int = 0, limit: int | None = None) -> list[Recorded]:
        rows = self._read(
            "SELECT kind, at, data, seq, action_id FROM events WHERE day = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (day.isoformat(), after, -1 if limit is None else limit),
        ).fetchall()
        return _recorded(rows)

    def event_texts(self, day: date, after: int, limit: int) -> list[RecordedText]:
        rows = self._read(
            "SELECT seq, action_id, kind, at, data FROM events WHERE day = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (day.isoformat(), after, limit),
        ).fetchall()
        return [RecordedText(*row) for row in rows]

    def history(self, day: date) -> tuple[list[Event], int]:
        rows = self._read(
            "SELECT kind, at, data, seq FROM events WHERE day = ? ORDER BY seq", (day.isoformat(),)
        ).fetchall()
        return decode_many(rows), (rows[-1][3] if rows else 0)

    def actions(self, day: date) -> list[Action]:
        rows = self._read(
            "SELECT id, desk, name, args, at FROM actions WHERE day = ? ORDER BY id",
            (day.isoformat(),),
        ).fetchall()
        actions = []
        for action_id, desk, name, args, at in rows:
            try:
                asked = json.loads(args)
                if not isinstance(asked, dict):
                    raise TypeError("not an object")
                actions.append(
                    Action(action_id, day, desk, name, asked, datetime.fromisoformat(at))
                )
            except (ValueError, TypeError):
                raise StoreError(f"the journal holds a damaged action (#{action_id})") from None
        return actions

    def _read(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        try:
            return self._con.execute(sql, params)
        except sqlite3.Error as error:
            raise StoreError(f"cannot read the journal: {error}") from None

    def iter_events(
        self, day: date, after: int = 0, upto: int | None = None, chunk: int = 5000
    ) -> Iterator[Recorded]:
        """Each query reads one chunk whole, so no read is left open while the caller works."""
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        last = 2**63 - 1 if upto is None else upto
        while True:
            rows = self._read(
                "SELECT kind, at, data, seq, action_id FROM events "
                "WHERE day = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                (day.isoformat(), after, last, chunk),
            ).fetchall()
            yield from _recorded(rows)
            if len(rows) < chunk:
                return
            after = rows[-1][3]

    # ------------------------------------------------------------- writing

    def create_day(self, day: date, desk: str, make: Callable[[Previous | None], NewDay]) -> bool:
        with self._write() as con:
            if con.execute("SELECT 1 FROM days WHERE day = ?", (day.isoformat(),)).fetchone():
                return False
            new = make(self._previous(con, day))
            con.execute(
                "INSERT INTO days (day, clinic_name, priorities, created_at) VALUES (?, ?, ?, ?)",
                (day.isoformat(), new.clinic_name, dumps(dict(new.priorities)), _now()),
            )
            forgotten = (day - timedelta(days=KEEP_KEYS_DAYS)).isoformat()
            con.execute("DELETE FROM request_keys WHERE day < ?", (forgotten,))
            self._append(con, day, desk, new.decision)
            return True

    def _previous(self, con: sqlite3.Connection, day: date) -> Previous | None:
        """The latest day before ``day``, else the earliest after it, else None (a new journal)."""
        row = (
            con.execute(
                "SELECT day, clinic_name, priorities FROM days WHERE day < ? ORDER BY day DESC LIMIT 1",
                (day.isoformat(),),
            ).fetchone()
            or con.execute(
                "SELECT day, clinic_name, priorities FROM days WHERE day > ? ORDER BY day LIMIT 1",
                (day.isoformat(),),
            ).fetchone()
        )
        if row is None:
            return None
        rows = con.execute(
            "SELECT kind, at, data FROM events WHERE day = ? AND kind IN (?, ?) ORDER BY seq",
            (row[0], *SETUP_KINDS),
        ).fetchall()
        return Previous(
            date.fromisoformat(row[0]),
            row[1],
            _priorities(row[2]),
            [decode(kind, at, data) for kind, at, data in rows],
        )

    @contextlib.contextmanager
    def transaction(
        self, day: date, after: int, desk: str, *, wait: bool = True
    ) -> Iterator[_Transaction]:
        with self._write(wait) as con:
            yield _Transaction(self, con, day, after, desk)

    def action_events(self, action_id: int) -> list[Event]:
        rows = self._read(
            "SELECT kind, at, data FROM events WHERE action_id = ? ORDER BY seq", (action_id,)
        ).fetchall()
        return decode_many(rows)

    def _append(self, con: sqlite3.Connection, day: date, desk: str, decision: Decision) -> Receipt:
        args = dumps(dict(decision.asked))
        iso_day = day.isoformat()
        cursor = con.execute(
            "INSERT INTO actions (day, desk, name, args, at) VALUES (?, ?, ?, ?, ?)",
            (iso_day, desk, decision.name, args, decision.at.isoformat()),
        )
        action_id = cursor.lastrowid
        assert action_id is not None
        seqs = []
        for event in decision.events:
            cursor = con.execute(
                "INSERT INTO events (day, action_id, kind, at, data) VALUES (?, ?, ?, ?, ?)",
                (iso_day, action_id, *encode(event)),
            )
            assert cursor.lastrowid is not None
            seqs.append(cursor.lastrowid)
        if decision.key is not None:
            con.execute(
                "INSERT INTO request_keys (day, action, key, action_id, fingerprint) "
                "VALUES (?, ?, ?, ?, ?)",
                (iso_day, decision.name, decision.key, action_id, decision.fingerprint),
            )
        return Receipt(action_id, tuple(seqs))

    def close(self) -> None:
        """Close, first copying the write-ahead log into the file, so a stopped desk leaves
        the journal whole in one file (another desk still open keeps the log going)."""
        with contextlib.suppress(sqlite3.Error):
            self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._con.close()


class _Transaction:
    """A write transaction of one desk on one day (``Transaction``)."""

    def __init__(
        self, store: SqliteStore, con: sqlite3.Connection, day: date, after: int, desk: str
    ) -> None:
        self._store, self._con = store, con
        self._day, self._after, self._desk = day, after, desk

    def newer(self) -> list[Recorded]:
        rows = self._con.execute(
            "SELECT kind, at, data, seq, action_id FROM events WHERE day = ? AND seq > ? "
            "ORDER BY seq",
            (self._day.isoformat(), self._after),
        ).fetchall()
        return _recorded(rows)

    def keyed(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Keyed]:
        wanted = sorted({key for _, key in keys})
        asked = set(keys)
        found: dict[tuple[str, str], Keyed] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on parameters is 999 or more
            chunk = wanted[start : start + 500]
            rows = self._con.execute(
                "SELECT action, key, action_id, fingerprint FROM request_keys "
                f"WHERE day = ? AND key IN ({','.join('?' * len(chunk))})",
                (self._day.isoformat(), *chunk),
            ).fetchall()
            for action, key, action_id, fingerprint in rows:
                if (action, key) in asked:
                    found[action, key] = Keyed(key, action_id, fingerprint)
        return found

    def append(self, decision: Decision) -> Receipt:
        return self._store._append(self._con, self._day, self._desk, decision)


def _recorded(rows: list[Any]) -> list[Recorded]:
    """``(kind, at, data, seq, action_id)`` rows as recorded events, decoded in one batch."""
    events = decode_many(rows)
    return [Recorded(row[3], row[4], event) for row, event in zip(rows, events, strict=True)]


def _create_private(path: Path) -> None:
    """Create an empty file only its owner can read (0600), in folders only its owner can enter
    (0700), whatever the umask; SQLite gives its WAL files the file's mode. Folders that exist
    are left as they are. The umask can only narrow a mode, so nothing is ever wider than that,
    not even between creating a part and setting its mode."""
    try:
        missing = []
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            try:
                folder.mkdir(mode=0o700)
            except FileExistsError:  # another desk made it at the same moment
                continue
            os.chmod(folder, 0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(descriptor, 0o600)
        finally:
            os.close(descriptor)
    except FileExistsError:
        pass
    except OSError as error:
        raise StoreError(f"cannot create {path}: {error.strerror}") from None


def _make_private(path: Path) -> None:
    """Take the group's and others' permissions off a journal (and its WAL files) about to be
    written; a file that is not ours to change is left as it is."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(os.stat(path.with_name(name)).st_mode)
            if mode & 0o077:
                os.chmod(path.with_name(name), mode & 0o700)


def _backup_path(path: Path, version: int) -> Path:
    candidate = path.with_name(f"{path.name}.schema-{version}.bak")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.schema-{version}.{number}.bak")
    return candidate


def _priorities(text: str) -> dict[str, int]:
    try:
        value = json.loads(text)
        if isinstance(value, dict) and all(type(v) is int for v in value.values()):
            return {str(k): v for k, v in value.items()}
    except ValueError:
        pass
    raise StoreError("the journal holds damaged priorities")


def _now() -> str:
    return datetime.now().isoformat()
