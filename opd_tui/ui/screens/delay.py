"""How late a doctor runs: minutes added to the estimates of their remaining slots."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ...engine import MAX_DELAY_MINUTES, Doctor, Event, OpdError
from ...store.base import JournalBusy
from ..titles import content
from .base import Dialog

WHOLE = re.compile(r"[+-]?[0-9]+")


class DelayForm(Dialog[list[Event]]):
    def __init__(self, doctor: Doctor, submit: Callable[[int], list[Event]]) -> None:
        super().__init__()
        self.doctor = doctor
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = content(f"{self.doctor.name} is running late")
            with Horizontal(classes="field"):
                yield Label("Minutes")
                # A plain field: an "integer" one drops what it refuses, so 1.5 became 15.
                yield Input("10", id="minutes")
            yield Static(
                f"Whole minutes, up to {MAX_DELAY_MINUTES}; negative: the doctor has caught up.",
                classes="hint",
            )
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Shift slots", variant="primary", id="ok")
                yield Button("Cancel", id="close")

    def on_mount(self) -> None:
        self.query_one("#error").display = False
        self.query_one("#minutes", Input).focus()

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def shift(self) -> None:
        text = self.query_one("#minutes", Input).value.strip()
        if not WHOLE.fullmatch(text):
            self.show_error(f"{text!r} is not a whole number of minutes")
            return
        minutes = int(text)
        try:
            events = self.submit(minutes)
        except JournalBusy:
            self.try_again_soon(self.shift)
            return
        except OpdError as error:
            self.patience.over()
            self.show_error(str(error))
            return
        self.dismiss(events)
