"""Short-lived highlights that follow engine events: who was preempted, who took the seat,
who was promoted, and which slots flash. Plain Python, so it can be tested without a screen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from rich.style import Style

from ..engine import Event, Preempted, Promoted


class Mark(Enum):
    """A highlight's symbol and word (readable without colour) and its row style."""

    PREEMPTED = ("▼", "PREEMPTED", Style(color="#ffffff", bgcolor="#b42318", bold=True))
    TOOK_SEAT = ("►", "TOOK SEAT", Style(color="#1c1c1c", bgcolor="#f5b83d", bold=True))
    PROMOTED = ("▲", "PROMOTED", Style(color="#1c1c1c", bgcolor="#46c47e", bold=True))

    @property
    def symbol(self) -> str:
        return str(self.value[0])

    @property
    def label(self) -> str:
        return f"{self.value[0]} {self.value[1]}"

    @property
    def style(self) -> Style:
        return self.value[2]


@dataclass(frozen=True, slots=True)
class Alert:
    """One preemption or promotion worth a toast: where it happened and what the log says."""

    slot_id: str
    token_id: str
    preemption: bool


class Marks:
    """Token marks and slot flashes, each with an expiry time on the monotonic clock."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._tokens: dict[str, tuple[Mark, float]] = {}
        self._slots: dict[str, tuple[Mark, float]] = {}

    def note(self, events: Iterable[Event], now: float) -> list[Alert]:
        """Mark what ``events`` (one action's, or one look at other desks') did. A slot flashes
        PREEMPTED if anyone lost a seat there, else PROMOTED: a seat added or freed is no
        preemption."""
        until = now + self.seconds
        alerts: list[Alert] = []
        preempted: set[str] = set()
        for event in events:
            if isinstance(event, Preempted):
                self._tokens[event.token_id] = (Mark.PREEMPTED, until)
                if event.by is not None:
                    self._tokens[event.by] = (Mark.TOOK_SEAT, until)
                self._slots[event.slot_id] = (Mark.PREEMPTED, until)
                preempted.add(event.slot_id)
                alerts.append(Alert(event.slot_id, event.token_id, True))
            elif isinstance(event, Promoted):
                self._tokens[event.token_id] = (Mark.PROMOTED, until)
                if event.slot_id not in preempted:
                    self._slots[event.slot_id] = (Mark.PROMOTED, until)
                alerts.append(Alert(event.slot_id, event.token_id, False))
        return alerts

    def token(self, token_id: str, now: float) -> Mark | None:
        found = self._tokens.get(token_id)
        return found[0] if found and found[1] > now else None

    def slot(self, slot_id: str, now: float) -> Mark | None:
        """How the slot flashes now: PREEMPTED, PROMOTED, or not at all."""
        found = self._slots.get(slot_id)
        return found[0] if found and found[1] > now else None

    def expire(self, now: float) -> tuple[set[str], set[str]]:
        """Forget what has run out; returns the token ids and slot ids whose marks ended."""
        tokens = {t for t, (_, until) in self._tokens.items() if until <= now}
        slots = {s for s, (_, until) in self._slots.items() if until <= now}
        for token_id in tokens:
            del self._tokens[token_id]
        for slot_id in slots:
            del self._slots[slot_id]
        return tokens, slots

    def __bool__(self) -> bool:
        return bool(self._tokens or self._slots)
