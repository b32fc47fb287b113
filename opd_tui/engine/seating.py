"""Who sits and who waits in one slot, kept in two heaps so each step costs O(log n).

Booked tokens sit in a min-heap on rank (the weakest on top); waiting ones in a min-heap on
negated rank (the best on top). A token leaves a heap lazily: its entry stays until it surfaces,
and counts as stale until then. A token's entry is live only while ``token._entry`` is that entry,
so re-adding a token (after a bump, say) never resurrects an old entry.

A third heap holds the present booked tokens, best first, for the room's next call: a token
enters it when it is seated while checked in, or checks in while seated, and its entry counts
only while the token is still booked, present, at that rank. Called tokens hold their seats
beside the served ones, in ``called``: neither competes for a seat any more.

An entry is ``(rank, token id)`` rather than ``(rank, token)``: a tuple of an int and a str holds
nothing the garbage collector must follow, so it stops tracking it, which halves collection time
on a hospital-sized day. The seating finds tokens by id in the engine's token map.
"""

from __future__ import annotations

from collections.abc import Mapping
from heapq import heapify, heappop, heappush

from .model import BOOKED, WAITING, Token

_COMPACT_AT = 64
Heap = tuple[tuple[int, str], ...]


class Seating:
    __slots__ = (
        "_tokens",
        "_booked",
        "_waiting",
        "present",
        "called",
        "booked_count",
        "waiting_count",
        "served",
        "no_shows",
        "cancelled",
        "preemptions",
        "promotions",
    )

    def __init__(self, tokens: Mapping[str, Token]) -> None:
        self._tokens = tokens
        self._booked: list[tuple[int, str]] = []
        self._waiting: list[tuple[int, str]] = []
        self.present: list[tuple[int, str]] = []  # (-rank, token id): the best on top
        self.called: list[Token] = []
        self.booked_count = 0
        self.waiting_count = 0
        self.served: list[Token] = []
        self.no_shows = 0
        self.cancelled = 0
        self.preemptions = 0
        self.promotions = 0

    def frozen(self) -> tuple[Heap, Heap, Heap, int, int]:
        """The heaps as they are and the live counts, for a snapshot of the day. Stale entries
        are kept too: an entry is live while its token's ``_entry`` is that very object, and a
        snapshot keeps each live token's entry with it."""
        heaps = tuple(self._booked), tuple(self._waiting), tuple(self.present)
        return *heaps, self.booked_count, self.waiting_count

    @classmethod
    def thawed(
        cls,
        tokens: Mapping[str, Token],
        booked: Heap,
        waiting: Heap,
        present: Heap,
        booked_count: int,
        waiting_count: int,
    ) -> Seating:
        """A seating from what ``frozen`` gave, over ``tokens`` whose live ones have their entries
        from the same snapshot (an engine restored from it)."""
        seating = cls(tokens)
        seating._booked, seating._waiting = list(booked), list(waiting)
        seating.present = list(present)
        seating.booked_count, seating.waiting_count = booked_count, waiting_count
        return seating

    def seat(self, token: Token) -> None:
        entry = ((token.priority << 40) - token.arrival, token.id)  # Token.rank, spelt out: hot
        token._entry = entry
        token.status = BOOKED
        heappush(self._booked, entry)
        self.booked_count += 1
        if token.checked_in is not None:
            heappush(self.present, (-entry[0], entry[1]))

    def arrived(self, token: Token) -> None:
        """A token of this slot checked in: if it is seated, the room may call it."""
        entry = token._entry
        if token.status is BOOKED and entry is not None:
            heappush(self.present, (-entry[0], entry[1]))

    def wait(self, token: Token) -> None:
        entry = (token.arrival - (token.priority << 40), token.id)  # -Token.rank
        token._entry = entry
        token.status = WAITING
        heappush(self._waiting, entry)
        self.waiting_count += 1

    def remove(self, token: Token) -> None:
        """Take a live token out of whichever heap holds it; its entry goes stale."""
        token._entry = None
        if token.status is BOOKED:
            self.booked_count -= 1
            if len(self._booked) > _COMPACT_AT and len(self._booked) > 2 * self.booked_count:
                self._booked = self._compacted(self._booked)
        else:
            self.waiting_count -= 1
            if len(self._waiting) > _COMPACT_AT and len(self._waiting) > 2 * self.waiting_count:
                self._waiting = self._compacted(self._waiting)

    def weakest(self) -> Token | None:
        """The booked token a stronger arrival would preempt: lowest priority, latest arrival."""
        return self._top(self._booked)

    def best_waiting(self) -> Token | None:
        """The waiting token a freed seat goes to: highest priority, earliest arrival."""
        return self._top(self._waiting)

    def next_present(self) -> Token | None:
        """The present booked token the room calls next: highest priority, earliest arrival."""
        heap, tokens = self.present, self._tokens
        while heap:
            rank, token_id = heap[0]
            token = tokens.get(token_id)
            if (
                token is not None
                and token.status is BOOKED
                and token.checked_in is not None
                and token._entry is not None
                and token._entry[0] == -rank
            ):
                return token
            heappop(heap)
        return None

    def _top(self, heap: list[tuple[int, str]]) -> Token | None:
        """The token on top of ``heap``, dropping the stale entries above it."""
        while heap:
            entry = heap[0]
            token = self._tokens.get(entry[1])  # a withdrawn token is gone from the map
            if token is not None and token._entry is entry:
                return token
            heappop(heap)
        return None

    def free_seats(self, capacity: int) -> int:
        return capacity - len(self.served) - len(self.called) - self.booked_count

    def held(self) -> int:
        """Seats no arrival can take: the called and the served."""
        return len(self.served) + len(self.called)

    def booked_tokens(self) -> list[Token]:
        """Live booked tokens, best first."""
        live = [token for _, token in self._live(self._booked)]
        live.sort(key=_rank, reverse=True)
        return live

    def waiting_tokens(self) -> list[Token]:
        """The waitlist, best first."""
        live = [token for _, token in self._live(self._waiting)]
        live.sort(key=_rank, reverse=True)
        return live

    def _live(self, heap: list[tuple[int, str]]) -> list[tuple[tuple[int, str], Token]]:
        """The heap's live entries, each with its token."""
        tokens = self._tokens
        return [
            (entry, token)
            for entry in heap
            if (token := tokens.get(entry[1])) is not None and token._entry is entry
        ]

    def _compacted(self, heap: list[tuple[int, str]]) -> list[tuple[int, str]]:
        live = [entry for entry, _ in self._live(heap)]
        heapify(live)
        return live


def _rank(token: Token) -> int:
    return token.rank
