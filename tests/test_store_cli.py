"""The command line's journal options: where the day is kept, export, and refusals (exit 2)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from store_helpers import DAY, open_journal

from opd_tui import cli
from opd_tui.desk import MemoryDesk
from opd_tui.store import JournalDesk, default_database, open_desk


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "j.db"
    desk = open_journal(path)
    desk.act("book", "rao-10", "Asha Menon", "walk-in")
    desk.act("book", "rao-10", "=HYPERLINK(1)", "online")
    desk.act("serve", "T00001")
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
        "status", "preemptions", "arrived_at",
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
    desk, history = open_desk(journal, DAY, False, today=DAY)
    assert isinstance(desk, JournalDesk)
    assert (desk.location, desk.read_only, desk.day) == (str(journal), False, DAY)
    assert history == desk.history and len(history) == 23
    past, _ = open_desk(journal, DAY, False, today=DAY + timedelta(days=1))
    assert past.read_only is True


def test_memory_desk_is_the_demo_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    desk, history = open_desk(None, DAY, True, today=DAY)
    assert isinstance(desk, MemoryDesk)
    assert desk.location == "memory only (nothing is saved)"
    assert len(history) > 50 and len(desk.engine.tokens()) > 40
    desk.act("book", "rao-10", "Asha", "walk-in")
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
    desk, _ = open_desk(None, None, False)
    assert desk.location == str(tmp_path / "opd-tui" / "journal.sqlite3")
    assert desk.engine.tokens() == []


def test_a_directory_is_not_a_journal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _one_line_refusal(
        *run(capsys, "export", "--db", str(tmp_path)),
        f"{tmp_path} is a directory, not an opd-tui database",
    )
