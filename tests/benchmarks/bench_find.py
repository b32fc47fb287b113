"""How fast does the desk find a patient? Each kind of query on a hospital day of 60,000 tokens,
through the engine's indexes, beside a scan of every token for the same query.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_find.py            # the full figures
    .venv/bin/python tests/benchmarks/bench_find.py --quick    # a fast smoke run

The day: 300 doctors with 8 hourly slots of 25 seats, every seat booked (60,000 tokens); names
from 40 first names and 40 surnames, every other patient with a phone and every third with a
patient id. Each query is timed many times (``Engine.find``, which copies what it returns, at
most 50 tokens); the figure is the median. A desk that books keeps the indexes up to date as it
goes; one that restores a day indexes it on its first query: that one is reported on its own. The scan is what the search did before the indexes: every
token's name (or number, or phone) compared in turn.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from opd_tui.engine import Engine, Token

AT = datetime(2026, 12, 3, 8, 0)
SOURCES = ("emergency", "paid", "follow-up", "online", "walk-in")
FIRST = [
    "Aarav",
    "Ananya",
    "Rohan",
    "Diya",
    "Kabir",
    "Isha",
    "Vihaan",
    "Meera",
    "Asha",
    "Bala",
    "Chitra",
    "Dev",
    "Esha",
    "Farah",
    "Gopal",
    "Hari",
    "Indu",
    "Jaya",
    "Kiran",
    "Lata",
    "Mohan",
    "Nila",
    "Om",
    "Priya",
    "Qadir",
    "Ravi",
    "Sita",
    "Tara",
    "Uma",
    "Varun",
    "Wasim",
    "Yash",
    "Zoya",
    "Arjun",
    "Neha",
    "Sanjay",
    "Pooja",
    "Rahul",
    "Sneha",
    "Vikram",
]
SURNAMES = [
    "Menon",
    "Iyer",
    "Das",
    "Kumar",
    "Rao",
    "Pillai",
    "Shah",
    "Patel",
    "Gupta",
    "Singh",
    "Nair",
    "Reddy",
    "Joshi",
    "Bose",
    "Sen",
    "Khan",
    "Ali",
    "Verma",
    "Mehta",
    "Chopra",
    "Kapoor",
    "Malhotra",
    "Bhat",
    "Hegde",
    "Kulkarni",
    "Desai",
    "Jain",
    "Agarwal",
    "Banerjee",
    "Ghosh",
    "Mukherjee",
    "Chatterjee",
    "Dutta",
    "Roy",
    "Saxena",
    "Tiwari",
    "Pandey",
    "Mishra",
    "Yadav",
    "Thakur",
]


def hospital(doctors: int, slots: int, seats: int) -> Engine:
    engine = Engine(clock=lambda: AT)
    n = 0
    for d in range(doctors):
        doctor = f"d{d:03d}"
        engine.add_doctor(doctor, f"Dr {d}", "General")
        for s in range(slots):
            slot = f"{doctor}-{s}"
            engine.add_slot(slot, doctor, f"{8 + s:02d}:00", f"{8 + s:02d}:59", seats)
            for _ in range(seats):
                name = f"{FIRST[n % len(FIRST)]} {SURNAMES[n // len(FIRST) % len(SURNAMES)]}"
                phone = f"98{n:08d}" if n % 2 == 0 else ""
                mrn = f"MRN-{n:06d}" if n % 3 == 0 else ""
                engine.book(slot, name, SOURCES[n % 5], phone=phone, patient_id=mrn)
                n += 1
    return engine


def scan(engine: Engine, text: str) -> Callable[[], list[Token]]:
    """The search before the indexes: every token looked at, for the same kinds of match."""
    tokens = engine._day.tokens
    needle = text.strip().casefold()

    def run() -> list[Token]:
        return [
            t
            for t in tokens.values()
            if needle in t.patient.casefold()
            or needle == t.number.casefold()
            or (t.phone and t.phone.endswith(needle))
            or needle == t.patient_id.casefold()
        ][:50]

    return run


def median_us(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = perf_counter()
        run()
        times.append(perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small day, few repeats")
    args = parser.parse_args()
    doctors, repeats, scans = (20, 20, 3) if args.quick else (300, 200, 5)
    start = perf_counter()
    engine = hospital(doctors, 8, 25)
    built = perf_counter() - start
    tokens = len(engine.tokens())
    restored = Engine.restore(engine.snapshot(), clock=lambda: AT)
    start = perf_counter()
    restored.book("d000-0", "Asha Menon", "walk-in", phone="98450 12345")
    guarded = perf_counter() - start
    start = perf_counter()
    restored.find("asha")
    first = perf_counter() - start
    print(f"{tokens:,} tokens, built in {built:.1f} s. On a restored day, the first booking "
          f"with a phone (indexes the day's phones and ids): {guarded * 1e3:.1f} ms; the first "
          f"find (indexes the rest): {first * 1e3:.0f} ms")  # fmt: skip
    queries = {
        "number as printed": "D123-014" if doctors > 123 else "D012-014",
        "number, digits only": "14",
        "phone": "98 0001 2344" if doctors > 1 else "9800000000",
        "patient id": "mrn-000123",
        "one name word": "asha",
        "two name words": "asha me",
        "nothing found": "zzz",
    }
    print(
        f"{'query':<22} {'text':<14} {'found':>5} {'indexed µs':>11} {'scan µs':>10} {'ratio':>7}"
    )
    for label, text in queries.items():
        found = len(engine.find(text))
        indexed = median_us(lambda text=text: engine.find(text), repeats)  # type: ignore[misc]
        scanned = median_us(scan(engine, text), scans)
        print(
            f"{label:<22} {text:<14} {found:>5} {indexed:>11.1f} {scanned:>10.0f} "
            f"{scanned / indexed:>6.0f}×"
        )


if __name__ == "__main__":
    main()
