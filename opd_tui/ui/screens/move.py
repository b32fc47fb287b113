"""Pick the slot a token moves to; every slot shows its free seats and waitlist."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ...engine import Engine, Token
from .. import palette
from .base import Dialog


class MovePicker(Dialog[str]):
    """Returns the chosen slot id. Typing filters by doctor, specialty or time."""

    def __init__(self, engine: Engine, token: Token) -> None:
        super().__init__()
        self.engine = engine
        self.token = token
        self.choices = self._choices()

    def _choices(self) -> list[tuple[str, Option]]:
        choices = []
        for doctor in self.engine.doctors():
            for slot in self.engine.slots(doctor.id):
                stats = self.engine.slot_stats(slot.id)
                free = slot.capacity - stats.occupied
                line = Text(f"{doctor.name:<20.20} {slot.label}  ", no_wrap=True)
                if free > 0:
                    line.append(f"{free} free", palette.SERVED_BAR)
                else:
                    line.append("full", palette.FULL)
                if stats.waiting:
                    line.append(f", {stats.waiting} waiting", palette.WAITING)
                here = slot.id == self.token.slot_id
                if here:
                    line.append("  (current)", palette.DIM)
                search = f"{doctor.name} {doctor.specialty} {slot.label}".casefold()
                choices.append((search, Option(line, id=slot.id, disabled=here)))
        return choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as box:
            box.border_title = f"Move {self.token.number} {self.token.patient}"
            yield Input(placeholder="Filter: doctor, specialty or time", id="filter")
            yield OptionList(*(option for _, option in self.choices), id="slots")

    def on_mount(self) -> None:
        self.query_one("#slots", OptionList).focus()

    @on(Input.Changed, "#filter")
    def filter_slots(self, event: Input.Changed) -> None:
        needle = event.value.strip().casefold()
        options = self.query_one("#slots", OptionList)
        options.clear_options()
        options.add_options(option for search, option in self.choices if needle in search)
        enabled = [
            i for i in range(options.option_count) if not options.get_option_at_index(i).disabled
        ]
        options.highlighted = enabled[0] if enabled else None

    @on(Input.Submitted, "#filter")
    def to_list(self) -> None:
        self.query_one("#slots", OptionList).focus()

    @on(OptionList.OptionSelected, "#slots")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
