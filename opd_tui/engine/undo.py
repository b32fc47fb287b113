"""Taking actions back: their events inverted newest first (``facts``), then either the facts of
how things now are (undo, which other desks and the journal replay), or nothing at all (a
roll-back, as if the actions had never been decided).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .actions import Clock, Done
from .day import Day
from .events import (
    AwaySet,
    CapacityChanged,
    CarriedOver,
    Delayed,
    Event,
    Moved,
    Placed,
    Reassigned,
    RoomSet,
    SlotRestored,
    TokenRestored,
    TokenWithdrawn,
    Undone,
)
from .facts import invert
from .model import Token, format_hhmm


def take_back(day: Day, done: Done, clock: Clock) -> list[Event]:
    """Take back one action exactly: preempted patients back in their seats, promoted ones back
    on the waitlist, a booking withdrawn; token ids and numbers are not reused. The events say
    what was undone, then how each touched token and slot now is."""
    action, events, before = done
    subject = _subject(day, action, events, before)
    tokens: set[str] = set()
    slots: set[str] = set()
    doctors: list[RoomSet | AwaySet] = []
    carried: list[CarriedOver] = []
    for event in reversed(events):
        invert(day, event, before)
        if isinstance(event, (RoomSet, AwaySet)):
            doctors.append(event)
        elif isinstance(event, CarriedOver):
            carried.append(event)
        else:
            _touched(event, tokens, slots)
    now = clock()
    undone: list[Event] = [Undone(now, action, subject)]
    # A doctor's setting taken back is told as the setting changed back; a carry-over, as
    # taken back.
    undone += [type(e)(now, e.doctor_id, e.new, e.old) for e in doctors]  # type: ignore[arg-type]
    undone += [CarriedOver(now, e.from_day, not e.back) for e in carried]
    for token_id in sorted(tokens):
        token = day.tokens.get(token_id)
        if token is None:
            undone.append(TokenWithdrawn(now, token_id, _slot_of(events, token_id)))
        else:
            undone.append(_restored(now, token))
    for slot_id in sorted(slots):
        slot, seating = day.slots[slot_id], day.seating[slot_id]
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
                tuple(t.id for t in seating.called),
            )
        )
    return undone


def unmake(day: Day, actions: Iterable[Done]) -> None:
    """Take back ``actions`` (oldest first) as if they had never been decided: their events
    inverted newest first, and the arrival and number counters put back, so the next tokens get
    the same ids and numbers. Each placing gave the next arrival, and a new number when it was a
    booking or a move to another doctor."""
    for _, events, before in reversed(list(actions)):
        for event in reversed(events):
            invert(day, event, before)
            if isinstance(event, Placed):
                day.arrivals = event.arrival - 1
                doctor_id = day.slots[event.slot_id].doctor_id
                if before is None or day.slots[before.slot_id].doctor_id != doctor_id:
                    day.numbers[doctor_id] = int(event.number.rpartition("-")[2]) - 1
            elif isinstance(event, Reassigned):  # a new number, but the arrival kept
                doctor_id = day.slots[event.to_slot].doctor_id
                day.numbers[doctor_id] = int(event.number.rpartition("-")[2]) - 1


def _subject(day: Day, action: str, events: list[Event], before: Token | None) -> str:
    """What an action was about, in a few words: its token, slot or doctor."""
    first = events[-1] if isinstance(events[-1], Placed) else events[0]
    if action == "overdue":
        marked = sum(1 for e in events if type(e).kind == "no-show")
        return f"{marked} overdue marked no-show"
    if action == "carry-over":
        placed = sum(1 for e in events if isinstance(e, Placed))
        from_day = next(e.from_day for e in events if isinstance(e, CarriedOver))
        return f"{placed} patients carried over from {from_day}"
    if action == "reassign":
        moved = [e for e in events if isinstance(e, Reassigned)]
        doctors = day.doctors
        origin = doctors[day.slots[moved[0].from_slot].doctor_id].name
        target = doctors[day.slots[moved[0].to_slot].doctor_id].name
        return f"{len(moved)} of {origin}'s patients to {target}"
    match first:
        case CapacityChanged(slot_id=slot_id, old=old, new=new):
            return f"{day.slot_name(day.slots[slot_id])}, {old} → {new} seats"
        case Delayed(doctor_id=doctor_id, minutes=minutes):
            return f"{day.doctors[doctor_id].name} {minutes:+d} min"
        case RoomSet(doctor_id=doctor_id, new=new):
            return f"{day.doctors[doctor_id].name} in room {new or '(none)'}"
        case AwaySet(doctor_id=doctor_id, new=new):
            away = "here" if new is None else f"away from {format_hhmm(new)}"
            return f"{day.doctors[doctor_id].name} {away}"
    token = before or day.tokens[getattr(first, "token_id")]  # noqa: B009
    return f"{token.number} {token.patient}"


def _touched(event: Event, tokens: set[str], slots: set[str]) -> None:
    """Note the token and the slots an event changed: their facts follow the ``Undone``."""
    touched: str | None = getattr(event, "token_id", None)
    if touched is not None:
        tokens.add(touched)
    if isinstance(event, (Moved, Reassigned)):
        slots.update((event.from_slot, event.to_slot))
    elif isinstance(event, Delayed):
        slots.update(event.slot_ids)
    else:
        slots.add(getattr(event, "slot_id"))  # noqa: B009


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
        token.checked_in,
        token.called_at,
        token.unanswered,
        token.minutes,
        token.phone,
        token.patient_id,
    )
