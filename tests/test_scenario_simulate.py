"""``opd-tui simulate``: the demo day's report as text, JSON and CSV; a bad file exits 2."""

from __future__ import annotations

import csv
import io
import json
from importlib.resources import files
from pathlib import Path

import pytest

from opd_tui.cli import main
from opd_tui.scenario.simulate import ProgressBar

DEMO = str(files("opd_tui") / "data" / "demo.toml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--day", "2026-11-25", "simulate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, DEMO)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[:7] == [
        "City General OPD — end of day 2026-11-25",
        "311 actions, 07:37–12:44; 80 tokens",
        "",
        "Utilisation 93% (71 of 76 seats) · served 71 · still booked 0 · waiting 2",
        "Preemptions 8 · promotions 8 · no-shows 3 · cancellations 4",
        "Waits: 71 served · median 21 min · mean 23.9 min · longest 83 min",
        "Visits: 71 called after check-in · wait median 22 min · 90th percentile 62 min"
        " · consultation median 11.0 min · estimate off by 4.0 min (median), +5.1 min on average"
        " · overdue 2",
    ]
    assert (
        "  rao-10 10:00–11:00                   4      0      4    0     0    1   1   1  100%  46/42/66"
        in lines
    )
    assert (
        "  iyer-11 11:00–12:00 +20m             6      0      6    1     0    1   1   1  100%  31/31/54"
        in lines
    )
    assert (
        "  emergency                             2      0      2    0     0    0   0   0    3%  10/10/10"
        in lines
    )
    assert (
        "  walk-in                              34      0     29    1     2    2   6   7   38%  37/36/83"
        in lines
    )
    assert (
        "Dr Asha Rao (Cardiology)               17    34    71    13.0       0     4.0  +12.2"
        in lines
    )
    assert (
        "  walk-in                              29    34    74    11.0       2    12.0  +10.9"
        in lines
    )
    assert "Preempted patients (8), most often first" in lines
    assert any(line.startswith("  RAO-007   Harini Raghavan ") for line in lines)
    assert any(line.startswith("  RAO-008   Meera Joshi ") for line in lines)
    assert lines[-2].startswith("wait = minutes from the later of arrival")
    assert lines[-1].startswith("visits: wait = minutes from check-in to the room's first call")


def test_the_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, DEMO, "--json")
    assert status == 0
    data = json.loads(out)
    assert data["totals"] == {
        "capacity": 76,
        "booked": 0,
        "served": 71,
        "waiting": 2,
        "no_shows": 3,
        "cancelled": 4,
        "preemptions": 8,
        "promotions": 8,
        "called": 0,
        "utilisation": 0.9342,
    }
    assert data["visits"] == {
        "call_waits": 71,
        "call_wait_median": 22.0,
        "call_wait_p90": 62.0,
        "consultations": 71,
        "consultation_median": 11.0,
        "overdue": 2,
        "estimated": 67,
        "estimate_error_median": 4.0,
        "estimate_error_mean": 5.1,
    }
    assert data["sources"]["walk-in"] == {
        "capacity": 76,
        "booked": 0,
        "served": 29,
        "waiting": 1,
        "no_shows": 2,
        "cancelled": 2,
        "preemptions": 6,
        "promotions": 7,
        "called": 0,
        "utilisation": 0.3816,
        "tokens": 34,
        "preempted": 6,
        "waits": {"count": 29, "median": 37.0, "mean": 35.6, "max": 83.0},
        "visits": {
            "call_waits": 29,
            "call_wait_median": 34.0,
            "call_wait_p90": 73.6,
            "consultations": 29,
            "consultation_median": 11.0,
            "overdue": 2,
            "estimated": 26,
            "estimate_error_median": 12.0,
            "estimate_error_mean": 10.9,
        },
    }
    [rao] = [d for d in data["doctors"] if d["id"] == "rao"]
    [slot] = [s for s in rao["slots"] if s["id"] == "rao-10"]
    assert slot["waits"] == {"count": 4, "median": 45.5, "mean": 41.8, "max": 66.0}
    assert rao["visits"]["call_wait_p90"] == 71.2
    assert len(data["preempted"]) == 8
    assert data["preempted"][0] == {
        "token": data["preempted"][0]["token"],
        "number": "RAO-007",
        "patient": "Harini Raghavan",
        "source": "walk-in",
        "slot": "rao-09",
        "times": 1,
        "status": "SERVED",
    }


def test_the_csv_report(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, DEMO, "--csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    scopes = [row["scope"] for row in rows]
    assert scopes.count("doctor") == 4 and scopes.count("slot") == 16
    assert scopes.count("source") == 5 and scopes.count("preempted") == 8
    day = rows[0]
    assert (day["scope"], day["tokens"], day["served"], day["preemptions"]) == (
        "day",
        "80",
        "71",
        "8",
    )
    assert (day["call_waits"], day["call_wait_p90"], day["overdue"]) == ("71", "62.0", "2")
    [slot] = [r for r in rows if r["id"] == "mehta-12"]
    assert (slot["capacity"], slot["served"], slot["waiting"], slot["preemptions"]) == (
        "3",
        "3",
        "1",
        "2",
    )


def test_json_and_csv_are_one_choice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["simulate", DEMO, "--json", "--csv"])
    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_bad_file_lists_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "clinic.toml"
    text = (files("opd_tui") / "data" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace(
        'capacity = 4 },\n  { id = "khan-10"', 'capacity = -4 },\n  { id = "khan-10"'
    )
    text = text.replace('serve = "farhan"', 'serve = "sneha"')
    text = text.replace('specialty = "Dermatology"', 'specialty = ""')
    bad.write_text(text, encoding="utf-8")
    status, out, err = run(capsys, str(bad))
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 4
    assert lines[0].endswith(
        "clinic.toml:189: timeline[158]: 10:10 serve sneha: refused: RAO-014 is on the waitlist;"
        " only a booked token can be served"
    )
    assert lines[1].endswith("clinic.toml:388: doctors[3].specialty: must not be empty")
    assert lines[2].endswith("clinic.toml:391: doctors[3].slots[0].capacity: must be >= 0")
    assert lines[3] == "opd-tui: 3 problems; nothing played"
    assert "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, str(tmp_path / "nowhere.toml"))
    assert status == 2
    assert err.splitlines()[0].endswith(
        "nowhere.toml: cannot read the file: No such file or directory"
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_only_for_long_runs() -> None:
    stream = Terminal()
    bar = ProgressBar(stream, width=10)
    bar(100, 200)  # short: no bar
    assert stream.getvalue() == ""
    bar(5000, 10000)
    bar(5001, 10000)  # same percentage: not redrawn
    bar(10000, 10000)
    assert stream.getvalue() == (
        "\rplaying [#####.....] 5,000/10,000 actions\rplaying [##########] 10,000/10,000 actions\n"
    )


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ['clinic = "Big"', "timeline = ["]
    lines += [
        f'  {{ at = "08:00", book = "a-09", patient = "P {i}", source = "walk-in" }},'
        for i in range(6000)
    ]
    lines += ["]", "[[doctors]]", 'id = "a"', 'name = "Dr A"', 'specialty = "General"']
    lines += ['slots = [{ id = "a-09", start = "09:00", end = "10:00", capacity = 10 }]']
    big = tmp_path / "big.toml"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, err = run(capsys, str(big), "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["totals"]["waiting"] == 5990
