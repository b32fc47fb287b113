"""The dashboard's tables and the one way they follow the engine: update in place.

A table's rows are its screen lines: row ``i`` of the DataTable is the ``i``-th line, and the table
remembers which key (a doctor, slot or token id) each line shows. ``sync_rows`` is the whole update
strategy: each line gets its new row, only the cells that changed are redrawn, lines are added or
dropped only at the end, and the cursor follows its key. Nothing is rebuilt and the row count
rarely changes, so the cursor, the scroll position and the screen layout stay where they were.

A token table never lets its cursor slide onto another patient: when the token under the cursor
leaves the list, the cursor is hidden and nothing is selected until the coordinator moves it.

A table too narrow for its columns gives way by its ``GIVE_WAY`` steps, taken in order until the
columns fit whole (a column is never cut at the table's edge): each step narrows a column (its
cells then end in ``…``), gives it a shorter label, or leaves it out. Abbreviating comes before
dropping, and what the desk needs most never goes:

- Doctors: the specialty goes first (an away doctor's slots still say AWAY); name and load stay.
- Schedule: the seat bar goes (the booked count says the same in numbers), then the booked
  count takes the bar's label, ``Seats``; the time, the waitlist, the flag and the Seen count
  stay.
- Booked list, waitlist, queue: the patient's name narrows to 14, then 12 characters (the story,
  ``W``, and the rename form, ``e``, show it whole), then the lists leave out the arrival time,
  then the preemption count (both are in the story).

At 80 columns the schedule shows Time, Seats, Wait, the flag and Seen; the slot's lists show
every column, the booked list and the queue with the name at 14.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.widgets import DataTable

from .rows import Row


def grows(table: DataTable[Text]) -> bool:
    """Whether a table's rows can change the screen's layout. A table with a set height and an
    always-shown scrollbar cannot: adding or dropping rows then redraws the table alone, not the
    whole screen (DataTable asks for a full re-layout on every added or removed row)."""
    height = table.styles.height
    return height is None or height.is_auto or table.styles.overflow_y != "scroll"


Columns = Sequence[tuple[str, str, int | None]]
AUTO_WIDTH = 12
"""The least a column without a set width needs to be worth showing."""


@dataclass(frozen=True, slots=True)
class GiveWay:
    """One step of a table giving way: column ``key`` becomes ``width`` wide (0: left out),
    with ``label`` if given."""

    key: str
    width: int
    label: str | None = None


def given_way(columns: Columns, steps: Sequence[GiveWay]) -> Columns:
    """``columns`` after ``steps``, in order."""
    shown = list(columns)
    for step in steps:
        shown = [
            (key, step.label or label, step.width) if key == step.key else (key, label, width)
            for key, label, width in shown
            if key != step.key or step.width
        ]
    return tuple(shown)


def columns_width(columns: Columns, padding: int = 1) -> int:
    return sum((width or AUTO_WIDTH) + 2 * padding for _, _, width in columns)


def fitting_columns(columns: Columns, steps: Sequence[GiveWay], room: int) -> Columns:
    """The columns shown in ``room`` columns: the fewest ``steps`` that make them fit (all of
    them if nothing fits)."""
    for taken in range(len(steps) + 1):
        shown = given_way(columns, steps[:taken])
        if columns_width(shown) <= room:
            return shown
    return shown


class Table(DataTable[Text]):
    """A row-cursor table whose columns are declared once, as (key, label, width), with the
    steps by which they give way when the table is too narrow for them."""

    COLUMNS: Columns = ()
    GIVE_WAY: Sequence[GiveWay] = ()
    HIDES_LOST_CURSOR = False
    """Whether the cursor hides when its row's key leaves the table, rather than resting on
    whatever row takes that line."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(cursor_type="row", id=id, classes=classes)
        self.keys: list[str] = []  # the key shown on each line
        self._lines: dict[str, int] = {}
        self._cells: list[Sequence[Text]] = []  # each line's cells, every column's
        self.shown: Columns = self.COLUMNS
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label, width in self.shown:
            self.add_column(label, key=key, width=width)

    def on_resize(self, event: events.Resize) -> None:
        # The vertical scrollbar's column is kept free, so rows coming and going never change
        # which columns are shown.
        self.fit(self.size.width - self.styles.scrollbar_size_vertical)

    def fit(self, room: int) -> None:
        """Show the columns that fit whole in ``room`` columns, giving way as ``GIVE_WAY`` says."""
        if room <= 0:
            return
        shown = fitting_columns(self.COLUMNS, self.GIVE_WAY, room)
        if shown == self.shown:
            return
        self.shown = shown
        cursor, visible = self.cursor_row, self.show_cursor
        self.clear(columns=True)
        self._add_columns()
        for line, cells in enumerate(self._cells):
            self.add_row(*self._visible(cells), key=str(line))
        if self._cells:
            self.move_cursor(row=min(cursor, len(self._cells) - 1), animate=False)
        self.show_cursor = visible

    def _visible(self, cells: Sequence[Text]) -> list[Text]:
        shown = {key for key, _, _ in self.shown}
        return [cell for (key, _, _), cell in zip(self.COLUMNS, cells, strict=True) if key in shown]

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        return super().refresh(
            *regions, repaint=repaint, layout=layout and grows(self), recompose=recompose
        )

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, if any; none while the cursor is hidden."""
        if not self.show_cursor or not 0 <= self.cursor_row < len(self.keys):
            return None
        return self.keys[self.cursor_row]

    def key_at(self, line: str | None) -> str | None:
        """The key shown on a DataTable row (as a row key's value)."""
        return self.keys[int(line)] if line is not None and int(line) < len(self.keys) else None

    def select_key(self, key: str) -> bool:
        """Put the cursor on the row with ``key``; False if there is none."""
        line = self._lines.get(key)
        if line is None:
            return False
        self.show_cursor = True
        self.move_cursor(row=line, animate=False)
        return True

    def put_row(self, key: str, cells: Sequence[Text]) -> None:
        """Show ``cells`` on ``key``'s line (a new last line if it has none)."""
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = len(self.keys)
            self.keys.append(key)
        self._show(line, cells)

    def _show(self, line: int, cells: Sequence[Text]) -> None:
        name = str(line)
        if line < len(self._cells):
            self._cells[line] = cells
        else:
            self._cells.append(cells)
        if name not in self.rows:
            self.add_row(*self._visible(cells), key=name)
            return
        shown = {key for key, _, _ in self.shown}
        for (column, _, _), cell in zip(self.COLUMNS, cells, strict=True):
            if column in shown and self.get_cell(name, column) != cell:
                self.update_cell(name, column, cell)

    def sync_rows(self, rows: Sequence[Row], *, fresh: bool = False) -> None:
        """Show exactly ``rows``, in order, redrawing only the cells that changed. ``fresh`` says
        they are another list (another slot's), so the cursor starts again at the top."""
        cursor_key = None if fresh else self.cursor_key
        for line, (_, cells) in enumerate(rows):
            self._show(line, cells)
        for line in range(len(rows), len(self.keys)):
            self.remove_row(str(line))
        del self._cells[len(rows) :]
        self.keys = [key for key, _ in rows]
        self._lines = {key: line for line, key in enumerate(self.keys)}
        if fresh:
            self.show_cursor = True
            self.move_cursor(row=0, animate=False)
        elif cursor_key is not None and cursor_key != self.cursor_key:
            followed = self.select_key(cursor_key)
            if not followed and self.HIDES_LOST_CURSOR:
                self.show_cursor = False

    # A hidden cursor comes back where it stands at the first move, so the coordinator sees
    # which patient is selected before any key acts on one.

    def _reveal(self) -> bool:
        if self.show_cursor or not self.keys:
            return False
        self.show_cursor = True
        return True

    def action_cursor_up(self) -> None:
        if not self._reveal():
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if not self._reveal():
            super().action_cursor_down()

    def action_page_up(self) -> None:
        self._reveal()
        super().action_page_up()

    def action_page_down(self) -> None:
        self._reveal()
        super().action_page_down()

    def action_scroll_top(self) -> None:
        self._reveal()
        super().action_scroll_top()

    def action_scroll_bottom(self) -> None:
        self._reveal()
        super().action_scroll_bottom()

    async def _on_click(self, event: events.Click) -> None:
        """Runs before DataTable's own click handler, which moves only a shown cursor."""
        self._reveal()


NAME_GIVES_WAY = (
    GiveWay("patient", 14),
    GiveWay("patient", 12),
    GiveWay("arrived", 0),
    GiveWay("preempted", 0),
)
"""How a list of patients gives way: the name narrows, then the arrival and the preemption count
(both in the story) are left out."""


class DoctorTable(Table):
    COLUMNS = (("doctor", "Doctor", 16), ("load", "Load", 13), ("specialty", "Specialty", None))
    GIVE_WAY = (GiveWay("specialty", 0),)


class ScheduleTable(Table):
    COLUMNS = (
        ("time", "Time", 11),
        ("seats", "Booked", 6),
        ("waiting", "Wait", 4),
        ("flag", "", 11),  # ``▼ PREEMPTED``, the longest
        ("bar", "Seats", 10),
        ("served", "Seen", 4),
    )
    GIVE_WAY = (GiveWay("bar", 0), GiveWay("seats", 5, "Seats"))


class BookedTable(Table):
    HIDES_LOST_CURSOR = True
    COLUMNS = (
        ("pos", "#", 2),
        ("number", "Token", 9),
        ("patient", "Patient", 16),
        ("source", "Source", 11),
        ("arrived", "Came", 5),
        ("estimate", "Est.", 5),
        ("status", "Status", 13),  # ``▶ IN ROOM 12m``
        ("preempted", "Lost", 4),
    )
    GIVE_WAY = NAME_GIVES_WAY


class WaitingTable(Table):
    """The booked list's columns, less the estimated time: nobody waiting has one."""

    HIDES_LOST_CURSOR = True
    COLUMNS = tuple(column for column in BookedTable.COLUMNS if column[0] != "estimate")
    GIVE_WAY = NAME_GIVES_WAY
