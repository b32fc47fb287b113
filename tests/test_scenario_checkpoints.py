"""A player's checkpoints: going back to any moment restores the nearest one, then replays a few
steps. Whatever the route, the engine must hold exactly the day a replay of the recorded events
gives, and act the same from there. Checkpoints come every few steps here, so a short day has many.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import DAY
from test_engine_snapshot import state

from opd_tui.demo import scenario
from opd_tui.engine import Engine
from opd_tui.scenario import Player, ScenarioClock, loads
from opd_tui.scenario import play as play_module
from opd_tui.scenario.play import CHECKPOINT_REACH, checkpoint_gap

EVERY = 7


@pytest.fixture(autouse=True)
def _checkpoints_every_few_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(play_module, "checkpoint_gap", lambda tokens: EVERY)


def replay(player: Player, position: int, clock: ScenarioClock | None = None) -> Engine:
    """The day after ``position`` steps, rebuilt from the recorded events alone, its clock the
    player's (or ``clock``: a present patient's estimate is seen from now)."""
    engine = Engine(
        clock=clock or player.clock,
        priorities=dict(player.scenario.priorities),
        visit=player.scenario.visit,
    )
    engine.apply_all(player.set_up_events)
    for step in player.steps[:position]:
        engine.apply_all(step.events)
    return engine


def next_bookings(engine: Engine) -> list[Any]:
    """What the engine does with three more bookings: the ids and numbers it gives."""
    slot_ids = [slot.id for slot in engine.slots()]
    return [engine.book(slot_ids[i * 5 % len(slot_ids)], f"Extra {i}", "paid") for i in range(3)]


def played() -> Player:
    player = Player(scenario(), day=DAY)
    player.play_all()
    return player


def test_a_look_at_any_moment_is_the_day_a_replay_gives() -> None:
    player = played()
    for position in range(player.position + 1):
        past = player.engine_at(position)
        assert state(past) == state(replay(player, position)), position
    for position in (0, 5, EVERY, 3 * EVERY + 2, player.position):
        assert next_bookings(player.engine_at(position)) == next_bookings(replay(player, position))
    assert player.position == len(scenario().timeline)  # a look changes nothing


def test_rewinding_anywhere_then_playing_on_gives_the_day_the_rules_give() -> None:
    player, straight = played(), played()
    positions = list(range(player.position + 1))
    random.Random(4).shuffle(positions)
    for position in positions[:40]:
        player.rewind(position)
        assert state(player.engine) == state(replay(straight, position, player.clock)), position
        assert player.play_all() == straight.steps[position:]
        assert state(player.engine) == state(straight.engine)


def test_a_live_change_between_steps_never_gets_into_a_checkpoint() -> None:
    player = Player(scenario(), day=DAY)
    for _ in range(EVERY - 2):
        player.step()
    last_slot = player.engine.slots()[-1].id
    player.engine.book(last_slot, "Walk-in Visitor", "walk-in")  # live, not in the timeline
    for _ in range(3 * EVERY):
        player.step()
    for position in (EVERY, 2 * EVERY, 3 * EVERY, player.position):
        assert state(player.engine_at(position)) == state(replay(player, position))
    player.rewind(2 * EVERY + 1)
    assert state(player.engine) == state(replay(player, 2 * EVERY + 1))


def test_a_live_change_undone_between_steps_never_gets_into_a_checkpoint_either() -> None:
    """Undo puts tokens back as copies and never reuses an id: the day is not the same."""
    player = Player(scenario(), day=DAY)
    for _ in range(EVERY - 2):
        player.step()
    first_slot = player.engine.slots()[0].id
    player.engine.book(first_slot, "Walk-in Visitor", "emergency")  # live, preempting someone
    player.engine.undo()
    for _ in range(2 * EVERY):
        player.step()
    for position in (EVERY, 2 * EVERY, player.position):
        assert next_bookings(player.engine_at(position)) == next_bookings(replay(player, position))
    player.rewind(EVERY + 1)
    assert next_bookings(player.engine) == next_bookings(replay(player, EVERY + 1))


def test_after_stepping_back_over_a_booking_a_rewind_still_gives_the_recorded_day() -> None:
    """Undo never reuses a token id, so the engine that stepped back no longer matches the record
    in its next ids: later checkpoints are made from the record instead."""
    player = Player(scenario(), day=DAY)
    while player.next_action is not None and player.next_action.kind != "book":
        player.step()
    player.step()
    player.back()  # the booking is taken back by undo
    player.play_all()
    for position in (player.position, player.position - 3, player.position // 2):
        assert next_bookings(player.engine_at(position)) == next_bookings(replay(player, position))
        player.rewind(position)
        assert state(player.engine) == state(replay(player, position))


CLINIC = """\
clinic = "Test OPD"
opens = "08:00"
timeline = [
  { at = "08:00", book = "rao-09", patient = "Asha Menon", source = "walk-in" },
  { at = "08:05", book = "rao-09", patient = "Bala Iyer", source = "online" },
  { at = "08:10", book = "rao-09", patient = "Chitra Das", source = "walk-in" },
  { at = "08:20", book = "rao-09", patient = "Dev Rao", source = "paid" },
  { at = "09:05", serve = "Bala Iyer" },
]

[[doctors]]
id = "rao"
name = "Dr Asha Rao"
specialty = "Cardiology"
slots = [{ id = "rao-09", start = "09:00", end = "10:00", capacity = 2 }]
"""


def test_no_checkpoint_is_taken_while_the_engine_is_ahead_of_the_record_after_a_step_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(play_module, "checkpoint_gap", lambda tokens: 3)
    player = Player(loads(CLINIC, file="clinic.toml", day=DAY), day=DAY)
    for _ in range(3):
        player.step()
    player.back()  # Chitra's booking undone: the engine's next token would be T00004
    player.skip()  # back at a checkpoint's place, the engine untouched since
    player.step()
    assert next_bookings(player.engine_at(3)) == next_bookings(replay(player, 3))
    player.rewind(3)
    assert next_bookings(player.engine) == next_bookings(replay(player, 3))


def test_a_player_that_kept_no_checkpoints_makes_them_when_first_needed() -> None:
    player = Player(scenario(), day=DAY, checkpoints=False)
    player.play_all()
    for position in (player.position, 2 * EVERY + 3, EVERY, 0, player.position - 1):
        assert state(player.engine_at(position)) == state(replay(player, position))
    player.rewind(5 * EVERY + 1)
    assert state(player.engine) == state(replay(player, 5 * EVERY + 1))


def test_after_stepping_back_over_a_serve_the_engine_is_not_taken_back_in_place() -> None:
    """Undoing a serve puts a copy of the token back in its seat: the engine no longer matches
    its checkpoints object for object, so it is restored rather than taken back in place, and no
    checkpoint is taken from it."""
    player = Player(scenario(), day=DAY)
    serves = [a.position for a in scenario().timeline if a.kind == "serve"]
    serve = serves[len(serves) // 2]
    while player.position < serve:
        player.step()
    player.step()
    player.back()
    player.skip()  # the patient stays booked, her token untouched from here on
    for _ in range(2 * EVERY):
        player.step()
    for position in range(player.position, serve - EVERY, -1):
        assert state(player.engine_at(position)) == state(replay(player, position)), position
        player.rewind(position)
        assert state(player.engine) == state(replay(player, position)), position


def test_a_look_back_never_lends_its_checkpoints_to_a_rewind_in_place() -> None:
    """A player that kept no checkpoints makes them on a look back, from an engine of the look's
    own: its own engine cannot be taken back to those in place, and is restored instead."""
    player = Player(scenario(), day=DAY, checkpoints=False)
    player.play_all()
    end = player.position
    player.engine_at(end)  # every checkpoint made, from the look's engine
    engine = player.engine
    player.rewind(end - 2)
    assert player.engine is not engine
    assert state(player.engine) == state(replay(player, end - 2))
    player.play_all()
    engine = player.engine
    player.rewind(end - 3)  # back to the checkpoint it was restored from: its own
    assert player.engine is engine
    assert state(player.engine) == state(replay(player, end - 3))


def test_a_look_after_any_number_of_events_is_the_day_a_replay_of_them_gives() -> None:
    player = played()
    events = player.events()
    for count in range(len(events) + 1):
        past = player.engine_after_events(count)
        rebuilt = Engine(clock=player.clock, priorities=dict(player.scenario.priorities))
        rebuilt.apply_all(events[:count])
        assert state(past) == state(rebuilt), count
    with pytest.raises(IndexError):
        player.engine_after_events(len(events) + 1)


def test_checkpoints_come_closer_together_as_the_day_fills() -> None:
    assert checkpoint_gap(0) == CHECKPOINT_REACH  # the module's own, not this file's stand-in
    assert checkpoint_gap(50_000) < checkpoint_gap(10_000)
    assert checkpoint_gap(10**9) == 1000


def test_checkpoints_fall_in_the_same_places_whether_taken_or_made_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(play_module, "checkpoint_gap", lambda tokens: 4 + tokens % 5)
    kept = played()
    later = Player(scenario(), day=DAY, checkpoints=False)
    later.play_all()
    assert later.checkpoint_positions() == [0]
    later.engine_at(later.position)
    assert later.checkpoint_positions() == kept.checkpoint_positions()
    assert len(kept.checkpoint_positions()) > 10
