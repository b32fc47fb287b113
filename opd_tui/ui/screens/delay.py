"""How late a doctor runs: minutes added to the estimates of their remaining slots."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ...engine import Doctor, Event, OpdError
from .base import Dialog


class DelayForm(Dialog[list[Event]]):
    def __init__(self, doctor: Doctor, submit: Callable[[int], list[Event]]) -> None:
        super().__init__()
        self.doctor = doctor
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = f"{self.doctor.name} is running late"
            with Horizontal(classes="field"):
                yield Label("Minutes")
                yield Input("10", type="integer", id="minutes")
            yield Static("Negative minutes: the doctor has caught up.", classes="hint")
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
        try:
            minutes = int(text)
        except ValueError:
            self.show_error(f"{text!r} is not a whole number of minutes")
            return
        try:
            events = self.submit(minutes)
        except OpdError as error:
            self.show_error(str(error))
            return
        self.dismiss(events)
