"""A day's record for other systems: its tokens and its events, as JSON or CSV, on a stream.

The tokens are rebuilt from the events, so an export reads the same as the dashboard did. A big
day is never held whole: the events are read from the journal a chunk at a time, twice (once to
rebuild the tokens, which come first, once to write them), and written as they are read, so
memory follows the day's tokens (the engine), not its events or the size of the output.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, fields
from datetime import date, datetime
from json.encoder import encode_basestring as _string  # the C one, as json.dumps uses
from typing import Any, TextIO, get_args, get_type_hints

from ..engine import EVENT_TYPES, Engine, Event, Token, safe_text
from .base import Recorded, Store, StoreError
from .codec import as_dict, decode

FORMATS = ("json", "csv")
CHUNK = 5000
"""Events read from the journal, and tokens or events written out, at a time."""
TOKEN_FIELDS = (
    "id",
    "number",
    "patient",
    "source",
    "priority",
    "arrival",
    "slot_id",
    "doctor_id",
    "status",
    "preemptions",
    "arrived_at",
    "phone",
    "patient_id",
)
"""The tokens' columns; ``phone`` and ``patient_id`` came later, last, empty for tokens without."""
EVENT_FIELDS = ("seq", "action_id", "kind", "at", "token_id", "slot_id", "data")

_INDENTED = json.JSONEncoder(ensure_ascii=False, indent=2)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # as codec.dumps writes
_COLUMNS = frozenset(EVENT_FIELDS)


def _shapes(cls: type[Event]) -> tuple[tuple[str, ...], ...]:
    """The kind's fields but ``at``, in the order the journal's codec stores them: all of them,
    and without those that have a default (the codec leaves one out while it holds it: a
    booking without a phone); none for a kind with a time among them (the codec would write
    it again, not pass it on)."""
    hints = get_type_hints(cls)
    names = tuple(f.name for f in fields(cls) if f.name != "at")
    if any(datetime in (hints[name], *get_args(hints[name])) for name in names):
        return ()
    required = tuple(f.name for f in fields(cls) if f.name != "at" and f.default is MISSING)
    return (names,) if required == names else (names, required)


_SHAPES = {kind: shapes for kind, cls in EVENT_TYPES.items() if (shapes := _shapes(cls))}
"""The kinds whose stored fields are, as stored, what ``as_dict`` gives of the event, when they
come in one of these shapes; any other goes the long way (a booking with a phone but no id)."""


def export_day(
    store: Store, day: date, out: TextIO, fmt: str = "json", *, chunk: int = CHUNK
) -> None:
    """Write ``day`` to ``out``. Nothing is written unless the whole day replays."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r} (expected json or csv)")
    info = store.day(day)
    if info is None:
        raise StoreError(f"nothing was recorded on {day.isoformat()} in {store.location}")
    engine = Engine(priorities=info.priorities)
    seen = _Last()
    try:
        engine.apply_all(r.event for r in seen(store.iter_events(day, chunk=chunk)))
    except StoreError:
        raise
    except Exception as error:
        raise StoreError(
            f"the journal of {day.isoformat()} cannot be replayed ({error!r})"
        ) from None
    doctors = {slot.id: slot.doctor_id for slot in engine.slots()}
    tokens = engine.tokens()
    del engine  # the tokens are all that is needed of it now
    token_rows = (_token(token, doctors[token.slot_id]) for token in tokens)
    # The second reading stops where the first did: an action recorded meanwhile by another
    # desk is in neither the tokens nor the events.
    event_rows = _events(store, day, seen.seq, chunk)
    if fmt == "json":
        _write_json(out, info.clinic_name, day, info.priorities, token_rows, event_rows, chunk)
    else:
        _write_csv(out, token_rows, event_rows)


def _events(store: Store, day: date, upto: int, chunk: int) -> Iterator[dict[str, Any]]:
    """The day's events up to ``upto`` as plain data, ``seq``, ``action_id``, ``kind`` and ``at``
    first: ``as_dict`` of each decoded event, taken straight from the JSON the journal stored
    (the first reading decoded and checked every one of them). An event whose stored fields are
    not exactly its kind's, in order, is decoded and encoded again, as ``as_dict`` would."""
    after = 0
    while after < upto:
        page = store.event_texts(day, after, chunk)
        stored = json.loads("[" + ",".join([r.data for r in page]) + "]")
        for r, data in zip(page, stored, strict=True):
            if r.seq > upto:
                return
            if isinstance(data, dict) and tuple(data) in _SHAPES.get(r.kind, ()):
                yield {"seq": r.seq, "action_id": r.action_id, "kind": r.kind, "at": r.at, **data}
            else:
                event = decode(r.kind, r.at, r.data)
                yield {"seq": r.seq, "action_id": r.action_id, **as_dict(event)}
        if len(page) < chunk:
            return
        after = page[-1].seq


class _Last:
    """Passes recorded events on, keeping the last one's sequence number."""

    def __init__(self) -> None:
        self.seq = 0

    def __call__(self, recorded: Iterable[Recorded]) -> Iterator[Recorded]:
        for r in recorded:
            self.seq = r.seq
            yield r


# ---------------------------------------------------------------------- JSON


def _write_json(
    out: TextIO,
    clinic: str,
    day: date,
    priorities: Mapping[str, int],
    tokens: Iterable[dict[str, Any]],
    events: Iterable[dict[str, Any]],
    chunk: int,
) -> None:
    """The document ``json.dumps(..., ensure_ascii=False, indent=2)`` writes, byte for byte,
    written a part at a time: one object per token and per event, never the whole."""
    head = {"clinic": clinic, "day": day.isoformat(), "priorities": dict(priorities)}
    out.write(_INDENTED.encode(head)[:-2] + ",\n")  # without its closing "\n}"
    out.write('  "tokens": ')
    _write_array(out, tokens, chunk)
    out.write(',\n  "events": ')
    _write_array(out, events, chunk)
    out.write("\n}\n")


def _write_array(out: TextIO, items: Iterable[dict[str, Any]], chunk: int) -> None:
    """A list of objects, the document's second level: ``[]`` if there are none."""
    part: list[str] = []
    first = True
    for item in items:
        part.append(_object(item))
        if len(part) == chunk:
            out.write(("[\n" if first else ",\n") + ",\n".join(part))
            part, first = [], False
    if part:
        out.write(("[\n" if first else ",\n") + ",\n".join(part))
        first = False
    out.write("[]" if first else "\n  ]")


def _object(item: dict[str, Any]) -> str:
    """One object as an item of a second-level list, indented as ``indent=2`` indents it."""
    if not item:
        return "    {}"
    members = ",\n      ".join(f"{_string(key)}: {_value(value)}" for key, value in item.items())
    return "    {\n      " + members + "\n    }"


def _value(value: Any) -> str:
    """A member's value, encoded as ``json.dumps`` would at that depth."""
    if type(value) is str:
        return _string(value)
    if type(value) is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _INDENTED.encode(value).replace("\n", "\n      ")  # a list's items one level deeper


# ---------------------------------------------------------------------- CSV


def _write_csv(
    out: TextIO, tokens: Iterable[dict[str, Any]], events: Iterable[dict[str, Any]]
) -> None:
    """Two tables, each with its own header row, separated by one empty line."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TOKEN_FIELDS)
    writer.writerows([_cell(token[name]) for name in TOKEN_FIELDS] for token in tokens)
    writer.writerow([])
    writer.writerow(EVENT_FIELDS)
    writer.writerows(_event_row(event) for event in events)


def _event_row(event: dict[str, Any]) -> list[Any]:
    data = {k: v for k, v in event.items() if k not in _COLUMNS}
    row = [event.get(name, "") for name in EVENT_FIELDS[:-1]]
    return [*(_cell(value) for value in row), safe_text(_COMPACT.encode(data))]


def _token(token: Token, doctor_id: str) -> dict[str, Any]:
    return {
        "id": token.id,
        "number": token.number,
        "patient": token.patient,
        "source": token.source.value,
        "priority": token.priority,
        "arrival": token.arrival,
        "slot_id": token.slot_id,
        "doctor_id": doctor_id,
        "status": token.status.value,
        "preemptions": token.preemptions,
        "arrived_at": token.arrived_at.isoformat(),
        "phone": token.phone,
        "patient_id": token.patient_id,
    }


def _cell(value: Any) -> Any:
    """Names are untrusted: a spreadsheet must not run a cell that starts like a formula, nor a
    terminal a control character (JSON keeps the exact text)."""
    if type(value) is int:
        return value
    if not isinstance(value, str):
        return "" if value is None else value
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        value = "'" + value
    return safe_text(value)
