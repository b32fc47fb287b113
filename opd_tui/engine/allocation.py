"""The allocation rule on one slot: who takes a seat, who loses one, who gets a freed one.

The rule, in every slot at every moment: the seated tokens are the locked ones (called into the
room, or served) plus the best (capacity − locked) live tokens ranked by priority (higher first),
then arrival (earlier first);
every other live token waits, in that same order. Each step here restores the rule with the fewest
changes: it decides one event, applies it at once (``facts``), so the next step sees the new
seating, and adds it to the action's events.
"""

from __future__ import annotations

from datetime import datetime

from .day import Day
from .events import Booked, Event, Preempted, Promoted, Reassigned, Waitlisted
from .facts import apply_placed, apply_preempted, apply_promoted, apply_reassigned
from .model import Slot, Source, Token


def place(
    day: Day,
    slot: Slot,
    now: datetime,
    events: list[Event],
    token_id: str,
    number: str,
    patient: str,
    source: Source,
    priority: int,
    arrival: int,
    count: int,
    phone: str = "",
    patient_id: str = "",
) -> None:
    """Seat an arriving token if a seat is free or it outranks the weakest (who then waits);
    else it waits. ``count`` is its number's count if the number is new, else 0."""
    slot_id = slot.id
    seating = day.seating[slot_id]
    if slot.capacity - len(seating.served) - len(seating.called) - seating.booked_count <= 0:
        weakest = seating.weakest()
        if weakest is None or weakest.rank > (priority << 40) - arrival:  # Token.rank
            waitlisted = Waitlisted(
                now,
                token_id,
                slot_id,
                number,
                patient,
                source,
                priority,
                arrival,
                phone,
                patient_id,
            )
            events.append(waitlisted)
            apply_placed(day, waitlisted, count)
            return
        why = reason(day, source, priority, weakest)
        preempt(day, slot_id, weakest, token_id, why, now, events)
    booked = Booked(
        now, token_id, slot_id, number, patient, source, priority, arrival, phone, patient_id
    )
    events.append(booked)
    apply_placed(day, booked, count)


def transfer(
    day: Day, token: Token, slot: Slot, number: str, now: datetime, events: list[Event]
) -> None:
    """A reassigned token joins ``slot`` at its own rank: seated if a seat is free or it
    outranks the weakest there (who then waits), else waiting, exactly as a booking would."""
    seating = day.seating[slot.id]
    seated = True
    if slot.capacity - len(seating.served) - len(seating.called) - seating.booked_count <= 0:
        weakest = seating.weakest()
        if weakest is None or weakest.rank > token.rank:
            seated = False
        else:
            why = reason(day, token.source, token.priority, weakest)
            preempt(day, slot.id, weakest, token.id, why, now, events)
    moved = Reassigned(
        now, token.id, token.slot_id, slot.id, token.status, token.number, number, seated
    )
    events.append(moved)
    apply_reassigned(day, moved)


def preempt(
    day: Day,
    slot_id: str,
    victim: Token,
    by: str | None,
    reason: str,
    now: datetime,
    events: list[Event],
) -> None:
    """``victim`` loses its seat to ``by`` (a token id; None for a capacity cut) and waits."""
    preempted = Preempted(now, victim.id, slot_id, by, reason)
    events.append(preempted)
    apply_preempted(day, preempted)


def fill(day: Day, slot: Slot, now: datetime, events: list[Event], seat_of: str | None) -> None:
    """Promote the best waiting tokens into free seats, best first (FIFO among equals); the first
    takes the seat of ``seat_of``, if a token just left it."""
    slot_id = slot.id
    seating = day.seating[slot_id]
    capacity = slot.capacity
    locked = len(seating.served) + len(seating.called)  # a promotion locks nothing
    while seating.waiting_count and capacity - locked - seating.booked_count > 0:
        best = seating.best_waiting()
        assert best is not None
        promoted = Promoted(now, best.id, slot_id, seat_of)
        events.append(promoted)
        apply_promoted(day, promoted)
        seat_of = None


def swap_if_outranked(day: Day, slot_id: str, now: datetime, events: list[Event]) -> None:
    """After a priority change, the best waiting token takes the weakest seat if it outranks it."""
    seating = day.seating[slot_id]
    best, weakest = seating.best_waiting(), seating.weakest()
    if best is None or weakest is None or best.rank < weakest.rank:
        return
    why = reason(day, best.source, best.priority, weakest)
    preempt(day, slot_id, weakest, best.id, why, now, events)
    promoted = Promoted(now, best.id, slot_id, weakest.id)
    events.append(promoted)
    apply_promoted(day, promoted)


def reason(day: Day, source: Source, priority: int, loser: Token) -> str:
    """Why a token of ``source`` at ``priority`` outranks ``loser``, in the activity log's words."""
    if priority > loser.priority:
        return f"{_ranked(day, source, priority)} > {_ranked(day, loser.source, loser.priority)}"
    return (
        f"{_ranked(day, source, priority)} = {_ranked(day, loser.source, loser.priority)}, "
        "arrived earlier"
    )


def _ranked(day: Day, source: Source, priority: int) -> str:
    """A token's source and priority; a bumped token's says which way it was moved."""
    usual = day.priorities[source]
    if priority > usual:
        return f"{source}, raised to {priority}"
    if priority < usual:
        return f"{source}, lowered to {priority}"
    return f"{source} {priority}"
