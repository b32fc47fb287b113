"""The journal file's tables, and the steps that bring a file written by an older release up
to date. ``MIGRATIONS[n]`` upgrades schema n to n + 1 inside the one transaction of an upgrade,
after the file was copied aside."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from ..engine import COMMAND_TYPES, OpdError, command_from
from .base import OPEN_DAY
from .codec import dumps
from .idempotency import fingerprint

SCHEMA_VERSION = 4

REQUEST_KEYS = """CREATE TABLE IF NOT EXISTS request_keys (
    day TEXT NOT NULL,
    action TEXT NOT NULL,
    key TEXT NOT NULL,
    action_id INTEGER NOT NULL REFERENCES actions (id),
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (day, action, key)
)"""
"""Idempotency keys clients sent with their requests, each with the action it was recorded as.
A key belongs to its day and its kind of action: the same key another day, or sent to another
route, is a new request."""

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS days (
        day TEXT PRIMARY KEY,
        clinic_name TEXT NOT NULL,
        priorities TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    # An action row: its command's kind (``name``) and fields (``args``, a JSON object).
    """CREATE TABLE IF NOT EXISTS actions (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL REFERENCES days (day),
        desk TEXT NOT NULL,
        name TEXT NOT NULL,
        args TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY,
        day TEXT NOT NULL REFERENCES days (day),
        action_id INTEGER NOT NULL REFERENCES actions (id),
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS events_by_day ON events (day, seq)",
    "CREATE INDEX IF NOT EXISTS actions_by_day ON actions (day, id)",
    REQUEST_KEYS,
)

Migration = Callable[[sqlite3.Connection], None]


def _add_request_keys(con: sqlite3.Connection) -> None:
    """Schema 2: keys, one for the whole journal."""
    con.execute(
        "CREATE TABLE request_keys (key TEXT PRIMARY KEY, "
        "action_id INTEGER NOT NULL REFERENCES actions (id), fingerprint TEXT NOT NULL)"
    )


def _keys_per_day(con: sqlite3.Connection) -> None:
    """Schema 3: each key belongs to the day and the kind of action it was recorded with."""
    con.execute("ALTER TABLE request_keys RENAME TO request_keys_2")
    con.execute(REQUEST_KEYS)
    con.execute(
        "INSERT INTO request_keys (day, action, key, action_id, fingerprint) "
        "SELECT actions.day, actions.name, k.key, k.action_id, k.fingerprint "
        "FROM request_keys_2 AS k JOIN actions ON actions.id = k.action_id"
    )
    con.execute("DROP TABLE request_keys_2")


OLD_KINDS = {
    "no_show": "no-show",
    "set_capacity": "capacity",
    "add_doctor": "add-doctor",
    "add_slot": "add-slot",
}
"""Schema 3 named actions by the engine's method; schema 4 by their command's kind."""


def _asked(kind: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """A schema-3 action's arguments as its command's fields (all of them, defaults filled in)."""
    if kind == OPEN_DAY:
        return {"origin": args[0]} if args else {}
    names = [f.name for f in fields(COMMAND_TYPES[kind])]
    asked = dict(zip(names, args, strict=False)) | kwargs
    try:
        return command_from(kind, asked).fields()
    except OpdError:
        return asked


def _commands(con: sqlite3.Connection) -> None:
    """Schema 4: an action row is a command: its kind, and its fields as one JSON object; a
    request key's fingerprint is the command's."""
    renamed: list[tuple[str, str, int]] = []
    for action_id, name, args in con.execute("SELECT id, name, args FROM actions").fetchall():
        kind = OLD_KINDS.get(name, name)
        try:
            payload = json.loads(args)
            asked = _asked(kind, list(payload["args"]), dict(payload["kwargs"]))
        except (ValueError, TypeError, KeyError):
            continue  # damaged: left as it is, for the reader to report
        renamed.append((kind, dumps(asked), action_id))
    con.executemany("UPDATE actions SET name = ?, args = ? WHERE id = ?", renamed)
    keys = con.execute("SELECT rowid, action, fingerprint FROM request_keys").fetchall()
    for rowid, name, old in keys:
        kind = OLD_KINDS.get(name, name)
        new = old
        try:  # the service's fingerprint was the JSON of [action, args, kwargs]
            asked_name, args, kwargs = json.loads(old)
            if asked_name == name and kind in COMMAND_TYPES:
                new = fingerprint(command_from(kind, _asked(kind, list(args), dict(kwargs))))
        except (ValueError, TypeError, OpdError):
            pass
        con.execute(
            "UPDATE request_keys SET action = ?, fingerprint = ? WHERE rowid = ?",
            (kind, new, rowid),
        )


MIGRATIONS: dict[int, Migration] = {1: _add_request_keys, 2: _keys_per_day, 3: _commands}
"""``MIGRATIONS[n]`` upgrades a schema from version n to n + 1, inside one transaction."""
