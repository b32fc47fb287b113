"""Set the room a doctor sees patients in today: the door a called patient is sent to."""

from __future__ import annotations

from collections.abc import Callable

from ...engine import Doctor, Event
from .one_field import OneFieldForm, as_typed


class RoomForm(OneFieldForm[str]):
    def __init__(self, doctor: Doctor, submit: Callable[[str], list[Event]]) -> None:
        super().__init__(
            title=f"Room for {doctor.name}",
            label="Room",
            field_id="room",
            value=doctor.room,  # the room as it is, cursor at its end: a change is the number
            keep_cursor_at_end=True,
            hint="The door sign (3, OPD-2B), where called patients are sent; empty for none.",
            button="Set room",
            submit=submit,
            doctor_id=doctor.id,
            read=as_typed,
        )
        self.doctor = doctor
