"""Every key, the allocation rule in plain words, and where the day is kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from ...engine import VisitRules, safe_text
from ..keys import KEYS
from .base import Dialog

RULE = """\
## How seats are given

In every slot, the patients **in the room** (called) and those **already seen** hold their seats;
the other seats go to the best live tokens, ranked by **priority** (higher first) and then
**arrival** (earlier first): seated = called + served + the best (capacity − called − served) live
tokens. Everyone else waits, in that same order.

- **A full slot** is taken only by a *strictly higher* priority. The one who loses the seat is the
  weakest booked token: the lowest priority, and among equals the **latest** arrival.
- **A freed seat** (cancel, no-show, move, a seat added) goes to the best waiting token: the highest
  priority, and among equals the **earliest** arrival.
- **A preempted patient keeps their arrival**, so they go back in ahead of anyone who came later.
- **A patient who has been called or seen** keeps their seat and can no longer be preempted,
  cancelled, bumped or moved. A called patient returned to the queue competes again, and a
  stronger waiting token may then take the seat.

Priorities: {priorities}.

## The visit

- `●` **checked in**: the patient is here. Only present, seated patients are called: *call next*
  takes the best of the doctor's earliest slot that has one; *call* takes the one selected, out
  of turn if need be. Their **Est.** is the expected call time.
- `▶` **in the room**, with the minutes since the call. `s` marks them seen, and those minutes
  make the doctor's pace: expected calls follow the median of their last five consultations,
  or before any is seen the slot's length ÷ its seats (and a room starts on time at best).
- `↩` **returned**: a call went unanswered; after {calls} the dashboard offers a no-show.
- `○` **not arrived**: booked, not checked in. `!` **overdue**: still not checked in {grace} min
  after the slot ended; `O` marks the doctor's overdue patients no-show at once.

`w` shows the selected doctor's queue in place of the slot's lists: who is in the room and for
how long, who is next in call order and when, who has not arrived, who is overdue.
"""


def help_markdown(priorities: str, location: str, visit: VisitRules | None = None) -> str:
    visit = visit or VisitRules()
    where = safe_text(location).replace("`", "'")  # shown as code: nothing in it is markup
    rows = "\n".join(f"| `{k.shown}` | {k.description} |" for k in KEYS)
    return (
        "# opd-tui help\n\n"
        "Token keys act on the patient highlighted in the **focused** Booked list, Waitlist or "
        "queue (`tab` to it); when that patient leaves the list, nothing is selected until you "
        "move the cursor. Doctor keys (`k`, `O`, `R`, `d`, `w`) act on the selected doctor.\n\n"
        "| Key | What it does |\n| --- | --- |\n"
        f"{rows}\n"
        "| `tab` / arrows / mouse | Move between and within panels |\n"
        "| `enter` on an activity line | The whole day as it was at that moment (read-only) |\n"
        "| `ctrl+p` | Command palette: every action, and the theme |\n"
        "| `ctrl+p` → Quiet desk | Toast only refusals, preemptions and promotions, and other "
        "desks' changes to the open slot; the log keeps the rest (also `--quiet`) |\n\n"
        "Every action says what it did in a toast. When another desk changes the patient or "
        "slot an open question or form is about, it says so: a question closes unanswered "
        "(`RAO-004 was cancelled at another desk`) and is never acted on; the booking form and "
        "the pickers show the seats as they now are and keep what was typed.\n\n"
        + RULE.format(priorities=priorities, calls=visit.calls, grace=visit.grace)
        + f"\n## Where the day is kept\n\n`{where}`\n\nPress `escape` to close."
    )


class HelpScreen(Dialog[None]):
    def __init__(self, priorities: str, location: str, visit: VisitRules | None = None) -> None:
        super().__init__()
        self.text = help_markdown(priorities, location, visit)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide help") as box:
            box.border_title = "Help"
            yield Markdown(self.text)
