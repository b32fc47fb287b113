"""A clinic day frozen at one moment, so an engine can be rebuilt there without replaying the day.

Replaying a day's events costs time in proportion to the whole day so far (about 0.3 s for a
100,000-action day). Restoring a snapshot costs time in proportion to its tokens, and mostly to
its live ones (50 ms near the end of that day); only the events after it then need replaying.

A snapshot is immutable. A live token is kept as the tuple of its fields; a closed one (served,
cancelled, no-show) as the token itself, since the engine never changes a closed token in place
(undo works on a copy): snapshots, and the engines restored from them, share closed tokens rather
than copying them. A slot is kept as the tuple of its settings, counts and served tokens, and its
seating's two heaps as they are: a restore copies them rather than seat every live token again.

A snapshot can be taken whole, or from an earlier snapshot of the same engine and the events
since: then only the tokens and slots those events name are read again, and everything else is
shared with the earlier one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress, count, islice, repeat, starmap
from operator import attrgetter
from typing import Any, cast

from .day import Day, token_fields
from .events import (
    Bumped,
    Called,
    CapacityChanged,
    CheckedIn,
    Delayed,
    Event,
    Left,
    Moved,
    Placed,
    Preempted,
    Promoted,
    Reassigned,
    Renamed,
    Returned,
    Served,
)
from .model import BOOKED, CALLED, WAITING, Doctor, Slot, Source, Status, Token, VisitRules
from .seating import Seating

Entry = tuple[int, str]

TokenRecord = tuple[
    str,
    str,
    str,
    Source,
    int,
    int,
    str,
    Status,
    datetime,
    int,
    datetime | None,
    datetime | None,
    int,
    float | None,
    str,
    str,
    Entry | None,
]
"""A live or called token's fields in ``Token``'s order: id, number, patient, source, priority,
arrival, slot id, status, arrival time, preemptions, the visit's check-in, call, unanswered calls
and minutes, the patient's phone and id, and its entry in its slot's seating."""

Heap = tuple[Entry, ...]
SlotRecord = tuple[
    int, int, tuple[Token, ...], tuple[str, ...], int, int, int, int, Heap, Heap, Heap, int, int
]
"""A slot's capacity and delay; its served tokens (closed, so shared) in the order they were seen;
the ids of those in the room, in the order they were called; its no-show, cancellation,
preemption and promotion counts; then its seating as ``Seating.frozen`` gives it: the heaps as
they are, stale entries and all, and the live counts."""


@dataclass(frozen=True, slots=True, eq=False)
class Layout:
    """What set-up made, and what the rare actions that change the clinic itself did (a room, a
    doctor away, a carry-over: a snapshot after one is taken whole): shared along a run of
    snapshots."""

    priorities: tuple[tuple[Source, int], ...]
    visit: VisitRules
    doctors: tuple[Doctor, ...]
    slots: tuple[tuple[str, str, int, int], ...]  # id, doctor id, start and end minute, in order
    carried: frozenset[str] = frozenset()  # the days carried over into this one
    index: dict[str, int] = field(init=False)  # a slot's place in ``slots``; never changed

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {slot[0]: i for i, slot in enumerate(self.slots)})


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """An engine's day at one moment, for ``Engine.restore``; ``Engine.snapshot`` takes one.

    Compared by identity: compare engines through their queries, not their snapshots.
    """

    layout: Layout
    tokens: tuple[Token | TokenRecord, ...]  # closed: the token; else its record; in engine order
    slots: tuple[SlotRecord, ...]  # in ``layout.slots`` order
    numbers: tuple[int, ...]  # each doctor's last number given out, in ``layout.doctors`` order
    arrivals: int
    # Where each token is in ``tokens``, by id: made for a whole snapshot, then shared by those
    # taken from it, which add their new tokens to it. Two taken from the same one (after a
    # rewind, say) may disagree on a new token's place, so an answer is checked before use.
    places: dict[str, int] = field(repr=False)


def token_id(token: Token | TokenRecord) -> str:
    """The id of a token as a snapshot keeps it."""
    return token.id if isinstance(token, Token) else token[0]


def take(day: Day, since: Snapshot | None = None, events: Iterable[Event] = ()) -> Snapshot:
    """The day as it is now, frozen: whole, or from ``since`` and the ``events`` after it, reading
    again only the tokens and slots they name (see ``Engine.snapshot``)."""
    named = None if since is None else _named(events)
    tokens_now = day.tokens
    if since is None or named is None or len(tokens_now) < len(since.tokens):
        return _whole(day)
    token_ids, slot_ids = named
    before, after = len(since.tokens), len(tokens_now)
    # Bar set-up and undo, tokens are only ever added, at the end: the new ones are last.
    new = list(islice(reversed(tokens_now.values()), after - before))
    new.reverse()
    tokens = list(since.tokens)
    tokens += map(_frozen, new)
    new_ids = dict(zip(map(_id, new), range(before, after), strict=True))
    places = since.places
    places.update(new_ids)
    for changed in token_ids:
        if changed not in new_ids:
            place, places = _find(changed, tokens, before, places)
            tokens[place] = _frozen(tokens_now[changed])
    slots = list(since.slots)
    index = since.layout.index
    for slot_id in slot_ids:
        i = index[slot_id]
        slots[i] = _slot_record(day, slot_id, slots[i][2])
    return Snapshot(
        since.layout,
        tuple(tokens),
        tuple(slots),
        tuple(day.numbers.values()),
        day.arrivals,
        places,
    )


def thaw(snapshot: Snapshot, day: Day) -> None:
    """Fill ``day``, new and empty (with the snapshot's priorities), with the day it froze."""
    layout = snapshot.layout
    # Closed tokens are shared; a live one is made anew from its record, in its place.
    everyone: list[Any] = list(snapshot.tokens)
    fresh = list(map(isinstance, everyone, repeat(tuple)))
    records = list(compress(everyone, fresh))
    live = list(starmap(Token, records))
    deque(map(everyone.__setitem__, compress(count(), fresh), live), maxlen=0)
    day.tokens.update(zip(map(_id, everyone), everyone, strict=True))
    for doctor, number in zip(layout.doctors, snapshot.numbers, strict=True):
        day.doctors[doctor.id] = doctor
        day.doctor_slots[doctor.id] = []
        day.numbers[doctor.id] = number
    for (slot_id, doctor_id, start_min, end_min), record in zip(
        layout.slots, snapshot.slots, strict=True
    ):
        slot = Slot(slot_id, doctor_id, start_min, end_min, 0)
        day.slots[slot_id] = slot
        day.doctor_slots[doctor_id].append(slot)
        _put_slot_back(day, slot_id, record)
    for slots in day.doctor_slots.values():
        slots.sort(key=_start)
    day.arrivals = snapshot.arrivals
    day.carried = set(layout.carried)


def revert_to(day: Day, snapshot: Snapshot, events: Iterable[Event]) -> bool:
    """Take ``day`` back to ``snapshot`` in place, putting back only what ``events`` name; False,
    having changed nothing, if they hold set-up or undo (see ``Engine.revert``)."""
    named = _named(events)
    tokens = day.tokens
    before = len(snapshot.tokens)
    if named is None or len(tokens) < before:
        return False
    token_ids, slot_ids = named
    for _ in range(len(tokens) - before):
        tokens.popitem()  # made since the snapshot: tokens are only added, at the end
    frozen, places = snapshot.tokens, snapshot.places
    for changed in token_ids:
        if changed in tokens:
            place, places = _find(changed, frozen, before, places)
            tokens[changed] = _thawed(frozen[place])
            day.fresh.append(changed)
    index = snapshot.layout.index
    for slot_id in slot_ids:
        _put_slot_back(day, slot_id, snapshot.slots[index[slot_id]])
    doctors = snapshot.layout.doctors
    day.numbers = {d.id: n for d, n in zip(doctors, snapshot.numbers, strict=True)}
    day.arrivals = snapshot.arrivals
    return True


def _whole(day: Day) -> Snapshot:
    layout = Layout(
        tuple(day.priorities.items()),
        day.visit,
        tuple(day.doctors.values()),
        tuple((s.id, s.doctor_id, s.start_min, s.end_min) for s in day.slots.values()),
        frozenset(day.carried),
    )
    tokens = day.tokens
    return Snapshot(
        layout,
        tuple(map(_frozen, tokens.values())),
        tuple(_slot_record(day, slot_id) for slot_id in day.slots),
        tuple(day.numbers.values()),
        day.arrivals,
        dict(zip(tokens, range(len(tokens)), strict=True)),
    )


def _put_slot_back(day: Day, slot_id: str, record: SlotRecord) -> None:
    """A slot's settings, counts and seating as ``record`` froze them."""
    slot = day.slots[slot_id]
    slot.capacity, slot.delay, served, called = record[:4]
    tokens = day.tokens
    seating = day.seating[slot_id] = Seating.thawed(tokens, *record[8:])
    seating.served = list(served)
    seating.called = [tokens[token_id] for token_id in called]
    seating.no_shows, seating.cancelled, seating.preemptions, seating.promotions = record[4:8]


def _slot_record(day: Day, slot_id: str, served: tuple[Token, ...] = ()) -> SlotRecord:
    """The slot as a snapshot keeps it; ``served``, the slot's served tokens in an earlier
    snapshot, is kept if none was served since (bar undo, the list only ever grows)."""
    slot, seating = day.slots[slot_id], day.seating[slot_id]
    if len(served) != len(seating.served):
        served = tuple(seating.served)
    return (
        slot.capacity,
        slot.delay,
        served,
        tuple([token.id for token in seating.called]),
        seating.no_shows,
        seating.cancelled,
        seating.preemptions,
        seating.promotions,
        *seating.frozen(),
    )


_token_record = cast(Callable[[Token], TokenRecord], token_fields)
_id: Callable[[Token], str] = attrgetter("id")


def _named(events: Iterable[Event]) -> tuple[dict[str, None], dict[str, None]] | None:
    """The tokens and slots ``events`` changed, in order of first mention; None if the events
    hold more than actions' results (set-up, undo), which snapshots do not follow piecemeal. Any
    event on a token changes its slot's seating."""
    token_ids: dict[str, None] = {}
    slot_ids: dict[str, None] = {}
    for event in events:
        if isinstance(
            event,
            (
                Placed,
                Left,
                Served,
                Preempted,
                Promoted,
                Bumped,
                Renamed,
                CheckedIn,
                Called,
                Returned,
            ),
        ):
            token_ids[event.token_id] = slot_ids[event.slot_id] = None
        elif isinstance(event, Moved):
            token_ids[event.token_id] = slot_ids[event.from_slot] = None
        elif isinstance(event, Reassigned):
            token_ids[event.token_id] = slot_ids[event.from_slot] = None
            slot_ids[event.to_slot] = None
        elif isinstance(event, CapacityChanged):
            slot_ids[event.slot_id] = None
        elif isinstance(event, Delayed):
            slot_ids.update(dict.fromkeys(event.slot_ids))
        else:
            return None
    return token_ids, slot_ids


def _find(
    wanted: str, tokens: Sequence[Token | TokenRecord], before: int, places: dict[str, int]
) -> tuple[int, dict[str, int]]:
    """Where ``wanted`` is among the first ``before`` of ``tokens``, by ``places`` when it says so
    rightly, else by a new index of them all (a day taken on differently from the same snapshot
    may have put its own tokens in ``places``)."""
    place = places.get(wanted)
    if place is None or place >= before or wanted != token_id(tokens[place]):
        places = {token_id(token): i for i, token in enumerate(tokens)}
        place = places[wanted]
    return place, places


def _thawed(token: Token | TokenRecord) -> Token:
    """A token as a snapshot kept it, back in a day: a closed one shared, a live one anew."""
    return token if isinstance(token, Token) else Token(*token)


def _frozen(token: Token) -> Token | TokenRecord:
    """How a snapshot keeps a token: a closed one as itself (it never changes in place), a live
    or called one as its fields."""
    status = token.status
    if status is BOOKED or status is WAITING or status is CALLED:
        return _token_record(token)
    return token


def _start(slot: Slot) -> int:
    return slot.start_min
