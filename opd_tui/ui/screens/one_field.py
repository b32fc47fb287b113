"""A form of one field: the room, a delay, a corrected name, a time away. Each is a title, the
field with its present value, a hint, and the action's button; what is typed is read (a form
may refuse it there), then asked of the engine, and a refusal is shown inside the form, which
keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ...engine import Engine, Event, OpdError
from ...store.base import JournalBusy
from ..elsewhere import About, doctor_news
from ..titles import content
from .base import Dialog

V = TypeVar("V")


class OneFieldForm(Dialog[list[Event]], Generic[V]):
    """Returns the action's events. ``read`` turns the text into what ``submit`` takes; a
    ``ValueError`` from it is shown as the form's refusal, before the engine is asked."""

    def __init__(
        self,
        *,
        title: str,
        label: str,
        field_id: str,
        value: str,
        hint: str | Text,
        button: str,
        submit: Callable[[V], list[Event]],
        read: Callable[[str], V],
        keep_cursor_at_end: bool = False,
        placeholder: str = "",
        doctor_id: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.field_id = field_id
        self.value = value
        self.hint = hint
        self.button = button
        self.submit = submit
        self.read = read
        self.keep_cursor_at_end = keep_cursor_at_end
        self.placeholder = placeholder
        self.doctor_id = doctor_id  # the doctor a doctor's form is about

    def about(self) -> About:
        return About.of(doctors=[self.doctor_id] if self.doctor_id else [])

    def changed_elsewhere(self, events: Sequence[Event], engine: Engine) -> None:
        """A doctor's form says what another desk changed of them; what was typed stays."""
        if self.doctor_id and (news := doctor_news(events, self.doctor_id, engine)):
            self.show_note(news)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = content(self.title_text)
            with Horizontal(classes="field"):
                yield Label(self.label)
                yield Input(
                    self.value,
                    placeholder=self.placeholder,
                    id=self.field_id,
                    select_on_focus=not self.keep_cursor_at_end,
                )
            yield Static(self.hint, classes="hint")
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(self.button, variant="primary", id="ok")
                yield Button("Cancel", id="close")

    def on_mount(self) -> None:
        self.query_one("#error").display = False
        self.query_one(f"#{self.field_id}", Input).focus()

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def send(self) -> None:
        try:
            value = self.read(self.query_one(f"#{self.field_id}", Input).value)
        except ValueError as error:
            self.show_error(str(error))
            return
        try:
            events = self.submit(value)
        except JournalBusy:
            self.try_again_soon(self.send)
            return
        except OpdError as error:
            self.patience.over()
            self.show_error(str(error))
            return
        self.dismiss(events)


def as_typed(text: str) -> str:
    return text
