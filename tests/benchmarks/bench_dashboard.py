"""Dashboard speed on a hospital-scale day, driven headlessly through Textual's Pilot.

Run: .venv/bin/python tests/benchmarks/bench_dashboard.py [--quick]

A day of 300 doctors × 8 slots with 20,000 tokens. Prints medians for launch to first full frame
and for key actions to the updated screen, beside the targets (2 s and 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from opd_tui.desk import MemoryDesk
from opd_tui.engine import Engine, Source
from opd_tui.ui.app import OpdApp
from opd_tui.ui.tables import Table

DOCTORS, SLOTS, CAPACITY, TOKENS = 300, 8, 8, 20_000
DAY = date(2026, 11, 25)


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


def new_app(engine: Engine) -> OpdApp:
    return OpdApp(MemoryDesk(engine, "Hospital", DAY), highlight_seconds=60.0)


async def launch_seconds(engine: Engine) -> float:
    started = time.perf_counter()
    app = new_app(engine)
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
    acted on last left the list, and with it the selection."""
    table = app.query_one(f"#{table_id}", Table)
    table.focus()
    table.select_key(table.keys[0])


async def bump(pilot: Pilot[None], app: OpdApp) -> float:
    select_first(app, "waiting")
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


async def action_medians(engine: Engine, repeats: int) -> dict[str, float]:
    app = new_app(engine)
    samples: dict[str, list[float]] = {name: [] for name in ACTIONS}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.frame_clock = FrameClock(app)  # type: ignore[attr-defined]
        for name, action in ACTIONS.items():  # one kind at a time: focus moves once per kind
            for _ in range(repeats):
                samples[name].append(await action(pilot, app))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    launches, repeats = (2, 5) if args.quick else (5, 30)

    started = time.perf_counter()
    engine = hospital_day()
    built = time.perf_counter() - started
    day = engine.day_stats()
    print(
        f"day: {DOCTORS} doctors × {SLOTS} slots, {TOKENS:,} tokens "
        f"({day.booked:,} booked, {day.waiting:,} waiting), built in {built:.2f} s"
    )
    launch = statistics.median(asyncio.run(launch_seconds(engine)) for _ in range(launches))
    print(f"{'measure':<34}{'median':>10}{'target':>10}{'ratio':>8}")
    print(
        f"{'launch to first full frame':<34}{launch * 1000:>8.0f}ms{'2000ms':>10}{launch / 2:>8.2f}"
    )
    for name, seconds in asyncio.run(action_medians(engine, repeats)).items():
        print(f"{name + ' → screen':<34}{seconds * 1000:>8.1f}ms{'50ms':>10}{seconds / 0.05:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
