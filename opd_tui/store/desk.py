"""A desk backed by a journal: every action is decided on the latest view and recorded durably.

An action takes the journal's write lock, catches up with what other desks recorded, lets the
engine decide, and commits the action with its events in one transaction before returning them.
Other desks' events reach this desk through ``poll`` (and through the catch-up, reported by the
next ``poll``), so the dashboard can say someone else changed what it shows.
"""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import platformdirs

from ..desk import ReadOnly
from ..engine import (
    DEFAULT_PRIORITIES,
    AddDoctor,
    AddSlot,
    Clock,
    Command,
    DoctorAdded,
    Engine,
    Event,
    Invalid,
    OpdError,
    SlotAdded,
    VisitRules,
)
from .base import (
    OPEN_DAY,
    Decision,
    Keyed,
    NewDay,
    Previous,
    Receipt,
    Recorded,
    RecordedText,
    Store,
    StoreError,
)
from .codec import dumps
from .idempotency import BatchKeys, fingerprint

SetUp = Callable[[Engine], list[Event]]


def default_database() -> Path:
    """Where the journal lives unless ``--db`` says otherwise: the user's data directory."""
    return platformdirs.user_data_path("opd-tui", appauthor=False) / "journal.sqlite3"


class JournalDesk:
    """One desk on one clinic day of a journal; past days are read-only."""

    unsaved = 0  # every action is in the journal once it returns

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
        visit: VisitRules | None = None,
        desk_id: str | None = None,
        desk_name: str | None = None,
        follows: bool = True,
    ) -> None:
        self.store = store
        self._follows = follows
        """Whether the desk keeps the day's history and reports other desks' events through
        ``poll``: a dashboard shows both; the service, which reads its engine, needs neither."""
        self.day = day
        if day < (today or date.today()):
            self.read_only_why = f"{day.isoformat()} is a past day: it is open for reading only"
        elif not store.writable:
            self.read_only_why = (
                f"{store.location} is read-only for this user: it can be read, but nothing can be "
                "recorded in it"
            )
        else:
            self.read_only_why = ""
        self.read_only = bool(self.read_only_why)
        self.location = store.location
        self.journal_name = store.name
        self.desk_name = desk_name or socket.gethostname()
        self.desk_id = desk_id or f"{self.desk_name}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._clock = clock
        self.visit = visit or VisitRules()
        """The clinic's rules for the visit that this desk's engine decides by."""
        self._now: datetime | None = None
        self._lock = threading.RLock()
        self._pending: list[Event] = []
        self.last_action_id: int | None = None
        """The journal id of this desk's last recorded action."""
        info = store.day(day)
        if info is None:
            if self.read_only:
                raise StoreError(
                    f"nothing was recorded on {day.isoformat()} in {store.location}"
                    + ("" if store.writable else ", and it is read-only for this user")
                )
            defaults = {s.value: p for s, p in DEFAULT_PRIORITIES.items()}
            start = _Start(clock, setup, clinic_name, dict(priorities or defaults), self.visit)
            store.create_day(day, self.desk_id, start)
            info = store.day(day)
            assert info is not None
        self.clinic_name = info.clinic_name
        self.priorities = dict(info.priorities)
        self._broken: str | None = None  # why this desk can no longer act, if it cannot
        self.history: list[Event] = []
        """The day's events as restored when the desk opened, oldest first: the activity log."""
        self.engine, self._last_seq = self._restore()

    # ------------------------------------------------------------- the Desk protocol

    def act(self, command: Command) -> list[Event]:
        """Decide on the latest view and record durably; only then are the events returned."""
        return self._act(Request(command), wait=True)

    def act_now(self, command: Command) -> list[Event]:
        """``act``, but while another desk holds the journal's write lock it raises
        ``JournalBusy`` at once, so a screen never freezes waiting for it."""
        return self._act(Request(command), wait=False)

    def _act(self, request: Request, *, wait: bool) -> list[Event]:
        (outcome,) = self.act_batch([request], wait=wait)
        if outcome.error is not None:
            raise outcome.error
        return outcome.events

    def act_batch(self, requests: Sequence[Request], *, wait: bool = True) -> list[Outcome]:
        """Decide many actions on the latest view, in order, and record them in one transaction:
        one durable commit for all, which is how a busy service keeps up.

        Each request gets its own outcome. A refused action changes nothing and records nothing;
        a request whose idempotency key was recorded before gets that action's events again.
        If the journal cannot be written, nothing is recorded and the ``StoreError`` is raised;
        without ``wait``, that includes ``JournalBusy`` when another desk is writing.
        """
        outcomes: list[Outcome | None] = [self._refusal(request) for request in requests]
        if all(outcome is not None for outcome in outcomes):
            return [outcome for outcome in outcomes if outcome is not None]
        with self._lock:
            touched = False  # whether the engine may hold what the journal does not
            recorded: list[tuple[int, Decision, Receipt]] = []
            repeats: dict[int, int] = {}  # a key repeated in the batch: answered by its first
            try:
                with self.store.transaction(
                    self.day, self._last_seq, self.desk_id, wait=wait
                ) as tx:
                    touched = True
                    self._take(tx.newer())
                    self.engine.hold()  # until committed: a failed write takes it all back
                    open_ones = [r for r, o in zip(requests, outcomes, strict=True) if o is None]
                    keys = BatchKeys(tx, ((r.command.kind, r.key) for r in open_ones))
                    for index, request in enumerate(requests):
                        if outcomes[index] is not None:
                            continue
                        kind, key = request.command.kind, request.key
                        if (known := keys.recorded(kind, key)) is not None:
                            outcomes[index] = self._again(request, known)
                        elif (first := keys.decided(kind, key)) is not None:
                            repeats[index] = first
                        elif isinstance(decided := self._decide(request), Outcome):
                            outcomes[index] = decided
                        else:
                            keys.decide(kind, key, index)
                            recorded.append((index, decided, tx.append(decided)))
            except BaseException:
                if touched:
                    self._take_back()
                raise
            finally:
                self._now = None
                self.engine.release()
            for index, decision, receipt in recorded:
                outcomes[index] = Outcome(decision.events, action_id=receipt.action_id)
                if receipt.seqs:
                    self._last_seq = max(self._last_seq, receipt.seqs[-1])
                self.last_action_id = receipt.action_id
            for index, first in repeats.items():
                answered, request = outcomes[first], requests[first]
                assert answered is not None and answered.action_id is not None
                known = Keyed(request.key or "", answered.action_id, request.fingerprint)
                outcomes[index] = self._again(requests[index], known, answered.events)
        done = [outcome for outcome in outcomes if outcome is not None]
        assert len(done) == len(requests)
        return done

    def _decide(self, request: Request) -> Decision | Outcome:
        """The engine's decision on one request, at one moment; a refusal or a change of
        nothing is the request's outcome instead."""
        at = self._now = self._clock()
        try:
            events = self.engine.execute(request.command)
        except OpdError as error:
            return Outcome(error=error)
        if not events:  # it changed nothing (a capacity set to what it is)
            return Outcome()
        return Decision.of(request.command, at, events, request.key, request.fingerprint)

    def poll(self) -> list[Event]:
        """What other desks recorded since the last look (or since an action caught up with it)."""
        with self._lock:
            if self._broken is not None:
                raise StoreError(self._broken)
            self._take(self.store.events(self.day, self._last_seq))
            taken, self._pending = self._pending, []
            return taken

    def earlier_day(self) -> tuple[date, Engine] | None:
        """The journal's latest day before this one, replayed to its end; None if none."""
        earlier = [d for d in self.store.days() if d < self.day]
        if not earlier:
            return None
        day = max(earlier)
        info = self.store.day(day)
        assert info is not None
        engine = Engine(priorities=info.priorities, visit=self.visit)
        engine.apply_all(self.store.history(day)[0])
        return day, engine

    @property
    def last_seq(self) -> int:
        """The sequence number of the latest event this desk has taken in."""
        return self._last_seq

    @contextlib.contextmanager
    def reading(self) -> Iterator[Engine]:
        """The engine caught up with other desks and held still while the caller reads it."""
        with self._lock:
            self.poll()
            yield self.engine

    def recorded(self, after: int, limit: int) -> list[RecordedText]:
        """Up to ``limit`` of the day's recorded events after sequence number ``after``, as
        stored: for passing on, not for deciding."""
        with self._lock:
            return self.store.event_texts(self.day, after, limit)

    # ------------------------------------------------------------- internals

    def _refusal(self, request: Request) -> Outcome | None:
        """A request refused before the engine sees it, or None."""
        if self._broken is not None:
            return Outcome(error=StoreError(self._broken))
        if self.read_only:
            return Outcome(error=ReadOnly(self.read_only_why))
        command: object = request.command  # from untyped callers too
        if not isinstance(command, Command):
            return Outcome(error=Invalid(f"unknown action {command!r}"))
        try:
            dumps(command.fields())
        except (TypeError, ValueError):
            return Outcome(error=Invalid(f"cannot record the arguments of {command.kind}"))
        return None

    def _again(
        self, request: Request, recorded: Keyed, events: list[Event] | None = None
    ) -> Outcome:
        """The answer to a retried request: the recorded action's events, nothing decided anew."""
        if request.fingerprint != recorded.fingerprint:
            return Outcome(
                error=Invalid(
                    f"idempotency key {recorded.key!r} was already used for a different request"
                )
            )
        if events is None:
            events = self.store.action_events(recorded.action_id)
        return Outcome(events, action_id=recorded.action_id, replayed=True)

    def _restore(self) -> tuple[Engine, int]:
        engine = Engine(clock=self._engine_clock, priorities=self.priorities, visit=self.visit)
        # A day is hundreds of thousands of new objects and no garbage: the collector's passes
        # over them would cost as much as the restore itself.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.history, last_seq = self.store.history(self.day)
            engine.apply_all(self.history)
            if not self._follows:
                self.history = []
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

    def _take_back(self) -> None:
        """After a failed write the engine holds decisions nobody recorded. They are rolled back
        in place, which costs what the batch cost, not what the day does; only a batch with
        set-up or an undo in it is rebuilt from the journal (and whoever holds ``engine`` reads it
        again after the error). If even that fails, the desk refuses everything until it is
        opened again rather than act on unrecorded decisions."""
        if self.engine.roll_back():
            return
        self._pending = []
        try:
            self.engine, self._last_seq = self._restore()
        except BaseException as error:
            self._broken = (
                f"the journal could not be read back after a failed write ({error}); "
                "close this desk and open the day again"
            )
            raise

    def _take(self, newer: list[Recorded]) -> None:
        if not newer:
            return
        events = [r.event for r in newer]
        try:
            self.engine.apply_all(events)
        except Exception as error:
            raise StoreError(f"an event from another desk cannot be replayed ({error!r})") from None
        self._last_seq = newer[-1].seq
        if self._follows:
            self._pending.extend(events)

    def _engine_clock(self) -> datetime:
        """Real time, except while an action is decided: then the one time recorded with it."""
        return self._clock() if self._now is None else self._now

    def close(self) -> None:
        self.store.close()


@dataclass(frozen=True, slots=True)
class Request:
    """One command asked of a desk and, from a client that may send it again, an idempotency
    key."""

    command: Command
    key: str | None = None

    @property
    def fingerprint(self) -> str:
        """What was asked, to tell a retry from another request sent with the same key."""
        return fingerprint(self.command) if self.key is not None else ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a request: its events, or the error that refused it (nothing changed).
    ``replayed`` says the events are those recorded for an earlier request with the same key."""

    events: list[Event] = field(default_factory=list)
    error: OpdError | None = None
    action_id: int | None = None
    replayed: bool = False


class _Start:
    """Decides a new day's set-up: the previous day's doctors and slots, or the initial set-up."""

    def __init__(
        self,
        clock: Clock,
        setup: SetUp | None,
        clinic_name: str,
        priorities: dict[str, int],
        visit: VisitRules,
    ) -> None:
        self._clock = clock
        self._setup = setup
        self._clinic_name = clinic_name
        self._priorities = priorities
        self._visit = visit

    def __call__(self, previous: Previous | None) -> NewDay:
        at = self._clock()
        name = previous.clinic_name if previous else self._clinic_name
        priorities = dict(previous.priorities) if previous else self._priorities
        engine = Engine(clock=lambda: at, priorities=priorities, visit=self._visit)
        if previous is None:
            events = self._setup(engine) if self._setup else []
            origin = "initial set-up" if self._setup else "empty"
        else:
            events = carry_over(engine, previous.setup)
            origin = previous.day.isoformat()
        return NewDay(name, priorities, Decision(OPEN_DAY, {"origin": origin}, at, events))


def carry_over(engine: Engine, setup: list[Event]) -> list[Event]:
    """Add another day's doctors and slots to ``engine``, each slot with the capacity it was set up
    with: capacity changes and delays belong to the day they were made on."""
    events: list[Event] = []
    for event in setup:
        if isinstance(event, DoctorAdded):
            events += engine.execute(
                AddDoctor(event.doctor_id, event.name, event.specialty, event.room)
            )
        elif isinstance(event, SlotAdded):
            slot = AddSlot(event.slot_id, event.doctor_id, event.start, event.end, event.capacity)
            events += engine.execute(slot)
    return events


@dataclass(frozen=True, slots=True)
class NewClinic:
    """How a new journal's first day is set up: its clinic's name, priorities and doctors and
    slots (none unless asked for). Later days carry over the latest day's. ``visit`` is the
    clinic's rules for the visit, for the desks opened with it."""

    name: str = "OPD"
    setup: SetUp | None = None
    priorities: Mapping[str, int] | None = None
    visit: VisitRules | None = None
