"""The replay's go-to form: a time of day, and the day is shown just after every action up to it."""

from __future__ import annotations

from collections.abc import Callable

from ...engine import Event, OpdError, format_hhmm, parse_hhmm
from .one_field import OneFieldForm


def minutes_of(text: str) -> int:
    """``HH:MM`` as minutes past midnight; anything else is refused in the form."""
    try:
        return parse_hhmm(text)
    except OpdError as error:
        raise ValueError(str(error)) from None


class GoToForm(OneFieldForm[int]):
    def __init__(
        self, minute: int, first: int, last: int, submit: Callable[[int], list[Event]]
    ) -> None:
        super().__init__(
            title="Go to a time",
            label="Time",
            field_id="time",
            value=format_hhmm(minute),
            placeholder="HH:MM",
            hint=(
                f"The day just after every action up to that time (this day's run from "
                f"{format_hhmm(first)} to {format_hhmm(last)})."
            ),
            button="Go",
            submit=submit,
            read=minutes_of,
        )
