"""Clinic files: every problem listed at once with its line and key path; playing a day.

Each case edits one line of a small valid clinic and expects the exact problem list. Line numbers
refer to CLINIC below (line 1 is ``clinic = ...``).
"""

from __future__ import annotations

import tomllib
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from opd_tui.engine import Booked, OpdError, Preempted, Promoted, Served, Status, Waitlisted
from opd_tui.scenario import Player, ScenarioError, load, loads
from opd_tui.scenario.decode import decode

DAY = date(2026, 11, 25)

CLINIC = """\
clinic = "Test OPD"
opens = "08:00"

timeline = [
  { at = "08:00", book = "rao-09", patient = "Asha Menon", source = "walk-in", label = "asha" },
  { at = "08:05", book = "rao-09", patient = "Bala Iyer", source = "online" },
  { at = "08:10", book = "rao-09", patient = "Chitra Das", source = "walk-in" },
  { at = "09:05", serve = "Bala Iyer" },
]

[[doctors]]
id = "rao"
name = "Dr Asha Rao"
specialty = "Cardiology"
slots = [
  { id = "rao-09", start = "09:00", end = "10:00", capacity = 2 },
  { start = "10:00", end = "11:00", capacity = 3 },
]
"""


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


# ----------------------------------------------------------------------------- a good file


def test_a_good_file_loads_into_a_scenario() -> None:
    scenario = loads(CLINIC, file="clinic.toml", day=DAY)
    assert scenario.name == "Test OPD"
    assert scenario.opens == 8 * 60
    [rao] = scenario.doctors
    assert (rao.id, rao.name, rao.specialty) == ("rao", "Dr Asha Rao", "Cardiology")
    assert [(s.id, s.start, s.end, s.capacity) for s in rao.slots] == [
        ("rao-09", "09:00", "10:00", 2),
        ("rao-1000", "10:00", "11:00", 3),  # an id left out is the doctor's id and the start
    ]
    assert [a.describe() for a in scenario.timeline] == [
        "08:00 book Asha Menon (walk-in) into rao-09",
        "08:05 book Bala Iyer (online) into rao-09",
        "08:10 book Chitra Das (walk-in) into rao-09",
        "09:05 serve Bala Iyer",
    ]
    assert scenario.timeline[3].booking == 1  # "Bala Iyer" names the booking at timeline[1]


def test_scenario_error_is_an_engine_error_listing_every_problem() -> None:
    with pytest.raises(OpdError) as caught:
        loads(edited(('"Test OPD"', '""')), file="clinic.toml")
    assert str(caught.value) == (
        "1 problem in the clinic file:\nclinic.toml:1: clinic: must not be empty"
    )


# ------------------------------------------------------------------ one problem at a time

CASES = [
    pytest.param(
        ("capacity = 2 }", "capacity = -1 }"),
        ["clinic.toml:16: doctors[0].slots[0].capacity: must be >= 0"],
        id="negative-capacity",
    ),
    pytest.param(
        ("capacity = 2 }", 'capacity = "two" }'),
        ["clinic.toml:16: doctors[0].slots[0].capacity: must be a whole number, not 'two'"],
        id="capacity-not-a-number",
    ),
    pytest.param(
        ('start = "09:00"', 'start = "9.00"'),
        ["clinic.toml:16: doctors[0].slots[0].start: must be a time HH:MM, not '9.00'"],
        id="bad-time",
    ),
    pytest.param(
        ('end = "11:00"', 'end = "10:00"'),
        ["clinic.toml:17: doctors[0].slots[1].end: must be after start (10:00)"],
        id="end-not-after-start",
    ),
    pytest.param(
        ('name = "Dr Asha Rao"\n', ""),
        ["clinic.toml:11: doctors[0].name: required"],
        id="missing-doctor-name",
    ),
    pytest.param(
        ("capacity = 3 }", "capcity = 3 }"),
        [
            "clinic.toml:17: doctors[0].slots[1].capcity: unknown key (did you mean 'capacity'?)",
            "clinic.toml:17: doctors[0].slots[1].capacity: required: a number of seats",
        ],
        id="misspelt-key",
    ),
    pytest.param(
        ('{ start = "10:00"', '{ id = "rao-09", start = "10:00"'),
        [
            "clinic.toml:17: doctors[0].slots[1].id: duplicate slot id 'rao-09'"
            " (first at doctors[0].slots[0])"
        ],
        id="duplicate-slot-id",
    ),
    pytest.param(
        ('{ start = "10:00"', '{ start = "09:30"'),
        ["clinic.toml:17: doctors[0].slots[1]: slot rao-0930 overlaps Dr Asha Rao 09:00–10:00"],
        id="overlapping-slots-refused-by-the-engine",
    ),
    pytest.param(
        ('source = "online"', 'source = "vip"'),
        [
            "clinic.toml:6: timeline[1].source: unknown source 'vip'"
            " (expected one of: emergency, paid, follow-up, online, walk-in)"
        ],
        id="unknown-source",
    ),
    pytest.param(
        ('book = "rao-09", patient = "Chitra', 'book = "rao-9", patient = "Chitra'),
        ["clinic.toml:7: timeline[2].book: no slot 'rao-9' (did you mean 'rao-09'?)"],
        id="unknown-slot",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'serve = "Bala"'),
        [
            "clinic.toml:8: timeline[3].serve: no earlier booking has the label or patient name 'Bala'"
        ],
        id="unknown-token",
    ),
    pytest.param(
        ('at = "09:05"', 'at = "07:05"'),
        ["clinic.toml:8: timeline[3].at: 07:05 is before the previous action (08:10)"],
        id="time-goes-back",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'serve = "Bala Iyer", cancel = "asha"'),
        ["clinic.toml:8: timeline[3]: has more than one action: serve, cancel"],
        id="two-actions",
    ),
    pytest.param(
        ('{ at = "09:05", serve = "Bala Iyer" }', '{ at = "09:05" }'),
        [
            "clinic.toml:8: timeline[3]: needs one action key:"
            " book, cancel, no-show, serve, bump, move, capacity, delay, check-in, call-next,"
            " call, return, overdue, room, away, reassign"
        ],
        id="no-action",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'serve = "Chitra Das"'),
        [
            "clinic.toml:8: timeline[3]: 09:05 serve Chitra Das: refused:"
            " RAO-003 is on the waitlist; only a booked token can be served"
        ],
        id="serving-a-waiting-token-refused-by-the-engine",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'move = "asha", to = "rao-09"'),
        [
            "clinic.toml:8: timeline[3]: 09:05 move asha to rao-09: refused:"
            " RAO-001 is already in Dr Asha Rao 09:00"
        ],
        id="move-to-the-same-slot-refused",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'bump = "asha", to = "sideways"'),
        ["clinic.toml:8: timeline[3].to: must be 'up', 'down' or a source, not 'sideways'"],
        id="bad-bump",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'capacity = "rao-09", to = -2'),
        ["clinic.toml:8: timeline[3].to: must be >= 0"],
        id="negative-capacity-action",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'delay = "rao", minutes = 0'),
        [
            "clinic.toml:8: timeline[3].minutes:"
            " must be a whole number from -720 to 720, other than 0; not 0"
        ],
        id="zero-delay",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'delay = "rao", minutes = 1440'),
        [
            "clinic.toml:8: timeline[3].minutes:"
            " must be a whole number from -720 to 720, other than 0; not 1440"
        ],
        id="delay-of-a-whole-day",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'delay = "rao", minutes = -721'),
        [
            "clinic.toml:8: timeline[3].minutes:"
            " must be a whole number from -720 to 720, other than 0; not -721"
        ],
        id="delay-more-than-half-a-day-early",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'delay = "rao", minutes = 1.5'),
        [
            "clinic.toml:8: timeline[3].minutes:"
            " must be a whole number from -720 to 720, other than 0; not 1.5"
        ],
        id="fractional-delay",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'delay = "rao", minutes = "15"'),
        [
            "clinic.toml:8: timeline[3].minutes:"
            " must be a whole number from -720 to 720, other than 0; not '15'"
        ],
        id="delay-in-a-string",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'delay = "rao", minutes = 720'),
        [],
        id="delay-of-half-a-day",
    ),
    pytest.param(
        ('serve = "Bala Iyer"', 'delay = "roa", minutes = 10'),
        ["clinic.toml:8: timeline[3].delay: no doctor 'roa' (did you mean 'rao'?)"],
        id="unknown-doctor",
    ),
    pytest.param(
        ('source = "online" }', 'source = "online", label = "asha" }'),
        ["clinic.toml:6: timeline[1].label: 'asha' is already the label of timeline[0]"],
        id="duplicate-label",
    ),
    pytest.param(
        ('opens = "08:00"', 'opens = "08:00"\npriorities = { vip = 9, paid = "high" }'),
        [
            "clinic.toml:3: priorities.vip: unknown source"
            " (expected one of: emergency, paid, follow-up, online, walk-in)",
            "clinic.toml:3: priorities.paid: must be a whole number, not 'high'",
        ],
        id="bad-priorities",
    ),
    pytest.param(
        ('opens = "08:00"', 'opens = "08:30"'),
        ["clinic.toml:2: opens: is after the first action (08:00)"],
        id="opens-after-the-first-action",
    ),
    pytest.param(
        ('patient = "Asha Menon",', 'patient = "Asha Menon" '),
        ["clinic.toml:5: not valid TOML: Unclosed inline table (column 60)"],
        id="not-toml",
    ),
    pytest.param(
        ('opens = "08:00"\n', ""),
        [],
        id="opens-is-optional",
    ),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_each_problem_is_reported_with_its_line_and_key_path(
    change: tuple[str, str], expected: list[str]
) -> None:
    if expected:
        assert problems(edited(change)) == expected
    else:
        loads(edited(change), file="clinic.toml", day=DAY)


def test_every_problem_is_listed_at_once_in_file_order() -> None:
    text = edited(
        ('clinic = "Test OPD"', "clinic = 7"),
        ("capacity = 3 }", "capacity = -3 }"),
        ('source = "online"', 'source = "vip"'),
        ('serve = "Bala Iyer"', 'move = "asha", to = "rao-09"'),
        ('name = "Dr Asha Rao"\n', 'name = "Dr Asha Rao"\nfloor = 4\n'),
    )
    assert problems(text) == [
        "clinic.toml:1: clinic: must be a string, not 7",
        "clinic.toml:6: timeline[1].source: unknown source 'vip'"
        " (expected one of: emergency, paid, follow-up, online, walk-in)",
        "clinic.toml:8: timeline[3]: 09:05 move asha to rao-09: refused:"
        " RAO-001 is already in Dr Asha Rao 09:00",
        "clinic.toml:14: doctors[0].floor: unknown key",
        "clinic.toml:18: doctors[0].slots[1].capacity: must be >= 0",
    ]


def test_a_broken_booking_is_reported_once_not_again_by_the_actions_that_name_it() -> None:
    text = edited(('source = "online"', 'source = "vip"'))
    text = text.replace(
        'serve = "Bala Iyer" }', 'serve = "Bala Iyer" },\n  { at = "09:10", cancel = "Bala Iyer" }'
    )
    assert len(problems(text)) == 1


def test_a_top_level_key_written_after_a_table_gets_a_hint() -> None:
    start = CLINIC.index("timeline = [")
    end = CLINIC.index("[[doctors]]")
    text = CLINIC[:start] + CLINIC[end:] + "\n" + CLINIC[start:end]
    assert problems(text) == [
        "clinic.toml:13: doctors[0].timeline: unknown key here: TOML puts a timeline written"
        " after a table header into that table; write it before the first table",
    ]


def test_a_file_without_doctors() -> None:
    assert problems('clinic = "Empty"\n') == [
        "clinic.toml: doctors: required: at least one [[doctors]] table"
    ]


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path / "nowhere.toml")
    [problem] = caught.value.problems
    assert problem.message == "cannot read the file: No such file or directory"


# ------------------------------------------------------------------- other ways of writing


TABLES = """\
clinic = "Test OPD"

[[doctors]]
id = "rao"
name = "Dr Asha Rao"
specialty = "Cardiology"

[[doctors.slots]]
id = "rao-09"
start = "09:00"
end = "10:00"
capacity = 2

[[doctors.slots]]
start = "10:00"
end = "11:00"
capacity = 3

[[timeline]]
at = "08:00"
book = "rao-09"
patient = "Asha Menon"
source = "walk-in"
label = "asha"

[[timeline]]
at = "08:05"
book = "rao-09"
patient = "Bala Iyer"
source = "online"

[[timeline]]
at = "08:10"
book = "rao-09"
patient = "Chitra Das"
source = "walk-in"

[[timeline]]
at = 09:05:00
serve = "Bala Iyer"
"""


def test_tables_instead_of_inline_arrays_read_the_same() -> None:
    inline = loads(CLINIC, file="clinic.toml", day=DAY)
    tables = loads(TABLES, file="clinic.toml", day=DAY)
    assert tables.doctors == inline.doctors
    assert tables.timeline == inline.timeline


def test_lines_are_found_in_tables_too() -> None:
    text = TABLES.replace("capacity = 3", "capacity = -3").replace(
        'serve = "Bala Iyer"', 'serve = "Chitra Das"'
    )
    assert problems(text) == [
        "clinic.toml:17: doctors[0].slots[1].capacity: must be >= 0",
        "clinic.toml:38: timeline[3]: 09:05 serve Chitra Das: refused:"
        " RAO-003 is on the waitlist; only a booked token can be served",
    ]


@pytest.mark.parametrize(
    ("lines", "fast"),
    [
        (['{ at = "08:00", serve = "Zoë Das" },  # a comment', '{ at = "08:01", n = -0 }'], True),
        (['{ at = "08:00", flag = true, off = false, n = 12 },', "", "  # a note", "{ }"], False),
        (['{ at = "08:00", serve = "Rao, Asha" },'], False),  # a comma in a string
        (['{ at = "08:00", serve = "a # b" },'], False),
        (['{ at = "08:00", serve = "Tab\\tEscape" },'], False),
        (['{ at = "08:00", at = "08:01" },'], None),  # a key twice: tomllib's error
        (['{ at = "08:00" }', '{ at = "08:01" }'], None),  # a comma missing
        (['{ at = "08:00" },,'], None),
        (["{ at = '08:00' },"], False),
        (['{ at = "08:00", n = 1_000, f = 1.5, d = 2026-11-25 },'], False),
        (['{ at = "08:00", nested = { a = 1 } },'], False),
        (['{ at = "08:00",', '  serve = "x" },'], None),  # one table over two lines
        (['{ at = "08:00" }, { at = "08:01" },'], False),
        (['{at="08:00",serve="x"},'], False),
    ],
)
def test_the_fast_reader_gives_what_tomllib_gives(lines: list[str], fast: bool | None) -> None:
    from opd_tui.scenario.decode import _fast

    body = "\n".join(f"  {line}" if line else "" for line in lines)
    text = f'clinic = "x"\ntimeline = [\n{body}\n]\n[[doctors]]\nid = "a"\n'
    for variant in (text, text.replace("\n", "\r\n")):
        try:
            expected = tomllib.loads(variant)
        except tomllib.TOMLDecodeError as error:
            assert fast is None
            with pytest.raises(tomllib.TOMLDecodeError) as caught:
                decode(variant)
            assert str(caught.value) == str(error)
        else:
            assert decode(variant) == expected
            if variant is text:
                assert (_fast(variant) is not None) is fast


def test_the_fast_reader_reads_the_demo_exactly_as_tomllib_does() -> None:
    text = (files("opd_tui") / "data" / "demo.toml").read_text(encoding="utf-8")
    assert decode(text) == tomllib.loads(text)


# ------------------------------------------------------------------------------- playing


def test_a_player_steps_through_the_day_at_each_actions_time() -> None:
    player = Player(loads(CLINIC, file="clinic.toml"), day=DAY)
    assert player.position == 0
    assert player.engine.slot("rao-09").capacity == 2  # set up, nothing booked yet
    first = player.step()
    assert first.at.isoformat() == "2026-11-25T08:00:00"
    assert [type(e) for e in first.events] == [Booked]
    steps = player.play_until("08:10")
    assert [s.action.position for s in steps] == [1, 2]
    assert [type(e) for e in steps[1].events] == [Waitlisted]
    assert (
        player.next_action is not None and player.next_action.describe() == "09:05 serve Bala Iyer"
    )
    player.play_all()
    assert player.done
    assert [type(e) for e in player.steps[-1].events] == [Served]
    with pytest.raises(IndexError):
        player.step()


def test_rewinding_gives_the_state_the_rules_gave() -> None:
    """Stepping back re-applies recorded events; it must match playing forward to that point."""
    from opd_tui.demo import scenario

    demo = scenario()
    played = Player(demo, day=DAY)
    played.play_all()
    for position in (0, 1, 40, 97, 130, len(demo.timeline)):
        played.rewind(position)
        fresh = Player(demo, day=DAY)
        for _ in range(position):
            fresh.step()
        assert played.engine.tokens() == fresh.engine.tokens()
        for slot in fresh.engine.slots():
            assert played.engine.slot_view(slot.id) == fresh.engine.slot_view(slot.id)
            assert played.engine.slot_stats(slot.id) == fresh.engine.slot_stats(slot.id)
        played.play_all()  # and forward again from there, by the rules


def test_a_preemption_and_promotion_come_out_as_events() -> None:
    text = edited(('serve = "Bala Iyer"', 'cancel = "Bala Iyer"'))
    text = text.replace(
        'source = "walk-in" },\n  { at = "09:05"',
        'source = "walk-in" },\n  { at = "08:20", book = "rao-09", patient = "Dev Rao", source = "emergency" },\n  { at = "09:05"',
    )
    player = Player(loads(text, file="clinic.toml"), day=DAY)
    player.play_all()
    emergency, cancel = player.steps[3], player.steps[4]
    assert [type(e) for e in emergency.events] == [Preempted, Booked]
    assert emergency.events[0].token_id == player.token_id(0)  # Asha, the weakest booked
    assert [type(e) for e in cancel.events][-1] is Promoted
    assert cancel.events[-1].token_id == player.token_id(0)  # back before Chitra: FIFO


def test_the_readmes_example_clinic_file_loads() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Clinic files and simulate") :]
    example = section[section.index("```toml\n") + 8 : section.index("```\n", 8)]
    scenario = loads(example, file="README.md", day=DAY)
    assert [d.id for d in scenario.doctors] == ["rao", "iyer"]
    assert [a.kind for a in scenario.timeline] == [
        "book",
        "book",
        "book",
        "book",
        "serve",
        "cancel",
        "no-show",
        "bump",
        "move",
        "capacity",
        "delay",
        "book",
        "book",
        "check-in",
        "check-in",
        "call-next",
        "serve",
        "call",
        "return",
        "overdue",
        "room",
        "book",
        "book",
        "away",
        "reassign",
        "away",
    ]
    player = Player(scenario, day=DAY)
    player.play_all()
    engine = player.engine
    assert [e.token.patient for e in engine.queue("rao").next_up] == ["Sara Khan"]  # returned
    assert engine.token_by_number("RAO-006").status is Status.NO_SHOW  # Vikram, overdue
    assert engine.doctor("rao").room == "4"
    anil = [(t.number, t.slot_id, t.status, t.phone, t.patient_id) for t in engine.tokens()][-2:]
    assert anil == [  # both of Anil's tokens, reassigned to Dr Iyer, the stronger numbered first
        ("IYER-002", "iyer-1200", Status.BOOKED, "9845012345", "MRN-0042"),
        ("IYER-001", "iyer-1200", Status.BOOKED, "", "MRN-0042"),
    ]
    assert engine.doctor("rao").away is None  # back at 13:10


def test_actions_on_a_slot_the_engine_refused_are_not_reported_again() -> None:
    text = edited(
        ('{ start = "10:00"', '{ start = "09:30"'),
        (
            'serve = "Bala Iyer" }',
            'serve = "Bala Iyer" },\n  { at = "09:06", book = "rao-0930", patient = "Dev Rao", source = "paid" }',
        ),
    )
    assert problems(text) == [
        "clinic.toml:18: doctors[0].slots[1]: slot rao-0930 overlaps Dr Asha Rao 09:00–10:00"
    ]


def test_seek_goes_forward_by_the_rules_and_back_by_rewinding() -> None:
    player = Player(loads(CLINIC, file="clinic.toml"), day=DAY)
    played = player.seek(3)
    assert [s.action.position for s in played] == [0, 1, 2]
    engine = player.engine
    assert player.seek(1) == []
    assert player.position == 1 and player.engine is not engine
    assert [t.patient for t in player.engine.tokens()] == ["Asha Menon"]
    assert [s.action.position for s in player.seek(99)] == [1, 2, 3]
    assert player.done


def test_engine_at_shows_a_past_moment_and_leaves_the_player_alone() -> None:
    player = Player(loads(CLINIC, file="clinic.toml"), day=DAY)
    player.play_all()
    past = player.engine_at(2)
    assert [t.patient for t in past.tokens()] == ["Asha Menon", "Bala Iyer"]
    assert player.position == 4 and len(player.engine.tokens()) == 3
