"""Clinic files and the patient's visit: rooms, the ``[visit]`` rules, the visit's timeline kinds
(check-in, call-next, call, return, overdue, room), the rules reaching every engine built for the
clinic, and the simulate report's visit figures on tests/data/visit_day.toml, worked out by hand.

Line numbers in the problem cases refer to CLINIC below (line 1 is ``clinic = ...``).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from opd_tui.engine import (
    Called,
    CheckedIn,
    MarkedNoShow,
    Preempted,
    Promoted,
    Returned,
    RoomSet,
    Served,
    Source,
    Status,
    VisitRules,
)
from opd_tui.scenario import Player, ScenarioError, loads, rehearse, rehearse_file
from opd_tui.scenario.render import as_csv, as_data, as_text
from opd_tui.scenario.report import DayReport, Visits, day_report, percentile_90

DAY = date(2026, 11, 25)
VISIT_DAY = Path(__file__).parent / "data" / "visit_day.toml"

CLINIC = """\
clinic = "Visit OPD"
opens = "08:00"

timeline = [
  { at = "08:00", book = "rao-09", patient = "Asha Menon", source = "walk-in", label = "asha" },
  { at = "08:05", book = "rao-09", patient = "Bala Iyer", source = "online" },
  { at = "08:10", book = "rao-09", patient = "Chitra Das", source = "walk-in" },
  { at = "08:50", check-in = "asha" },
  { at = "09:00", call-next = "rao" },
  { at = "09:12", serve = "asha" },
]

[visit]
grace = 10
calls = 2

[[doctors]]
id = "rao"
name = "Dr Asha Rao"
specialty = "Cardiology"
room = "3"
slots = [
  { id = "rao-09", start = "09:00", end = "10:00", capacity = 2 },
]
"""


def at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 11, 25, hours, minutes)


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        loads(text, file="clinic.toml", day=DAY)
    return [str(problem) for problem in caught.value.problems]


def edited(*changes: tuple[str, str]) -> str:
    text = CLINIC
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def played(text: str) -> Player:
    player = rehearse(text, file="clinic.toml", day=DAY)
    assert player.done
    return player


# ------------------------------------------------------------------------------ reading


def test_a_clinic_with_rooms_visit_rules_and_the_visits_kinds_loads() -> None:
    scenario = loads(
        edited(
            (
                '  { at = "09:12", serve = "asha" },\n',
                '  { at = "09:05", return = "asha" },\n'
                '  { at = "09:06", call = "Asha Menon" },\n'
                '  { at = "09:12", serve = "asha" },\n'
                '  { at = "09:20", room = "rao", to = "4B" },\n'
                '  { at = "10:10", overdue = "rao" },\n'
                '  { at = "10:11", room = "rao", to = "" },\n',
            ),
        ),
        file="clinic.toml",
        day=DAY,
    )
    assert scenario.visit == VisitRules(grace=10, calls=2)
    [rao] = scenario.doctors
    assert rao.room == "3"
    assert [a.describe() for a in scenario.timeline[3:]] == [
        "08:50 check-in asha",
        "09:00 call-next rao",
        "09:05 return asha",
        "09:06 call Asha Menon",
        "09:12 serve asha",
        "09:20 room of rao to 4B",
        "10:10 overdue of rao marked no-show",
        "10:11 room of rao to (none)",
    ]
    kinds = [(a.kind, a.target, a.to, a.booking) for a in scenario.timeline[3:]]
    assert kinds == [
        ("check-in", "asha", "", 0),
        ("call-next", "rao", "", -1),
        ("return", "asha", "", 0),
        ("call", "Asha Menon", "", 0),
        ("serve", "asha", "", 0),
        ("room", "rao", "4B", -1),
        ("overdue", "rao", "", -1),
        ("room", "rao", "", -1),
    ]


def test_overdue_true_names_every_doctor() -> None:
    scenario = loads(
        edited(('{ at = "09:12", serve = "asha" }', '{ at = "10:10", overdue = true }')),
        file="clinic.toml",
        day=DAY,
    )
    last = scenario.timeline[-1]
    assert (last.kind, last.target, last.describe()) == (
        "overdue",
        "",
        "10:10 overdue of every doctor marked no-show",
    )


def test_visit_rules_and_rooms_are_optional() -> None:
    scenario = loads(
        edited(("[visit]\ngrace = 10\ncalls = 2\n", ""), ('room = "3"\n', "")),
        file="clinic.toml",
        day=DAY,
    )
    assert scenario.visit == VisitRules(grace=15, calls=3)
    assert scenario.doctors[0].room == ""
    assert loads(edited(("calls = 2\n", "")), file="clinic.toml").visit == VisitRules(10, 3)
    assert loads(edited(('room = "3"', 'room = ""')), file="clinic.toml").doctors[0].room == ""


CASES = [
    pytest.param(
        (
            ("[visit]\ngrace = 10\ncalls = 2\n", ""),
            ('opens = "08:00"', 'opens = "08:00"\nvisit = 5'),
        ),
        ["clinic.toml:3: visit: must be a table of grace = minutes, calls = number"],
        id="visit-not-a-table",
    ),
    pytest.param(
        (("grace = 10", "grace = -1"),),
        ["clinic.toml:14: visit.grace: visit grace must be a whole number from 0 to 720, not -1"],
        id="negative-grace",
    ),
    pytest.param(
        (("grace = 10", "grace = 721"),),
        ["clinic.toml:14: visit.grace: visit grace must be a whole number from 0 to 720, not 721"],
        id="grace-over-half-a-day",
    ),
    pytest.param(
        (("grace = 10", 'grace = "10"'),),
        ["clinic.toml:14: visit.grace: visit grace must be a whole number from 0 to 720, not '10'"],
        id="grace-in-a-string",
    ),
    pytest.param(
        (("grace = 10", "grace = 1.5"),),
        ["clinic.toml:14: visit.grace: visit grace must be a whole number from 0 to 720, not 1.5"],
        id="fractional-grace",
    ),
    pytest.param(
        (("calls = 2", "calls = 0"),),
        ["clinic.toml:15: visit.calls: visit calls must be a whole number from 1 to 720, not 0"],
        id="no-calls",
    ),
    pytest.param(
        (("calls = 2", "calls = true"),),
        ["clinic.toml:15: visit.calls: visit calls must be a whole number from 1 to 720, not True"],
        id="calls-a-boolean",
    ),
    pytest.param(
        (("grace = 10", "graze = 10"),),
        ["clinic.toml:14: visit.graze: unknown key (did you mean 'grace'?)"],
        id="misspelt-visit-key",
    ),
    pytest.param(
        (('room = "3"', "room = 3"),),
        ["clinic.toml:21: doctors[0].room: must be a string, not 3"],
        id="room-not-a-string",  # the doctor is lost, and quietly every action on it
    ),
    pytest.param(
        (('room = "3"', 'room = "the room beside the lift"'),),
        ["clinic.toml:17: doctors[0]: a room is at most 16 printable characters on one line"],
        id="room-refused-by-the-engine",
    ),
    pytest.param(
        (('check-in = "asha"', 'check-in = "Asha"'),),
        [
            "clinic.toml:8: timeline[3].check-in: no earlier booking has the label or patient"
            " name 'Asha'",
            "clinic.toml:9: timeline[4]: 09:00 call-next rao: refused: nobody to call for"
            " Dr Asha Rao: no booked patient has checked in",
        ],
        id="check-in-of-an-unknown-token",
    ),
    pytest.param(
        (
            (
                '{ at = "09:00", call-next',
                '{ at = "08:55", check-in = "Asha Menon" },\n  { at = "09:00", call-next',
            ),
        ),
        [
            "clinic.toml:9: timeline[4]: 08:55 check-in Asha Menon: refused: RAO-001 checked in"
            " already, at 08:50"
        ],
        id="checking-in-twice-refused",
    ),
    pytest.param(
        (('check-in = "asha"', 'check-in = "Chitra Das"'),),
        [
            "clinic.toml:9: timeline[4]: 09:00 call-next rao: refused: nobody to call for"
            " Dr Asha Rao: no booked patient has checked in"
        ],
        id="a-waiting-patient-present-is-not-called",
    ),
    pytest.param(
        (('check-in = "asha" }', 'check-in = "asha", to = "rao-09" }'),),
        [
            "clinic.toml:8: timeline[3].to: unknown key",
            "clinic.toml:9: timeline[4]: 09:00 call-next rao: refused: nobody to call for"
            " Dr Asha Rao: no booked patient has checked in",  # the check-in is left out
        ],
        id="check-in-takes-no-to",
    ),
    pytest.param(
        (('call-next = "rao"', 'call-next = "roa"'),),
        ["clinic.toml:9: timeline[4].call-next: no doctor 'roa' (did you mean 'rao'?)"],
        id="call-next-of-an-unknown-doctor",
    ),
    pytest.param(
        (('call-next = "rao" }', 'call-next = "rao", minutes = 5 }'),),
        ["clinic.toml:9: timeline[4].minutes: unknown key"],
        id="call-next-takes-no-minutes",
    ),
    pytest.param(
        (('call-next = "rao"', 'call = "Bala Iyer"'),),
        [
            "clinic.toml:9: timeline[4]: 09:00 call Bala Iyer: refused: RAO-002 has not checked"
            " in; check the patient in first"
        ],
        id="calling-a-patient-not-checked-in-refused",
    ),
    pytest.param(
        (('call-next = "rao"', 'call = "Chitra Das"'),),
        [
            "clinic.toml:9: timeline[4]: 09:00 call Chitra Das: refused: RAO-003 is on the"
            " waitlist; only a booked token can be called"
        ],
        id="calling-a-waiting-patient-refused",
    ),
    pytest.param(
        (('call-next = "rao"', 'call = "Dev"'),),
        ["clinic.toml:9: timeline[4].call: no earlier booking has the label or patient name 'Dev'"],
        id="call-of-an-unknown-token",
    ),
    pytest.param(
        (('serve = "asha"', 'return = "Bala Iyer"'),),
        [
            "clinic.toml:10: timeline[5]: 09:12 return Bala Iyer: refused: cannot return RAO-002"
            " to the queue: it is booked, not in the room"
        ],
        id="returning-a-patient-not-called-refused",
    ),
    pytest.param(
        (('serve = "asha"', "overdue = false"),),
        ["clinic.toml:10: timeline[5].overdue: must be a doctor id, or true for every doctor"],
        id="overdue-false",
    ),
    pytest.param(
        (('serve = "asha"', "overdue = 3"),),
        ["clinic.toml:10: timeline[5].overdue: must be a doctor id, or true for every doctor"],
        id="overdue-a-number",
    ),
    pytest.param(
        (('serve = "asha"', 'overdue = "roa"'),),
        ["clinic.toml:10: timeline[5].overdue: no doctor 'roa' (did you mean 'rao'?)"],
        id="overdue-of-an-unknown-doctor",
    ),
    pytest.param(
        (('serve = "asha"', 'overdue = "rao"'),),
        [
            "clinic.toml:10: timeline[5]: 09:12 overdue of rao marked no-show: refused: nobody"
            " is overdue for Dr Asha Rao"
        ],
        id="overdue-with-nobody-overdue-refused",
    ),
    pytest.param(
        (('{ at = "09:12", serve = "asha" }', '{ at = "10:09", overdue = true }'),),
        [
            "clinic.toml:10: timeline[5]: 10:09 overdue of every doctor marked no-show: refused:"
            " nobody is overdue today"
        ],
        id="overdue-a-minute-inside-the-grace-refused",
    ),
    pytest.param(
        (('{ at = "09:12", serve = "asha" }', '{ at = "10:10", overdue = true }'),),
        [],
        id="overdue-when-the-grace-is-over",
    ),
    pytest.param(
        (('serve = "asha" }', 'room = "rao" }'),),
        ['clinic.toml:10: timeline[5].to: required: a room, or "" for none'],
        id="room-without-to",
    ),
    pytest.param(
        (('serve = "asha" }', 'room = "rao", to = 4 }'),),
        ["clinic.toml:10: timeline[5].to: must be a string, not 4"],
        id="room-to-a-number",
    ),
    pytest.param(
        (('serve = "asha" }', 'room = "roa", to = "4" }'),),
        ["clinic.toml:10: timeline[5].room: no doctor 'roa' (did you mean 'rao'?)"],
        id="room-of-an-unknown-doctor",
    ),
    pytest.param(
        (('serve = "asha" }', 'room = "rao", to = "3" }'),),
        [
            "clinic.toml:10: timeline[5]: 09:12 room of rao to 3: refused: Dr Asha Rao is"
            " already in room 3"
        ],
        id="the-same-room-refused",
    ),
    pytest.param(
        (('serve = "asha" }', 'room = "rao", to = "the room beside the lift" }'),),
        [
            "clinic.toml:10: timeline[5]: 09:12 room of rao to the room beside the lift:"
            " refused: a room is at most 16 printable characters on one line"
        ],
        id="a-long-room-refused",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_each_problem_is_reported_with_its_line_and_key_path(
    changes: tuple[tuple[str, str], ...], expected: list[str]
) -> None:
    if expected:
        assert problems(edited(*changes)) == expected
    else:
        loads(edited(*changes), file="clinic.toml", day=DAY)


def test_the_actions_on_a_broken_booking_are_not_reported_again() -> None:
    text = edited(('source = "walk-in", label = "asha"', 'source = "vip", label = "asha"'))
    assert problems(text) == [
        "clinic.toml:5: timeline[0].source: unknown source 'vip'"
        " (expected one of: emergency, paid, follow-up, online, walk-in)",
        # check-in and serve name the broken booking and are left out; the call finds nobody
        "clinic.toml:9: timeline[4]: 09:00 call-next rao: refused: nobody to call for"
        " Dr Asha Rao: no booked patient has checked in",
    ]


def test_every_problem_is_listed_at_once_in_file_order() -> None:
    text = edited(
        ("calls = 2", "calls = 0"),
        ('call-next = "rao"', 'call-next = "roa"'),
        ('serve = "asha" }', 'room = "rao", to = 4 }'),
    )
    assert problems(text) == [
        "clinic.toml:9: timeline[4].call-next: no doctor 'roa' (did you mean 'rao'?)",
        "clinic.toml:10: timeline[5].to: must be a string, not 4",
        "clinic.toml:15: visit.calls: visit calls must be a whole number from 1 to 720, not 0",
    ]


# ------------------------------------------------------------------------------ playing


def test_each_kind_plays_as_its_command() -> None:
    player = rehearse_file(VISIT_DAY, day=DAY)
    steps = {(s.action.kind, s.at.strftime("%H:%M")): s for s in player.steps}
    asha, bala, chitra = (player.token_id(i) for i in (0, 1, 2))
    dev = player.token_id(3)
    assert steps["check-in", "08:40"].events == (CheckedIn(at("08:40"), asha, "rao-09"),)
    assert steps["call-next", "09:00"].events == (Called(at("09:00"), chitra, "rao-09", True),)
    assert steps["return", "09:15"].events == (Returned(at("09:15"), bala, "rao-09", at("09:12")),)
    assert steps["call", "09:15"].events == (Called(at("09:15"), asha, "rao-09", False),)
    assert steps["call", "09:23"].events == (Called(at("09:23"), bala, "rao-09", True),)
    assert steps["serve", "09:33"].events == (Served(at("09:33"), bala, "rao-09"),)
    assert steps["overdue", "09:42"].events == (
        MarkedNoShow(at("09:42"), dev, "khan-09", Status.BOOKED),
    )
    assert steps["room", "10:15"].events == (RoomSet(at("10:15"), "rao", "3", "4"),)
    engine = player.engine
    assert [(d.id, d.room) for d in engine.doctors()] == [("rao", "4"), ("khan", "7")]
    seen = engine.token(bala)
    assert (seen.status, seen.unanswered, seen.minutes) == (Status.SERVED, 1, 10.0)
    assert seen.checked_in == at("09:02") and seen.called_at == at("09:23")


def test_a_check_in_keeps_the_call_time_the_engine_then_expected() -> None:
    player = rehearse_file(VISIT_DAY, day=DAY)
    expected = [(s.action.target, s.estimate) for s in player.steps if s.action.kind == "check-in"]
    assert expected == [
        ("asha", at("09:00")),  # nobody before her, but the room opens at 09:00
        ("chitra", at("09:00")),  # a follow-up goes before Asha, the walk-in
        ("esha", at("09:00")),
        ("bala", at("09:15")),  # after Chitra, called at 09:00, has had a seat's 15 minutes
    ]
    others = [s.estimate for s in player.steps if s.action.kind != "check-in"]
    assert others == [None] * len(others)


def test_a_waiting_patient_checking_in_has_no_expected_call() -> None:
    player = played(
        edited(
            (
                'check-in = "asha" }',
                'check-in = "Chitra Das" },\n  { at = "08:51", check-in = "asha" }',
            ),
            ('{ at = "09:00", call-next = "rao" },\n', ""),
        )
    )
    [chitra, asha] = [s for s in player.steps if s.action.kind == "check-in"]
    assert chitra.events == (CheckedIn(at("08:50"), player.token_id(2), "rao-09"),)
    assert (chitra.estimate, asha.estimate) == (None, at("09:00"))


def test_a_return_lets_a_stronger_waiting_patient_take_the_seat() -> None:
    # Asha is in the room, Bala seen: both seats held. Dev, a follow-up, books and waits; Asha
    # does not answer, and back in the queue she ranks below him.
    player = played(
        edited(
            (
                '  { at = "09:12", serve = "asha" },\n',
                '  { at = "09:01", serve = "Bala Iyer" },\n'
                '  { at = "09:02", cancel = "Chitra Das" },\n'
                '  { at = "09:03", book = "rao-09", patient = "Dev Rao", source = "follow-up" },\n'
                '  { at = "09:04", return = "asha" },\n',
            ),
        )
    )
    asha, dev = player.token_id(0), player.token_id(7)
    assert [e.kind for e in player.steps[7].events] == ["waitlisted"]
    assert player.steps[8].events == (
        Returned(at("09:04"), asha, "rao-09", at("09:00")),
        Preempted(at("09:04"), asha, "rao-09", dev, "follow-up 3 > walk-in 1"),
        Promoted(at("09:04"), dev, "rao-09", asha),
    )
    assert player.engine.token(asha).unanswered == 1


def test_the_grace_period_comes_from_the_file() -> None:
    text = VISIT_DAY.read_text(encoding="utf-8")
    assert text.count("grace = 10") == 1
    with pytest.raises(ScenarioError) as caught:
        rehearse(text.replace("grace = 10", "grace = 15"), file="visit_day.toml", day=DAY)
    assert [str(p) for p in caught.value.problems] == [
        "visit_day.toml:30: timeline[20]: 09:42 overdue of khan marked no-show: refused: nobody"
        " is overdue for Dr Sameer Khan"
    ]


# ----------------------------------------------------- the visit rules reach every engine

RULES = VisitRules(grace=10, calls=2)


def test_the_player_and_every_engine_it_builds_decide_by_the_files_rules() -> None:
    player = rehearse_file(VISIT_DAY, day=DAY)
    assert player.scenario.visit == RULES
    assert player.engine.visit == RULES
    assert player.engine_at(3).visit == RULES  # restored from a checkpoint
    assert player.engine_after_events(1).visit == RULES  # part of the set-up, replayed
    player.rewind(5)
    assert player.engine.visit == RULES


def test_a_new_journal_from_a_clinic_file_decides_by_its_rules(tmp_path: Path) -> None:
    from opd_tui.wiring import clinic_from_file, journal_desk

    clinic = clinic_from_file(str(VISIT_DAY))
    assert clinic.visit == RULES
    desk = journal_desk(tmp_path / "j.db", DAY, today=DAY, create=True, clinic=clinic)
    try:
        assert (desk.visit, desk.engine.visit) == (RULES, RULES)
        assert [(d.id, d.room) for d in desk.engine.doctors()] == [("rao", "3"), ("khan", "7")]
    finally:
        desk.close()
    plain = journal_desk(tmp_path / "plain.db", DAY, today=DAY, create=True)
    try:
        assert plain.engine.visit == VisitRules()
    finally:
        plain.close()


def test_the_services_day_decides_by_the_clinics_rules(tmp_path: Path) -> None:
    from opd_tui.api.today import Today
    from opd_tui.store import SqliteStore
    from opd_tui.wiring import clinic_from_file

    clinic = clinic_from_file(str(VISIT_DAY))
    store = SqliteStore(tmp_path / "j.db", create=True)
    try:
        today = Today(
            store,
            clock=lambda: datetime(2026, 11, 25, 8, 0),
            setup=clinic.setup,
            clinic_name=clinic.name,
            priorities=clinic.priorities,
            visit=clinic.visit,
        )
        assert today().engine.visit == RULES
    finally:
        store.close()


def test_the_demo_and_a_replay_decide_by_their_files_rules() -> None:
    from opd_tui import demo
    from opd_tui.wiring import demo_clinic, memory_desk, replay_desk

    assert demo.scenario().visit == VisitRules(grace=15, calls=3)
    assert demo_clinic().visit == VisitRules(grace=15, calls=3)
    desk, _ = memory_desk(DAY, DAY)
    assert desk.engine.visit == VisitRules(grace=15, calls=3)
    replay, _ = replay_desk(str(VISIT_DAY), DAY)
    assert replay.engine.visit == RULES


# ------------------------------------------------------------ the report, worked by hand
# Check-in → first call: Chitra 08:50 → 09:00, 10; Bala 09:02 → 09:12, 10 (his first call);
# Asha 08:40 → 09:15, 35; Esha 08:55 → 09:05, 10. Consultations, last call → seen: Chitra 12,
# Asha 8, Bala 10 (09:23 → 09:33), Esha 14. The call less the estimate at check-in (with nobody
# in the room, no earlier than the slot's 09:00 start): Asha 09:15 − 09:00 = +15, Chitra 0,
# Bala 09:12 − 09:15 = −3 (Chitra in the room since 09:00, a seat's 15 minutes), Esha +5. Sizes
# 0, 3, 5, 15: median 4; mean (15 + 0 − 3 + 5) ÷ 4 = 4.25. Overdue: Dev (no-show at
# 09:42, after khan-09's 09:30 end and 10 minutes' grace) and Farid (still booked at 10:15, the
# day's last action, after 10:00 + 10).
#
# 90th percentiles, linear between ranks: of Dr Rao's 10, 10, 35 at rank 0.9 × 2 = 1.8:
# 10 + 0.8 × 25 = 30; of the day's 10, 10, 10, 35 at 2.7: 10 + 0.7 × 25 = 27.5.


@pytest.fixture(scope="module")
def report() -> DayReport:
    return day_report(rehearse_file(VISIT_DAY, day=DAY))


def test_the_days_visit_figures(report: DayReport) -> None:
    assert report.visits == Visits(
        waited=4,
        wait_median=10,
        wait_p90=27.5,
        consultations=4,
        consultation_median=11,
        overdue=2,
        estimated=4,
        error_median=4,
        error_mean=4.25,
    )
    t = report.totals
    assert (t.served, t.booked, t.no_shows, t.called) == (4, 1, 1, 0)


def test_each_doctors_visit_figures(report: DayReport) -> None:
    rao, khan = report.doctors
    assert rao.visits == Visits(3, 10, 30, 3, 10, 1, 3, 3, 4)
    assert khan.visits == Visits(1, 10, 10, 1, 14, 1, 1, 5, 5)


def test_each_sources_visit_figures(report: DayReport) -> None:
    visits = {line.source: line.visits for line in report.sources}
    assert visits == {
        Source.EMERGENCY: Visits(),
        Source.PAID: Visits(),
        Source.FOLLOW_UP: Visits(1, 10, 10, 1, 12, 0, 1, 0, 0),  # Chitra
        Source.ONLINE: Visits(2, 10, 10, 2, 12, 0, 2, 4, 1),  # Bala and Esha
        Source.WALK_IN: Visits(1, 35, 35, 1, 8, 2, 1, 15, 15),  # Asha; Dev and Farid overdue
    }


def test_the_visit_figures_as_text(report: DayReport) -> None:
    lines = as_text(report).splitlines()
    assert lines[6] == (
        "Visits: 4 called after check-in · wait median 10 min · 90th percentile 28 min"
        " · consultation median 11.0 min · estimate off by 4.0 min (median), +4.2 min on"
        " average · overdue 2"
    )
    start = lines.index(
        "visits                             called  wait   p90 consult overdue est err   mean"
    )
    assert lines[start + 2 : start + 9] == [
        "Dr Asha Rao (Cardiology)                3    10    30    10.0       1     3.0   +4.0",
        "Dr Sameer Khan (Dermatology)            1    10    10    14.0       1     5.0   +5.0",
        "  emergency                             0     –     –       –       0       –      –",
        "  paid                                  0     –     –       –       0       –      –",
        "  follow-up                             1    10    10    12.0       0     0.0   +0.0",
        "  online                                2    10    10    12.0       0     4.0   +1.0",
        "  walk-in                               1    35    35     8.0       2    15.0  +15.0",
    ]
    assert lines[-1].startswith("visits: wait = minutes from check-in to the room's first call")


def test_the_visit_figures_as_json(report: DayReport) -> None:
    data = json.loads(json.dumps(as_data(report)))
    assert data["visits"] == {
        "call_waits": 4,
        "call_wait_median": 10.0,
        "call_wait_p90": 27.5,
        "consultations": 4,
        "consultation_median": 11.0,
        "overdue": 2,
        "estimated": 4,
        "estimate_error_median": 4.0,
        "estimate_error_mean": 4.2,  # rounded to a tenth
    }
    assert data["doctors"][0]["visits"]["call_wait_p90"] == 30.0
    assert data["sources"]["online"]["visits"]["estimate_error_median"] == 4.0
    assert data["totals"]["called"] == 0


def test_the_visit_figures_as_csv(report: DayReport) -> None:
    rows = {(r["scope"], r["id"]): r for r in csv.DictReader(io.StringIO(as_csv(report)))}
    visit = ("call_waits", "call_wait_median", "call_wait_p90", "consultation_median")
    visit += ("overdue", "estimate_error_median", "estimate_error_mean")
    assert [rows["day", ""][k] for k in visit] == ["4", "10.0", "27.5", "11.0", "2", "4.0", "4.2"]
    assert [rows["doctor", "khan"][k] for k in visit] == [
        "1", "10.0", "10.0", "14.0", "1", "5.0", "5.0",
    ]  # fmt: skip
    assert [rows["source", "walk-in"][k] for k in visit] == [
        "1", "35.0", "35.0", "8.0", "2", "15.0", "15.0",
    ]  # fmt: skip
    assert rows["slot", "rao-09"]["call_waits"] == ""  # slots have no visit figures


def test_a_day_without_visits_reports_none() -> None:
    text = CLINIC.replace('  { at = "08:50", check-in = "asha" },\n', "").replace(
        '  { at = "09:00", call-next = "rao" },\n', ""
    )
    report = day_report(played(text))
    assert report.visits == Visits()
    assert as_text(report).splitlines()[6] == "Visits: nobody called after check-in · overdue 0"


@pytest.mark.parametrize(
    ("values", "expected"),
    [([7.0], 7.0), ([1.0, 2.0], 1.9), ([float(v) for v in range(1, 12)], 10.0),
     ([float(v) for v in range(10, 0, -1)], 9.1)],
)  # fmt: skip
def test_the_90th_percentile_is_linear_between_ranks(values: list[float], expected: float) -> None:
    assert percentile_90(values) == pytest.approx(expected)


def test_a_day_that_ends_with_a_patient_in_the_room() -> None:
    player = played(edited(('serve = "asha" }', 'room = "rao", to = "4" }')))
    report = day_report(player)
    assert as_text(report).splitlines()[3] == (
        "Utilisation 100% (2 of 2 seats) · served 0 · in the room 1 · still booked 1 · waiting 1"
    )
    assert (report.visits.waited, report.visits.consultations) == (1, 0)
    assert as_data(report)["totals"]["called"] == 1
