"""The dashboard on a small terminal and with long names: nothing is lost without a sign."""

from __future__ import annotations

import pytest
from test_dashboard import book, log_lines, rows
from textual.widgets import Input
from textual.widgets._footer import FooterKey
from textual.widgets.data_table import ColumnKey

from opd_tui.ui.app import OpdApp
from opd_tui.ui.keys import DASHBOARD_KEYS, FOOTER
from opd_tui.ui.overview import OverviewTable
from opd_tui.ui.tables import GiveWay, Table, columns_width, fitting_columns

SMALL = (80, 24)
LONG = "Anantharamakrishnan " * 10  # 200 characters with the last space: the longest allowed
NAME = LONG.strip()


async def test_a_long_name_leaves_the_rest_of_its_log_lines_in_view(app: OpdApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await book(pilot, NAME, "emergency")
        short = "Anantharamakrishnan Ana…"
        assert log_lines(app)[:2] == [
            f"RAO-005 {short} booked · emergency 5 · Dr Asha Rao 09:00",
            f"▼ RAO-001 Asha Menon preempted by RAO-005 {short} (emergency 5 > walk-in 1) · "
            "Dr Asha Rao 09:00",
        ]
        app.query_one("#booked", Table).focus()
        await pilot.pause()
        # Everywhere else the name is whole.
        assert rows(app, "booked", "patient")[0] == (NAME,)


async def test_a_rename_to_a_long_name_keeps_the_slot_in_its_log_line(app: OpdApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        app.query_one("#booked", Table).focus()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#patient", Input).value = NAME
        await pilot.press("enter")
        await pilot.pause()
        assert log_lines(app)[0] == (
            "✎ RAO-002 Bala Iyer renamed Anantharamakrishnan Ana… · Dr Asha Rao 09:00"
        )
        assert rows(app, "booked", "patient")[0] == (NAME,)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 45)])
async def test_the_footer_starts_with_help_and_shows_only_whole_keys(
    app: OpdApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        keys = list(app.screen.query(FooterKey))
        assert keys[0].key_display == "?"
        assert all(key.region.right <= size[0] for key in keys)
        if size == SMALL:
            assert [f"{key.key_display} {key.description}" for key in keys] == [
                "? Help +10",
                "n Book",
                "i Check in",
                "k Call next",
                "s Served",
                "/ Find",
                "c Cancel",
                "^z Undo",
            ]


async def test_the_footer_follows_the_terminal_width(app: OpdApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        await pilot.pause()
        shown = [key.key_display for key in app.screen.query(FooterKey)]
        assert shown[:2] == ["?", "n"] and "q" in shown and "^p" in shown


def test_the_footer_order_names_only_footer_keys() -> None:
    assert set(FOOTER) <= {key.key for key in DASHBOARD_KEYS if key.footer}
    assert FOOTER[0] == "question_mark"


def labels(app: OpdApp, table_id: str) -> list[str]:
    table = app.query_one(f"#{table_id}", Table)
    return [str(column.label) for column in table.columns.values()]


async def test_at_80_columns_the_tables_give_way_in_their_stated_order(app: OpdApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert labels(app, "doctors") == ["Doctor", "Load"]
        assert labels(app, "schedule") == ["Time", "Seats", "Wait", "", "Seen"]
        assert labels(app, "booked") == [
            "#", "Token", "Patient", "Source", "Came", "Est.", "Status", "Lost"
        ]  # fmt: skip
        assert app.query_one("#booked", Table).columns[ColumnKey("patient")].width == 14
        assert rows(app, "schedule", "time", "seats", "waiting", "flag") == [
            ("09:00–10:00", "2/2", "+1", "FULL"),
            ("10:00–11:00", "1/3", "", ""),
        ]
        for table in app.query(Table):
            if table.size.width:  # shown
                room = table.size.width - table.styles.scrollbar_size_vertical
                assert columns_width(table.shown) <= room, table.id
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert labels(app, "schedule") == ["Time", "Booked", "Wait", "", "Seats", "Seen"]
        assert labels(app, "doctors") == ["Doctor", "Load", "Specialty"]


def test_give_way_takes_the_fewest_steps_that_fit() -> None:
    columns = (("a", "Alpha", 10), ("b", "Beta", 10), ("c", "Gamma", 10))
    steps = (GiveWay("a", 5, "A"), GiveWay("b", 0))
    assert fitting_columns(columns, steps, 36) == columns
    assert fitting_columns(columns, steps, 31) == (
        ("a", "A", 5),
        ("b", "Beta", 10),
        ("c", "Gamma", 10),
    )
    assert fitting_columns(columns, steps, 20) == (("a", "A", 5), ("c", "Gamma", 10))


async def test_the_overview_leaves_out_its_bars_then_scrolls_never_cutting_a_count(
    app: OpdApp,
) -> None:
    for hour in range(11, 16):
        for doctor in ("rao", "mehta"):
            app.desk.engine.add_slot(f"{doctor}-{hour}", doctor, f"{hour}:00", f"{hour + 1}:00", 4)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("o")
        await pilot.pause()
        overview = app.query_one(OverviewTable)
        assert not overview.bars
        assert overview.get_cell("rao", "09:00").plain == "  2/2  +1 "
        assert str(overview.border_title).endswith("more slots: → scrolls")
        await pilot.press("o")
        await pilot.resize_terminal(200, 40)
        await pilot.press("o")
        await pilot.pause()
        assert overview.bars and str(overview.border_title) == "Overview · every doctor × slot"
