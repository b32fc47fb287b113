"""The day as it was at an earlier moment, for the coordinator looking back through the activity
log: an engine of its own, built from the day's events and never acted on. No screen here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..engine import Engine, Event
from ..scenario import Player


@dataclass(frozen=True, slots=True, eq=False)
class Past:
    """The day just after its first ``seq`` events (the log's numbering), read-only. Each look
    back is a moment of its own: two are never equal."""

    seq: int
    engine: Engine
    at: datetime | None  # when the ``seq``-th event happened; None before the first

    @property
    def label(self) -> str:
        """``as at 08:36:00 (#7)``: which moment this is, as the header says it."""
        return f"as at {self.at:%H:%M:%S} (#{self.seq})" if self.at else f"#{self.seq}"


def day_as_it_was(
    seq: int, timeline: list[Event], now: Engine, player: Player | None = None
) -> Past:
    """The day of ``timeline`` just after its first ``seq`` events, on the clock and priorities of
    the day as it is ``now``. On a replay whose timeline is the player's own record (no live
    action in it), the player's checkpoints give it quickly; otherwise the events are replayed
    from the start."""
    if player is not None and timeline == player.events():
        past = player.engine_after_events(seq)
    else:
        past = Engine(clock=now.now, priorities=now.priorities, visit=now.visit)
        past.apply_all(timeline[:seq])
    return Past(seq, past, timeline[seq - 1].at if seq else None)
