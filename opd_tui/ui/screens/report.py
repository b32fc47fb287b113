"""The day's report on screen: the day's figures, then each doctor's and each source's, as the
``report`` command writes them, of the day in view (now, or the moment looked back at)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...engine import Engine, Event, Stats, safe_lines, safe_text
from ...scenario import Player
from ...scenario.report import DayReport, Visits, acts_of, day_report, report_of
from ..cells import plain
from ..titles import content

SET_UP = frozenset(("doctor-added", "slot-added"))
NONE = "–"
WIDE = 120
"""From this many columns on, the tables show where every token ended, not only the main ones."""


def report_in_view(
    engine: Engine,
    timeline: Sequence[Event],
    *,
    clinic: str,
    day: date,
    end: datetime,
    player: Player | None = None,
) -> DayReport:
    """The report of the day ``engine`` holds after ``timeline`` (every event so far, set-up
    too), overdue by ``end``. A replay's own record, untouched, is reported as ``simulate``
    reports it: with the call times expected at check-in."""
    if player is not None and list(timeline) == player.events():
        return day_report(player)
    acts = [act for act in acts_of(timeline) if not all(e.kind in SET_UP for e in act.events)]
    return report_of(engine, acts, clinic=clinic, day=day, end=end)


class ReportTable(DataTable[Text]):
    """A table to read, not to act on: the screen scrolls, the table takes no keys."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", zebra_stripes=True, show_cursor=False)


COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    # key, label, width, shown on a narrow screen too
    ("tokens", "Tok", 3, True),
    ("seen", "Seen", 4, True),
    ("room", "Room", 4, False),
    ("booked", "Bkd", 3, False),
    ("waiting", "Wait", 4, False),
    ("no-show", "NoSh", 4, True),
    ("cancelled", "Canc", 4, True),
    ("preempted", "Pre", 3, True),
    ("promoted", "Pro", 3, True),
    ("seats", "Seats", 10, True),
    ("call", "Call", 7, True),
    ("consult", "Cons", 4, True),
    ("overdue", "Late", 4, False),
)


class ReportScreen(Screen[None]):
    """The whole report, scrollable; escape closes it."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("E", "close", "Close", show=False),
    ]
    DEFAULT_CSS = """
    ReportScreen { layout: vertical; }
    ReportScreen #report-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    ReportScreen #report-body { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    ReportScreen #report-summary { height: auto; margin: 1 0 0 0; }
    ReportScreen ReportTable { height: auto; margin: 1 0 0 0; border: round $panel-lighten-2;
        border-title-color: $text-muted; scrollbar-size-horizontal: 0; }
    ReportScreen #report-notes { height: auto; margin: 1 0; color: $text-muted; }
    ReportScreen #report-keys { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, report: DayReport, moment: str, *, width: int = 80) -> None:
        super().__init__()
        self.report = report
        self.moment = moment
        self.wide = width >= WIDE
        # The doctor's or source's name takes what the figures leave of the screen.
        shown = [c for c in COLUMNS if self.wide or c[3]]
        taken = sum(width + 2 for _, _, width, _ in shown) + 2 + 2 + 1  # borders, pad, scroll
        self.name_width = max(12, min(32, width - taken - 2))
        self.columns = shown

    def compose(self) -> ComposeResult:
        r = self.report
        yield Static(
            Text(safe_text(f"{r.clinic} · the day's report · {r.day.isoformat()} · {self.moment}")),
            id="report-title",
        )
        with VerticalScroll(id="report-body"):
            yield Static(summary(r), id="report-summary")
            yield ReportTable(id="report-doctors")
            yield ReportTable(id="report-sources")
            yield ReportTable(id="report-slots")
            yield Static(Text(NOTES), id="report-notes")
        yield Static(Text("esc close · ↑ ↓ PgUp PgDn scroll"), id="report-keys")

    def on_mount(self) -> None:
        doctors = self.query_one("#report-doctors", ReportTable)
        doctors.border_title = content(f"By doctor · {len(self.report.doctors)}")
        sources = self.query_one("#report-sources", ReportTable)
        sources.border_title = content("By source")
        for table, first in ((doctors, "Doctor"), (sources, "Source")):
            table.add_column(first, key="name", width=self.name_width)
            for key, label, width, _ in self.columns:
                table.add_column(Text(label, justify="right"), key=key, width=width)
        r = self.report
        for d in r.doctors:
            doctors.add_row(
                *self.cells(d.name, d.tokens, d.stats, _seats(d.stats), d.visits), key=d.doctor_id
            )
        doctors.add_row(
            *self.cells("The day", r.tokens, r.totals, _seats(r.totals), r.visits), key="day"
        )
        for line in r.sources:
            share = f"{line.stats.occupied} {line.stats.utilisation:.0%}"
            sources.add_row(
                *self.cells(line.source.value, line.tokens, line.stats, share, line.visits),
                key=line.source.value,
            )
        self.fill_slots(self.query_one("#report-slots", ReportTable))
        self.query_one("#report-body").focus()

    def fill_slots(self, table: ReportTable) -> None:
        """Each doctor's slots, with a seat by seat bar: seen, in the room, still booked, free."""
        table.border_title = content(
            f"By slot · {SEEN} seen {IN_ROOM} in the room {BOOKED} still booked {FREE} free"
        )
        table.add_column("Slot", key="name", width=self.name_width)
        for key, label, width in SLOT_COLUMNS:
            table.add_column(Text(label, justify="right"), key=key, width=width)
        table.add_column("Seats", key="bar", width=BAR_SEATS + 1)
        for d in self.report.doctors:
            table.add_row(plain(d.name, "bold"), *(Text() for _ in range(len(SLOT_COLUMNS) + 1)))
            for line in d.slots:
                st = line.stats
                late = f" +{line.delay}m" if line.delay else ""
                values = (
                    f"{st.occupied}/{st.capacity}",
                    st.served,
                    st.no_shows,
                    st.cancelled,
                    st.waiting,
                    f"{line.waits.median:.0f}" if line.waits.count else NONE,
                )
                table.add_row(
                    plain(f"  {line.start}–{line.end}{late}"),
                    *(_right(value) for value in values),
                    seat_bar(st),
                    key=line.slot_id,
                )

    def cells(self, name: str, tokens: int, s: Stats, seats: str, v: Visits) -> list[Text]:
        values = {
            "tokens": tokens,
            "seen": s.served,
            "room": s.called,
            "booked": s.booked,
            "waiting": s.waiting,
            "no-show": s.no_shows,
            "cancelled": s.cancelled,
            "preempted": s.preemptions,
            "promoted": s.promotions,
            "seats": seats,
            "call": f"{v.wait_median:.0f}/{v.wait_p90:.0f}" if v.waited else NONE,
            "consult": f"{v.consultation_median:.1f}" if v.consultations else NONE,
            "overdue": v.overdue,
        }
        return [plain(name), *(_right(values[key]) for key, _, _, _ in self.columns)]

    def action_close(self) -> None:
        self.dismiss(None)


SEEN, IN_ROOM, BOOKED, FREE = "█", "▓", "▒", "·"
BAR_SEATS = 12
"""Seats drawn one by one; a bigger slot's bar is drawn to this many, in proportion."""
SLOT_COLUMNS = (
    ("seats", "Used", 5),
    ("seen", "Seen", 4),
    ("no-show", "NoSh", 4),
    ("cancelled", "Canc", 4),
    ("waiting", "Wait", 4),
    ("wait", "Min", 3),
)


def seat_bar(s: Stats) -> Text:
    """``███▒··``: a slot's seats, seen, in the room, still booked, then free."""
    parts = ((SEEN, s.served), (IN_ROOM, s.called), (BOOKED, s.booked))
    capacity = max(s.capacity, s.occupied)
    scale = min(1.0, BAR_SEATS / capacity) if capacity else 1.0
    bar, drawn, counted = "", 0, 0
    for mark, count in parts:
        counted += count
        upto = round(counted * scale)
        bar += mark * (upto - drawn)
        drawn = upto
    bar += FREE * (round(capacity * scale) - drawn)
    return plain(bar, "bold")


def _right(value: object) -> Text:
    text = plain(value)
    text.justify = "right"
    return text


def _seats(s: Stats) -> str:
    return f"{s.occupied}/{s.capacity} {s.utilisation:.0%}"


def summary(r: DayReport) -> Text:
    """The day in four lines: its seats and where its tokens ended, the visit, its tokens."""
    t, v = r.totals, r.visits
    call = (
        f"Check-in → call median {v.wait_median:.0f} min, p90 {v.wait_p90:.0f}"
        if v.waited
        else "Nobody called after check-in"
    )
    consult = f" · consultation median {v.consultation_median:.1f} min" if v.consultations else ""
    span = f" · actions {r.first}–{r.last}" if r.actions else ""
    lines: Iterable[str] = (
        f"Seats used {t.utilisation:.0%} ({t.occupied} of {t.capacity}) · seen {t.served}"
        f" · in the room {t.called} · still booked {t.booked} · waiting {t.waiting}",
        f"No-shows {t.no_shows} · cancelled {t.cancelled} · preempted {t.preemptions}"
        f" · promoted {t.promotions} · overdue {v.overdue}",
        f"{call}{consult}",
        f"{r.tokens} tokens{span}",
    )
    return Text(safe_lines("\n".join(lines)))


NOTES = (
    "Tok tokens made (by their last slot) · Seen, Room (in the room), Bkd (still booked), Wait"
    " (on the waitlist), NoSh, Canc: where they ended · Pre, Pro: seats lost and gained · Seats:"
    " used of the seats (a source: those its tokens hold, and their share of the day's) · Call:"
    " minutes from check-in to the first call, median/90th percentile · Cons: consultation"
    " minutes, median · Late: overdue, never checked in. The report command writes the same"
    " (opd-tui report --format html for a page to print)."
)
