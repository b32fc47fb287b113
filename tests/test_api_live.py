"""The real service in its own process, beside a dashboard on the same journal."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from test_dashboard import SIZE, log_lines, rows

from opd_tui import demo
from opd_tui.cli import main
from opd_tui.store import JournalDesk, SqliteStore
from opd_tui.ui.app import OpdApp

URL = re.compile(r"on (http://127\.0\.0\.1:\d+/v1) ")


def start_service(path: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """``opd-tui serve`` on a free port, on a new journal of the demo clinic; returns the process
    and its base URL once it listens."""
    command = [sys.executable, "-m", "opd_tui", "serve", "--db", str(path), "--port", "0"]
    command += ["--new", "--demo"]
    process = subprocess.Popen([*command, *extra], stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    line = process.stderr.readline()  # the service says where it listens, then is quiet
    found = URL.search(line)
    if found is None:
        process.kill()
        raise AssertionError(f"the service did not start: {line!r}")
    return process, found.group(1)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    path = tmp_path / "j.db"
    process, url = start_service(path)
    try:
        yield path, url
    finally:
        process.terminate()
        process.wait(timeout=10)


def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


async def test_a_booking_made_through_the_service_appears_on_a_dashboard(
    served: tuple[Path, str],
) -> None:
    path, url = served
    desk = JournalDesk(
        SqliteStore(path), date.today(), setup=demo.set_up, clinic_name=demo.CLINIC_NAME
    )
    app = OpdApp(
        desk,
        history=desk.history,
        wall_clock=lambda: datetime.combine(date.today(), datetime.min.time()),
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        slot = app.desk.engine.slot(app.slot_id)
        for i in range(slot.capacity):
            status, _ = await asyncio.to_thread(
                post,
                f"{url}/tokens",
                {"slot_id": slot.id, "patient": f"Walk {i}", "source": "walk-in"},
            )
            assert status == 201
        status, booking = await asyncio.to_thread(
            post,
            f"{url}/tokens",
            {"slot_id": slot.id, "patient": "Esha Rao", "source": "emergency"},
        )
        assert (status, booking["status"]) == (201, "BOOKED")
        sent = time.monotonic()
        while time.monotonic() - sent < 5 and len(rows(app, "waiting", "patient")) < 1:
            await pilot.pause(0.05)  # the dashboard's own poll brings the news, nobody nudges it
        shown_after = time.monotonic() - sent
        assert shown_after < 1.5
        await pilot.pause()  # a toast is a message to the app: let it be taken in
        last = f"Walk {slot.capacity - 1}"
        assert (booking["preempted"], booking["token"]["patient"]) == (
            [f"T{slot.capacity:05d}"],
            "Esha Rao",
        )
        assert rows(app, "booked", "patient", "status")[0] == ("Esha Rao", "► TOOK SEAT")
        assert rows(app, "waiting", "patient", "status") == [(last, "▼ PREEMPTED")]
        preempted = [line for line in log_lines(app) if line.startswith("⇄ ▼")]
        assert len(preempted) == 1 and f"{last} preempted by" in preempted[0]
        assert [n.message for n in app._notifications] == [
            preempted[0].removeprefix("⇄ ").split(" · ")[0]
        ]


def test_serve_refuses_a_taken_port_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--db", str(tmp_path / "j.db"), "--new", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err == f"opd-tui: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_serve_will_not_show_patients_to_the_network_without_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPD_TUI_API_KEY", raising=False)
    assert main(["serve", "--db", str(tmp_path / "j.db"), "--host", "0.0.0.0"]) == 2
    assert capsys.readouterr().err == (
        "opd-tui: serving on 0.0.0.0 without an API key would show patients' names to the "
        "network: set --api-key-file or OPD_TUI_API_KEY\n"
    )
    assert not (tmp_path / "j.db").exists()


def test_serve_without_its_extra_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "opd_tui.api.serve", None)
    assert main(["serve", "--db", str(tmp_path / "j.db")]) == 2
    assert capsys.readouterr().err == (
        "opd-tui: the HTTP service needs its extra: pip install 'opd-tui[api]'\n"
    )


def test_the_api_key_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPD_TUI_API_KEY", "from-environment")
    process, url = start_service(tmp_path / "j.db")
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/day", timeout=10)
        assert refused.value.code == 401
        request = urllib.request.Request(f"{url}/day", headers={"X-API-Key": "from-environment"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.loads(answer.read())["clinic"] == demo.CLINIC_NAME
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0  # a clean stop
