"""The hospital-wide view: one row per doctor, one column per slot time."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey

from ..engine import Engine
from . import cells
from .marks import Marks


class OverviewTable(DataTable[Text]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="cell", id=id)
        self._slot_at: dict[tuple[str, str], str] = {}
        self._where: dict[str, tuple[str, str]] = {}

    def fill(self, engine: Engine, marks: Marks, now: float) -> None:
        """Lay the grid out anew; called when the overview is opened."""
        self.clear(columns=True)
        slots = engine.slots()
        times = sorted({slot.start for slot in slots})
        self.add_column("Doctor", key="doctor")
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

    @staticmethod
    def _cell(engine: Engine, slot_id: str, marks: Marks, now: float) -> Text:
        return cells.overview_cell(engine.slot_stats(slot_id), marks.slot(slot_id, now))
