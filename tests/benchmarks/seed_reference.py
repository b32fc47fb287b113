"""A plain Python port of the seed design (opd-allocation-design.md), as written, for comparison.

Per slot: a list of booked tokens and a list of waiting tokens. Booking into a full slot scans the
booked list for the weakest link (lowest priority, then latest arrival) and preempts it only on a
strictly higher priority. A freed seat scans the waitlist for the best (highest priority, then
earliest arrival). A token map gives O(1) lookup by id, and one lock guards everything.

It runs the same operations as the engine (book, cancel, no-show, serve, bump, move) and keeps the
same ranking, so the same workload gives the same seating; it returns the token instead of events.
Arrival order is a counter (the seed's timestamp, without ties), and token ids follow the engine's
scheme (``T`` + arrival number), so a workload's token ids are valid for both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

PRIORITIES: dict[str, int] = {"emergency": 5, "paid": 4, "follow-up": 3, "online": 2, "walk-in": 1}
LEVELS: list[int] = sorted(set(PRIORITIES.values()))

BOOKED = "BOOKED"
WAITING = "WAITING"
SERVED = "SERVED"
CANCELLED = "CANCELLED"
NO_SHOW = "NO_SHOW"


class SeedError(Exception):
    pass


@dataclass(slots=True)
class SeedToken:
    id: str
    patient: str
    source: str
    priority: int
    arrival: int
    timestamp: datetime
    slot_id: str
    status: str
    preemptions: int = 0


@dataclass(slots=True)
class SeedSlot:
    id: str
    doctor_id: str
    capacity: int
    tokens: list[SeedToken] = field(default_factory=list)  # booked, in no particular order
    served: int = 0


def outranks(a: SeedToken, b: SeedToken) -> bool:
    """Higher priority first; among equals, the earlier arrival."""
    return a.priority > b.priority or (a.priority == b.priority and a.arrival < b.arrival)


class SeedEngine:
    def __init__(self, clock: Callable[[], datetime] = datetime.now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.doctors: dict[str, list[SeedSlot]] = {}
        self.slots: dict[str, SeedSlot] = {}
        self.waitlist: dict[str, list[SeedToken]] = {}
        self.token_map: dict[str, SeedToken] = {}
        self._arrivals = 0

    def add_doctor(self, doctor_id: str) -> None:
        with self._lock:
            self.doctors[doctor_id] = []

    def add_slot(self, slot_id: str, doctor_id: str, capacity: int) -> None:
        with self._lock:
            slot = SeedSlot(slot_id, doctor_id, capacity)
            self.doctors[doctor_id].append(slot)
            self.slots[slot_id] = slot
            self.waitlist[slot_id] = []

    # ------------------------------------------------------------------ operations

    def book(self, slot_id: str, patient: str, source: str) -> SeedToken:
        with self._lock:
            slot = self.slots[slot_id]
            self._arrivals += 1
            token = SeedToken(
                f"T{self._arrivals:05d}",
                patient,
                source,
                PRIORITIES[source],
                self._arrivals,
                self._clock(),
                slot_id,
                WAITING,
            )
            self.token_map[token.id] = token
            self._place(slot, token)
            return token

    def cancel(self, token_id: str) -> SeedToken:
        return self._leave(token_id, CANCELLED)

    def no_show(self, token_id: str) -> SeedToken:
        return self._leave(token_id, NO_SHOW)

    def serve(self, token_id: str) -> SeedToken:
        with self._lock:
            token = self._get(token_id)
            if token.status != BOOKED:
                raise SeedError(f"{token_id} is not booked")
            slot = self.slots[token.slot_id]
            slot.tokens.remove(token)
            slot.served += 1
            token.status = SERVED
            return token

    def bump(self, token_id: str, *, up: bool = True) -> SeedToken:
        with self._lock:
            token = self._live(token_id)
            if up:
                higher = [p for p in LEVELS if p > token.priority]
                if not higher:
                    raise SeedError(f"{token_id} is already at the highest priority")
                token.priority = higher[0]
            else:
                lower = [p for p in LEVELS if p < token.priority]
                if not lower:
                    raise SeedError(f"{token_id} is already at the lowest priority")
                token.priority = lower[-1]
            slot = self.slots[token.slot_id]
            waitlist = self.waitlist[slot.id]
            best, weakest = self._best(waitlist), self._weakest(slot)
            if best is not None and weakest is not None and outranks(best, weakest):
                self._preempt(slot, weakest)
                waitlist.remove(best)
                best.status = BOOKED
                slot.tokens.append(best)
            return token

    def move(self, token_id: str, slot_id: str) -> SeedToken:
        with self._lock:
            token = self._live(token_id)
            slot = self.slots[slot_id]
            if slot_id == token.slot_id:
                raise SeedError(f"{token_id} is already in {slot_id}")
            self._remove(token)
            self._arrivals += 1
            token.arrival = self._arrivals
            token.timestamp = self._clock()
            token.slot_id = slot_id
            self._place(slot, token)
            return token

    # ------------------------------------------------------------------ the seed's steps

    def _place(self, slot: SeedSlot, token: SeedToken) -> None:
        """Capacity check; if full, preempt the weakest link on a strictly higher priority."""
        if len(slot.tokens) + slot.served < slot.capacity:
            token.status = BOOKED
            slot.tokens.append(token)
            return
        weakest = self._weakest(slot)
        if weakest is not None and token.priority > weakest.priority:
            self._preempt(slot, weakest)
            token.status = BOOKED
            slot.tokens.append(token)
        else:
            token.status = WAITING
            self.waitlist[slot.id].append(token)

    def _preempt(self, slot: SeedSlot, victim: SeedToken) -> None:
        slot.tokens.remove(victim)
        victim.status = WAITING
        victim.preemptions += 1
        self.waitlist[slot.id].append(victim)

    def _weakest(self, slot: SeedSlot) -> SeedToken | None:
        """Scan the booked list: lowest priority, then latest arrival (LIFO among equals)."""
        weakest: SeedToken | None = None
        for token in slot.tokens:
            if weakest is None or outranks(weakest, token):
                weakest = token
        return weakest

    def _best(self, waitlist: list[SeedToken]) -> SeedToken | None:
        """Scan the waitlist: highest priority, then earliest arrival (FIFO among equals)."""
        best: SeedToken | None = None
        for token in waitlist:
            if best is None or outranks(token, best):
                best = token
        return best

    def _promote(self, slot: SeedSlot) -> None:
        waitlist = self.waitlist[slot.id]
        while waitlist and len(slot.tokens) + slot.served < slot.capacity:
            best = self._best(waitlist)
            assert best is not None
            waitlist.remove(best)
            best.status = BOOKED
            slot.tokens.append(best)

    def _remove(self, token: SeedToken) -> None:
        """Take a live token out of its slot; a freed seat goes to the best waiting token."""
        slot = self.slots[token.slot_id]
        if token.status == BOOKED:
            slot.tokens.remove(token)
            self._promote(slot)
        else:
            self.waitlist[slot.id].remove(token)

    def _leave(self, token_id: str, status: str) -> SeedToken:
        with self._lock:
            token = self._live(token_id)
            self._remove(token)
            token.status = status
            del self.token_map[token_id]
            return token

    def _get(self, token_id: str) -> SeedToken:
        try:
            return self.token_map[token_id]
        except KeyError:
            raise SeedError(f"unknown token {token_id}") from None

    def _live(self, token_id: str) -> SeedToken:
        token = self._get(token_id)
        if token.status not in (BOOKED, WAITING):
            raise SeedError(f"{token_id} is {token.status}")
        return token
