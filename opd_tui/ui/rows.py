"""Engine state turned into table rows: plain functions of the engine in view, the highlights to
show and the time, with no screen. The dashboard puts their rows into its tables; nothing here
knows a widget, so a test can call them alone.

A row is ``(key, cells)``: the doctor, slot or token id the line shows, and its cells in the
table's column order (see ``tables.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text

from ..engine import Delayed, Engine, Event, Moved, Slot, SlotView, Status, Token
from . import cells
from .marks import Mark, Marks

Row = tuple[str, Sequence[Text]]


def touched_slots(events: Iterable[Event]) -> set[str]:
    """Every slot an event changed, so only their rows are redrawn."""
    slots: set[str] = set()
    for event in events:
        if isinstance(event, Moved):
            slots.update((event.from_slot, event.to_slot))
        elif isinstance(event, Delayed):
            slots.update(event.slot_ids)
        elif slot_id := getattr(event, "slot_id", None):
            slots.add(slot_id)
    return slots


def doctor_row(engine: Engine, doctor_id: str) -> Row:
    """A doctor's line: name, how full their day is, specialty."""
    doctor = engine.doctor(doctor_id)
    stats = engine.doctor_stats(doctor_id)
    return doctor_id, [
        cells.plain(doctor.name),
        cells.utilisation(stats),
        cells.plain(doctor.specialty),
    ]


def schedule_row(engine: Engine, slot: Slot, marks: Marks, now: float) -> Row:
    """A slot's line in its doctor's schedule, flashing while ``marks`` say so at ``now``."""
    stats = engine.slot_stats(slot.id)
    return slot.id, [
        cells.slot_time(slot),
        cells.seats(stats),
        cells.waiting(stats),
        cells.slot_flags(stats, marks.slot(slot.id, now)),
        cells.occupancy(stats),
        cells.served(stats),
    ]


def schedule_rows(engine: Engine, slots: Iterable[Slot], marks: Marks, now: float) -> list[Row]:
    return [schedule_row(engine, slot, marks, now) for slot in slots]


def token_cells(
    engine: Engine, token: Token, position: int, mark: Mark | None, estimate: str | None = None
) -> list[Text]:
    """A token's cells in a booked list (with its ``estimate``) or a waitlist (without one),
    painted in its highlight's colour while it has one."""
    row = [
        cells.plain(position),
        cells.plain(token.number),
        cells.plain(token.patient),
        cells.source(token.source, token.priority, engine.priorities[token.source]),
        cells.plain(token.arrived_at.strftime("%H:%M")),
    ]
    if estimate is not None:
        done = token.status is Status.SERVED
        row.append(cells.plain(estimate, "dim" if done else ""))
    row += [cells.status(token, mark), cells.preemptions(token.preemptions)]
    return cells.marked(row, mark)


def booked_rows(engine: Engine, view: SlotView, marks: Marks, now: float) -> list[Row]:
    """A slot's booked list, served first, each seat with its estimated time."""
    rows: list[Row] = []
    for seat in view.booked:
        mark = marks.token(seat.token.id, now)
        position = seat.position + 1
        rows.append((seat.token.id, token_cells(engine, seat.token, position, mark, seat.estimate)))
    return rows


def waiting_rows(engine: Engine, view: SlotView, marks: Marks, now: float) -> list[Row]:
    """A slot's waitlist in rank order."""
    return [
        (token.id, token_cells(engine, token, i + 1, marks.token(token.id, now)))
        for i, token in enumerate(view.waiting)
    ]
