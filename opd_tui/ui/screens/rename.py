"""Correct a patient's name as written at booking: the token keeps its number and its place."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ...engine import Event, OpdError, Token, safe_text
from ...store.base import JournalBusy
from ..titles import content
from .base import Dialog


class RenameForm(Dialog[list[Event]]):
    def __init__(self, token: Token, submit: Callable[[str], list[Event]]) -> None:
        super().__init__()
        self.token = token
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = content(f"Rename {self.token.number}")
            with Horizontal(classes="field"):
                yield Label("Patient")
                # The name as it is, cursor at its end: a correction is usually a letter or two.
                yield Input(self.token.patient, id="patient", select_on_focus=False)
            yield Static(
                f"Was: {safe_text(self.token.patient)}. The token keeps its number and place.",
                classes="hint",
            )
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Rename", variant="primary", id="ok")
                yield Button("Cancel", id="close")

    def on_mount(self) -> None:
        self.query_one("#error").display = False
        self.query_one("#patient", Input).focus()

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def rename(self) -> None:
        try:
            events = self.submit(self.query_one("#patient", Input).value)
        except JournalBusy:
            self.try_again_soon(self.rename)
            return
        except OpdError as error:
            self.patience.over()
            self.show_error(str(error))
            return
        self.dismiss(events)
