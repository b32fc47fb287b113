"""Every key of the dashboard, once: the bindings, the footer, the help screen and the command
palette are all made from this table, so they never drift apart.

The footer shows the keys with ``footer=True`` in the order of ``FOOTER``, which is also the order
in which they give way on a narrow terminal: ``?`` help first, so it is on screen at every width,
then the desk's most used keys, booking, check-in, call next, served, find, cancel, undo, move,
then the rest (no-show, delay, bump up and down, a seat more or less, jump, overview, quit), then
any footer key ``FOOTER`` does not name, in table order. A key that does not fit whole is left
out with every key after it, never cut in half, and ``?`` then says how many are left out
(``? Help +9``): each is in the help screen and the command palette. At 80 columns the footer
shows ``? n i k s / c ^z``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class Key:
    key: str
    action: str
    label: str
    description: str
    display: str | None = None
    footer: bool = True
    replay: bool = False  # the replay bar's, only while a scenario is replayed; wins over tables

    @property
    def shown(self) -> str:
        return self.display or self.key


KEYS: tuple[Key, ...] = (
    Key("n", "book", "Book", "Book a token in the selected slot (a form)"),
    Key("i", "check_in", "Check in", "The selected patient has arrived: check them in (●)"),
    Key("k", "call_next", "Call next", "Call the selected doctor's next present patient in"),
    Key(
        "s",
        "serve",
        "Served",
        "Mark the selected booked or in-room token as seen (from the room: its minutes count)",
    ),
    Key("c", "cancel", "Cancel", "Cancel the selected token (asks first)"),
    Key("x", "no_show", "No-show", "Mark the selected token as a no-show (asks first)"),
    Key("b", "bump(True)", "Bump↑", "Raise the selected token's priority one class"),
    Key("B", "bump(False)", "Bump↓", "Lower the selected token's priority one class"),
    Key(
        "K",
        "call",
        "Call",
        "Call the selected present patient into the room, out of turn if need be",
        footer=False,
    ),
    Key(
        "r",
        "return_to_queue",
        "Return",
        "The called patient did not come: back to the queue (offers no-show after repeated calls)",
        footer=False,
    ),
    Key(
        "O",
        "no_show_overdue",
        "Overdue",
        "Mark the selected doctor's overdue patients no-show (lists them, asks first)",
        footer=False,
    ),
    Key(
        "w",
        "queue",
        "Queue",
        "Toggle the selected doctor's queue: in the room, next up, not arrived, overdue",
        footer=False,
    ),
    Key("R", "room", "Room", "Set the selected doctor's room (a form)", footer=False),
    Key(
        "m",
        "move",
        "Move",
        "Move the selected token to another slot (shows free seats; asks before another doctor)",
    ),
    Key(
        "e", "rename", "Rename", "Correct the selected token's patient name (a form)", footer=False
    ),
    Key(
        "W",
        "story",
        "Why",
        "Why the selected token waits where it does: its story today, seat by seat, and who is "
        "ahead",
        footer=False,
    ),
    Key("plus", "capacity(1)", "+Seat", "Add a seat to the selected slot", "+"),
    Key("minus", "capacity(-1)", "−Seat", "Remove a seat from the selected slot", "-"),
    Key("d", "delay", "Delay", "The selected doctor runs late: shift their remaining slots"),
    Key(
        "A",
        "away",
        "Away",
        "The selected doctor is away from a time (a form); then offers to reassign their patients",
        footer=False,
    ),
    Key(
        "a",
        "reassign",
        "Reassign",
        "Reassign the selected doctor's remaining patients to another doctor (a picker)",
        footer=False,
    ),
    Key(
        "C",
        "carry_over",
        "Carry over",
        "Carry the patients left unseen on the journal's previous day into today's slots (asks)",
        footer=False,
    ),
    Key("ctrl+z", "undo", "Undo", "Take back this desk's last action exactly", "^z"),
    Key(
        "slash",
        "find",
        "Find",
        "Find a patient by name, number (RAO-014 or 14), phone or patient id",
        "/",
    ),
    Key("j", "jump", "Jump", "Jump to the slot of the latest preemption or promotion"),
    Key("o", "overview", "Overview", "Toggle the hospital-wide occupancy grid"),
    Key(
        "E",
        "report",
        "Report",
        "The day's report: each doctor's and each source's figures (of the moment in view)",
        footer=False,
    ),
    Key("question_mark", "help", "Help", "Every key and the allocation rule", "?"),
    Key("q", "quit", "Quit", "Quit opd-tui (asks first on a day in memory with actions taken)"),
    Key("escape", "back_to_now", "Now", "Back to now after looking at the past", "esc", False),
    Key("space", "play_pause", "Play", "Replay: play or pause the timeline", replay=True),
    Key("right", "step_forward", "Step", "Replay: play the next action", "→", replay=True),
    Key("left", "step_back", "Back", "Replay: step back one action", "←", replay=True),
    Key("left_square_bracket", "speed(-1)", "Slower", "Replay: play slower", "[", replay=True),
    Key("right_square_bracket", "speed(1)", "Faster", "Replay: play faster", "]", replay=True),
    Key(
        "home", "go_start", "Start", "Replay: go to the start of the day", footer=False, replay=True
    ),
    Key("end", "go_end", "End", "Replay: go to the end of the day", footer=False, replay=True),
    Key(
        "g",
        "go_to",
        "Go to",
        "Replay: go to a time of day (a form: 11:30), just after every action up to it",
        footer=False,
        replay=True,
    ),
)

FOOTER: tuple[str, ...] = (
    "question_mark",
    "n",
    "i",
    "k",
    "s",
    "slash",
    "c",
    "ctrl+z",
    "m",
    "x",
    "d",
    "b",
    "B",
    "plus",
    "minus",
    "j",
    "o",
    "q",
)
"""The footer's keys, most wanted first: its order, and the order in which they give way."""


def footer_rank(key: Key) -> int:
    """Where ``key`` stands in the footer: its place in ``FOOTER``, else after all of those."""
    return FOOTER.index(key.key) if key.key in FOOTER else len(FOOTER)


DASHBOARD_KEYS = tuple(k for k in KEYS if not k.replay)
REPLAY_KEYS = tuple(k for k in KEYS if k.replay)  # the replay bar's own


def bindings(keys: Iterable[Key]) -> list[BindingType]:
    """The bindings of ``keys``, each running its action where it is bound, in the footer's
    order (``FOOTER``; the sort keeps table order among the rest)."""
    return [
        Binding(k.key, k.action, k.label, show=k.footer, key_display=k.display)
        for k in sorted(keys, key=footer_rank)
    ]


def handed_to(action: str, keys: Iterable[Key]) -> list[BindingType]:
    """Priority bindings of ``keys`` that run ``action(<the key's action>)`` instead: for the keys
    of a widget that must work wherever the focus is, bound above the tables (whose arrow keys
    would take ← and → first) and handed on to the widget by ``action``."""
    return [
        Binding(
            k.key,
            f"{action}({k.action!r})",
            k.label,
            show=k.footer,
            key_display=k.display,
            priority=True,
        )
        for k in keys
    ]
