"""Mark a doctor away from a time (called in sick, gone to theatre), or here again."""

from __future__ import annotations

from collections.abc import Callable

from ...engine import Doctor, Event, format_hhmm
from .one_field import OneFieldForm


def time_or_here(text: str) -> str | None:
    """``HH:MM`` as typed (the engine reads it); empty: the doctor is here."""
    return text.strip() or None


class AwayForm(OneFieldForm[str | None]):
    def __init__(
        self, doctor: Doctor, minute: int, submit: Callable[[str | None], list[Event]]
    ) -> None:
        super().__init__(
            title=f"{doctor.name} away",
            label="Away from",
            field_id="at",
            value=format_hhmm(minute if doctor.away is None else doctor.away),
            placeholder="HH:MM",
            hint=(
                "Slots the doctor would leave before their end take no new patients; "
                "their patients can then be reassigned. Empty: the doctor is here."
            ),
            button="Set",
            submit=submit,
            doctor_id=doctor.id,
            read=time_or_here,
        )
        self.doctor = doctor
