"""The service's clinic day: today's desk on the journal, moving on to the next day at midnight."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Mapping
from datetime import datetime

from ..engine import Clock
from ..store import JournalDesk, Store
from ..store.desk import SetUp


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
    ) -> None:
        self.store = store
        self._clock = clock
        self._setup = setup
        self._clinic_name = clinic_name
        self._priorities = priorities
        self._lock = threading.Lock()
        self._desk: JournalDesk | None = None

    def __call__(self) -> JournalDesk:
        day = self._clock().date()
        with self._lock:
            if self._desk is None or self._desk.day != day:
                self._desk = JournalDesk(
                    self.store,
                    day,
                    today=day,
                    clock=self._clock,
                    setup=self._setup,
                    clinic_name=self._clinic_name,
                    priorities=self._priorities,
                    desk_id=f"service:{socket.gethostname()}:{os.getpid()}",
                )
            return self._desk
