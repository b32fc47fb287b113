"""The booking form: patient, phone and patient id, source, doctor and slot, preselected from the
dashboard. Slots that have ended are marked and never preselected. A patient who already holds a
token with the doctor is asked about ("book again?"), with that token shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Paste
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from ...engine import NAME_LENGTH, Duplicate, Engine, Event, OpdError, Source
from ...store.base import JournalBusy
from ..cells import plain
from ..elsewhere import About, seats_now
from ..rows import touched_slots
from .base import Dialog
from .confirm import Confirm


@dataclass(frozen=True, slots=True)
class Booking:
    """What the form asks the engine for: the ``Book`` command's fields, as typed."""

    slot_id: str
    patient: str
    source: str
    phone: str = ""
    patient_id: str = ""
    again: bool = False


Submit = Callable[[Booking], list[Event]]


def slot_choices(engine: Engine, doctor_id: str, minute: int) -> list[tuple[str, str]]:
    choices = []
    for slot in engine.slots(doctor_id):
        stats = engine.slot_stats(slot.id)
        free = slot.capacity - stats.occupied
        room = f"{free} free" if free > 0 else "full"
        wait = f", {stats.waiting} waiting" if stats.waiting else ""
        ended = "  (ended)" if slot.ended(minute) else ""
        choices.append((f"{slot.label}  {room}{wait}{ended}", slot.id))
    return choices


def open_slot(engine: Engine, doctor_id: str, minute: int, wanted: str | None) -> str | None:
    """The slot to preselect: ``wanted`` unless it has ended, else the doctor's next open one."""
    slots = engine.slots(doctor_id)
    live = [slot.id for slot in slots if not slot.ended(minute)]
    if wanted in live:
        return wanted
    return live[0] if live else None


ONE_LINE = "a name is one line: the pasted text holds a line break"


def paste_refused(value: str, start: int, end: int, pasted: str) -> str | None:
    """Why ``pasted``, put in place of ``value[start:end]``, cannot make a name, or None. A line
    break inside the text is refused rather than cut there (as a plain input does); one only
    around it (a copied line's newline) is not part of the name and is dropped."""
    if len(pasted.strip().splitlines()) > 1:
        return ONE_LINE
    name = (value[:start] + one_line(pasted) + value[end:]).strip()
    if len(name) > NAME_LENGTH:
        return f"a name is at most {NAME_LENGTH} characters: with the pasted text it is {len(name)}"
    return None


def one_line(pasted: str) -> str:
    return "".join(pasted.splitlines())


class PatientInput(Input):
    """The patient's name, one line of at most ``NAME_LENGTH`` characters as the engine keeps it;
    a paste that would break either rule is refused whole and said (``Refused``)."""

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, *, placeholder: str, id: str) -> None:
        super().__init__(placeholder=placeholder, id=id, max_length=NAME_LENGTH)

    def on_paste(self, event: Paste) -> None:
        event.prevent_default()  # not the plain input's paste, which keeps the first line
        event.stop()
        start, end = sorted(self.selection)
        reason = paste_refused(self.value, start, end, event.text)
        if reason is not None:
            self.post_message(self.Refused(reason))
        elif event.text:
            self.replace(one_line(event.text), start, end)


class FormSelect(Select[str]):
    """A list in the form: Enter books, as in every field of it; down, up and space open the
    list, and once it is open Enter picks from it."""

    BINDINGS = [Binding("enter", "screen.book", "Book", show=False)]


class BookForm(Dialog[list[Event]]):
    """Returns the booking's events; a refusal is shown in the form, which keeps what was typed."""

    def __init__(
        self, engine: Engine, doctor_id: str, slot_id: str, minute: int, submit: Submit
    ) -> None:
        super().__init__()
        self.engine = engine
        self.doctor_id = doctor_id
        self.minute = minute
        self.slot_id = open_slot(engine, doctor_id, minute, slot_id)
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Book a token"
            with Horizontal(classes="field"):
                yield Label("Patient")
                yield PatientInput(placeholder="e.g. Meera Joshi", id="patient")
            with Horizontal(classes="field"):  # one row: the form fits a 24-line terminal
                yield Label("Phone")
                yield Input(placeholder="optional", id="phone")
                yield Label("Id", classes="second")
                yield Input(placeholder="MRN, optional", id="patient-id")
            with Horizontal(classes="field"):
                yield Label("Source")
                yield FormSelect(
                    [(f"{s.value} ({self.engine.priorities[s]})", s.value) for s in Source],
                    value=Source.WALK_IN.value,
                    allow_blank=False,
                    id="source",
                )
            with Horizontal(classes="field"):
                yield Label("Doctor")
                yield FormSelect(
                    [(plain(f"{d.name} · {d.specialty}"), d.id) for d in self.engine.doctors()],
                    value=self.doctor_id,
                    allow_blank=False,
                    id="doctor",
                )
            with Horizontal(classes="field"):
                yield Label("Slot")
                yield FormSelect(
                    slot_choices(self.engine, self.doctor_id, self.minute),
                    value=self.slot_id or Select.NULL,
                    prompt="Choose a slot",
                    id="slot",
                )
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Book", variant="primary", id="ok")
                yield Button("Cancel", id="close")

    def on_mount(self) -> None:
        self.query_one("#error").display = False
        self.query_one("#patient", Input).focus()

    def about(self) -> About:
        """The slots listed: their free seats are shown."""
        return About.of(slots=(slot.id for slot in self.engine.slots(self.doctor_id)))

    def changed_elsewhere(self, events: Sequence[Event], engine: Engine) -> None:
        """The slot list shows the seats as they now are, with the same slot chosen; what was
        typed stays. A change to the chosen slot is said in the form."""
        self.engine = engine
        slots = self.query_one("#slot", Select)
        chosen = slots.value
        slots.set_options(slot_choices(engine, self.doctor_id, self.minute))
        if isinstance(chosen, str):
            slots.value = chosen
            if chosen in touched_slots(events, engine):
                self.show_note(seats_now(engine, chosen))

    @on(Select.Changed, "#doctor")
    def doctor_changed(self, event: Select.Changed) -> None:
        if event.value == self.doctor_id or not isinstance(event.value, str):
            return
        self.doctor_id = event.value
        slots = self.query_one("#slot", Select)
        slots.set_options(slot_choices(self.engine, self.doctor_id, self.minute))
        slot_id = open_slot(self.engine, self.doctor_id, self.minute, None)
        slots.value = slot_id or Select.NULL

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.dismiss(None)

    @on(PatientInput.Refused)
    def refused_paste(self, message: PatientInput.Refused) -> None:
        self.show_error(message.reason)

    def action_book(self) -> None:
        self.book()

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def book(self) -> None:
        slot = self.query_one("#slot", Select).value
        if not isinstance(slot, str):
            self.show_error("choose a slot")
            return
        booking = Booking(
            slot,
            self.query_one("#patient", Input).value,
            str(self.query_one("#source", Select).value),
            self.query_one("#phone", Input).value,
            self.query_one("#patient-id", Input).value,
        )
        self.send(booking)

    def send(self, booking: Booking) -> None:
        try:
            events = self.submit(booking)
        except JournalBusy:
            self.try_again_soon(lambda: self.send(booking))
            return
        except Duplicate as error:
            self.patience.over()
            self.ask_again(booking, error)
            return
        except OpdError as error:
            self.patience.over()
            self.show_error(str(error))
            return
        self.dismiss(events)

    def ask_again(self, booking: Booking, error: Duplicate) -> None:
        """The patient holds a token with this doctor already: show it, and book a second one
        only if the coordinator says so; otherwise the form stays as it was typed."""
        held = self.engine.token(error.existing)
        slot = self.engine.slot(held.slot_id)
        doctor = self.engine.doctor(slot.doctor_id)
        status = "in the room" if held.status.holds_seat else held.status.value.lower()
        question = (
            f"{held.patient} already holds {held.number} with {doctor.name} today:\n"
            f"  {held.number}  {held.patient}  {held.source.value}  {status}  {slot.label}\n\n"
            "Book a second token for this patient?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.send(replace(booking, again=True))
            else:
                self.show_error(f"not booked: {held.patient} already holds {held.number}")

        self.app.push_screen(Confirm("Book again?", question), answered)
