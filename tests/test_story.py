"""A token's story: "why am I waiting?" told from the day's events, in the engine, over HTTP and
on the dashboard, with the exact words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import DAY, FakeClock, FakeMonotonic, small_clinic
from store_helpers import MORNING, SetClock
from test_api import book, service, token
from test_dashboard import SIZE
from test_dashboard_selection import NOTHING_SELECTED
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from opd_tui.desk import MemoryDesk
from opd_tui.engine import (
    Book,
    Bump,
    Call,
    CallNext,
    Cancel,
    Chapter,
    CheckIn,
    Delay,
    Engine,
    Event,
    Move,
    NotFound,
    Reassign,
    Rename,
    ReturnToQueue,
    Serve,
    SetAway,
    SetCapacity,
    Undo,
    token_story,
)
from opd_tui.ui.app import OpdApp
from opd_tui.ui.screens.story import StoryScreen
from opd_tui.ui.tables import Table


def at(hh_mm: str) -> datetime:
    return datetime.combine(DAY, datetime.strptime(hh_mm, "%H:%M").time())


class Day:
    """An engine on a clock the test sets, and every event of its day in order."""

    def __init__(self) -> None:
        self.clock = FakeClock(at("08:00"))
        self.engine = Engine(clock=self.clock)
        self.events: list[Event] = []

    def do(self, hh_mm: str, *commands: object) -> None:
        self.clock.now = at(hh_mm)
        for command in commands:
            self.events += self.engine.execute(command)  # type: ignore[arg-type]

    def chapters(self, token_id: str) -> list[tuple[str, str, str]]:
        story = token_story(token_id, self.events, self.engine)
        return [(f"{c.at:%H:%M}", c.kind, c.text) for c in story.chapters]


def walk_in_day() -> Day:
    """Dr Asha Rao: 10:00 with 2 seats, 11:00 with 1. Asha Menon (walk-in, T00001) is booked,
    preempted by a paid booking, promoted when Bala cancels, raised a class, then moved to 11:00,
    where Dev (follow-up) sits and Farah (follow-up) waits."""
    day = Day()
    day.events += day.engine.add_doctor("rao", "Dr Asha Rao", "Cardiology", "3")
    day.events += day.engine.add_slot("rao-10", "rao", "10:00", "11:00", 2)
    day.events += day.engine.add_slot("rao-11", "rao", "11:00", "12:00", 1)
    day.do("08:00", Book("rao-10", "Asha Menon", "walk-in"))
    day.do("08:05", Book("rao-10", "Bala Iyer", "online"))
    day.do("08:10", Book("rao-10", "Chitra Das", "paid"))
    day.do("08:12", Book("rao-11", "Dev Kumar", "follow-up"))
    day.do("08:14", Book("rao-11", "Farah Ali", "follow-up"))
    day.do("08:20", Cancel("T00002"))
    day.do("08:25", Bump("T00001"))
    day.do("08:30", Move("T00001", "rao-11"))
    return day


WALK_IN = [
    ("08:00", "booked", "booked for Dr Asha Rao 10:00–11:00 as walk-in (priority 1): got a seat"),
    ("08:10", "preempted", "lost its seat to RAO-003 Chitra Das (paid, priority 4 over walk-in 1)"),
    ("08:20", "promoted", "promoted from the waitlist: RAO-002 Bala Iyer cancelled"),
    ("08:25", "bumped", "priority raised from 1 to 2"),
    (
        "08:30",
        "moved",
        "moved from 10:00–11:00 to 11:00–12:00: the slot was full, so it joined the waitlist",
    ),
]


def test_a_walk_in_s_story_names_every_seat_it_got_and_lost() -> None:
    day = walk_in_day()
    story = token_story("T00001", day.events, day.engine)
    assert (story.token.number, story.token.patient) == ("RAO-001", "Asha Menon")
    assert [(f"{c.at:%H:%M}", c.kind, c.text) for c in story.chapters] == WALK_IN
    assert story.chapters[0] == Chapter(at("08:00"), "booked", WALK_IN[0][2])
    assert story.chapters[1].line == (
        "08:10 lost its seat to RAO-003 Chitra Das (paid, priority 4 over walk-in 1)"
    )
    assert story.now == "now 2nd on the waitlist of 11:00–12:00; ahead of it: RAO-005 (follow-up)"
    assert [t.number for t in story.ahead] == ["RAO-005"]


def test_the_token_that_took_the_seat_says_whose_it_took() -> None:
    day = walk_in_day()
    assert day.chapters("T00003") == [
        (
            "08:10",
            "booked",
            "booked for Dr Asha Rao 10:00–11:00 as paid (priority 4): took the seat of "
            "RAO-001 Asha Menon (walk-in 1, below paid 4)",
        )
    ]
    story = token_story("T00003", day.events, day.engine)
    assert story.now == (
        "now seated in 10:00–11:00, 1st in line; not checked in yet, so not called; "
        "nobody ahead of it"
    )
    assert story.ahead == ()


def test_an_undo_that_touched_the_token_is_a_chapter_of_its_story() -> None:
    day = walk_in_day()
    day.do("08:40", Undo())  # the move
    day.do("08:45", Book("rao-10", "Esha Rao", "emergency"))  # Asha (walk-in 2) loses her seat
    day.do("08:50", Undo())  # the emergency's booking
    assert day.chapters("T00001")[len(WALK_IN) :] == [
        ("08:40", "undone", "undo took back the move (RAO-001 Asha Menon): now seated in 10:00–11:00"),
        ("08:45", "preempted", "lost its seat to RAO-006 Esha Rao (emergency, priority 5 over walk-in 2)"),
        ("08:50", "undone", "undo took back the booking (RAO-006 Esha Rao): now seated in 10:00–11:00"),
    ]  # fmt: skip
    story = token_story("T00001", day.events, day.engine)
    assert story.now == (
        "now seated in 10:00–11:00, 2nd in line; not checked in yet, so not called; "
        "ahead of it: RAO-003 (paid)"
    )
    assert [t.number for t in story.ahead] == ["RAO-003"]


def test_a_capacity_cut_and_a_seat_added_are_told_with_their_seats() -> None:
    day = walk_in_day()
    day.do("09:00", SetCapacity("rao-10", 1))  # Asha is in 11:00 now: Chitra keeps her seat
    day.do("09:05", SetCapacity("rao-11", 0), SetCapacity("rao-11", 2))
    assert day.chapters("T00004")[1:] == [
        ("09:05", "preempted", "lost its seat when 11:00–12:00 was cut from 1 to 0 seats (follow-up 3, the weakest seated)"),
        ("09:05", "promoted", "promoted from the waitlist: 11:00–12:00 went from 0 to 2 seats"),
    ]  # fmt: skip
    assert day.chapters("T00001")[len(WALK_IN) :] == []  # still waiting, behind two follow-ups


def test_a_present_patient_s_now_line_gives_their_turn_and_expected_call() -> None:
    day = walk_in_day()
    day.do("09:50", CheckIn("T00003"), CheckIn("T00004"))
    chitra = token_story("T00003", day.events, day.engine, at("09:55"))
    assert chitra.now == (
        "now seated in 10:00–11:00, checked in, 1st to be called (expected about 10:00); "
        "nobody ahead of it"
    )
    dev = token_story("T00004", day.events, day.engine, at("09:55"))
    assert dev.now == (
        "now seated in 11:00–12:00, checked in, 2nd to be called (expected about 10:30); "
        "ahead of it: RAO-003 (paid)"
    )
    assert [t.number for t in dev.ahead] == ["RAO-003"]


def test_the_visit_is_told_call_by_call() -> None:
    day = walk_in_day()
    day.do("09:50", CheckIn("T00003"))
    day.do("10:00", CallNext("rao"))
    day.do("10:04", ReturnToQueue("T00003"))
    day.do("10:05", Call("T00003"))
    assert token_story("T00003", day.events, day.engine).now == "now in room 3 since 10:05"
    day.do("10:17", Serve("T00003"))
    assert day.chapters("T00003")[1:] == [
        ("09:50", "checked-in", "checked in: the patient is here"),
        ("10:00", "called", "called into room 3"),
        ("10:04", "returned", "did not come when called: back in the queue (1 unanswered call)"),
        ("10:05", "called", "called into room 3"),
        ("10:17", "served", "seen by the doctor after 12 min in the room"),
    ]
    story = token_story("T00003", day.events, day.engine)
    assert (story.now, story.ahead) == ("seen after 12 min in the room: the visit is over", ())


def test_a_rename_a_delay_and_the_end_are_told() -> None:
    day = walk_in_day()
    day.do("09:00", Rename("T00004", "Dev Kumaran"), Delay("rao", 15))
    day.do("09:10", Cancel("T00004"))
    assert day.chapters("T00004")[1:] == [
        ("09:00", "renamed", 'name corrected from "Dev Kumar" to "Dev Kumaran"'),
        ("09:00", "delayed", "Dr Asha Rao runs 15 min late: 11:00–12:00 now begins at 11:15"),
        ("09:10", "cancelled", "cancelled"),
    ]
    assert token_story("T00004", day.events, day.engine).now == ("cancelled: it holds no place now")
    assert day.chapters("T00005")[-1] == (
        "09:10",
        "promoted",
        "promoted from the waitlist: RAO-004 Dev Kumaran cancelled",
    )


def test_a_patient_reassigned_to_another_doctor_is_told_where_and_as_which_number() -> None:
    day = walk_in_day()
    day.events += day.engine.add_doctor("mehta", "Dr Vikram Mehta", "Cardiology")
    day.events += day.engine.add_slot("mehta-11", "mehta", "11:00", "12:00", 1)
    day.do("09:00", SetAway("rao", "11:00"), Reassign("rao", "mehta"))
    assert day.chapters("T00001")[len(WALK_IN) :] == [
        ("09:00", "away-set", "Dr Asha Rao will be away from 11:00"),
        ("09:00", "reassigned", "Dr Asha Rao is away: reassigned to Dr Vikram Mehta 11:00–12:00 as MEHTA-003: the slot there was full, so it joined the waitlist"),
    ]  # fmt: skip
    assert day.chapters("T00004")[-1] == (
        "09:00",
        "reassigned",
        "Dr Asha Rao is away: reassigned to Dr Vikram Mehta 11:00–12:00 as MEHTA-001: got a seat",
    )


@dataclass(frozen=True, slots=True)
class Surprise(Event):
    """An event of a kind a later release might record."""

    kind: ClassVar[str] = "surprise"
    token_id: str


def test_events_of_a_kind_the_story_does_not_know_are_passed_over() -> None:
    day = walk_in_day()
    events = [*day.events[:-3], Surprise(at("08:26"), "T00001"), *day.events[-3:]]
    assert [
        (f"{c.at:%H:%M}", c.kind, c.text)
        for c in token_story("T00001", events, day.engine).chapters
    ] == WALK_IN


def test_a_replayed_day_tells_the_same_story() -> None:
    day = walk_in_day()
    replayed = Engine(clock=day.clock)
    replayed.apply_all(day.events)
    for token_id in ("T00001", "T00003", "T00005"):
        assert token_story(token_id, day.events, replayed) == token_story(
            token_id, day.events, day.engine
        )


def test_an_unknown_token_has_no_story() -> None:
    day = walk_in_day()
    with pytest.raises(NotFound, match=r"^unknown token 'T00099'$"):
        token_story("T00099", day.events, day.engine)


# ---------------------------------------------------------------------- the service


def test_the_service_tells_a_token_s_story_as_json(tmp_path: Path) -> None:
    clock = SetClock(MORNING)
    with service(tmp_path / "j.db", clock=clock) as client:
        for patient in ("Asha", "Ravi", "Meena", "Imran"):  # Dr Khan's 09:00 has 4 seats
            book(client, patient, "walk-in", slot="khan-09")
        clock.now = MORNING.replace(minute=7)
        book(client, "Lakshmi", "paid", slot="khan-09")  # Imran, the latest walk-in, waits
        book(client, "Nikhil", "follow-up", slot="khan-09")  # then Meena
        answer = client.get("/v1/tokens/T00004/story")
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "token": token("T00004", "KHAN-004", "Imran", "walk-in", 1, 4, "WAITING", "khan-09", 1),
            "chapters": [
                {
                    "at": "2026-11-25T08:00:00",
                    "kind": "booked",
                    "text": "booked for Dr Sameer Khan 09:00–10:00 as walk-in (priority 1): "
                    "got a seat",
                },
                {
                    "at": "2026-11-25T08:07:00",
                    "kind": "preempted",
                    "text": "lost its seat to KHAN-005 Lakshmi (paid, priority 4 over walk-in 1)",
                },
            ],
            "now": "now 2nd on the waitlist of 09:00–10:00; ahead of it: KHAN-003 (walk-in)",
            "ahead": ["KHAN-003"],
        }
        assert client.get("/v1/tokens/KHAN-004/story").json() == answer.json()  # by its number


def test_the_service_answers_404_for_a_token_it_does_not_know(tmp_path: Path) -> None:
    with service(tmp_path / "j.db") as client:
        answer = client.get("/v1/tokens/T00042/story")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "not-found",
        "message": "no token 'T00042' (neither an id nor a number)",
        "problems": [],
    }


# ---------------------------------------------------------------------- the dashboard


def screen_lines(screen: Screen[object]) -> list[str]:
    """The story screen's chapters as shown (time, mark, words), then its now-line."""
    chapters = [
        " ".join(str(cell.render()) for cell in row.query(Static))
        for row in screen.query(".chapter")
    ]
    return [*chapters, str(screen.query_one("#now", Static).render())]


async def test_the_why_key_tells_the_selected_token_s_story_and_escape_closes_it(
    app: OpdApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        clock.advance(3)
        app.perform(Book("rao-09", "Esha [red]Rao", "emergency"))  # Asha loses her seat
        await pilot.pause()
        app.jump_to_token("T00001")  # Asha Menon, on the waitlist now
        await pilot.press("W")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        assert str(screen.query_one(VerticalScroll).border_title) == "Why? RAO-001 Asha Menon"
        assert screen_lines(screen) == [
            "08:33 ● booked for Dr Asha Rao 09:00–10:00 as walk-in (priority 1): got a seat",
            "08:45 ▼ lost its seat to RAO-005 Esha [red]Rao (emergency, priority 5 over walk-in 1)",
            "now 1st on the waitlist of 09:00–10:00; nobody ahead of it",
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        app.jump_to_token("T00005")  # the emergency
        await pilot.press("W")
        await pilot.pause()
        assert screen_lines(app.screen)[0] == (
            "08:45 ● booked for Dr Asha Rao 09:00–10:00 as emergency (priority 5): took the seat "
            "of RAO-001 Asha Menon (walk-in 1, below emergency 5)"
        )


async def test_the_why_key_needs_a_selected_token(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("W")  # the doctors list has the focus
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert [n.message for n in app._notifications] == [NOTHING_SELECTED]


async def test_the_why_key_tells_the_past_moment_in_view_and_a_read_only_day_too(
    clock: FakeClock, monotonic: FakeMonotonic
) -> None:
    engine, history = small_clinic(clock)
    clock.advance(3)
    history += engine.book("rao-09", "Esha Rao", "emergency")
    desk = MemoryDesk(engine, "Test Clinic", DAY, read_only=True)
    app = OpdApp(desk, history=history, monotonic=monotonic, wall_clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        app.show_moment(len(history) - 2)  # before the emergency: Asha still seated
        await pilot.pause()
        booked = app.query_one("#booked", Table)
        booked.select_key("T00001")
        booked.focus()
        await pilot.press("W")
        await pilot.pause()
        assert screen_lines(app.screen) == [
            "08:33 ● booked for Dr Asha Rao 09:00–10:00 as walk-in (priority 1): got a seat",
            "now seated in 09:00–10:00, 2nd in line; not checked in yet, so not called; "
            "ahead of it: RAO-002 (online)",
        ]
