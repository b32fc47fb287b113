"""Correct a patient's name as written at booking: the token keeps its number and its place."""

from __future__ import annotations

from collections.abc import Callable

from ...engine import Event, Token, safe_text
from .one_field import OneFieldForm, as_typed


class RenameForm(OneFieldForm[str]):
    def __init__(self, token: Token, submit: Callable[[str], list[Event]]) -> None:
        super().__init__(
            title=f"Rename {token.number}",
            label="Patient",
            field_id="patient",
            value=token.patient,  # cursor at its end: a correction is usually a letter or two
            keep_cursor_at_end=True,
            hint=f"Was: {safe_text(token.patient)}. The token keeps its number and place.",
            button="Rename",
            submit=submit,
            read=as_typed,
        )
        self.token = token
