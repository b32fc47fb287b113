"""Jumps in a replay: a player goes to any moment of the recorded day, forward as well as back,
without asking the rules; the day it holds is always the one a replay of the recorded events
gives, and it acts the same from there. Checkpoints come every few steps here."""

from __future__ import annotations

import random

import pytest
from conftest import DAY
from test_engine_snapshot import state
from test_scenario_checkpoints import CLINIC, next_bookings, replay

from opd_tui.demo import scenario
from opd_tui.scenario import Player, loads
from opd_tui.scenario import play as play_module

EVERY = 7


@pytest.fixture(autouse=True)
def _checkpoints_every_few_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(play_module, "checkpoint_gap", lambda tokens: EVERY)


def rehearsed() -> tuple[Player, int]:
    """The demo day played to its end, then back at its opening with the day recorded ahead."""
    player = Player(scenario(), day=DAY)
    player.play_all()
    end = player.position
    player.go(0)
    return player, end


def test_going_to_the_end_and_back_gives_the_recorded_day() -> None:
    player, end = rehearsed()
    assert (player.position, player.recorded) == (0, end)
    assert player.go(end) == end
    assert player.position == end and player.done
    assert state(player.engine) == state(replay(player, end))
    assert next_bookings(player.engine_at(end)) == next_bookings(replay(player, end))
    assert player.go(0) == 0
    assert state(player.engine) == state(replay(player, 0))
    assert player.go(end + 50) == end  # kept within the timeline


def test_jumps_either_way_to_random_moments_give_the_day_a_replay_gives() -> None:
    player, end = rehearsed()
    player.go(end)
    recorded = list(player.steps)
    rng = random.Random(11)
    for _ in range(25):
        position = rng.randrange(end + 1)
        assert player.go(position) == position
        assert player.steps == recorded[:position]
        assert state(player.engine) == state(replay(player, position)), position
        assert player.recorded == end
    position = player.position
    assert next_bookings(player.engine) == next_bookings(replay(player, position))


def test_stepping_by_the_rules_follows_the_record_so_a_jump_forward_stays_quick() -> None:
    player, end = rehearsed()
    for _ in range(EVERY + 3):
        player.step()
    assert player.recorded == end  # each step decided as recorded
    player.back()  # by undo: the engine's next ids are no longer the record's
    player.step()  # built again from the checkpoints first, so it decides as recorded
    assert player.recorded == end
    assert player.go(end) == end
    assert state(player.engine) == state(replay(player, end))


def test_a_change_from_outside_leaves_the_record_and_a_jump_forward_leaves_it_to_the_rules() -> (
    None
):
    player = Player(loads(CLINIC, file="clinic.toml", day=DAY), day=DAY)
    player.play_all()
    player.go(2)
    player.engine.book("rao-09", "Walk In", "emergency")  # a live action at the desk
    assert player.go(5) == 2  # the record no longer follows: the rules must play on
    assert player.recorded == 2
    assert [t.patient for t in player.engine.tokens()][-1] == "Walk In"
    player.step()
    player.step()
    assert player.recorded == 4
    player.go(1)  # back before the live action: it is gone, and the steps after it too
    assert (player.position, player.recorded) == (1, 2)
    assert "Walk In" not in [t.patient for t in player.engine.tokens()]
    assert state(player.engine) == state(replay(player, 1))


def test_a_time_of_day_is_the_position_after_every_action_up_to_it() -> None:
    player = Player(loads(CLINIC, file="clinic.toml", day=DAY), day=DAY)
    # 08:00, 08:05, 08:10, 08:20, 09:05
    assert [player.position_at(t) for t in ("07:59", "08:00", "08:07", "08:20", "09:04")] == [
        0, 1, 2, 4, 4
    ]  # fmt: skip
    assert player.position_at("17:00") == 5


def test_a_player_never_played_has_nothing_recorded_to_jump_to() -> None:
    player = Player(loads(CLINIC, file="clinic.toml", day=DAY), day=DAY)
    assert player.go(4) == 0 and player.recorded == 0
