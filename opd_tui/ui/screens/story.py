"""Why am I waiting? A token's story, told from the day's events, and its place now.

Every line is built as Rich ``Text`` from ``safe_text``: a name such as ``[red]x`` or one with an
escape in it is shown as written, never obeyed.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from ...engine import Story, safe_text
from .. import palette
from ..titles import content
from .base import Dialog

MARKS: dict[str, tuple[str, Style]] = {
    "preempted": ("▼", Style(color="#e5484d", bold=True)),
    "promoted": ("▲", palette.SERVED_BAR),
    "booked": ("●", palette.BOOKED_BAR),
    "waitlisted": ("…", palette.WAITING),
    "served": ("✓", palette.SERVED_BAR),
    "cancelled": ("✗", palette.DIM),
    "no-show": ("∅", palette.DIM),
    "undone": ("↶", palette.EMPHASIS),
}
"""The symbol and colour of a chapter's kind; other kinds are shown plainly with a dot."""


class StoryScreen(Dialog[None]):
    """A token's story, read-only: one row a chapter (its time, a mark, its words), then where
    it stands now. Arrows and page keys scroll it; escape closes."""

    DEFAULT_CSS = """
    StoryScreen .chapter {
        height: auto;
    }
    StoryScreen .chapter .at {
        width: 6;
        color: $text-muted;
    }
    StoryScreen .chapter .mark {
        width: 2;
    }
    StoryScreen .chapter .what {
        width: 1fr;
    }
    StoryScreen #now {
        margin-top: 1;
        text-style: bold;
    }
    """

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        token = self.story.token
        with VerticalScroll(classes="dialog wide story") as box:
            box.border_title = content(f"Why? {token.number} {token.patient}")
            box.border_subtitle = "escape closes"
            for chapter in self.story.chapters:
                mark, style = MARKS.get(chapter.kind, ("·", Style()))
                with Horizontal(classes="chapter"):
                    yield Static(Text(f"{chapter.at:%H:%M}"), classes="at")
                    yield Static(Text(mark, style), classes="mark")
                    yield Static(Text(safe_text(chapter.text)), classes="what")
            if not self.story.chapters:
                yield Static(Text("Nothing recorded today tells of this token."), classes="hint")
            yield Static(Text(safe_text(self.story.now)), id="now")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
