"""Mark a doctor away from a time (called in sick, gone to theatre), or here again."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ...engine import Doctor, Event, OpdError, format_hhmm
from ...store.base import JournalBusy
from ..titles import content
from .base import Dialog


class AwayForm(Dialog[list[Event]]):
    """Returns the events; the time is ``HH:MM``, empty for "here again"."""

    def __init__(
        self, doctor: Doctor, minute: int, submit: Callable[[str | None], list[Event]]
    ) -> None:
        super().__init__()
        self.doctor = doctor
        self.minute = minute
        self.submit = submit

    def compose(self) -> ComposeResult:
        away = self.doctor.away
        start = format_hhmm(self.minute if away is None else away)
        with Vertical(classes="dialog") as box:
            box.border_title = content(f"{self.doctor.name} away")
            with Horizontal(classes="field"):
                yield Label("Away from")
                yield Input(start, placeholder="HH:MM", id="at")
            yield Static(
                "Slots the doctor would leave before their end take no new patients; "
                "their patients can then be reassigned. Empty: the doctor is here.",
                classes="hint",
            )
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Set", variant="primary", id="ok")
                yield Button("Cancel", id="close")

    def on_mount(self) -> None:
        self.query_one("#error").display = False
        self.query_one("#at", Input).focus()

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def set_away(self) -> None:
        at = self.query_one("#at", Input).value.strip() or None
        try:
            events = self.submit(at)
        except JournalBusy:
            self.try_again_soon(self.set_away)
            return
        except OpdError as error:
            self.patience.over()
            self.show_error(str(error))
            return
        self.dismiss(events)
