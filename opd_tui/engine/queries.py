"""What the day looks like, asked without changing it: doctors, slots, tokens, searches, counts.

Every answer is a copy (or an immutable value), so a caller cannot bend the day's state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .day import Day, copied
from .errors import Invalid, NotFound
from .model import Doctor, Seat, Slot, SlotView, Stats, Token, format_hhmm


def doctor(day: Day, doctor_id: str) -> Doctor:
    try:
        return day.doctors[doctor_id]
    except KeyError:
        raise NotFound(f"unknown doctor {doctor_id!r}") from None


def slots(day: Day, doctor_id: str | None = None) -> list[Slot]:
    """One doctor's slots in time order, or every slot of the day."""
    if doctor_id is None:
        return [replace(slot) for slot in day.slots.values()]
    return [replace(slot) for slot in day.slots_of(doctor_id)]


def slot_view(day: Day, slot_id: str) -> SlotView:
    """The slot's booked list with estimated times, and its waitlist, both in rank order."""
    slot = day.slot(slot_id)
    seating = day.seating[slot_id]
    booked = seating.served + seating.booked_tokens()
    length = slot.end_min - slot.start_min
    per_seat = length / max(slot.capacity, len(booked), 1)
    begin = slot.start_min + slot.delay
    seats = tuple(
        Seat(copied(token), i, format_hhmm(begin + round(i * per_seat)))
        for i, token in enumerate(booked)
    )
    waiting = tuple(map(copied, seating.waiting_tokens()))
    return SlotView(replace(slot), seats, waiting)


def token_by_number(day: Day, number: str) -> Token:
    """A copy of the token staff call out as ``number`` (any case): a scan, but without copying
    every token on the way."""
    wanted = number.strip().upper()
    for token in day.tokens.values():
        if token.number == wanted:
            return copied(token)
    raise NotFound(f"no token numbered {number!r}")


def find_patients(day: Day, text: str) -> list[Token]:
    """Tokens whose patient name contains ``text``, ignoring case."""
    if not isinstance(text, str):
        raise Invalid(f"a search needs text, not {text!r}")
    needle = text.strip().casefold()
    if not needle:
        return []
    return [copied(t) for t in day.tokens.values() if needle in t.patient.casefold()]


def slot_stats(day: Day, slot_id: str) -> Stats:
    slot = day.slot(slot_id)
    s = day.seating[slot_id]
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


def totals(day: Day, slots: Iterable[Slot]) -> Stats:
    """The slots' counters summed in one pass: the dashboard asks after every action."""
    capacity = booked = waiting = served = no_shows = cancelled = preempted = promoted = 0
    seating = day.seating
    for slot in slots:
        s = seating[slot.id]
        capacity += slot.capacity
        booked += s.booked_count
        waiting += s.waiting_count
        served += len(s.served)
        no_shows += s.no_shows
        cancelled += s.cancelled
        preempted += s.preemptions
        promoted += s.promotions
    return Stats(capacity, booked, waiting, served, no_shows, cancelled, preempted, promoted)
