"""How long does each read hold the service's event loop on a busy hospital day?

Reads run on the event loop's thread, like the journal writer, so while one is being answered no
booking is decided. This script books a hospital's day (the one ``bench_api.py`` uses: 300
doctors x 8 slots x 25 seats) with 30,000 bookings, then calls each read through the service's
ASGI app in this process, with no network in between, and reports the median over repeats of
the time the loop was held, and the longest single hold for the pages answered in parts.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_api_reads.py           # a few seconds
    .venv/bin/python tests/benchmarks/bench_api_reads.py --quick   # 3,000 bookings
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_api import open_hospital_day

from opd_tui.api import Today, create_app
from opd_tui.engine import Book
from opd_tui.store import Request, SqliteStore

SOURCES = ("walk-in", "online", "follow-up", "paid", "emergency")
REPEATS = 7


def book_day(today: Today, count: int) -> list[str]:
    """``count`` bookings spread over the day's slots, in batches as the service records them."""
    desk = today()
    slots = [slot.id for slot in desk.engine.slots()]
    rng = random.Random(1)
    requests = []
    for i in range(count):
        requests.append(Request(Book(rng.choice(slots), f"Patient {i}", rng.choice(SOURCES))))
    for start in range(0, count, 256):
        desk.act_batch(requests[start : start + 256])
    return slots


async def timed_get(app: Any, target: str) -> tuple[int, int, float, float]:
    """Status, body size, the whole call's time, and the longest stretch without a loop turn."""
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    turns: list[float] = []

    async def watch() -> None:  # notes each turn of the loop while the read runs
        while True:
            turns.append(time.perf_counter())
            await asyncio.sleep(0)

    began = time.perf_counter()
    watcher = asyncio.create_task(watch())
    await app(scope, receive, send)
    ended = time.perf_counter()
    watcher.cancel()
    marks = [began, *[t for t in turns if began < t < ended], ended]
    longest = max(b - a for a, b in itertools.pairwise(marks))
    size = sum(len(m.get("body", b"")) for m in sent[1:])
    return sent[0]["status"], size, ended - began, longest


async def measure(today: Today, targets: list[str]) -> None:
    app = create_app(today)
    async with app.router.lifespan_context(app):
        print(f"{'read':<44}{'answer':>10}{'whole':>10}{'longest hold':>15}")
        for target in targets:
            runs = [await timed_get(app, target) for _ in range(REPEATS)]
            status, size, _, _ = runs[-1]
            assert status == 200, (target, status)
            whole = statistics.median(r[2] for r in runs) * 1000
            hold = statistics.median(r[3] for r in runs) * 1000
            print(f"{target:<44}{size / 1024:>7.0f} KiB{whole:>7.1f} ms{hold:>12.1f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3,000 bookings instead of 30,000")
    options = parser.parse_args(argv)
    count = 3_000 if options.quick else 30_000
    with tempfile.TemporaryDirectory(prefix="bench-reads-") as folder:
        db = Path(folder) / "j.db"
        open_hospital_day(db)
        today = Today(SqliteStore(db))
        slots = book_day(today, count)
        doctor = slots[0].rsplit("-", 1)[0]
        print(f"hospital day: {len(slots)} slots, {count:,} bookings; median of {REPEATS} calls")
        targets = [
            "/v1/day",
            f"/v1/doctors/{doctor}",
            f"/v1/slots?doctor_id={doctor}",
            f"/v1/slots/{slots[0]}",
            "/v1/tokens/T00042",
            "/v1/events?after=0",
            "/v1/events?after=0&limit=10000",
            "/v1/slots",
            "/v1/doctors",
        ]
        asyncio.run(measure(today, targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
