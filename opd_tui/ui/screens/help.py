"""Every key, the allocation rule in plain words, and where the day is kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from ...engine import safe_text
from ..keys import KEYS
from .base import Dialog

RULE = """\
## How seats are given

In every slot, the booked tokens are the patients already seen plus the best live tokens,
ranked by **priority** (higher first) and then **arrival** (earlier first). Everyone else waits, in
that same order.

- **A full slot** is taken only by a *strictly higher* priority. The one who loses the seat is the
  weakest booked token: the lowest priority, and among equals the **latest** arrival.
- **A freed seat** (cancel, no-show, move, a seat added) goes to the best waiting token: the highest
  priority, and among equals the **earliest** arrival.
- **A preempted patient keeps their arrival**, so they go back in ahead of anyone who came later.
- **A patient who has been seen** keeps their seat and can no longer be preempted.

Priorities: {priorities}.
"""


def help_markdown(priorities: str, location: str) -> str:
    where = safe_text(location).replace("`", "'")  # shown as code: nothing in it is markup
    rows = "\n".join(f"| `{k.shown}` | {k.description} |" for k in KEYS)
    return (
        "# opd-tui help\n\n"
        "Token keys act on the patient highlighted in the **focused** Booked list or Waitlist "
        "(`tab` to it); when that patient leaves the list, nothing is selected until you move "
        "the cursor.\n\n"
        "| Key | What it does |\n| --- | --- |\n"
        f"{rows}\n"
        "| `tab` / arrows / mouse | Move between and within panels |\n"
        "| `enter` on an activity line | The whole day as it was at that moment (read-only) |\n"
        "| `ctrl+p` | Command palette: every action, and the theme |\n\n"
        + RULE.format(priorities=priorities)
        + f"\n## Where the day is kept\n\n`{where}`\n\nPress `escape` to close."
    )


class HelpScreen(Dialog[None]):
    def __init__(self, priorities: str, location: str) -> None:
        super().__init__()
        self.text = help_markdown(priorities, location)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide help") as box:
            box.border_title = "Help"
            yield Markdown(self.text)
