"""Correct a patient's name as written at booking: the token keeps its number and its place."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...engine import Engine, Event, Token, safe_text
from ..elsewhere import AT_ANOTHER_DESK, About, left
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

    def about(self) -> About:
        return About.of(tokens=[self.token.id])

    def changed_elsewhere(self, events: Sequence[Event], engine: Engine) -> None:
        """Closes once the token cannot be renamed (cancelled, seen, withdrawn, moved away);
        a name corrected at another desk is said in the form, which keeps what was typed."""
        if notice := left(self.token, engine):
            self.close_stale(notice)
            return
        now = engine.token(self.token.id)
        if now.patient != self.token.patient:
            self.token = now
            self.show_note(f"{now.number} was renamed to {now.patient} {AT_ANOTHER_DESK}")
