"""Snapshots of the main screens at 80×24 and 120×40, on the small clinic with a frozen clock.

Regenerate after a deliberate change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from opd_tui.engine import Book
from opd_tui.ui.app import OpdApp

Snap = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def _still_input(pilot: Pilot[None]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare: Snap, app: OpdApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_booking_form(snap_compare: Snap, app: OpdApp, size: tuple[int, int]) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await pilot.press("n", *"Meera Joshi")
        await _still_input(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_form)


@pytest.mark.parametrize("size", SIZES)
def test_preemption_instant(snap_compare: Snap, app: OpdApp, size: tuple[int, int]) -> None:
    async def emergency(pilot: Pilot[None]) -> None:
        app.perform(Book("rao-09", "Esha Rao", "emergency"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=emergency)


@pytest.mark.parametrize("size", SIZES)
def test_overview(snap_compare: Snap, app: OpdApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, press=["o"])


def test_help(snap_compare: Snap, app: OpdApp) -> None:
    assert snap_compare(app, terminal_size=(120, 40), press=["question_mark"])
