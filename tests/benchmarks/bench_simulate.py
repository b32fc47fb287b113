"""How fast is ``opd-tui simulate``, and going back in a day? The targets, for a hospital-scale
day: simulate in <= 2 s; step back or jump to any point in <= 100 ms.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_simulate.py            # the full figures
    .venv/bin/python tests/benchmarks/bench_simulate.py --quick    # a fast smoke run

The day is generated in advance from a fixed seed: 300 doctors with eight one-hour slots each, and
100,000 timeline actions from 07:00 to 17:00 (bookings, serves, cancels, no-shows, bumps, moves,
capacity changes, delays). The generator plays every action through the engine as it writes it,
so the file is valid and loads without a refusal. The timings cover what the command does: read,
decode, check, rehearse the day through the engine, build the report and render it. Figures are
medians over the repeats; the garbage collector stays on.

The jumps are timed on a ``Player`` that played the whole day, keeping its checkpoints as it does
by default. A jump (``rewind``) throws away the steps after its target, so before each one the
day is played on to its end again by the rules, untimed, and a full collection clears the garbage
that left; the jump itself runs with the collector on. What is timed is the whole call, as the
dashboard's replay bar makes it: going to the checkpoint at or before the target (back in place,
or restoring a new engine, whichever the player finds cheaper) and replaying the recorded events
after it. What it leaves behind (steps, checkpoints, the engine it replaced) the player frees a
little at a time in the steps played after it: here, in the untimed re-play. A look
(``engine_at``, the history view's way) keeps the day, and is timed the same way without the
re-play. Random targets are drawn once from a fixed seed, each timed once: their median and
worst are shown. One step
back is ``back`` at the end of the day: an undo, or else a rewind by one step, when something
else changed the engine since (here a capacity change, as a desk would make). Nothing carries
over from one repeat to the next but what the player itself keeps (its checkpoints). The
checkpoints' memory is what tracemalloc sees a played day hold with them, less without them.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from time import perf_counter, process_time

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from opd_tui.engine import Engine, OpdError, Status
from opd_tui.engine.model import format_hhmm
from opd_tui.scenario import Player, Scenario
from opd_tui.scenario.collector import collector_paused
from opd_tui.scenario.decode import decode
from opd_tui.scenario.load import rehearse
from opd_tui.scenario.parse import parse
from opd_tui.scenario.render import as_json, as_text
from opd_tui.scenario.report import day_report
from opd_tui.scenario.simulate import simulate

SOURCES = ("emergency", "paid", "follow-up", "online", "walk-in")
SOURCE_WEIGHTS = (4, 10, 20, 30, 36)
MIX = {"book": 52, "serve": 28, "cancel": 7, "no-show": 3, "bump": 5, "move": 3, "capacity": 1,
       "delay": 1}  # fmt: skip
FIRST = ("Asha", "Ravi", "Meena", "Imran", "Lakshmi", "Arjun", "Fatima", "Suresh", "Divya", "Joseph",
         "Kavya", "Rohan", "Zoya", "Harpreet", "Anil", "Priya", "Sanjay", "Nisha", "Farhan", "Uma")  # fmt: skip
LAST = ("Rao", "Iyer", "Khan", "Mehta", "Das", "Nair", "Singh", "Patel", "Reddy", "Thomas",
        "Kulkarni", "Bose", "Menon", "Qureshi", "Gill", "Joshi", "Pillai", "Verma", "Ali", "Sharma")  # fmt: skip
SPECIALTIES = ("Cardiology", "Orthopaedics", "Paediatrics", "Dermatology", "ENT", "Medicine")
DAY = date(2026, 11, 25)

Timing = tuple[float, float]  # wall and processor seconds


def generate(doctors: int, actions: int, seed: int = 5) -> str:
    """A valid clinic file: each action is played on an engine as it is chosen."""
    rng = random.Random(seed)
    minute = [7 * 60]
    engine = Engine(clock=lambda: datetime(2026, 11, 25, minute[0] // 60, minute[0] % 60))
    head = ['clinic = "District Hospital OPD"', 'opens = "07:00"', "", "timeline = ["]
    tail: list[str] = []
    slots: list[str] = []
    for d in range(doctors):
        doctor_id = f"d{d:03d}"
        engine.add_doctor(doctor_id, f"Dr {rng.choice(FIRST)} {rng.choice(LAST)}", "x")
        tail += ["", "[[doctors]]", f'id = "{doctor_id}"']
        tail += [f'name = "Dr {rng.choice(FIRST)} {rng.choice(LAST)}"']
        tail += [f'specialty = "{SPECIALTIES[d % len(SPECIALTIES)]}"', "slots = ["]
        for hour in range(9, 17):
            slot_id = f"{doctor_id}-{hour}"
            capacity = rng.randint(12, 24)
            engine.add_slot(slot_id, doctor_id, f"{hour:02d}:00", f"{hour + 1:02d}:00", capacity)
            slots.append(slot_id)
            tail.append(
                f'  {{ id = "{slot_id}", start = "{hour:02d}:00", end = "{hour + 1:02d}:00",'
                f" capacity = {capacity} }},"
            )
        tail.append("]")
    kinds = list(MIX)
    weights = list(MIX.values())
    live: list[str] = []  # token ids, possibly stale; checked before use
    label: dict[str, str] = {}
    lines: list[str] = []
    while len(lines) < actions:
        minute[0] = 7 * 60 + len(lines) * 600 // actions
        at = format_hhmm(minute[0])
        kind = rng.choices(kinds, weights)[0]
        try:
            if kind == "book" or not live:
                slot = rng.choice(slots)
                patient = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
                events = engine.book(slot, patient, source)
                token_id = events[-1].token_id  # type: ignore[attr-defined]
                label[token_id] = f"p{len(label)}"
                live.append(token_id)
                lines.append(
                    f'  {{ at = "{at}", book = "{slot}", patient = "{patient}",'
                    f' source = "{source}", label = "{label[token_id]}" }},'
                )
                continue
            if kind == "capacity":
                slot = rng.choice(slots)
                seats = max(0, engine.slot(slot).capacity + rng.choice((-3, -1, 1, 2, 4)))
                engine.set_capacity(slot, seats)
                lines.append(f'  {{ at = "{at}", capacity = "{slot}", to = {seats} }},')
                continue
            if kind == "delay":
                doctor = f"d{rng.randrange(doctors):03d}"
                engine.delay(doctor, 10)
                lines.append(f'  {{ at = "{at}", delay = "{doctor}", minutes = 10 }},')
                continue
            i = rng.randrange(len(live))
            token = engine.token(live[i])
            if not token.status.is_live:
                live[i] = live[-1]
                live.pop()
                continue
            ref = label[token.id]
            if kind == "serve":
                if token.status is not Status.BOOKED:
                    continue
                engine.serve(token.id)
                lines.append(f'  {{ at = "{at}", serve = "{ref}" }},')
            elif kind in ("cancel", "no-show"):
                (engine.cancel if kind == "cancel" else engine.no_show)(token.id)
                lines.append(f'  {{ at = "{at}", {kind} = "{ref}" }},')
            elif kind == "bump":
                up = rng.random() < 0.6
                engine.bump(token.id, up=up)
                lines.append(
                    f'  {{ at = "{at}", bump = "{ref}", to = "{"up" if up else "down"}" }},'
                )
            else:
                to = rng.choice(slots)
                engine.move(token.id, to)
                lines.append(f'  {{ at = "{at}", move = "{ref}", to = "{to}" }},')
        except OpdError:
            continue
    return "\n".join([*head, *lines, "]", *tail]) + "\n"


def median_time(run: object, repeats: int, *, paused: bool = False) -> Timing:
    """Median wall-clock and processor seconds (this process's and its children's): on a shared
    machine the two differ, and the processor time is what the work itself costs. ``paused``
    runs with the cycle collector paused, as ``simulate`` does."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = perf_counter(), _cpu()
        if paused:
            with collector_paused():
                run()  # type: ignore[operator]
        else:
            run()  # type: ignore[operator]
        walls.append(perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return process_time() + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small day, one repeat")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    doctors, actions = (30, 10_000) if args.quick else (300, 100_000)
    repeats = 1 if args.quick else args.repeats

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    start = perf_counter()
    text = generate(doctors, actions)
    print(
        f"generated {doctors} doctors, {doctors * 8} slots, {actions:,} actions"
        f" ({len(text) / 1e6:.1f} MB) in {perf_counter() - start:.1f} s"
    )
    scenario, found = parse(decode(text), "hospital.toml")
    assert not found
    figures = simulate_figures(text, scenario, repeats)
    print(f"  {'median of ' + str(repeats):<40} {'wall':>8} {'cpu':>8}")
    for name, (wall, cpu) in figures.items():
        print(f"  {name:<40} {wall * 1000:6.0f} ms {cpu * 1000:5.0f} ms")
    wall, _ = figures["simulate --json, in process"]
    print(f"target <= 2000 ms: {'met' if wall <= 2.0 else 'MISSED'} ({wall * 1000:.0f} ms wall)")
    print()
    jumps(scenario, repeats, random_targets=5 if args.quick else 20)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average while running: {load:.1f}")


def simulate_figures(text: str, scenario: Scenario, repeats: int) -> dict[str, Timing]:
    """Each part of ``simulate``, then the whole command in this process and in a new one."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hospital.toml"
        path.write_text(text, encoding="utf-8")

        def whole() -> None:
            out, err = io.StringIO(), io.StringIO()
            assert simulate(str(path), "json", day=DAY, out=out, err=err) == 0, err.getvalue()

        data = decode(text)
        player = rehearse(text, file="hospital.toml", day=DAY)
        figures = {
            "decode (TOML → data)": median_time(lambda: decode(text), repeats, paused=True),
            "check (data → scenario)": median_time(lambda: parse(data, "h"), repeats, paused=True),
            "play the day (engine)": median_time(
                lambda: Player(scenario, day=DAY, checkpoints=False).play_all(),
                repeats,
                paused=True,
            ),
            "play the day, keeping checkpoints": median_time(
                lambda: Player(scenario, day=DAY).play_all(), repeats, paused=True
            ),
            "report + JSON": median_time(lambda: as_json(day_report(player)), repeats, paused=True),
            "report + text": median_time(lambda: as_text(day_report(player)), repeats, paused=True),
            "simulate --json, in process": median_time(whole, repeats),
        }
        command = [sys.executable, "-m", "opd_tui", "simulate", str(path), "--json"]
        figures["opd-tui simulate --json, new process"] = median_time(
            lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL),
            max(1, repeats // 2),
        )
    return figures


def jumps(scenario: Scenario, repeats: int, random_targets: int) -> None:
    """Going back in a played day: medians (and the worst of the random targets) beside the
    100 ms target, then what the checkpoints cost in memory."""
    with collector_paused():
        player = Player(scenario, day=DAY)
        player.play_all()
    end, at = player.position, player.checkpoint_positions()
    middle, near_end = end // 2, end - end // 100
    targets = random.Random(11).sample(range(end), random_targets)

    def whole_day() -> None:
        with collector_paused():
            player.seek(end)  # played on to the end again, by the rules (nothing if there)

    def jump(target: int) -> Timing:
        whole_day()
        return timed(lambda: player.rewind(target))

    def look(target: int) -> Timing:
        whole_day()
        return timed(lambda: player.engine_at(target))

    def back() -> Timing:
        whole_day()
        return timed(player.back)

    def back_after_a_live_change() -> Timing:
        whole_day()
        slot = player.engine.slots()[0]
        player.engine.set_capacity(slot.id, slot.capacity + 1)  # a desk's action, not the file's
        return timed(player.back)  # which therefore rewinds

    rows: list[tuple[str, list[Timing]]] = [
        (f"jump to the middle (rewind to {middle:,})", [jump(middle) for _ in range(repeats)]),
        (f"jump near the end (rewind to {near_end:,})", [jump(near_end) for _ in range(repeats)]),
        (f"jump to {len(targets)} random points: median", [jump(t) for t in targets]),
        (f"look at the middle (engine_at {middle:,})", [look(middle) for _ in range(repeats)]),
        (f"look near the end (engine_at {near_end:,})", [look(near_end) for _ in range(repeats)]),
        (f"look at {len(targets)} random points: median", [look(t) for t in targets]),
        ("one step back (undo)", [back() for _ in range(repeats)]),
        ("one step back after a live change", [back_after_a_live_change() for _ in range(repeats)]),
    ]
    print(f"  {'going back, median of ' + str(repeats):<44} {'wall':>8} {'cpu':>8}  target")
    for name, times in rows:
        walls, cpus = zip(*times, strict=True)
        show(name, statistics.median(walls), statistics.median(cpus))
        if "random" in name:
            show(name.replace("median", "worst"), max(walls), max(cpus))
    with_them, without = day_memory(scenario, True), day_memory(scenario, False)
    gaps = [b - a for a, b in pairwise(at)]
    apart = f", {max(gaps):,} to {min(gaps):,} actions apart" if gaps else ""
    print(
        f"checkpoints: {len(at)}{apart}, {(with_them - without) / 1e6:.1f} MB"
        f" (the played day without them: {without / 1e6:.1f} MB)"
    )


def timed(run: Callable[[], object]) -> Timing:
    """One call's wall and processor seconds, the garbage collector on; the garbage of what came
    before is collected first, so the call pays only for its own."""
    gc.collect()
    wall, cpu = perf_counter(), _cpu()
    run()
    return perf_counter() - wall, _cpu() - cpu


def show(name: str, wall: float, cpu: float) -> None:
    verdict = "met" if wall <= 0.1 else "MISSED"
    print(f"  {name:<44} {wall * 1000:6.1f} ms {cpu * 1000:5.1f} ms  <= 100 ms {verdict}")


def day_memory(scenario: Scenario, checkpoints: bool) -> int:
    """Bytes tracemalloc sees a played day hold (its player, steps, events and engine)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        with collector_paused():
            player = Player(scenario, day=DAY, checkpoints=checkpoints)
            player.play_all()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        del player
        return held
    finally:
        tracemalloc.stop()


if __name__ == "__main__":
    main()
