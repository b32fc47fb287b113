"""The activity log: every engine event as one line, newest first, with its time.

A line names its patients and doctors by at most ``LOG_NAME`` characters (``brief``), so a long
name never pushes the action, the priority or the slot off the end of the line; the full name is
kept everywhere else (the lists, the story, the forms, the toasts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from rich.text import Text
from textual.geometry import Region
from textual.widgets import DataTable

from ..engine import (
    AwaySet,
    Booked,
    Bumped,
    Called,
    Cancelled,
    CapacityChanged,
    CarriedOver,
    CheckedIn,
    Delayed,
    DoctorAdded,
    Engine,
    Event,
    MarkedNoShow,
    Moved,
    OpdError,
    Preempted,
    Promoted,
    Reassigned,
    Renamed,
    Returned,
    RoomSet,
    Served,
    SlotAdded,
    SlotRestored,
    Status,
    Token,
    TokenRestored,
    TokenWithdrawn,
    Undone,
    Waitlisted,
    format_hhmm,
    safe_text,
)
from . import palette
from .cells import plain
from .tables import grows

MAX_LINES = 500
REMOVE_AT_MOST = 4  # lines removed one by one; beyond this the log is rebuilt
LOG_NAME = 24  # the most of a name a log line shows


def brief(name: str, width: int = LOG_NAME) -> str:
    """``name`` made safe and cut to ``width`` terminal cells, an ellipsis marking the cut."""
    text = Text(safe_text(name))
    text.truncate(width, overflow="ellipsis")
    return text.plain


def slot_in_log(engine: Engine, slot_id: str) -> str:
    """``slot_name`` with the doctor's name kept short, for a log line."""
    try:
        slot = engine.slot(slot_id)
        return f"{brief(engine.doctor(slot.doctor_id).name)} {slot.start}"
    except OpdError:
        return slot_id


def doctor_in_log(engine: Engine, doctor_id: str) -> str:
    return brief(engine.doctor(doctor_id).name)


def who_in_log(engine: Engine, token_id: str | None) -> str:
    """``who`` with the patient's name kept short, for a log line."""
    if token_id is None:
        return "a new seat"
    try:
        token = engine.token(token_id)
    except OpdError:
        return token_id
    return f"{safe_text(token.number)} {brief(token.patient)}"


def slot_name(engine: Engine, slot_id: str) -> str:
    """``Dr Asha Rao 10:00``: how people name a slot."""
    try:
        slot = engine.slot(slot_id)
        return safe_text(f"{engine.doctor(slot.doctor_id).name} {slot.start}")
    except OpdError:
        return slot_id


def named(token: Token) -> str:
    """``RAO-014 Sneha Pillai``: how people name a token."""
    return safe_text(f"{token.number} {token.patient}")


def state(status: Status) -> str:
    """A status in a sentence: ``in the room``, ``served``, ``no-show``."""
    return "in the room" if status is Status.CALLED else status.value.lower().replace("_", "-")


def plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def who(engine: Engine, token_id: str | None) -> str:
    if token_id is None:
        return "a new seat"
    try:
        return named(engine.token(token_id))
    except OpdError:
        return token_id


def seen(engine: Engine, token_id: str) -> str:
    """``seen after 12 min`` for a consultation from the room, else ``served``."""
    try:
        minutes = engine.token(token_id).minutes
    except OpdError:
        minutes = None
    return "served" if minutes is None else f"seen after {minutes:.0f} min"


def describe(event: Event, engine: Engine) -> Text:
    """One event in the words of the activity log."""
    match event:
        case Preempted(token_id=token_id, by=by, reason=reason):
            cause = f"by {who_in_log(engine, by)} ({reason})" if by else f"({reason})"
            line = f"▼ {who_in_log(engine, token_id)} preempted {cause} · {slot_in_log(engine, event.slot_id)}"
            return plain(line, palette.FLASH)
        case Promoted(token_id=token_id, seat_of=seat_of):
            seat = f"{who_in_log(engine, seat_of)}'s seat" if seat_of else "a new seat"
            where = slot_in_log(engine, event.slot_id)
            return plain(
                f"▲ {who_in_log(engine, token_id)} promoted into {seat} · {where}",
                palette.SERVED_BAR,
            )
        case Booked() | Waitlisted():
            verb = "booked" if isinstance(event, Booked) else "waitlisted (slot full)"
            text = plain(f"{event.number} {brief(event.patient)} {verb} · ")
            text.append(f"{event.source} {event.priority}", palette.SOURCE_STYLES[event.source])
            text.append(f" · {slot_in_log(engine, event.slot_id)}")
            return text
        case Cancelled(token_id=token_id):
            return plain(
                f"✗ {who_in_log(engine, token_id)} cancelled · {slot_in_log(engine, event.slot_id)}"
            )
        case MarkedNoShow(token_id=token_id):
            return plain(
                f"∅ {who_in_log(engine, token_id)} did not show · {slot_in_log(engine, event.slot_id)}"
            )
        case Served(token_id=token_id, slot_id=slot_id):
            where = slot_in_log(engine, slot_id)
            return plain(f"✓ {who_in_log(engine, token_id)} {seen(engine, token_id)} · {where}")
        case CheckedIn(token_id=token_id, slot_id=slot_id):
            return plain(
                f"● {who_in_log(engine, token_id)} checked in · {slot_in_log(engine, slot_id)}"
            )
        case Called(token_id=token_id, slot_id=slot_id, in_turn=in_turn):
            where = slot_in_log(engine, slot_id)
            if in_turn:
                return plain(f"▶ {who_in_log(engine, token_id)} called in · {where}")
            # Out of the call order: worth a second look, like a delay.
            return plain(
                f"▶ {who_in_log(engine, token_id)} called out of turn · {where}", palette.WAITING
            )
        case Returned(token_id=token_id, slot_id=slot_id, called_at=called_at):
            where = f"({called_at:%H:%M} call unanswered) · {slot_in_log(engine, slot_id)}"
            return plain(f"↩ {who_in_log(engine, token_id)} returned to the queue {where}")
        case RoomSet(doctor_id=doctor_id, old=old, new=new):
            name = doctor_in_log(engine, doctor_id)
            if not new:
                return plain(f"⌂ {name} no longer in room {old}")
            was = f" (was {old})" if old else ""
            return plain(f"⌂ {name} now in room {new}{was}")
        case AwaySet(doctor_id=doctor_id, new=new):
            name = doctor_in_log(engine, doctor_id)
            if new is None:
                return plain(f"⌂ {name} is here again: takes new patients")
            return plain(f"⌂ {name} away from {format_hhmm(new)}", palette.WAITING)
        case Reassigned(token_id=token_id, from_slot=origin, to_slot=target, seated=seated):
            where = f"{slot_in_log(engine, origin)} → {slot_in_log(engine, target)}"
            placed = "seated" if seated else "waiting"
            return plain(
                f"⇢ {event.old_number} → {who_in_log(engine, token_id)} reassigned {where} ({placed})"
            )
        case CarriedOver(from_day=from_day, back=back):
            if back:
                return plain(f"↶ the carry-over from {from_day} taken back", palette.WAITING)
            return plain(f"⇉ patients left unseen on {from_day} carried over into today")
        case Bumped(token_id=token_id, old_priority=old, new_priority=new):
            arrow = "↑" if new > old else "↓"
            return plain(f"{arrow} {who_in_log(engine, token_id)} priority {old} → {new}")
        case Moved(token_id=token_id, from_slot=origin, to_slot=target):
            where = f"{slot_in_log(engine, origin)} → {slot_in_log(engine, target)}"
            return plain(f"⇢ {who_in_log(engine, token_id)} moved {where}")
        case Renamed(token_id=token_id, old=old, new=new):
            number = engine.token(token_id).number
            where = slot_in_log(engine, event.slot_id)
            return plain(f"✎ {number} {brief(old)} renamed {brief(new)} · {where}")
        case CapacityChanged(slot_id=slot_id, old=old, new=new):
            return plain(f"{slot_in_log(engine, slot_id)} capacity {old} → {new}")
        case Delayed(doctor_id=doctor_id, minutes=minutes, slot_ids=slot_ids):
            name = doctor_in_log(engine, doctor_id)
            late = f"{minutes} min later" if minutes > 0 else f"{-minutes} min earlier"
            return plain(f"◷ {name} running {late} ({len(slot_ids)} slots)", palette.WAITING)
        case Undone(action=action, subject=subject):
            return plain(f"↶ undid {action}: {subject}", palette.WAITING)
        case TokenRestored(token_id=token_id, status=status):
            where = slot_in_log(engine, event.slot_id)
            return plain(f"↶ {who_in_log(engine, token_id)} back as {status.value} · {where}")
        case TokenWithdrawn():
            # The undo line just above names the booking; the token itself is gone.
            return plain(f"↶ booking withdrawn · {slot_in_log(engine, event.slot_id)}")
        case SlotRestored(slot_id=slot_id, capacity=capacity):
            return plain(f"↶ {slot_in_log(engine, slot_id)} as it was (capacity {capacity})")
        case DoctorAdded(name=name, specialty=specialty, room=room):
            in_room = f", room {room}" if room else ""
            return plain(f"{brief(name)} ({specialty}) joined the clinic{in_room}")
        case SlotAdded(slot_id=slot_id, start=start, end=end, capacity=capacity):
            return plain(f"{slot_in_log(engine, slot_id)}: slot {start}–{end} for {capacity}")
    return plain(event.kind)


class ActivityLog(DataTable[Text]):
    """Newest first; each row keyed by its sequence number so history can be picked later."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", show_header=False, id=id)
        self._seq = 0
        self._oldest = 1

    def on_mount(self) -> None:
        self.add_column("#", key="seq", width=5)
        self.add_column("Time", key="time", width=8)
        self.add_column("What happened", key="what")

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        return super().refresh(
            *regions, repaint=repaint, layout=layout and grows(self), recompose=recompose
        )

    def record_history(self, events: Sequence[Event], engine: Engine) -> None:
        """The day so far: only the newest lines are kept, numbered as in the whole day."""
        skipped = max(0, len(events) - MAX_LINES)
        self._seq = self._oldest = skipped
        self._oldest += 1
        self.record(events[skipped:], engine)

    def record(self, events: Sequence[Event], engine: Engine, tag: str = "") -> None:
        """Add the events as the newest lines. A burst longer than the log (another desk or the
        service busy between two looks) replaces it: lines that would scroll off at once are
        numbered but never drawn."""
        if len(events) >= MAX_LINES:
            self.clear()
            self._seq += len(events) - MAX_LINES
            self._oldest = self._seq + 1
            events = events[-MAX_LINES:]
        rows = []
        for event in events:
            self._seq += 1
            what = describe(event, engine)
            if tag:
                what = Text(f"{tag} ", no_wrap=True) + what
            rows.append((str(self._seq), event.at.strftime("%H:%M:%S"), what))
        if not rows:
            return
        overflow = self.row_count + len(rows) - MAX_LINES
        kept: list[list[Any]] = []
        if overflow > REMOVE_AT_MOST:
            # DataTable re-indexes every row on each removal: cheaper to start again.
            first_kept = self._oldest + overflow
            kept = [
                [*self.get_row(str(seq)), str(seq)]
                for seq in range(first_kept, self._seq - len(rows) + 1)
            ]
            self.clear()
            self._oldest = first_kept
        for *cells, seq in kept:
            self.add_row(*cells, key=seq)
        for seq, time, what in rows:
            self.add_row(plain(seq, palette.DIM), plain(time, palette.DIM), what, key=seq)
        while self.row_count > MAX_LINES:
            self.remove_row(str(self._oldest))
            self._oldest += 1
        self.sort("seq", key=lambda cell: -int(cell.plain))
