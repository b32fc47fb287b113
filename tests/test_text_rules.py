"""The rule every new name is held to, at every door: one line of visible text, no control
characters, at most ``NAME_LENGTH`` characters; every script, accent and emoji kept exactly.

Also two neighbours at the same doors: a closed stdout ends a command quietly, and the HTTP
service takes a number only as a JSON integer.
"""

from __future__ import annotations

import inspect
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeClock
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from store_helpers import CLINIC, DAY, SetClock, clinic_set_up, open_journal, snapshot

from opd_tui.api import Today, create_app, schemas
from opd_tui.cli import CLOSED_PIPE
from opd_tui.engine import NAME_LENGTH, Book, Engine, Invalid, checked_text
from opd_tui.scenario import ScenarioError, loads
from opd_tui.store import SqliteStore

REFUSED = [
    ("Asha\x1b[31mMenon", "has a control character U+001B (ESC) at position 5"),
    ("Asha\x00", "has a control character U+0000 (NUL) at position 5"),
    ("Asha\x07", "has a control character U+0007 (BEL) at position 5"),
    ("Asha\tMenon", "has a control character U+0009 (TAB) at position 5"),
    ("Asha\x7fMenon", "has a control character U+007F (DEL) at position 5"),
    ("Asha\x9b2J", "has a control character U+009B (CSI) at position 5"),
    ("Asha\x9d0;X", "has a control character U+009D (OSC) at position 5"),
    ("  Asha\x1b", "has a control character U+001B (ESC) at position 7"),  # counted as given
    ("Asha Menon\nWard 3", "holds a line break U+000A (LF) at position 11; it must be one line"),
    ("Asha\r\nMenon", "holds a line break U+000D (CR) at position 5; it must be one line"),
    ("Asha\x0bMenon", "holds a line break U+000B (VT) at position 5; it must be one line"),
    ("Asha\x85Menon", "holds a line break U+0085 (NEL) at position 5; it must be one line"),
    ("Asha\u2028Menon", "holds a line break U+2028 (LINE SEPARATOR) at position 5; it must be one line"),
    ("Asha\u2029Menon", "holds a line break U+2029 (PARAGRAPH SEPARATOR) at position 5; it must be one line"),
    ("Asha\u202aX", "has a bidirectional control U+202A (LEFT-TO-RIGHT EMBEDDING) at position 5"),
    ("Asha\u202bX", "has a bidirectional control U+202B (RIGHT-TO-LEFT EMBEDDING) at position 5"),
    ("Asha\u202cX", "has a bidirectional control U+202C (POP DIRECTIONAL FORMATTING) at position 5"),
    ("Asha\u202dX", "has a bidirectional control U+202D (LEFT-TO-RIGHT OVERRIDE) at position 5"),
    ("evil\u202etxt.exe", "has a bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5"),
    ("Asha\u2066X", "has a bidirectional control U+2066 (LEFT-TO-RIGHT ISOLATE) at position 5"),
    ("Asha\u2067X", "has a bidirectional control U+2067 (RIGHT-TO-LEFT ISOLATE) at position 5"),
    ("Asha\u2068X", "has a bidirectional control U+2068 (FIRST STRONG ISOLATE) at position 5"),
    ("Asha\u2069X", "has a bidirectional control U+2069 (POP DIRECTIONAL ISOLATE) at position 5"),
    ("Asha\u200eX", "has a bidirectional control U+200E (LEFT-TO-RIGHT MARK) at position 5"),
    ("Asha\u200fX", "has a bidirectional control U+200F (RIGHT-TO-LEFT MARK) at position 5"),
    ("محمد\u061c", "has a bidirectional control U+061C (ARABIC LETTER MARK) at position 5"),
    ("\u200b", "has nothing visible in it, only characters such as U+200B (ZERO WIDTH SPACE)"),
    (" \u200c\u200d ", "has nothing visible in it, only characters such as U+200C (ZERO WIDTH NON-JOINER)"),
    ("\u2060", "has nothing visible in it, only characters such as U+2060 (WORD JOINER)"),
    ("\ufeff \ufeff", "has nothing visible in it, only characters such as U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ("\u3164", "has nothing visible in it, only characters such as U+3164 (HANGUL FILLER)"),
    ("   ", "must not be empty"),
    ("x" * (NAME_LENGTH + 1), "is 201 characters long; at most 200"),
]  # fmt: skip

ACCEPTED = [
    "Asha Menon",
    "محمد علي",
    "אבי כהן",
    "अनन्या शर्मा",
    "王小明",
    "佐藤 花子",
    "김민준",
    "Zoë Ñúñez-O'Brien",
    "Zoe\u0301 (a combining accent)",
    "می\u200cخواهم",  # a zero-width non-joiner inside Persian: part of the spelling
    "Dr 👩\u200d⚕️ Rao",  # a ZWJ emoji sequence
    "Ravi 👨\u200d👩\u200d👧",
    "🇮🇳 Priya",
    "Asha\u00a0Menon",
    "x" * NAME_LENGTH,
]

IDS = [repr(value[:12]) for value, _ in REFUSED]


def day_engine(clock: FakeClock) -> Engine:
    engine = Engine(clock=clock)
    clinic_set_up(engine)
    engine.book("rao-10", "First Patient", "walk-in")
    return engine


# ------------------------------------------------------------------------------- the engine


@pytest.mark.parametrize(("value", "problem"), REFUSED, ids=IDS)
def test_the_engine_refuses_each_kind_of_bad_name_and_changes_nothing(
    clock: FakeClock, value: str, problem: str
) -> None:
    engine = day_engine(clock)
    before = snapshot(engine)
    tokens = engine.tokens()
    for attempt, what in (
        (lambda: engine.book("rao-10", value, "walk-in"), "patient name"),
        (lambda: engine.rename("T00001", value), "patient name"),
        (lambda: engine.add_doctor("das", value, "ENT"), "doctor name"),
        (lambda: engine.add_doctor("das", "Dr Das", value), "specialty"),
    ):
        with pytest.raises(Invalid) as refused:
            attempt()
        assert str(refused.value) == f"{what} {problem}"
        assert engine.tokens() == tokens
        assert snapshot(engine) == before


@pytest.mark.parametrize("name", ACCEPTED)
def test_every_script_and_emoji_is_kept_exactly(clock: FakeClock, name: str) -> None:
    engine = day_engine(clock)
    engine.book("rao-10", name, "walk-in")
    assert engine.tokens()[-1].patient == name
    engine.rename("T00001", name)
    assert engine.tokens()[0].patient == name
    engine.add_doctor("das", name, name)
    doctor = next(d for d in engine.doctors() if d.id == "das")
    assert (doctor.name, doctor.specialty) == (name, name)


def test_surrounding_whitespace_is_left_out_and_a_pasted_newline_at_the_end_is_fine() -> None:
    assert checked_text("  Asha Menon\n", "patient name") == "Asha Menon"
    assert checked_text("\tअनन्या\u2028", "patient name") == "अनन्या"


def test_the_checker_for_other_fields_takes_a_limit_and_refuses_what_is_not_text() -> None:
    assert checked_text("MRN-1", "patient id", limit=5) == "MRN-1"
    with pytest.raises(Invalid, match=r"^patient id is 6 characters long; at most 5$"):
        checked_text("MRN-12", "patient id", limit=5)
    with pytest.raises(Invalid, match=r"^phone must be text, not int$"):
        checked_text(98450, "phone")
    with pytest.raises(Invalid) as refused:
        checked_text("A\ud800", "patient name")
    assert str(refused.value) == (
        "patient name has half a character (a lone surrogate U+D800) at position 2"
    )


def test_ids_are_held_to_the_same_rule_first() -> None:
    engine = Engine(clock=SetClock())
    with pytest.raises(Invalid) as refused:
        engine.add_doctor("das\x1b", "Dr Das", "ENT")
    assert str(refused.value) == "doctor id has a control character U+001B (ESC) at position 4"
    assert engine.doctors() == []


def test_a_journal_replays_names_kept_before_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    desk = open_journal(path)
    desk.act(Book("rao-10", "Placeholder", "walk-in"))
    desk.close()
    con = sqlite3.connect(path)
    with con:
        for table, column in (("actions", "args"), ("events", "data")):
            con.execute(
                f"UPDATE {table} SET {column} = replace({column}, ?, ?)",
                ('"Placeholder"', '"P\\u001b[2J\\nQ"'),
            )
    con.close()
    desk = open_journal(path)
    assert [token.patient for token in desk.engine.tokens()] == ["P\x1b[2J\nQ"]
    desk.close()


# ------------------------------------------------------------------------------ the service


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = SqliteStore(tmp_path / "j.db")
    today = Today(store, clock=SetClock(), setup=clinic_set_up, clinic_name=CLINIC)
    with TestClient(create_app(today)) as client:
        answer = client.post(
            "/v1/tokens", json={"slot_id": "rao-10", "patient": "Asha", "source": "walk-in"}
        )
        assert answer.status_code == 201
        yield client


def recorded(client: TestClient) -> Any:
    return client.get("/v1/events").json()


ENGINE_REFUSED = [(value, problem) for value, problem in REFUSED if value.strip()][:-1]
"""The refusals the service leaves to the engine: blank and long names are its own (below)."""


@pytest.mark.parametrize(("value", "problem"), ENGINE_REFUSED, ids=IDS[: len(ENGINE_REFUSED)])
def test_the_service_answers_422_with_the_engines_words(
    client: TestClient, value: str, problem: str
) -> None:
    before = recorded(client)
    booking = {"slot_id": "rao-10", "patient": value, "source": "walk-in"}
    for url, body, content_type, what in (
        ("/v1/tokens", booking, "application/json", "patient name"),  # the booking lane
        ("/v1/tokens", booking, "application/json; charset=utf-8", "patient name"),  # FastAPI
        ("/v1/tokens/T00001/rename", {"patient": value}, "application/json", "patient name"),
        ("/v1/doctors", {"id": "das", "name": value, "specialty": "ENT"}, "application/json",
         "doctor name"),
        ("/v1/doctors", {"id": "das", "name": "Dr Das", "specialty": value}, "application/json",
         "specialty"),
    ):  # fmt: skip
        answer = client.post(
            url, content=json.dumps(body).encode(), headers={"Content-Type": content_type}
        )
        assert answer.status_code == 422, (url, answer.text)
        assert answer.json() == {"error": "invalid", "message": f"{what} {problem}", "problems": []}
    assert recorded(client) == before


def test_the_services_length_limit_is_the_engines(client: TestClient) -> None:
    assert schemas.BookingIn.model_json_schema()["properties"]["patient"]["maxLength"] == 200
    long = "x" * NAME_LENGTH
    answer = client.post(
        "/v1/tokens", json={"slot_id": "rao-10", "patient": long, "source": "paid"}
    )
    assert answer.status_code == 201
    assert answer.json()["token"]["patient"] == long
    answer = client.post(
        "/v1/tokens", json={"slot_id": "rao-10", "patient": long + "x", "source": "paid"}
    )
    assert answer.status_code == 422
    assert answer.json()["message"] == "body.patient: String should have at most 200 characters"


def test_names_in_every_script_come_back_exactly_from_the_service(client: TestClient) -> None:
    for number, name in enumerate(ACCEPTED, 2):
        answer = client.post(
            "/v1/tokens", json={"slot_id": "rao-11", "patient": name, "source": "walk-in"}
        )
        assert answer.status_code == 201
        assert client.get(f"/v1/tokens/T{number:05d}").json()["patient"] == name


# ------------------------------------------------------------------------------ clinic files

CLINIC_FILE = """\
clinic = "Test OPD"
timeline = [
  { at = "08:00", book = "rao-09", patient = "Asha Menon", source = "walk-in" },
]

[[doctors]]
id = "rao"
name = "Dr Asha Rao"
specialty = "Cardiology"
slots = [ { id = "rao-09", start = "09:00", end = "10:00", capacity = 2 } ]
"""


def file_problems(old: str, new: str) -> list[str]:
    assert CLINIC_FILE.count(old) == 1
    with pytest.raises(ScenarioError) as caught:
        loads(CLINIC_FILE.replace(old, new), file="clinic.toml", day=DAY)
    return [str(problem) for problem in caught.value.problems]


def test_a_clinic_file_reports_each_bad_name_with_its_line() -> None:
    assert file_problems('"Asha Menon"', '"Asha\\u001b[2J"') == [
        "clinic.toml:3: timeline[0]: 08:00 book Asha\x1b[2J (walk-in) into rao-09: refused: "
        "patient name has a control character U+001B (ESC) at position 5"
    ]
    assert file_problems('"Dr Asha Rao"', '"Dr Asha\\nRao"') == [
        "clinic.toml:6: doctors[0]: doctor name holds a line break U+000A (LF) at position 8; "
        "it must be one line"
    ]
    assert file_problems('"Cardiology"', '"\\u200b"') == [
        "clinic.toml:6: doctors[0]: specialty has nothing visible in it, only characters such as "
        "U+200B (ZERO WIDTH SPACE)"
    ]
    assert file_problems('"Test OPD"', '"Test\\u202eDPO"') == [
        "clinic.toml:1: clinic: the clinic's name has a bidirectional control U+202E "
        "(RIGHT-TO-LEFT OVERRIDE) at position 5"
    ]


def test_a_clinic_file_keeps_every_script_exactly() -> None:
    text = CLINIC_FILE.replace('"Asha Menon"', '"👩\\u200d⚕️ अनन्या"').replace(
        '"Dr Asha Rao"', '"د. محمد"'
    )
    scenario = loads(text, file="clinic.toml", day=DAY)
    assert scenario.doctors[0].name == "د. محمد"
    assert scenario.timeline[0].patient == "👩\u200d⚕️ अनन्या"


# ------------------------------------------------------------------------ strict numbers


def integer_fields() -> list[tuple[type[BaseModel], str]]:
    """Every integer field of every request body the service declares."""
    found = []
    for _, model in inspect.getmembers(schemas, inspect.isclass):
        if issubclass(model, schemas.Body) and model is not schemas.Body:
            for name, field in model.model_fields.items():
                if field.annotation is int:
                    found.append((model, name))
    return found


def test_every_integer_in_a_request_body_takes_only_a_json_integer() -> None:
    fields = integer_fields()
    assert {(model.__name__, name) for model, name in fields} >= {
        ("CapacityIn", "capacity"),
        ("DelayIn", "minutes"),
        ("SlotIn", "capacity"),
    }
    for model, name in fields:
        for wrong in ("true", '"5"', "4.0"):
            with pytest.raises(ValidationError) as refused:
                model.model_validate_json(f'{{"{name}": {wrong}}}')
            [problem] = [p for p in refused.value.errors() if p["loc"] == (name,)]
            assert problem["msg"] == "Input should be a valid integer", (model, name, wrong)


NUMBER_ROUTES = [
    ("/v1/slots/rao-10/capacity", {}, "capacity"),
    ("/v1/doctors/rao/delay", {}, "minutes"),
    ("/v1/slots", {"id": "rao-x", "doctor_id": "rao", "start": "14:00", "end": "15:00"}, "capacity"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "rest", "field"), NUMBER_ROUTES)
@pytest.mark.parametrize("wrong", [True, "5", 4.0, False, "4.0", None], ids=repr)
def test_the_service_refuses_a_number_in_disguise_naming_the_field(
    client: TestClient, url: str, rest: dict[str, Any], field: str, wrong: Any
) -> None:
    before = recorded(client)
    answer = client.post(url, json={**rest, field: wrong})
    assert answer.status_code == 422
    message = f"body.{field}: Input should be a valid integer"
    assert answer.json() == {"error": "invalid", "message": message, "problems": [message]}
    assert recorded(client) == before
    assert client.post(url, json={**rest, field: 5}).status_code in (200, 201)


# ---------------------------------------------------------------------------- closed pipes


def clinic_file(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.toml"
    path.write_text(CLINIC_FILE, encoding="utf-8")
    return path


def journal(tmp_path: Path) -> Path:
    """A day whose export is well over what a pipe holds (64 KiB), in either format."""
    path = tmp_path / "j.db"
    desk = open_journal(path)
    for n in range(600):
        desk.act(Book(f"rao-{9 + n % 4:02d}", f"Patient {n}", "walk-in"))
    desk.close()
    return path


def run_into_a_closed_pipe(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """``opd-tui argv`` with a stdout whose reader has already gone away."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "opd_tui", *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)


def test_every_command_ends_quietly_on_a_closed_pipe(tmp_path: Path) -> None:
    db, clinic = str(journal(tmp_path)), str(clinic_file(tmp_path))
    day = ["--day", DAY.isoformat()]
    for argv in (
        ["export", "--db", db, *day],
        ["export", "--db", db, *day, "--format", "csv"],
        ["report", "--db", db, *day],
        ["report", "--db", db, *day, "--format", "html"],
        ["--day", DAY.isoformat(), "simulate", clinic],
        ["--day", DAY.isoformat(), "simulate", clinic, "--csv"],
        ["--day", DAY.isoformat(), "simulate", clinic, "--json"],
    ):
        done = run_into_a_closed_pipe(argv)
        assert b"Traceback" not in done.stderr, argv
        assert done.stderr == b"", argv
        assert done.returncode == CLOSED_PIPE == 141, argv


def test_a_reader_that_stops_after_one_line_ends_the_export_quietly(tmp_path: Path) -> None:
    """``opd-tui export --format csv | head -1``."""
    command = [sys.executable, "-m", "opd_tui", "export", "--db", str(journal(tmp_path))]
    child = subprocess.Popen(
        [*command, "--day", DAY.isoformat(), "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().startswith(b"id,number,patient,")
    child.stdout.close()
    status = child.wait(timeout=60)
    errors = child.stderr.read()
    child.stderr.close()
    assert b"Traceback" not in errors and errors == b""
    assert status == CLOSED_PIPE
