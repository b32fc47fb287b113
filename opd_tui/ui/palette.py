"""One place for the colours of sources, statuses and highlight marks.

Colours are mid-tones that read on both dark and light themes; every colour also comes with a
symbol or a word, so nothing is told by colour alone.
"""

from __future__ import annotations

from rich.style import Style

from ..engine import Source, Status

SOURCE_STYLES: dict[Source, Style] = {
    Source.EMERGENCY: Style(color="#e5484d", bold=True),
    Source.PAID: Style(color="#a66bd6"),
    Source.FOLLOW_UP: Style(color="#3b8eea"),
    Source.ONLINE: Style(color="#12a594"),
    Source.WALK_IN: Style(color="#a18072"),
}

STATUS_STYLES: dict[Status, Style] = {
    Status.BOOKED: Style(color="#3b8eea"),
    Status.WAITING: Style(color="#e5a000"),
    Status.SERVED: Style(color="#30a46c"),
    Status.CANCELLED: Style(color="#8b8d98", strike=True),
    Status.NO_SHOW: Style(color="#8b8d98", italic=True),
    Status.CALLED: Style(color="#30a46c", bold=True),
}

SERVED_BAR = Style(color="#30a46c")
BOOKED_BAR = Style(color="#3b8eea")
FREE_BAR = Style(color="#6f6e77")
FULL = Style(color="#e5a000", bold=True)
WAITING = Style(color="#e5a000")
DIM = Style(dim=True)
FLASH = Style(color="#ffffff", bgcolor="#b42318", bold=True)
EMPHASIS = Style(bold=True)
IN_ROOM = Style(color="#30a46c", bold=True)
PRESENT = Style(color="#3b8eea", bold=True)
