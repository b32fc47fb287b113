"""The service's journal writer: another desk's lock is waited out, and nothing is left hanging."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from store_helpers import CLINIC, DAY, SetClock, clinic_set_up

from opd_tui.api import Today
from opd_tui.api.writer import BatchWriter
from opd_tui.store import JournalBusy, Outcome, Request, SqliteStore, StoreError


def _book(patient: str) -> Request:
    return Request("book", ("rao-10", patient, "walk-in"), fingerprint=patient)


@pytest.fixture
def today(tmp_path: Path) -> Today:
    return Today(
        SqliteStore(tmp_path / "j.db"), clock=SetClock(), setup=clinic_set_up, clinic_name=CLINIC
    )


@pytest.fixture
def other_desk_writing(tmp_path: Path, today: Today) -> Iterator[sqlite3.Connection]:
    today()  # the day exists before the other desk takes the lock
    other = sqlite3.connect(tmp_path / "j.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    other.close()


def _booked(today: Today) -> list[str]:
    return [action.name for action in today().store.actions(DAY)]


async def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def test_a_locked_journal_holds_the_batch_while_the_loop_goes_on(
    today: Today, other_desk_writing: sqlite3.Connection
) -> None:
    writer = BatchWriter(today)
    writer.start()
    first = asyncio.create_task(writer.submit(_book("Asha")))
    await _until(lambda: writer.waiting == 1)
    rest = [asyncio.create_task(writer.submit(_book(p))) for p in ("Ravi", "Meena")]
    await _until(lambda: writer.waiting == 3)  # the loop kept taking requests
    other_desk_writing.execute("COMMIT")
    outcomes: list[Outcome] = await asyncio.gather(first, *rest)
    assert [o.events[-1].token_id for o in outcomes] == ["T00001", "T00002", "T00003"]  # type: ignore[attr-defined]
    assert (writer.batches, writer.requests, writer.waiting) == (2, 3, 0)
    await writer.stop()
    assert _booked(today) == ["open-day", "book", "book", "book"]


async def test_a_lock_held_too_long_refuses_the_batch(
    today: Today, other_desk_writing: sqlite3.Connection
) -> None:
    writer = BatchWriter(today, lock_wait=0.05)
    writer.start()
    with pytest.raises(JournalBusy, match="another desk is writing"):
        await writer.submit(_book("Asha"))
    assert (writer.batches, writer.waiting) == (0, 0)
    await writer.stop()
    assert _booked(today) == ["open-day"]


async def test_stopping_refuses_what_still_waits(
    today: Today, other_desk_writing: sqlite3.Connection
) -> None:
    writer = BatchWriter(today)
    writer.start()
    waiting = [asyncio.create_task(writer.submit(_book(p))) for p in ("Asha", "Ravi", "Meena")]
    await _until(lambda: writer.waiting == 3)
    await writer.stop()
    for task in waiting:
        with pytest.raises(StoreError, match=r"^the service is stopping; nothing was recorded$"):
            await task
    assert writer.waiting == 0
    other_desk_writing.execute("COMMIT")
    assert _booked(today) == ["open-day"]
