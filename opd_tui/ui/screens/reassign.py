"""Pick the doctor an absent doctor's patients go to: each to the slot at the same time or the
nearest later one, or all to one chosen slot. Every doctor shows the free seats they have from
then on; the engine decides who sits and who waits."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...engine import Doctor, Engine, Event, Slot, safe_text
from .. import palette
from ..elsewhere import AT_ANOTHER_DESK, About
from ..titles import content
from .base import Dialog

Choice = tuple[str, str | None]
"""The doctor the patients go to, and the one slot for them all (None: the nearest for each)."""


def leaving(engine: Engine, doctor: Doctor, minute: int) -> list[Slot]:
    """The doctor's slots whose live patients a reassignment takes, as the engine chooses them:
    not over, and (when the doctor is away) those they would leave before the end."""
    return [
        slot
        for slot in engine.slots(doctor.id)
        if not slot.ended(minute) and (doctor.away is None or slot.off_for(doctor))
    ]


class ReassignPicker(Dialog[Choice]):
    """Returns the chosen doctor and slot."""

    def __init__(self, engine: Engine, doctor_id: str, minute: int) -> None:
        super().__init__()
        self.minute = minute
        self.count(engine, doctor_id)

    def count(self, engine: Engine, doctor_id: str) -> None:
        """The doctor's patients to reassign, as the day now is."""
        self.engine = engine
        self.doctor = engine.doctor(doctor_id)
        self.slots = leaving(engine, self.doctor, self.minute)
        stats = [engine.slot_stats(slot.id) for slot in self.slots]
        self.booked = sum(s.booked for s in stats)
        self.waiting = sum(s.waiting for s in stats)
        self.free: dict[str, int] = {}  # each doctor's free seats from then on

    @property
    def patients(self) -> int:
        return self.booked + self.waiting

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as box:
            box.border_title = content(f"Reassign {self.doctor.name}'s patients to…")
            yield Static(self._summary(), classes="hint", id="summary")
            yield OptionList(*self._options(), id="targets")

    def _summary(self) -> str:
        if not self.slots:
            return safe_text(f"{self.doctor.name} has no slots left today.")
        first, last = self.slots[0].start, self.slots[-1].end
        return safe_text(
            f"{self.patients} patients ({self.booked} booked, {self.waiting} waiting) "
            f"of {first}–{last}. Each keeps its source, priority and arrival; "
            "the rule decides who sits and who waits."
        )

    def about(self) -> About:
        """The doctor, and every slot: the free seats of each doctor are shown."""
        return About.of(slots=(slot.id for slot in self.engine.slots()), doctors=[self.doctor.id])

    def changed_elsewhere(self, events: Sequence[Event], engine: Engine) -> None:
        """The counts and free seats as they now are, the cursor on the same line; closes when
        the doctor has no one left to reassign."""
        self.count(engine, self.doctor.id)
        if not self.patients:
            self.close_stale(
                f"{self.doctor.name} has no waiting or booked patients left to reassign: "
                f"changed {AT_ANOTHER_DESK}"
            )
            return
        self.query_one("#summary", Static).update(self._summary())
        options = self.query_one("#targets", OptionList)
        at = options.highlighted
        kept = None if at is None else options.get_option_at_index(at).id
        options.clear_options()
        options.add_options(self._options())
        for i in range(options.option_count):
            if options.get_option_at_index(i).id == kept:
                options.highlighted = i

    def _options(self) -> list[Option]:
        start = self.slots[0].start_min if self.slots else 24 * 60
        options = []
        for doctor in self.engine.doctors():
            if doctor.id == self.doctor.id:
                continue
            open_slots = [
                slot
                for slot in self.engine.slots(doctor.id)
                if slot.end_min > start and not slot.ended(self.minute) and not slot.off_for(doctor)
            ]
            free = sum(self._free(slot) for slot in open_slots)
            head = Text(f"{safe_text(doctor.name):<20.20} ", "bold", no_wrap=True)
            head.append(f"{safe_text(doctor.specialty):<14.14} ", palette.DIM)
            if not open_slots:
                head.append("no slot then", palette.DIM)
                options.append(Option(head, id=f"{doctor.id}|", disabled=True))
                continue
            head.append("each to the nearest slot: ")
            head.append(f"{free} free", palette.SERVED_BAR if free else palette.FULL)
            self.free[doctor.id] = free
            options.append(Option(head, id=f"{doctor.id}|"))
            for slot in open_slots:
                line = Text(f"    all to {slot.label}  ", no_wrap=True)
                seats = self._free(slot)
                line.append(f"{seats} free" if seats else "full", palette.DIM)
                options.append(Option(line, id=f"{doctor.id}|{slot.id}"))
        return options

    def _free(self, slot: Slot) -> int:
        return max(0, slot.capacity - self.engine.slot_stats(slot.id).occupied)

    def on_mount(self) -> None:
        """The cursor starts on the doctor with the most free seats from then on."""
        options = self.query_one("#targets", OptionList)
        best = max(self.free, key=lambda d: self.free[d], default=None)  # the first of equals
        for i in range(options.option_count):
            if options.get_option_at_index(i).id == f"{best}|":
                options.highlighted = i
        options.focus()

    @on(OptionList.OptionSelected, "#targets")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        doctor_id, _, slot_id = (event.option.id or "").partition("|")
        if doctor_id:
            self.dismiss((doctor_id, slot_id or None))
