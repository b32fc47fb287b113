"""Regenerate the SVG screenshots in screenshots/ from the real app on the demo clinic.

Run: .venv/bin/python tests/make_screenshots.py [NAME ...]   (only the shots named, if any)

With Chromium on PATH it also renders the demo day's HTML report to screenshots/report-html.png.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select

from opd_tui import demo
from opd_tui.demo import CLINIC_NAME, demo_day
from opd_tui.desk import MemoryDesk
from opd_tui.scenario import Player
from opd_tui.scenario.html import as_html
from opd_tui.scenario.report import day_report
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


async def story(pilot: Pilot[None]) -> None:
    """Why am I waiting? The story of a walk-in who lost her seat and got one back."""
    await pilot.press("tab", "tab")  # to the booked list
    await pilot.press("down", "down", "down")  # Meera Joshi, walk-in, preempted once
    await pilot.press("W")
    await pilot.pause(0.2)


async def report(pilot: Pilot[None]) -> None:
    """The day's report so far: each doctor's and each source's figures."""
    await pilot.press("E")
    await pilot.pause(0.2)


async def book_again(pilot: Pilot[None]) -> None:
    """The question when a patient who holds a token with the doctor is booked again."""
    for _ in range(2):
        await pilot.press("n", *"Meera Joshi")
        pilot.app.screen.query_one("#patient-id", Input).value = "MRN-2024/0042"
        pilot.app.screen.query_one("#patient", Input).focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause(0.2)


async def reassign(pilot: Pilot[None]) -> None:
    """Dr Rao is away from now: the picker offers the other doctors and their free seats."""
    await pilot.press("A")
    await pilot.pause()
    await pilot.press("enter")
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
    ("story", (120, 40), story),
    ("report", (120, 40), report),
    ("report-80x24", (80, 24), report),
    ("book-again", (120, 40), book_again),
    ("reassign", (120, 40), reassign),
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


def html_report(target: Path) -> bool:
    """The demo day's whole HTML report as headless Chromium draws it; False without one."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return False
    player = Player(demo.scenario(), day=demo_day()[0].now().date())
    player.play_all()
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        page.write_text(as_html(day_report(player)), encoding="utf-8")
        profile = Path(folder) / "profile"
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", f"--screenshot={target}", "--window-size=1200,1600",
             "--hide-scrollbars", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return True


def main(names: list[str]) -> int:
    OUT.mkdir(exist_ok=True)
    for name, size, steps in SHOTS:
        if names and name not in names:
            continue
        asyncio.run(shoot(name, size, steps))
        print(f"screenshots/{name}.svg")
    if not names or "new-journal" in names:
        asyncio.run(new_journal())
        print("screenshots/new-journal.svg")
    if not names or "report-html" in names:
        if html_report(OUT / "report-html.png"):
            print("screenshots/report-html.png")
        else:
            print("no chromium on PATH: screenshots/report-html.png not made", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
