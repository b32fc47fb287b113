"""What every dialog shares: a centred box, escape to close, and errors shown inside it."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from ...engine import safe_text

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    BINDINGS = [Binding("escape", "close", "Close", show=False)]

    def action_close(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        """Show a refusal inside the dialog; what was typed stays where it is."""
        error = self.query_one("#error", Static)
        error.update(Text(safe_text(message)))
        error.display = True
        self.app.bell()
