"""A day report as one HTML page to print or mail: inline CSS, a chart per doctor drawn as inline
SVG, nothing fetched and nothing run. Every name is escaped: a patient called ``<script>`` is
shown as written, never obeyed by the browser."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from ..engine import Stats
from .render import SOURCE_NOTE, VISIT_NOTE, WAIT_NOTE
from .report import DayReport, DoctorLine, SlotLine, SourceLine, Visits

NONE = "–"

# Where a slot's tokens ended, bottom of the bar first; each with its colour (light enough to
# print, dark enough to tell apart in black and white by the order and the legend).
PARTS: tuple[tuple[str, str, str], ...] = (
    ("served", "seen", "#2f6db5"),
    ("called", "in the room", "#6b9fd6"),
    ("booked", "still booked", "#b7d0ee"),
    ("waiting", "waiting", "#e3a72f"),
    ("no_shows", "no-show", "#c2413a"),
    ("cancelled", "cancelled", "#a7acb2"),
)

CHART_HEIGHT = 150
BAR_WIDTH = 34
BAR_GAP = 18
CHART_TOP = 18  # room for the figure above the tallest bar
CHART_BOTTOM = 20  # room for the slot's time below the bars
CHART_LEFT = 28  # room for the scale

STYLE = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { background: #fff; color: #1c2430; }
body { margin: 0 auto; max-width: 1120px; padding: 24px 28px;
  font: 14px/1.45 "Segoe UI", "Helvetica Neue", Arial, sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 24px; margin: 0; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #2f6db5; }
h3 { font-size: 15px; margin: 0 0 2px; }
.sub, .muted { color: #5b6573; }
.sub { margin: 2px 0 14px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; }
.tile { list-style: none; flex: 1 1 110px; border: 1px solid #d5dbe3; border-radius: 6px; padding: 6px 10px;
  }
.tile b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.tile span { color: #5b6573; font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 6px; border-bottom: 1px solid #e2e6eb; text-align: right;
  vertical-align: top; }
th { background: #f1f4f8; font-weight: 600; font-size: 12px; }
th:first-child, td:first-child, table.left td, table.left th { text-align: left; }
td.name small { display: block; color: #5b6573; }
tr.total td { font-weight: 600; border-top: 2px solid #c9d0d9; }
.doctors { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr));
  gap: 14px; }
.doctor { border: 1px solid #d5dbe3; border-radius: 6px; padding: 10px 12px;
  break-inside: avoid; page-break-inside: avoid; }
.doctor table { font-size: 12px; margin-top: 6px; }
.doctor svg { display: block; max-width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 4px 0 0; padding: 0;
  font-size: 12px; color: #3d4652; }
.legend li { list-style: none; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px;
  vertical-align: -1px; border: 1px solid rgba(0, 0, 0, 0.25); }
.legend .cap { width: 14px; height: 0; border: 0; border-top: 2px dashed #1c2430; }
footer { margin-top: 26px; font-size: 12px; color: #5b6573; }
footer p { margin: 4px 0; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .doctors { grid-template-columns: 1fr 1fr; }
  .doctor table { font-size: 8.5pt; }
}
"""


def as_html(report: DayReport) -> str:
    """The whole page: the day's figures, a table per doctor and per source, each doctor's
    slots as a chart and a table, the preempted patients, and what the figures mean."""
    clinic = _e(report.clinic)
    day = report.day
    span = f", {report.first}–{report.last}" if report.actions else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{clinic} · the day's report · {day.isoformat()}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{clinic}</h1>",
        f'<p class="sub">The day\'s report · {day:%A %d %B %Y} · {report.actions} '
        f"{_plural(report.actions, 'action')}{span} · {report.tokens} "
        f"{_plural(report.tokens, 'token')}</p>",
        _tiles(report),
        "</header>",
        "<main>",
        "<h2>By doctor</h2>",
        _doctor_table(report),
        "<h2>By source</h2>",
        _source_table(report),
        "<h2>Each doctor's slots</h2>",
        _legend(),
        '<div class="doctors">',
        *(_doctor_card(doctor) for doctor in report.doctors),
        "</div>",
        "<h2>Preempted patients</h2>",
        _preempted_table(report),
        "</main>",
        "<footer>",
        *(f"<p>{_e(note)}</p>" for note in (SOURCE_NOTE, WAIT_NOTE, VISIT_NOTE)),
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _e(text: str) -> str:
    return escape(text, quote=True)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _tiles(report: DayReport) -> str:
    t, v = report.totals, report.visits
    tiles = [
        ("seats used", f"{t.utilisation:.0%}", f"{t.occupied} of {t.capacity} seats"),
        ("seen", str(t.served), ""),
        ("no-shows", str(t.no_shows), ""),
        ("cancelled", str(t.cancelled), ""),
        ("preempted", str(t.preemptions), f"{t.promotions} promoted"),
        ("check-in → call", _wait_pair(v), "median / 90th pct, min"),
        ("consultation", _consult(v), "median, min"),
    ]
    items = "".join(
        f'<li class="tile" data-f="{_e(key)}"><b>{_e(value)}</b><span>{_e(key)}'
        f"{' · ' + _e(note) if note else ''}</span></li>"
        for key, value, note in tiles
    )
    return f'<ul class="tiles">{items}</ul>'


COUNT_HEADS = (
    "Tokens",
    "Seen",
    "In room",
    "Still booked",
    "Waiting",
    "No-show",
    "Cancelled",
    "Preempted",
    "Promoted",
    "Seats used",
    "Check-in → call, min<br>median / p90",
    "Consult, min<br>median",
)


def _counts(tokens: int, s: Stats, seats: str, visits: Visits) -> list[tuple[str, str]]:
    """The cells every doctor's and source's row has, each with the field it shows."""
    return [
        ("tokens", str(tokens)),
        ("seen", str(s.served)),
        ("in-room", str(s.called)),
        ("booked", str(s.booked)),
        ("waiting", str(s.waiting)),
        ("no-show", str(s.no_shows)),
        ("cancelled", str(s.cancelled)),
        ("preempted", str(s.preemptions)),
        ("promoted", str(s.promotions)),
        ("seats", seats),
        ("wait", _wait_pair(visits)),
        ("consult", _consult(visits)),
    ]


def _seats(s: Stats) -> str:
    return f"{s.occupied}/{s.capacity} · {s.utilisation:.0%}"


def _wait_pair(v: Visits) -> str:
    return f"{v.wait_median:.0f} / {v.wait_p90:.0f}" if v.waited else NONE


def _consult(v: Visits) -> str:
    return f"{v.consultation_median:.1f}" if v.consultations else NONE


def _row(key: str, name: str, cells: Iterable[tuple[str, str]], extra: str = "") -> str:
    tds = "".join(f'<td data-f="{field}">{_e(value)}</td>' for field, value in cells)
    return f'<tr data-row="{_e(key)}"{extra}><td class="name">{name}</td>{tds}</tr>'


def _table(first: str, heads: Sequence[str], rows: Iterable[str], label: str) -> str:
    head = "".join(f"<th>{h}</th>" for h in (first, *heads))
    return (
        f'<table aria-label="{_e(label)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _doctor_table(report: DayReport) -> str:
    rows = [
        _row(
            f"doctor:{d.doctor_id}",
            f"{_e(d.name)}<small>{_e(d.specialty)}</small>",
            _counts(d.tokens, d.stats, _seats(d.stats), d.visits),
        )
        for d in report.doctors
    ]
    t = report.totals
    rows.append(
        _row(
            "day",
            "The day",
            _counts(report.tokens, t, _seats(t), report.visits),
            ' class="total"',
        )
    )
    return _table("Doctor", COUNT_HEADS, rows, "By doctor")


def _source_table(report: DayReport) -> str:
    rows = [
        _row(
            f"source:{line.source.value}",
            _e(line.source.value),
            _counts(line.tokens, line.stats, _share(line), line.visits),
        )
        for line in report.sources
    ]
    heads = (*COUNT_HEADS[:9], "Share of seats", *COUNT_HEADS[10:])
    return _table("Source", heads, rows, "By source")


def _share(line: SourceLine) -> str:
    s = line.stats
    return f"{s.occupied} · {s.utilisation:.0%}"


def _preempted_table(report: DayReport) -> str:
    if not report.preempted:
        return '<p class="muted">Nobody lost a seat.</p>'
    rows = [
        _row(
            f"token:{p.token_id}",
            _e(p.number),
            (
                ("patient", p.patient),
                ("source", p.source.value),
                ("slot", p.slot_id),
                ("times", str(p.times)),
                ("ended", p.status.value.lower().replace("_", "-")),
            ),
        )
        for p in report.preempted
    ]
    heads = ("Patient", "Source", "Slot", "Times", "Ended")
    return _table("Token", heads, rows, "Preempted patients").replace(
        "<table ", '<table class="left" ', 1
    )


def _legend() -> str:
    items = "".join(
        f'<li><i style="background:{colour}"></i>{label}</li>' for _, label, colour in PARTS
    )
    return f'<ul class="legend">{items}<li><i class="cap"></i>seats</li></ul>'


def _doctor_card(d: DoctorLine) -> str:
    slot_rows = "".join(
        f'<tr data-row="slot:{_e(s.slot_id)}"><td>{_e(s.start)}–{_e(s.end)}'
        f"{f' +{s.delay}m' if s.delay else ''}</td>"
        + "".join(
            f'<td data-f="{field}">{value}</td>'
            for field, value in (
                ("seats", _e(_seats(s.stats))),
                ("seen", str(s.stats.served)),
                ("no-show", str(s.stats.no_shows)),
                ("cancelled", str(s.stats.cancelled)),
                ("waiting", str(s.stats.waiting)),
                ("wait", _e(_served_wait(s))),
            )
        )
        + "</tr>"
        for s in d.slots
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("Slot", "Seats used", "Seen", "No-show", "Cancelled", "Waiting", "Wait, min")
    )
    return (
        f'<section class="doctor" data-doctor="{_e(d.doctor_id)}">'
        f'<h3>{_e(d.name)} <span class="muted">· {_e(d.specialty)}</span></h3>'
        f"{chart(d)}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{slot_rows}</tbody></table>"
        "</section>"
    )


def _served_wait(s: SlotLine) -> str:
    """The slot's median wait from arrival (or its start) to being seen."""
    return f"{s.waits.median:.0f}" if s.waits.count else NONE


def chart(doctor: DoctorLine) -> str:
    """One bar per slot, stacked by where its tokens ended (``PARTS``), with a dashed line at
    its seats and the seats used above it: a doctor's day at a glance, as inline SVG."""
    slots = doctor.slots
    tallest = max([1, *(max(s.stats.capacity, _ended(s.stats)) for s in slots)])
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    scale = plot / tallest
    base = CHART_TOP + plot
    width = CHART_LEFT + len(slots) * (BAR_WIDTH + BAR_GAP) + BAR_GAP
    label = f"Seats used and where tokens ended, per slot, for {doctor.name}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{CHART_HEIGHT}" '
        f'viewBox="0 0 {width} {CHART_HEIGHT}" role="img" aria-label="{_e(label)}" '
        'font-family="Segoe UI, Helvetica Neue, Arial, sans-serif" font-size="11">',
        f"<title>{_e(label)}</title>",
    ]
    for tick in _ticks(tallest):
        y = base - tick * scale
        out.append(
            f'<line x1="{CHART_LEFT - 4}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" '
            'stroke="#e2e6eb" stroke-width="1"/>'
            f'<text x="{CHART_LEFT - 7}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="#5b6573">{tick}</text>'
        )
    for i, s in enumerate(slots):
        x = CHART_LEFT + BAR_GAP + i * (BAR_WIDTH + BAR_GAP)
        out.append(f'<g data-slot="{_e(s.slot_id)}">')
        y = float(base)
        for field, name, colour in PARTS:
            count = getattr(s.stats, field)
            if not count:
                continue
            height = count * scale
            y -= height
            out.append(
                f'<rect x="{x}" y="{y:.1f}" width="{BAR_WIDTH}" height="{height:.1f}" '
                f'fill="{colour}" data-part="{field}" data-count="{count}">'
                f"<title>{_e(s.start)}: {count} {name}</title></rect>"
            )
        cap_y = base - s.stats.capacity * scale
        out.append(
            f'<line x1="{x - 4}" y1="{cap_y:.1f}" x2="{x + BAR_WIDTH + 4}" y2="{cap_y:.1f}" '
            'stroke="#1c2430" stroke-width="2" stroke-dasharray="4 3"/>'
        )
        top = min(y, cap_y)
        out.append(
            f'<text x="{x + BAR_WIDTH / 2:.1f}" y="{top - 4:.1f}" text-anchor="middle" '
            f'fill="#1c2430">{s.stats.occupied}/{s.stats.capacity}</text>'
            f'<text x="{x + BAR_WIDTH / 2:.1f}" y="{CHART_HEIGHT - 5}" text-anchor="middle" '
            f'fill="#3d4652">{_e(s.start)}</text>'
        )
        out.append("</g>")
    out.append(
        f'<line x1="{CHART_LEFT - 4}" y1="{base}" x2="{width}" y2="{base}" '
        'stroke="#8a939e" stroke-width="1"/>'
    )
    out.append("</svg>")
    return "".join(out)


def _ended(s: Stats) -> int:
    return s.served + s.called + s.booked + s.waiting + s.no_shows + s.cancelled


def _ticks(tallest: int) -> list[int]:
    """Round values up the scale, 1, 2 or 5 times a power of ten apart, at most five above 0."""
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power):
            if tallest <= 5 * step:
                return list(range(0, tallest + 1, step))
        power *= 10
