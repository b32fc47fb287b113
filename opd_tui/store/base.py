"""What a journal keeps and the small interface every journal offers.

The desk needs only these calls, so a server database for desks on several machines can stand in
for SQLite later without touching the engine or the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from ..engine import Command, Event, OpdError, command_from

OPEN_DAY = "open-day"
"""The action that starts a day: its doctors and slots, carried over or from the initial set-up.
It is the journal's own, not a command: ``asked`` says where the set-up came from."""


class StoreError(OpdError):
    """The journal cannot be opened, read or written; the message is one line for the user."""


class JournalBusy(StoreError):
    """Another desk holds the journal's write lock; nothing was done, so trying again is safe."""


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
class RecordedText:
    """An event as the journal stores it, not decoded: ``data`` is its other fields as a JSON
    object. For passing events on as JSON without turning them into objects and back."""

    seq: int
    action_id: int
    kind: str
    at: str
    data: str


@dataclass(frozen=True, slots=True)
class Action:
    """One action a desk took, as asked: its command's kind and fields, and when."""

    id: int
    day: date
    desk: str
    name: str
    asked: Mapping[str, Any]
    at: datetime

    @property
    def command(self) -> Command | None:
        """The command as it was asked; None for the opening of a day."""
        return None if self.name == OPEN_DAY else command_from(self.name, self.asked)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the engine decided for one action, ready to be recorded with it: the action's
    kind and what was asked (a command's fields), when, and its events."""

    name: str
    asked: Mapping[str, Any]
    at: datetime
    events: list[Event]
    key: str | None = None
    """The client's idempotency key, if it sent one: a retry with it gets this action again."""
    fingerprint: str = ""
    """What the keyed request asked, so a key reused for another request can be refused."""

    @classmethod
    def of(
        cls,
        command: Command,
        at: datetime,
        events: list[Event],
        key: str | None = None,
        fingerprint: str = "",
    ) -> Decision:
        return cls(command.kind, command.fields(), at, events, key, fingerprint)


@dataclass(frozen=True, slots=True)
class Keyed:
    """An idempotency key already recorded: the action it became and the request it stood for."""

    key: str
    action_id: int
    fingerprint: str


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


class Transaction(Protocol):
    """The journal while one desk writes to it: read the latest, then append decisions."""

    def newer(self) -> list[Recorded]:
        """The events other desks recorded after the desk's last, in order: decide on them."""
        ...

    def keyed(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Keyed]:
        """Which of ``keys`` (each an action's kind and a key) were recorded on this day."""
        ...

    def append(self, decision: Decision) -> Receipt:
        """Add one decided action and its events; recorded when the transaction commits."""
        ...


class Store(Protocol):
    """A journal of clinic days: every action with the events it caused, in one total order."""

    location: str  # in full, for messages and help
    name: str  # in a few words, for the dashboard's header: a file's name
    writable: bool  # whether this process may record anything in it

    def day(self, day: date) -> DayInfo | None:
        """The day's record, or None if nothing was ever recorded for it."""
        ...

    def days(self) -> list[date]: ...

    def create_day(self, day: date, desk: str, make: Callable[[Previous | None], NewDay]) -> bool:
        """Start ``day`` atomically unless it exists; ``make`` gets the day to carry over from."""
        ...

    def events(self, day: date, after: int = 0, limit: int | None = None) -> list[Recorded]:
        """The day's events with a sequence number above ``after``, in order (the first
        ``limit`` of them, if given)."""
        ...

    def event_texts(self, day: date, after: int, limit: int) -> list[RecordedText]:
        """``events`` as stored, not decoded: the first ``limit`` after ``after``, in order."""
        ...

    def history(self, day: date) -> tuple[list[Event], int]:
        """The whole day's events in order and the last one's sequence number (0 if none):
        ``events(day)`` without the bookkeeping, for restoring a day fast."""
        ...

    def iter_events(
        self, day: date, after: int = 0, upto: int | None = None, chunk: int = 5000
    ) -> Iterator[Recorded]:
        """``events`` one at a time, read and decoded ``chunk`` at a time: those above ``after``
        and (if given) at most ``upto``, in order. A whole day without holding it all."""
        ...

    def actions(self, day: date) -> list[Action]: ...

    def transaction(
        self, day: date, after: int, desk: str, *, wait: bool = True
    ) -> AbstractContextManager[Transaction]:
        """One write transaction on ``day`` for ``desk``, with nobody else writing in between:
        what it appends is committed, durably, when the ``with`` block ends, and nothing of it
        if the block raises. ``after`` is the last event the desk has seen. Many actions in one
        transaction share one durable commit: that is how a busy service keeps up. Without
        ``wait``, another desk's write lock raises ``JournalBusy`` at once instead of being
        waited out, for a caller that would rather wait without blocking."""
        ...

    def action_events(self, action_id: int) -> list[Event]:
        """The events one recorded action caused, in order."""
        ...

    def close(self) -> None: ...
