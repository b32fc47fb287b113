"""Roll back: decisions the journal failed to record leave no trace in the day, and the next
decisions are the ones a day that never saw them would make."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from store_helpers import MORNING, SetClock, clinic_set_up, random_action, snapshot

from opd_tui.engine import Engine, OpdError


def play(engine: Engine, clock: SetClock, rng: random.Random, count: int) -> list[object]:
    """``count`` random actions; what each returned (its events, or the refusal's text)."""
    results: list[object] = []
    for _ in range(count):
        command = random_action(engine, rng)
        clock.now += timedelta(seconds=7)
        try:
            results.append(engine.execute(command))
        except OpdError as error:
            results.append(str(error))
    return results


def twin() -> tuple[Engine, SetClock]:
    clock = SetClock(MORNING)
    engine = Engine(clock=clock)
    clinic_set_up(engine)
    return engine, clock


@pytest.mark.parametrize("seed", range(40))
def test_a_rolled_back_batch_leaves_the_day_as_if_it_never_happened(seed: int) -> None:
    (held, held_clock), (plain, plain_clock) = twin(), twin()
    assert play(held, held_clock, random.Random(seed), 60) == play(
        plain, plain_clock, random.Random(seed), 60
    )
    now = plain_clock.now
    held.hold()
    play(held, held_clock, random.Random(seed + 1000), 120)  # more than undo keeps
    assert held.roll_back() is True
    assert snapshot(held) == snapshot(plain)
    # The next decisions are those of the day that never saw the rolled-back ones: same ids,
    # same numbers, the same undo record.
    held_clock.now = now
    after = play(held, held_clock, random.Random(seed + 2000), 40)
    assert after == play(plain, plain_clock, random.Random(seed + 2000), 40)
    assert snapshot(held) == snapshot(plain)
    assert held.undo() == plain.undo()


def test_after_release_nothing_is_rolled_back() -> None:
    held, _ = twin()
    held.hold()
    held.book("rao-10", "Asha Menon", "walk-in")
    held.release()
    assert held.roll_back() is False
    assert [t.patient for t in held.tokens()] == ["Asha Menon"]


@pytest.mark.parametrize(
    "meanwhile",
    [
        lambda e: e.add_doctor("sen", "Dr Sen", "ENT"),
        lambda e: e.add_slot("rao-15", "rao", "15:00", "16:00", 2),
        lambda e: e.undo(),
        lambda e: e.apply_all([]),
        lambda e: e.forget_actions(),
    ],
    ids=["doctor", "slot", "undo", "replay", "forget"],
)
def test_set_up_undo_or_replay_cannot_be_rolled_back_and_change_nothing(meanwhile: object) -> None:
    engine, _ = twin()
    engine.book("rao-10", "Asha Menon", "walk-in")
    engine.hold()
    engine.book("rao-10", "Bala Iyer", "online")
    meanwhile(engine)  # type: ignore[operator]
    state = snapshot(engine)
    assert engine.roll_back() is False
    assert snapshot(engine) == state
