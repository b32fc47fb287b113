"""The hospital-wide view: one row per doctor, one column per slot time.

Counts are never cut at the edge. When the slots do not fit the terminal with their occupancy
bars, the cells leave the bar out (seats, waitlist and flash stay, a full slot in its colour);
when they still do not fit, the grid scrolls sideways (the cursor's → and ←, the scrollbar) and
its title says so. Doctors' names are cut to ``NAME_WIDTH`` with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey

from ..engine import Engine
from . import cells
from .marks import Marks

NAME_WIDTH = 20
CELL_WIDTH = 17  # ``██████  2/2  +1 ▼``
SHORT_CELL_WIDTH = 11  # `` 2/2  +1 ▼``


class OverviewTable(DataTable[Text]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="cell", id=id)
        self._slot_at: dict[tuple[str, str], str] = {}
        self._where: dict[str, tuple[str, str]] = {}
        self.bars = True  # whether the cells show their occupancy bars
        self.title: str | None = None  # the border's title, before any word about scrolling

    def fill(self, engine: Engine, marks: Marks, now: float) -> None:
        """Lay the grid out anew; called when the overview is opened."""
        self.clear(columns=True)
        slots = engine.slots()
        times = sorted({slot.start for slot in slots})
        names = [cell_len(cells.plain(d.name).plain) for d in engine.doctors()]
        name_width = min(max(names, default=6), NAME_WIDTH)
        # The overview spans the screen: its width is known before it is first shown.
        room = self.app.size.width - self.styles.gutter.width - 1 - (name_width + 2)
        self.bars = len(times) * (CELL_WIDTH + 2) <= room
        fits = len(times) * ((CELL_WIDTH if self.bars else SHORT_CELL_WIDTH) + 2) <= room
        if self.title is None:
            self.title = str(self.border_title or "")
        self.border_title = self.title if fits else f"{self.title} · more slots: → scrolls"
        self.add_column("Doctor", key="doctor", width=name_width)
        for start in times:
            self.add_column(start, key=start)
        self._slot_at = {(slot.doctor_id, slot.start): slot.id for slot in slots}
        self._where = {slot_id: place for place, slot_id in self._slot_at.items()}
        for doctor in engine.doctors():
            row = [cells.plain(doctor.name)]
            for start in times:
                slot_id = self._slot_at.get((doctor.id, start))
                row.append(self._cell(engine, slot_id, marks, now) if slot_id else cells.plain(""))
            self.add_row(*row, key=doctor.id)
        self.move_cursor(column=1)

    def refresh_slots(
        self, engine: Engine, slot_ids: Iterable[str], marks: Marks, now: float
    ) -> None:
        for slot_id in slot_ids:
            if slot_id in self._where:
                doctor_id, start = self._where[slot_id]
                self.update_cell(doctor_id, start, self._cell(engine, slot_id, marks, now))

    def slot_at(self, cell: CellKey) -> str | None:
        return self._slot_at.get((str(cell.row_key.value), str(cell.column_key.value)))

    def _cell(self, engine: Engine, slot_id: str, marks: Marks, now: float) -> Text:
        stats = engine.slot_stats(slot_id)
        return cells.overview_cell(stats, marks.slot(slot_id, now), bar=self.bars)
