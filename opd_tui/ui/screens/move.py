"""Pick the slot a token moves to; every slot shows its free seats and waitlist, and whether it
has ended. The token's own doctor comes first, with the cursor on their next open slot."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from ...engine import Doctor, Engine, Event, Slot, Token, safe_text
from .. import palette
from ..elsewhere import About, left
from ..titles import content
from .base import Dialog


def move_doubts(engine: Engine, token: Token, target: Slot, minute: int) -> list[str]:
    """What the coordinator should confirm before ``token`` moves to ``target``, if anything."""
    doubts = []
    here = engine.slot(token.slot_id)
    if target.doctor_id != here.doctor_id:
        doctor = engine.doctor(target.doctor_id)
        doubts.append(
            safe_text(
                f"That is another doctor: {doctor.name} ({doctor.specialty}), not "
                f"{engine.doctor(here.doctor_id).name}. The patient gets a new number there."
            )
        )
    if target.ended(minute):
        doubts.append(f"That slot has ended ({target.label}).")
    return doubts


class MovePicker(Dialog[str]):
    """Returns the chosen slot id. Typing filters by doctor, specialty or time."""

    def __init__(self, engine: Engine, token: Token, minute: int) -> None:
        super().__init__()
        self.engine = engine
        self.token = token
        self.minute = minute
        self.choices = self._choices()

    def _doctors(self) -> list[Doctor]:
        own = self.engine.slot(self.token.slot_id).doctor_id
        doctors = self.engine.doctors()
        return sorted(doctors, key=lambda doctor: doctor.id != own)  # stable: the rest in order

    def _choices(self) -> list[tuple[str, Option]]:
        choices = []
        for doctor in self._doctors():
            for slot in self.engine.slots(doctor.id):
                stats = self.engine.slot_stats(slot.id)
                free = slot.capacity - stats.occupied
                name = safe_text(doctor.name)
                line = Text(f"{name:<20.20} {slot.label}  ", no_wrap=True)
                if free > 0:
                    line.append(f"{free} free", palette.SERVED_BAR)
                else:
                    line.append("full", palette.FULL)
                if stats.waiting:
                    line.append(f", {stats.waiting} waiting", palette.WAITING)
                here = slot.id == self.token.slot_id
                if here:
                    line.append("  (current)", palette.DIM)
                elif slot.ended(self.minute):
                    line.append("  ended", palette.DIM)
                    line.stylize(palette.DIM)
                search = f"{doctor.name} {doctor.specialty} {slot.label}".casefold()
                choices.append((search, Option(line, id=slot.id, disabled=here)))
        return choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as box:
            box.border_title = content(f"Move {self.token.number} {self.token.patient} to…")
            yield Input(placeholder="Filter: doctor, specialty or time", id="filter")
            yield OptionList(*(option for _, option in self.choices), id="slots")

    def on_mount(self) -> None:
        options = self.query_one("#slots", OptionList)
        options.highlighted = self._first_open(options)
        options.focus()

    def _first_open(self, options: OptionList) -> int | None:
        """The first slot listed that can be chosen and has not ended; else the first that can."""
        usable = [
            i for i in range(options.option_count) if not options.get_option_at_index(i).disabled
        ]
        for index in usable:
            slot_id = options.get_option_at_index(index).id
            if slot_id is not None and not self.engine.slot(slot_id).ended(self.minute):
                return index
        return usable[0] if usable else None

    def about(self) -> About:
        """The token moved, and every slot listed with its free seats."""
        return About.of(
            tokens=[self.token.id], slots=(option.id or "" for _, option in self.choices)
        )

    def changed_elsewhere(self, events: Sequence[Event], engine: Engine) -> None:
        """Closes if another desk changed the token itself; otherwise lists the seats as they
        now are, with the same filter and the cursor on the same slot."""
        self.engine = engine
        if notice := left(self.token, engine):
            self.close_stale(notice)
            return
        options = self.query_one("#slots", OptionList)
        at = options.highlighted
        kept = None if at is None else options.get_option_at_index(at).id
        self.choices = self._choices()
        self._list(self.query_one("#filter", Input).value)
        if kept is not None:
            with suppress(OptionDoesNotExist):
                options.highlighted = options.get_option_index(kept)

    @on(Input.Changed, "#filter")
    def filter_slots(self, event: Input.Changed) -> None:
        self._list(event.value)

    def _list(self, typed: str) -> None:
        needle = typed.strip().casefold()
        options = self.query_one("#slots", OptionList)
        options.clear_options()
        options.add_options(option for search, option in self.choices if needle in search)
        options.highlighted = self._first_open(options)

    @on(Input.Submitted, "#filter")
    def to_list(self) -> None:
        self.query_one("#slots", OptionList).focus()

    @on(OptionList.OptionSelected, "#slots")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
