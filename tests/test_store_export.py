"""``opd-tui export`` written as it reads: the same bytes as the whole-document export it
replaced, a chunk of the journal at a time.

``tests/data/export_journal.sql`` is a journal (SQLite's own dump of it) of a day with every kind
of event: preemptions, promotions, bumps, moves, capacity cuts, a delay, two undos, served,
cancelled and no-show tokens, names with formulas, quotes, newlines, escapes, a bidirectional
override, other scripts and an emoji; and a second day, which an export of the first leaves out.
``export_day.json`` and ``export_day.csv`` are what ``opd-tui export`` wrote for its first day
before the export was made to stream (the commit before it: it built every event as a dict and
the JSON as one string), with the tokens' ``phone`` and ``patient_id`` added since, last and
empty (that day's bookings gave neither): nothing else in them changed.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from store_helpers import DAY, open_journal

from opd_tui import cli
from opd_tui.engine import Book, Bump, Engine, Reassign, SetAway
from opd_tui.store import Recorded, Request, SqliteStore, as_dict, export_day

DATA = Path(__file__).resolve().parent / "data"
EXPECTED = {fmt: (DATA / f"export_day.{fmt}").read_bytes() for fmt in ("json", "csv")}
EVENTS = 202  # the first day's


def load_journal(path: Path) -> Path:
    con = sqlite3.connect(path)
    try:
        con.executescript((DATA / "export_journal.sql").read_text(encoding="utf-8"))
    finally:
        con.close()
    return path


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return load_journal(tmp_path / "j.db")


def exported(store: SqliteStore | Any, fmt: str, chunk: int = 5000) -> bytes:
    out = io.StringIO()
    export_day(store, DAY, out, fmt, chunk=chunk)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_command_writes_what_the_whole_document_export_wrote(
    journal: Path, fmt: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    argv = ["export", "--db", str(journal), "--day", DAY.isoformat(), "--format", fmt]
    assert cli.main(argv) == 0
    out, err = capsysbinary.readouterr()
    assert (out, err) == (EXPECTED[fmt], b"")


@pytest.mark.parametrize("chunk", [1, 2, 7, 201, 202, 203, 5000])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_every_chunk_size_writes_the_same_bytes(journal: Path, fmt: str, chunk: int) -> None:
    store = SqliteStore(journal, create=False)
    try:
        assert exported(store, fmt, chunk) == EXPECTED[fmt]
    finally:
        store.close()


def test_the_journal_is_read_in_chunks_by_sequence_number(journal: Path) -> None:
    store = SqliteStore(journal, create=False)
    try:
        every = store.events(DAY)
        assert len(every) == EVENTS
        for chunk in (1, 7, 202, 5000):
            assert list(store.iter_events(DAY, chunk=chunk)) == every
        assert list(store.iter_events(DAY, after=10, upto=20, chunk=3)) == every[10:20]
        assert list(store.iter_events(DAY, after=EVENTS)) == []
        second = [r.event.kind for r in store.iter_events(DAY + timedelta(days=1), chunk=4)]
        assert second == (["doctor-added"] + ["slot-added"] * 4) * 4 + ["booked"]
    finally:
        store.close()


def test_events_stored_otherwise_are_written_as_the_engine_encodes_them(journal: Path) -> None:
    """An event whose stored fields are out of order or carry an extra one is decoded and
    encoded again, as the whole-document export did with every event."""
    con = sqlite3.connect(journal)
    rows = con.execute("SELECT seq, data FROM events WHERE seq IN (1, 30, 150)").fetchall()
    for seq, data in rows:
        fields = json.loads(data)
        shuffled = dict(reversed(list(fields.items())), left_by="an older version")
        con.execute("UPDATE events SET data = ? WHERE seq = ?", (json.dumps(shuffled), seq))
    con.commit()
    con.close()
    store = SqliteStore(journal, create=False)
    try:
        assert exported(store, "json") == EXPECTED["json"]
        assert exported(store, "csv") == EXPECTED["csv"]
    finally:
        store.close()


class WritesBetweenReadings:
    """The journal, with another desk booking once the export has read the day for its tokens."""

    def __init__(self, path: Path) -> None:
        self.store = SqliteStore(path, create=False)
        self.path = path

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def iter_events(self, *args: Any, **kwargs: Any) -> Iterator[Recorded]:
        yield from self.store.iter_events(*args, **kwargs)
        desk = open_journal(self.path)
        desk.act(Book("rao-10", "Late Arrival", "emergency"))  # preempts, in the next chunk
        desk.close()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_action_recorded_during_the_export_is_left_out_of_it(journal: Path, fmt: str) -> None:
    store = WritesBetweenReadings(journal)
    try:
        assert exported(store, fmt, chunk=EVENTS) == EXPECTED[fmt]
        assert len(store.events(DAY)) > EVENTS  # it was recorded, after the export's reading
    finally:
        store.close()


def test_a_day_of_many_events_is_exported_without_holding_them(tmp_path: Path) -> None:
    """A few tokens bumped up and down thousands of times: the events (and the output) are
    many, the tokens few, so what the export holds at its peak is a chunk, not the day (12,028
    events)."""
    desk = open_journal(tmp_path / "j.db")
    requests = [Request(Book("rao-10", f"Patient {i}", "walk-in")) for i in range(8)]
    for i in range(2000):  # 4 seats: a waiting walk-in bumped up takes a seat, and down loses it
        token_id = f"T{5 + i % 4:05d}"
        requests += [
            Request(Bump(token_id, up=True)),
            Request(Bump(token_id, up=False)),
        ]
    outcomes = desk.act_batch(requests)
    assert [o.error for o in outcomes if o.error is not None] == []
    events = desk.last_seq
    desk.close()
    assert events == 12_028
    store = SqliteStore(tmp_path / "j.db", create=False)
    try:
        for fmt in ("json", "csv"):
            sink = Counting()
            tracemalloc.start()
            try:
                export_day(store, DAY, sink, fmt, chunk=200)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            # The whole-document export held more than ten times its output at its peak (33 MB
            # for this JSON, 14 MB for the CSV); a chunk of 200 events holds about 0.5 MB.
            assert sink.written > (2_600_000 if fmt == "json" else 1_200_000)
            assert peak < 1_200_000, (fmt, peak)
    finally:
        store.close()


class Counting(io.TextIOBase):
    """A stream that keeps nothing but how much was written to it."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)


def test_an_export_stopped_by_its_reader_ends_quietly(journal: Path) -> None:
    """``opd-tui export | head``: the reader goes away mid-export, the export stops, and says
    nothing (exit status 141, as the shell reports a command ended by a closed pipe)."""
    command = [sys.executable, "-m", "opd_tui", "export", "--db", str(journal), "--day"]
    child = subprocess.Popen(
        [*command, DAY.isoformat()], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.read(100) == EXPECTED["json"][:100]
    child.stdout.close()  # what is left (more than a pipe holds) cannot be written
    assert child.wait(timeout=30) == 141
    assert child.stderr.read() == b""
    child.stderr.close()


def test_a_replay_the_engine_refuses_is_one_line_and_writes_nothing(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    con = sqlite3.connect(journal)
    con.execute("DELETE FROM events WHERE kind = 'slot-added' AND seq < 10")
    con.commit()
    con.close()
    assert cli.main(["export", "--db", str(journal), "--day", DAY.isoformat()]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("opd-tui: the journal of 2026-11-25 cannot be replayed (")
    assert err.count("\n") == 1


def test_an_engine_rebuilt_from_chunks_is_the_day(journal: Path) -> None:
    store = SqliteStore(journal, create=False)
    try:
        whole, chunked = Engine(), Engine()
        whole.apply_all(r.event for r in store.events(DAY))
        chunked.apply_all(r.event for r in store.iter_events(DAY, chunk=3))
        assert chunked.tokens() == whole.tokens()
    finally:
        store.close()


# ---------------------------------------------------------------------- the front desk


def front_desk_day(path: Path) -> None:
    """Asha Menon (her phone and patient id) and Ravi (neither) in Dr Rao's 10:00, Asha also
    with Dr Iyer at 11:00; Dr Rao away from 10:00, his two reassigned to Dr Mehta's 10:00."""
    desk = open_journal(path)
    outcomes = desk.act_batch(
        [
            Request(Book("rao-10", "Asha Menon", "online", "+91 98450 12345", "mrn-7")),
            Request(Book("rao-10", "Ravi", "walk-in")),
            Request(Book("iyer-11", "Asha Menon", "paid", patient_id="MRN-7")),
            Request(SetAway("rao", "10:00")),
            Request(Reassign("rao", "mehta")),
        ]
    )
    assert [o.error for o in outcomes] == [None] * 5
    desk.close()


AT = "2026-11-25T08:00:00"


def test_tokens_export_their_phone_and_patient_id(tmp_path: Path) -> None:
    front_desk_day(tmp_path / "j.db")
    store = SqliteStore(tmp_path / "j.db", create=False)
    try:
        document = json.loads(exported(store, "json"))
        csv_text = exported(store, "csv").decode("utf-8")
    finally:
        store.close()
    common = {"arrived_at": AT, "preemptions": 0, "status": "BOOKED"}
    assert document["tokens"] == [
        {"id": "T00001", "number": "MEHTA-001", "patient": "Asha Menon", "source": "online",
         "priority": 2, "arrival": 1, "slot_id": "mehta-10", "doctor_id": "mehta", **common,
         "phone": "+919845012345", "patient_id": "MRN-7"},
        {"id": "T00002", "number": "MEHTA-002", "patient": "Ravi", "source": "walk-in",
         "priority": 1, "arrival": 2, "slot_id": "mehta-10", "doctor_id": "mehta", **common,
         "phone": "", "patient_id": ""},
        {"id": "T00003", "number": "IYER-001", "patient": "Asha Menon", "source": "paid",
         "priority": 4, "arrival": 3, "slot_id": "iyer-11", "doctor_id": "iyer", **common,
         "phone": "", "patient_id": "MRN-7"},
    ]  # fmt: skip
    tokens = csv_text.split("\n\n")[0].split("\n")
    assert tokens == [
        "id,number,patient,source,priority,arrival,slot_id,doctor_id,status,preemptions,"
        "arrived_at,phone,patient_id",
        f"T00001,MEHTA-001,Asha Menon,online,2,1,mehta-10,mehta,BOOKED,0,{AT},'+919845012345,MRN-7",
        f"T00002,MEHTA-002,Ravi,walk-in,1,2,mehta-10,mehta,BOOKED,0,{AT},,",
        f"T00003,IYER-001,Asha Menon,paid,4,3,iyer-11,iyer,BOOKED,0,{AT},,MRN-7",
    ]


def test_away_and_reassigned_events_export_with_their_fields(tmp_path: Path) -> None:
    front_desk_day(tmp_path / "j.db")
    store = SqliteStore(tmp_path / "j.db", create=False)
    try:
        document = json.loads(exported(store, "json"))
        events = document["events"]
        recorded = [{"seq": r.seq, "action_id": r.action_id, **as_dict(r.event)} for r in store.events(DAY)]  # fmt: skip
        csv_text = exported(store, "csv").decode("utf-8")
        assert exported(store, "json", chunk=1) == exported(store, "json")
        assert exported(store, "csv", chunk=1) == csv_text.encode("utf-8")
    finally:
        store.close()
    assert events == recorded  # a booking's phone and id (stored only when given) too
    assert [e["kind"] for e in events[-5:]] == [
        "booked",
        "booked",
        "away-set",
        "reassigned",
        "reassigned",
    ]
    first, away, asha, ravi = events[-6], events[-3], events[-2], events[-1]
    assert {k: first[k] for k in ("kind", "token_id", "phone", "patient_id")} == {
        "kind": "booked",
        "token_id": "T00001",
        "phone": "+919845012345",
        "patient_id": "MRN-7",
    }
    assert "phone" not in events[-5] and "patient_id" not in events[-5]  # Ravi gave neither
    seq, action = away["seq"], away["action_id"]
    assert away == {"seq": seq, "action_id": action, "kind": "away-set", "at": AT,
                    "doctor_id": "rao", "old": None, "new": 600}  # fmt: skip
    assert asha == {"seq": seq + 1, "action_id": action + 1, "kind": "reassigned", "at": AT,
                    "token_id": "T00001", "from_slot": "rao-10", "to_slot": "mehta-10",
                    "was": "BOOKED", "old_number": "RAO-001", "number": "MEHTA-001",
                    "seated": True}  # fmt: skip
    assert ravi["token_id"] == "T00002" and ravi["number"] == "MEHTA-002"
    rows = csv_text.split("\n\n")[1].rstrip("\n").split("\n")
    assert rows[-3:] == [
        f'{seq},{action},away-set,{AT},,,"{{""doctor_id"":""rao"",""old"":null,""new"":600}}"',
        f'{seq + 1},{action + 1},reassigned,{AT},T00001,,"{{""from_slot"":""rao-10"",'
        '""to_slot"":""mehta-10"",""was"":""BOOKED"",""old_number"":""RAO-001"",'
        '""number"":""MEHTA-001"",""seated"":true}"',
        f'{seq + 2},{action + 1},reassigned,{AT},T00002,,"{{""from_slot"":""rao-10"",'
        '""to_slot"":""mehta-10"",""was"":""BOOKED"",""old_number"":""RAO-002"",'
        '""number"":""MEHTA-002"",""seated"":true}"',
    ]
