"""Replaying a clinic file in the dashboard: play, step, step back, speed, each step highlighted."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DAY
from test_dashboard import SIZE, palette_titles, rows, run_from_palette, toasts
from textual.widgets import Input

from opd_tui.cli import main
from opd_tui.engine import Book, Engine
from opd_tui.scenario import Player, rehearse
from opd_tui.ui.activity import ActivityLog
from opd_tui.ui.app import OpdApp
from opd_tui.ui.replay import ReplayBar
from opd_tui.wiring import ReplayDesk

CLINIC = """
clinic = "Replay Clinic"
opens = "08:00"
timeline = [
  { at = "08:10", book = "rao-09", patient = "Asha Menon", source = "walk-in" },
  { at = "08:12", book = "rao-09", patient = "Bala Iyer", source = "online" },
  { at = "08:20", book = "rao-09", patient = "Esha Rao", source = "emergency" },
  { at = "08:30", cancel = "Bala Iyer" },
]

[[doctors]]
id = "rao"
name = "Dr Asha Rao"
specialty = "Cardiology"
slots = [{ id = "rao-09", start = "09:00", end = "10:00", capacity = 2 }]
"""


def replay_app() -> tuple[OpdApp, Player]:
    player = rehearse(CLINIC, file="replay.toml", day=DAY)
    player.seek(0)
    desk = ReplayDesk(player)
    return OpdApp(desk, history=player.events(), player=player, wall_clock=player.clock), player


def bar(app: OpdApp) -> str:
    return app.query_one(ReplayBar).render().plain


async def test_stepping_forward_plays_each_action_with_its_highlights() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert bar(app).startswith(" ❚❚ PAUSED  ×2/s  step 0/4 · 08:00 · next: 08:10 book Asha")
        await pilot.press("right", "right")
        await pilot.pause()
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "BOOKED"),
            ("RAO-001", "BOOKED"),
        ]
        await pilot.press("right")
        await pilot.pause()
        assert player.position == 3
        assert rows(app, "booked", "number", "status") == [
            ("RAO-003", "► TOOK SEAT"),
            ("RAO-002", "BOOKED"),
        ]
        assert rows(app, "waiting", "number", "status") == [("RAO-001", "▼ PREEMPTED")]
        assert toasts(app) == [
            "▼ RAO-001 Asha Menon preempted by RAO-003 Esha Rao (emergency 5 > walk-in 1)"
        ]
        assert "step 3/4 · 08:20 · next: 08:30 cancel Bala Iyer" in bar(app)


async def test_stepping_back_restores_the_earlier_moment() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right", "right", "right")
        await pilot.pause()
        assert rows(app, "booked", "number") == [("RAO-003",), ("RAO-001",)]
        await pilot.press("left", "left")
        await pilot.pause()
        assert player.position == 2
        assert app.engine is player.engine is app.desk.engine
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "BOOKED"),
            ("RAO-001", "BOOKED"),
        ]
        assert rows(app, "waiting", "number") == []
        await pilot.press("left", "left", "left")
        await pilot.pause()
        assert player.position == 0
        assert rows(app, "booked", "number") == []


async def test_a_rewind_to_a_new_engine_is_followed_by_the_desk_and_the_screen() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right", "right")
        await pilot.pause()
        engine = player.engine
        app.perform(Book("rao-09", "Walk-in Visitor", "walk-in"))  # the day changed under it
        await pilot.press("left")
        await pilot.pause()
        assert player.position == 2 and player.engine is not engine  # rebuilt, not undone
        assert app.engine is player.engine is app.desk.engine
        assert rows(app, "booked", "number", "status") == [
            ("RAO-002", "BOOKED"),
            ("RAO-001", "BOOKED"),
        ]
        assert rows(app, "waiting", "number") == []
        app.perform(Book("rao-09", "Later Visitor", "walk-in"))  # acts on the new day
        await pilot.pause()
        assert rows(app, "waiting", "patient") == [("Later Visitor",)]


async def test_replay_keys_work_wherever_the_focus_is() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        for table in ("schedule", "booked", "waiting", "log"):  # tables take ←/→ themselves
            app.query_one(f"#{table}").focus()
            await pilot.press("right")
            await pilot.pause()
        assert player.position == 4
        await pilot.press("left", "right_square_bracket", "space")
        assert player.position == 3
        bar = app.query_one(ReplayBar)
        assert (bar.speed, bar.playing) == (4.0, True)
        await pilot.press("space")
        assert bar.playing is False


async def test_a_log_line_shows_the_replayed_day_as_it_was_then() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right", "right")
        await pilot.pause()
        log = app.query_one(ActivityLog)
        log.focus()
        log.move_cursor(row=log.get_row_index("5"))  # Asha preempted, Esha not yet seated
        await pilot.press("enter")
        await pilot.pause()
        assert app.moment == 5 and app.engine is not player.engine
        assert rows(app, "booked", "number") == [("RAO-002",)]
        assert rows(app, "waiting", "number") == [("RAO-001",)]
        await pilot.press("escape")
        await pilot.pause()
        app.perform(Book("rao-09", "Walk-in Visitor", "walk-in"))  # the log is not the record
        log.move_cursor(row=log.get_row_index("4"))
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app, "booked", "number") == [("RAO-002",), ("RAO-001",)]
        assert rows(app, "waiting", "number") == []


async def test_space_plays_to_the_end_and_brackets_change_speed() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert app.query_one(ReplayBar).speed == 16.0
        await pilot.press("left_square_bracket")
        assert app.query_one(ReplayBar).speed == 8.0
        await pilot.press("space")
        assert app.query_one(ReplayBar).playing is True
        await pilot.pause(1.0)
        assert player.done
        assert app.query_one(ReplayBar).playing is False
        assert rows(app, "booked", "number") == [("RAO-003",), ("RAO-001",)]


async def test_replay_keys_leave_forms_alone() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "A", "left", "B", "space", "C")
        assert app.screen.query_one("#patient", Input).value == "B CA"
        assert player.position == 0


def test_a_bad_clinic_file_is_refused_with_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(CLINIC.replace("capacity = 2", "capacity = -1").replace('"walk-in"', '"bus"'))
    assert main(["--scenario", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "opd-tui: 2 problems; nothing replayed"
    assert len(err) == 3 and all(line.startswith(f"{bad}:") for line in err[:2])


def test_a_scenario_is_not_mixed_with_a_database(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["--scenario", "demo.toml", "--memory"])
    assert exit.value.code == 2
    assert capsys.readouterr().err == (
        "opd-tui: --scenario plays a clinic file in memory: leave out --memory\n"
    )


def day(engine: Engine) -> tuple[object, ...]:
    return (engine.tokens(), [engine.slot_view(s.id) for s in engine.slots()])


def test_stepping_back_undoes_in_place_unless_the_day_was_changed_since() -> None:
    player = rehearse(CLINIC, file="replay.toml", day=DAY)
    player.seek(4)
    engine = player.engine
    after_three, after_two = day(player.engine_at(3)), day(player.engine_at(2))
    player.back()
    assert player.engine is engine and player.position == 3
    assert day(engine) == after_three
    engine.book("rao-09", "Walk-in Visitor", "walk-in")  # a live action during the replay
    player.back()
    assert player.engine is not engine and player.position == 2
    assert day(player.engine) == after_two


async def test_the_command_palette_offers_the_replay_keys_on_a_replay() -> None:
    app, _ = replay_app()
    async with app.run_test(size=SIZE):
        titles = await palette_titles(app)
        for title in ("Play (space)", "Step (→)", "Back (←)", "Slower ([)", "Faster (])"):
            assert title in titles


async def test_a_replay_key_from_the_palette_plays_the_step() -> None:
    app, player = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "step (")
        assert player.position == 1
        assert rows(app, "booked", "patient") == [("Asha Menon",)]
