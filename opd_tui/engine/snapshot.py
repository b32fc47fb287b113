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

from dataclasses import dataclass, field
from datetime import datetime

from .model import Doctor, Source, Status, Token

Entry = tuple[int, str]

TokenRecord = tuple[str, str, str, Source, int, int, str, Status, datetime, int, Entry | None]
"""A live token's fields in ``Token``'s order: id, number, patient, source, priority, arrival,
slot id, status, arrival time, preemptions, and its entry in its slot's seating."""

SlotRecord = tuple[
    int, int, tuple[Token, ...], int, int, int, int, tuple[Entry, ...], tuple[Entry, ...], int, int
]
"""A slot's capacity and delay; its served tokens (closed, so shared) in the order they were seen;
its no-show, cancellation, preemption and promotion counts; then its seating as ``Seating.frozen``
gives it: both heaps as they are, stale entries and all, and the live counts."""


@dataclass(frozen=True, slots=True, eq=False)
class Layout:
    """What set-up made, which a day's actions never change: shared along a run of snapshots."""

    priorities: tuple[tuple[Source, int], ...]
    doctors: tuple[Doctor, ...]
    slots: tuple[tuple[str, str, int, int], ...]  # id, doctor id, start and end minute, in order
    index: dict[str, int] = field(init=False)  # a slot's place in ``slots``; never changed

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {slot[0]: i for i, slot in enumerate(self.slots)})


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """An engine's day at one moment, for ``Engine.restore``; ``Engine.snapshot`` takes one.

    Compared by identity: compare engines through their queries, not their snapshots.
    """

    layout: Layout
    tokens: tuple[Token | TokenRecord, ...]  # closed: the token; live: its record; in engine order
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
