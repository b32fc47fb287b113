"""Real processes on one journal: killed mid-write, and two desks writing at once.

The children are ``store_helpers.py`` run as a script; see its docstring.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

from store_helpers import DAY, expected_after, open_journal, redecide, snapshot

from opd_tui.store import OPEN_DAY, SqliteStore, encode

HELPER = Path(__file__).with_name("store_helpers.py")
KILLS = 50


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HELPER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_desk_killed_at_random_moments_loses_and_half_writes_nothing(tmp_path: Path) -> None:
    rng = random.Random(2026)
    committed_counts = []
    for run in range(KILLS):
        db = tmp_path / f"crash-{run}.db"
        seed = 100 + run
        child = _child("crash", str(db), str(seed))
        assert child.stdout is not None
        assert child.stdout.readline() == "start\n"
        if run % 5 == 4:
            # Sometimes kill while the journal itself is being created and its day opened.
            time.sleep(rng.uniform(0.0, 0.03))
        else:
            assert child.stdout.readline() == "ready\n"
            time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.communicate()
        assert child.returncode == -signal.SIGKILL, run

        store = SqliteStore(db)  # opens cleanly, whatever moment the kill hit
        if store.day(DAY) is None:
            assert store.actions(DAY) == []
            committed_counts.append(-1)
            continue
        actions = store.actions(DAY)
        assert actions[0].name == OPEN_DAY
        committed = len(actions) - 1
        restored = open_journal(db).engine
        assert snapshot(restored) == snapshot(redecide(store)), run
        assert snapshot(restored) == expected_after(seed, committed), run
        committed_counts.append(committed)
        store.close()
    # The kills landed at many different moments, most of them in the middle of a busy desk.
    assert len(set(committed_counts)) > KILLS // 2
    assert sum(count > 10 for count in committed_counts) > KILLS // 2


def test_two_desks_writing_the_same_slots_at_once_lose_and_duplicate_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "shared.db"
    # Both desks create the journal and open its first day at once: one set-up, not two.
    count = 1000
    outs = [tmp_path / "told-a.jsonl", tmp_path / "told-b.jsonl"]
    children = [
        _child("writer", str(db), str(seed), str(count), str(out))
        for seed, out in zip((11, 12), outs, strict=True)
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    desk_ids = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
        desk_ids.append(stdout.strip())

    store = SqliteStore(db)
    actions = store.actions(DAY)
    assert len(actions) == 1 + 2 * count
    assert [a.name for a in actions].count(OPEN_DAY) == 1
    by_id = {action.id: action for action in actions}
    recorded: dict[int, list[tuple[str, str, str]]] = {}
    for r in store.events(DAY):
        recorded.setdefault(r.action_id, []).append(encode(r.event))
    for desk_id, out in zip(desk_ids, outs, strict=True):
        told = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(told) == count
        for entry in told:
            action = by_id[entry["action_id"]]
            assert action.desk == desk_id
            assert recorded.get(action.id, []) == [tuple(e) for e in entry["events"]]
        assert sum(a.desk == desk_id and a.name != OPEN_DAY for a in actions) == count
    # Both desks' actions interleaved, and deciding them again one by one gives the same day.
    order = [a.desk for a in actions[1:]]
    switches = sum(1 for x, y in pairwise(order) if x != y)
    assert switches > 10
    restored = open_journal(db).engine
    assert snapshot(restored) == snapshot(redecide(store))


OPEN_AT_ONCE = """
import sys
from opd_tui.store import SqliteStore
print("ready", flush=True)
sys.stdin.readline()
SqliteStore(sys.argv[1]).close()
print("opened")
"""


def test_desks_opening_a_new_journal_at_the_same_moment_all_get_in(tmp_path: Path) -> None:
    for round_ in range(5):
        db = tmp_path / f"new-{round_}.db"
        children = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AT_ONCE, str(db)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(6)
        ]
        for child in children:  # all imported and waiting; then let them go together
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            stdout, stderr = child.communicate(timeout=60)
            assert (child.returncode, stdout, stderr) == (0, "opened\n", ""), round_
