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
from opd_tui.engine import Book
from opd_tui.store import JournalBusy, Outcome, Request, SqliteStore, StoreError


def _book(patient: str) -> Request:
    return Request(Book("rao-10", patient, "walk-in"))


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


async def test_each_request_waits_for_the_lock_from_its_own_arrival_only(
    today: Today, other_desk_writing: sqlite3.Connection
) -> None:
    writer = BatchWriter(today, lock_wait=0.3)
    writer.start()
    first = asyncio.create_task(writer.submit(_book("Asha")))
    await asyncio.sleep(0.2)
    later = asyncio.create_task(writer.submit(_book("Ravi")))
    with pytest.raises(JournalBusy):
        await first  # its 0.3 s are up while the lock is still held
    assert not later.done()  # Ravi came 0.2 s later: his own wait is not over
    other_desk_writing.execute("COMMIT")
    outcome = await later
    assert outcome.events[-1].token_id == "T00001"  # type: ignore[attr-defined]
    await writer.stop()
    assert _booked(today) == ["open-day", "book"]


async def test_a_full_queue_refuses_at_once_and_records_nothing(
    today: Today, other_desk_writing: sqlite3.Connection
) -> None:
    from opd_tui.api.writer import Overloaded

    writer = BatchWriter(today, max_waiting=3)
    writer.start()
    waiting = [asyncio.create_task(writer.submit(_book(p))) for p in ("Asha", "Ravi", "Meena")]
    await _until(lambda: writer.waiting == 3)
    with pytest.raises(Overloaded, match=r"^3 requests are waiting for the journal; try again$"):
        await writer.submit(_book("Neel"))
    other_desk_writing.execute("COMMIT")
    await asyncio.gather(*waiting)
    await writer.stop()
    assert _booked(today) == ["open-day", "book", "book", "book"]


async def test_the_watchdog_starts_a_dead_writer_again(
    today: Today, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = BatchWriter(today)
    writer.start()
    real_write = writer._write
    calls = 0

    async def dies_once(batch: list[object]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("an unforeseen bug")
        await real_write(batch)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "_write", dies_once)
    with pytest.raises(StoreError, match=r"^the journal writer failed; nothing was recorded$"):
        await writer.submit(_book("Asha"))
    outcome = await writer.submit(_book("Ravi"))
    assert outcome.events[-1].token_id == "T00001"  # type: ignore[attr-defined]
    assert writer.restarts == 1
    await writer.stop()
    assert _booked(today) == ["open-day", "book"]


async def test_an_unforeseen_error_in_a_batch_is_a_503_and_the_writer_goes_on(
    today: Today, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = BatchWriter(today)
    writer.start()
    desk = today()
    real = desk.act_batch
    calls = 0

    def fails_once(requests: list[Request], *, wait: bool = True) -> list[Outcome]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise KeyError("surprise")
        return real(requests, wait=wait)

    monkeypatch.setattr(desk, "act_batch", fails_once)
    with pytest.raises(StoreError, match=r"^the journal writer failed \(KeyError\('surprise'\)\)$"):
        await writer.submit(_book("Asha"))
    assert (await writer.submit(_book("Ravi"))).error is None
    assert writer.restarts == 0
    await writer.stop()


async def test_failing_writes_on_a_large_day_never_stall_the_loop(
    today: Today, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = today()
    for start in range(0, 20_000, 2_000):  # a large day: 20,000 tokens
        desk.act_batch([_book(f"Patient {n}") for n in range(start, start + 2_000)])
    engine, tokens = desk.engine, len(desk.engine.tokens())
    writer = BatchWriter(today)
    writer.start()

    def broken(*args: object) -> object:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(type(desk.store), "_append", broken)
    longest = 0.0
    ticking = True

    async def ticker() -> None:
        nonlocal longest
        loop = asyncio.get_running_loop()
        while ticking:
            before = loop.time()
            await asyncio.sleep(0.001)
            longest = max(longest, loop.time() - before)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    for n in range(20):
        with pytest.raises(StoreError, match="cannot write to the journal: disk I/O error"):
            await writer.submit(_book(f"Late {n}"))
    ticking = False
    await tick
    await writer.stop()
    assert longest < 0.05  # rebuilding the day from the journal instead: about 0.7 s
    assert today().engine is engine and len(engine.tokens()) == tokens
