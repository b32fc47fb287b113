"""What every dialog shares: a centred box, escape to close, errors shown inside it, a patient
wait while another desk is writing to the journal, and what it is about: when another desk
changes that, the dialog says so and closes or brings itself up to date."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from ...engine import Engine, Event, safe_text
from ..elsewhere import About
from ..patience import BUSY_WAIT, RETRY_SECONDS, Patience

NOTHING = About()
CHANGED_TITLE = "Changed at another desk"

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    BINDINGS = [Binding("escape", "close", "Close", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.patience = Patience()

    def action_close(self) -> None:
        self.dismiss(None)

    def about(self) -> About:
        """The tokens, slots and doctors this dialog asks about or shows: the app tells it when
        another desk's events touch them (``changed_elsewhere``)."""
        return NOTHING

    def changed_elsewhere(self, events: Sequence[Event], engine: Engine) -> None:
        """Another desk changed what ``about`` names while this is open; ``engine`` is the day
        as it now is. A dialog that would act on what it showed says so, and closes
        (``close_stale``) or shows the day as it now is."""

    def close_stale(self, notice: str) -> None:
        """Close without an answer, so nothing it asked is done, and say why."""
        if self.app.screen is not self:
            self.pop_until_active()
        self.app.notify(notice, title=CHANGED_TITLE, severity="warning")
        self.dismiss(None)

    def show_note(self, message: str) -> None:
        """Say inside the dialog what another desk changed; what was typed stays."""
        note = self.query_one("#error", Static)
        note.update(Text(safe_text(message)))
        note.display = True

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
