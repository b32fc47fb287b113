"""A day report as text for people, and as JSON or CSV for machines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from ..engine import Stats, safe_lines, safe_text
from .report import DayReport, SourceLine, Visits, Waits

STAT_FIELDS = (
    "capacity",
    "booked",
    "served",
    "waiting",
    "no_shows",
    "cancelled",
    "preemptions",
    "promotions",
    "called",
)
WAIT_NOTE = (
    "wait = minutes from the later of arrival and the slot's scheduled start to being served "
    "(served tokens only)"
)
VISIT_NOTE = (
    "visits: wait = minutes from check-in to the room's first call; consult = median minutes "
    "from the call to seen; estimate error = the call's time less the one expected at check-in "
    "(median of its size, and its mean: + is later than expected); overdue = booked, never "
    "checked in, still booked when the slot had been over for the grace period"
)
VISIT_FIELDS = ("call_waits", "call_wait_median", "call_wait_p90", "consultations",
                "consultation_median", "overdue", "estimated", "estimate_error_median",
                "estimate_error_mean")  # fmt: skip
SOURCE_NOTE = (
    "by source: tokens = made that day; booked, served, waiting, no-shows and cancelled = where "
    "they ended; pre/pro = the times they lost and got a seat; share = the day's seats they hold"
)
TEXT_PREEMPTED_LIMIT = 20
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would run as a formula starts."""


def as_text(report: DayReport) -> str:
    out: list[str] = []
    t = report.totals
    out.append(f"{report.clinic} — end of day {report.day.isoformat()}")
    span = f", {report.first}–{report.last}" if report.actions else ""
    out.append(f"{report.actions} actions{span}; {report.tokens} tokens")
    out.append("")
    in_room = f" · in the room {t.called}" if t.called else ""
    out.append(
        f"Utilisation {_pct(t)} ({t.occupied} of {t.capacity} seats) · served {t.served}"
        f"{in_room} · still booked {t.booked} · waiting {t.waiting}"
    )
    out.append(
        f"Preemptions {t.preemptions} · promotions {t.promotions} · no-shows {t.no_shows}"
        f" · cancellations {t.cancelled}"
    )
    out.append(f"Waits: {_waits(report.waits)}")
    out.append(f"Visits: {_visits(report.visits)}")
    out.append("")
    header = (
        f"{'doctor / slot':<34} {'seats':>5} {'booked':>6} {'served':>6} {'wait':>4} "
        f"{'no-sh':>5} {'canc':>4} {'pre':>3} {'pro':>3} {'util':>5}  wait median/mean/max"
    )
    out.append(header)
    out.append("-" * len(header))
    for doctor in report.doctors:
        out.append(_row(f"{doctor.name} ({doctor.specialty})", doctor.stats, doctor.waits))
        for slot in doctor.slots:
            late = f" +{slot.delay}m" if slot.delay else ""
            out.append(
                _row(f"  {slot.slot_id} {slot.start}–{slot.end}{late}", slot.stats, slot.waits)
            )
    handovers = [f"{d.reassigned_away} from {d.name}" for d in report.doctors if d.reassigned_away]
    handovers += [f"{d.reassigned_here} to {d.name}" for d in report.doctors if d.reassigned_here]
    if handovers:
        out.append(f"Reassigned tokens: {' · '.join(handovers)}")
    out.append("")
    header = (
        f"{'tokens by source':<34} {'tokens':>6} {'booked':>6} {'served':>6} {'wait':>4} "
        f"{'no-sh':>5} {'canc':>4} {'pre':>3} {'pro':>3} {'share':>5}  wait median/mean/max"
    )
    out.append(header)
    out.append("-" * len(header))
    for line in report.sources:
        out.append(_source_row(line))
    out.append("")
    header = (
        f"{'visits':<34} {'called':>6} {'wait':>5} {'p90':>5} {'consult':>7} {'overdue':>7} "
        f"{'est err':>7} {'mean':>6}"
    )
    out.append(header)
    out.append("-" * len(header))
    for doctor in report.doctors:
        out.append(_visit_row(f"{doctor.name} ({doctor.specialty})", doctor.visits))
    for line in report.sources:
        out.append(_visit_row(f"  {line.source.value}", line.visits))
    out.append("")
    out.append(f"Preempted patients ({len(report.preempted)}), most often first")
    for p in report.preempted[:TEXT_PREEMPTED_LIMIT]:
        times = "once" if p.times == 1 else f"{p.times} times"
        out.append(
            f"  {p.number:<9} {p.patient:<24} {p.source.value:<10} {times:<8} "
            f"in {p.slot_id}, ended {p.status.value.lower()}"
        )
    hidden = len(report.preempted) - TEXT_PREEMPTED_LIMIT
    if hidden > 0:
        out.append(f"  … and {hidden} more (--json or --csv lists them all)")
    if not report.preempted:
        out.append("  none")
    out.append("")
    out.append(SOURCE_NOTE)
    out.append(WAIT_NOTE)
    out.append(VISIT_NOTE)
    return safe_lines("\n".join(out)) + "\n"  # for a terminal: names are shown, not obeyed


def as_data(report: DayReport) -> dict[str, Any]:
    """The report as plain JSON-ready data; utilisation is a fraction, waits are minutes."""
    return {
        "clinic": report.clinic,
        "day": report.day.isoformat(),
        "actions": report.actions,
        "first": report.first,
        "last": report.last,
        "tokens": report.tokens,
        "totals": _stats(report.totals),
        "waits": _wait_data(report.waits),
        "wait_definition": WAIT_NOTE,
        "visits": _visit_data(report.visits),
        "visit_definition": VISIT_NOTE,
        "source_definition": SOURCE_NOTE,
        "doctors": [
            {
                "id": d.doctor_id,
                "name": d.name,
                "specialty": d.specialty,
                "tokens": d.tokens,
                "reassigned_away": d.reassigned_away,
                "reassigned_here": d.reassigned_here,
                **_stats(d.stats),
                "waits": _wait_data(d.waits),
                "visits": _visit_data(d.visits),
                "slots": [
                    {
                        "id": s.slot_id,
                        "start": s.start,
                        "end": s.end,
                        "delay": s.delay,
                        **_stats(s.stats),
                        "waits": _wait_data(s.waits),
                    }
                    for s in d.slots
                ],
            }
            for d in report.doctors
        ],
        "sources": {
            line.source.value: {
                **_stats(line.stats),
                "tokens": line.tokens,
                "served": line.served,
                "preempted": line.preempted,
                "waits": _wait_data(line.waits),
                "visits": _visit_data(line.visits),
            }
            for line in report.sources
        },
        "preempted": [
            {
                "token": p.token_id,
                "number": p.number,
                "patient": p.patient,
                "source": p.source.value,
                "slot": p.slot_id,
                "times": p.times,
                "status": p.status.value,
            }
            for p in report.preempted
        ],
    }


def as_json(report: DayReport) -> str:
    """One line of JSON: json's fast encoder works only without indentation (pipe to jq)."""
    return json.dumps(as_data(report), ensure_ascii=False) + "\n"


CSV_COLUMNS = ("scope", "id", "name", "tokens", *STAT_FIELDS, "utilisation", "wait_count",
               "wait_median", "wait_mean", "wait_max", "preempted", "times", "status",
               *VISIT_FIELDS, "reassigned_away", "reassigned_here")  # fmt: skip


def as_csv(report: DayReport) -> str:
    """One row per day, doctor, slot, source and preempted token; ``scope`` says which.

    Doctor rows fill ``tokens`` (those that ended the day in their slots) and the tokens
    reassigned from them to another doctor (``reassigned_away``) or to them from another
    (``reassigned_here``). Source rows fill
    ``tokens``, ``preempted`` (tokens preempted at least once) and the counts of where their
    tokens ended, with ``capacity`` the day's and ``utilisation`` the share of its seats they
    hold; preempted rows fill ``times`` and the token's final ``status``. The day, doctor and
    source rows fill the visit's columns. A text cell that a spreadsheet would take for a
    formula starts with ``'``.
    """
    buffer = io.StringIO()
    writer = _SafeWriter(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(
        {
            "scope": "day",
            "name": report.clinic,
            "tokens": report.tokens,
            **_stat_row(report.totals, report.waits),
            **_visit_data(report.visits),
        }
    )
    for d in report.doctors:
        writer.writerow(
            {
                "scope": "doctor",
                "id": d.doctor_id,
                "name": d.name,
                "tokens": d.tokens,
                **_stat_row(d.stats, d.waits),
                **_visit_data(d.visits),
                "reassigned_away": d.reassigned_away,
                "reassigned_here": d.reassigned_here,
            }
        )
        for s in d.slots:
            name = f"{s.start}-{s.end}"
            writer.writerow(
                {"scope": "slot", "id": s.slot_id, "name": name, **_stat_row(s.stats, s.waits)}
            )
    for line in report.sources:
        writer.writerow(
            {
                "scope": "source",
                "id": line.source.value,
                "tokens": line.tokens,
                **_stat_row(line.stats, line.waits),
                "preempted": line.preempted,
                **_visit_data(line.visits),
            }
        )
    for p in report.preempted:
        writer.writerow(
            {
                "scope": "preempted",
                "id": p.number,
                "name": p.patient,
                "times": p.times,
                "status": p.status.value,
            }
        )
    return buffer.getvalue()


class _SafeWriter(csv.DictWriter):  # type: ignore[type-arg]  # not generic at run time
    """CSV is read on terminals too: its text cells are shown, never obeyed. In a spreadsheet
    a cell that starts like a formula is text too: ``'`` goes before it."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow(
            {k: _text_cell(v) if isinstance(v, str) else v for k, v in rowdict.items()}
        )


def _text_cell(value: str) -> str:
    if value[:1] in FORMULA_STARTS:
        value = "'" + value
    return safe_text(value)


def _stats(stats: Stats) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(stats, name) for name in STAT_FIELDS}
    data["utilisation"] = round(stats.utilisation, 4)
    return data


def _stat_row(stats: Stats, waits: Waits) -> dict[str, Any]:
    return {
        **_stats(stats),
        "wait_count": waits.count,
        "wait_median": _minutes(waits.median),
        "wait_mean": _minutes(waits.mean),
        "wait_max": _minutes(waits.longest),
    }


def _wait_data(waits: Waits) -> dict[str, Any]:
    return {
        "count": waits.count,
        "median": _minutes(waits.median),
        "mean": _minutes(waits.mean),
        "max": _minutes(waits.longest),
    }


def _visit_data(visits: Visits) -> dict[str, Any]:
    return {
        "call_waits": visits.waited,
        "call_wait_median": _minutes(visits.wait_median),
        "call_wait_p90": _minutes(visits.wait_p90),
        "consultations": visits.consultations,
        "consultation_median": _minutes(visits.consultation_median),
        "overdue": visits.overdue,
        "estimated": visits.estimated,
        "estimate_error_median": _minutes(visits.error_median),
        "estimate_error_mean": _minutes(visits.error_mean),
    }


def _minutes(value: float) -> float:
    return round(value, 1)


def _pct(stats: Stats) -> str:
    return f"{stats.utilisation:.0%}"


def _waits(waits: Waits) -> str:
    if not waits.count:
        return "none served"
    return (
        f"{waits.count} served · median {waits.median:.0f} min · mean {waits.mean:.1f} min"
        f" · longest {waits.longest:.0f} min"
    )


def _visits(visits: Visits) -> str:
    parts = []
    if visits.waited:
        parts.append(
            f"{visits.waited} called after check-in · wait median {visits.wait_median:.0f} min"
            f" · 90th percentile {visits.wait_p90:.0f} min"
        )
    else:
        parts.append("nobody called after check-in")
    if visits.consultations:
        parts.append(f"consultation median {visits.consultation_median:.1f} min")
    if visits.estimated:
        parts.append(
            f"estimate off by {visits.error_median:.1f} min (median), {visits.error_mean:+.1f} min"
            " on average"
        )
    parts.append(f"overdue {visits.overdue}")
    return " · ".join(parts)


def _visit_row(label: str, v: Visits) -> str:
    wait = f"{v.wait_median:>5.0f} {v.wait_p90:>5.0f}" if v.waited else f"{'–':>5} {'–':>5}"
    consult = f"{v.consultation_median:>7.1f}" if v.consultations else f"{'–':>7}"
    error = f"{v.error_median:>7.1f} {v.error_mean:>+6.1f}" if v.estimated else f"{'–':>7} {'–':>6}"
    return f"{label[:34]:<34} {v.waited:>6} {wait} {consult} {v.overdue:>7} {error}"


def _source_row(line: SourceLine) -> str:
    s, waits = line.stats, line.waits
    wait = f"{waits.median:.0f}/{waits.mean:.0f}/{waits.longest:.0f}" if waits.count else "–"
    return (
        f"{'  ' + line.source.value:<34} {line.tokens:>6} {s.booked:>6} {s.served:>6} "
        f"{s.waiting:>4} {s.no_shows:>5} {s.cancelled:>4} {s.preemptions:>3} {s.promotions:>3} "
        f"{_pct(s):>5}  {wait}"
    )


def _row(label: str, s: Stats, waits: Waits) -> str:
    wait = f"{waits.median:.0f}/{waits.mean:.0f}/{waits.longest:.0f}" if waits.count else "–"
    return (
        f"{label[:34]:<34} {s.capacity:>5} {s.booked:>6} {s.served:>6} {s.waiting:>4} "
        f"{s.no_shows:>5} {s.cancelled:>4} {s.preemptions:>3} {s.promotions:>3} {_pct(s):>5}  {wait}"
    )
