"""Regenerate the SVG screenshots in screenshots/ from the real app on the demo clinic.

Run: .venv/bin/python tests/make_screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select

from opd_tui.demo import CLINIC_NAME, demo_day
from opd_tui.desk import MemoryDesk
from opd_tui.store import NewClinic
from opd_tui.ui.app import OpdApp
from opd_tui.ui.start import NewJournalQuestion
from opd_tui.wiring import describe_clinic

OUT = Path(__file__).resolve().parent.parent / "screenshots"
Steps = Callable[[Pilot[None]], Awaitable[None]]


async def nothing(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def booking_form(pilot: Pilot[None]) -> None:
    await pilot.press("n", *"Meera Joshi")
    pilot.app.screen.query_one("#source", Select).value = "emergency"
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def preemption(pilot: Pilot[None]) -> None:
    await booking_form(pilot)
    await pilot.press("enter")
    await pilot.pause(0.2)


async def overview(pilot: Pilot[None]) -> None:
    await pilot.press("o")
    await pilot.pause()


async def help_screen(pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")
    await pilot.pause(0.2)


async def move_to_another_doctor(pilot: Pilot[None]) -> None:
    """The question a move to another doctor asks, naming the patient and both doctors."""
    await pilot.press("tab", "tab", "tab")  # to the waitlist
    await pilot.press("m")
    await pilot.pause()
    pilot.app.screen.query_one("#filter", Input).value = "ortho"
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause(0.2)


async def queue(pilot: Pilot[None]) -> None:
    """The selected doctor's queue: in the room, next up with expected calls, not arrived."""
    await pilot.press("w")
    await pilot.pause()


async def overdue(pilot: Pilot[None]) -> None:
    """The question before Dr Khan's overdue patients are marked no-show, naming them."""
    app = pilot.app
    assert isinstance(app, OpdApp)
    while app.doctor_id != "khan":
        await pilot.press("down")  # the doctors list has the focus
        await pilot.pause()
    await pilot.press("O")
    await pilot.pause(0.2)


async def light_theme(pilot: Pilot[None]) -> None:
    pilot.app.theme = "textual-light"
    await preemption(pilot)


SHOTS: list[tuple[str, tuple[int, int], Steps]] = [
    ("dashboard", (120, 40), nothing),
    ("dashboard-80x24", (80, 24), nothing),
    ("booking-form", (120, 40), booking_form),
    ("preemption", (120, 40), preemption),
    ("overview", (120, 40), overview),
    ("help", (120, 40), help_screen),
    ("light-theme", (120, 40), light_theme),
    ("move-another-doctor", (120, 40), move_to_another_doctor),
    ("queue", (120, 40), queue),
    ("queue-80x24", (80, 24), queue),
    ("overdue", (120, 40), overdue),
]


async def shoot(name: str, size: tuple[int, int], steps: Steps) -> None:
    engine, history = demo_day()
    desk = MemoryDesk(engine, CLINIC_NAME, engine.now().date())
    app = OpdApp(desk, history=history)
    async with app.run_test(size=size, notifications=True) as pilot:
        await steps(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))


async def new_journal() -> None:
    """The question before a journal that does not exist is created (a mistyped name here)."""
    what = describe_clinic(NewClinic(), None)
    app = NewJournalQuestion(Path("/srv/opd/journl.sqlite3"), what)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.save_screenshot(filename="new-journal.svg", path=str(OUT))


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, size, steps in SHOTS:
        asyncio.run(shoot(name, size, steps))
        print(f"screenshots/{name}.svg")
    asyncio.run(new_journal())
    print("screenshots/new-journal.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
