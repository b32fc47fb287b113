"""The service's clinic day: today's desk on the journal, moving on to the next day at midnight."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..engine import Clock, VisitRules
from ..store import JournalDesk, Outcome, Store
from ..store.desk import SetUp


@dataclass(frozen=True, slots=True)
class Decided(Outcome):
    """An outcome with the desk that decided it. Its answer is read from that desk: just after
    midnight ``Today`` hands out the next day's desk, which has no such token (or another
    patient's with the same id)."""

    desk: JournalDesk | None = None


class _ServiceDesk(JournalDesk):
    """The service's desk of one day: every outcome it gives says it was decided here."""

    def act_batch(self, *args: Any, **kwargs: Any) -> list[Outcome]:
        return [
            Decided(
                events=o.events,
                error=o.error,
                action_id=o.action_id,
                replayed=o.replayed,
                desk=self,
            )
            for o in super().act_batch(*args, **kwargs)
        ]


def decided_on(outcome: Outcome, today: Callable[[], JournalDesk]) -> JournalDesk:
    """The desk ``outcome`` was decided on; ``today()`` for a desk that does not say."""
    if isinstance(outcome, Decided) and outcome.desk is not None:
        return outcome.desk
    return today()


class Today:
    """Hands out the desk of the current day; a new day is opened (or created) on first use."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = datetime.now,
        setup: SetUp | None = None,
        clinic_name: str = "OPD",
        priorities: Mapping[str, int] | None = None,
        visit: VisitRules | None = None,
    ) -> None:
        self.store = store
        self._clock = clock
        self._setup = setup
        self._clinic_name = clinic_name
        self._priorities = priorities
        self._visit = visit
        self._lock = threading.Lock()
        self._desk: JournalDesk | None = None

    def __call__(self) -> JournalDesk:
        day = self._clock().date()
        with self._lock:
            if self._desk is None or self._desk.day != day:
                self._desk = _ServiceDesk(
                    self.store,
                    day,
                    today=day,
                    clock=self._clock,
                    setup=self._setup,
                    clinic_name=self._clinic_name,
                    priorities=self._priorities,
                    visit=self._visit,
                    desk_id=f"service:{socket.gethostname()}:{os.getpid()}",
                    follows=False,
                )
            return self._desk
