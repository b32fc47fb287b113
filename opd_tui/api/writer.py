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
from collections.abc import Callable

from ..store import JournalBusy, JournalDesk, Outcome, Request, StoreError

MAX_BATCH = 256
LOCK_WAIT = 10.0
"""How long a batch waits for another desk's write lock before it is refused (503)."""
FIRST_PAUSE, LONGEST_PAUSE = 0.001, 0.05


class BatchWriter:
    def __init__(
        self,
        desk: Callable[[], JournalDesk],
        max_batch: int = MAX_BATCH,
        lock_wait: float = LOCK_WAIT,
    ) -> None:
        self._desk = desk
        self._max_batch = max_batch
        self._lock_wait = lock_wait
        self._queue: asyncio.Queue[tuple[Request, asyncio.Future[Outcome]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._batch: list[tuple[Request, asyncio.Future[Outcome]]] = []
        self.batches = 0
        """How many batches were written: with ``requests``, how well commits are shared."""
        self.requests = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="journal-writer")

    @property
    def waiting(self) -> int:
        """Requests submitted and not yet answered: the batch being written and those queued."""
        return len(self._batch) + self._queue.qsize()

    async def stop(self) -> None:
        """Stop writing; whatever is still waiting is refused (503), not left hanging."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        stopping = StoreError("the service is stopping; nothing was recorded")
        while not self._queue.empty():
            self._batch.append(self._queue.get_nowait())
        self._answer(self._batch, stopping)

    async def submit(self, request: Request) -> Outcome:
        """Decide and record one request; returns once it is durable (or raises StoreError)."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((request, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = self._batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes: list[Outcome] | Exception = await self._write([r for r, _ in batch])
            except Exception as error:  # the journal failed: nothing of the batch was recorded
                outcomes = error
            else:
                self.batches += 1
                self.requests += len(batch)
            self._answer(batch, outcomes)

    def _answer(
        self,
        batch: list[tuple[Request, asyncio.Future[Outcome]]],
        outcomes: list[Outcome] | Exception,
    ) -> None:
        for index, (_, future) in enumerate(batch):
            if future.done():  # the client went away
                continue
            if isinstance(outcomes, Exception):
                future.set_exception(outcomes)
            else:
                future.set_result(outcomes[index])
        batch.clear()

    async def _write(self, requests: list[Request]) -> list[Outcome]:
        """One batch, durable; another desk's write lock is waited out in pauses of the loop."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self._lock_wait
        pause = FIRST_PAUSE
        while True:
            try:
                return self._desk().act_batch(requests, wait=False)
            except JournalBusy:
                if loop.time() + pause > give_up:
                    raise
            await asyncio.sleep(pause)
            pause = min(2 * pause, LONGEST_PAUSE)
