"""The dashboard's tables and the one way they follow the engine: update in place.

``sync_rows`` is the whole update strategy: remove rows whose keys are gone, update only the cells
that changed, add new rows by key, sort once if the order changed, and keep the cursor on the row it
was on. Nothing is rebuilt, so the cursor and the scroll position stay where they were.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

Row = tuple[str, Sequence[Text]]


class Table(DataTable[Text]):
    """A row-cursor table whose columns are declared once, as (key, label, width)."""

    COLUMNS: Sequence[tuple[str, str, int | None]] = ()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(cursor_type="row", id=id, classes=classes)
        for key, label, width in self.COLUMNS:
            self.add_column(label, key=key, width=width)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def select_key(self, key: str) -> bool:
        """Put the cursor on the row with ``key``; False if there is none."""
        try:
            index = self.get_row_index(key)
        except Exception:
            return False
        self.move_cursor(row=index, animate=False)
        return True

    def put_row(self, key: str, cells: Sequence[Text]) -> None:
        """Show ``cells`` in the row ``key``, touching only the cells that changed."""
        if key not in self.rows:
            self.add_row(*cells, key=key)
            return
        for (column, _, _), cell in zip(self.COLUMNS, cells, strict=True):
            if self.get_cell(key, column) != cell:
                self.update_cell(key, column, cell)

    def sync_rows(self, rows: Sequence[Row], order_column: str | None = None) -> None:
        cursor_key = self.cursor_key
        wanted = {key for key, _ in rows}
        for gone in [row_key for row_key in self.rows if row_key.value not in wanted]:
            self.remove_row(gone)
        for key, cells in rows:
            self.put_row(key, cells)
        order = [key for key, _ in rows]
        if order_column and [key.value for key in self.ordered_keys()] != order:
            self.sort(order_column, key=lambda cell: int(cell.plain or 0))
        if cursor_key in wanted and cursor_key != self.cursor_key:
            self.select_key(cursor_key)

    def ordered_keys(self) -> list[RowKey]:
        return [row.key for row in self.ordered_rows]


class DoctorTable(Table):
    COLUMNS = (("doctor", "Doctor", 16), ("load", "Load", 13), ("specialty", "Specialty", None))


class ScheduleTable(Table):
    COLUMNS = (
        ("time", "Time", 11),
        ("seats", "Booked", 6),
        ("waiting", "Wait", 4),
        ("flag", "", 12),
        ("bar", "Seats", 10),
        ("served", "Seen", 4),
    )


class BookedTable(Table):
    COLUMNS = (
        ("pos", "#", 2),
        ("number", "Token", 9),
        ("patient", "Patient", 16),
        ("source", "Source", 11),
        ("arrived", "Came", 5),
        ("estimate", "Est.", 5),
        ("status", "Status", 11),
        ("preempted", "Lost", 4),
    )


class WaitingTable(Table):
    COLUMNS = (
        ("pos", "#", 2),
        ("number", "Token", 9),
        ("patient", "Patient", 16),
        ("source", "Source", 11),
        ("arrived", "Came", 5),
        ("status", "Status", 11),
        ("preempted", "Lost", 4),
    )
