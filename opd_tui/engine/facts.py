"""How each event changes the day, and how it is taken back: the one place the day changes.

An action decides its events one by one and applies each here as soon as it is decided (so the
next decision sees the new state); a replay applies recorded events through the same functions.
A replayed day is therefore the live day by construction. Each kind's apply and its inverse sit
side by side; undo and roll-back take an action back by inverting its events newest first.
Set-up (a doctor, a slot) and undo's own facts are never inverted: only actions are taken back.

An event is applied as a fact, without asking the rules again, so a day restored from its
events reads the same even after the rules change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from heapq import heapify
from typing import Any

from .day import Day
from .errors import Invalid
from .events import (
    AwaySet,
    Booked,
    Bumped,
    Called,
    Cancelled,
    CapacityChanged,
    CarriedOver,
    CheckedIn,
    Delayed,
    DoctorAdded,
    Event,
    MarkedNoShow,
    Moved,
    Placed,
    Preempted,
    Promoted,
    Reassigned,
    Renamed,
    Returned,
    RoomSet,
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
    CALLED,
    CANCELLED,
    NO_SHOW,
    SERVED,
    WAITING,
    Doctor,
    Slot,
    Status,
    Token,
    parse_hhmm,
)
from .seating import Seating

Apply = Callable[[Day, Any], None]
Invert = Callable[[Day, Any, Token | None], None]
"""An inverse is given the event and, for a move, the moved token as it was before the move."""


# ------------------------------------------------------------------ set-up
def apply_doctor_added(day: Day, event: DoctorAdded) -> None:
    doctor_id = event.doctor_id
    day.doctors[doctor_id] = Doctor(doctor_id, event.name, event.specialty, event.room)
    day.doctor_slots[doctor_id] = []
    day.numbers[doctor_id] = 0


def apply_slot_added(day: Day, event: SlotAdded) -> None:
    slot_id = event.slot_id
    slot = Slot(
        slot_id, event.doctor_id, parse_hhmm(event.start), parse_hhmm(event.end), event.capacity
    )
    slots = day.doctor_slots[event.doctor_id]
    slots.append(slot)
    slots.sort(key=_start)
    day.slots[slot_id] = slot
    day.seating[slot_id] = Seating(day.tokens)


# ------------------------------------------------- a token placed: booked or waitlisted
def apply_placed(day: Day, event: Placed, count: int | None = None) -> None:
    """The token is made anew (a booking) or brought over (a move), then seated or waitlisted;
    the day's arrival and number counters move past it. ``count`` is the number's own count
    when the deciding action has it at hand (0: no new number); a replay reads the number."""
    tokens = day.tokens
    token_id, slot_id, arrival = event.token_id, event.slot_id, event.arrival
    token = tokens.get(token_id)
    if token is None:
        token = tokens[token_id] = Token(
            token_id,
            event.number,
            event.patient,
            event.source,
            event.priority,
            arrival,
            slot_id,
            WAITING,
            event.at,
            0,
            None,
            None,
            0,
            None,
            event.phone,
            event.patient_id,
        )  # positional: the busiest line of a booking
    else:
        if token.status is not BOOKED and token.status is not WAITING:
            token = day.reopened(token)  # only in a journal gone wrong
        token.number, token.arrival = event.number, arrival
        token.slot_id, token.arrived_at = slot_id, event.at
    day.fresh.append(token_id)
    if arrival > day.arrivals:
        day.arrivals = arrival
    if count is None:
        count = int(event.number.rpartition("-")[2])
    if count:
        numbers, doctor_id = day.numbers, day.slots[slot_id].doctor_id
        if count > numbers[doctor_id]:
            numbers[doctor_id] = count
    if isinstance(event, Booked):
        day.seating[slot_id].seat(token)
    else:
        day.seating[slot_id].wait(token)


def invert_placed(day: Day, event: Placed, before: Token | None) -> None:
    token = day.tokens[event.token_id]
    day.seating[event.slot_id].remove(token)
    if before is None or before.id != token.id:
        del day.tokens[token.id]  # made by this booking: withdrawn


# ------------------------------------------------------------- seats changing hands
def apply_preempted(day: Day, event: Preempted) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.remove(token)
    token.preemptions += 1
    seating.preemptions += 1
    seating.wait(token)


def invert_preempted(day: Day, event: Preempted, before: Token | None) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.remove(token)
    token.preemptions -= 1
    seating.preemptions -= 1
    seating.seat(token)


def apply_promoted(day: Day, event: Promoted) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.remove(token)
    seating.seat(token)
    seating.promotions += 1


def invert_promoted(day: Day, event: Promoted, before: Token | None) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.remove(token)
    seating.promotions -= 1
    seating.wait(token)


# --------------------------------------------------------- a token leaving or seen
def apply_cancelled(day: Day, event: Cancelled) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.remove(token)
    token.status = CANCELLED
    seating.cancelled += 1


def invert_cancelled(day: Day, event: Cancelled, before: Token | None) -> None:
    seating = day.seating[event.slot_id]
    seating.cancelled -= 1
    _put_back(seating, day.reopened(day.tokens[event.token_id]), event.was)


def apply_marked_no_show(day: Day, event: MarkedNoShow) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.remove(token)
    token.status = NO_SHOW
    seating.no_shows += 1


def invert_marked_no_show(day: Day, event: MarkedNoShow, before: Token | None) -> None:
    seating = day.seating[event.slot_id]
    seating.no_shows -= 1
    _put_back(seating, day.reopened(day.tokens[event.token_id]), event.was)


def apply_served(day: Day, event: Served) -> None:
    """Seen: from the room, with the consultation's minutes, or straight from a seat."""
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    if token.status is CALLED:
        seating.called.remove(token)
        assert token.called_at is not None
        token.minutes = round((event.at - token.called_at).total_seconds() / 60, 2)
    else:
        seating.remove(token)
    token.status = SERVED
    seating.served.append(token)


def invert_served(day: Day, event: Served, before: Token | None) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.served.remove(token)
    token = day.reopened(token)
    if token.called_at is None:
        seating.seat(token)
    else:
        token.minutes = None
        token.status = CALLED
        seating.called.append(token)


# ------------------------------------------------------------------ the visit
def apply_checked_in(day: Day, event: CheckedIn) -> None:
    token = day.tokens[event.token_id]
    token.checked_in = event.at
    day.seating[event.slot_id].arrived(token)


def invert_checked_in(day: Day, event: CheckedIn, before: Token | None) -> None:
    day.tokens[event.token_id].checked_in = None  # its entry for the room's call goes stale


def apply_called(day: Day, event: Called) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.remove(token)
    token.status, token.called_at = CALLED, event.at
    seating.called.append(token)


def invert_called(day: Day, event: Called, before: Token | None) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.called.remove(token)
    token.called_at = None
    seating.seat(token)


def apply_returned(day: Day, event: Returned) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.called.remove(token)
    token.called_at = None
    token.unanswered += 1
    seating.seat(token)


def invert_returned(day: Day, event: Returned, before: Token | None) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    seating.remove(token)
    token.unanswered -= 1
    token.status, token.called_at = CALLED, event.called_at
    seating.called.append(token)


def apply_room_set(day: Day, event: RoomSet) -> None:
    doctor = day.doctors[event.doctor_id]
    day.doctors[doctor.id] = replace(doctor, room=event.new)


def invert_room_set(day: Day, event: RoomSet, before: Token | None) -> None:
    doctor = day.doctors[event.doctor_id]
    day.doctors[doctor.id] = replace(doctor, room=event.old)


def apply_away_set(day: Day, event: AwaySet) -> None:
    doctor = day.doctors[event.doctor_id]
    day.doctors[doctor.id] = replace(doctor, away=event.new)


def invert_away_set(day: Day, event: AwaySet, before: Token | None) -> None:
    doctor = day.doctors[event.doctor_id]
    day.doctors[doctor.id] = replace(doctor, away=event.old)


# ---------------------------------------------------------- a token bumped or moved
def apply_bumped(day: Day, event: Bumped) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    booked = token.status is BOOKED
    seating.remove(token)
    token.priority = event.new_priority
    seating.seat(token) if booked else seating.wait(token)


def invert_bumped(day: Day, event: Bumped, before: Token | None) -> None:
    seating, token = day.seating[event.slot_id], day.tokens[event.token_id]
    status = token.status
    seating.remove(token)
    token.priority = event.old_priority
    _put_back(seating, token, status)


def apply_renamed(day: Day, event: Renamed) -> None:
    day.tokens[event.token_id].patient = event.new  # a live token: changed in place
    day.fresh.append(event.token_id)


def invert_renamed(day: Day, event: Renamed, before: Token | None) -> None:
    day.tokens[event.token_id].patient = event.old
    day.fresh.append(event.token_id)


def apply_moved(day: Day, event: Moved) -> None:
    """The token leaves its slot; the ``Booked`` or ``Waitlisted`` that follows places it anew."""
    day.seating[event.from_slot].remove(day.tokens[event.token_id])


def invert_moved(day: Day, event: Moved, before: Token | None) -> None:
    assert before is not None
    token = day.tokens[event.token_id]
    token.number, token.arrival = before.number, before.arrival
    token.arrived_at, token.slot_id = before.arrived_at, event.from_slot
    _put_back(day.seating[event.from_slot], token, before.status)


def apply_reassigned(day: Day, event: Reassigned) -> None:
    """The token leaves its slot for the other doctor's, with its new number, seated or waiting
    as decided; its arrival (and so its rank) is kept."""
    token = day.tokens[event.token_id]
    _leave(day.seating[event.from_slot], token)
    token.number, token.slot_id = event.number, event.to_slot
    doctor_id = day.slots[event.to_slot].doctor_id
    count = int(event.number.rpartition("-")[2])
    if count > day.numbers[doctor_id]:
        day.numbers[doctor_id] = count
    seating = day.seating[event.to_slot]
    if event.seated:
        seating.seat(token)
    else:
        seating.wait(token)
    day.fresh.append(token.id)


def invert_reassigned(day: Day, event: Reassigned, before: Token | None) -> None:
    token = day.tokens[event.token_id]
    _leave(day.seating[event.to_slot], token)
    token.number, token.slot_id = event.old_number, event.from_slot
    _put_back(day.seating[event.from_slot], token, event.was)
    day.fresh.append(token.id)


def apply_carried_over(day: Day, event: CarriedOver) -> None:
    if event.back:
        day.carried.discard(event.from_day)
    else:
        day.carried.add(event.from_day)


def invert_carried_over(day: Day, event: CarriedOver, before: Token | None) -> None:
    apply_carried_over(day, CarriedOver(event.at, event.from_day, not event.back))


# --------------------------------------------------------------- a slot's settings
def apply_capacity_changed(day: Day, event: CapacityChanged) -> None:
    day.slots[event.slot_id].capacity = event.new


def invert_capacity_changed(day: Day, event: CapacityChanged, before: Token | None) -> None:
    day.slots[event.slot_id].capacity = event.old


def apply_delayed(day: Day, event: Delayed) -> None:
    slots = day.slots
    for slot_id in event.slot_ids:
        slots[slot_id].delay += event.minutes


def invert_delayed(day: Day, event: Delayed, before: Token | None) -> None:
    slots = day.slots
    for slot_id in event.slot_ids:
        slots[slot_id].delay -= event.minutes


# ------------------------------------------------- undo's facts: how things now are
def apply_undone(day: Day, event: Undone) -> None:
    """Nothing: the facts that follow it say what changed."""


def apply_token_withdrawn(day: Day, event: TokenWithdrawn) -> None:
    token = day.tokens.pop(event.token_id)
    if token.status is BOOKED or token.status is WAITING:
        day.seating[token.slot_id].remove(token)


def apply_token_restored(day: Day, event: TokenRestored) -> None:
    token = day.tokens.get(event.token_id)
    if token is None:
        token = day.tokens[event.token_id] = Token(
            event.token_id,
            event.number,
            event.patient,
            event.source,
            event.priority,
            event.arrival,
            event.slot_id,
            WAITING,
            event.arrived_at,
        )
    elif token.status is BOOKED or token.status is WAITING:
        day.seating[token.slot_id].remove(token)
    elif token.status is CALLED:
        day.seating[token.slot_id].called.remove(token)
    else:
        token = day.reopened(token)
    token.number, token.patient, token.source = event.number, event.patient, event.source
    token.priority, token.arrival, token.slot_id = event.priority, event.arrival, event.slot_id
    token.arrived_at, token.preemptions = event.arrived_at, event.preemptions
    token.checked_in, token.called_at = event.checked_in, event.called_at
    token.unanswered, token.minutes = event.unanswered, event.minutes
    token.phone, token.patient_id = event.phone, event.patient_id
    _put_back(day.seating[event.slot_id], token, event.status)
    day.fresh.append(token.id)


def apply_slot_restored(day: Day, event: SlotRestored) -> None:
    slot, seating = day.slots[event.slot_id], day.seating[event.slot_id]
    slot.capacity, slot.delay = event.capacity, event.delay
    seating.served = [day.tokens[t] for t in event.served]
    seating.called = [day.tokens[t] for t in event.called]
    seating.no_shows, seating.cancelled = event.no_shows, event.cancelled
    seating.preemptions, seating.promotions = event.preemptions, event.promotions


# ------------------------------------------------------------------ dispatch

KINDS: dict[type[Event], tuple[Apply, Invert | None]] = {
    DoctorAdded: (apply_doctor_added, None),
    SlotAdded: (apply_slot_added, None),
    Booked: (apply_placed, invert_placed),
    Waitlisted: (apply_placed, invert_placed),
    Preempted: (apply_preempted, invert_preempted),
    Promoted: (apply_promoted, invert_promoted),
    Cancelled: (apply_cancelled, invert_cancelled),
    MarkedNoShow: (apply_marked_no_show, invert_marked_no_show),
    Served: (apply_served, invert_served),
    CheckedIn: (apply_checked_in, invert_checked_in),
    Called: (apply_called, invert_called),
    Returned: (apply_returned, invert_returned),
    RoomSet: (apply_room_set, invert_room_set),
    AwaySet: (apply_away_set, invert_away_set),
    Reassigned: (apply_reassigned, invert_reassigned),
    CarriedOver: (apply_carried_over, invert_carried_over),
    Bumped: (apply_bumped, invert_bumped),
    Renamed: (apply_renamed, invert_renamed),
    Moved: (apply_moved, invert_moved),
    CapacityChanged: (apply_capacity_changed, invert_capacity_changed),
    Delayed: (apply_delayed, invert_delayed),
    Undone: (apply_undone, None),
    TokenWithdrawn: (apply_token_withdrawn, None),
    TokenRestored: (apply_token_restored, None),
    SlotRestored: (apply_slot_restored, None),
}
"""Each kind's apply and inverse; only actions' events have an inverse, as only actions are
taken back. Both are found by the event's own type: one dict lookup, however many kinds."""

APPLY: dict[type[Event], Apply] = {kind: pair[0] for kind, pair in KINDS.items()}
INVERT: dict[type[Event], Invert] = {kind: pair[1] for kind, pair in KINDS.items() if pair[1]}


def apply(day: Day, event: Event) -> None:
    """Replay one recorded event as a fact."""
    (APPLY.get(type(event)) or _apply_of(event))(day, event)


def apply_all(day: Day, events: Iterable[Event]) -> None:
    table = APPLY
    for event in events:
        (table.get(type(event)) or _apply_of(event))(day, event)


def invert(day: Day, event: Event, before: Token | None) -> None:
    """Undo one event of an action being taken back; its later events are already undone."""
    INVERT[type(event)](day, event, before)


def _apply_of(event: object) -> Apply:
    """The apply of an event of a kind's subclass; anything else cannot be replayed."""
    for kind in type(event).__mro__:
        found = APPLY.get(kind)
        if found is not None:
            return found
    raise Invalid(f"cannot replay event {event!r}")


def _put_back(seating: Seating, token: Token, status: Status) -> None:
    """Give a token ``status`` again, in its slot's seats or waitlist when it is live, among
    those in the room when it was called."""
    if status is BOOKED:
        seating.seat(token)
    elif status is WAITING:
        seating.wait(token)
    elif status is CALLED:
        token.status = status
        seating.called.append(token)
    else:
        token.status = status


def _leave(seating: Seating, token: Token) -> None:
    """A token leaves a slot keeping its rank (a reassignment): its entry among the slot's
    present patients would otherwise still look live, so it goes too."""
    seating.remove(token)
    if token.checked_in is not None:
        seating.present = [e for e in seating.present if e[1] != token.id]
        heapify(seating.present)


def _start(slot: Slot) -> int:
    return slot.start_min
