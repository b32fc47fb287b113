"""The top line: clinic, day, clock and the day's totals; a banner when the day is read-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ..desk import Desk
from ..engine import Stats
from . import palette


class ClinicHeader(Widget):
    totals: reactive[Stats] = reactive(Stats, always_update=True)
    moment: reactive[str | None] = reactive(None)  # set while the dashboard shows the past

    def __init__(self, desk: Desk, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.desk = desk
        self.clock = clock

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Text:
        """As much as fits: the full line, then a compact one, then the clinic and clock alone."""
        for compact in (False, True):
            left, right = self._left(compact), self._right(compact)
            gap = self.size.width - left.cell_len - right.cell_len
            if gap >= 1:
                return left + Text(" " * gap) + right
        return left

    def _left(self, compact: bool) -> Text:
        day = f"{self.desk.day:%d %b}" if compact else f"{self.desk.day:%a %d %b %Y}"
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(f" {self.desk.clinic_name} ", palette.EMPHASIS)
        left.append(f"· {day} · {self.clock():%H:%M:%S}")
        if self.moment is not None:
            left.append(f"  HISTORY {self.moment} · esc returns to now ", palette.FLASH)
        elif self.desk.read_only:
            left.append("  READ-ONLY ", palette.FLASH)
        return left

    def _right(self, compact: bool) -> Text:
        t = self.totals
        right = Text(no_wrap=True)
        right.append(f"{t.occupied}/{t.capacity} booked · ")
        right.append(f"{t.waiting} waiting", palette.WAITING if t.waiting else "")
        if not compact:
            right.append(f" · {t.served} seen")
        right.append(" · ")
        right.append(f"{t.preemptions} preempted ", palette.FULL if t.preemptions else "")
        return right
