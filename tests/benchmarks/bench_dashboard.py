"""Dashboard speed on a hospital-scale day, driven headlessly through Textual's Pilot.

Run: .venv/bin/python tests/benchmarks/bench_dashboard.py [--quick] [--journal] [--demo] [--load]

A day of 300 doctors × 8 slots with 20,000 tokens (``--demo``: the demo clinic's day instead).
Prints medians for launch to first full frame and, for key actions to the updated screen, the
median and the 99th percentile beside the targets. ``--journal`` puts the day in a journal file
(SQLite, as a desk opens it) and acts through the journal desk, each action a durable write, as
at a real desk; ``--load`` keeps one core busy with a second process meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from opd_tui.demo import demo_day
from opd_tui.desk import MemoryDesk
from opd_tui.engine import Book, Engine, Event, Source, Status
from opd_tui.store import JournalDesk, Request, SqliteStore
from opd_tui.ui.app import OpdApp
from opd_tui.ui.tables import Table

DOCTORS, SLOTS, CAPACITY, TOKENS = 300, 8, 8, 20_000


def hospital_day() -> Engine:
    engine = Engine(clock=lambda: datetime(2026, 11, 25, 8, 0))
    rng = random.Random(7)
    slot_ids = []
    for d in range(DOCTORS):
        doctor_id = f"d{d:03d}"
        engine.add_doctor(doctor_id, f"Dr Doctor {d:03d}", ("Cardiology", "ENT", "Skin")[d % 3])
        for s in range(SLOTS):
            slot_id = f"{doctor_id}-{s}"
            engine.add_slot(slot_id, doctor_id, f"{9 + s:02d}:00", f"{10 + s:02d}:00", CAPACITY)
            slot_ids.append(slot_id)
    sources = list(Source)
    for n in range(TOKENS):
        engine.book(rng.choice(slot_ids), f"Patient {n:05d}", rng.choice(sources))
    return engine


def new_app(engine: Engine, journal: Path | None = None) -> OpdApp:
    day = engine.now().date()
    if journal is None:
        return OpdApp(MemoryDesk(engine, "Hospital", day), highlight_seconds=60.0)
    desk = JournalDesk(SqliteStore(journal), day, today=day, clock=engine.now)
    return OpdApp(desk, highlight_seconds=60.0, wall_clock=engine.now)


def journal_of(engine: Engine, path: Path) -> Path:
    """``engine``'s day recorded in a new journal at ``path``: its doctors and slots as the day's
    set-up, then every booking again, a thousand to a transaction (the set-up is what matters
    here, not how fast it is written)."""

    def set_up(fresh: Engine) -> list[Event]:
        events: list[Event] = []
        for doctor in engine.doctors():
            events += fresh.add_doctor(doctor.id, doctor.name, doctor.specialty, doctor.room)
        for slot in engine.slots():
            events += fresh.add_slot(slot.id, slot.doctor_id, slot.start, slot.end, slot.capacity)
        return events

    day = engine.now().date()
    desk = JournalDesk(SqliteStore(path), day, today=day, clock=engine.now, setup=set_up)
    books = [Request(Book(t.slot_id, t.patient, t.source.value)) for t in engine.tokens()]
    for start in range(0, len(books), 1000):
        desk.act_batch(books[start : start + 1000])
    desk.close()
    return path


async def launch_seconds(engine: Engine, journal: Path | None) -> float:
    started = time.perf_counter()
    app = new_app(engine, journal)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return time.perf_counter() - started


class FrameClock:
    """Times a key from the moment the app runs its action to the end of the first screen
    refresh that shows the result: the first one to start after the dashboard's last update of
    its tables, with the dashboard (not a dialog) on top. The test driver's own settling time and
    later refreshes (toast animation, the clock) are left out."""

    def __init__(self, app: OpdApp) -> None:
        self.started = self.handled = self.shown = 0.0
        run_action = app.run_action
        refresh = Screen._compositor_refresh

        async def timed_action(*args: Any, **kwargs: Any) -> bool:
            if not self.started:
                self.started = time.perf_counter()
            return await run_action(*args, **kwargs)

        def timed_refresh(screen: Screen[Any]) -> None:
            began = time.perf_counter()
            refresh(screen)
            on_top = screen is app.screen_stack[0] and app.screen is screen
            if self.handled and not self.shown and began > self.handled and on_top:
                self.shown = time.perf_counter()

        for name in ("after", "draw_schedule", "draw_slot"):  # every update of the tables
            setattr(app, name, self._noting(getattr(app, name)))
        app.run_action = timed_action  # type: ignore[method-assign]
        Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]

    def _noting(self, update: Callable[..., None]) -> Callable[..., None]:
        def noted(*args: Any, **kwargs: Any) -> None:
            update(*args, **kwargs)
            self.handled = time.perf_counter()

        return noted

    async def measure(self, pilot: Pilot[None], *keys: str) -> float:
        self.started = self.handled = self.shown = 0.0
        await pilot.press(*keys)
        await pilot.pause()
        assert self.shown, "no refresh showed the result"
        return self.shown - self.started


async def timed(pilot: Pilot[None], *keys: str) -> float:
    """The last keys' action to the updated screen (see FrameClock)."""
    clock = pilot.app.frame_clock  # type: ignore[attr-defined]
    assert isinstance(clock, FrameClock)
    return await clock.measure(pilot, *keys)


Action = Callable[[Pilot[None], OpdApp], Awaitable[float]]


async def move_selection(pilot: Pilot[None], app: OpdApp) -> float:
    app.query_one("#doctors", Table).focus()
    return await timed(pilot, "down")


async def book(pilot: Pilot[None], app: OpdApp) -> float:
    await pilot.press("n", *"New Patient")
    return await timed(pilot, "enter")


def select_first(app: OpdApp, table_id: str) -> None:
    """Focus a token table with its first token selected, as a coordinator would: the token
    acted on last left the list, and with it the selection. A slot whose list ran out (after
    many cancels or bumps) gives way to the next slot that has such a token."""
    table = app.query_one(f"#{table_id}", Table)
    if not table.keys:
        wanted = Status.BOOKED if table_id == "booked" else Status.WAITING
        token = next(t for t in app.engine.tokens() if t.status is wanted)
        app.jump_to_token(token.id)
    table.focus()
    table.select_key(table.keys[0])


async def bump(pilot: Pilot[None], app: OpdApp) -> float:
    """Bump a waiting token that can still go up (one at the top would only be refused)."""
    top = max(app.engine.priorities.values())
    table = app.query_one("#waiting", Table)
    liftable = [key for key in table.keys if app.engine.token(key).priority < top]
    if not liftable:
        token = next(
            t for t in app.engine.tokens() if t.status is Status.WAITING and t.priority < top
        )
        app.jump_to_token(token.id)
        liftable = [token.id]
    table.focus()
    table.select_key(liftable[0])
    return await timed(pilot, "b")


async def cancel(pilot: Pilot[None], app: OpdApp) -> float:
    select_first(app, "booked")
    await pilot.press("c")
    return await timed(pilot, "y")


ACTIONS: dict[str, Action] = {
    "move the selection": move_selection,
    "book (form submit)": book,
    "bump a waiting token": bump,
    "cancel (confirm)": cancel,
}


async def action_samples(
    engine: Engine, repeats: int, journal: Path | None
) -> dict[str, list[float]]:
    app = new_app(engine, journal)
    samples: dict[str, list[float]] = {name: [] for name in ACTIONS}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.frame_clock = FrameClock(app)  # type: ignore[attr-defined]
        for name, action in ACTIONS.items():  # one kind at a time: focus moves once per kind
            for _ in range(repeats):
                samples[name].append(await action(pilot, app))
    return samples


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


@contextmanager
def one_core_busy(on: bool) -> Iterator[None]:
    """A second process spinning on one core while the measurement runs, if asked."""
    if not on:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--journal", action="store_true", help="through a journal desk")
    parser.add_argument("--demo", action="store_true", help="the demo clinic's day")
    parser.add_argument("--load", action="store_true", help="a second process keeps a core busy")
    args = parser.parse_args()
    launches, repeats = (2, 5) if args.quick else (5, 100)

    started = time.perf_counter()
    engine = demo_day()[0] if args.demo else hospital_day()
    built = time.perf_counter() - started
    day = engine.day_stats()
    where = "a journal desk" if args.journal else "an in-memory desk"
    print(
        f"day: {len(engine.doctors())} doctors, {len(engine.tokens()):,} tokens "
        f"({day.booked:,} booked, {day.waiting:,} waiting), built in {built:.2f} s; "
        f"through {where}{', one core kept busy' if args.load else ''}"
    )
    with tempfile.TemporaryDirectory() as folder, one_core_busy(args.load):
        journal = journal_of(engine, Path(folder) / "journal.sqlite3") if args.journal else None
        launch = statistics.median(
            asyncio.run(launch_seconds(engine, journal)) for _ in range(launches)
        )
        print(f"{'measure':<34}{'median':>10}{'p99':>10}{'target':>16}")
        print(f"{'launch to first full frame':<34}{launch * 1000:>8.0f}ms{'':>10}{'2000ms':>16}")
        for name, values in asyncio.run(action_samples(engine, repeats, journal)).items():
            median, high = statistics.median(values) * 1000, p99(values) * 1000
            print(f"{name + ' → screen':<34}{median:>8.1f}ms{high:>8.1f}ms{'30 / 100 ms':>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
