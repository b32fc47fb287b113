"""The allocation engine's face: one clinic day behind one lock, its clock and its undo record.

What an action decides lives in ``actions`` (the rule on one slot in ``allocation``); how an event
changes the day, and how it is taken back, in ``facts``; the day itself in ``day``; snapshots in
``snapshot``; questions about the day in ``queries``; taking actions back in ``undo``. The engine
only holds them together: each operation here is the action, under the lock, and its record.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from . import actions, commands, facts, queries
from .actions import MAX_DELAY_MINUTES, Clock, Done
from .day import Day, copied
from .errors import Conflict, Invalid
from .events import Event
from .finder import finder_of
from .model import (
    CALLED,
    CANCELLED,
    NO_SHOW,
    Doctor,
    Queue,
    Slot,
    SlotView,
    Source,
    Stats,
    Token,
    VisitRules,
)
from .snapshot import Snapshot, revert_to, take, thaw
from .undo import take_back, unmake

__all__ = ["MAX_DELAY_MINUTES", "UNDO_DEPTH", "Clock", "Engine"]

UNDO_DEPTH = 50
"""How many of its own last actions an engine can take back, newest first."""


class Engine:
    """A clinic day in memory. Thread-safe: every call holds one lock."""

    def __init__(
        self,
        *,
        clock: Clock = datetime.now,
        priorities: Mapping[Source, int] | Mapping[str, int] | None = None,
        visit: VisitRules | None = None,
    ) -> None:
        self._clock = clock
        self._day = Day(priorities, visit)
        self._lock = threading.RLock()
        # This engine's own last actions, newest last: (action, its events, the moved token as
        # it was before a move). Replaying events empties it (undo never crosses another desk),
        # and so does forget_actions.
        self._done: deque[Done] = deque(maxlen=UNDO_DEPTH)
        self._undos = 0  # how many actions were taken back: part of the action mark
        self._held: _Held | None = None  # while held: what roll_back needs

    @property
    def priorities(self) -> dict[Source, int]:
        """Each source's priority: higher ranks first."""
        return self._day.priorities

    @priorities.setter
    def priorities(self, priorities: dict[Source, int]) -> None:
        self._day.priorities = priorities

    @property
    def visit(self) -> VisitRules:
        """The clinic's rules for the visit: the grace period, the calls before no-show."""
        return self._day.visit

    def now(self) -> datetime:
        """The engine's clock: the time its events are stamped with."""
        return self._clock()

    def execute(self, command: commands.Command) -> list[Event]:
        """Carry out one command: the events it decided, or an ``OpdError`` having changed
        nothing. The named operations below are the same, called by name."""
        match command:
            case commands.Book(slot_id=slot_id, patient=patient, source=source):
                return self.book(
                    slot_id,
                    patient,
                    source,
                    phone=command.phone,
                    patient_id=command.patient_id,
                    again=command.again,
                )
            case commands.Cancel(token_id=token_id):
                return self.cancel(token_id)
            case commands.NoShow(token_id=token_id):
                return self.no_show(token_id)
            case commands.Serve(token_id=token_id):
                return self.serve(token_id)
            case commands.CheckIn(token_id=token_id):
                return self.check_in(token_id)
            case commands.CallNext(doctor_id=doctor_id):
                return self.call_next(doctor_id)
            case commands.Call(token_id=token_id):
                return self.call(token_id)
            case commands.ReturnToQueue(token_id=token_id):
                return self.return_to_queue(token_id)
            case commands.NoShowOverdue(doctor_id=doctor_id):
                return self.no_show_overdue(doctor_id)
            case commands.SetRoom(doctor_id=doctor_id, room=room):
                return self.set_room(doctor_id, room)
            case commands.SetAway(doctor_id=doctor_id, at=at):
                return self.set_away(doctor_id, at)
            case commands.Reassign(doctor_id=doctor_id, to_doctor_id=to_doctor_id):
                return self.reassign(doctor_id, to_doctor_id, command.slot_id)
            case commands.CarryOver(from_day=from_day, patients=patients):
                return self.carry_over(from_day, patients)
            case commands.Bump(token_id=token_id, up=up, to=to):
                return self.bump(token_id, up=up, to=to)
            case commands.Move(token_id=token_id, slot_id=slot_id):
                return self.move(token_id, slot_id)
            case commands.Rename(token_id=token_id, patient=patient):
                return self.rename(token_id, patient)
            case commands.SetCapacity(slot_id=slot_id, capacity=capacity):
                return self.set_capacity(slot_id, capacity)
            case commands.Delay(doctor_id=doctor_id, minutes=minutes):
                return self.delay(doctor_id, minutes)
            case commands.AddDoctor(doctor_id=doctor_id, name=name, specialty=specialty):
                return self.add_doctor(doctor_id, name, specialty, command.room)
            case commands.AddSlot(slot_id=slot_id, doctor_id=doctor_id, start=start, end=end):
                return self.add_slot(slot_id, doctor_id, start, end, command.capacity)
            case commands.Undo():
                return self.undo()
        raise Invalid(f"unknown action {command!r}")

    # ------------------------------------------------------------ operations
    def add_doctor(self, doctor_id: str, name: str, specialty: str, room: str = "") -> list[Event]:
        with self._lock:
            events = actions.add_doctor(self._day, self._clock, doctor_id, name, specialty, room)
            self._cannot_roll_back()
            return events

    def add_slot(
        self, slot_id: str, doctor_id: str, start: str, end: str, capacity: int
    ) -> list[Event]:
        with self._lock:
            events = actions.add_slot(
                self._day, self._clock, slot_id, doctor_id, start, end, capacity
            )
            self._cannot_roll_back()
            return events

    def book(
        self,
        slot_id: str,
        patient: str,
        source: Source | str,
        *,
        phone: str = "",
        patient_id: str = "",
        again: bool = False,
    ) -> list[Event]:
        """A new token joins the slot: booked, booked by preempting the weakest, or waitlisted.
        The same patient (by id, or by phone and name) twice with one doctor is ``Duplicate``
        unless ``again``."""
        with self._lock:
            done = actions.book(
                self._day, self._clock, slot_id, patient, source, phone, patient_id, again
            )
            self._done.append(done)  # as ``_did`` does, spelt out on the busiest path
            if self._held is not None:
                self._held.actions.append(done)
            return done[1]

    def cancel(self, token_id: str) -> list[Event]:
        with self._lock:
            return self._did(actions.leave(self._day, self._clock, token_id, CANCELLED))

    def no_show(self, token_id: str) -> list[Event]:
        with self._lock:
            return self._did(actions.leave(self._day, self._clock, token_id, NO_SHOW))

    def serve(self, token_id: str) -> list[Event]:
        """The patient has been seen: the token keeps its seat and can no longer be preempted."""
        with self._lock:
            return self._did(actions.serve(self._day, self._clock, token_id))

    def check_in(self, token_id: str) -> list[Event]:
        """The patient has arrived: present from now, so the room may call them once seated."""
        with self._lock:
            return self._did(actions.check_in(self._day, self._clock, token_id))

    def call_next(self, doctor_id: str) -> list[Event]:
        """The doctor's room calls the best present booked token of its earliest slot."""
        with self._lock:
            return self._did(actions.call_next(self._day, self._clock, doctor_id))

    def call(self, token_id: str) -> list[Event]:
        """The room calls this present booked token, in turn or out of it."""
        with self._lock:
            return self._did(actions.call(self._day, self._clock, token_id))

    def return_to_queue(self, token_id: str) -> list[Event]:
        """A called patient did not come: booked and present again, and the rule re-applies."""
        with self._lock:
            return self._did(actions.return_to_queue(self._day, self._clock, token_id))

    def no_show_overdue(self, doctor_id: str | None = None) -> list[Event]:
        """Mark every overdue token of the doctor (or of the day) no-show, as one action."""
        with self._lock:
            return self._did(actions.no_show_overdue(self._day, self._clock, doctor_id))

    def set_room(self, doctor_id: str, room: str) -> list[Event]:
        """The doctor works in ``room`` from now."""
        with self._lock:
            return self._did(actions.set_room(self._day, self._clock, doctor_id, room))

    def set_away(self, doctor_id: str, at: str | None) -> list[Event]:
        with self._lock:
            return self._did(actions.set_away(self._day, self._clock, doctor_id, at))

    def reassign(
        self, doctor_id: str, to_doctor_id: str, slot_id: str | None = None
    ) -> list[Event]:
        with self._lock:
            done = actions.reassign(self._day, self._clock, doctor_id, to_doctor_id, slot_id)
            return self._did(done)

    def carry_over(self, from_day: str, patients: tuple[commands.Carried, ...]) -> list[Event]:
        with self._lock:
            return self._did(actions.carry_over(self._day, self._clock, from_day, patients))

    def unseen(self) -> list[Token]:
        """Copies of the tokens nobody saw: waiting, booked, or called and never served; in
        arrival order. What a day's end may carry into the next."""
        with self._lock:
            return [
                copied(t)
                for t in self._day.tokens.values()
                if t.status.is_live or t.status is CALLED
            ]

    def rename(self, token_id: str, patient: str) -> list[Event]:
        """Correct the patient's name; the token keeps its number and its place."""
        with self._lock:
            return self._did(actions.rename(self._day, self._clock, token_id, patient))

    def bump(
        self, token_id: str, *, up: bool = True, to: Source | str | None = None
    ) -> list[Event]:
        """Raise (or lower) a live token's priority one class, or to ``to``'s priority."""
        with self._lock:
            return self._did(actions.bump(self._day, self._clock, token_id, up, to))

    def move(self, token_id: str, slot_id: str) -> list[Event]:
        """The patient leaves their slot (a freed seat promotes there) and joins ``slot_id`` anew."""
        with self._lock:
            return self._did(actions.move(self._day, self._clock, token_id, slot_id))

    def set_capacity(self, slot_id: str, capacity: int) -> list[Event]:
        """Elastic capacity: a cut preempts the weakest booked tokens, a rise promotes the best waiting."""
        with self._lock:
            done = actions.set_capacity(self._day, self._clock, slot_id, capacity)
            return self._did(done) if done[1] else []  # the same capacity: no action to undo

    def delay(self, doctor_id: str, minutes: int) -> list[Event]:
        """The doctor runs ``minutes`` later (or earlier, if negative) for every slot not yet over."""
        with self._lock:
            return self._did(actions.delay(self._day, self._clock, doctor_id, minutes))

    def _did(self, done: Done) -> list[Event]:
        self._done.append(done)
        if self._held is not None:
            self._held.actions.append(done)
        return done[1]

    # ------------------------------------------------------------------ undo
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
            done = self._done.pop()
            self._undos += 1
            self._cannot_roll_back()
            return take_back(self._day, done, self._clock)

    def forget_actions(self) -> None:
        """From now on, undo reaches back only to actions taken after this call: a day scripted
        into the engine (the demo's morning) is not the user's to take back. The action mark
        changes, as after a replay."""
        with self._lock:
            self._done = deque(maxlen=UNDO_DEPTH)
            self._cannot_roll_back()

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

    # ---------------------------------------------------------- holding back
    def hold(self) -> None:
        """Keep what the actions from now on do, until ``release``, so that ``roll_back`` can take
        them all back: a journal that fails to record decisions must not leave them in the day.
        Holding costs a copy of the undo record (50 entries at most)."""
        with self._lock:
            self._held = _Held(deque(self._done, maxlen=UNDO_DEPTH))

    def roll_back(self) -> bool:
        """Take back every action since ``hold`` as if it had never been decided: no events, the
        same token ids and numbers for the next ones, the undo record as it was. Returns False,
        having changed nothing, if it cannot: set-up, an undo or a replay happened meanwhile
        (then only a rebuild from the journal goes back)."""
        with self._lock:
            held, self._held = self._held, None
            if held is None or not held.reversible:
                return False
            unmake(self._day, held.actions)
            self._done = held.done
            return True

    def release(self) -> None:
        """Stop keeping actions for ``roll_back``: they are recorded."""
        self._held = None

    def _cannot_roll_back(self) -> None:
        if self._held is not None:
            self._held.reversible = False

    # ---------------------------------------------------------------- replay
    def apply(self, event: Event) -> None:
        """Replay one recorded event as a fact, without asking the rules again.

        Restoring a day this way reads the same even after the rules change, and lets one desk
        catch up with events another desk decided.
        """
        with self._lock:
            self._done = deque(maxlen=UNDO_DEPTH)  # a new one, not cleared: the mark changes
            self._cannot_roll_back()
            facts.apply(self._day, event)

    def apply_all(self, events: Iterable[Event]) -> None:
        with self._lock:
            self._done = deque(maxlen=UNDO_DEPTH)
            self._cannot_roll_back()
            facts.apply_all(self._day, events)

    # ------------------------------------------------------------- snapshots
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
            return take(self._day, since, events)

    @classmethod
    def restore(cls, snapshot: Snapshot, *, clock: Clock = datetime.now) -> Engine:
        """A new engine holding exactly the day ``snapshot`` froze, with nothing to undo (as after
        a replay of the day's events); ``clock`` stamps its events from now on."""
        layout = snapshot.layout
        engine = cls(clock=clock, priorities=dict(layout.priorities), visit=layout.visit)
        thaw(snapshot, engine._day)
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
            if not revert_to(self._day, snapshot, events):
                return False
            self._done = deque(maxlen=UNDO_DEPTH)
            self._cannot_roll_back()
            return True

    # --------------------------------------------------------------- queries
    def doctors(self) -> list[Doctor]:
        with self._lock:
            return list(self._day.doctors.values())

    def doctor(self, doctor_id: str) -> Doctor:
        with self._lock:
            return queries.doctor(self._day, doctor_id)

    def slots(self, doctor_id: str | None = None) -> list[Slot]:
        """One doctor's slots in time order, or every slot of the day."""
        with self._lock:
            return queries.slots(self._day, doctor_id)

    def slot(self, slot_id: str) -> Slot:
        with self._lock:
            return replace(self._day.slot(slot_id))

    def slot_view(self, slot_id: str, at: datetime | None = None) -> SlotView:
        """The slot's seats with estimated times (a present patient's: the expected call, seen
        from now or from ``at``), and its waitlist, both in rank order."""
        with self._lock:
            return queries.slot_view(self._day, slot_id, at or self._clock())

    def queue(self, doctor_id: str, at: datetime | None = None) -> Queue:
        """The doctor's patients as the room sees them now (or at ``at``): in the room, next up
        with expected call times, booked but not arrived, overdue."""
        with self._lock:
            return queries.queue(self._day, doctor_id, at or self._clock())

    def overdue(self, doctor_id: str | None = None) -> list[Token]:
        """Booked tokens not checked in whose slot ended more than the grace period ago."""
        with self._lock:
            found = actions.overdue(self._day, doctor_id, self._clock())
            return [copied(token) for _, tokens in found for token in tokens]

    def next_in_turn(self, doctor_id: str) -> Token | None:
        """Whom the doctor's room would call next, if anyone."""
        with self._lock:
            found = actions.next_in_turn(self._day, doctor_id)
            return None if found is None else copied(found[1])

    def token(self, token_id: str) -> Token:
        """A copy of one token, found in O(1)."""
        with self._lock:
            return copied(self._day.token(token_id))

    def token_by_number(self, number: str) -> Token:
        """A copy of the token staff call out as ``number`` (``RAO-014``, any case): a scan, but
        without copying every token on the way."""
        with self._lock:
            return queries.token_by_number(self._day, number)

    def tokens(self) -> list[Token]:
        """Every token of the day, in arrival-id order."""
        with self._lock:
            return list(map(copied, self._day.tokens.values()))

    def find(self, text: str, limit: int = 50) -> list[Token]:
        """Copies of the tokens ``text`` names: a number (``RAO-014``, ``rao14``, ``14``), a
        patient id, a phone, or the starts of the name's words; exact matches first. Indexed:
        no scan of the day."""
        if not isinstance(text, str):
            raise Invalid(f"a search needs text, not {text!r}")
        with self._lock:
            return list(map(copied, finder_of(self._day).find(text, limit)))

    def same_patient(self, token_id: str) -> list[Token]:
        """The patient's other open tokens today (any doctor), by phone and name or by id:
        what a desk notes after booking someone who is also seeing another doctor."""
        with self._lock:
            token = self._day.token(token_id)
            if not token.phone and not token.patient_id:
                return []
            held = finder_of(self._day).holders(token.patient_id, token.phone, token.patient)
            return [copied(t) for t in held if t.id != token.id]

    def slot_stats(self, slot_id: str) -> Stats:
        with self._lock:
            return queries.slot_stats(self._day, slot_id)

    def doctor_stats(self, doctor_id: str) -> Stats:
        with self._lock:
            return queries.totals(self._day, self._day.slots_of(doctor_id))

    def day_stats(self) -> Stats:
        with self._lock:
            return queries.totals(self._day, self._day.slots.values())


@dataclass(slots=True)
class _Held:
    """What ``Engine.roll_back`` puts back: the undo record as it was at ``hold``, and the actions
    decided since, in order (they tell what the arrival and number counters were)."""

    done: deque[Done]
    actions: list[Done] = field(default_factory=list)
    reversible: bool = True
