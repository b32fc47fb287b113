"""Every event kind survives the journal: written as JSON and read back equal, field for field."""

from __future__ import annotations

import json
import typing
from dataclasses import fields
from datetime import datetime
from enum import Enum
from typing import Any

import pytest

from opd_tui.engine import (
    EVENT_TYPES,
    Booked,
    Delayed,
    Event,
    Preempted,
    Source,
    Status,
    TokenRestored,
)
from opd_tui.store import StoreError, as_dict, decode, encode

AT = datetime(2026, 11, 25, 9, 41, 7, 123456)


def _sample(hint: Any, name: str) -> Any:
    if hint is str:
        return f"{name}-ü"
    if hint is bool:
        return True
    if hint is int:
        return 7
    if hint is float:
        return 12.5
    if hint is datetime:
        return AT
    if isinstance(hint, type) and issubclass(hint, Enum):
        return list(hint)[1]
    args = typing.get_args(hint)
    if type(None) in args:
        return _sample(next(a for a in args if a is not type(None)), name)
    if typing.get_origin(hint) is tuple:
        return (_sample(args[0], name), _sample(args[0], name + "2"))
    raise AssertionError(f"no sample for {hint!r}")


def sample(cls: type[Event]) -> Event:
    hints = typing.get_type_hints(cls)
    values = {f.name: _sample(hints[f.name], f.name) for f in fields(cls) if f.name != "at"}
    return cls(AT, **values)


@pytest.mark.parametrize("kind", sorted(EVENT_TYPES))
def test_every_event_kind_round_trips(kind: str) -> None:
    event = sample(EVENT_TYPES[kind])
    stored_kind, at, data = encode(event)
    assert (stored_kind, at) == (kind, "2026-11-25T09:41:07.123456")
    back = decode(stored_kind, at, data)
    assert back == event
    assert type(back) is type(event)


def test_a_field_at_its_default_is_not_written_and_reads_back_when_missing() -> None:
    restored = TokenRestored(
        AT, "T00001", "rao-10", "RAO-001", "Asha", Source.PAID, 4, 1, AT, Status.BOOKED, 0
    )
    stored = json.loads(encode(restored)[2])
    assert "checked_in" not in stored and "minutes" not in stored and "unanswered" not in stored
    assert decode(*encode(restored)) == restored
    seen = TokenRestored(
        AT,
        "T00001",
        "rao-10",
        "RAO-001",
        "Asha",
        Source.PAID,
        4,
        1,
        AT,
        Status.SERVED,
        0,
        AT,
        AT,
        2,
        9.5,
    )
    stored = json.loads(encode(seen)[2])
    assert (stored["checked_in"], stored["unanswered"], stored["minutes"]) == (
        AT.isoformat(),
        2,
        9.5,
    )
    assert decode(*encode(seen)) == seen


def test_enums_tuples_and_none_come_back_as_their_types() -> None:
    booked = Booked(AT, "T00001", "rao-10", "RAO-001", "Asha", Source.PAID, 4, 1)
    assert decode(*encode(booked)).source is Source.PAID  # type: ignore[attr-defined]
    delayed = Delayed(AT, "rao", 15, ("rao-10", "rao-11"))
    assert json.loads(encode(delayed)[2]) == {
        "doctor_id": "rao",
        "minutes": 15,
        "slot_ids": ["rao-10", "rao-11"],
    }
    assert decode(*encode(delayed)) == delayed
    cut = Preempted(AT, "T00002", "rao-10", None, "capacity cut to 1")
    assert decode(*encode(cut)) == cut


def test_export_form_puts_kind_and_time_first() -> None:
    event = EVENT_TYPES["cancelled"](AT, "T00003", "rao-10", Status.BOOKED)  # type: ignore[call-arg]
    assert as_dict(event) == {
        "kind": "cancelled",
        "at": "2026-11-25T09:41:07.123456",
        "token_id": "T00003",
        "slot_id": "rao-10",
        "was": "BOOKED",
    }


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("teleported", "{}", "unknown kind 'teleported'"),
        ("served", "{not json", "damaged 'served' event"),
        ("served", '{"token_id": "T00001"}', "damaged 'served' event"),
        ("served", '{"token_id": 1, "slot_id": "rao-10"}', "damaged 'served' event"),
        (
            "bumped",
            '{"token_id":"T1","slot_id":"s","old_priority":true,"new_priority":2}',
            "damaged",
        ),
        ("cancelled", '{"token_id":"T1","slot_id":"s","was":"GONE"}', "damaged 'cancelled'"),
    ],
)
def test_a_damaged_event_is_a_store_error(kind: str, data: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        decode(kind, "2026-11-25T09:00:00", data)
