"""Events to JSON and back, driven by each event's own fields, so a new event kind needs no code here.

Every field type the engine uses has a converter; a field of an unknown type fails at import time
rather than writing something that cannot be read back. A field with a default (one added after
a kind was first recorded, say) is not written while it holds its default, and reads as its
default when it is missing: events recorded before it existed read, and export, as they did.
"""

from __future__ import annotations

import json
import operator
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import MISSING, fields
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


def _number(value: Any) -> float:
    if type(value) is not float and type(value) is not int:
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def _converter(hint: Any) -> Convert:
    """How a stored JSON value becomes a field of type ``hint`` again (checked, never guessed)."""
    if hint is str or hint is int or hint is bool:
        return _exact(hint)
    if hint is float:
        return _number
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


_REQUIRED: Any = MISSING


def _fields_of(cls: type[Event]) -> tuple[tuple[str, Convert, Any], ...]:
    """Each stored field's name, converter and default (``MISSING``: it must be there)."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, _converter(hints[f.name]), f.default) for f in fields(cls) if f.name != "at"
    )


_FIELDS: dict[str, tuple[tuple[str, Convert, Any], ...]] = {
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
    data = {}
    for name, _, default in _FIELDS[kind]:
        value = getattr(event, name)
        if default is _REQUIRED or value != default:
            data[name] = value
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
        values = {
            name: convert(raw[name]) if default is _REQUIRED or name in raw else default
            for name, convert, default in _FIELDS[kind]
        }
        return cls(datetime.fromisoformat(at), **values)
    except (ValueError, TypeError, KeyError) as error:
        raise StoreError(f"the journal holds a damaged {kind!r} event ({error})") from None


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, Enum)


def _fast(cls: type[Event]) -> tuple[Any, ...] | None:
    """For a kind whose fields are all plain strings, numbers or enums: the class, a getter of
    its fields' values, their JSON types, and the enum members by value (index, table)."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in fields(cls) if f.name != "at"]
    if any(f.default is not MISSING for f in fields(cls)):
        return None  # a field may be missing: decode knows its default
    if len(names) < 2 or not all(hints[n] in (str, int, bool) or _is_enum(hints[n]) for n in names):
        return None
    types_ = tuple(str if _is_enum(hints[n]) else hints[n] for n in names)
    enums = tuple(
        (i, {member.value: member for member in hints[n]})
        for i, n in enumerate(names)
        if _is_enum(hints[n])
    )
    return cls, operator.itemgetter(*names), types_, enums


_FAST: dict[str, tuple[Any, ...]] = {
    kind: fast for kind, cls in EVENT_TYPES.items() if (fast := _fast(cls)) is not None
}


def decode_many(rows: Sequence[Sequence[Any]]) -> list[Event]:
    """Many stored rows, each starting ``kind, at, data``: restoring a day is mostly this.

    The JSON of all rows is parsed in one call and plain kinds are checked field by field in C;
    anything unexpected falls back to ``decode``, which names the damage.
    """
    try:
        raws = json.loads("[" + ",".join([row[2] for row in rows]) + "]")
    except ValueError:
        raws = None
    if raws is None or len(raws) != len(rows):
        return [decode(row[0], row[1], row[2]) for row in rows]
    events: list[Event] = []
    append = events.append
    fromiso = datetime.fromisoformat
    fast_kinds = _FAST
    last_at, when = "", datetime.min
    for row, raw in zip(rows, raws, strict=True):
        fast = fast_kinds.get(row[0])
        try:
            if fast is None:
                raise TypeError
            cls, get, types_, enums = fast
            values = get(raw)
            if tuple(map(type, values)) != types_:
                raise TypeError
            if enums:
                values = list(values)
                for index, members in enums:
                    values[index] = members[values[index]]
            at = row[1]
            if at != last_at:
                when = fromiso(at)
                last_at = at
        except (KeyError, TypeError, ValueError):
            append(decode(row[0], row[1], row[2]))
            continue
        append(cls(when, *values))
    return events


def as_dict(event: Event) -> dict[str, Any]:
    """The event as plain JSON-ready data, ``kind`` and ``at`` first: for exports."""
    kind, at, data = encode(event)
    return {"kind": kind, "at": at, **json.loads(data)}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)
