"""How fast is the engine? Its targets, beside a plain port of the seed design.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_engine.py            # the full figures
    .venv/bin/python tests/benchmarks/bench_engine.py --quick    # a fast smoke run

Every workload is generated in advance from a fixed seed by simulating it on the seed reference,
so invalid picks (serving a waiting token, moving into the same slot) are skipped before timing
and both implementations run exactly the same valid operations; their final seating is compared.
Runs of the engine and the reference alternate, so a busy machine skews both sides alike. The
day's throughput is the median over whole runs, by the wall clock and by the process's CPU time
(which leaves out the time other processes had the core); the one-slot cost per operation is the
median over rounds of ten operations (from all runs), so a scheduling hiccup in a run of a few
milliseconds does not decide it. The garbage collector stays on (as in real use), but the
workload's own objects are frozen out of its sight before each timed run.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from time import perf_counter, process_time
from typing import NamedTuple, Protocol

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from seed_reference import BOOKED, LEVELS, SeedEngine

from opd_tui.engine import Engine, Status

SOURCES = ("emergency", "paid", "follow-up", "online", "walk-in")
SOURCE_WEIGHTS = (5, 10, 20, 30, 35)
DAY_MIX = {"book": 60, "cancel": 15, "bump": 10, "no_show": 5, "serve": 5, "move": 5}
FIRST = ("Asha", "Ravi", "Meena", "Imran", "Lakshmi", "Arjun", "Fatima", "Suresh", "Divya", "Jo")
LAST = ("Rao", "Iyer", "Khan", "Mehta", "Das", "Nair", "Singh", "Patel", "Reddy", "Thomas")

# An operation: ("book", slot, patient, source), ("cancel" | "no_show" | "serve", token),
# ("bump", token, up) or ("move", token, slot).
Op = tuple[str, ...] | tuple[str, str, bool]
Call = tuple[Callable[..., object], tuple[object, ...]]


class Allocator(Protocol):
    def book(self, slot_id: str, patient: str, source: str) -> object: ...
    def cancel(self, token_id: str) -> object: ...
    def no_show(self, token_id: str) -> object: ...
    def serve(self, token_id: str) -> object: ...
    def bump(self, token_id: str, *, up: bool = ...) -> object: ...
    def move(self, token_id: str, slot_id: str) -> object: ...


@dataclass(frozen=True)
class Layout:
    """Doctors and their slots: (slot id, start hour, capacity) per doctor."""

    doctors: dict[str, list[tuple[str, int, int]]]

    @staticmethod
    def day(doctors: int, slots: int, capacity: int) -> Layout:
        return Layout(
            {
                f"d{d:03d}": [(f"d{d:03d}-{8 + h:02d}", 8 + h, capacity) for h in range(slots)]
                for d in range(doctors)
            }
        )

    def slot_ids(self) -> list[str]:
        return [slot_id for slots in self.doctors.values() for slot_id, _, _ in slots]

    def engine(self) -> Engine:
        engine = Engine()
        for doctor_id, slots in self.doctors.items():
            engine.add_doctor(doctor_id, f"Dr {doctor_id}", "general medicine")
            for slot_id, hour, capacity in slots:
                engine.add_slot(
                    slot_id, doctor_id, f"{hour:02d}:00", f"{hour + 1:02d}:00", capacity
                )
        return engine

    def seed(self) -> SeedEngine:
        seed = SeedEngine()
        for doctor_id, slots in self.doctors.items():
            seed.add_doctor(doctor_id)
            for slot_id, _, capacity in slots:
                seed.add_slot(slot_id, doctor_id, capacity)
        return seed


@dataclass
class Workload:
    layout: Layout
    setup: list[Op]  # run before timing
    ops: list[Op]  # timed
    skipped: int = 0

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(DAY_MIX, 0)
        for op in self.ops:
            counts[op[0]] += 1
        return counts


# ---------------------------------------------------------------------- workloads


class Simulator:
    """Plays a workload on the seed reference while generating it, to pick only valid ops."""

    def __init__(self, layout: Layout, rng: random.Random) -> None:
        self.sim = layout.seed()
        self.rng = rng
        self.ops: list[Op] = []
        self.patients = 0

    def book(self, slot_id: str) -> str:
        rng = self.rng
        self.patients += 1
        patient = f"{rng.choice(FIRST)} {rng.choice(LAST)} {self.patients}"
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        self.ops.append(("book", slot_id, patient, source))
        return self.sim.book(slot_id, patient, source).id

    def leave(self, kind: str, token_id: str) -> None:
        self.ops.append((kind, token_id))
        getattr(self.sim, kind)(token_id)

    def bump(self, token_id: str) -> None:
        priority = self.sim.token_map[token_id].priority
        up = self.rng.random() < 0.5
        if priority in (LEVELS[0], LEVELS[-1]):  # only one way to go
            up = priority == LEVELS[0]
        self.ops.append(("bump", token_id, up))
        self.sim.bump(token_id, up=up)

    def move(self, token_id: str, slot_id: str) -> None:
        self.ops.append(("move", token_id, slot_id))
        self.sim.move(token_id, slot_id)


def day_workload(doctors: int, bookings: int, seed: int) -> Workload:
    """A clinic day: ``bookings`` books among the target mix; others pick a random live token."""
    layout = Layout.day(doctors, 8, 25)
    slot_ids = layout.slot_ids()
    rng = random.Random(seed)
    gen = Simulator(layout, rng)
    live: list[str] = []  # live token ids; a swap-remove keeps picks O(1)
    where: dict[str, int] = {}
    kinds, weights = list(DAY_MIX), list(DAY_MIX.values())
    skipped = booked = 0

    def drop(token_id: str) -> None:
        i = where.pop(token_id)
        last = live.pop()
        if last != token_id:
            live[i] = last
            where[last] = i

    while booked < bookings:
        kind = rng.choices(kinds, weights)[0]
        if kind == "book":
            token_id = gen.book(rng.choice(slot_ids))
            where[token_id] = len(live)
            live.append(token_id)
            booked += 1
            continue
        if not live:
            skipped += 1
            continue
        token_id = rng.choice(live)
        if kind in ("cancel", "no_show"):
            gen.leave(kind, token_id)
            drop(token_id)
        elif kind == "serve":
            if gen.sim.token_map[token_id].status != BOOKED:
                skipped += 1
                continue
            gen.leave(kind, token_id)
            drop(token_id)
        elif kind == "bump":
            gen.bump(token_id)
        else:
            to = rng.choice(slot_ids)
            if to == gen.sim.token_map[token_id].slot_id:
                skipped += 1
                continue
            gen.move(token_id, to)
    return Workload(layout, [], gen.ops, skipped)


ROUND = 10  # operations in one round of the slot workload


def slot_workload(waiting: int, rounds: int, seed: int) -> Workload:
    """One slot of capacity 200 with ``waiting`` more on its waitlist; a side slot for moves.

    Each round of ten operations (three books, two cancels, a no-show, two bumps, a move out and a
    move in) leaves the slot's size unchanged, so every round sees the same waitlist length.
    """
    layout = Layout({"big": [("big", 9, 200)], "side": [("side", 9, 50)]})
    rng = random.Random(seed)
    gen = Simulator(layout, rng)
    for _ in range(200 + waiting):
        gen.book("big")
    for _ in range(100):
        gen.book("side")
    setup, gen.ops = gen.ops, []
    sim = gen.sim

    def booked() -> str:
        return rng.choice(sim.slots["big"].tokens).id

    def waiting_one() -> str:
        return rng.choice(sim.waitlist["big"]).id

    def any_in(slot_id: str) -> str:
        tokens, waitlist = sim.slots[slot_id].tokens, sim.waitlist[slot_id]
        i = rng.randrange(len(tokens) + len(waitlist))
        return (tokens[i] if i < len(tokens) else waitlist[i - len(tokens)]).id

    for _ in range(rounds):
        gen.book("big")
        gen.leave("cancel", booked())
        gen.bump(any_in("big"))
        gen.book("big")
        gen.leave("cancel", waiting_one())
        gen.bump(any_in("big"))
        gen.book("big")
        gen.leave("no_show", booked())
        gen.move(any_in("big"), "side")
        gen.move(any_in("side"), "big")
    return Workload(layout, setup, gen.ops)


# ---------------------------------------------------------------------- running


def bind(target: Allocator, ops: Sequence[Op]) -> list[Call]:
    """Each op as a bound method and its arguments, so the timed loop does nothing else."""
    methods: dict[str, Callable[..., object]] = {
        "book": target.book,
        "cancel": target.cancel,
        "no_show": target.no_show,
        "serve": target.serve,
        "move": target.move,
        "bump-up": partial(target.bump, up=True),
        "bump-down": partial(target.bump, up=False),
    }
    calls: list[Call] = []
    for op in ops:
        if op[0] == "bump":
            calls.append((methods["bump-up" if op[2] else "bump-down"], (op[1],)))
        else:
            calls.append((methods[op[0]], op[1:]))
    return calls


def run(calls: list[Call], chunk: int) -> list[Timing]:
    """Seconds per ``chunk`` consecutive calls, with the collector on but blind to the harness."""
    batches = [calls[i : i + chunk] for i in range(0, len(calls), chunk)]
    times: list[Timing] = []
    gc.collect()
    gc.freeze()
    try:
        for batch in batches:
            start, start_cpu = perf_counter(), process_time()
            for method, args in batch:
                method(*args)
            times.append(Timing(perf_counter() - start, process_time() - start_cpu))
        return times
    finally:
        gc.unfreeze()


def seating(target: Engine | SeedEngine, layout: Layout) -> dict[str, tuple[set[str], set[str]]]:
    """Each slot's live booked and waiting token ids, to check both sides agree."""
    result = {}
    for slot_id in layout.slot_ids():
        if isinstance(target, Engine):
            view = target.slot_view(slot_id)
            booked = {s.token.id for s in view.booked if s.token.status is Status.BOOKED}
            result[slot_id] = (booked, {t.id for t in view.waiting})
        else:
            waiting = {t.id for t in target.waitlist[slot_id]}
            result[slot_id] = ({t.id for t in target.slots[slot_id].tokens}, waiting)
    return result


class Timing(NamedTuple):
    wall: float  # perf_counter
    cpu: float  # process_time: leaves out the time other processes had the core


def timings(workload: Workload, repeats: int, chunk: int) -> tuple[list[Timing], list[Timing]]:
    """Seconds per chunk of ops for the engine and the seed reference, in alternating runs.

    The first run of each checks that both sides end with the same seating.
    """
    engine_times: list[Timing] = []
    seed_times: list[Timing] = []
    for i in range(repeats):
        for side, times in (("engine", engine_times), ("seed", seed_times)):
            target: Engine | SeedEngine
            target = workload.layout.engine() if side == "engine" else workload.layout.seed()
            for method, args in bind(target, workload.setup):
                method(*args)
            times.extend(run(bind(target, workload.ops), chunk))
            if i == 0 and side == "engine":
                engine_seating = seating(target, workload.layout)
            elif i == 0 and engine_seating != seating(target, workload.layout):
                raise SystemExit("the engine and the seed reference disagree on the seating")
    return engine_times, seed_times


def memory_per_token(make: Callable[[], Engine | SeedEngine], slot_ids: list[str], n: int) -> float:
    """Bytes traced per live token after ``n`` bookings (patient names included), real clock."""
    rng = random.Random(7)
    picks = [(rng.choice(slot_ids), rng.choice(SOURCES)) for _ in range(n)]
    target = make()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i, (slot_id, source) in enumerate(picks):
            target.book(slot_id, f"Patient {i}", source)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / n


# ---------------------------------------------------------------------- report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a small, fast smoke run")
    parser.add_argument("--repeats", type=int, help="timed runs per figure (default 7, quick 3)")
    parser.add_argument("--seed", type=int, default=2, help="random seed of the workloads")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    doctors, bookings = (30, 8_000) if args.quick else (300, 80_000)
    rounds = 60 if args.quick else 200

    print(
        f"CPython {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {repeats} alternating runs per figure"
    )
    rows: list[tuple[str, str, str, str, str]] = []

    day = day_workload(doctors, bookings, args.seed)
    mix = ", ".join(f"{kind} {n:,}" for kind, n in day.counts().items())
    print(f"day: {doctors} doctors × 8 slots × 25 seats, {len(day.ops):,} ops ({mix})")
    print(f"     ({day.skipped:,} invalid picks skipped while generating)")
    engine_t, seed_t = timings(day, repeats, len(day.ops))
    for clock in ("wall", "cpu"):
        e, s = (
            len(day.ops) / statistics.median(getattr(t, clock) for t in ts)
            for ts in (engine_t, seed_t)
        )
        what = "day throughput, ops/s" + (" (CPU time)" if clock == "cpu" else "")
        rows.append((what, f"{e:,.0f}", f"{s:,.0f}", f"{e / s:.2f}×", ">= 200,000"))

    print(f"one slot: capacity 200, {rounds} rounds of {ROUND} ops per run, median round ÷ {ROUND}")
    per_op: dict[int, tuple[float, float]] = {}
    for waiting in (10, 10_000):
        work = slot_workload(waiting, rounds, args.seed)
        engine_t, seed_t = timings(work, repeats, ROUND)
        e, s = (statistics.median(t.wall for t in ts) / ROUND * 1e6 for ts in (engine_t, seed_t))
        per_op[waiting] = (e, s)
        rows.append(
            (f"one slot, waitlist {waiting:,}: µs/op", f"{e:.2f}", f"{s:.2f}", f"{e / s:.2f}×", "")
        )
    (e10, s10), (e10k, s10k) = per_op[10], per_op[10_000]
    rows.append(("one slot, 10,000 ÷ 10", f"{e10k / e10:.2f}×", f"{s10k / s10:.1f}×", "", "<= 2×"))

    layout = Layout.day(doctors, 8, 25)
    n = bookings
    e = memory_per_token(layout.engine, layout.slot_ids(), n)
    s = memory_per_token(layout.seed, layout.slot_ids(), n)
    rows.append(
        ("memory per live token, bytes", f"{e:,.0f}", f"{s:,.0f}", f"{e / s:.2f}×", "<= 600")
    )

    head = ("figure", "engine", "seed ref", "engine ÷ seed", "target")
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(5)]
    for row in (head, *rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells).rstrip())


if __name__ == "__main__":
    main()
