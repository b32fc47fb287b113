"""How fast is the journal? The targets: restoring a 100,000-event day <= 1 s, and one
action's durable write (WAL, synchronous FULL, committed before it returns) <= 5 ms median.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_journal.py            # the full figures
    .venv/bin/python tests/benchmarks/bench_journal.py --quick    # a fast smoke run

The day is decided by the engine in memory from a fixed seed, then written to a fresh journal in
one transaction (as if desks had recorded it action by action). A restore is what a desk does when
it opens: inspect the file (including SQLite's quick_check), read and decode every event, replay it.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from time import perf_counter, process_time

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from opd_tui import demo
from opd_tui.engine import (
    Book,
    Bump,
    Cancel,
    Command,
    Engine,
    Event,
    Move,
    NoShow,
    OpdError,
    Serve,
    SetCapacity,
    Status,
)
from opd_tui.store import Decision, JournalDesk, SqliteStore

DAY = date(2026, 11, 25)
MORNING = datetime(2026, 11, 25, 8, 0)
SOURCES = ("emergency", "paid", "follow-up", "online", "walk-in")
WEIGHTS = (5, 10, 20, 30, 35)


def decide_day(events_wanted: int, seed: int = 4) -> tuple[list[Decision], int]:
    """Actions decided by the engine, with their events, until the day holds ``events_wanted``."""
    rng = random.Random(seed)
    at = MORNING
    engine = Engine(clock=lambda: at)
    set_up = demo.set_up(engine)
    slots = [slot.id for slot in engine.slots()]
    live: list[str] = []
    decisions: list[Decision] = []
    total = len(set_up)
    while total < events_wanted:
        at += timedelta(milliseconds=300)
        roll = rng.random()
        if roll < 0.6 or not live:
            source = rng.choices(SOURCES, WEIGHTS)[0]
            command: Command = Book(rng.choice(slots), f"Patient {len(decisions)}", source)
        else:
            token = live[rng.randrange(len(live))]
            kind = rng.choice((Cancel, Serve, Bump, Move, NoShow))
            command = Move(token, rng.choice(slots)) if kind is Move else kind(token)  # type: ignore[call-arg]
        try:
            events = engine.execute(command)
        except OpdError:
            continue
        if isinstance(command, Book):
            live.append(_last_token(events))
        elif isinstance(command, Cancel | Serve | NoShow):
            live.remove(command.token_id)
        decisions.append(Decision.of(command, at, events))
        total += len(events)
    return decisions, total


def _last_token(events: list[Event]) -> str:
    return str(getattr(events[-1], "token_id"))  # noqa: B009


def write_day(path: Path, decisions: list[Decision]) -> None:
    desk = JournalDesk(SqliteStore(path), DAY, today=DAY, clock=lambda: MORNING, setup=demo.set_up)
    store = desk.store
    assert isinstance(store, SqliteStore)
    with store._write() as con:
        for decision in decisions:
            store._append(con, DAY, "bench", decision)
    store.close()


def restore(path: Path) -> JournalDesk:
    return JournalDesk(SqliteStore(path), DAY, today=DAY)


def bench_restore(path: Path, repeats: int) -> tuple[list[float], list[float], int, int]:
    """Wall-clock and CPU seconds per restore: on a machine shared with other work the CPU time
    shows what the restore itself costs."""
    wall, cpu = [], []
    tokens = events = 0
    for _ in range(repeats):
        start, start_cpu = perf_counter(), process_time()
        desk = restore(path)
        wall.append(perf_counter() - start)
        cpu.append(process_time() - start_cpu)
        tokens, events = len(desk.engine.tokens()), len(desk.history)
        desk.close()
        del desk  # freed here, not inside the next timed restore
        gc.collect()
    return wall, cpu, tokens, events


def bench_writes(path: Path, count: int) -> list[float]:
    desk = JournalDesk(SqliteStore(path), DAY, today=DAY, setup=demo.set_up)
    rng = random.Random(9)
    slots = [slot.id for slot in desk.engine.slots()]
    times = []
    for i in range(count):
        if i % 3 == 2:
            seats = desk.engine.slot_view(slots[i % len(slots)]).booked
            live = [s.token.id for s in seats if s.token.status is Status.BOOKED]
            action: Command = Serve(live[0]) if live else SetCapacity(slots[0], 9)
        else:
            action = Book(rng.choice(slots), f"Patient {i}", rng.choice(SOURCES))
        start = perf_counter()
        try:
            desk.act(action)
        except OpdError:
            continue
        times.append(perf_counter() - start)
    desk.close()
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a small, fast smoke run")
    options = parser.parse_args(argv)
    events_wanted, repeats, writes = (10_000, 3, 50) if options.quick else (100_000, 7, 500)
    print(f"python {platform.python_version()}, sqlite {__import__('sqlite3').sqlite_version}")
    with tempfile.TemporaryDirectory() as folder:
        day_file = Path(folder) / "day.sqlite3"
        decisions, total = decide_day(events_wanted)
        write_day(day_file, decisions)
        size = day_file.stat().st_size
        print(f"day: {len(decisions):,} actions, {total:,} events, file {size / 1e6:.1f} MB")
        wall, cpu, tokens, events = bench_restore(day_file, repeats)
        assert events == total
        print(
            f"restore a {events:,}-event day ({tokens:,} tokens): median "
            f"{statistics.median(wall):.3f} s (CPU {statistics.median(cpu):.3f} s), "
            f"best {min(wall):.3f} s over {repeats} runs  (target <= 1 s)"
        )
        write_times = bench_writes(Path(folder) / "writes.sqlite3", writes)
        write_times.sort()
        p95 = write_times[int(len(write_times) * 0.95)]
        print(
            f"one action's durable write: median {ms(statistics.median(write_times))}, "
            f"p95 {ms(p95)} over {len(write_times)} actions  (target <= 5 ms median)"
        )


if __name__ == "__main__":
    main()
