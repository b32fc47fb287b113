"""A day as the journal recorded it, action by action: for a report of the day, which needs to
know which events each action caused (an undo takes one action back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..engine import Engine, Event, VisitRules
from .base import OPEN_DAY, DayInfo, Store, StoreError


@dataclass(frozen=True, slots=True)
class RecordedAction:
    """One action a desk took and the events it caused, in order."""

    id: int
    name: str
    desk: str
    at: datetime
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class RecordedDay:
    """A recorded day: its clinic, its engine replayed to the last recorded event, and its
    actions in order, the opening of the day (its doctors and slots) left out."""

    info: DayInfo
    engine: Engine
    actions: tuple[RecordedAction, ...]


def read_day(store: Store, day: date, visit: VisitRules | None = None) -> RecordedDay:
    """The whole of ``day``; a day never recorded, or one that does not replay, is a
    ``StoreError``. The journal does not keep the clinic's visit rules: ``visit`` are the
    ones the day is read by (the defaults if not given)."""
    info = store.day(day)
    if info is None:
        raise StoreError(f"nothing was recorded on {day.isoformat()} in {store.location}")
    recorded = store.events(day)
    engine = Engine(priorities=info.priorities, visit=visit)
    try:
        engine.apply_all(r.event for r in recorded)
    except Exception as error:
        raise StoreError(
            f"the journal of {day.isoformat()} cannot be replayed ({error!r})"
        ) from None
    caused: dict[int, list[Event]] = {}
    for r in recorded:
        caused.setdefault(r.action_id, []).append(r.event)
    actions = tuple(
        RecordedAction(a.id, a.name, a.desk, a.at, tuple(caused.get(a.id, ())))
        for a in store.actions(day)
        if a.name != OPEN_DAY and a.id in caused
    )
    return RecordedDay(info, engine, actions)
