"""The allocation engine: one clinic day, its rules, and nothing else.

The rule, in every slot at every moment: the booked tokens are the served ones plus the best
(capacity − served) live tokens ranked by priority (higher first), then arrival (earlier first);
every other live token waits, in that same order. Each operation validates everything first, then
restores the rule with the fewest changes, and returns one event per change.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import compress, count, islice, repeat, starmap
from operator import attrgetter
from typing import Any

from .commands import (
    AddDoctor,
    AddSlot,
    Book,
    Bump,
    Cancel,
    Command,
    Delay,
    Move,
    NoShow,
    Serve,
    SetCapacity,
    Undo,
)
from .errors import Conflict, Invalid, NotFound
from .events import (
    Booked,
    Bumped,
    Cancelled,
    CapacityChanged,
    Delayed,
    DoctorAdded,
    Event,
    Left,
    MarkedNoShow,
    Moved,
    Placed,
    Preempted,
    Promoted,
    Served,
    SlotAdded,
    SlotRestored,
    TokenRestored,
    TokenWithdrawn,
    Undone,
    Waitlisted,
)
from .model import (
    BOOKED,
    CANCELLED,
    DEFAULT_PRIORITIES,
    NO_SHOW,
    SERVED,
    WAITING,
    Doctor,
    Seat,
    Slot,
    SlotView,
    Source,
    Stats,
    Status,
    Token,
    format_hhmm,
    parse_hhmm,
)
from .seating import Seating
from .snapshot import Layout, SlotRecord, Snapshot, TokenRecord, token_id

Clock = Callable[[], datetime]
Done = tuple[str, list[Event], Token | None]
"""One action as undo keeps it: its name, its events, and the moved token as it was before."""

UNDO_DEPTH = 50
"""How many of its own last actions an engine can take back, newest first."""

MAX_DELAY_MINUTES = 720
"""The most a doctor can run late (or early) in one go: half a day; more is a typing slip."""


class Engine:
    """A clinic day in memory. Thread-safe: every call holds one lock."""

    def __init__(
        self,
        *,
        clock: Clock = datetime.now,
        priorities: Mapping[Source, int] | Mapping[str, int] | None = None,
    ) -> None:
        self._clock = clock
        self.priorities: dict[Source, int] = dict(DEFAULT_PRIORITIES)
        for source, priority in (priorities or {}).items():
            if not isinstance(priority, int) or isinstance(priority, bool):
                raise Invalid(f"priority of {source} must be a whole number, not {priority!r}")
            self.priorities[Source.parse(source)] = priority
        self._levels = sorted(set(self.priorities.values()))
        self._lock = threading.RLock()
        self._doctors: dict[str, Doctor] = {}
        self._doctor_slots: dict[str, list[Slot]] = {}
        self._slots: dict[str, Slot] = {}
        self._seating: dict[str, Seating] = {}
        self._tokens: dict[str, Token] = {}
        self._numbers: dict[str, int] = {}
        self._arrivals = 0
        # This engine's own last actions, newest last: (action, its events, the moved token as
        # it was before a move). Replaying events empties it (undo never crosses another desk),
        # and so does forget_actions.
        self._done: deque[Done] = deque(maxlen=UNDO_DEPTH)
        self._undos = 0  # how many actions were taken back: part of the action mark
        self._held: _Held | None = None  # while held: what roll_back needs

    def now(self) -> datetime:
        """The engine's clock: the time its events are stamped with."""
        return self._clock()

    def execute(self, command: Command) -> list[Event]:
        """Carry out one command: the events it decided, or an ``OpdError`` having changed
        nothing. The named operations below are the same, called by name."""
        match command:
            case Book(slot_id=slot_id, patient=patient, source=source):
                return self.book(slot_id, patient, source)
            case Cancel(token_id=token_id):
                return self.cancel(token_id)
            case NoShow(token_id=token_id):
                return self.no_show(token_id)
            case Serve(token_id=token_id):
                return self.serve(token_id)
            case Bump(token_id=token_id, up=up, to=to):
                return self.bump(token_id, up=up, to=to)
            case Move(token_id=token_id, slot_id=slot_id):
                return self.move(token_id, slot_id)
            case SetCapacity(slot_id=slot_id, capacity=capacity):
                return self.set_capacity(slot_id, capacity)
            case Delay(doctor_id=doctor_id, minutes=minutes):
                return self.delay(doctor_id, minutes)
            case AddDoctor(doctor_id=doctor_id, name=name, specialty=specialty):
                return self.add_doctor(doctor_id, name, specialty)
            case AddSlot(slot_id=slot_id, doctor_id=doctor_id, start=start, end=end):
                return self.add_slot(slot_id, doctor_id, start, end, command.capacity)
            case Undo():
                return self.undo()
        raise Invalid(f"unknown action {command!r}")

    # ------------------------------------------------------------------ set-up

    def add_doctor(self, doctor_id: str, name: str, specialty: str) -> list[Event]:
        doctor_id = _identifier(doctor_id, "doctor id")
        with self._lock:
            if doctor_id in self._doctors:
                raise Conflict(f"doctor {doctor_id!r} already exists")
            doctor = Doctor(doctor_id, _text(name, "doctor name"), _text(specialty, "specialty"))
            self._doctors[doctor_id] = doctor
            self._doctor_slots[doctor_id] = []
            self._numbers[doctor_id] = 0
            self._cannot_roll_back()
            return [DoctorAdded(self._clock(), doctor_id, doctor.name, doctor.specialty)]

    def add_slot(
        self, slot_id: str, doctor_id: str, start: str, end: str, capacity: int
    ) -> list[Event]:
        slot_id = _identifier(slot_id, "slot id")
        start_min, end_min = parse_hhmm(start), parse_hhmm(end)
        if end_min <= start_min:
            raise Invalid(f"slot {slot_id}: end {end} is not after start {start}")
        _check_capacity(capacity)
        with self._lock:
            slots = self._slots_of(doctor_id)
            if slot_id in self._slots:
                raise Conflict(f"slot {slot_id!r} already exists")
            for other in slots:
                if start_min < other.end_min and other.start_min < end_min:
                    raise Conflict(f"slot {slot_id} overlaps {self._slot_name(other)}–{other.end}")
            slot = Slot(slot_id, doctor_id, start_min, end_min, capacity)
            slots.append(slot)
            slots.sort(key=lambda s: s.start_min)
            self._slots[slot_id] = slot
            self._seating[slot_id] = Seating(self._tokens)
            self._cannot_roll_back()
            return [SlotAdded(self._clock(), slot_id, doctor_id, slot.start, slot.end, capacity)]

    # -------------------------------------------------------------- operations

    def book(self, slot_id: str, patient: str, source: Source | str) -> list[Event]:
        """A new token joins the slot: booked, booked by preempting the weakest, or waitlisted."""
        patient = _text(patient, "patient name")
        source = Source.parse(source)
        with self._lock:
            slot = self._slot(slot_id)
            now = self._clock()
            self._arrivals += 1
            arrival = self._arrivals
            token = Token(
                "T" + str(arrival).zfill(5),  # T00042; zfill is twice as fast as a format spec
                self._next_number(slot.doctor_id),
                patient,
                source,
                self.priorities[source],
                arrival,
                slot_id,
                WAITING,
                now,
            )
            self._tokens[token.id] = token
            events: list[Event] = []
            self._place(slot, token, now, events)
            self._did(("book", events, None))
            return events

    def cancel(self, token_id: str) -> list[Event]:
        return self._leave(token_id, CANCELLED)

    def no_show(self, token_id: str) -> list[Event]:
        return self._leave(token_id, NO_SHOW)

    def serve(self, token_id: str) -> list[Event]:
        """The patient has been seen: the token keeps its seat and can no longer be preempted."""
        with self._lock:
            token = self._live_token(token_id, "serve")
            if token.status is WAITING:
                raise Conflict(
                    f"{token.number} is on the waitlist; only a booked token can be served"
                )
            seating = self._seating[token.slot_id]
            seating.remove(token)
            token.status = SERVED
            seating.served.append(token)
            events: list[Event] = [Served(self._clock(), token.id, token.slot_id)]
            self._did(("serve", events, None))
            return events

    def bump(
        self, token_id: str, *, up: bool = True, to: Source | str | None = None
    ) -> list[Event]:
        """Raise (or lower) a live token's priority one class, or to ``to``'s priority."""
        target = None if to is None else self.priorities[Source.parse(to)]
        with self._lock:
            token = self._live_token(token_id, "bump")
            old = token.priority
            if target is None:
                target = self._next_level(old, up)
                if target is None:
                    end = "highest" if up else "lowest"
                    raise Conflict(f"{token.number} is already at the {end} priority ({old})")
            elif target == old:
                raise Conflict(f"{token.number} already has priority {old}")
            now = self._clock()
            seating = self._seating[token.slot_id]
            seating.remove(token)
            token.priority = target
            if token.status is BOOKED:
                seating.seat(token)
            else:
                seating.wait(token)
            events: list[Event] = [Bumped(now, token.id, token.slot_id, old, target)]
            self._swap_if_outranked(seating, token.slot_id, now, events)
            self._did(("bump", events, None))
            return events

    def move(self, token_id: str, slot_id: str) -> list[Event]:
        """The patient leaves their slot (a freed seat promotes there) and joins ``slot_id`` anew."""
        with self._lock:
            token = self._live_token(token_id, "move")
            slot = self._slot(slot_id)
            if slot_id == token.slot_id:
                raise Conflict(f"{token.number} is already in {self._slot_name(slot)}")
            now = self._clock()
            origin = token.slot_id
            before = replace(token)
            events: list[Event] = [Moved(now, token.id, origin, slot_id)]
            was_booked = token.status is BOOKED
            self._seating[origin].remove(token)
            if was_booked:
                self._fill(self._slots[origin], now, events, seat_of=token.id)
            if self._slots[origin].doctor_id != slot.doctor_id:
                token.number = self._next_number(slot.doctor_id)
            self._arrivals += 1
            token.arrival = self._arrivals
            token.arrived_at = now
            token.slot_id = slot_id
            self._place(slot, token, now, events)
            self._did(("move", events, before))
            return events

    def set_capacity(self, slot_id: str, capacity: int) -> list[Event]:
        """Elastic capacity: a cut preempts the weakest booked tokens, a rise promotes the best waiting."""
        _check_capacity(capacity)
        with self._lock:
            slot = self._slot(slot_id)
            old = slot.capacity
            if capacity == old:
                return []
            now = self._clock()
            slot.capacity = capacity
            events: list[Event] = [CapacityChanged(now, slot_id, old, capacity)]
            seating = self._seating[slot_id]
            while seating.free_seats(capacity) < 0 and seating.booked_count:
                weakest = seating.weakest()
                assert weakest is not None
                self._preempt(seating, weakest, None, f"capacity cut to {capacity}", now, events)
            self._fill(slot, now, events, seat_of=None)
            self._did(("capacity", events, None))
            return events

    def delay(self, doctor_id: str, minutes: int) -> list[Event]:
        """The doctor runs ``minutes`` later (or earlier, if negative) for every slot not yet over."""
        if (
            not isinstance(minutes, int)
            or isinstance(minutes, bool)
            or minutes == 0
            or not -MAX_DELAY_MINUTES <= minutes <= MAX_DELAY_MINUTES
        ):
            raise Invalid(
                f"delay must be a whole number of minutes from {-MAX_DELAY_MINUTES} to "
                f"{MAX_DELAY_MINUTES}, other than 0; not {minutes!r}"
            )
        with self._lock:
            slots = self._slots_of(doctor_id)
            now = self._clock()
            now_min = now.hour * 60 + now.minute
            remaining = [s for s in slots if s.end_min + s.delay > now_min]
            if not remaining:
                raise Conflict(f"{self._doctors[doctor_id].name} has no slots left today")
            for slot in remaining:
                if slot.delay + minutes < 0:
                    raise Invalid(f"{self._slot_name(slot)} would start before its scheduled time")
                if slot.delay + minutes > MAX_DELAY_MINUTES:
                    raise Invalid(
                        f"{self._slot_name(slot)} would run more than {MAX_DELAY_MINUTES} "
                        f"minutes late (it is {slot.delay} late already)"
                    )
            for slot in remaining:
                slot.delay += minutes
            events: list[Event] = [Delayed(now, doctor_id, minutes, tuple(s.id for s in remaining))]
            self._did(("delay", events, None))
            return events

    # -------------------------------------------------------------------- undo

    def undo(self) -> list[Event]:
        """Take back this engine's last action exactly: preempted patients back in their seats,
        promoted ones back on the waitlist, a booking withdrawn. Token ids and numbers are not
        reused. The events say what was undone, then how each touched token and slot now is."""
        with self._lock:
            if not self._done:
                raise Conflict(
                    "nothing to undo: no action was taken here since the day was opened "
                    "or since another desk acted"
                )
            action, events, before = self._done.pop()
            self._undos += 1
            self._cannot_roll_back()
            subject = self._subject(events, before)
            tokens: set[str] = set()
            slots: set[str] = set()
            for event in reversed(events):
                self._invert(event, before, tokens, slots)
            now = self._clock()
            undone: list[Event] = [Undone(now, action, subject)]
            for token_id in sorted(tokens):
                token = self._tokens.get(token_id)
                if token is None:
                    undone.append(TokenWithdrawn(now, token_id, _slot_of(events, token_id)))
                else:
                    undone.append(_restored(now, token))
            for slot_id in sorted(slots):
                slot, seating = self._slots[slot_id], self._seating[slot_id]
                undone.append(
                    SlotRestored(
                        now,
                        slot_id,
                        slot.capacity,
                        slot.delay,
                        tuple(t.id for t in seating.served),
                        seating.no_shows,
                        seating.cancelled,
                        seating.preemptions,
                        seating.promotions,
                    )
                )
            return undone

    def forget_actions(self) -> None:
        """From now on, undo reaches back only to actions taken after this call: a day scripted
        into the engine (the demo's morning) is not the user's to take back. The action mark
        changes, as after a replay."""
        with self._lock:
            self._done = deque(maxlen=UNDO_DEPTH)
            self._cannot_roll_back()

    # ------------------------------------------------------------ holding back

    def hold(self) -> None:
        """Keep what the actions from now on do, until ``release``, so that ``roll_back`` can take
        them all back: a journal that fails to record decisions must not leave them in the day.
        Holding costs a copy of the undo record (50 entries at most)."""
        with self._lock:
            self._held = _Held(deque(self._done, maxlen=UNDO_DEPTH), self._arrivals)

    def roll_back(self) -> bool:
        """Take back every action since ``hold`` as if it had never been decided: no events, the
        same token ids and numbers for the next ones, the undo record as it was. Returns False,
        having changed nothing, if it cannot: set-up, an undo or a replay happened meanwhile
        (then only a rebuild from the journal goes back)."""
        with self._lock:
            held, self._held = self._held, None
            if held is None or not held.reversible:
                return False
            ignored: set[str] = set()
            for _, events, before in reversed(held.actions):
                for event in reversed(events):
                    self._invert(event, before, ignored, ignored)
            self._done, self._arrivals = held.done, held.arrivals
            self._numbers.update(held.numbers)
            return True

    def release(self) -> None:
        """Stop keeping actions for ``roll_back``: they are recorded."""
        self._held = None

    def _did(self, done: Done) -> None:
        self._done.append(done)
        if self._held is not None:
            self._held.actions.append(done)

    def _cannot_roll_back(self) -> None:
        if self._held is not None:
            self._held.reversible = False

    def last_action(self) -> list[Event] | None:
        """The events of the action ``undo`` would take back, if there is one."""
        with self._lock:
            return list(self._done[-1][1]) if self._done else None

    def action_mark(self) -> tuple[object, int]:
        """Where the day stands, for ``unchanged_since``: a caller that keeps its own record of
        the day (a scenario player) can then tell cheaply whether anyone else changed it."""
        done = self._done  # no lock: each read is atomic, and this is called after every step
        try:
            return done[-1], self._undos  # the last action, held: its identity is never reused
        except IndexError:
            return done, self._undos  # a replay makes a new deque

    def unchanged_since(self, mark: tuple[object, int]) -> bool:
        """Whether no action, undo or replay has changed the day since ``action_mark`` gave
        ``mark``."""
        done = self._done
        try:
            last: object = done[-1]
        except IndexError:
            last = done
        return last is mark[0] and self._undos == mark[1]

    def _subject(self, events: list[Event], before: Token | None) -> str:
        """What an action was about, in a few words: its token, slot or doctor."""
        first = events[-1] if isinstance(events[-1], Placed) else events[0]
        match first:
            case CapacityChanged(slot_id=slot_id, old=old, new=new):
                return f"{self._slot_name(self._slots[slot_id])}, {old} → {new} seats"
            case Delayed(doctor_id=doctor_id, minutes=minutes):
                return f"{self._doctors[doctor_id].name} {minutes:+d} min"
        token = before or self._tokens[getattr(first, "token_id")]  # noqa: B009
        return f"{token.number} {token.patient}"

    def _invert(
        self, event: Event, before: Token | None, tokens: set[str], slots: set[str]
    ) -> None:
        """Undo one event of the action being taken back; later ones are already undone."""
        match event:
            case Booked() | Waitlisted():
                token = self._tokens[event.token_id]
                self._seating[event.slot_id].remove(token)
                if before is None or before.id != token.id:
                    del self._tokens[token.id]  # made by this booking: withdrawn
            case Moved(token_id=token_id, from_slot=origin):
                assert before is not None
                token = self._tokens[token_id]
                token.number, token.arrival = before.number, before.arrival
                token.arrived_at, token.slot_id = before.arrived_at, origin
                _put_back(self._seating[origin], token, before.status)
            case Preempted(token_id=token_id, slot_id=slot_id):
                seating, token = self._seating[slot_id], self._tokens[token_id]
                seating.remove(token)
                token.preemptions -= 1
                seating.preemptions -= 1
                seating.seat(token)
            case Promoted(token_id=token_id, slot_id=slot_id):
                seating, token = self._seating[slot_id], self._tokens[token_id]
                seating.remove(token)
                seating.promotions -= 1
                seating.wait(token)
            case Cancelled(token_id=token_id, slot_id=slot_id, was=was):
                seating = self._seating[slot_id]
                seating.cancelled -= 1
                _put_back(seating, self._reopened(self._tokens[token_id]), was)
            case MarkedNoShow(token_id=token_id, slot_id=slot_id, was=was):
                seating = self._seating[slot_id]
                seating.no_shows -= 1
                _put_back(seating, self._reopened(self._tokens[token_id]), was)
            case Served(token_id=token_id, slot_id=slot_id):
                seating, token = self._seating[slot_id], self._tokens[token_id]
                seating.served.remove(token)
                seating.seat(self._reopened(token))
            case Bumped(token_id=token_id, slot_id=slot_id, old_priority=old):
                seating, token = self._seating[slot_id], self._tokens[token_id]
                status = token.status
                seating.remove(token)
                token.priority = old
                _put_back(seating, token, status)
            case CapacityChanged(slot_id=slot_id, old=old):
                self._slots[slot_id].capacity = old
            case Delayed(minutes=minutes, slot_ids=slot_ids):
                for slot_id in slot_ids:
                    self._slots[slot_id].delay -= minutes
        touched: str | None = getattr(event, "token_id", None)
        if touched is not None:
            tokens.add(touched)
        if isinstance(event, Moved):
            slots.update((event.from_slot, event.to_slot))
        elif isinstance(event, Delayed):
            slots.update(event.slot_ids)
        else:
            slots.add(getattr(event, "slot_id"))  # noqa: B009

    # ------------------------------------------------------------------ replay

    def apply(self, event: Event) -> None:
        """Replay one recorded event as a fact, without asking the rules again.

        Restoring a day this way reads the same even after the rules change, and lets one desk
        catch up with events another desk decided.
        """
        with self._lock:
            self._done = deque(maxlen=UNDO_DEPTH)  # a new one, not cleared: the mark changes
            self._cannot_roll_back()
            self._apply(event)

    def apply_all(self, events: Iterable[Event]) -> None:
        with self._lock:
            self._done = deque(maxlen=UNDO_DEPTH)
            self._cannot_roll_back()
            for event in events:
                self._apply(event)

    def _apply(self, event: Event) -> None:
        match event:
            case DoctorAdded(doctor_id=doctor_id, name=name, specialty=specialty):
                self._doctors[doctor_id] = Doctor(doctor_id, name, specialty)
                self._doctor_slots[doctor_id] = []
                self._numbers[doctor_id] = 0
            case SlotAdded(slot_id=slot_id, doctor_id=doctor_id):
                slot = Slot(
                    slot_id,
                    doctor_id,
                    parse_hhmm(event.start),
                    parse_hhmm(event.end),
                    event.capacity,
                )
                self._doctor_slots[doctor_id].append(slot)
                self._doctor_slots[doctor_id].sort(key=lambda s: s.start_min)
                self._slots[slot_id] = slot
                self._seating[slot_id] = Seating(self._tokens)
            case Booked() | Waitlisted():
                token = self._tokens.get(event.token_id)
                if token is None:
                    token = self._tokens[event.token_id] = _token_of(event, event.at)
                else:
                    if not token.status.is_live:
                        token = self._reopened(token)  # only in a journal gone wrong
                    token.number, token.arrival = event.number, event.arrival
                    token.slot_id, token.arrived_at = event.slot_id, event.at
                self._arrivals = max(self._arrivals, event.arrival)
                doctor_id = self._slots[event.slot_id].doctor_id
                count = int(event.number.rpartition("-")[2])
                self._numbers[doctor_id] = max(self._numbers[doctor_id], count)
                seating = self._seating[event.slot_id]
                seating.seat(token) if isinstance(event, Booked) else seating.wait(token)
            case Preempted(token_id=token_id, slot_id=slot_id):
                seating = self._seating[slot_id]
                token = self._tokens[token_id]
                seating.remove(token)
                token.preemptions += 1
                seating.preemptions += 1
                seating.wait(token)
            case Promoted(token_id=token_id, slot_id=slot_id):
                seating = self._seating[slot_id]
                token = self._tokens[token_id]
                seating.remove(token)
                seating.seat(token)
                seating.promotions += 1
            case (
                Cancelled(token_id=token_id, slot_id=slot_id)
                | MarkedNoShow(token_id=token_id, slot_id=slot_id)
            ):
                seating = self._seating[slot_id]
                token = self._tokens[token_id]
                seating.remove(token)
                if isinstance(event, Cancelled):
                    token.status = CANCELLED
                    seating.cancelled += 1
                else:
                    token.status = NO_SHOW
                    seating.no_shows += 1
            case Served(token_id=token_id, slot_id=slot_id):
                seating = self._seating[slot_id]
                token = self._tokens[token_id]
                seating.remove(token)
                token.status = SERVED
                seating.served.append(token)
            case Bumped(token_id=token_id, slot_id=slot_id, new_priority=new_priority):
                seating = self._seating[slot_id]
                token = self._tokens[token_id]
                booked = token.status is BOOKED
                seating.remove(token)
                token.priority = new_priority
                seating.seat(token) if booked else seating.wait(token)
            case Moved(token_id=token_id, from_slot=from_slot):
                self._seating[from_slot].remove(self._tokens[token_id])
            case CapacityChanged(slot_id=slot_id, new=new):
                self._slots[slot_id].capacity = new
            case Delayed(minutes=minutes, slot_ids=slot_ids):
                for slot_id in slot_ids:
                    self._slots[slot_id].delay += minutes
            case Undone():
                pass  # the facts follow it
            case TokenWithdrawn(token_id=token_id):
                token = self._tokens.pop(token_id)
                if token.status is BOOKED or token.status is WAITING:
                    self._seating[token.slot_id].remove(token)
            case TokenRestored():
                self._restore_token(event)
            case SlotRestored(slot_id=slot_id):
                slot, seating = self._slots[slot_id], self._seating[slot_id]
                slot.capacity, slot.delay = event.capacity, event.delay
                seating.served = [self._tokens[t] for t in event.served]
                seating.no_shows, seating.cancelled = event.no_shows, event.cancelled
                seating.preemptions, seating.promotions = event.preemptions, event.promotions
            case _:
                raise Invalid(f"cannot replay event {event!r}")

    def _restore_token(self, event: TokenRestored) -> None:
        token = self._tokens.get(event.token_id)
        if token is None:
            token = self._tokens[event.token_id] = _token_of(event, event.arrived_at)
        elif token.status is BOOKED or token.status is WAITING:
            self._seating[token.slot_id].remove(token)
        else:
            token = self._reopened(token)
        token.number, token.patient, token.source = event.number, event.patient, event.source
        token.priority, token.arrival, token.slot_id = event.priority, event.arrival, event.slot_id
        token.arrived_at, token.preemptions = event.arrived_at, event.preemptions
        _put_back(self._seating[event.slot_id], token, event.status)

    # --------------------------------------------------------------- snapshots

    def snapshot(self, since: Snapshot | None = None, events: Iterable[Event] = ()) -> Snapshot:
        """The day as it is now, frozen, so that ``restore`` can rebuild an engine here without
        replaying the day (a scenario player keeps one every few thousand actions, to jump to any
        moment of a long day quickly).

        Given ``since`` and ``events``, only the tokens and slots those events name are read
        again; the rest is shared with ``since``. That needs ``since`` to be of this very engine
        (taken from it, or restored or reverted to since) and ``events`` to be all it returned or
        applied after that, in order: the tokens they do not name are taken to be unchanged, down
        to their seating entries. Set-up and undo events make a whole snapshot instead.
        """
        with self._lock:
            named = None if since is None else _named(events)
            if since is None or named is None or len(self._tokens) < len(since.tokens):
                return self._whole_snapshot()
            token_ids, slot_ids = named
            before, after = len(since.tokens), len(self._tokens)
            # Bar set-up and undo, tokens are only ever added, at the end: the new ones are last.
            new = list(islice(reversed(self._tokens.values()), after - before))
            new.reverse()
            tokens = list(since.tokens)
            tokens += map(_frozen, new)
            new_ids = dict(zip(map(_id, new), range(before, after), strict=True))
            places = since.places
            places.update(new_ids)
            for changed in token_ids:
                if changed not in new_ids:
                    place, places = _place(changed, tokens, before, places)
                    tokens[place] = _frozen(self._tokens[changed])
            slots = list(since.slots)
            index = since.layout.index
            for slot_id in slot_ids:
                i = index[slot_id]
                slots[i] = self._slot_record(slot_id, slots[i][2])
            return Snapshot(
                since.layout,
                tuple(tokens),
                tuple(slots),
                tuple(self._numbers.values()),
                self._arrivals,
                places,
            )

    @classmethod
    def restore(cls, snapshot: Snapshot, *, clock: Clock = datetime.now) -> Engine:
        """A new engine holding exactly the day ``snapshot`` froze, with nothing to undo (as after
        a replay of the day's events); ``clock`` stamps its events from now on."""
        layout = snapshot.layout
        engine = cls(clock=clock, priorities=dict(layout.priorities))
        # Closed tokens are shared; a live one is made anew from its record, in its place.
        everyone: list[Any] = list(snapshot.tokens)
        fresh = list(map(isinstance, everyone, repeat(tuple)))
        records = list(compress(everyone, fresh))
        live = list(starmap(Token, records))
        deque(map(everyone.__setitem__, compress(count(), fresh), live), maxlen=0)
        tokens = engine._tokens
        tokens.update(zip(map(_id, everyone), everyone, strict=True))
        for doctor, number in zip(layout.doctors, snapshot.numbers, strict=True):
            engine._doctors[doctor.id] = doctor
            engine._doctor_slots[doctor.id] = []
            engine._numbers[doctor.id] = number
        for (slot_id, doctor_id, start_min, end_min), record in zip(
            layout.slots, snapshot.slots, strict=True
        ):
            slot = Slot(slot_id, doctor_id, start_min, end_min, 0)
            engine._slots[slot_id] = slot
            engine._doctor_slots[doctor_id].append(slot)
            engine._put_slot_back(slot_id, record)
        for slots in engine._doctor_slots.values():
            slots.sort(key=_start)
        engine._arrivals = snapshot.arrivals
        return engine

    def revert(self, snapshot: Snapshot, events: Iterable[Event]) -> bool:
        """Take the day back to ``snapshot`` in place, given ``events``: only the tokens and
        slots those events name are put back, so going back a little costs little, where
        ``restore`` builds a whole new engine. Afterwards there is nothing to undo, as after
        ``restore``. As for ``snapshot(since, events)``, ``snapshot`` must be of this very
        engine and ``events`` all it returned or applied after it, in order.

        Returns False, having changed nothing, if the events hold set-up or undo: only
        ``restore`` goes back over those.
        """
        with self._lock:
            named = _named(events)
            tokens = self._tokens
            before = len(snapshot.tokens)
            if named is None or len(tokens) < before:
                return False
            token_ids, slot_ids = named
            for _ in range(len(tokens) - before):
                tokens.popitem()  # made since the snapshot: tokens are only added, at the end
            frozen, places = snapshot.tokens, snapshot.places
            for changed in token_ids:
                if changed in tokens:
                    place, places = _place(changed, frozen, before, places)
                    tokens[changed] = _thawed(frozen[place])
            index = snapshot.layout.index
            for slot_id in slot_ids:
                self._put_slot_back(slot_id, snapshot.slots[index[slot_id]])
            doctors = snapshot.layout.doctors
            self._numbers = {d.id: n for d, n in zip(doctors, snapshot.numbers, strict=True)}
            self._arrivals = snapshot.arrivals
            self._done = deque(maxlen=UNDO_DEPTH)
            self._cannot_roll_back()
            return True

    def _whole_snapshot(self) -> Snapshot:
        layout = Layout(
            tuple(self.priorities.items()),
            tuple(self._doctors.values()),
            tuple((s.id, s.doctor_id, s.start_min, s.end_min) for s in self._slots.values()),
        )
        return Snapshot(
            layout,
            tuple(map(_frozen, self._tokens.values())),
            tuple(map(self._slot_record, self._slots)),
            tuple(self._numbers.values()),
            self._arrivals,
            dict(zip(self._tokens, range(len(self._tokens)), strict=True)),
        )

    def _put_slot_back(self, slot_id: str, record: SlotRecord) -> None:
        """A slot's settings, counts and seating as ``record`` froze them."""
        slot = self._slots[slot_id]
        slot.capacity, slot.delay, served = record[:3]
        seating = self._seating[slot_id] = Seating.thawed(self._tokens, *record[7:])
        seating.served = list(served)
        seating.no_shows, seating.cancelled, seating.preemptions, seating.promotions = record[3:7]

    def _slot_record(self, slot_id: str, served: tuple[Token, ...] = ()) -> SlotRecord:
        """The slot as a snapshot keeps it; ``served``, the slot's served tokens in an earlier
        snapshot, is kept if none was served since (bar undo, the list only ever grows)."""
        slot, seating = self._slots[slot_id], self._seating[slot_id]
        if len(served) != len(seating.served):
            served = tuple(seating.served)
        return (
            slot.capacity,
            slot.delay,
            served,
            seating.no_shows,
            seating.cancelled,
            seating.preemptions,
            seating.promotions,
            *seating.frozen(),
        )

    def _reopened(self, token: Token) -> Token:
        """A closed token about to change again (an undo, a replayed restore), as a copy of this
        engine's own: a closed token is never changed in place, because snapshots and the engines
        restored from them share it."""
        copy = self._tokens[token.id] = replace(token)
        return copy

    # ----------------------------------------------------------------- queries

    def doctors(self) -> list[Doctor]:
        with self._lock:
            return list(self._doctors.values())

    def doctor(self, doctor_id: str) -> Doctor:
        with self._lock:
            try:
                return self._doctors[doctor_id]
            except KeyError:
                raise NotFound(f"unknown doctor {doctor_id!r}") from None

    def slots(self, doctor_id: str | None = None) -> list[Slot]:
        """One doctor's slots in time order, or every slot of the day."""
        with self._lock:
            if doctor_id is None:
                return [replace(slot) for slot in self._slots.values()]
            return [replace(slot) for slot in self._slots_of(doctor_id)]

    def slot(self, slot_id: str) -> Slot:
        with self._lock:
            return replace(self._slot(slot_id))

    def slot_view(self, slot_id: str) -> SlotView:
        """The slot's booked list with estimated times, and its waitlist, both in rank order."""
        with self._lock:
            slot = self._slot(slot_id)
            seating = self._seating[slot_id]
            booked = seating.served + seating.booked_tokens()
            length = slot.end_min - slot.start_min
            per_seat = length / max(slot.capacity, len(booked), 1)
            begin = slot.start_min + slot.delay
            seats = tuple(
                Seat(replace(token), i, format_hhmm(begin + round(i * per_seat)))
                for i, token in enumerate(booked)
            )
            waiting = tuple(replace(token) for token in seating.waiting_tokens())
            return SlotView(replace(slot), seats, waiting)

    def token(self, token_id: str) -> Token:
        """A copy of one token, found in O(1)."""
        with self._lock:
            return replace(self._token(token_id))

    def token_by_number(self, number: str) -> Token:
        """A copy of the token staff call out as ``number`` (``RAO-014``, any case): a scan, but
        without copying every token on the way."""
        wanted = number.strip().upper()
        with self._lock:
            for token in self._tokens.values():
                if token.number == wanted:
                    return replace(token)
        raise NotFound(f"no token numbered {number!r}")

    def tokens(self) -> list[Token]:
        """Every token of the day, in arrival-id order."""
        with self._lock:
            return [replace(token) for token in self._tokens.values()]

    def find_patients(self, text: str) -> list[Token]:
        """Tokens whose patient name contains ``text``, ignoring case."""
        if not isinstance(text, str):
            raise Invalid(f"a search needs text, not {text!r}")
        needle = text.strip().casefold()
        if not needle:
            return []
        with self._lock:
            return [replace(t) for t in self._tokens.values() if needle in t.patient.casefold()]

    def slot_stats(self, slot_id: str) -> Stats:
        with self._lock:
            slot = self._slot(slot_id)
            s = self._seating[slot_id]
            return Stats(
                slot.capacity,
                s.booked_count,
                s.waiting_count,
                len(s.served),
                s.no_shows,
                s.cancelled,
                s.preemptions,
                s.promotions,
            )

    def doctor_stats(self, doctor_id: str) -> Stats:
        with self._lock:
            return self._totals(self._slots_of(doctor_id))

    def day_stats(self) -> Stats:
        with self._lock:
            return self._totals(self._slots.values())

    def _totals(self, slots: Iterable[Slot]) -> Stats:
        """The slots' counters summed in one pass: the dashboard asks after every action."""
        capacity = booked = waiting = served = no_shows = cancelled = preempted = promoted = 0
        for slot in slots:
            s = self._seating[slot.id]
            capacity += slot.capacity
            booked += s.booked_count
            waiting += s.waiting_count
            served += len(s.served)
            no_shows += s.no_shows
            cancelled += s.cancelled
            preempted += s.preemptions
            promoted += s.promotions
        return Stats(capacity, booked, waiting, served, no_shows, cancelled, preempted, promoted)

    # --------------------------------------------------------------- internals

    def _place(self, slot: Slot, token: Token, now: datetime, events: list[Event]) -> None:
        """Seat a newly arrived token if a seat is free or it outranks the weakest; else it waits."""
        seating = self._seating[slot.id]
        if seating.free_seats(slot.capacity) <= 0:
            weakest = seating.weakest()
            if weakest is None or weakest.rank > token.rank:
                seating.wait(token)
                events.append(_placed(Waitlisted, now, token))
                return
            self._preempt(seating, weakest, token, self._reason(token, weakest), now, events)
        seating.seat(token)
        events.append(_placed(Booked, now, token))

    def _leave(self, token_id: str, status: Status) -> list[Event]:
        with self._lock:
            verb = "cancel" if status is CANCELLED else "mark as no-show"
            token = self._live_token(token_id, verb)
            now = self._clock()
            seating = self._seating[token.slot_id]
            was = token.status
            seating.remove(token)
            token.status = status
            if status is CANCELLED:
                seating.cancelled += 1
                events: list[Event] = [Cancelled(now, token.id, token.slot_id, was)]
            else:
                seating.no_shows += 1
                events = [MarkedNoShow(now, token.id, token.slot_id, was)]
            if was is BOOKED:
                self._fill(self._slots[token.slot_id], now, events, seat_of=token.id)
            action = "cancel" if status is CANCELLED else "no-show"
            self._did((action, events, None))
            return events

    def _preempt(
        self,
        seating: Seating,
        victim: Token,
        by: Token | None,
        reason: str,
        now: datetime,
        events: list[Event],
    ) -> None:
        seating.remove(victim)
        victim.preemptions += 1
        seating.preemptions += 1
        seating.wait(victim)
        events.append(Preempted(now, victim.id, victim.slot_id, by.id if by else None, reason))

    def _fill(self, slot: Slot, now: datetime, events: list[Event], seat_of: str | None) -> None:
        """Promote the best waiting tokens into free seats, best first (FIFO among equals)."""
        seating = self._seating[slot.id]
        while seating.waiting_count and seating.free_seats(slot.capacity) > 0:
            best = seating.best_waiting()
            assert best is not None
            seating.remove(best)
            seating.seat(best)
            seating.promotions += 1
            events.append(Promoted(now, best.id, slot.id, seat_of))
            seat_of = None

    def _swap_if_outranked(
        self, seating: Seating, slot_id: str, now: datetime, events: list[Event]
    ) -> None:
        """After a priority change, the best waiting token takes the weakest seat if it outranks it."""
        best, weakest = seating.best_waiting(), seating.weakest()
        if best is None or weakest is None or best.rank < weakest.rank:
            return
        self._preempt(seating, weakest, best, self._reason(best, weakest), now, events)
        seating.remove(best)
        seating.seat(best)
        seating.promotions += 1
        events.append(Promoted(now, best.id, slot_id, weakest.id))

    def _reason(self, winner: Token, loser: Token) -> str:
        """Why ``winner`` outranks ``loser``, in the words the activity log shows."""
        if winner.priority > loser.priority:
            return f"{self._ranked(winner)} > {self._ranked(loser)}"
        return f"{self._ranked(winner)} = {self._ranked(loser)}, arrived earlier"

    def _ranked(self, token: Token) -> str:
        """A token's source and priority; a bumped token's says which way it was moved."""
        usual = self.priorities[token.source]
        if token.priority > usual:
            return f"{token.source}, raised to {token.priority}"
        if token.priority < usual:
            return f"{token.source}, lowered to {token.priority}"
        return f"{token.source} {token.priority}"

    def _slot_name(self, slot: Slot) -> str:
        """How people name a slot: its doctor and start time, ``Dr Asha Rao 10:00``."""
        return f"{self._doctors[slot.doctor_id].name} {slot.start}"

    def _next_level(self, priority: int, up: bool) -> int | None:
        levels = self._levels
        if up:
            i = bisect_right(levels, priority)
            return levels[i] if i < len(levels) else None
        i = bisect_left(levels, priority)
        return levels[i - 1] if i else None

    def _next_number(self, doctor_id: str) -> str:
        if self._held is not None:
            self._held.numbers.setdefault(doctor_id, self._numbers[doctor_id])
        count = self._numbers[doctor_id] = self._numbers[doctor_id] + 1
        return f"{self._doctors[doctor_id].code}-{str(count).zfill(3)}"  # RAO-014

    def _slot(self, slot_id: str) -> Slot:
        try:
            return self._slots[slot_id]
        except (KeyError, TypeError):
            raise NotFound(f"unknown slot {slot_id!r}") from None

    def _slots_of(self, doctor_id: str) -> list[Slot]:
        try:
            return self._doctor_slots[doctor_id]
        except (KeyError, TypeError):
            raise NotFound(f"unknown doctor {doctor_id!r}") from None

    def _token(self, token_id: str) -> Token:
        try:
            return self._tokens[token_id]
        except (KeyError, TypeError):
            raise NotFound(f"unknown token {token_id!r}") from None

    def _live_token(self, token_id: str, verb: str) -> Token:
        token = self._token(token_id)
        if not token.status.is_live:
            raise Conflict(f"cannot {verb} {token.number}: it is {token.status.value.lower()}")
        return token


_token_record: Callable[[Token], TokenRecord] = attrgetter(
    "id",
    "number",
    "patient",
    "source",
    "priority",
    "arrival",
    "slot_id",
    "status",
    "arrived_at",
    "preemptions",
    "_entry",
)
_id: Callable[[Token], str] = attrgetter("id")


def _named(events: Iterable[Event]) -> tuple[dict[str, None], dict[str, None]] | None:
    """The tokens and slots ``events`` changed, in order of first mention; None if the events
    hold more than actions' results (set-up, undo), which snapshots do not follow piecemeal. Any
    event on a token changes its slot's seating."""
    token_ids: dict[str, None] = {}
    slot_ids: dict[str, None] = {}
    for event in events:
        if isinstance(event, (Placed, Left, Served, Preempted, Promoted, Bumped)):
            token_ids[event.token_id] = slot_ids[event.slot_id] = None
        elif isinstance(event, Moved):
            token_ids[event.token_id] = slot_ids[event.from_slot] = None
        elif isinstance(event, CapacityChanged):
            slot_ids[event.slot_id] = None
        elif isinstance(event, Delayed):
            slot_ids.update(dict.fromkeys(event.slot_ids))
        else:
            return None
    return token_ids, slot_ids


def _place(
    wanted: str, tokens: Sequence[Token | TokenRecord], before: int, places: dict[str, int]
) -> tuple[int, dict[str, int]]:
    """Where ``wanted`` is among the first ``before`` of ``tokens``, by ``places`` when it says so
    rightly, else by a new index of them all (a day taken on differently from the same snapshot
    may have put its own tokens in ``places``)."""
    place = places.get(wanted)
    if place is None or place >= before or wanted != token_id(tokens[place]):
        places = {token_id(token): i for i, token in enumerate(tokens)}
        place = places[wanted]
    return place, places


def _thawed(token: Token | TokenRecord) -> Token:
    """A token as a snapshot kept it, back in an engine: a closed one shared, a live one anew."""
    return token if isinstance(token, Token) else Token(*token)


def _frozen(token: Token) -> Token | TokenRecord:
    """How a snapshot keeps a token: a closed one as itself (it never changes in place), a live
    one as its fields."""
    return _token_record(token) if token.status is BOOKED or token.status is WAITING else token


def _start(slot: Slot) -> int:
    return slot.start_min


def _token_of(event: Placed | TokenRestored, arrived_at: datetime) -> Token:
    """A token recreated from a recorded event, not yet seated: it waits until put in place."""
    return Token(
        event.token_id,
        event.number,
        event.patient,
        event.source,
        event.priority,
        event.arrival,
        event.slot_id,
        WAITING,
        arrived_at,
    )


def _put_back(seating: Seating, token: Token, status: Status) -> None:
    """Give a token ``status`` again, in its slot's seats or waitlist when it is live."""
    if status is BOOKED:
        seating.seat(token)
    elif status is WAITING:
        seating.wait(token)
    else:
        token.status = status


def _slot_of(events: list[Event], token_id: str) -> str:
    return next(e.slot_id for e in events if isinstance(e, Placed) and e.token_id == token_id)


def _restored(now: datetime, token: Token) -> TokenRestored:
    return TokenRestored(
        now,
        token.id,
        token.slot_id,
        token.number,
        token.patient,
        token.source,
        token.priority,
        token.arrival,
        token.arrived_at,
        token.status,
        token.preemptions,
    )


def _placed(kind: type[Booked] | type[Waitlisted], now: datetime, token: Token) -> Event:
    return kind(
        now,
        token.id,
        token.slot_id,
        token.number,
        token.patient,
        token.source,
        token.priority,
        token.arrival,
    )


def _text(value: object, what: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise Invalid(f"{what} must not be empty")
    return text


def _identifier(value: object, what: str) -> str:
    text = _text(value, what)
    if not all(c.isalnum() or c in "-_." for c in text):
        raise Invalid(f"{what} {text!r} may hold only letters, digits, '-', '_' and '.'")
    return text


def _check_capacity(capacity: object) -> None:
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
        raise Invalid(f"capacity must be a whole number >= 0, not {capacity!r}")


@dataclass(slots=True)
class _Held:
    """What ``Engine.roll_back`` puts back: the undo record and the arrival counter as they were
    at ``hold``, the number counters of the doctors that gave out numbers since, and the actions
    decided since, in order."""

    done: deque[Done]
    arrivals: int
    numbers: dict[str, int] = field(default_factory=dict)
    actions: list[Done] = field(default_factory=list)
    reversible: bool = True
