"""A yes/no question, for actions worth a second look: it names the patient it is about, and
closes unanswered when another desk changes that patient before the answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from ...engine import Engine, Event, Token, safe_lines
from ..elsewhere import About, first_change
from ..titles import content
from .base import Dialog


class Confirm(Dialog[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
    ]

    def __init__(self, title: str, question: str, *, about: Iterable[Token] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.question = Text(safe_lines(question))
        self.asked = tuple(about)  # the tokens as they were when asked

    def about(self) -> About:
        return About.of(tokens=(token.id for token in self.asked))

    def stale(self, engine: Engine) -> str | None:
        """What another desk changed of the tokens asked about, if anything: then the question
        no longer stands."""
        return first_change(self.asked, engine)

    def changed_elsewhere(self, events: Sequence[Event], engine: Engine) -> None:
        if notice := self.stale(engine):
            self.close_stale(notice)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = content(self.title_text)
            yield Static(self.question)
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
