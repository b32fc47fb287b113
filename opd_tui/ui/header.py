"""The top line: clinic, day, clock, which journal and desk, and the day's totals; a banner when
the day is read-only. Where one line cannot hold it all, the totals take a second line: the
journal is never dropped, so two desks cannot drift apart on different journals unnoticed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from ..desk import Desk
from ..engine import Stats, safe_text
from . import palette


class ClinicHeader(Widget):
    totals: reactive[Stats] = reactive(Stats, always_update=True)
    moment: reactive[str | None] = reactive(None)  # set while the dashboard shows the past
    busy: reactive[bool] = reactive(False)  # an action waits for another desk to finish writing

    def __init__(self, desk: Desk, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.desk = desk
        self.clock = clock
        self._lines = 1

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Text:
        return self._text(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._text(width).plain.count("\n") + 1

    def watch_totals(self) -> None:
        self._follow_height()

    def watch_moment(self) -> None:
        self._follow_height()

    def watch_busy(self) -> None:
        self._follow_height()

    def on_resize(self) -> None:
        self._follow_height()

    def _follow_height(self) -> None:
        """Ask for a new layout only when the header gains or loses its second line."""
        lines = self.get_content_height(self.size, self.size, self.size.width)
        if lines != self._lines:
            self._lines = lines
            self.refresh(layout=True)

    def _text(self, width: int) -> Text:
        """One line if it fits (in full, then compact); else the totals go to a second line."""
        where = self._where()
        for compact in (False, True):
            left, right = self._left(compact), self._right(compact)
            line = _spread(left, where + Text(" · ") + right, width)
            if line is not None:
                return line
        left = self._left(True)
        first = _spread(left, where + Text(" "), width) or left
        return first + Text("\n ") + self._right(False)

    def _where(self) -> Text:
        """``journal.sqlite3 @ reception``: the journal this desk acts on, and the desk."""
        where = Text(no_wrap=True)
        where.append(safe_text(self.desk.journal_name), palette.EMPHASIS)
        if self.desk.desk_name:
            where.append(f" @ {safe_text(self.desk.desk_name)}")
        return where

    def _left(self, compact: bool) -> Text:
        day = f"{self.desk.day:%d %b}" if compact else f"{self.desk.day:%a %d %b %Y}"
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(f" {safe_text(self.desk.clinic_name)} ", palette.EMPHASIS)
        left.append(f"· {day} · {self.clock():%H:%M:%S}")
        if self.moment is not None:
            left.append(f"  HISTORY {self.moment} · esc returns to now ", palette.FLASH)
        elif self.desk.read_only:
            left.append("  READ-ONLY ", palette.FLASH)
        if self.busy:
            left.append("  another desk is writing… ", palette.FULL)
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


def _spread(left: Text, right: Text, width: int) -> Text | None:
    """``left`` and ``right`` on one line of ``width``, apart; None if they do not fit."""
    gap = width - left.cell_len - right.cell_len
    return left + Text(" " * gap) + right if gap >= 1 else None
