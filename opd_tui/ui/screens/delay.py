"""How late a doctor runs: minutes added to the estimates of their remaining slots."""

from __future__ import annotations

import re
from collections.abc import Callable

from ...engine import MAX_DELAY_MINUTES, Doctor, Event
from .one_field import OneFieldForm

WHOLE = re.compile(r"[+-]?[0-9]+")


def whole_minutes(text: str) -> int:
    """A plain field read here: an "integer" input drops what it refuses, so 1.5 became 15."""
    text = text.strip()
    if not WHOLE.fullmatch(text):
        raise ValueError(f"{text!r} is not a whole number of minutes")
    return int(text)


class DelayForm(OneFieldForm[int]):
    def __init__(self, doctor: Doctor, submit: Callable[[int], list[Event]]) -> None:
        super().__init__(
            title=f"{doctor.name} is running late",
            label="Minutes",
            field_id="minutes",
            value="10",
            hint=f"Whole minutes, up to {MAX_DELAY_MINUTES}; negative: the doctor has caught up.",
            button="Shift slots",
            submit=submit,
            doctor_id=doctor.id,
            read=whole_minutes,
        )
        self.doctor = doctor
