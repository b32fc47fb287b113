"""Events to JSON and back, driven by each event's own fields, so a new event kind needs no code here.

Every field type the engine uses has a converter; a field of an unknown type fails at import time
rather than writing something that cannot be read back.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from enum import Enum
from typing import Any

from ..engine import EVENT_TYPES, Event
from .base import StoreError

Convert = Callable[[Any], Any]


def _exact(kind: type) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return convert


def _converter(hint: Any) -> Convert:
    """How a stored JSON value becomes a field of type ``hint`` again (checked, never guessed)."""
    if hint is str or hint is int:
        return _exact(hint)
    if hint is datetime:
        return datetime.fromisoformat
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        inner = _converter(next(a for a in args if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _converter(args[0])
        return lambda value: tuple(item(v) for v in value)
    raise TypeError(f"the journal cannot store a field of type {hint!r}")


def _fields_of(cls: type[Event]) -> tuple[tuple[str, Convert], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in fields(cls) if f.name != "at")


_FIELDS: dict[str, tuple[tuple[str, Convert], ...]] = {
    kind: _fields_of(cls) for kind, cls in EVENT_TYPES.items()
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {value!r}")


def encode(event: Event) -> tuple[str, str, str]:
    """``(kind, at, data)``: the kind, the ISO time, and the other fields as a JSON object."""
    kind = type(event).kind
    if kind not in _FIELDS:
        raise StoreError(f"cannot record an event of unknown kind {kind!r}")
    data = {name: getattr(event, name) for name, _ in _FIELDS[kind]}
    return kind, event.at.isoformat(), dumps(data)


def decode(kind: str, at: str, data: str) -> Event:
    """One stored event back as the engine's event; anything that does not fit is a StoreError."""
    try:
        cls = EVENT_TYPES[kind]
    except KeyError:
        raise StoreError(
            f"the journal holds an event of unknown kind {kind!r} (from a newer opd-tui?)"
        ) from None
    try:
        raw = json.loads(data)
        values = {name: convert(raw[name]) for name, convert in _FIELDS[kind]}
        return cls(datetime.fromisoformat(at), **values)
    except (ValueError, TypeError, KeyError) as error:
        raise StoreError(f"the journal holds a damaged {kind!r} event ({error})") from None


def as_dict(event: Event) -> dict[str, Any]:
    """The event as plain JSON-ready data, ``kind`` and ``at`` first: for exports."""
    kind, at, data = encode(event)
    return {"kind": kind, "at": at, **json.loads(data)}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)
