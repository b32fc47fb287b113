"""Engine data turned into table cells. Every cell is a ``Text``, never markup, so whatever a
patient's name holds is shown as typed and cannot change how the screen is drawn."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from ..engine import Slot, Source, Stats, Token
from . import palette
from .marks import Mark


def plain(value: object, style: Style | str = "") -> Text:
    return Text(str(value), style=style, no_wrap=True, overflow="ellipsis")


def source(value: Source, priority: int | None = None) -> Text:
    """``emergency 5``: where a token came from, and its priority when given."""
    label = value.value if priority is None else f"{value.value} {priority}"
    return plain(label, palette.SOURCE_STYLES[value])


def status(token: Token, mark: Mark | None) -> Text:
    if mark is not None:
        return plain(mark.label)
    return plain(token.status.value, palette.STATUS_STYLES[token.status])


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


def slot_flags(stats: Stats, flashing: bool) -> Text:
    """Why a slot stands out: a fresh preemption, a full house, patients waiting."""
    if flashing:
        return plain("▼ PREEMPTED", palette.FLASH)
    if stats.capacity and stats.occupied >= stats.capacity:
        return plain("FULL", palette.FULL)
    return plain("")


def slot_time(slot: Slot) -> Text:
    text = plain(slot.label)
    if slot.delay:
        text.append(f" +{slot.delay}m", palette.WAITING)
    return text


def overview_cell(stats: Stats, flashing: bool) -> Text:
    """A slot in the hospital-wide grid: a small occupancy bar, seats, waitlist, a flash."""
    text = occupancy(stats, width=6)
    seats_text = plain(f" {stats.occupied:>2}/{stats.capacity:<2}")
    if flashing:
        seats_text.stylize(palette.FLASH)
    elif stats.capacity and stats.occupied >= stats.capacity:
        seats_text.stylize(palette.FULL)
    text.append_text(seats_text)
    text.append(f" +{stats.waiting:<2}" if stats.waiting else "    ", palette.WAITING)
    if flashing:
        text.append("▼", palette.FLASH)
    return text


def marked(cells: list[Text], mark: Mark | None) -> list[Text]:
    """Paint a whole row in its highlight's colour while the mark lasts."""
    if mark is not None:
        for cell in cells:
            cell.stylize(mark.style)
    return cells
