"""A desk: how the dashboard acts on a clinic day without knowing where the day is kept.

The dashboard reads state from ``desk.engine`` and changes it only through ``desk.act``, which
names an engine operation and its arguments. An in-memory desk calls the engine directly; a
journal-backed desk also records the action and its events durably, and ``poll`` brings in what
other desks recorded meanwhile.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from .engine import Engine, Event, OpdError

ACTIONS = frozenset(
    {
        "book",
        "cancel",
        "no_show",
        "serve",
        "bump",
        "move",
        "set_capacity",
        "delay",
        "add_doctor",
        "add_slot",
        "undo",
    }
)


class ReadOnly(OpdError):
    """The day is open for reading only (a past day, or a view of history)."""


class Desk(Protocol):
    engine: Engine
    clinic_name: str
    day: date
    read_only: bool
    read_only_why: str  # why nothing can be recorded, in one line ("" when it can)
    location: str  # where the day is kept, in full ("memory only" for none): help shows it
    journal_name: str  # the same in a few words, always on screen: a file name, "memory only"
    desk_name: str  # which desk this is, beside the journal's name ("" for a throwaway desk)

    def act(self, action: str, *args: Any, **kwargs: Any) -> list[Event]:
        """Run one engine operation; its events, once recorded, are returned. If they could not
        be recorded (a ``StoreError``), ``engine`` may have been rebuilt as a new object."""
        ...

    def act_now(self, action: str, *args: Any, **kwargs: Any) -> list[Event]:
        """``act``, except that it never waits for another desk: a journal another desk is writing
        to raises ``JournalBusy`` at once."""
        ...

    def poll(self) -> list[Event]:
        """Events other desks recorded since the last look, already applied to ``engine``."""
        ...


class MemoryDesk:
    """A throwaway desk: the engine alone, nothing written anywhere."""

    location = "memory only (nothing is saved)"
    desk_name = ""

    def __init__(
        self,
        engine: Engine,
        clinic_name: str,
        day: date,
        *,
        read_only: bool = False,
        journal_name: str = "memory only",
    ) -> None:
        self.engine = engine
        self.clinic_name = clinic_name
        self.day = day
        self.read_only = read_only
        self.read_only_why = "this day is read-only" if read_only else ""
        self.journal_name = journal_name

    def act(self, action: str, *args: Any, **kwargs: Any) -> list[Event]:
        if self.read_only:
            raise ReadOnly(self.read_only_why)
        if action not in ACTIONS:
            raise OpdError(f"unknown action {action!r}")
        events: list[Event] = getattr(self.engine, action)(*args, **kwargs)
        return events

    def act_now(self, action: str, *args: Any, **kwargs: Any) -> list[Event]:
        return self.act(action, *args, **kwargs)  # nobody else writes to memory

    def poll(self) -> list[Event]:
        return []
