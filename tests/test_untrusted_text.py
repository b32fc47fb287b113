"""Names are untrusted. Every door (HTTP, clinic file, form) refuses control characters in a new
name (``test_text_rules.py`` has the rule); a journal written before that rule may still hold
them, and in every output they are shown, never obeyed by the terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from conftest import DAY, FakeClock
from store_helpers import CLINIC, SetClock, clinic_set_up, open_journal
from test_dashboard import SIZE, rows, toasts
from textual.widgets import Input, Static

from opd_tui.api.app import create_app
from opd_tui.api.today import Today
from opd_tui.cli import main
from opd_tui.desk import MemoryDesk
from opd_tui.engine import Book, Engine, safe_lines, safe_text
from opd_tui.store import JournalDesk, SqliteStore
from opd_tui.ui.app import OpdApp
from opd_tui.ui.screens.booking import BookForm
from opd_tui.ui.screens.confirm import Confirm
from opd_tui.ui.tables import Table

TITLE = "T\u001b]0;HACKED\u0007"  # sets the terminal's window title
CLEAR = "P\u001b[2J\u001b[H\u001b[41mX"  # clears the screen and paints it red
TITLE_SHOWN = "T^[]0;HACKED^G"
CLEAR_SHOWN = "P^[[2J^[[H^[[41mX"


OLD_TITLE, OLD_CLEAR = "Title Placeholder", "Clear Placeholder"
"""Names booked as usual, then given their escapes in the journal, as an older release kept them."""


def toml(text: str) -> str:
    """``text`` as a TOML basic string's inside: control characters as ``\\uXXXX``."""
    return "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or c == '"' else c for c in text)


def as_an_older_release_wrote(
    path: Path, names: dict[str, str], clinic: tuple[str, str] | None = None
) -> None:
    """Give the journal at ``path`` names that are refused today, as a journal written before the
    rule may hold them: each placeholder in its actions and events becomes its name, and the
    day's clinic name ``clinic[0]`` becomes ``clinic[1]``."""
    con = sqlite3.connect(path)
    with con:
        for placeholder, name in names.items():
            old, new = json.dumps(placeholder), json.dumps(name)
            con.execute("UPDATE actions SET args = replace(args, ?, ?)", (old, new))
            con.execute("UPDATE events SET data = replace(data, ?, ?)", (old, new))
        if clinic is not None:
            con.execute("UPDATE days SET clinic_name = ? WHERE clinic_name = ?", clinic[::-1])
    con.close()


def test_safe_text_shows_every_control_character_and_keeps_every_script() -> None:
    assert safe_text(TITLE) == TITLE_SHOWN
    assert safe_text(CLEAR) == CLEAR_SHOWN
    assert safe_text("a\x00b\tc\nd\x7fe") == "a^@b^Ic^Jd^?e"
    assert safe_text("C1 \x9b31m") == "C1 <U+009B>31m"
    assert safe_text("evil\u202etxt.exe \u2066x\u2069") == "evil<U+202E>txt.exe <U+2066>x<U+2069>"
    assert safe_text("line\u2028sep") == "line<U+2028>sep"
    for fine in ("Asha Menon", "محمد علي", "אבי כהן", "अनन्या शर्मा", "Zoë Ñúñez", "Ravi 👨‍👩‍👧"):
        assert safe_text(fine) is fine
    assert safe_lines(f"one {TITLE}\ntwo\tend") == f"one {TITLE_SHOWN}\ntwo^Iend"


async def test_names_an_older_release_kept_keep_their_exact_text_in_json_and_are_shown_safely(
    tmp_path: Path,
) -> None:
    from fastapi.testclient import TestClient

    path = tmp_path / "j.db"
    today = Today(SqliteStore(path), clock=SetClock(), setup=clinic_set_up, clinic_name=CLINIC)
    with TestClient(create_app(today)) as client:
        for name in (OLD_TITLE, OLD_CLEAR):
            answer = client.post(
                "/v1/tokens", json={"slot_id": "rao-10", "patient": name, "source": "online"}
            )
            assert answer.status_code == 201
        refused = client.post(
            "/v1/tokens", json={"slot_id": "rao-10", "patient": TITLE, "source": "online"}
        )
        assert refused.status_code == 422
        assert refused.json()["message"] == (
            "patient name has a control character U+001B (ESC) at position 2"
        )
    as_an_older_release_wrote(path, {OLD_TITLE: TITLE, OLD_CLEAR: CLEAR})
    today = Today(SqliteStore(path), clock=SetClock(), setup=clinic_set_up, clinic_name=CLINIC)
    with TestClient(create_app(today)) as client:
        tokens = client.get("/v1/slots/rao-10").json()["booked"]
        assert [seat["token"]["patient"] for seat in tokens] == [TITLE, CLEAR]
    desk = JournalDesk(SqliteStore(path), DAY, today=DAY)
    app = OpdApp(desk, history=desk.history)
    async with app.run_test(size=SIZE) as pilot:
        app.show_doctor("rao", "rao-10")
        await pilot.pause()
        assert rows(app, "booked", "patient") == [(TITLE_SHOWN,), (CLEAR_SHOWN,)]


def test_a_clinic_file_with_escapes_in_its_names_is_refused_and_reported_safely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(
        f'clinic = "City\\u001b[2J OPD"\n'
        "timeline = [\n"
        f'  {{ at = "09:00", book = "rao-10", patient = "{toml(TITLE)}", source = "walk-in" }},\n'
        "]\n"
        '[[doctors]]\nid = "rao"\nname = "Dr \\u001b]0;X\\u0007Rao"\nspecialty = "Cardiology"\n'
        'slots = [ { id = "rao-10", start = "10:00", end = "11:00", capacity = 2 } ]\n',
        encoding="utf-8",
    )
    assert main(["--scenario", str(clinic)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{clinic}:1: clinic: the clinic's name has a control character U+001B (ESC) at position 5",
        f"{clinic}:5: doctors[0]: doctor name has a control character U+001B (ESC) at position 4",
        "opd-tui: 2 problems; nothing replayed",
    ]


async def test_a_name_typed_into_the_form_with_escapes_is_refused_there(clock: FakeClock) -> None:
    engine = Engine(clock=clock)
    clinic_set_up(engine)
    app = OpdApp(MemoryDesk(engine, "Clinic", DAY), wall_clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.show_doctor("rao", "rao-10")
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, BookForm)
        form.query_one("#patient", Input).value = CLEAR
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        error = form.query_one("#error", Static)
        assert str(error.render()) == (
            "patient name has a control character U+001B (ESC) at position 2"
        )
        assert form.query_one("#patient", Input).value == CLEAR
        assert engine.tokens() == []


async def test_a_name_an_older_release_kept_is_shown_safely_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    _journal_with_both_names(path, DAY)
    desk = JournalDesk(SqliteStore(path), DAY, today=DAY, clock=SetClock())
    app = OpdApp(desk, history=desk.history, wall_clock=SetClock())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.show_doctor("rao", "rao-12")
        await pilot.pause()
        assert rows(app, "booked", "patient") == [(TITLE_SHOWN,), (CLEAR_SHOWN,)]
        header = app.query_one("#header").render().plain  # type: ignore[attr-defined]
        assert header.startswith(" City^[[2J OPD · ")
        app.query_one("#booked", Table).focus()
        await pilot.press("down", "c")
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.question) == f"Cancel RAO-002 {CLEAR_SHOWN}? ctrl+z undoes it."
        await pilot.press("y")
        await pilot.pause()
        assert toasts(app)[-1].startswith(f"RAO-002 {CLEAR_SHOWN} ")
    desk.close()


def _journal_with_both_names(path: Path, day: date | None = None) -> None:
    """A journal of ``day`` (today) whose two patients' names, and the clinic's, hold escapes."""
    day = day or date.today()
    desk = JournalDesk(SqliteStore(path), day, today=day, setup=clinic_set_up, clinic_name=CLINIC)
    desk.act(Book("rao-12", OLD_TITLE, "walk-in"))
    desk.act(Book("rao-12", OLD_CLEAR, "walk-in"))
    desk.close()
    as_an_older_release_wrote(
        path, {OLD_TITLE: TITLE, OLD_CLEAR: CLEAR}, clinic=(CLINIC, "City\x1b[2J OPD")
    )


def _run_in_a_terminal(argv: Sequence[str], until: bytes, seconds: float = 20.0) -> bytes:
    """Every byte ``opd-tui argv`` writes to a 120×40 terminal until ``until`` has been drawn,
    then ``q``."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real app on a pseudo-terminal
        os.environ.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
        os.environ.pop("NO_COLOR", None)
        os.execv(sys.executable, [sys.executable, "-m", "opd_tui", *argv])
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    out = b""
    deadline = time.monotonic() + seconds
    quit_at: float | None = None
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
            if quit_at is None and until in out:
                quit_at = time.monotonic() + 0.5  # let the frame finish
            if quit_at is not None and time.monotonic() > quit_at:
                os.write(fd, b"q")
                quit_at = deadline + 1
    finally:
        os.kill(pid, 9) if os.waitpid(pid, os.WNOHANG) == (0, 0) else None
        os.close(fd)
    return out


def test_a_journal_on_disk_with_escapes_never_reaches_the_terminal_raw(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    _journal_with_both_names(path)
    out = _run_in_a_terminal(["--db", str(path)], until=b"^[[41mX")
    assert TITLE_SHOWN.encode() in out and CLEAR_SHOWN.encode() in out
    assert b"\x1b]0;HACKED" not in out and b"\x1b[2J\x1b[H\x1b[41mX" not in out
    # Textual's own operating-system commands are the mouse pointer's shape (22), nothing else.
    assert set(re.findall(rb"\x1b\](\d*)", out)) <= {b"22"}


def test_every_text_output_shows_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "j.db"
    desk = open_journal(path)
    desk.act(Book("rao-10", OLD_TITLE, "walk-in"))
    desk.act(Book("rao-10", OLD_CLEAR, "walk-in"))
    desk.close()
    as_an_older_release_wrote(path, {OLD_TITLE: TITLE, OLD_CLEAR: CLEAR})
    assert main(["export", "--db", str(path), "--day", "2026-11-25", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    tokens = list(csv.reader(io.StringIO(out.split("\n\n")[0])))
    assert [row[2] for row in tokens[1:]] == [TITLE_SHOWN, CLEAR_SHOWN]
    assert main(["export", "--db", str(path), "--day", "2026-11-25"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert [token["patient"] for token in exact["tokens"]] == [TITLE, CLEAR]


def test_simulate_and_refusals_show_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinic = tmp_path / "clinic.toml"
    name = toml(CLEAR)
    clinic.write_text(
        'clinic = "City OPD"\n'
        "timeline = [\n"
        f'  {{ at = "08:00", serve = "{name}" }},\n'
        f'  {{ at = "09:00", book = "rao-10", patient = "{name}", source = "walk-in" }},\n'
        "]\n"
        '[[doctors]]\nid = "rao"\nname = "Dr Rao"\nspecialty = "Cardiology"\n'
        'slots = [ { id = "rao-10", start = "10:00", end = "11:00", capacity = 1 } ]\n',
        encoding="utf-8",
    )
    assert main(["--day", "2026-11-25", "simulate", str(clinic)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{clinic}:3: timeline[0].serve: no earlier booking has the label or patient name "
        "'P\\x1b[2J\\x1b[H\\x1b[41mX'",
        f"{clinic}:4: timeline[1]: 09:00 book {CLEAR_SHOWN} (walk-in) into rao-10: refused: "
        "patient name has a control character U+001B (ESC) at position 2",
        "opd-tui: 2 problems; nothing played",
    ]
    missing = tmp_path / "x\x1b[2J" / "j.db"
    assert main(["export", "--db", str(missing)]) == 2
    assert capsys.readouterr().err == f"opd-tui: no journal at {tmp_path}/x^[[2J/j.db\n"
