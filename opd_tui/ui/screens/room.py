"""Set the room a doctor sees patients in today: the door a called patient is sent to."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ...engine import Doctor, Event, OpdError
from ...store.base import JournalBusy
from ..titles import content
from .base import Dialog


class RoomForm(Dialog[list[Event]]):
    def __init__(self, doctor: Doctor, submit: Callable[[str], list[Event]]) -> None:
        super().__init__()
        self.doctor = doctor
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = content(f"Room for {self.doctor.name}")
            with Horizontal(classes="field"):
                yield Label("Room")
                # The room as it is, cursor at its end: a change is usually the number.
                yield Input(self.doctor.room, id="room", select_on_focus=False)
            yield Static(
                "The door sign (3, OPD-2B), where called patients are sent; empty for none.",
                classes="hint",
            )
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Set room", variant="primary", id="ok")
                yield Button("Cancel", id="close")

    def on_mount(self) -> None:
        self.query_one("#error").display = False
        self.query_one("#room", Input).focus()

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def set_room(self) -> None:
        try:
            events = self.submit(self.query_one("#room", Input).value)
        except JournalBusy:
            self.try_again_soon(self.set_room)
            return
        except OpdError as error:
            self.patience.over()
            self.show_error(str(error))
            return
        self.dismiss(events)
