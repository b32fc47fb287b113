"""What an open dialog is about, and how another desk's change to it is said: the app asks each
open dialog whether another desk's events touch it, and the dialog says so in these words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..engine import (
    AwaySet,
    Delayed,
    Engine,
    Event,
    OpdError,
    RoomSet,
    Status,
    Token,
    format_hhmm,
    safe_text,
)
from .activity import slot_name, state
from .rows import touched_slots

AT_ANOTHER_DESK = "at another desk"

CLOSED_WORDS = {
    Status.CANCELLED: "was cancelled",
    Status.NO_SHOW: "was marked no-show",
    Status.SERVED: "was marked seen",
    Status.CALLED: "was called in",
}


@dataclass(frozen=True, slots=True)
class About:
    """The tokens, slots and doctors a dialog asks about or shows; nothing by default."""

    tokens: frozenset[str] = field(default_factory=frozenset)
    slots: frozenset[str] = field(default_factory=frozenset)
    doctors: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls, tokens: Iterable[str] = (), slots: Iterable[str] = (), doctors: Iterable[str] = ()
    ) -> About:
        return cls(frozenset(tokens), frozenset(slots), frozenset(doctors))

    def touched_by(self, events: Sequence[Event], engine: Engine) -> bool:
        """Whether any of ``events`` names one of these tokens, slots or doctors."""
        if not (self.tokens or self.slots or self.doctors):
            return False
        for event in events:
            if getattr(event, "token_id", None) in self.tokens:
                return True
            if getattr(event, "doctor_id", None) in self.doctors:
                return True
        return bool(self.slots and touched_slots(events, engine) & self.slots)


def changed(asked: Token, engine: Engine) -> str | None:
    """``RAO-004 was cancelled at another desk``, when the token is no longer as it was when the
    question was asked (its slot, its status, whether it is checked in); None while it is."""
    number = safe_text(asked.number)
    try:
        now = engine.token(asked.id)
    except OpdError:
        return f"{number} was withdrawn {AT_ANOTHER_DESK}: its booking was undone"
    if now.slot_id != asked.slot_id:
        renumbered = f" (now {safe_text(now.number)})" if now.number != asked.number else ""
        where = slot_name(engine, now.slot_id)
        return f"{number} was moved to {where}{renumbered} {AT_ANOTHER_DESK}"
    if now.status is not asked.status:
        what = CLOSED_WORDS.get(now.status)
        if what is None:
            if asked.status is Status.BOOKED and now.status is Status.WAITING:
                what = "lost its seat"
            elif asked.status is Status.WAITING and now.status is Status.BOOKED:
                what = "got a seat"
            elif asked.status is Status.CALLED and now.status is Status.BOOKED:
                what = "was returned to the queue"
            else:
                what = f"is {state(now.status)} again"
        return f"{number} {what} {AT_ANOTHER_DESK}"
    if (now.checked_in is None) != (asked.checked_in is None):
        what = "checked in" if now.checked_in is not None else "is no longer checked in"
        return f"{number} {what} {AT_ANOTHER_DESK}"
    return None


def left(asked: Token, engine: Engine) -> str | None:
    """``changed``, only when the token has left where it was asked about: withdrawn, moved,
    or no longer booked or waiting. A seat lost or won there leaves a form about it open."""
    words = changed(asked, engine)
    if words is None:
        return None
    try:
        now = engine.token(asked.id)
    except OpdError:
        return words
    return words if now.slot_id != asked.slot_id or not now.status.is_live else None


def first_change(asked: Iterable[Token], engine: Engine) -> str | None:
    """The first of ``asked`` that another desk changed, said as ``changed`` says it."""
    return next((words for token in asked if (words := changed(token, engine))), None)


def seats_now(engine: Engine, slot_id: str) -> str:
    """``Dr Asha Rao 09:00 changed at another desk: 1 free`` (or ``full, 2 waiting``)."""
    slot = engine.slot(slot_id)
    stats = engine.slot_stats(slot_id)
    free = slot.capacity - stats.occupied
    room = f"{free} free" if free > 0 else "full"
    wait = f", {stats.waiting} waiting" if stats.waiting else ""
    return f"{slot_name(engine, slot_id)} changed {AT_ANOTHER_DESK}: {room}{wait}"


def doctor_news(events: Sequence[Event], doctor_id: str, engine: Engine) -> str | None:
    """What another desk's ``events`` did to the doctor, the newest first: their room, their
    time away, their delay; None when nothing of theirs."""
    for event in reversed(events):
        if getattr(event, "doctor_id", None) != doctor_id:
            continue
        name = safe_text(engine.doctor(doctor_id).name)
        if isinstance(event, RoomSet):
            where = f"put in room {safe_text(event.new)}" if event.new else "left without a room"
            return f"{name} was {where} {AT_ANOTHER_DESK}"
        if isinstance(event, AwaySet):
            away = (
                "marked here" if event.new is None else f"marked away from {format_hhmm(event.new)}"
            )
            return f"{name} was {away} {AT_ANOTHER_DESK}"
        if isinstance(event, Delayed):
            if event.minutes >= 0:
                return f"{name} was delayed {event.minutes} min {AT_ANOTHER_DESK}"
            return f"{name} caught up {-event.minutes} min {AT_ANOTHER_DESK}"
    return None
