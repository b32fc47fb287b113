"""What the day looks like, asked without changing it: doctors, slots, tokens, searches, counts.

Every answer is a copy (or an immutable value), so a caller cannot bend the day's state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from statistics import median

from .actions import overdue
from .day import Day, copied
from .errors import NotFound
from .model import (
    Doctor,
    Expected,
    Queue,
    Seat,
    Slot,
    SlotView,
    Stats,
    Token,
    format_hhmm,
)

RECENT = 5
"""How many of a doctor's latest consultations the wait estimate takes the median of."""


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


def slot_view(day: Day, slot_id: str, now: datetime | None = None) -> SlotView:
    """The slot's seats (served, in the room, then booked in rank order) with estimated times,
    and its waitlist in rank order.

    Seat i's place in the schedule is start + delay + i × length ÷ seats. Given ``now``, no
    estimate is before it, or before the doctor's consultation in progress should end (the room
    is free then): the seats still to be called keep their schedule's order and spacing, all
    moved later by as much as the first of them is earlier than that. A present booked token's
    estimate is its expected call time instead (see ``queue``); a seat already held (seen or in
    the room) shows its schedule's time, or ``now`` once that is past. So a slot 11:00–12:00 with
    4 seats and nobody in the room, seen at 11:48, shows 11:48, 12:03, 12:18, 12:33."""
    slot = day.slot(slot_id)
    seating = day.seating[slot_id]
    live = seating.booked_tokens()
    held = seating.served + seating.called
    booked = held + live
    length = slot.end_min - slot.start_min
    per_seat = length / max(slot.capacity, len(booked), 1)
    begin = slot.start_min + slot.delay
    schedule = [begin + round(i * per_seat) for i in range(len(booked))]
    expected: dict[str, datetime] = {}
    if now is not None:
        now_min = _minute_of_day(now, now)
        schedule[: len(held)] = [max(at, now_min) for at in schedule[: len(held)]]
        if live:
            in_room = [t for s in day.slots_of(slot.doctor_id) for t in day.seating[s.id].called]
            observed = consultation_minutes(day, slot.doctor_id) if in_room else None
            room = _minute_of_day(_room_free(day, in_room, now, observed), now)
            shift = max(0, room - schedule[len(held)])
            schedule[len(held) :] = [at + shift for at in schedule[len(held) :]]
        if any(token.checked_in is not None for token in live):
            expected = {e.token.id: e.at for e in _expected(day, slot.doctor_id, now)[1]}
    seats = tuple(
        Seat(
            copied(token),
            i,
            _clock(expected[token.id]) if token.id in expected else format_hhmm(schedule[i]),
        )
        for i, token in enumerate(booked)
    )
    waiting = tuple(map(copied, seating.waiting_tokens()))
    return SlotView(replace(slot), seats, waiting)


def queue(day: Day, doctor_id: str, now: datetime) -> Queue:
    """The doctor's patients as the room sees them at ``now`` (see ``Queue``)."""
    slots_ = day.slots_of(doctor_id)
    in_room, next_up, minutes = _expected(day, doctor_id, now)
    late = [token for _, tokens in overdue(day, doctor_id, now) for token in tokens]
    overdue_ids = {token.id for token in late}
    absent = [
        token
        for slot in slots_
        for token in day.seating[slot.id].booked_tokens()
        if token.checked_in is None and token.id not in overdue_ids
    ]
    return Queue(
        day.doctors[doctor_id],
        tuple(map(copied, in_room)),
        tuple(Expected(copied(e.token), e.at) for e in next_up),
        tuple(map(copied, absent)),
        tuple(map(copied, late)),
        minutes,
    )


def consultation_minutes(day: Day, doctor_id: str) -> float | None:
    """The median of the doctor's latest consultations today (called → seen), None before any."""
    seen = [
        (token.called_at + timedelta(minutes=token.minutes), token.minutes)
        for slot in day.slots_of(doctor_id)
        for token in day.seating[slot.id].served
        if token.minutes is not None and token.called_at is not None
    ]
    if not seen:
        return None
    seen.sort()
    return float(median(minutes for _, minutes in seen[-RECENT:]))


def _expected(
    day: Day, doctor_id: str, now: datetime
) -> tuple[list[Token], list[Expected], float | None]:
    """Who is in the doctor's room, each present booked token's expected call time in call
    order, and the observed minutes per consultation. A consultation takes the observed median,
    or before any is seen its slot's length ÷ capacity; the next call comes when the latest one
    in the room should be done, never before ``now``, and with nobody in the room not
    before the first slot it calls from (with its delay) begins: a doctor starts on time at best."""
    observed = consultation_minutes(day, doctor_id)
    in_room: list[Token] = []
    order: list[tuple[Token, float]] = []
    for slot in day.slots_of(doctor_id):
        seating = day.seating[slot.id]
        minutes = observed if observed is not None else _per_seat(slot)
        in_room += seating.called
        order += [(t, minutes) for t in seating.booked_tokens() if t.checked_in is not None]
    start = _room_free(day, in_room, now, observed)
    if order and not in_room:  # the room begins no earlier than the first slot it calls from
        slot = day.slots[order[0][0].slot_id]
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        start = max(start, midnight + timedelta(minutes=slot.start_min + slot.delay))
    expected = []
    for token, minutes in order:
        expected.append(Expected(token, start))
        start += timedelta(minutes=minutes)
    in_room.sort(key=_called_at)
    return in_room, expected, observed


def _room_free(day: Day, in_room: list[Token], now: datetime, observed: float | None) -> datetime:
    """When the doctor's room is free: ``now``, or later when the consultation in progress
    should end (the ``observed`` median, or before any is seen its slot's length ÷ capacity)."""
    start = now
    for token in in_room:
        assert token.called_at is not None
        minutes = observed if observed is not None else _per_seat(day.slots[token.slot_id])
        start = max(start, token.called_at + timedelta(minutes=minutes))
    return start


def _minute_of_day(at: datetime, day_of: datetime) -> int:
    """``at`` as minutes since the midnight that begins ``day_of``'s date (past 24:00 the next
    day), the seconds dropped as the estimates' clock does."""
    midnight = day_of.replace(hour=0, minute=0, second=0, microsecond=0)
    return int((at - midnight).total_seconds() // 60)


def _per_seat(slot: Slot) -> float:
    return (slot.end_min - slot.start_min) / max(slot.capacity, 1)


def _called_at(token: Token) -> datetime:
    assert token.called_at is not None
    return token.called_at


def _clock(at: datetime) -> str:
    return format_hhmm(at.hour * 60 + at.minute)


def token_by_number(day: Day, number: str) -> Token:
    """A copy of the token staff call out as ``number`` (any case): a scan, but without copying
    every token on the way."""
    wanted = number.strip().upper()
    for token in day.tokens.values():
        if token.number == wanted:
            return copied(token)
    raise NotFound(f"no token numbered {number!r}")


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
        len(s.called),
    )


def totals(day: Day, slots: Iterable[Slot]) -> Stats:
    """The slots' counters summed in one pass: the dashboard asks after every action."""
    capacity = booked = waiting = served = no_shows = cancelled = preempted = promoted = 0
    called = 0
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
        called += len(s.called)
    return Stats(
        capacity, booked, waiting, served, no_shows, cancelled, preempted, promoted, called
    )
