"""A desk backed by a journal: every action is decided on the latest view and recorded durably.

An action takes the journal's write lock, catches up with what other desks recorded, lets the
engine decide, and commits the action with its events in one transaction before returning them.
Other desks' events reach this desk through ``poll`` (and through the catch-up, reported by the
next ``poll``), so the dashboard can say someone else changed what it shows.
"""

from __future__ import annotations

import gc
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import platformdirs

from ..desk import ACTIONS, Desk, MemoryDesk, ReadOnly
from ..engine import (
    DEFAULT_PRIORITIES,
    Clock,
    DoctorAdded,
    Engine,
    Event,
    Invalid,
    OpdError,
    SlotAdded,
)
from .base import Decision, NewDay, Previous, Recorded, Store, StoreError
from .codec import dumps
from .sqlite import SqliteStore

SetUp = Callable[[Engine], list[Event]]
OPEN_DAY = "open-day"
"""The action that starts a day: its doctors and slots, carried over or from the initial set-up."""


def default_database() -> Path:
    """Where the journal lives unless ``--db`` says otherwise: the user's data directory."""
    return platformdirs.user_data_path("opd-tui", appauthor=False) / "journal.sqlite3"


class JournalDesk:
    """One desk on one clinic day of a journal; past days are read-only."""

    def __init__(
        self,
        store: Store,
        day: date,
        *,
        today: date | None = None,
        clock: Clock = datetime.now,
        setup: SetUp | None = None,
        clinic_name: str = "OPD",
        priorities: Mapping[str, int] | None = None,
        desk_id: str | None = None,
    ) -> None:
        self.store = store
        self.day = day
        self.read_only = day < (today or date.today())
        self.location = store.location
        self.desk_id = desk_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._clock = clock
        self._now: datetime | None = None
        self._lock = threading.RLock()
        self._pending: list[Event] = []
        self.last_action_id: int | None = None
        """The journal id of this desk's last recorded action."""
        info = store.day(day)
        if info is None:
            if self.read_only:
                raise StoreError(f"nothing was recorded on {day.isoformat()} in {store.location}")
            defaults = {s.value: p for s, p in DEFAULT_PRIORITIES.items()}
            start = _Start(clock, setup, clinic_name, dict(priorities or defaults))
            store.create_day(day, self.desk_id, start)
            info = store.day(day)
            assert info is not None
        self.clinic_name = info.clinic_name
        self.priorities = dict(info.priorities)
        self.history: list[Event] = []
        """The day's events as restored when the desk opened, oldest first: the activity log."""
        self.engine, self._last_seq = self._restore()

    # ------------------------------------------------------------- the Desk protocol

    def act(self, action: str, *args: Any, **kwargs: Any) -> list[Event]:
        """Decide on the latest view and record durably; only then are the events returned."""
        if self.read_only:
            raise ReadOnly(f"{self.day.isoformat()} is a past day: it is open for reading only")
        if action not in ACTIONS:
            raise OpdError(f"unknown action {action!r}")
        try:
            dumps([args, kwargs])
        except (TypeError, ValueError):
            raise Invalid(f"cannot record the arguments of {action}") from None
        with self._lock:
            at = self._clock()
            touched = False
            decided: list[Event] = []

            def decide(newer: list[Recorded]) -> Decision:
                nonlocal touched
                touched = True
                self._take(newer)
                self._now = at
                decided.extend(getattr(self.engine, action)(*args, **kwargs))
                return Decision(action, args, kwargs, at, decided)

            try:
                receipt = self.store.record(self.day, self._last_seq, self.desk_id, decide)
            except OpdError as error:
                if touched and isinstance(error, StoreError):
                    self._reload()
                raise
            except BaseException:
                if touched:
                    self._reload()
                raise
            finally:
                self._now = None
            if receipt.seqs:
                self._last_seq = max(self._last_seq, receipt.seqs[-1])
            self.last_action_id = receipt.action_id
            return decided

    def poll(self) -> list[Event]:
        """What other desks recorded since the last look (or since an action caught up with it)."""
        with self._lock:
            self._take(self.store.events(self.day, self._last_seq))
            taken, self._pending = self._pending, []
            return taken

    # ------------------------------------------------------------- internals

    def _restore(self) -> tuple[Engine, int]:
        engine = Engine(clock=self._engine_clock, priorities=self.priorities)
        # A day is hundreds of thousands of new objects and no garbage: the collector's passes
        # over them would cost as much as the restore itself.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.history, last_seq = self.store.history(self.day)
            engine.apply_all(self.history)
        except StoreError:
            raise
        except Exception as error:
            raise StoreError(
                f"the journal of {self.day.isoformat()} cannot be replayed ({error!r})"
            ) from None
        finally:
            if collecting:
                gc.enable()
        return engine, last_seq

    def _reload(self) -> None:
        """After a failed write the engine may hold an unrecorded decision: a new one is rebuilt
        from the journal (whoever holds ``engine`` reads it again after the ``StoreError``)."""
        self._pending = []
        self.engine, self._last_seq = self._restore()

    def _take(self, newer: list[Recorded]) -> None:
        if not newer:
            return
        events = [r.event for r in newer]
        try:
            self.engine.apply_all(events)
        except Exception as error:
            raise StoreError(f"an event from another desk cannot be replayed ({error!r})") from None
        self._last_seq = newer[-1].seq
        self._pending.extend(events)

    def _engine_clock(self) -> datetime:
        """Real time, except while an action is decided: then the one time recorded with it."""
        return self._clock() if self._now is None else self._now

    def close(self) -> None:
        self.store.close()


class _Start:
    """Decides a new day's set-up: the previous day's doctors and slots, or the initial set-up."""

    def __init__(
        self, clock: Clock, setup: SetUp | None, clinic_name: str, priorities: dict[str, int]
    ) -> None:
        self._clock = clock
        self._setup = setup
        self._clinic_name = clinic_name
        self._priorities = priorities

    def __call__(self, previous: Previous | None) -> NewDay:
        at = self._clock()
        name = previous.clinic_name if previous else self._clinic_name
        priorities = dict(previous.priorities) if previous else self._priorities
        engine = Engine(clock=lambda: at, priorities=priorities)
        if previous is None:
            events = self._setup(engine) if self._setup else []
            origin = "initial set-up" if self._setup else "empty"
        else:
            events = carry_over(engine, previous.setup)
            origin = previous.day.isoformat()
        return NewDay(name, priorities, Decision(OPEN_DAY, (origin,), {}, at, events))


def carry_over(engine: Engine, setup: list[Event]) -> list[Event]:
    """Add another day's doctors and slots to ``engine``, each slot with the capacity it was set up
    with: capacity changes and delays belong to the day they were made on."""
    events: list[Event] = []
    for event in setup:
        if isinstance(event, DoctorAdded):
            events += engine.add_doctor(event.doctor_id, event.name, event.specialty)
        elif isinstance(event, SlotAdded):
            events += engine.add_slot(
                event.slot_id, event.doctor_id, event.start, event.end, event.capacity
            )
    return events


def open_desk(
    db: Path | None,
    day: date | None,
    memory: bool,
    *,
    today: date | None = None,
) -> tuple[Desk, list[Event]]:
    """The desk the command line asks for, with the day's events so far (the activity log):
    a throwaway demo that writes nothing, or a day of a journal file (today unless ``day``)."""
    from .. import demo

    today = today or date.today()
    day = day or today
    if memory:
        engine, history = demo.demo_day(day)
        return MemoryDesk(engine, demo.CLINIC_NAME, day, read_only=day < today), history
    store = SqliteStore(db or default_database(), create=day >= today)
    try:
        desk = JournalDesk(store, day, today=today, setup=demo.set_up, clinic_name=demo.CLINIC_NAME)
    except BaseException:
        store.close()
        raise
    return desk, desk.history
