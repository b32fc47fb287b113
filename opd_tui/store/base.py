"""What a journal keeps and the small interface every journal offers.

The desk needs only these calls, so a server database for desks on several machines can stand in
for SQLite later without touching the engine or the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from ..engine import Event, OpdError


class StoreError(OpdError):
    """The journal cannot be opened, read or written; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class DayInfo:
    """A clinic day the journal knows: its clinic's name and the priorities its engine decides with."""

    day: date
    clinic_name: str
    priorities: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as the journal holds it: its place in the journal and the action that caused it."""

    seq: int
    action_id: int
    event: Event


@dataclass(frozen=True, slots=True)
class Action:
    """One action a desk took, as asked: the engine operation, its arguments, and when."""

    id: int
    day: date
    desk: str
    name: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """What the engine decided for one action, ready to be recorded with it."""

    name: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    at: datetime
    events: list[Event]


@dataclass(frozen=True, slots=True)
class Receipt:
    """Proof an action was recorded: its id and the sequence numbers its events were given."""

    action_id: int
    seqs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Previous:
    """The day a new day takes its set-up from: its name, priorities, doctors and slots."""

    day: date
    clinic_name: str
    priorities: Mapping[str, int]
    setup: list[Event] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewDay:
    clinic_name: str
    priorities: Mapping[str, int]
    decision: Decision


class Store(Protocol):
    """A journal of clinic days: every action with the events it caused, in one total order."""

    location: str

    def day(self, day: date) -> DayInfo | None:
        """The day's record, or None if nothing was ever recorded for it."""
        ...

    def days(self) -> list[date]: ...

    def create_day(self, day: date, desk: str, make: Callable[[Previous | None], NewDay]) -> bool:
        """Start ``day`` atomically unless it exists; ``make`` gets the day to carry over from."""
        ...

    def events(self, day: date, after: int = 0) -> list[Recorded]:
        """The day's events with a sequence number above ``after``, in order."""
        ...

    def history(self, day: date) -> tuple[list[Event], int]:
        """The whole day's events in order and the last one's sequence number (0 if none):
        ``events(day)`` without the bookkeeping, for restoring a day fast."""
        ...

    def actions(self, day: date) -> list[Action]: ...

    def record(
        self, day: date, after: int, desk: str, decide: Callable[[list[Recorded]], Decision]
    ) -> Receipt:
        """Decide and record one action with nobody else writing in between.

        ``decide`` first gets the events recorded after ``after`` (so the decision is made on the
        latest view), then returns the decision; if it raises, nothing is recorded.
        """
        ...

    def close(self) -> None: ...
