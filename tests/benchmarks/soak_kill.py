"""Kill the HTTP service with SIGKILL again and again while it books, and count what was lost.

Each round starts ``opd-tui serve`` on the same journal, books from several client threads with
an Idempotency-Key per booking, kills the service at a random moment, and sends every booking
that got no answer again (same key) to the next round's service. At the end every acknowledged
booking must be in the journal exactly once, and nothing may be in it twice.

Run: .venv/bin/python tests/benchmarks/soak_kill.py [--kills 30] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(r"on (http://127\.0\.0\.1:\d+/v1) ")
SLOTS = ["rao-09", "rao-10", "rao-11", "rao-12", "mehta-10", "mehta-11", "iyer-10", "khan-11"]


def start(db: Path, first: bool) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "opd_tui", "serve", "--db", str(db), "--port", "0"]
    if first:
        command += ["--new", "--demo"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    found = URL.search(process.stderr.readline())
    if found is None:
        process.kill()
        raise SystemExit("the service did not start")
    return process, found.group(1)


def book(url: str, key: str, n: int) -> int | None:
    """The answer's status, or None if the service went away before answering."""
    body = {"slot_id": SLOTS[n % len(SLOTS)], "patient": f"Patient {n}", "source": "walk-in"}
    request = urllib.request.Request(
        f"{url}/tokens",
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code
    except OSError:
        return None


class Soak:
    """What the clients share: the next booking's number, what was acknowledged, what was not."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counter = 0
        self.acknowledged: set[str] = set()
        self.again: list[tuple[str, int]] = []  # unanswered last round: sent again this round
        self.unanswered: list[tuple[str, int]] = []

    def client(self, url: str, stop: threading.Event) -> None:
        while not stop.is_set():
            with self.lock:
                if self.again:
                    key, n = self.again.pop()
                else:
                    self.counter += 1
                    key, n = f"soak-{self.counter}", self.counter
            status = book(url, key, n)
            with self.lock:
                if status == 201:
                    self.acknowledged.add(key)
                elif status is None or status == 503:
                    self.unanswered.append((key, n))
            if status is None:
                return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(2026)
    folder = Path(tempfile.mkdtemp(prefix="opd-soak-"))
    db = folder / "j.db"
    soak = Soak()
    started = time.monotonic()
    for round_ in range(args.kills):
        process, url = start(db, first=round_ == 0)
        soak.again, soak.unanswered = soak.unanswered, []
        stop = threading.Event()
        threads = [
            threading.Thread(target=soak.client, args=(url, stop)) for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        for thread in threads:
            thread.join()
    process, url = start(db, first=False)  # the last round's unanswered ones, once more
    for key, n in soak.again + soak.unanswered:
        if book(url, key, n) == 201:
            soak.acknowledged.add(key)
    process.send_signal(signal.SIGTERM)
    process.wait()
    con = sqlite3.connect(db)
    keys = [row[0] for row in con.execute("SELECT key FROM request_keys WHERE action = 'book'")]
    books = con.execute("SELECT count(*) FROM actions WHERE name = 'book'").fetchone()[0]
    lost = soak.acknowledged - set(keys)
    twice = len(keys) - len(set(keys))
    print(f"{args.kills} kills in {time.monotonic() - started:.0f} s, {args.clients} clients")
    print(f"acknowledged bookings: {len(soak.acknowledged):,}; bookings in the journal: {books:,}")
    print(f"lost: {len(lost)}; recorded twice: {twice}; booked without a key: {books - len(keys)}")
    return 0 if not lost and not twice and books == len(keys) else 1


if __name__ == "__main__":
    sys.exit(main())
