"""The clinic day's state as a plain object: what every other part of the engine works on.

The day holds its doctors, slots, seating, tokens and counters, and the lookups that refuse an
unknown id. It decides nothing and changes nothing by itself: only the facts (``facts``) write
to it, so that an action and a replay of its events change it in the very same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from .errors import Conflict, Invalid, NotFound
from .model import (
    BOOKED,
    CALLED,
    DEFAULT_PRIORITIES,
    WAITING,
    Doctor,
    Slot,
    Source,
    Status,
    Token,
    VisitRules,
)
from .seating import Seating


class Day:
    """One clinic day: its doctors and their slots in time order, each slot's seating, every
    token by id in arrival order, each doctor's last number given out and the arrival counter."""

    __slots__ = (
        "arrivals",
        "carried",
        "doctor_slots",
        "doctors",
        "finder",
        "fresh",
        "levels",
        "numbers",
        "priorities",
        "seating",
        "slots",
        "tokens",
        "visit",
    )

    def __init__(
        self,
        priorities: Mapping[Source, int] | Mapping[str, int] | None = None,
        visit: VisitRules | None = None,
    ) -> None:
        self.priorities: dict[Source, int] = dict(DEFAULT_PRIORITIES)
        for source, priority in (priorities or {}).items():
            if not isinstance(priority, int) or isinstance(priority, bool):
                raise Invalid(f"priority of {source} must be a whole number, not {priority!r}")
            self.priorities[Source.parse(source)] = priority
        self.levels = sorted(set(self.priorities.values()))  # the priority classes, lowest first
        self.visit = visit or VisitRules()
        self.doctors: dict[str, Doctor] = {}
        self.doctor_slots: dict[str, list[Slot]] = {}
        self.slots: dict[str, Slot] = {}
        self.seating: dict[str, Seating] = {}
        self.tokens: dict[str, Token] = {}  # every seating reads this very map: never replaced
        self.numbers: dict[str, int] = {}
        self.arrivals = 0
        # The ids of tokens made or changed (number, name) since the finder last looked: it
        # indexes them when next asked, so booking pays one append and nothing more.
        self.fresh: list[str] = []
        self.carried: set[str] = set()  # the days whose unseen patients were carried into this
        self.finder: object = None  # the day's ``finder.Finder``, made on first use there

    def slot(self, slot_id: str) -> Slot:
        try:
            return self.slots[slot_id]
        except (KeyError, TypeError):
            raise NotFound(f"unknown slot {slot_id!r}") from None

    def slots_of(self, doctor_id: str) -> list[Slot]:
        try:
            return self.doctor_slots[doctor_id]
        except (KeyError, TypeError):
            raise NotFound(f"unknown doctor {doctor_id!r}") from None

    def token(self, token_id: str) -> Token:
        try:
            return self.tokens[token_id]
        except (KeyError, TypeError):
            raise NotFound(f"unknown token {token_id!r}") from None

    def live_token(self, token_id: str, verb: str) -> Token:
        try:
            token = self.tokens[token_id]
        except (KeyError, TypeError):
            raise NotFound(f"unknown token {token_id!r}") from None
        status = token.status
        if status is not BOOKED and status is not WAITING:  # not status.is_live, but quicker
            raise Conflict(f"cannot {verb} {token.number}: it is {state(status)}")
        return token

    def slot_name(self, slot: Slot) -> str:
        """How people name a slot: its doctor and start time, ``Dr Asha Rao 10:00``."""
        return f"{self.doctors[slot.doctor_id].name} {slot.start}"

    def number(self, doctor_id: str, count: int) -> str:
        """The ``count``-th number of a doctor's day, as staff call it out: ``RAO-014``."""
        return f"{self.doctors[doctor_id].code}-{str(count).zfill(3)}"

    def reopened(self, token: Token) -> Token:
        """A closed token about to change again (an undo, a replayed restore), as a copy of this
        day's own: a closed token is never changed in place, because snapshots and the days
        restored from them share it."""
        copy = self.tokens[token.id] = copied(token)
        return copy


def state(status: Status) -> str:
    """A status as a refusal says it: ``cancelled``, ``in the room``."""
    return "in the room" if status is CALLED else status.value.lower().replace("_", "-")


token_fields: Callable[[Token], tuple[Any, ...]] = attrgetter(
    "id",
    "number",
    "patient",
    "source",
    "priority",
    "arrival",
    "slot_id",
    "status",
    "arrived_at",
    "preemptions",
    "checked_in",
    "called_at",
    "unanswered",
    "minutes",
    "phone",
    "patient_id",
    "_entry",
)
"""A token's fields in ``Token``'s order, its seating entry last: a copy's, or a snapshot's record."""


def copied(token: Token) -> Token:
    """A copy of ``token``, as ``dataclasses.replace`` makes one, in a twentieth of its time:
    a move keeps one for undo, and every query answers with copies."""
    return Token(*token_fields(token))
