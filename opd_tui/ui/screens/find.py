"""Find a patient by name, token number, phone or patient id, and jump to their token."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ...engine import Engine, safe_text
from .. import palette
from .base import Dialog

MAX_RESULTS = 50


class FindPatient(Dialog[str]):
    """Returns the chosen token id."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as box:
            box.border_title = "Find a patient"
            yield Input(placeholder="Name, number (RAO-014 or 14), phone or patient id", id="query")
            yield OptionList(id="results")

    @on(Input.Changed, "#query")
    def search(self, event: Input.Changed) -> None:
        results = self.query_one("#results", OptionList)
        results.clear_options()
        found = self.engine.find(event.value, limit=MAX_RESULTS + 1)
        for token in found[:MAX_RESULTS]:
            slot = self.engine.slot(token.slot_id)
            doctor = self.engine.doctor(slot.doctor_id)
            line = Text(f"{token.number:<9} {safe_text(token.patient):<24.24} ", no_wrap=True)
            line.append(f"{token.status.value:<9} ", palette.STATUS_STYLES[token.status])
            line.append(safe_text(f"{doctor.name} {slot.start}"), palette.DIM)
            who = "  ".join(part for part in (token.patient_id, token.phone) if part)
            if who:
                line.append(f"  {who}", palette.DIM)
            results.add_option(Option(line, id=token.id))
        if len(found) > MAX_RESULTS:
            more = Text("… and more: type more of the name, or the number", palette.DIM)
            results.add_option(Option(more, disabled=True))
        if found:
            results.highlighted = 0

    @on(Input.Submitted, "#query")
    def take_first(self) -> None:
        results = self.query_one("#results", OptionList)
        if results.highlighted is not None:
            option = results.get_option_at_index(results.highlighted)
            if option.id:
                self.dismiss(option.id)

    @on(OptionList.OptionSelected, "#results")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)
