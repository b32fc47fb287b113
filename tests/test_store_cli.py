"""The command line's journal options: where the day is kept, export, and refusals (exit 2)."""

from __future__ import annotations

import csv
import io
import json
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from store_helpers import DAY, open_journal

from opd_tui import cli
from opd_tui.desk import MemoryDesk
from opd_tui.engine import Book, Serve
from opd_tui.store import JournalDesk, default_database
from opd_tui.wiring import journal_desk as open_desk
from opd_tui.wiring import memory_desk


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "j.db"
    desk = open_journal(path)
    desk.act(Book("rao-10", "Asha Menon", "walk-in"))
    desk.act(Book("rao-10", "=HYPERLINK(1)", "online"))
    desk.act(Serve("T00001"))
    desk.store.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_export_writes_the_days_tokens_and_events_as_json(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "export", "--db", str(journal), "--day", "2026-11-25")
    assert (status, err) == (0, "")
    record = json.loads(out)
    assert (record["clinic"], record["day"]) == ("City General OPD", "2026-11-25")
    assert record["tokens"] == [
        {
            "id": "T00001",
            "number": "RAO-001",
            "patient": "Asha Menon",
            "source": "walk-in",
            "priority": 1,
            "arrival": 1,
            "slot_id": "rao-10",
            "doctor_id": "rao",
            "status": "SERVED",
            "preemptions": 0,
            "arrived_at": "2026-11-25T08:00:00",
            "phone": "",
            "patient_id": "",
        },
        {
            "id": "T00002",
            "number": "RAO-002",
            "patient": "=HYPERLINK(1)",
            "source": "online",
            "priority": 2,
            "arrival": 2,
            "slot_id": "rao-10",
            "doctor_id": "rao",
            "status": "BOOKED",
            "preemptions": 0,
            "arrived_at": "2026-11-25T08:00:00",
            "phone": "",
            "patient_id": "",
        },
    ]
    kinds = [event["kind"] for event in record["events"]]
    assert kinds == ["doctor-added"] + (["slot-added"] * 4 + ["doctor-added"]) * 3 + [
        "slot-added"
    ] * 4 + ["booked", "booked", "served"]
    assert record["events"][-1] == {
        "seq": 23,
        "action_id": 4,
        "kind": "served",
        "at": "2026-11-25T08:00:00",
        "token_id": "T00001",
        "slot_id": "rao-10",
    }


def test_export_as_csv_gives_two_tables_and_defuses_formulas(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "--db", str(journal), "export", "--day", "2026-11-25", "--format", "csv"
    )
    assert status == 0
    tokens, events = out.split("\n\n")
    rows = list(csv.reader(io.StringIO(tokens)))
    assert rows[0] == [
        "id", "number", "patient", "source", "priority", "arrival", "slot_id", "doctor_id",
        "status", "preemptions", "arrived_at", "phone", "patient_id",
    ]  # fmt: skip
    assert [[*row[:3], row[8]] for row in rows[1:]] == [
        ["T00001", "RAO-001", "Asha Menon", "SERVED"],
        ["T00002", "RAO-002", "'=HYPERLINK(1)", "BOOKED"],
    ]
    event_rows = list(csv.reader(io.StringIO(events)))
    assert event_rows[0] == ["seq", "action_id", "kind", "at", "token_id", "slot_id", "data"]
    assert len(event_rows) == 1 + 23
    assert event_rows[-1] == ["23", "4", "served", "2026-11-25T08:00:00", "T00001", "rao-10", "{}"]


def _one_line_refusal(status: int, out: str, err: str, message: str) -> None:
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("opd-tui: ")
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--day", "2026-13-01"], "argument --day: '2026-13-01' is not a day (YYYY-MM-DD)"),
        (["export", "--day", "yesterday"], "'yesterday' is not a day (YYYY-MM-DD)"),
        (["export", "--format", "xml"], "invalid choice: 'xml'"),
        (["--memory", "--db", "x.db"], "--memory writes nothing: leave out --db"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_bad_arguments_are_refused_in_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    out, err = capsys.readouterr()
    _one_line_refusal(int(str(exited.value.code)), out, err, message)


def test_export_of_a_missing_journal_or_day_is_refused_and_creates_nothing(
    tmp_path: Path, journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "j.db"
    _one_line_refusal(*run(capsys, "export", "--db", str(missing)), f"no journal at {missing}")
    assert not missing.parent.exists()
    _one_line_refusal(
        *run(capsys, "export", "--db", str(journal), "--day", "2026-11-24"),
        "nothing was recorded on 2026-11-24 in ",
    )


@pytest.mark.parametrize("argv", [["export", "--db"], ["--db"]])
def test_a_bad_file_is_refused_by_every_command_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("not a journal\n")
    _one_line_refusal(
        *run(capsys, *argv, str(bad)), f"{bad} is not an opd-tui database (not an SQLite file)"
    )
    assert bad.read_text() == "not a journal\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_past_day_in_a_missing_journal_is_refused_without_creating_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "j.db"
    _one_line_refusal(
        *run(capsys, "--db", str(path), "--day", "2020-01-06"), f"no journal at {path}"
    )
    assert not path.exists()


def test_open_desk_gives_a_journal_desk_and_its_history(journal: Path) -> None:
    desk = open_desk(journal, DAY, today=DAY)
    assert isinstance(desk, JournalDesk)
    assert (desk.location, desk.read_only, desk.day) == (str(journal), False, DAY)
    assert (desk.journal_name, desk.desk_name) == ("j.db", socket.gethostname())
    assert len(desk.history) == 23
    past = open_desk(journal, DAY, today=DAY + timedelta(days=1))
    assert past.read_only is True


def test_memory_desk_is_the_demo_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    desk, history = memory_desk(DAY, DAY)
    assert isinstance(desk, MemoryDesk)
    assert desk.location == "memory only (nothing is saved)"
    assert (desk.journal_name, desk.desk_name) == ("memory only", "")
    assert len(history) > 50 and len(desk.engine.tokens()) > 40
    desk.act(Book("rao-10", "Asha", "walk-in"))
    assert list(tmp_path.iterdir()) == []


def test_the_default_journal_lives_in_the_users_data_directory_and_help_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database() == tmp_path / "opd-tui" / "journal.sqlite3"
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert f"(default: {tmp_path / 'opd-tui' / 'journal.sqlite3'})" in capsys.readouterr().out
    desk = open_desk(None, None, create=True)
    assert desk.location == str(tmp_path / "opd-tui" / "journal.sqlite3")
    assert desk.engine.tokens() == [] and desk.engine.doctors() == []


def test_a_directory_is_not_a_journal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _one_line_refusal(
        *run(capsys, "export", "--db", str(tmp_path)),
        f"{tmp_path} is a directory, not an opd-tui database",
    )


def test_a_missing_journal_is_created_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from opd_tui.ui import start

    path = tmp_path / "typo" / "j.db"
    asked: list[tuple[Path, str]] = []

    def say_no(where: Path, what: str) -> bool:
        asked.append((where, what))
        return False

    monkeypatch.setattr(start, "ask_to_create", say_no)
    assert run(capsys, "--db", str(path)) == (
        0,
        "",
        f"opd-tui: no journal at {path}; nothing created\n",
    )
    assert asked == [
        (
            path,
            "It starts with no doctors: to set it up with the demo clinic or your own, answer no "
            "and add --demo or --clinic FILE.",
        )
    ]
    assert not path.parent.exists()
    _one_line_refusal(
        *run(capsys, "serve", "--db", str(path)),
        f"no journal at {path} (add --new to start a new one there)",
    )
    assert not path.parent.exists()


def test_set_up_options_are_for_new_journals_only(
    journal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _one_line_refusal(
        *run(capsys, "--db", str(journal), "--demo"),
        f"{journal} already holds a journal: --demo and --clinic set up a new one",
    )
    _one_line_refusal(
        *run(capsys, "--db", str(tmp_path / "new.db"), "--demo", "--clinic", "c.toml"),
        "--demo and --clinic both set up a new journal: choose one",
    )
    assert not (tmp_path / "new.db").exists()


def test_a_new_journal_is_empty_unless_the_demo_or_a_clinic_file_sets_it_up(
    tmp_path: Path,
) -> None:
    from opd_tui.wiring import clinic_from_file, demo_clinic

    empty = open_desk(tmp_path / "empty.db", DAY, today=DAY, create=True)
    assert (empty.clinic_name, empty.engine.doctors()) == ("OPD", [])
    demo = open_desk(tmp_path / "demo.db", DAY, today=DAY, create=True, clinic=demo_clinic())
    assert demo.clinic_name == "City General OPD"
    assert [d.id for d in demo.engine.doctors()] == ["rao", "mehta", "iyer", "khan"]
    assert demo.engine.tokens() == []
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(
        'clinic = "Hill Clinic"\npriorities = { paid = 6 }\n'
        '[[doctors]]\nid = "sen"\nname = "Dr Sen"\nspecialty = "ENT"\n'
        'slots = [ { id = "sen-9", start = "09:00", end = "10:00", capacity = 3 } ]\n'
    )
    hill = open_desk(
        tmp_path / "hill.db", DAY, today=DAY, create=True, clinic=clinic_from_file(str(clinic))
    )
    assert (hill.clinic_name, hill.priorities["paid"]) == ("Hill Clinic", 6)
    assert [(s.id, s.label, s.capacity) for s in hill.engine.slots()] == [
        ("sen-9", "09:00–10:00", 3)
    ]


async def test_the_new_journal_question_answers_yes_only_to_yes(tmp_path: Path) -> None:
    from opd_tui.ui.screens.confirm import Confirm
    from opd_tui.ui.start import NewJournalQuestion

    for key, answer in (("y", True), ("n", False), ("escape", False)):
        app = NewJournalQuestion(tmp_path / "j.db", "It starts with no doctors.")
        async with app.run_test() as pilot:
            await pilot.pause()
            assert isinstance(app.screen, Confirm)
            assert str(app.screen.question).startswith(f"There is no journal at {tmp_path}/j.db.")
            await pilot.press(key)
            await pilot.pause()
        assert app.return_value is answer
