"""Stopping the service: SIGTERM and ctrl+c end it cleanly, with what was in flight answered."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from test_api_live import start_service

BOOKING = {"slot_id": "rao-10", "patient": "Asha Menon", "source": "walk-in"}


def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "ctrl+c"])
def test_a_stop_signal_ends_the_service_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    path = tmp_path / "j.db"
    process, url = start_service(path)
    assert post(f"{url}/tokens", BOOKING)[0] == 201
    process.send_signal(stop)
    assert process.wait(timeout=20) == 0
    assert process.stderr is not None
    said = process.stderr.read()
    assert "Traceback" not in said and "KeyboardInterrupt" not in said
    wal = tmp_path / "j.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed into the journal
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM actions WHERE name = 'book'").fetchone() == (1,)


def test_a_booking_in_flight_when_stopped_lands_once(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    process, url = start_service(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another desk is writing: the booking waits in flight
    answers: list[tuple[int, dict[str, Any]]] = []
    booking = threading.Thread(target=lambda: answers.append(post(f"{url}/tokens", BOOKING)))
    booking.start()
    threading.Event().wait(0.5)
    process.send_signal(signal.SIGTERM)
    threading.Event().wait(0.5)
    other.execute("COMMIT")  # the lock is free: the booking in flight is recorded and answered
    booking.join(timeout=20)
    assert process.wait(timeout=20) == 0
    assert [status for status, _ in answers] == [201]
    assert answers[0][1]["token"]["patient"] == "Asha Menon"
    assert other.execute("SELECT count(*) FROM actions WHERE name = 'book'").fetchone() == (1,)
    other.close()
