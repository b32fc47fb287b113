"""Which of a day's unseen patients can go into the next day, and where: the command a desk asks
the new day's engine for. It only reads the two days; the new day's engine decides the seats."""

from __future__ import annotations

from .commands import Carried, CarryOver
from .engine import Engine
from .errors import NotFound
from .model import Slot, Token


def carry_over_of(previous: Engine, today: Engine, from_day: str) -> tuple[CarryOver, list[Token]]:
    """The carry-over of ``previous``'s unseen tokens into ``today``'s matching slots (the same
    slot, or the same doctor's slot at the same time), in their arrival order; and the tokens
    with no matching slot today, which stay closed with their day."""
    patients: list[Carried] = []
    left: list[Token] = []
    for token in previous.unseen():
        slot = _matching(previous.slot(token.slot_id), today)
        if slot is None:
            left.append(token)
            continue
        patients.append(
            (
                token.number,
                slot.id,
                token.patient,
                token.source.value,
                token.priority,
                token.phone,
                token.patient_id,
            )
        )
    return CarryOver(from_day, tuple(patients)), left


def _matching(then: Slot, today: Engine) -> Slot | None:
    try:
        same = today.slot(then.id)
    except NotFound:
        same = None
    if same is not None and same.doctor_id == then.doctor_id:
        return same
    try:
        slots = today.slots(then.doctor_id)
    except NotFound:
        return None
    return next((s for s in slots if s.start_min == then.start_min), None)
