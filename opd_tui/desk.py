"""A desk: how the dashboard acts on a clinic day without knowing where the day is kept.

The dashboard reads state from ``desk.engine`` and changes it only through ``desk.act``, which
takes one command (``Book``, ``Cancel``, …). An in-memory desk calls the engine directly; a
journal-backed desk also records the action and its events durably, and ``poll`` brings in what
other desks recorded meanwhile.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from .engine import Command, Engine, Event, Invalid, OpdError


class ReadOnly(OpdError):
    """The day is open for reading only (a past day, or a view of history)."""


class Desk(Protocol):
    @property
    def engine(self) -> Engine:
        """The live day: the desk's own, which only the desk replaces (after a failed write)."""
        ...

    clinic_name: str
    day: date
    read_only: bool
    read_only_why: str  # why nothing can be recorded, in one line ("" when it can)
    location: str  # where the day is kept, in full ("memory only" for none): help shows it
    journal_name: str  # the same in a few words, always on screen: a file name, "memory only"
    desk_name: str  # which desk this is, beside the journal's name ("" for a throwaway desk)
    unsaved: int  # actions taken here that nothing keeps: lost on quitting (0 on a journal)

    def act(self, command: Command) -> list[Event]:
        """Carry out one command; its events, once recorded, are returned. If they could not
        be recorded (a ``StoreError``), ``engine`` may have been rebuilt as a new object."""
        ...

    def act_now(self, command: Command) -> list[Event]:
        """``act``, except that it never waits for another desk: a journal another desk is writing
        to raises ``JournalBusy`` at once."""
        ...

    def poll(self) -> list[Event]:
        """Events other desks recorded since the last look, already applied to ``engine``."""
        ...

    def earlier_day(self) -> tuple[date, Engine] | None:
        """The latest day before this one that the desk can read, as it ended; None if none:
        where a carry-over takes its unseen patients from."""
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
        self.unsaved = 0

    def act(self, command: Command) -> list[Event]:
        if self.read_only:
            raise ReadOnly(self.read_only_why)
        events = self.engine.execute(checked(command))
        self.unsaved += 1
        return events

    def act_now(self, command: Command) -> list[Event]:
        return self.act(command)  # nobody else writes to memory

    def poll(self) -> list[Event]:
        return []

    def earlier_day(self) -> tuple[date, Engine] | None:
        return None  # memory keeps one day


def checked(command: object) -> Command:
    """``command`` if it is one; anything else is refused before it reaches the engine."""
    if not isinstance(command, Command):
        raise Invalid(f"unknown action {command!r}")
    return command
