"""Engine state turned into table rows: plain functions of the engine in view, the highlights to
show and the time, with no screen. The dashboard puts their rows into its tables; nothing here
knows a widget, so a test can call them alone.

A row is ``(key, cells)``: the doctor, slot or token id the line shows, and its cells in the
table's column order (see ``tables.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from rich.text import Text

from ..engine import (
    AwaySet,
    Delayed,
    Engine,
    Event,
    Moved,
    Queue,
    Reassigned,
    Slot,
    SlotView,
    Token,
    format_hhmm,
)
from . import cells, palette
from .marks import Mark, Marks

Row = tuple[str, Sequence[Text]]


def touched_slots(events: Iterable[Event], engine: Engine) -> set[str]:
    """Every slot an event changed, so only their rows are redrawn."""
    slots: set[str] = set()
    for event in events:
        if isinstance(event, (Moved, Reassigned)):
            slots.update((event.from_slot, event.to_slot))
        elif isinstance(event, AwaySet):  # the doctor's slots show it
            slots.update(s.id for s in engine.slots(event.doctor_id))
        elif isinstance(event, Delayed):
            slots.update(event.slot_ids)
        elif slot_id := getattr(event, "slot_id", None):
            slots.add(slot_id)
    return slots


def doctor_row(engine: Engine, doctor_id: str) -> Row:
    """A doctor's line: name, how full their day is, specialty."""
    doctor = engine.doctor(doctor_id)
    stats = engine.doctor_stats(doctor_id)
    specialty = cells.plain(doctor.specialty)
    if doctor.away is not None:
        specialty = cells.plain(f"away {format_hhmm(doctor.away)} · ", palette.WAITING)
        specialty.append(cells.plain(doctor.specialty))
    return doctor_id, [cells.plain(doctor.name), cells.utilisation(stats), specialty]


def schedule_row(engine: Engine, slot: Slot, marks: Marks, now: float) -> Row:
    """A slot's line in its doctor's schedule, flashing while ``marks`` say so at ``now``."""
    stats = engine.slot_stats(slot.id)
    off = slot.off_for(engine.doctor(slot.doctor_id))
    return slot.id, [
        cells.slot_time(slot),
        cells.seats(stats),
        cells.waiting(stats),
        cells.slot_flags(stats, marks.slot(slot.id, now), off),
        cells.occupancy(stats),
        cells.served(stats),
    ]


def schedule_rows(engine: Engine, slots: Iterable[Slot], marks: Marks, now: float) -> list[Row]:
    return [schedule_row(engine, slot, marks, now) for slot in slots]


def token_cells(
    engine: Engine,
    token: Token,
    position: int,
    mark: Mark | None,
    estimate: str | None = None,
    at: datetime | None = None,
) -> list[Text]:
    """A token's cells in a booked list (with its ``estimate``) or a waitlist (without one),
    painted in its highlight's colour while it has one; ``at`` is the time the minutes in the
    room are counted to."""
    row = [
        cells.plain(position),
        cells.plain(token.number),
        cells.plain(token.patient),
        cells.source(token.source, token.priority, engine.priorities[token.source]),
        cells.plain(token.arrived_at.strftime("%H:%M")),
    ]
    if estimate is not None:
        done = token.status.holds_seat  # in the room or seen: the estimate is behind them
        row.append(cells.plain(estimate, "dim" if done else ""))
    row += [cells.status(token, mark, at), cells.preemptions(token.preemptions)]
    return cells.marked(row, mark)


def booked_rows(
    engine: Engine, view: SlotView, marks: Marks, now: float, at: datetime | None = None
) -> list[Row]:
    """A slot's booked list, served first, then in the room, each seat with its estimated time
    (a present patient's: the expected call)."""
    rows: list[Row] = []
    for seat in view.booked:
        token = seat.token
        mark = marks.token(token.id, now)
        line = token_cells(engine, token, seat.position + 1, mark, seat.estimate, at)
        rows.append((token.id, line))
    return rows


def waiting_rows(
    engine: Engine, view: SlotView, marks: Marks, now: float, at: datetime | None = None
) -> list[Row]:
    """A slot's waitlist in rank order."""
    return [
        (token.id, token_cells(engine, token, i + 1, marks.token(token.id, now), at=at))
        for i, token in enumerate(view.waiting)
    ]


# ------------------------------------------------------------------ the queue


def queue_rows(engine: Engine, queue: Queue, marks: Marks, now: float, at: datetime) -> list[Row]:
    """A doctor's queue as the room sees it at ``at``: in the room (the longest in first, with
    the minutes since the call), next up in call order with the expected call time, booked but
    not arrived (with when they become overdue), and overdue (from when)."""
    slots: dict[str, Slot] = {}

    def slot_of(token: Token) -> Slot:
        slot = slots.get(token.slot_id)
        if slot is None:
            slot = slots[token.slot_id] = engine.slot(token.slot_id)
        return slot

    def row(token: Token, position: str, state: Text, when: str) -> Row:
        mark = marks.token(token.id, now)
        line = [
            cells.plain(position),
            cells.plain(token.number),
            cells.plain(token.patient),
            cells.plain(slot_of(token).start),
            state if mark is None else cells.plain(mark.label),
            cells.plain(when),
            cells.source(token.source, token.priority, engine.priorities[token.source]),
        ]
        return token.id, cells.marked(line, mark)

    grace = engine.visit.grace
    rows: list[Row] = []
    for token in queue.in_room:
        since = token.called_at
        when = f"{cells.elapsed(since, at)} min in" if since is not None else ""
        rows.append(row(token, "", cells.plain(f"{cells.IN_ROOM} IN ROOM", palette.IN_ROOM), when))
    for i, expected in enumerate(queue.next_up):
        token = expected.token
        label = f"{cells.PRESENT} NEXT"
        if token.unanswered:
            label += f" {cells.RETURNED}{token.unanswered}"
        when = f"≈ {expected.at:%H:%M}"
        rows.append(row(token, str(i + 1), cells.plain(label, palette.PRESENT), when))
    for token in queue.not_arrived:
        due = overdue_from(slot_of(token), grace)
        away = cells.plain(f"{cells.NOT_ARRIVED} NOT ARRIVED", palette.DIM)
        rows.append(row(token, "", away, f"by {due}"))
    for token in queue.overdue:
        due = overdue_from(slot_of(token), grace)
        late = cells.plain(f"{cells.OVERDUE} OVERDUE", palette.FULL)
        rows.append(row(token, "", late, f"from {due}"))
    return rows


def overdue_from(slot: Slot, grace: int) -> str:
    """When a slot's patients who have not checked in become overdue: its end (as delayed) and
    the grace period."""
    return format_hhmm(slot.end_min + slot.delay + grace)


def consultation(minutes: float | None) -> str:
    """How long a consultation takes for the wait estimates: observed, or the slot's share."""
    if minutes is None:
        return "no consultation seen yet: slot length ÷ seats"
    return f"{minutes:.1f}".removesuffix(".0") + " min a consultation (observed)"


def queue_facts(queue: Queue) -> Text:
    """The line under a doctor's queue: the minutes a consultation takes (the expected calls
    follow them), how many are in each part of the queue, and whether a room is missing."""
    text = Text(no_wrap=False)
    if not queue.doctor.room:  # a set room is in the queue's title
        text.append("No room set (R sets it) · ")
    text.append(consultation(queue.minutes))
    counts = (
        (len(queue.in_room), "in the room"),
        (len(queue.next_up), "next up"),
        (len(queue.not_arrived), "not arrived"),
        (len(queue.overdue), "overdue"),
    )
    if not any(count for count, _ in counts):
        text.append(" · nobody booked is waiting to be seen")
        return text
    text.append(" · " + ", ".join(f"{count} {what}" for count, what in counts if count))
    if queue.overdue:
        text.append(" (O: no-show)", palette.FULL)
    return text
