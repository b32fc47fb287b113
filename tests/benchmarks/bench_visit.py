"""How fast is the visit? Check-in + call next on a hospital day, and what call next costs as a
doctor's queue grows.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_visit.py            # the full figures
    .venv/bin/python tests/benchmarks/bench_visit.py --quick    # a fast smoke run

The hospital day: 300 doctors with 8 hourly slots of 25 seats, every seat booked (60,000
tokens). A timed run checks in every booked token and calls the doctor's next patient after each
check-in, doctor after doctor: one pair per token. Each run builds a fresh day (untimed); the
figure is the median over runs, by the wall clock and by the process's CPU time.

The scaling run calls next, again and again, for one doctor whose one slot holds n present booked
tokens, for n from 100 to 100,000: a scan would cost in proportion to n, a heap to log n.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
from datetime import datetime
from pathlib import Path
from time import perf_counter, process_time

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from opd_tui.engine import Engine

AT = datetime(2026, 12, 3, 8, 0)
SOURCES = ("emergency", "paid", "follow-up", "online", "walk-in")


def hospital(doctors: int, slots: int, seats: int) -> tuple[Engine, list[tuple[str, str]]]:
    """A full hospital day, and each booked token with its doctor, doctor by doctor."""
    engine = Engine(clock=lambda: AT)
    pairs: list[tuple[str, str]] = []
    for d in range(doctors):
        doctor = f"d{d:03d}"
        engine.add_doctor(doctor, f"Dr {d}", "General")
        for s in range(slots):
            slot = f"{doctor}-{s}"
            engine.add_slot(slot, doctor, f"{8 + s:02d}:00", f"{8 + s:02d}:59", seats)
            for n in range(seats):
                events = engine.book(slot, f"Patient {n}", SOURCES[(n * 7 + s) % 5])
                pairs.append((events[-1].token_id, doctor))  # type: ignore[attr-defined]
    return engine, pairs


def one_run(doctors: int, slots: int, seats: int) -> tuple[float, float, int]:
    engine, pairs = hospital(doctors, slots, seats)
    check_in, call_next = engine.check_in, engine.call_next
    gc.collect()
    gc.freeze()
    wall, cpu = perf_counter(), process_time()
    for token_id, doctor in pairs:
        check_in(token_id)
        call_next(doctor)
    wall, cpu = perf_counter() - wall, process_time() - cpu
    gc.unfreeze()
    assert engine.day_stats().called == len(pairs)
    return wall, cpu, len(pairs)


def call_cost(present: int, calls: int) -> float:
    """Microseconds per call next for a doctor with ``present`` present booked tokens."""
    engine = Engine(clock=lambda: AT)
    engine.add_doctor("rao", "Dr Rao", "General")
    engine.add_slot("rao-08", "rao", "08:00", "20:00", present)
    for n in range(present):
        events = engine.book("rao-08", f"Patient {n}", SOURCES[n % 5])
        engine.check_in(events[-1].token_id)  # type: ignore[attr-defined]
    gc.collect()
    start = perf_counter()
    for _ in range(calls):
        engine.call_next("rao")
    return (perf_counter() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small day, few runs")
    args = parser.parse_args()
    doctors, runs = (30, 3) if args.quick else (300, 7)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu, pairs = one_run(doctors, 8, 25)
        walls.append(pairs / wall)
        cpus.append(pairs / cpu)
    print(f"check-in + call next, {doctors} doctors, {pairs:,} tokens, {runs} runs")
    print(f"  median {statistics.median(walls):>10,.0f} pairs/s (wall)")
    print(f"  median {statistics.median(cpus):>10,.0f} pairs/s (cpu)   target >= 100,000")
    sizes = (100, 1_000, 10_000) if args.quick else (100, 1_000, 10_000, 100_000)
    costs = {n: statistics.median(call_cost(n, 100) for _ in range(3)) for n in sizes}
    print("call next for one doctor, by present booked tokens (median of 3, 100 calls each)")
    for n, cost in costs.items():
        print(f"  {n:>7,} present: {cost:6.2f} µs a call  ({cost / costs[sizes[0]]:.2f}× of 100)")


if __name__ == "__main__":
    main()
