"""A day's record for other systems: its tokens and its events, as JSON or CSV, on a stream.

The tokens are rebuilt from the events, so an export reads the same as the dashboard did.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import Any, TextIO

from ..engine import Engine, Token, safe_text
from .base import Store, StoreError
from .codec import as_dict, dumps

FORMATS = ("json", "csv")
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
)
EVENT_FIELDS = ("seq", "action_id", "kind", "at", "token_id", "slot_id", "data")


def export_day(store: Store, day: date, out: TextIO, fmt: str = "json") -> None:
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r} (expected json or csv)")
    info = store.day(day)
    if info is None:
        raise StoreError(f"nothing was recorded on {day.isoformat()} in {store.location}")
    recorded = store.events(day)
    engine = Engine(priorities=info.priorities)
    try:
        engine.apply_all(r.event for r in recorded)
    except Exception as error:
        raise StoreError(
            f"the journal of {day.isoformat()} cannot be replayed ({error!r})"
        ) from None
    doctors = {slot.id: slot.doctor_id for slot in engine.slots()}
    tokens = [_token(token, doctors[token.slot_id]) for token in engine.tokens()]
    events = [{"seq": r.seq, "action_id": r.action_id, **as_dict(r.event)} for r in recorded]
    if fmt == "json":
        document = {
            "clinic": info.clinic_name,
            "day": day.isoformat(),
            "priorities": dict(info.priorities),
            "tokens": tokens,
            "events": events,
        }
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    # Two tables, each with its own header row, separated by one empty line.
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TOKEN_FIELDS)
    for token in tokens:
        writer.writerow([_cell(token[name]) for name in TOKEN_FIELDS])
    writer.writerow([])
    writer.writerow(EVENT_FIELDS)
    for event in events:
        data = {k: v for k, v in event.items() if k not in EVENT_FIELDS}
        row = [event.get(name, "") for name in EVENT_FIELDS[:-1]]
        writer.writerow([*(_cell(value) for value in row), safe_text(dumps(data))])


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
    }


def _cell(value: Any) -> Any:
    """Names are untrusted: a spreadsheet must not run a cell that starts like a formula, nor a
    terminal a control character (JSON keeps the exact text)."""
    if not isinstance(value, str):
        return "" if value is None else value
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        value = "'" + value
    return safe_text(value)
