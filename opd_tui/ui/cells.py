"""Engine data turned into table cells. Every cell is a ``Text``, never markup, and passes through
``safe_text``, so whatever a patient's name holds is shown, never obeyed by the terminal. No Textual
here: the row builders use these cells without a screen."""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text

from ..engine import Slot, Source, Stats, Status, Token, safe_text
from . import palette
from .marks import Mark

# The visit's symbols, so presence is told by a sign as well as a colour.
PRESENT = "●"  # checked in, waiting to be called
IN_ROOM = "▶"  # called into the room
NOT_ARRIVED = "○"  # booked, not checked in
OVERDUE = "!"  # not checked in, and the slot ended more than the grace period ago
RETURNED = "↩"  # calls that went unanswered


def plain(value: object, style: Style | str = "") -> Text:
    return Text(safe_text(str(value)), style=style, no_wrap=True, overflow="ellipsis")


def source(value: Source, priority: int | None = None, usual: int | None = None) -> Text:
    """``emergency 5``: where a token came from, and its priority when given. A priority other
    than the source's ``usual`` one was bumped, and says which way: ``walk-in↑3``."""
    if priority is None:
        label = value.value
    elif usual is None or priority == usual:
        label = f"{value.value} {priority}"
    else:
        label = f"{value.value}{'↑' if priority > usual else '↓'}{priority}"
    return plain(label, palette.SOURCE_STYLES[value])


def elapsed(since: datetime, at: datetime) -> int:
    """Whole minutes from ``since`` to ``at``; never negative (another desk's clock may run a
    little ahead)."""
    return max(0, int((at - since).total_seconds() // 60))


def status(token: Token, mark: Mark | None, at: datetime | None = None) -> Text:
    """A token's status with its visit: ``● BOOKED`` checked in, ``▶ IN ROOM 12m`` called (the
    minutes since, seen at ``at``), ``↩2`` after unanswered calls, ``SERVED 9m`` the minutes of
    a consultation from the room. A fresh highlight says what just happened instead."""
    if mark is not None:
        return plain(mark.label)
    state = token.status
    style = palette.STATUS_STYLES[state]
    if state is Status.CALLED:
        since = token.called_at
        minutes = f" {elapsed(since, at)}m" if since is not None and at is not None else ""
        return plain(f"{IN_ROOM} IN ROOM{minutes}", style)
    if state is Status.SERVED:
        seen = f" {token.minutes:.0f}m" if token.minutes is not None else ""
        return plain(f"{state.value}{seen}", style)
    label = state.value
    if state.is_live:
        if token.checked_in is not None:
            label = f"{PRESENT} {label}"
        if token.unanswered:
            label += f" {RETURNED}{token.unanswered}"
    return plain(label, style)


def preemptions(count: int) -> Text:
    return plain(f"×{count}", palette.WAITING) if count else plain("")


def occupancy(stats: Stats, width: int = 10) -> Text:
    """Served, then booked, then free seats as a bar, scaled down when the slot is large."""
    capacity = max(stats.capacity, stats.occupied, 1)
    cells = min(width, capacity)
    served = round(stats.served * cells / capacity)
    booked = round(stats.occupied * cells / capacity) - served
    bar = Text(no_wrap=True)
    bar.append("█" * served, palette.SERVED_BAR)
    bar.append("█" * booked, palette.BOOKED_BAR)
    bar.append("░" * (cells - served - booked), palette.FREE_BAR)
    bar.append(" " * (width - cells))
    return bar


def seats(stats: Stats) -> Text:
    text = plain(f"{stats.occupied}/{stats.capacity}")
    if stats.capacity and stats.occupied >= stats.capacity:
        text.stylize(palette.FULL)
    return text


def served(stats: Stats) -> Text:
    return plain(f"✓{stats.served}", palette.SERVED_BAR) if stats.served else plain("")


def waiting(stats: Stats) -> Text:
    return plain(f"+{stats.waiting}", palette.WAITING) if stats.waiting else plain("")


def utilisation(stats: Stats, width: int = 8) -> Text:
    share = min(stats.utilisation, 1.0)
    filled = round(share * width)
    bar = Text(no_wrap=True)
    bar.append("█" * filled, palette.BOOKED_BAR)
    bar.append("░" * (width - filled), palette.FREE_BAR)
    bar.append(f" {stats.utilisation:4.0%}")
    return bar


def slot_flags(stats: Stats, flash: Mark | None, off: bool = False) -> Text:
    """Why a slot stands out: a fresh preemption or promotion, the doctor away, a full house."""
    if flash is not None:
        return plain(flash.label, flash.style)
    if off:
        return plain("AWAY", palette.WAITING)
    if stats.capacity and stats.occupied >= stats.capacity:
        return plain("FULL", palette.FULL)
    return plain("")


def slot_time(slot: Slot) -> Text:
    """``10:00–11:00``; a slot that runs late shows its start and the shift instead, which fits
    the column at every width: ``10:00 +15m``."""
    if not slot.delay:
        return plain(slot.label)
    text = plain(f"{slot.start} ")
    text.append(f"+{slot.delay}m", palette.WAITING)
    return text


def overview_cell(stats: Stats, flash: Mark | None, bar: bool = True) -> Text:
    """A slot in the hospital-wide grid: a small occupancy bar (unless ``bar`` is false, when
    the grid is short of room), seats, waitlist, a flash."""
    text = occupancy(stats, width=6) if bar else Text(no_wrap=True)
    seats_text = plain(f" {stats.occupied:>2}/{stats.capacity:<2}")
    if flash is not None:
        seats_text.stylize(flash.style)
    elif stats.capacity and stats.occupied >= stats.capacity:
        seats_text.stylize(palette.FULL)
    text.append_text(seats_text)
    text.append(f" +{stats.waiting:<2}" if stats.waiting else "    ", palette.WAITING)
    if flash is not None:
        text.append(flash.symbol, flash.style)
    return text


def marked(cells: list[Text], mark: Mark | None) -> list[Text]:
    """Paint a whole row in its highlight's colour while the mark lasts."""
    if mark is not None:
        for cell in cells:
            cell.stylize(mark.style)
    return cells
