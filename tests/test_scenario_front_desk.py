"""Clinic files and the front desk: a booking's phone, patient id and ``again``; a doctor away
(``away``, ``from``) and their patients reassigned (``reassign``, ``to``, ``slot``); each problem
with its line and key path; and tests/data/front_desk_day.toml played to the end, by hand.

Line numbers in the problem cases refer to CLINIC below (line 1 is ``clinic = ...``).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from opd_tui.engine import (
    AwaySet,
    Book,
    Preempted,
    Reassign,
    Reassigned,
    SetAway,
    Source,
    Status,
    Undo,
)
from opd_tui.scenario import Action, Player, ScenarioError, loads, rehearse, rehearse_file
from opd_tui.scenario.render import as_csv, as_data, as_text
from opd_tui.scenario.report import Act, day_report, report_of

DAY = date(2026, 11, 25)
FRONT_DESK_DAY = Path(__file__).parent / "data" / "front_desk_day.toml"

CLINIC = """\
clinic = "Front Desk OPD"
opens = "08:00"

timeline = [
  { at = "08:00", book = "rao-11", patient = "Asha Menon", source = "follow-up", phone = "98450 12345", patient_id = "MRN-42" },
  { at = "08:05", book = "rao-11", patient = "Dev Rao", source = "walk-in" },
  { at = "08:10", book = "iyer-11", patient = "Esha Roy", source = "walk-in" },
  { at = "10:30", away = "rao", from = "11:00" },
  { at = "10:35", reassign = "rao", to = "iyer" },
]

[[doctors]]
id = "rao"
name = "Dr Asha Rao"
specialty = "Cardiology"
slots = [{ id = "rao-11", start = "11:00", end = "12:00", capacity = 2 }]

[[doctors]]
id = "iyer"
name = "Dr Kiran Iyer"
specialty = "Cardiology"
slots = [{ id = "iyer-11", start = "11:00", end = "12:00", capacity = 1 }]
"""


def at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 11, 25, hours, minutes)


def problems(text: str, file: str = "clinic.toml") -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        loads(text, file=file, day=DAY)
    return [str(problem) for problem in caught.value.problems]


def edited(*changes: tuple[str, str], text: str = CLINIC) -> str:
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def played(text: str) -> Player:
    player = rehearse(text, file="clinic.toml", day=DAY)
    assert player.done
    return player


def final_tokens(player: Player) -> list[tuple[str, str, str, Status]]:
    return [(t.number, t.patient, t.slot_id, t.status) for t in player.engine.tokens()]


# ------------------------------------------------------------------------------ reading


def test_identities_away_and_reassign_are_read_into_actions() -> None:
    scenario = loads(
        edited(
            (
                '  { at = "10:35", reassign = "rao", to = "iyer" },\n',
                '  { at = "10:35", reassign = "rao", to = "iyer", slot = "iyer-11" },\n'
                '  { at = "11:30", away = "rao", from = false },\n'
                '  { at = "11:40", away = "iyer" },\n',
            ),
        ),
        file="clinic.toml",
        day=DAY,
    )
    asha, dev = scenario.timeline[:2]
    assert (asha.phone, asha.patient_id, asha.again) == ("9845012345", "MRN-42", False)
    assert (dev.phone, dev.patient_id, dev.again) == ("", "", False)
    assert [a.describe() for a in scenario.timeline] == [
        "08:00 book Asha Menon (follow-up, MRN-42) into rao-11",
        "08:05 book Dev Rao (walk-in) into rao-11",
        "08:10 book Esha Roy (walk-in) into iyer-11",
        "10:30 rao away from 11:00",
        "10:35 reassign rao's patients to iyer into iyer-11",
        "11:30 rao back",
        "11:40 iyer away from 11:40",  # no from: away from the entry's own time
    ]
    kinds = [(a.kind, a.target, a.to, a.slot) for a in scenario.timeline[3:]]
    assert kinds == [
        ("away", "rao", "11:00", ""),
        ("reassign", "rao", "iyer", "iyer-11"),
        ("away", "rao", "", ""),
        ("away", "iyer", "11:40", ""),
    ]


def test_again_is_kept_and_spelt_in_the_description() -> None:
    scenario = loads(
        edited(('patient_id = "MRN-42" }', 'patient_id = "mrn-42", again = true }')),
        file="clinic.toml",
        day=DAY,
    )
    first = scenario.timeline[0]
    assert (first.patient_id, first.again) == ("MRN-42", True)
    assert first.describe() == "08:00 book Asha Menon (follow-up, MRN-42, again) into rao-11"


def test_each_new_kind_plays_as_its_command() -> None:
    player = Player(loads(CLINIC, file="clinic.toml", day=DAY), day=DAY)
    commands = [player._command(action) for action in player.scenario.timeline]
    assert commands[0] == Book(
        "rao-11", "Asha Menon", "follow-up", "9845012345", "MRN-42", again=False
    )
    assert commands[3:] == [SetAway("rao", "11:00"), Reassign("rao", "iyer", None)]
    back = Action(5, 11 * 60 + 30, "away", "rao")  # from = false
    assert player._command(back) == SetAway("rao", None)


CASES = [
    pytest.param(
        (('phone = "98450 12345"', 'phone = "12"'),),
        [
            "clinic.toml:5: timeline[0].phone: phone '12' is not a phone number: 7 to 15 digits,"
            " with an optional leading +"
        ],
        id="phone-too-short",
    ),
    pytest.param(
        (('phone = "98450 12345"', "phone = 9845012345"),),
        ["clinic.toml:5: timeline[0].phone: must be a string, not 9845012345"],
        id="phone-a-number",
    ),
    pytest.param(
        (('phone = "98450 12345"', 'phone = "98450-ABC-45"'),),
        [
            "clinic.toml:5: timeline[0].phone: phone '98450-ABC-45' is not a phone number:"
            " 7 to 15 digits, with an optional leading +"
        ],
        id="phone-with-letters",
    ),
    pytest.param(
        (('patient_id = "MRN-42"', 'patient_id = "MRN 42"'),),
        [
            "clinic.toml:5: timeline[0].patient_id: patient id 'MRN 42' may hold only letters,"
            " digits, '-' and '/', at most 24 characters"
        ],
        id="patient-id-with-a-space",
    ),
    pytest.param(
        (('patient_id = "MRN-42"', 'patient_id = "MRN-0000000000000000000042"'),),
        [
            "clinic.toml:5: timeline[0].patient_id: patient id 'MRN-0000000000000000000042' may"
            " hold only letters, digits, '-' and '/', at most 24 characters"
        ],
        id="patient-id-too-long",
    ),
    pytest.param(
        (('patient_id = "MRN-42"', "patient_id = 42"),),
        ["clinic.toml:5: timeline[0].patient_id: must be a string, not 42"],
        id="patient-id-a-number",
    ),
    pytest.param(
        (('patient_id = "MRN-42" }', 'patient_id = "MRN-42", again = "yes" }'),),
        ["clinic.toml:5: timeline[0].again: must be true or false, not 'yes'"],
        id="again-not-a-boolean",
    ),
    pytest.param(
        (('phone = "98450 12345"', 'phon = "98450 12345"'),),
        ["clinic.toml:5: timeline[0].phon: unknown key (did you mean 'phone'?)"],
        id="misspelt-phone",
    ),
    pytest.param(
        (
            (
                '  { at = "08:10", book = "iyer-11"',
                '  { at = "08:06", book = "rao-11", patient = "asha  MENON", source = "walk-in",'
                ' phone = "+91 98450 12345" },\n  { at = "08:10", book = "iyer-11"',
            ),
        ),
        [
            "clinic.toml:7: timeline[2]: 08:06 book asha  MENON (walk-in) into rao-11: refused:"
            " Asha Menon already holds RAO-001 with Dr Asha Rao today (booked, 11:00–12:00);"
            " book again only if intended (again = true)"
        ],
        id="duplicate-refused",
    ),
    pytest.param(
        (
            (
                '  { at = "08:10", book = "iyer-11"',
                '  { at = "08:06", book = "rao-11", patient = "Asha Menon", source = "walk-in",'
                ' phone = "+91 98450 12345", again = true },\n  { at = "08:10", book = "iyer-11"',
            ),
        ),
        [],
        id="duplicate-intended",
    ),
    pytest.param(
        (
            (
                '  { at = "08:10", book = "iyer-11"',
                '  { at = "08:06", book = "iyer-11", patient = "Asha Menon", source = "walk-in",'
                ' patient_id = "MRN-42" },\n  { at = "08:10", book = "iyer-11"',
            ),
        ),
        [],
        id="the-same-patient-with-another-doctor",
    ),
    pytest.param(
        (('away = "rao"', 'away = "roa"'),),
        ["clinic.toml:8: timeline[3].away: no doctor 'roa' (did you mean 'rao'?)"],
        id="away-of-an-unknown-doctor",
    ),
    pytest.param(
        (('from = "11:00"', 'from = "11.00"'),),
        [
            "clinic.toml:8: timeline[3].from: must be a time HH:MM, or false for back after all;"
            " not '11.00'"
        ],
        id="away-from-not-a-time",
    ),
    pytest.param(
        (('from = "11:00"', "from = true"),),
        [
            "clinic.toml:8: timeline[3].from: must be a time HH:MM, or false for back after all;"
            " not True"
        ],
        id="away-from-true",
    ),
    pytest.param(
        (('from = "11:00" }', 'from = "11:00", to = "iyer" }'),),
        ["clinic.toml:8: timeline[3].to: unknown key"],
        id="away-takes-no-to",
    ),
    pytest.param(
        (('from = "11:00"', "from = false"),),
        [
            "clinic.toml:8: timeline[3]: 10:30 rao back: refused: Dr Asha Rao is already here",
        ],
        id="back-when-not-away-refused",
    ),
    pytest.param(
        (
            (
                'from = "11:00" },',
                'from = "11:00" },\n  { at = "10:31", away = "rao", from = "11:00" },',
            ),
        ),
        [
            "clinic.toml:9: timeline[4]: 10:31 rao away from 11:00: refused: Dr Asha Rao is"
            " already away from 11:00"
        ],
        id="away-twice-refused",
    ),
    pytest.param(
        (('from = "11:00"', 'from = "12:00"'),),
        [
            "clinic.toml:9: timeline[4]: 10:35 reassign rao's patients to iyer: refused:"
            " Dr Asha Rao has no waiting or booked patients to reassign"
        ],
        id="away-after-the-last-slot-leaves-nobody-to-reassign",
    ),
    pytest.param(
        (
            (
                'reassign = "rao", to = "iyer" },',
                'reassign = "rao", to = "iyer" },\n'
                '  { at = "10:40", book = "rao-11", patient = "Gita Nair", source = "walk-in" },',
            ),
        ),
        [
            "clinic.toml:10: timeline[5]: 10:40 book Gita Nair (walk-in) into rao-11: refused:"
            " Dr Asha Rao is away from 11:00: the 11:00–12:00 slot takes no new patients"
        ],
        id="booking-an-away-doctor-refused",
    ),
    pytest.param(
        (('reassign = "rao", to = "iyer"', 'reassign = "rao"'),),
        ["clinic.toml:9: timeline[4].to: required"],
        id="reassign-without-to",
    ),
    pytest.param(
        (('reassign = "rao", to = "iyer"', 'reassign = "rao", to = "iyr"'),),
        ["clinic.toml:9: timeline[4].to: no doctor 'iyr' (did you mean 'iyer'?)"],
        id="reassign-to-an-unknown-doctor",
    ),
    pytest.param(
        (('reassign = "rao", to = "iyer"', 'reassign = "rao", to = "rao"'),),
        ["clinic.toml:9: timeline[4].to: must be another doctor than 'rao'"],
        id="reassign-to-the-same-doctor",
    ),
    pytest.param(
        (('reassign = "rao", to = "iyer"', 'reassign = "roa", to = "iyer"'),),
        ["clinic.toml:9: timeline[4].reassign: no doctor 'roa' (did you mean 'rao'?)"],
        id="reassign-of-an-unknown-doctor",
    ),
    pytest.param(
        (('to = "iyer" }', 'to = "iyer", slot = "iyer-12" }'),),
        ["clinic.toml:9: timeline[4].slot: no slot 'iyer-12' (did you mean 'iyer-11'?)"],
        id="reassign-into-an-unknown-slot",
    ),
    pytest.param(
        (('to = "iyer" }', 'to = "iyer", slot = "rao-11" }'),),
        ["clinic.toml:9: timeline[4].slot: 'rao-11' is a slot of 'rao', not of 'iyer'"],
        id="reassign-into-another-doctors-slot",
    ),
    pytest.param(
        (('to = "iyer" }', 'to = "iyer", slot = 11 }'),),
        ["clinic.toml:9: timeline[4].slot: must be a string, not 11"],
        id="reassign-slot-a-number",
    ),
    pytest.param(
        (('to = "iyer" }', 'to = "iyer", minutes = 5 }'),),
        ["clinic.toml:9: timeline[4].minutes: unknown key"],
        id="reassign-takes-no-minutes",
    ),
    pytest.param(
        (
            (
                '{ id = "iyer-11", start = "11:00", end = "12:00"',
                '{ id = "iyer-11", start = "09:00", end = "10:00"',
            ),
        ),
        [
            "clinic.toml:9: timeline[4]: 10:35 reassign rao's patients to iyer: refused:"
            " Dr Kiran Iyer has no slot at or after 11:00 for RAO-001"
        ],
        id="reassign-with-no-target-slot-refused",
    ),
    pytest.param(
        (('to = "iyer" }', 'to = "iyer", slot = "iyer-11" }'),),
        [],
        id="reassign-into-a-named-slot",
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


def test_every_problem_is_listed_at_once_before_anything_is_played() -> None:
    text = edited(
        ('phone = "98450 12345"', 'phone = "12"'),
        ('from = "11:00"', "from = 11"),
        ('reassign = "rao", to = "iyer"', 'reassign = "rao", to = "rao"'),
    )
    assert problems(text) == [
        "clinic.toml:5: timeline[0].phone: phone '12' is not a phone number: 7 to 15 digits,"
        " with an optional leading +",
        "clinic.toml:8: timeline[3].from: must be a time HH:MM, or false for back after all;"
        " not 11",
        "clinic.toml:9: timeline[4].to: must be another doctor than 'rao'",
    ]


# ------------------------------------------------------------------------------ playing


def test_the_clinic_plays_away_and_reassign_with_a_preemption() -> None:
    player = played(CLINIC)
    asha, dev, esha = (player.token_id(i) for i in range(3))
    away, reassign = player.steps[3:]
    assert away.events == (AwaySet(at("10:30"), "rao", None, 11 * 60),)
    assert reassign.events == (
        Preempted(at("10:35"), esha, "iyer-11", asha, "follow-up 3 > walk-in 1"),
        Reassigned(
            at("10:35"), asha, "rao-11", "iyer-11", Status.BOOKED, "RAO-001", "IYER-002", True
        ),
        Reassigned(
            at("10:35"), dev, "rao-11", "iyer-11", Status.BOOKED, "RAO-002", "IYER-003", False
        ),
    )
    assert final_tokens(player) == [
        ("IYER-002", "Asha Menon", "iyer-11", Status.BOOKED),
        ("IYER-003", "Dev Rao", "iyer-11", Status.WAITING),
        ("IYER-001", "Esha Roy", "iyer-11", Status.WAITING),
    ]
    kept = player.engine.token(asha)
    assert (kept.phone, kept.patient_id) == ("9845012345", "MRN-42")


def test_the_front_desk_day_plays_to_the_end() -> None:
    player = rehearse_file(FRONT_DESK_DAY, day=DAY)
    assert player.done and len(player.steps) == 13
    assert final_tokens(player) == [
        ("RAO-001", "Asha Menon", "rao-09", Status.SERVED),
        ("RAO-002", "Bala Iyer", "rao-09", Status.BOOKED),
        ("IYER-003", "Asha Menon", "iyer-11", Status.BOOKED),  # her second token, reassigned
        ("IYER-004", "Dev Rao", "iyer-11", Status.BOOKED),  # arrived before Esha and Farid
        ("IYER-001", "Esha Roy", "iyer-11", Status.WAITING),
        ("IYER-002", "Farid Ali", "iyer-11", Status.WAITING),
        ("RAO-005", "Gita Nair", "rao-11", Status.BOOKED),  # Dr Rao is back: rao-11 books again
    ]
    identities = [(t.number, t.phone, t.patient_id) for t in player.engine.tokens()]
    assert identities == [
        ("RAO-001", "+919845012345", "MRN-2024/0042"),
        ("RAO-002", "9845067890", ""),
        ("IYER-003", "", "MRN-2024/0042"),
        ("IYER-004", "08022223333", ""),
        ("IYER-001", "", ""),
        ("IYER-002", "", ""),
        ("RAO-005", "9845011111", ""),
    ]
    asha_2, dev, esha, farid = (player.token_id(i) for i in (2, 3, 4, 5))
    reassign = player.steps[10]
    assert reassign.events == (
        Preempted(at("10:35"), farid, "iyer-11", asha_2, "follow-up 3 > walk-in 1"),
        Reassigned(
            at("10:35"), asha_2, "rao-11", "iyer-11", Status.BOOKED, "RAO-003", "IYER-003", True
        ),
        Preempted(at("10:35"), esha, "iyer-11", dev, "walk-in 1 = walk-in 1, arrived earlier"),
        Reassigned(
            at("10:35"), dev, "rao-11", "iyer-11", Status.BOOKED, "RAO-004", "IYER-004", True
        ),
    )
    assert player.steps[11].events == (AwaySet(at("11:30"), "rao", 11 * 60, None),)


def test_without_again_the_second_booking_is_refused_at_its_line() -> None:
    text = FRONT_DESK_DAY.read_text(encoding="utf-8")
    assert text.count(", again = true") == 1
    assert problems(text.replace(", again = true", ""), file="front_desk_day.toml") == [
        "front_desk_day.toml:13: timeline[2]: 08:10 book Asha Menon (follow-up, MRN-2024/0042)"
        " into rao-11: refused: Asha Menon already holds RAO-001 with Dr Asha Rao today"
        " (booked, 09:00–10:00); book again only if intended (again = true)"
    ]


def test_going_back_over_a_reassign_puts_the_patients_back() -> None:
    player = Player(loads(CLINIC, file="clinic.toml", day=DAY), day=DAY)
    player.play_all()
    player.back()  # the engine's own undo
    assert final_tokens(player) == [
        ("RAO-001", "Asha Menon", "rao-11", Status.BOOKED),
        ("RAO-002", "Dev Rao", "rao-11", Status.BOOKED),
        ("IYER-001", "Esha Roy", "iyer-11", Status.BOOKED),
    ]
    player.step()
    player.rewind(3)  # from a checkpoint and the recorded events
    assert [t.slot_id for t in player.engine.tokens()] == ["rao-11", "rao-11", "iyer-11"]
    player.seek(5)
    assert [t.number for t in player.engine.tokens()] == ["IYER-002", "IYER-003", "IYER-001"]


# ------------------------------------------------------------------------------ report


def test_the_report_counts_each_doctors_tokens_where_they_ended() -> None:
    report = day_report(rehearse_file(FRONT_DESK_DAY, day=DAY))
    lines = {d.doctor_id: (d.tokens, d.reassigned_away, d.reassigned_here) for d in report.doctors}
    assert lines == {"rao": (3, 2, 0), "iyer": (4, 0, 2)}
    [iyer] = [d for d in report.doctors if d.doctor_id == "iyer"]
    assert (iyer.stats.booked, iyer.stats.waiting, iyer.stats.preemptions) == (2, 2, 2)
    assert [(p.number, p.patient, p.slot_id, p.status) for p in report.preempted] == [
        ("IYER-001", "Esha Roy", "iyer-11", Status.WAITING),
        ("IYER-002", "Farid Ali", "iyer-11", Status.WAITING),
    ]
    assert {s.source: s.tokens for s in report.sources if s.tokens} == {
        Source.FOLLOW_UP: 1,
        Source.ONLINE: 1,
        Source.WALK_IN: 5,
    }


def test_the_reassigned_tokens_in_text_json_and_csv() -> None:
    report = day_report(rehearse_file(FRONT_DESK_DAY, day=DAY))
    lines = as_text(report).splitlines()
    assert lines[15] == "Reassigned tokens: 2 from Dr Asha Rao · 2 to Dr Kiran Iyer"
    assert lines[14].startswith("  iyer-11 11:00–12:00")
    data = as_data(report)
    assert [(d["id"], d["reassigned_away"], d["reassigned_here"]) for d in data["doctors"]] == [
        ("rao", 2, 0),
        ("iyer", 0, 2),
    ]
    rows = {(r["scope"], r["id"]): r for r in csv.DictReader(io.StringIO(as_csv(report)))}
    assert (rows["doctor", "rao"]["reassigned_away"], rows["doctor", "rao"]["tokens"]) == ("2", "3")
    assert rows["doctor", "iyer"]["reassigned_here"] == "2"
    assert rows["day", ""]["reassigned_away"] == ""


def test_a_day_without_reassignments_has_no_reassigned_line() -> None:
    text = edited(('  { at = "10:35", reassign = "rao", to = "iyer" },\n', ""))
    report = day_report(played(text))
    assert not any(line.startswith("Reassigned") for line in as_text(report).splitlines())
    assert [(d.reassigned_away, d.reassigned_here) for d in report.doctors] == [(0, 0), (0, 0)]


def test_an_undone_reassign_is_taken_back_in_the_report() -> None:
    player = played(CLINIC)
    undone = player.engine.execute(Undo())
    acts = [*player.steps, Act(undone[0].at, tuple(undone))]
    report = report_of(player.engine, acts, clinic="Front Desk OPD", day=DAY)
    lines = {d.doctor_id: (d.tokens, d.reassigned_away, d.reassigned_here) for d in report.doctors}
    assert lines == {"rao": (2, 0, 0), "iyer": (1, 0, 0)}
    assert report.preempted == ()
