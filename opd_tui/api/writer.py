"""Group commit: bookings that arrive while one batch is being made durable go in the next.

One journal commit (an fsync) costs milliseconds; paying it per request would cap a service at a
few hundred writes a second. A single writer task hands the desk every request waiting at that
moment as one batch, in one transaction on a thread of its own, so the event loop keeps taking
requests meanwhile. Each request is still decided on its own and answered only once its batch
is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ..store import JournalDesk, Outcome, Request

MAX_BATCH = 256


class BatchWriter:
    def __init__(self, desk: Callable[[], JournalDesk], max_batch: int = MAX_BATCH) -> None:
        self._desk = desk
        self._max_batch = max_batch
        self._queue: asyncio.Queue[tuple[Request, asyncio.Future[Outcome]]] = asyncio.Queue()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal-writer")
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        """How many batches were written: with ``requests``, how well commits are shared."""
        self.requests = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="journal-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._thread.shutdown(wait=True)

    async def submit(self, request: Request) -> Outcome:
        """Decide and record one request; returns once it is durable (or raises StoreError)."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((request, future))
        return await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            requests = [request for request, _ in batch]
            try:
                outcomes = await loop.run_in_executor(self._thread, self._write, requests)
            except Exception as error:  # the journal failed: nothing of the batch was recorded
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            self.batches += 1
            self.requests += len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)

    def _write(self, requests: list[Request]) -> list[Outcome]:
        return self._desk().act_batch(requests)
