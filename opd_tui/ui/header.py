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

    def __init__(self, desk: Desk, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.desk = desk
        self.clock = clock

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Text:
        t = self.totals
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(f" {self.desk.clinic_name} ", palette.EMPHASIS)
        left.append(f"· {self.desk.day:%a %d %b %Y} · {self.clock():%H:%M:%S}")
        if self.desk.read_only:
            left.append("  READ-ONLY ", palette.FLASH)
        right = Text(no_wrap=True)
        right.append(f"booked {t.occupied}/{t.capacity}")
        right.append(" · ")
        right.append(f"waiting {t.waiting}", palette.WAITING if t.waiting else "")
        right.append(f" · seen {t.served} · ")
        right.append(f"preempted {t.preemptions}", palette.FULL if t.preemptions else "")
        right.append(" ")
        gap = self.size.width - left.cell_len - right.cell_len
        if gap < 1:
            return left
        return left + Text(" " * gap) + right
