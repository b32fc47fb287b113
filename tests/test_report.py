"""The day's report of a journal day: exact figures per doctor and per source, as text, JSON, CSV
and HTML (in a real browser when there is one), the ``report`` command and its refusals, and the
dashboard's report screen.

The day, worked by hand. Dr Asha Rao: rao-09 (2 seats) and rao-10 (2); Dr Mei <Lee> & "Co":
lee-09 (1). Asha (walk-in) and Bala (online) fill rao-09; Chitra (emergency) preempts Asha; Bala
cancels and Asha is promoted. Dev (follow-up) and Esha (walk-in) in rao-10; Farid (paid) in
lee-09, Gita (walk-in) waits behind him all day. Check-in → first call: Chitra 08:40 → 09:00,
20; Farid 08:55 → 09:02, 7; Asha 08:50 → 09:12, 22; Esha 10:05 → 10:10, 5. Consultations:
Chitra 12, Farid 12, Asha 8, Esha 15. Dev is a no-show at 10:30. Hari is booked at 10:40 and
the booking undone: he is in no figure.

Dr Rao: 5 tokens, 3 seen, 1 no-show, 1 cancelled, preempted 1, promoted 1, 3 of 4 seats; call
waits 5, 20, 22: median 20, p90 20 + 0.8 × 2 = 21.6; consultations 8, 12, 15: median 12. Walk-in:
Asha, Esha, Gita: 3 tokens, 2 seen, 1 waiting, waits 22 and 5: median 13.5, p90 5 + 0.9 × 17 =
20.3; consultations 8 and 15: median 11.5. The day: waits 5, 7, 20, 22: median 13.5, p90 21.4.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from datetime import datetime, time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.text import Text
from store_helpers import DAY, SetClock

from opd_tui import cli
from opd_tui.engine import (
    Book,
    Call,
    CallNext,
    Cancel,
    CheckIn,
    Command,
    DoctorAdded,
    Engine,
    Event,
    NoShow,
    Serve,
    SlotAdded,
    Source,
    Stats,
    Undo,
)
from opd_tui.scenario.formats import rendered
from opd_tui.scenario.html import as_html
from opd_tui.scenario.render import as_csv, as_data, as_text
from opd_tui.scenario.report import Act, DayReport, Visits, report_of
from opd_tui.store import JournalDesk, SqliteStore, read_day
from opd_tui.ui.app import OpdApp
from opd_tui.ui.screens.report import ReportScreen, ReportTable, report_in_view

CLINIC = "Report Test OPD"
LEE = 'Dr Mei <Lee> & "Co"'
TIMELINE: list[tuple[str, Command]] = [
    ("08:00", Book("rao-09", "Asha Menon", "walk-in")),
    ("08:01", Book("rao-09", "Bala Iyer", "online")),
    ("08:02", Book("rao-09", "Chitra Das", "emergency")),
    ("08:03", Book("rao-10", "Dev Kumar", "follow-up")),
    ("08:04", Book("rao-10", "Esha Roy", "walk-in")),
    ("08:05", Book("lee-09", "Farid <Ali>", "paid")),
    ("08:06", Book("lee-09", "Gita Rao", "walk-in")),
    ("08:10", Cancel("T00002")),
    ("08:40", CheckIn("T00003")),
    ("08:50", CheckIn("T00001")),
    ("08:55", CheckIn("T00006")),
    ("09:00", CallNext("rao")),
    ("09:02", CallNext("lee")),
    ("09:12", Serve("T00003")),
    ("09:12", CallNext("rao")),
    ("09:14", Serve("T00006")),
    ("09:20", Serve("T00001")),
    ("10:05", CheckIn("T00005")),
    ("10:10", Call("T00005")),
    ("10:25", Serve("T00005")),
    ("10:30", NoShow("T00004")),
    ("10:40", Book("rao-10", "Hari Nair", "walk-in")),
    ("10:41", Undo()),
]


def set_up(engine: Engine) -> list[Event]:
    events = engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    events += engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    events += engine.add_slot("rao-10", "rao", "10:00", "11:00", 2)
    events += engine.add_doctor("lee", LEE, "Dermatology")
    events += engine.add_slot("lee-09", "lee", "09:00", "10:00", 1)
    return events


def at(hh_mm: str) -> datetime:
    hours, minutes = map(int, hh_mm.split(":"))
    return datetime.combine(DAY, time(hours, minutes))


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "day.db"
    clock = SetClock(at("07:30"))
    desk = JournalDesk(
        SqliteStore(path), DAY, today=DAY, clock=clock, setup=set_up, clinic_name=CLINIC
    )
    for hh_mm, command in TIMELINE:
        clock.now = at(hh_mm)
        desk.act(command)
    desk.store.close()
    return path


def journal_report(path: Path) -> DayReport:
    store = SqliteStore(path, create=False)
    try:
        day = read_day(store, DAY)
    finally:
        store.close()
    return report_of(day.engine, day.actions, clinic=day.info.clinic_name, day=DAY)


@pytest.fixture(scope="module")
def report(journal: Path) -> DayReport:
    return journal_report(journal)


# ----------------------------------------------------------------------------- the figures


def tenths(visits: Visits) -> Visits:
    """The 90th percentile to a tenth of a minute: it is interpolated, so not exact in binary."""
    return replace(visits, wait_p90=round(visits.wait_p90, 1))


def test_each_doctors_figures(report: DayReport) -> None:
    rao, lee = report.doctors
    assert (rao.name, rao.tokens, lee.name, lee.tokens) == ("Dr Asha Rao", 5, LEE, 2)
    assert rao.stats == Stats(
        capacity=4, booked=0, waiting=0, served=3, no_shows=1, cancelled=1, preemptions=1,
        promotions=1, called=0,
    )  # fmt: skip
    assert lee.stats == Stats(capacity=1, served=1, waiting=1)
    assert tenths(rao.visits) == Visits(3, 20, 21.6, 3, 12, 0)
    assert lee.visits == Visits(1, 7, 7, 1, 12, 0)
    assert [(s.slot_id, s.stats.served, s.stats.capacity) for s in rao.slots] == [
        ("rao-09", 2, 2),
        ("rao-10", 1, 2),  # Hari's booking was undone
    ]


def test_each_sources_figures(report: DayReport) -> None:
    lines = {line.source: line for line in report.sources}
    assert [line.source for line in report.sources] == list(Source)  # by priority
    counts = {
        source: (line.tokens, line.stats.served, line.stats.waiting, line.stats.no_shows,
                 line.stats.cancelled, line.stats.preemptions, line.stats.promotions,
                 line.stats.occupied)
        for source, line in lines.items()
    }  # fmt: skip
    assert counts == {
        Source.EMERGENCY: (1, 1, 0, 0, 0, 0, 0, 1),
        Source.PAID: (1, 1, 0, 0, 0, 0, 0, 1),
        Source.FOLLOW_UP: (1, 0, 0, 1, 0, 0, 0, 0),
        Source.ONLINE: (1, 0, 0, 0, 1, 0, 0, 0),
        Source.WALK_IN: (3, 2, 1, 0, 0, 1, 1, 2),
    }
    assert tenths(lines[Source.WALK_IN].visits) == Visits(2, 13.5, 20.3, 2, 11.5, 0)
    assert lines[Source.WALK_IN].stats.utilisation == 0.4  # 2 of the day's 5 seats


def test_the_days_figures(report: DayReport) -> None:
    assert (report.clinic, report.day, report.tokens, report.actions) == (CLINIC, DAY, 7, 23)
    assert (report.first, report.last) == ("08:00", "10:41")
    t = report.totals
    assert (t.capacity, t.occupied, t.served, t.waiting, t.no_shows, t.cancelled) == (
        5, 4, 4, 1, 1, 1,
    )  # fmt: skip
    assert tenths(report.visits) == Visits(4, 13.5, 21.4, 4, 12, 0)
    [asha] = report.preempted
    assert (asha.number, asha.patient, asha.times, asha.status.value) == (
        "RAO-001",
        "Asha Menon",
        1,
        "SERVED",
    )


def test_the_dashboards_timeline_gives_the_journals_report(journal: Path) -> None:
    """The dashboard has the day's events, not its actions: it tells them apart by their time,
    so the two actions at 09:12 count as one; every figure is the same."""
    store = SqliteStore(journal, create=False)
    try:
        day = read_day(store, DAY)
        history, _ = store.history(DAY)
    finally:
        store.close()
    shown = report_in_view(day.engine, history, clinic=CLINIC, day=DAY, end=at("10:41"))
    expected = journal_report(journal)
    assert shown.actions == 22
    assert shown == replace(expected, actions=22)


# ----------------------------------------------------------------------------- the formats


def test_the_report_as_text(report: DayReport) -> None:
    lines = as_text(report).splitlines()
    assert lines[:6] == [
        "Report Test OPD — end of day 2026-11-25",
        "23 actions, 08:00–10:41; 7 tokens",
        "",
        "Utilisation 80% (4 of 5 seats) · served 4 · still booked 0 · waiting 1",
        "Preemptions 1 · promotions 1 · no-shows 1 · cancellations 1",
        "Waits: 4 served · median 17 min · mean 17.8 min · longest 25 min",
    ]
    assert (
        "Dr Asha Rao (Cardiology)               4      0      3    0     1    1   1   1   75%  20/19/25"
        in lines
    )
    assert (
        'Dr Mei <Lee> & "Co" (Dermatology)      1      0      1    1     0    0   0   0  100%  14/14/14'
        in lines
    )
    assert (
        "  walk-in                               3      0      2    1     0    0   1   1   40%  22/22/25"
        in lines
    )
    assert (
        "  follow-up                             1      0      0    0     1    0   0   0    0%  –"
        in lines
    )
    assert (
        "Dr Asha Rao (Cardiology)                3    20    22    12.0       0       –      –"
        in lines
    )
    assert (
        "  walk-in                               2    14    20    11.5       0       –      –"
        in lines
    )


def test_the_report_as_json(report: DayReport) -> None:
    data = json.loads(json.dumps(as_data(report)))
    rao, lee = data["doctors"]
    assert (rao["tokens"], rao["served"], rao["no_shows"], rao["cancelled"]) == (5, 3, 1, 1)
    assert (rao["preemptions"], rao["promotions"], rao["utilisation"]) == (1, 1, 0.75)
    assert rao["visits"]["call_wait_median"] == 20.0
    assert rao["visits"]["call_wait_p90"] == 21.6
    assert rao["visits"]["consultation_median"] == 12.0
    assert (lee["name"], lee["tokens"], lee["waiting"]) == (LEE, 2, 1)
    assert data["sources"]["walk-in"] == {
        "capacity": 5,
        "booked": 0,
        "served": 2,
        "waiting": 1,
        "no_shows": 0,
        "cancelled": 0,
        "preemptions": 1,
        "promotions": 1,
        "called": 0,
        "utilisation": 0.4,
        "tokens": 3,
        "preempted": 1,
        "waits": {"count": 2, "median": 22.5, "mean": 22.5, "max": 25.0},
        "visits": {
            "call_waits": 2,
            "call_wait_median": 13.5,
            "call_wait_p90": 20.3,
            "consultations": 2,
            "consultation_median": 11.5,
            "overdue": 0,
            "estimated": 0,
            "estimate_error_median": 0.0,
            "estimate_error_mean": 0.0,
        },
    }
    assert data["sources"]["online"]["cancelled"] == 1


def test_the_report_as_csv(report: DayReport) -> None:
    rows = {(r["scope"], r["id"]): r for r in csv.DictReader(io.StringIO(as_csv(report)))}
    fields: tuple[str, ...] = ("tokens", "served", "waiting", "no_shows", "cancelled")
    fields += ("preemptions",)
    fields += ("promotions", "utilisation", "call_wait_median", "call_wait_p90")
    fields += ("consultation_median",)
    assert [rows["doctor", "rao"][k] for k in fields] == [
        "5", "3", "0", "1", "1", "1", "1", "0.75", "20.0", "21.6", "12.0",
    ]  # fmt: skip
    assert [rows["source", "walk-in"][k] for k in fields] == [
        "3", "2", "1", "0", "0", "1", "1", "0.4", "13.5", "20.3", "11.5",
    ]  # fmt: skip
    assert rows["doctor", "lee"]["name"] == LEE


def test_csv_defuses_a_name_that_looks_like_a_formula() -> None:
    engine = Engine()
    events = engine.add_doctor("x", "=HYPERLINK(1)", "General")
    events += engine.add_slot("x-09", "x", "09:00", "10:00", 1)
    acts = [Act(e.at, (e,)) for e in engine.book("x-09", "@SUM(A1)", "walk-in")]
    report = report_of(engine, acts, clinic="-2+3", day=DAY)
    rows = list(csv.DictReader(io.StringIO(as_csv(report))))
    assert [(r["scope"], r["name"]) for r in rows if r["scope"] in ("day", "doctor")] == [
        ("day", "'-2+3"),
        ("doctor", "'=HYPERLINK(1)"),
    ]


def test_names_are_shown_never_obeyed() -> None:
    """A name a journal kept from before names were checked: shown in the terminal, escaped in
    the page."""
    engine = Engine()
    name = "Dr \x1b[2J<script>1</script>"
    engine.apply_all([DoctorAdded(at("07:00"), "x", name, "General"),
                      SlotAdded(at("07:00"), "x-09", "x", "09:00", "10:00", 1)])  # fmt: skip
    report = report_of(engine, [], clinic="A & B", day=DAY)
    text = as_text(report)
    assert "\x1b" not in text
    assert "Dr ^[[2J<script>1</script> (General " in text  # cut at 34 characters
    page = as_html(report)
    assert "<script" not in page
    assert "Dr \x1b[2J&lt;script&gt;1&lt;/script&gt;" in page
    assert "<h1>A &amp; B</h1>" in page


class Cells(HTMLParser):
    """The page's table rows, by their ``data-row``: each cell's text by its ``data-f``; and
    every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.names: dict[str, str] = {}
        self.tags: set[str] = set()
        self.row: str | None = None
        self.field: str | None = None
        self.name = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        if tag == "tr" and found.get("data-row"):
            self.row = found["data-row"]
            self.rows[self.row or ""] = {}
        elif tag == "td" and self.row is not None:
            self.field = found.get("data-f")
            self.name = found.get("class") == "name"

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.field, self.name = None, False
        elif tag == "tr":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.row is None:
            return
        if self.field is not None:
            cells = self.rows[self.row]
            cells[self.field] = cells.get(self.field, "") + data
        elif self.name:
            self.names[self.row] = self.names.get(self.row, "") + data


def read_page(page: str) -> Cells:
    cells = Cells()
    cells.feed(page)
    return cells


EXPECTED_RAO = {
    "tokens": "5", "seen": "3", "in-room": "0", "booked": "0", "waiting": "0", "no-show": "1",
    "cancelled": "1", "preempted": "1", "promoted": "1", "seats": "3/4 · 75%",
    "wait": "20 / 22", "consult": "12.0",
}  # fmt: skip
EXPECTED_WALK_IN = {
    "tokens": "3", "seen": "2", "in-room": "0", "booked": "0", "waiting": "1", "no-show": "0",
    "cancelled": "0", "preempted": "1", "promoted": "1", "seats": "2 · 40%",
    "wait": "14 / 20", "consult": "11.5",
}  # fmt: skip


def check_page(cells: Cells) -> None:
    assert cells.rows["doctor:rao"] == EXPECTED_RAO
    assert cells.rows["source:walk-in"] == EXPECTED_WALK_IN
    assert cells.names["doctor:rao"] == "Dr Asha RaoCardiology"
    assert cells.names["doctor:lee"] == LEE + "Dermatology"
    assert cells.rows["doctor:lee"]["seats"] == "1/1 · 100%"
    assert cells.rows["day"]["tokens"] == "7"
    assert cells.rows["day"]["wait"] == "14 / 21"
    assert cells.rows["slot:rao-10"] == {
        "seats": "1/2 · 50%", "seen": "1", "no-show": "1", "cancelled": "0", "waiting": "0",
        "wait": "25",
    }  # fmt: skip
    assert cells.rows["token:T00001"] == {
        "patient": "Asha Menon", "source": "walk-in", "slot": "rao-09", "times": "1",
        "ended": "served",
    }  # fmt: skip


def test_the_report_as_html(report: DayReport) -> None:
    page = as_html(report)
    check_page(read_page(page))
    assert "Dr Mei &lt;Lee&gt; &amp; &quot;Co&quot;" in page
    assert "<Lee>" not in page
    tags = read_page(page).tags
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert page.count("<svg ") == 2  # a chart per doctor
    assert "src=" not in page and "href=" not in page and "url(" not in page
    assert "@page { size: A4;" in page


def test_each_doctors_chart_stacks_where_their_tokens_ended(report: DayReport) -> None:
    page = as_html(report)
    rao = page[page.index('data-doctor="rao"') :]
    rao = rao[: rao.index("</svg>")]
    assert 'data-slot="rao-09"><rect' in rao
    parts = [
        (segment.split('data-part="')[1].split('"')[0], segment.split('data-count="')[1][0])
        for segment in rao.split("<rect")[1:]
    ]
    assert parts == [("served", "2"), ("cancelled", "1"), ("served", "1"), ("no_shows", "1")]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    chromium() is None and not os.environ.get("CI"),
    reason="chromium is not on PATH (apt-get install chromium to run this); in CI it must be",
)
def test_the_html_report_in_a_real_browser(report: DayReport, tmp_path: Path) -> None:
    """Chromium reads the page as written: its DOM holds the same rows and cells, the names as
    text, and no script."""
    page = tmp_path / "report.html"
    page.write_text(as_html(report), encoding="utf-8")
    browser = chromium()
    assert browser is not None
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=90, check=True,
        )  # fmt: skip
    dom = read_page(result.stdout)
    check_page(dom)
    assert "script" not in dom.tags
    assert {"svg", "rect", "table"} <= dom.tags


# ----------------------------------------------------------------------------- the command


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "html"])
def test_the_report_command(
    journal: Path, report: DayReport, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "report", "--db", str(journal), "--day", "2026-11-25",
                           "--format", fmt)  # fmt: skip
    assert (status, err) == (0, "")
    assert out == rendered(report, fmt)


def test_the_report_command_writes_a_file(
    journal: Path, report: DayReport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "day.html"
    status, out, err = run(capsys, "report", "--db", str(journal), "--day", "2026-11-25",
                           "--format", "html", "-o", str(target))  # fmt: skip
    assert (status, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == as_html(report)


def test_text_is_the_default_format(journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "report", "--db", str(journal), "--day", "2026-11-25")
    assert status == 0
    assert out.startswith("Report Test OPD — end of day 2026-11-25\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--day", "2026-13-01"], "opd-tui: argument --day: '2026-13-01' is not a day (YYYY-MM-DD)"),
        (["--format", "pdf"], "opd-tui: argument --format: invalid choice: 'pdf' "
                              "(choose from 'text', 'csv', 'json', 'html')"),
    ],
)  # fmt: skip
def test_bad_options_are_one_line_and_exit_2(
    journal: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["report", "--db", str(journal), *args])
    out, err = capsys.readouterr()
    assert caught.value.code == 2
    assert (out, err) == ("", message + "\n")


def test_a_day_never_recorded_exits_2(journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "report", "--db", str(journal), "--day", "2026-11-24")
    assert (status, out) == (2, "")
    assert err == f"opd-tui: nothing was recorded on 2026-11-24 in {journal}\n"


def test_a_missing_journal_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "report", "--db", str(tmp_path / "none.db"))
    assert (status, out) == (2, "")
    assert err.startswith("opd-tui: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert not (tmp_path / "none.db").exists()


def test_an_unwritable_output_exits_2(journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "report", "--db", str(journal), "--day", "2026-11-25",
                           "-o", "/nonexistent-dir/day.txt")  # fmt: skip
    assert (status, out) == (2, "")
    assert err == "opd-tui: cannot write /nonexistent-dir/day.txt: No such file or directory\n"


def test_simulate_writes_the_same_html(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.resources import files

    demo = str(files("opd_tui") / "data" / "demo.toml")
    status, out, err = run(capsys, "--day", "2026-11-25", "simulate", demo, "--html")
    assert (status, err) == (0, "")
    cells = read_page(out)
    assert cells.rows["day"]["tokens"] == "80"
    assert cells.rows["day"]["seats"] == "71/76 · 93%"
    assert cells.rows["source:walk-in"]["tokens"] == "34"


# ----------------------------------------------------------------------------- the screen


def row(table: ReportTable, key: str) -> list[str]:
    return [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row(key)]


@pytest.fixture
def dashboard(journal: Path, tmp_path: Path) -> OpdApp:
    copy = tmp_path / "day.db"
    shutil.copy(journal, copy)
    clock = SetClock(at("10:45"))
    desk = JournalDesk(SqliteStore(copy), DAY, today=DAY, clock=clock)
    return OpdApp(desk, history=desk.history, wall_clock=clock)


async def test_the_report_screen_opens_with_E_and_closes_with_escape(dashboard: OpdApp) -> None:
    async with dashboard.run_test(size=(80, 24)) as pilot:
        await pilot.press("E")
        await pilot.pause()
        screen = dashboard.screen
        assert isinstance(screen, ReportScreen)
        title = screen.query_one("#report-title").render()
        assert str(title) == "Report Test OPD · the day's report · 2026-11-25 · as at 10:45"
        doctors = screen.query_one("#report-doctors", ReportTable)
        assert [str(c.label) for c in doctors.columns.values()] == [
            "Doctor", "Tok", "Seen", "NoSh", "Canc", "Pre", "Pro", "Seats", "Call", "Cons",
        ]  # fmt: skip
        assert row(doctors, "rao") == [
            "Dr Asha Rao", "5", "3", "1", "1", "1", "1", "3/4 75%", "20/22", "12.0",
        ]  # fmt: skip
        assert row(doctors, "lee")[:3] == [LEE, "2", "1"]
        assert row(doctors, "day") == [
            "The day", "7", "4", "1", "1", "1", "1", "4/5 80%", "14/21", "12.0",
        ]  # fmt: skip
        sources = screen.query_one("#report-sources", ReportTable)
        assert row(sources, "walk-in") == [
            "walk-in", "3", "2", "0", "0", "1", "1", "2 40%", "14/20", "11.5",
        ]  # fmt: skip
        assert row(sources, "follow-up")[-2:] == ["–", "–"]
        slots = screen.query_one("#report-slots", ReportTable)
        assert row(slots, "rao-10") == ["  10:00–11:00", "1/2", "1", "1", "0", "0", "25", "█·"]
        assert str(screen.query_one("#report-summary").render()).splitlines()[0] == (
            "Seats used 80% (4 of 5) · seen 4 · in the room 0 · still booked 0 · waiting 1"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(dashboard.screen, ReportScreen)
        assert dashboard.screen is dashboard.screen_stack[0]


async def test_a_wide_screen_shows_where_every_token_ended(dashboard: OpdApp) -> None:
    async with dashboard.run_test(size=(160, 45)) as pilot:
        await pilot.press("E")
        await pilot.pause()
        doctors = dashboard.screen.query_one("#report-doctors", ReportTable)
        assert row(doctors, "lee") == [
            LEE, "2", "1", "0", "0", "1", "0", "0", "0", "0", "1/1 100%", "7/7", "12.0", "0",
        ]  # fmt: skip


async def test_the_report_of_a_moment_looked_back_at(dashboard: OpdApp) -> None:
    """Looking back at the day just after Chitra's booking (the set-up's 5 events, then 3
    bookings and a preemption): the report is of that moment."""
    async with dashboard.run_test(size=(80, 24)) as pilot:
        dashboard.show_moment(9)
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        screen = dashboard.screen
        assert str(screen.query_one("#report-title").render()).endswith("as at 08:02:00 (#9)")
        doctors = screen.query_one("#report-doctors", ReportTable)
        assert row(doctors, "rao")[:8] == ["Dr Asha Rao", "3", "0", "0", "0", "1", "0", "2/4 50%"]
