"""How long an action keeps trying while another desk holds the journal's write lock.

A desk never waits for the lock on its screen's thread: the action is tried again every few
milliseconds from a timer, and after ``BUSY_WAIT`` seconds it is given up, with nothing recorded.
"""

from __future__ import annotations

import time

BUSY_WAIT = 10.0
RETRY_SECONDS = 0.05


class Patience:
    """The wait for one action, from its first refusal."""

    def __init__(self) -> None:
        self.until: float | None = None

    @property
    def waiting(self) -> bool:
        return self.until is not None

    def more(self) -> bool:
        """Whether to try once more: True until ``BUSY_WAIT`` has passed since the first call."""
        now = time.monotonic()
        if self.until is None:
            self.until = now + BUSY_WAIT
        elif now > self.until:
            self.until = None
            return False
        return True

    def over(self) -> None:
        self.until = None
