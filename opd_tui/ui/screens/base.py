"""What every dialog shares: a centred box, escape to close, errors shown inside it, and a
patient wait while another desk is writing to the journal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from ...engine import safe_text
from ..patience import BUSY_WAIT, RETRY_SECONDS, Patience

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    BINDINGS = [Binding("escape", "close", "Close", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.patience = Patience()

    def action_close(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        """Show a refusal inside the dialog; what was typed stays where it is."""
        error = self.query_one("#error", Static)
        error.update(Text(safe_text(message)))
        error.display = True
        self.app.bell()

    def try_again_soon(self, again: Callable[[], None]) -> None:
        """Another desk holds the journal's lock: say so in the form and submit it again
        shortly, for up to ``BUSY_WAIT`` seconds; the form keeps what was typed throughout."""
        if not self.patience.more():
            self.show_error(
                f"another desk kept the journal busy for {BUSY_WAIT:.0f} s: nothing was recorded; "
                "press Enter to try again"
            )
            return
        error = self.query_one("#error", Static)
        error.update(Text("another desk is writing to the journal… trying again"))
        error.display = True
        self.set_timer(RETRY_SECONDS, again)
