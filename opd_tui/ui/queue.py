"""The selected doctor's queue as their room sees it: who is in the room and for how long, who is
next in call order and when they should be called, who is booked but not here yet, and who is
overdue. It takes the place of the slot's lists while shown (``w``), and is worked out again only
then: when its doctor's day changed, another doctor was selected, or the minute turned."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..engine import Engine
from . import rows
from .marks import Marks
from .tables import GiveWay, Table
from .titles import content


class QueueTable(Table):
    """A token table: the keys act on its highlighted patient as on the slot's lists."""

    HIDES_LOST_CURSOR = True
    COLUMNS = (
        ("pos", "#", 2),
        ("number", "Token", 9),
        ("patient", "Patient", 16),
        ("slot", "Slot", 5),
        ("state", "Where", 13),
        ("when", "When", 10),
        ("source", "Source", 11),
    )
    GIVE_WAY = (GiveWay("patient", 14), GiveWay("patient", 12))


class QueuePane(Vertical):
    """The queue's table, and below it a line with the room's facts: the minutes a consultation
    takes (which the expected call times follow) and how many are in each part."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.doctor_id: str | None = None  # whose queue is drawn

    def compose(self) -> ComposeResult:
        yield QueueTable(id="queue-list")
        yield Static(id="queue-facts")

    def draw(self, engine: Engine, doctor_id: str, marks: Marks, now: float, at: datetime) -> None:
        """Show ``doctor_id``'s queue as it is at ``at``; another doctor's starts at the top."""
        queue = engine.queue(doctor_id, at)
        fresh = doctor_id != self.doctor_id
        self.doctor_id = doctor_id
        table = self.query_one(QueueTable)
        room = f" · room {queue.doctor.room}" if queue.doctor.room else ""
        table.border_title = content(f"Queue · {queue.doctor.name}{room}")
        table.sync_rows(rows.queue_rows(engine, queue, marks, now, at), fresh=fresh)
        self.query_one("#queue-facts", Static).update(rows.queue_facts(queue))
