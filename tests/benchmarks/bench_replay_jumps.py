"""How fast are the replay bar's jumps on a hospital-scale day? The target: `home`, `end` and
`g 11:30` each in <= 100 ms on a 100,000-action day.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_replay_jumps.py            # the full figures
    .venv/bin/python tests/benchmarks/bench_replay_jumps.py --quick    # a fast smoke run

The day is the one tests/benchmarks/bench_simulate.py generates (300 doctors, eight one-hour
slots each, 100,000 actions from 07:00 to 17:00, fixed seed). It is set up as
``opd-tui --scenario`` sets it up (``wiring.replay_desk``): rehearsed, its checkpoints made, then
shown from the opening with the whole day recorded ahead. What is timed is the call the replay
bar makes for a jump, ``Player.go`` (nothing decided again: the checkpoint at or before the
target, restored, then the recorded events of the steps after it), with the collector on. Each
jump starts from where the one before left the player: to the end from the opening, back to the
opening, to 11:30 from there, and so on round; then random targets drawn from a fixed seed.
Figures are medians and worsts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_simulate import DAY, generate

from opd_tui.scenario.load import rehearse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small day, few jumps")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    doctors, actions = (30, 10_000) if args.quick else (300, 100_000)
    rounds = 1 if args.quick else args.rounds
    text = generate(doctors, actions)
    started = perf_counter()
    player = rehearse(text, file="bench.toml", day=DAY)
    rehearsal = perf_counter() - started
    started = perf_counter()
    player.engine_at(player.position)
    player.seek(0)
    made = perf_counter() - started
    end = len(player.scenario.timeline)
    half_past_eleven = player.position_at("11:30")
    print(f"day: {doctors} doctors, {end:,} actions; 11:30 is after {half_past_eleven:,}")
    print(f"rehearsal {rehearsal:.2f} s; checkpoints made and back at the opening {made:.2f} s")
    timings: dict[str, list[float]] = {"end": [], "home": [], "g 11:30": []}
    for _ in range(rounds):
        for name, target in (("end", end), ("home", 0), ("g 11:30", half_past_eleven)):
            started = perf_counter()
            reached = player.go(target)
            timings[name].append(perf_counter() - started)
            assert reached == target == player.position, (name, reached, target)
    rng = random.Random(7)
    timings["random"] = []
    for _ in range(5 if args.quick else 20):
        target = rng.randrange(end + 1)
        started = perf_counter()
        player.go(target)
        timings["random"].append(perf_counter() - started)
    for name, seconds in timings.items():
        print(
            f"{name:>8}: median {statistics.median(seconds) * 1000:6.1f} ms, "
            f"worst {max(seconds) * 1000:6.1f} ms over {len(seconds)}"
        )


if __name__ == "__main__":
    main()
