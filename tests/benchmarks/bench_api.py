"""How fast is the HTTP service? The target: on loopback, >= 2,000 bookings per second sustained,
every one durable in the journal, p99 latency <= 20 ms, while a dashboard on the same journal
stays live (it shows each booking within about a second).

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_api.py            # the full figures (~6 minutes)
    .venv/bin/python tests/benchmarks/bench_api.py --quick    # a fast smoke run (~1 minute)

Options: ``--repeats N`` runs at the target rate each way, ``--seconds S`` their length,
``--no-search`` skips the search for the highest sustained rate.

The day booked into (``--clinic``) is by default a hospital's: 300 doctors with eight one-hour
slots of 25 seats (60,000 seats), set up in a new journal before the service starts, as a
coordinator would have. ``--clinic demo`` books into the demo clinic's 16 slots instead, a stress
case for the dashboard: every slot's waitlist grows by thousands in a run.

Each run starts the real service (``opd-tui serve --port 0``) on a fresh journal in a temporary
folder, on 127.0.0.1 only, and stops it (SIGINT, then kill) when the run is over. Three more
processes are this file, run with an internal subcommand:

- ``_generate``: the load generator. Open loop at a fixed rate: booking i is due at
  ``start + i / rate`` whether or not earlier ones were answered, and its latency is measured from
  that due time, so a slow service cannot hide its queue by slowing the client down (coordinated
  omission). Bookings go over a pool of keep-alive HTTP/1.1 connections, one request at a time on
  each; a booking due while every connection is busy waits for one, and its wait counts. The
  client is a small raw HTTP/1.1 client on uvloop written here. It POSTs ``/v1/tokens`` spread
  uniformly over the day's slots (from GET /v1/slots) with a source mix of walk-in 35 %, online
  30 %, follow-up 20 %, paid 10 %, emergency 5 %. A short warm-up goes first and is not timed.
- ``_dashboard``: the dashboard (``OpdApp`` on ``journal_desk(db, None)``, as ``opd-tui
  --db`` opens it) run headless with ``run_test(size=(120, 40))`` on the same journal. It times
  each poll tick (twice a second: read other desks' events, replay them, update the tables) and
  notes how many bookings the header shows after it. A booking's *visibility delay* is the time
  from its 201 (as the generator saw it) to the end of the first tick that shows it; *staleness*,
  sampled every 0.25 s, is the age of the newest booking the header shows. Negative figures are
  possible: a booking is durable, and can be seen, just before its answer reaches the client.
  *UI lag* is how late the 0.25 s sampling timer fires: the dashboard's event loop being busy.
- ``_null``: a stand-in server that answers every request at once with a 201 of the same size,
  to measure what the client itself costs (its latency floor and CPU at the target rate).

Durability: after each run the service is stopped and the journal is read with sqlite3: its
``book`` actions must equal the 201 answers (warm-up included). Batches (bookings per commit) are
estimated from the journal too: the bookings of one batch are decided back to back by the writer,
microseconds apart (their recorded ``at``), while the next batch is decided only after the
previous commit, its fsync and the event loop's turn; a gap of more than ``BATCH_GAP`` between two
consecutive bookings' times starts a new batch. The service's CPU (the event-loop thread, where
the journal writer runs too, and any other threads) and the time its threads were ready but
waited for a core (other work on the machine) come from /proc schedstat, over the timed run only. The service runs Python
under one GIL, so its CPU per booking bounds its rate: 1 / (CPU per booking) at best.

The target rate is run ``--repeats`` times with the dashboard off and on, alternately; the table
shows medians over those runs. Then the highest sustained rate is searched for, dashboard off and
on: rates step up until a step misses twice running (p99 > 20 ms, an error, a 201 missing from the
journal, answered bookings behind the schedule by more than 2 %, or with the dashboard its p99
visibility delay over a second). The machine's cores and load, and which opd_tui runs, are printed
first; the children run this checkout's opd_tui. Only loopback is used; every wait is bounded;
everything started is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import itertools
import json
import os
import platform
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
HOSPITAL_DOCTORS = 300  # --clinic hospital: 2,400 slots of 25 seats, 60,000 seats in all
HOSPITAL_SEATS = 25
TARGET_RATE = 2000.0
TARGET_P99 = 0.020
TARGET_LIVE = 1.0  # seconds: the dashboard shows a booking (p99) within about a second
SOURCES = ("walk-in", "online", "follow-up", "paid", "emergency")
WEIGHTS = (35, 30, 20, 10, 5)
CONNECTIONS = 64
WARM_UP = 300  # bookings at 300/s before the timed run (answered, recorded, not timed)
BATCH_GAP = 0.0003  # between two bookings' decision times: a new batch (checked against the
# writer's own count: 9,642 estimated for 9,641 batches of 20,300 bookings at 2,000/s, and
# 10,985 for 10,980 batches of 30,300 at 3,000/s)
START_TIMEOUT = 60.0
DRAIN_TIMEOUT = 15.0  # after the last due time: longer is a failure, not a wait

# ---------------------------------------------------------------------- small helpers


def pct(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return "-" if seconds != seconds else f"{seconds * 1000:.1f} ms"


def cpu_seconds(pid: int) -> tuple[float, float, float]:
    """A process's CPU seconds on its main thread and on its other threads, and the seconds its
    threads were ready to run but waited for a core (a busy machine), from /proc schedstat."""
    main = other = waited = 0.0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            ran, wait, _ = (int(n) / 1e9 for n in (task / "schedstat").read_text().split())
            waited += wait
            if task.name == str(pid):
                main += ran
            else:
                other += ran
    except (OSError, ValueError):
        pass
    return main, other, waited


class CpuSampler:
    """Samples processes' CPU four times a second on a thread, to share it out over a window."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.samples: list[tuple[float, dict[str, tuple[float, float, float]]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        for _ in range(10_000):  # 40 minutes at most
            self.samples.append(
                (time.monotonic(), {name: cpu_seconds(pid) for name, pid in self.pids.items()})
            )
            if self._stop.wait(0.25):
                return

    def share(self, name: str, start: float, end: float) -> tuple[float, float, float]:
        """(main thread, other threads, waiting for a core) over [start, end], as a share of
        that time: 1.0 is one core all along."""
        inside = [(t, cpu[name]) for t, cpu in self.samples if start <= t <= end]
        if len(inside) < 2:
            return float("nan"), float("nan"), float("nan")
        (t0, first), (t1, last) = inside[0], inside[-1]
        return tuple((b - a) / (t1 - t0) for a, b in zip(first, last, strict=True))  # type: ignore[return-value]


# ---------------------------------------------------------------------- the load generator


class Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection carrying one request at a time."""

    def __init__(self, generator: Generator) -> None:
        self.generator = generator
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.current: tuple[int, float, float] | None = None  # (index, due, sent)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def send(self, index: int, due: float, request: bytes) -> None:
        assert self.transport is not None and self.current is None
        self.current = (index, due, time.monotonic())
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.current is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            status = int(self.buffer[9:12])
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            current, self.current = self.current, None
            self.generator.answered(self, current, status, body)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.generator.lost(self, self.current)
        self.current = None


@dataclass
class Generator:
    port: int
    requests: list[bytes]
    free: list[Connection] = field(default_factory=list)
    waiting: list[tuple[int, float]] = field(default_factory=list)  # due but no connection free
    waiting_at: int = 0
    backlog_max: int = 0
    done: int = 0
    ok: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0
    latency: list[float] = field(default_factory=list)
    on_wire: list[float] = field(default_factory=list)  # sent to answer, without the wait
    send_lag: list[float] = field(default_factory=list)  # due to sent, with a connection free
    acks: list[tuple[int, float]] = field(default_factory=list)  # (token arrival number, time)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0

    async def connect(self, count: int) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(count):
            _, protocol = await loop.create_connection(lambda: Connection(self), HOST, self.port)
            self.free.append(protocol)

    def dispatch(self, index: int, due: float) -> None:
        if self.free:
            connection = self.free.pop()
            connection.send(index, due, self.requests[index])
            assert connection.current is not None
            self.send_lag.append(connection.current[2] - due)
        else:
            self.waiting.append((index, due))
            self.backlog_max = max(self.backlog_max, len(self.waiting) - self.waiting_at)

    def answered(
        self, connection: Connection, current: tuple[int, float, float], status: int, body: bytes
    ) -> None:
        now = time.monotonic()
        _, due, sent = current
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 201:
            self.ok += 1
            self.latency.append(now - due)
            self.on_wire.append(now - sent)
            at = body.find(b'"id":"T')
            if at >= 0:
                self.acks.append((int(body[at + 7 : body.find(b'"', at + 7)]), now))
        self._next(connection)

    def lost(self, connection: Connection, current: tuple[int, float, float] | None) -> None:
        if current is not None:
            self.failures += 1
            self._count()
        if connection in self.free:
            self.free.remove(connection)

    def _next(self, connection: Connection) -> None:
        self._count()
        if self.waiting_at < len(self.waiting):
            index, due = self.waiting[self.waiting_at]
            self.waiting_at += 1
            connection.send(index, due, self.requests[index])
        else:
            self.free.append(connection)

    def _count(self) -> None:
        self.done += 1
        if self.done >= self.expected:
            self.finished.set()

    async def run(self, rate: float, first: int, count: int) -> float:
        """Send requests[first:first + count] open-loop at ``rate``; returns the start time."""
        self.expected = self.done + count
        self.finished.clear()
        start = time.monotonic() + 0.05
        i = 0
        deadline = start + count / rate + 5.0
        while i < count and time.monotonic() < deadline:
            now = time.monotonic()
            while i < count and start + i / rate <= now:
                self.dispatch(first + i, start + i / rate)
                i += 1
            if i < count:  # uvloop's timers count whole milliseconds: less would spin
                await asyncio.sleep(max(0.001, start + i / rate - time.monotonic()))
        self.expected -= count - i  # never sent (the loop overran its deadline): not awaited
        if self.done >= self.expected:
            self.finished.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.finished.wait(), DRAIN_TIMEOUT)
        return start


def booking_requests(port: int, slots: list[str], count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    head = (
        f"POST /v1/tokens HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    requests = []
    for n in range(count):
        body = json.dumps(
            {
                "slot_id": rng.choice(slots),
                "patient": f"Patient {seed:02d}-{n:06d}",
                "source": rng.choices(SOURCES, WEIGHTS)[0],
            },
            separators=(",", ":"),
        ).encode()
        requests.append(head.format(length=len(body)).encode() + body)
    return requests


async def generate(
    port: int, rate: float, seconds: float, slots: list[str], seed: int
) -> dict[str, Any]:
    count = int(rate * seconds)
    warm = WARM_UP if slots else 0
    requests = booking_requests(port, slots or ["rao-09"], warm + count, seed)
    generator = Generator(port, requests)
    await generator.connect(CONNECTIONS)
    if warm:
        await generator.run(300.0, 0, warm)
    warm_ok = generator.ok
    generator.latency, generator.on_wire, generator.send_lag, generator.acks = [], [], [], []
    cpu = time.process_time()
    start = await generator.run(rate, warm, count)
    ended = time.monotonic()
    cpu = time.process_time() - cpu
    last = max((t for _, t in generator.acks), default=ended)
    return {
        "rate": rate,
        "count": count,
        "start": start,
        "ended": ended,
        "warm_ok": warm_ok,
        "ok": generator.ok - warm_ok,
        "statuses": generator.statuses,
        "failures": generator.failures,
        "unanswered": generator.expected - generator.done,
        "latency": generator.latency,
        "on_wire": generator.on_wire,
        "send_lag": generator.send_lag,
        "acks": generator.acks,
        "last_ack": last,
        "backlog_max": generator.backlog_max,
        "client_cpu": cpu / max(1e-9, ended - start),
    }


def generate_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_api.py _generate")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--slots", default="", help="comma-separated; none: no warm-up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    import uvloop

    slots = [s for s in args.slots.split(",") if s]
    result = uvloop.run(generate(args.port, args.rate, args.seconds, slots, args.seed))
    args.out.write_text(json.dumps(result))
    return 0


# ---------------------------------------------------------------------- the stand-in server

NULL_BODY = b'{"status":"BOOKED","token":{"id":"T00001"' + b" " * 372 + b"}"


class NullServer(asyncio.Protocol):
    transport: asyncio.Transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no asyncio.Transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(
                b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(NULL_BODY), NULL_BODY)
            )


def null_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_api.py _null")
    parser.add_argument("--seconds", type=float, default=120.0, help="stops by itself after")
    args = parser.parse_args(argv)
    import uvloop

    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(NullServer, HOST, 0)
        print(f"listening on http://{HOST}:{server.sockets[0].getsockname()[1]}", flush=True)
        await asyncio.sleep(args.seconds)
        server.close()

    uvloop.run(serve())
    return 0


# ---------------------------------------------------------------------- the dashboard


def shown_bookings(app: Any) -> int | None:
    """How many bookings the dashboard's header counts (every token, whatever became of it);
    None once the dashboard is closing."""
    from textual.css.query import NoMatches

    from opd_tui.ui.header import ClinicHeader

    try:
        t = app.query_one(ClinicHeader).totals
    except NoMatches:
        return None
    return int(t.booked + t.waiting + t.served + t.no_shows + t.cancelled)


async def dashboard(db: Path, limit: float, out: Path) -> None:
    from opd_tui.ui.app import OpdApp
    from opd_tui.wiring import journal_desk

    opened = time.monotonic()
    desk = journal_desk(db, None)
    app = OpdApp(desk, history=desk.history)
    ticks: list[tuple[float, float, int]] = []  # (end, duration, bookings shown after)
    samples: list[tuple[float, int, float]] = []  # (time, bookings shown, timer lateness)
    tick = app.tick

    def timed_tick() -> None:
        began = time.monotonic()
        tick()
        ended = time.monotonic()
        if (shown := shown_bookings(app)) is not None:
            ticks.append((ended, ended - began, shown))

    app.tick = timed_tick  # type: ignore[method-assign]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def wait_for_eof() -> None:  # the bench closes stdin when the load is over
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_eof, daemon=True).start()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(f"ready in {time.monotonic() - opened:.2f} s", flush=True)
        deadline = time.monotonic() + limit
        due = time.monotonic()
        while not stop.is_set() and time.monotonic() < deadline:
            due += 0.25
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, due - time.monotonic()))
            now = time.monotonic()
            if (shown := shown_bookings(app)) is not None:
                samples.append((now, shown, now - due))
            due = max(due, now - 0.25)
    out.write_text(json.dumps({"ticks": ticks, "samples": samples}))


def dashboard_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_api.py _dashboard")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--limit", type=float, default=300.0, help="stops by itself after")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    asyncio.run(dashboard(args.db, args.limit, args.out))
    return 0


# ---------------------------------------------------------------------- the bench


class Processes:
    """Everything the bench starts, stopped (SIGINT, then kill) however the bench ends."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, command: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(command, env=child_env(), **kwargs)
        self.started.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if process in self.started:
            self.started.remove(process)

    def stop_all(self) -> None:
        for process in list(self.started):
            self.stop(process, grace=3.0)


def this_file(subcommand: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), subcommand, *args]


def wait_for_line(path: Path, pattern: str, process: subprocess.Popen[bytes]) -> re.Match[str]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace") if path.exists() else ""
        if found := re.search(pattern, text):
            return found
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} ended ({process.returncode}): {text.strip()}")
        time.sleep(0.05)
    raise RuntimeError(f"no line matching {pattern!r} in {START_TIMEOUT:.0f} s")


def run_generator(processes: Processes, folder: Path, seconds: float, *args: str) -> dict[str, Any]:
    """Run the load generator to its end (bounded) and read what it measured."""
    out, log = folder / "g.json", folder / "generator.log"
    with log.open("wb") as err:
        generator = processes.start(
            this_file("_generate", *args, "--out", str(out)), stdout=err, stderr=err
        )
    with contextlib.suppress(subprocess.TimeoutExpired):
        generator.wait(seconds + DRAIN_TIMEOUT + 60)
    processes.stop(generator)
    if generator.returncode != 0 or not out.exists():
        raise RuntimeError(
            f"the load generator failed ({generator.returncode}):\n{log.read_text()}"
        )
    return dict(json.loads(out.read_text()))


def get_json(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as answer:
        return json.loads(answer.read())


@dataclass
class Run:
    rate: float
    dashboard: bool
    gen: dict[str, Any]
    book_actions: int
    batches: int
    service_cpu: tuple[float, float, float]  # event loop, other threads, waiting for a core
    dashboard_cpu: tuple[float, float, float]
    ticks: list[tuple[float, float, int]] = field(default_factory=list)
    samples: list[tuple[float, int, float]] = field(default_factory=list)
    dashboard_ready: str = ""

    @property
    def ok(self) -> int:
        return int(self.gen["ok"])

    @property
    def achieved(self) -> float:
        return self.ok / max(1e-9, float(self.gen["last_ack"]) - float(self.gen["start"]))

    @property
    def errors(self) -> int:
        return int(self.gen["count"]) - self.ok

    @property
    def cpu_per_booking(self) -> float:
        """Both service threads' CPU per answered booking: under the GIL, 1 / this is the most
        the service could answer a second on a core of its own."""
        return (self.service_cpu[0] + self.service_cpu[1]) / max(1e-9, self.achieved)

    @property
    def durable(self) -> bool:
        return self.book_actions == self.ok + int(self.gen["warm_ok"])

    def latency(self, q: float) -> float:
        return pct(self.gen["latency"], q)

    @property
    def passed(self) -> bool:
        sustained = self.achieved >= 0.98 * self.rate
        live = not self.dashboard or pct(self.visibility(), 0.99) <= TARGET_LIVE
        fast = self.latency(0.99) <= TARGET_P99
        return sustained and self.errors == 0 and self.durable and fast and live

    def window(self) -> tuple[float, float]:
        return self.gen["start"], self.gen["last_ack"]

    def visibility(self) -> list[float]:
        """Each timed booking: its 201 to the end of the first tick that shows it."""
        if not self.ticks:
            return []
        ends = [t for t, _, _ in self.ticks]
        counts = [c for _, _, c in self.ticks]
        delays = []
        for arrival, acked in self.gen["acks"]:
            i = bisect.bisect_left(counts, arrival)
            if i < len(counts):
                delays.append(ends[i] - acked)
        return delays

    def staleness(self) -> list[float]:
        """At each 0.25 s sample during the load: the age of the newest booking shown."""
        acked = dict(self.gen["acks"])
        start, end = self.window()
        return [
            now - acked[shown]
            for now, shown, _ in self.samples
            if start + 1.0 <= now <= end and shown in acked
        ]

    def tick_times(self, last: float | None = None) -> list[float]:
        """Poll ticks during the load (or in its ``last`` seconds): the day grows as it runs."""
        start, end = self.window()
        if last is not None:
            start = max(start, end - last)
        return [d for t, d, _ in self.ticks if start <= t <= end + 0.5]

    def ui_lag(self) -> list[float]:
        start, end = self.window()
        return [lag for t, _, lag in self.samples if start <= t <= end]


def journal_figures(db: Path, skip: int) -> tuple[int, int]:
    """(book actions, estimated commits of the book actions after the first ``skip``: the
    warm-up's, all answered before the timed run began) read from the journal file."""
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT at FROM actions WHERE name = 'book' ORDER BY id").fetchall()
    finally:
        con.close()
    times = [datetime.fromisoformat(at).timestamp() for (at,) in rows[skip:]]
    batches = 1 + sum(1 for a, b in itertools.pairwise(times) if b - a > BATCH_GAP) if times else 0
    return len(rows), batches


def code_version() -> str:
    """Which opd_tui the processes run: this checkout's commit, and whether its code is edited."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        edited = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "opd_tui"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"opd_tui from {ROOT}"
    if not commit:
        return f"opd_tui from {ROOT}"
    return f"opd_tui from {ROOT} at {commit}{' (with uncommitted changes)' if edited else ''}"


def child_env() -> dict[str, str]:
    """The environment of the processes started: this checkout's opd_tui comes first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def service_command(db: Path) -> list[str]:
    script = Path(sys.executable).with_name("opd-tui")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "opd_tui"]
    return [*base, "serve", "--db", str(db), "--host", HOST, "--port", "0"]


def run_once(
    processes: Processes,
    rate: float,
    seconds: float,
    with_dashboard: bool,
    seed: int,
    clinic: str = "hospital",
) -> Run:
    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        here = Path(folder)
        db = here / "j.db"
        if clinic == "hospital":
            open_hospital_day(db)
        log = here / "service.log"
        with log.open("wb") as err:
            service = processes.start(service_command(db), stderr=err, stdout=err)
        board = None
        try:
            found = wait_for_line(log, r"http://127\.0\.0\.1:(\d+)/v1", service)
            port = int(found.group(1))
            slots = [slot["id"] for slot in get_json(port, "/v1/slots")]
            if with_dashboard:
                board_log = here / "dashboard.log"
                with board_log.open("wb") as board_err:
                    board = processes.start(
                        this_file("_dashboard", "--db", str(db), "--out", str(here / "d.json")),
                        stdin=subprocess.PIPE,
                        stdout=board_err,
                        stderr=board_err,
                    )
                ready = wait_for_line(board_log, r"ready in [\d.]+ s", board).group(0)
            pids = {"service": service.pid} | ({"dashboard": board.pid} if board else {})
            with CpuSampler(pids) as sampler:
                gen = run_generator(
                    processes,
                    here,
                    seconds + WARM_UP / 300,
                    *("--port", str(port), "--rate", str(rate), "--seconds", str(seconds)),
                    *("--slots", ",".join(slots), "--seed", str(seed)),
                )
            start, end = gen["start"], gen["last_ack"]
            service_cpu = sampler.share("service", start, end)
            board_cpu = sampler.share("dashboard", start, end) if board else (float("nan"),) * 3
            ticks: list[Any] = []
            samples: list[Any] = []
            if board is not None:
                assert board.stdin is not None
                board.stdin.close()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    board.wait(30)
                processes.stop(board)
                shown = json.loads((here / "d.json").read_text())
                ticks, samples = shown["ticks"], shown["samples"]
            processes.stop(service)
            if service.returncode not in (0, -signal.SIGINT):
                print(f"  (the service ended with {service.returncode})", file=sys.stderr)
        finally:
            for process in (board, service):
                if process is not None:
                    processes.stop(process, grace=3.0)
        books, batches = journal_figures(db, gen["warm_ok"])
    run = Run(rate, with_dashboard, gen, books, batches, service_cpu, board_cpu, ticks, samples)
    if with_dashboard:
        run.dashboard_ready = ready
    return run


def calibrate(processes: Processes, rate: float, seconds: float) -> dict[str, Any]:
    """The client alone against the stand-in server: its latency floor and CPU at ``rate``."""
    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        log = Path(folder) / "null.log"
        with log.open("wb") as out:
            null = processes.start(
                this_file("_null", "--seconds", str(seconds + 60)), stdout=out, stderr=out
            )
        try:
            port = int(wait_for_line(log, r"http://127\.0\.0\.1:(\d+)", null).group(1))
            return run_generator(
                processes,
                Path(folder),
                seconds,
                *("--port", str(port), "--rate", str(rate), "--seconds", str(seconds)),
            )
        finally:
            processes.stop(null, grace=3.0)


def describe(run: Run) -> str:
    gen = run.gen
    line = (
        f"  {run.rate:>6.0f}/s {'dashboard' if run.dashboard else 'no dashboard':<12} "
        f"achieved {run.achieved:>6.0f}/s  p50 {ms(run.latency(0.5))}  "
        f"p99 {ms(run.latency(0.99))}  max {ms(run.latency(1.0))}  "
        f"errors {run.errors}  journal {run.book_actions}/{run.ok + gen['warm_ok']} "
        f"{'ok' if run.durable else 'MISMATCH'}  "
        f"{run.ok / max(1, run.batches):.1f}/commit  "
        f"service CPU {run.service_cpu[0]:.0%}+{run.service_cpu[1]:.0%} "
        f"(waited {run.service_cpu[2]:.0%}; {run.cpu_per_booking * 1000:.2f} ms a booking)  "
        f"client CPU {gen['client_cpu']:.0%}  wait-for-connection max {gen['backlog_max']}"
    )
    if run.dashboard:
        line += (
            f"\n{'':>23}dashboard ({run.dashboard_ready}): seen after p50 "
            f"{ms(pct(run.visibility(), 0.5))} "
            f"p99 {ms(pct(run.visibility(), 0.99))} max {ms(pct(run.visibility(), 1.0))}; "
            f"tick p50 {ms(pct(run.tick_times(), 0.5))} (last 3 s {ms(pct(run.tick_times(3), 0.5))}) "
            f"max {ms(pct(run.tick_times(), 1.0))}; "
            f"UI lag max {ms(pct(run.ui_lag(), 1.0))}; CPU {sum(run.dashboard_cpu[:2]):.0%}"
        )
    return line + ("" if run.passed else "   <- misses")


def median_of(runs: list[Run], figure: Any) -> float:
    values = [figure(run) for run in runs]
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def table(off: list[Run], on: list[Run], client: dict[str, Any]) -> None:
    rows: list[tuple[str, Any, str, str]] = [
        ("bookings/s sustained", lambda r: r.achieved, ">= 2000/s", "rate"),
        ("latency p50", lambda r: r.latency(0.5), "", "ms"),
        ("latency p90", lambda r: r.latency(0.9), "", "ms"),
        ("latency p99", lambda r: r.latency(0.99), "<= 20 ms", "ms"),
        ("latency max", lambda r: r.latency(1.0), "", "ms"),
        ("errors (not 201)", lambda r: r.errors, "0", "count"),
        ("201s not in journal", lambda r: r.ok + r.gen["warm_ok"] - r.book_actions, "0", "count"),
        ("bookings per commit", lambda r: r.ok / max(1, r.batches), "", "x"),
        ("service CPU, event loop", lambda r: r.service_cpu[0], "", "share"),
        ("service CPU, other threads", lambda r: r.service_cpu[1], "", "share"),
        ("client CPU", lambda r: r.gen["client_cpu"], "", "share"),
        ("service CPU per booking", lambda r: r.cpu_per_booking, "", "ms2"),
        ("service: waiting for a core", lambda r: r.service_cpu[2], "", "share"),
        ("dashboard CPU", lambda r: r.dashboard_cpu[0] + r.dashboard_cpu[1], "", "share"),
        ("dashboard: booking seen p50", lambda r: pct(r.visibility(), 0.5), "", "ms"),
        ("dashboard: booking seen p99", lambda r: pct(r.visibility(), 0.99), "<= ~1 s", "ms"),
        ("dashboard: booking seen max", lambda r: pct(r.visibility(), 1.0), "<= ~1 s", "ms"),
        ("dashboard: staleness p50", lambda r: pct(r.staleness(), 0.5), "", "ms"),
        ("dashboard: staleness p99", lambda r: pct(r.staleness(), 0.99), "<= ~1 s", "ms"),
        ("dashboard: staleness max", lambda r: pct(r.staleness(), 1.0), "", "ms"),
        ("dashboard: tick p50", lambda r: pct(r.tick_times(), 0.5), "", "ms"),
        ("dashboard: tick p99", lambda r: pct(r.tick_times(), 0.99), "", "ms"),
        ("dashboard: tick max", lambda r: pct(r.tick_times(), 1.0), "", "ms"),
        ("dashboard: tick p50, last 3 s", lambda r: pct(r.tick_times(3), 0.5), "", "ms"),
        ("dashboard: UI lag max", lambda r: pct(r.ui_lag(), 1.0), "", "ms"),
    ]

    def show(value: float, unit: str) -> str:
        if value != value:
            return "-"
        if unit == "rate":
            return f"{value:.0f}/s"
        if unit == "ms":
            return f"{value * 1000:.1f} ms"
        if unit == "ms2":
            return f"{value * 1000:.2f} ms"
        if unit == "share":
            return f"{value:.0%}"
        if unit == "x":
            return f"{value:.1f}"
        return f"{value:.0f}"

    print(
        f"\nmedians over {len(off)} + {len(on)} runs at {TARGET_RATE:.0f}/s "
        f"(client alone, stand-in server: p50 {ms(pct(client['latency'], 0.5))}, "
        f"p99 {ms(pct(client['latency'], 0.99))}, CPU {client['client_cpu']:.0%})"
    )
    print(f"{'measure':<30}{'no dashboard':>14}{'dashboard':>14}{'target':>12}")
    for name, figure, target, unit in rows:
        left = show(median_of(off, figure), unit)
        right = show(median_of(on, figure), unit)
        print(f"{name:<30}{left:>14}{right:>14}{target:>12}")


def hospital_set_up(engine: Any) -> list[Any]:
    """HOSPITAL_DOCTORS doctors, each with eight one-hour slots of HOSPITAL_SEATS seats."""
    events: list[Any] = []
    for d in range(HOSPITAL_DOCTORS):
        doctor = f"d{d:03d}"
        events += engine.add_doctor(doctor, f"Dr {doctor.upper()}", "Medicine")
        for hour in range(9, 17):
            events += engine.add_slot(
                f"{doctor}-{hour}", doctor, f"{hour:02d}:00", f"{hour + 1:02d}:00", HOSPITAL_SEATS
            )
    return events


def open_hospital_day(db: Path) -> None:
    """Start today's day in a new journal with the hospital, as a coordinator's set-up would."""
    from datetime import date

    from opd_tui.store import JournalDesk, SqliteStore

    desk = JournalDesk(
        SqliteStore(db), date.today(), setup=hospital_set_up, clinic_name="City Hospital"
    )
    desk.close()


def find_max(
    processes: Processes,
    seconds: float,
    rates: list[float],
    with_dashboard: bool,
    seed: int,
    clinic: str,
) -> Run | None:
    """Step up through ``rates`` until one misses twice running (one miss may be a noisy
    neighbour); the last that passed."""
    best = None
    for n, rate in enumerate(rates):
        run = run_once(processes, rate, seconds, with_dashboard, seed + n, clinic)
        print(describe(run), flush=True)
        if not run.passed:
            run = run_once(processes, rate, seconds, with_dashboard, seed + n + 50, clinic)
            print(describe(run) + "  (again)", flush=True)
            if not run.passed:
                break
        best = run
    return best


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    internal = {"_generate": generate_main, "_dashboard": dashboard_main, "_null": null_main}
    if args and args[0] in internal:
        return internal[args[0]](args[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--repeats", type=int, help="runs at the target rate, each way")
    parser.add_argument("--seconds", type=float, help="length of a run at the target rate")
    parser.add_argument("--no-search", action="store_true", help="skip the highest-rate search")
    parser.add_argument(
        "--clinic",
        choices=("hospital", "demo"),
        default="hospital",
        help="the day booked into: 300 doctors x 8 slots of 25 seats (default), or the demo "
        "clinic's 16 slots, whose waitlists grow by thousands",
    )
    options = parser.parse_args(args)
    quick = options.quick
    repeats = options.repeats or (1 if quick else 3)
    seconds = options.seconds or (4.0 if quick else 20.0)
    step_seconds = 3.0 if quick else 10.0
    rates = [1000.0, 1500.0, 2000.0, 2500.0, 3000.0, 3500.0, 4000.0, 5000.0, 6000.0]
    if quick:
        rates = rates[::2]
    began = time.monotonic()

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"machine: {cores} cores ({platform.machine()}), load {os.getloadavg()[0]:.2f}; "
        f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}; "
        f"{CONNECTIONS} connections, open loop; journal in {tempfile.gettempdir()}"
    )
    print(code_version())
    day = (
        f"{HOSPITAL_DOCTORS} doctors x 8 slots x {HOSPITAL_SEATS} seats"
        if options.clinic == "hospital"
        else "the demo clinic's 16 slots"
    )
    print(f"clinic: {day}")
    processes = Processes()
    try:
        client = calibrate(processes, TARGET_RATE, 3.0 if quick else 5.0)
        print(
            f"client alone (stand-in server) at {TARGET_RATE:.0f}/s: "
            f"p50 {ms(pct(client['latency'], 0.5))} p99 {ms(pct(client['latency'], 0.99))} "
            f"max {ms(pct(client['latency'], 1.0))}, send lag p99 "
            f"{ms(pct(client['send_lag'], 0.99))}, CPU {client['client_cpu']:.0%} of a core"
        )
        print(f"\nat the target rate, {seconds:.0f} s each:")
        off: list[Run] = []
        on: list[Run] = []
        for n in range(repeats):  # alternated, so a noisy spell hurts both alike
            for with_dashboard, runs in ((False, off), (True, on)):
                run = run_once(processes, TARGET_RATE, seconds, with_dashboard, n, options.clinic)
                runs.append(run)
                print(describe(run), flush=True)
        table(off, on, client)
        if not options.no_search:
            found = {}
            for with_dashboard in (False, True):
                way = "dashboard on" if with_dashboard else "dashboard off"
                print(f"\nhighest sustained rate, {way}, {step_seconds:.0f} s a step:")
                seed = 100 * (2 + with_dashboard)
                found[way] = find_max(
                    processes, step_seconds, rates, with_dashboard, seed, options.clinic
                )
            for way, best in found.items():
                if best is None:
                    print(
                        f"highest sustained rate, {way}: below {rates[0]:.0f}/s  (target >= 2000/s)"
                    )
                else:
                    print(
                        f"highest sustained rate, {way}: {best.rate:.0f}/s "
                        f"(p99 {ms(best.latency(0.99))})  (target >= 2000/s)"
                    )
        print(f"\n(took {time.monotonic() - began:.0f} s)")
    finally:
        processes.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
