"""How much does ``opd-tui export`` cost on a big day? Time and peak memory of the real command.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_export.py             # 200,000 bookings
    .venv/bin/python tests/benchmarks/bench_export.py --quick     # 20,000: a smoke run

The day is a hospital's (300 doctors x 8 slots x 25 seats), decided by the engine in memory from
a fixed seed: the bookings, and after every tenth one a cancel, a serve or a bump of a live token.
It is recorded in a fresh journal in one transaction, as if desks had recorded it. Then
``python -m opd_tui export`` runs in a child process for each format, writing to a file; the
figures are its wall time and its peak resident memory (``ru_maxrss`` from ``wait4``), with a
child that only imports the command line beside them for the interpreter's own share. The day is
decided in another child, so this process stays small: a child's ``ru_maxrss`` includes what its
parent held when it was forked.

The output's size and SHA-256 are printed so runs of two versions can be compared byte for byte;
``--baseline DIR`` runs another version's command too (DIR holds its ``opd_tui`` package, e.g. a
copy of the tree at an earlier commit), alternating with this one, and stops if the two wrote
different bytes. ``--db PATH`` keeps the day's journal there, and uses it again next time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from opd_tui.engine import Book, Bump, Cancel, Engine, Event, OpdError, Serve
from opd_tui.store import Decision, JournalDesk, SqliteStore

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 11, 25)
MORNING = datetime(2026, 11, 25, 7, 0)
SOURCES = ("emergency", "paid", "follow-up", "online", "walk-in")
WEIGHTS = (5, 10, 20, 30, 35)
DOCTORS, SLOTS, SEATS = 300, 8, 25


def hospital(engine: Engine) -> list[Event]:
    events: list[Event] = []
    for d in range(DOCTORS):
        doctor = f"d{d:03d}"
        events += engine.add_doctor(doctor, f"Dr {d}", "General")
        for h in range(SLOTS):
            start, end = f"{9 + h:02d}:00", f"{10 + h:02d}:00"
            events += engine.add_slot(f"{doctor}-{9 + h:02d}", doctor, start, end, SEATS)
    return events


def decide_day(bookings: int, seed: int = 7) -> list[Decision]:
    rng = random.Random(seed)
    at = MORNING
    engine = Engine(clock=lambda: at)
    hospital(engine)
    slots = [slot.id for slot in engine.slots()]
    live: list[str] = []
    decisions: list[Decision] = []
    for i in range(bookings):
        at += timedelta(milliseconds=100)
        source = rng.choices(SOURCES, WEIGHTS)[0]
        booking = Book(rng.choice(slots), f"Patient {i}", source)
        decisions.append(Decision.of(booking, at, engine.execute(booking)))
        events = decisions[-1].events
        live.append(str(getattr(events[-1], "token_id")))  # noqa: B009
        if i % 10 == 9:
            index = rng.randrange(len(live))
            token = live[index]
            command = rng.choice((Cancel, Serve, Bump))(token)
            try:
                events = engine.execute(command)
            except OpdError:
                continue
            decisions.append(Decision.of(command, at, events))
            if not isinstance(command, Bump):
                live[index] = live[-1]
                live.pop()
    return decisions


def write_day(path: Path, decisions: list[Decision]) -> None:
    """The day in a new journal at ``path``."""
    desk = JournalDesk(SqliteStore(path), DAY, today=DAY, clock=lambda: MORNING, setup=hospital)
    with desk.store.transaction(DAY, desk.last_seq, "bench") as tx:
        for decision in decisions:
            tx.append(decision)
    desk.close()


def count(path: Path) -> tuple[int, int]:
    """The day's tokens and events, as the journal holds them."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        query = "SELECT count(*), sum(kind IN ('booked', 'waitlisted')) FROM events WHERE day = ?"
        events, tokens = con.execute(query, (DAY.isoformat(),)).fetchone()
    finally:
        con.close()
    return tokens, events


def run(command: list[str], out: Path, cwd: Path = ROOT) -> tuple[float, int]:
    """Wall seconds and peak resident memory in bytes of ``command`` (run in ``cwd``, where
    ``python -m opd_tui`` finds its package), stdout to ``out``."""
    with out.open("wb") as sink:
        start = perf_counter()
        child = subprocess.Popen(command, stdout=sink, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{command} failed with status {child.returncode}")
    return elapsed, usage.ru_maxrss * 1024  # kilobytes on Linux


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="20,000 bookings, one run")
    parser.add_argument("--bookings", type=int, help="how many bookings (default 200,000)")
    parser.add_argument("--repeats", type=int, help="runs of each format (default 3)")
    parser.add_argument("--db", type=Path, help="keep the day's journal here (reused if there)")
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="compare with DIR/opd_tui")
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # the child that writes
    parser.add_argument("--open", type=Path, help=argparse.SUPPRESS)  # the child that restores
    options = parser.parse_args(argv)
    bookings = options.bookings or (20_000 if options.quick else 200_000)
    if options.write:
        write_day(options.write, decide_day(bookings))
        return
    if options.open:  # a desk opening the day, as a restarted dashboard or service does
        JournalDesk(SqliteStore(options.open, create=False), DAY, today=DAY).close()
        return
    repeats = options.repeats or (1 if options.quick else 3)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        path = options.db or Path(folder) / "day.sqlite3"
        if not path.exists():
            start = perf_counter()
            # In a child of its own: a child's peak memory counts its parent's at the fork.
            writer = [sys.executable, __file__, "--write", str(path), "--bookings", str(bookings)]
            subprocess.run(writer, check=True)
            print(f"day written in {perf_counter() - start:.1f} s")
        else:
            print(f"day reused from {path}")
        tokens, events = count(path)
        size = path.stat().st_size
        print(f"day: {tokens:,} tokens, {events:,} events, journal {size / 1e6:.0f} MB")
        base = [sys.executable, "-c", "import opd_tui.cli, opd_tui.store"]
        _, idle = run(base, Path(folder) / "idle.out")
        print(f"a child that only imports the command line: peak {idle / 2**20:.0f} MiB")
        opening = [sys.executable, __file__, "--open", str(path.resolve())]
        restarts = [run(opening, Path(folder) / "open.out") for _ in range(repeats)]
        print(
            f"a desk opening the day (a restart): median "
            f"{statistics.median(t for t, _ in restarts):.1f} s, peak memory "
            f"{max(p for _, p in restarts) / 2**20:.0f} MiB"
        )
        versions = {"this": ROOT} | ({"baseline": options.baseline} if options.baseline else {})
        for fmt in ("json", "csv"):
            command = [sys.executable, "-m", "opd_tui", "export", "--db", str(path.resolve())]
            command += ["--day", DAY.isoformat(), "--format", fmt]
            times: dict[str, list[float]] = {name: [] for name in versions}
            peaks: dict[str, list[int]] = {name: [] for name in versions}
            for _ in range(repeats):  # alternated, so both see the same load on the machine
                for name, where in versions.items():
                    elapsed, peak = run(command, Path(folder) / f"{name}.{fmt}", where)
                    times[name].append(elapsed)
                    peaks[name].append(peak)
            digests = set()
            for name in versions:
                out = Path(folder) / f"{name}.{fmt}"
                digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
                digests.add(digest)
                print(
                    f"{name}: export --format {fmt}: median {statistics.median(times[name]):.1f} s "
                    f"(runs {', '.join(f'{t:.1f}' for t in times[name])}), peak memory "
                    f"{max(peaks[name]) / 2**20:.0f} MiB, output {out.stat().st_size / 1e6:.0f} MB, "
                    f"sha256 {digest}"
                )
            if len(digests) > 1:
                raise SystemExit(f"the two versions wrote different {fmt} exports")


if __name__ == "__main__":
    main()
