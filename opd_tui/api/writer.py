"""Group commit: bookings that arrive while one batch is being made durable go in the next.

One journal commit (an fsync) costs a fraction of a millisecond to milliseconds; paying it per
request would cap a service at a few hundred writes a second. A single writer task hands the desk
every request waiting at that moment as one batch, in one transaction. Each request is still
decided on its own and answered only once its batch is durable.

The writer runs on the event loop's own thread. On a thread of its own it would have to win the
GIL back after each of the journal's calls, and under load every such handover waits for the
loop (up to the interpreter's switch interval, 5 ms): that tripled the slowest answers. Here the
commit's fsync holds up the loop instead, briefly, while arriving requests queue for the next
batch. The one long wait, for another desk's write lock, is taken without blocking: the writer
asks the journal not to wait and tries again a moment later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from ..engine import OpdError
from ..store import JournalBusy, JournalDesk, Outcome, Request, StoreError

MAX_BATCH = 256
MAX_WAITING = 4096
"""Requests queued at most; beyond this the service is overloaded and says so (429)."""
LOCK_WAIT = 10.0
"""How long a request waits, from its arrival, for another desk's write lock before it is
refused (503): one deadline per request, however many batches go before it."""
FIRST_PAUSE, LONGEST_PAUSE = 0.001, 0.05

log = logging.getLogger(__name__)


class Overloaded(OpdError):
    """More requests wait for the journal than the writer takes: try again shortly."""


@dataclass(slots=True)
class _Waiting:
    request: Request
    deadline: float
    answer: asyncio.Future[Outcome] = field(repr=False)


class BatchWriter:
    def __init__(
        self,
        desk: Callable[[], JournalDesk],
        max_batch: int = MAX_BATCH,
        lock_wait: float = LOCK_WAIT,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self._desk = desk
        self._max_batch = max_batch
        self._lock_wait = lock_wait
        self._max_waiting = max_waiting
        self._queue: asyncio.Queue[_Waiting] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._batch: list[_Waiting] = []
        self._stopping = False
        self.batches = 0
        """How many batches were written: with ``requests``, how well commits are shared."""
        self.requests = 0
        self.restarts = 0
        """How often the watchdog started the writer again after it died."""

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.get_running_loop().create_task(self._run(), name="journal-writer")
        self._task.add_done_callback(self._watch)

    def _watch(self, task: asyncio.Task[None]) -> None:
        """The watchdog: a writer that died of something unforeseen is started again, and what
        it held is refused (503), never left hanging."""
        if self._stopping or task.cancelled():
            return
        log.error("the journal writer stopped unexpectedly; starting it again", exc_info=True)
        self._answer(self._batch, StoreError("the journal writer failed; nothing was recorded"))
        self.restarts += 1
        self.start()

    @property
    def waiting(self) -> int:
        """Requests submitted and not yet answered: the batch being written and those queued."""
        return len(self._batch) + self._queue.qsize()

    async def stop(self) -> None:
        """Stop writing; whatever is still waiting is refused (503), not left hanging."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        stopping = StoreError("the service is stopping; nothing was recorded")
        while not self._queue.empty():
            self._batch.append(self._queue.get_nowait())
        self._answer(self._batch, stopping)

    async def submit(self, request: Request) -> Outcome:
        """Decide and record one request; returns once it is durable (or raises StoreError, or
        ``Overloaded`` at once when too many wait already)."""
        if self._stopping:
            raise StoreError("the service is stopping; nothing was recorded")
        if self.waiting >= self._max_waiting:
            raise Overloaded(f"{self.waiting} requests are waiting for the journal; try again")
        loop = asyncio.get_running_loop()
        waiting = _Waiting(request, loop.time() + self._lock_wait, loop.create_future())
        self._queue.put_nowait(waiting)
        return await waiting.answer

    async def _run(self) -> None:
        while True:
            batch = self._batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._write(batch)

    def _answer(self, batch: list[_Waiting], outcomes: list[Outcome] | Exception) -> None:
        for index, waiting in enumerate(batch):
            if waiting.answer.done():  # the client went away
                continue
            if isinstance(outcomes, Exception):
                waiting.answer.set_exception(outcomes)
            else:
                waiting.answer.set_result(outcomes[index])
        batch.clear()

    async def _write(self, batch: list[_Waiting]) -> None:
        """One batch, durable, and answered. Another desk's write lock is waited out in pauses of
        the loop; a request whose deadline passes meanwhile is refused and the rest wait on."""
        loop = asyncio.get_running_loop()
        pause = FIRST_PAUSE
        while batch:
            try:
                outcomes = self._desk().act_batch([w.request for w in batch], wait=False)
            except JournalBusy as busy:
                late = loop.time() + pause
                expired = [w for w in batch if w.deadline <= late]
                if expired:
                    batch[:] = [w for w in batch if w.deadline > late]
                    self._answer(expired, busy)
                await asyncio.sleep(pause)
                pause = min(2 * pause, LONGEST_PAUSE)
                continue
            except OpdError as error:  # the journal failed: nothing of the batch was recorded
                self._answer(batch, error)
                return
            except Exception as error:  # unforeseen: the batch is refused, the writer goes on
                log.exception("the journal writer failed on a batch")
                self._answer(batch, StoreError(f"the journal writer failed ({error!r})"))
                return
            self.batches += 1
            self.requests += len(batch)
            self._answer(batch, outcomes)
