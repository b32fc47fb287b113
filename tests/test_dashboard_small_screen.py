"""The dashboard on a small terminal and with long names: nothing is lost without a sign."""

from __future__ import annotations

import pytest
from test_dashboard import book, log_lines, rows
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from opd_tui.ui.app import OpdApp
from opd_tui.ui.keys import DASHBOARD_KEYS, FOOTER
from opd_tui.ui.tables import Table

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
