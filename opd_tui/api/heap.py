"""Short collector pauses for a service that keeps a whole day in memory.

CPython's full collection scans every tracked object. A busy day adds tens of thousands of tokens
and events a second, all alive until the day ends, so full passes grow to tens of milliseconds and
come more often as requests queue: they were the service's worst latencies. So, once a second,
the young generations are collected (a short pass: they hold only what was made since) and what
survives is frozen, out of the collector's sight. Frozen objects are still freed by reference
counting when dropped; the day's objects form no cycles. Now and then everything is unfrozen and
collected in full, so that a cycle frozen while it was still in use is not kept for ever.
"""

from __future__ import annotations

import asyncio
import gc
import time

FREEZE_SECONDS = 1.0
FULL_SECONDS = 15 * 60.0


def freeze() -> None:
    """Collect the young generations and freeze the survivors."""
    gc.collect(1)
    gc.freeze()


def collect_all() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


async def keep_heap_frozen(
    freeze_seconds: float = FREEZE_SECONDS, full_seconds: float = FULL_SECONDS
) -> None:
    """Run for the service's life: ``freeze`` every ``freeze_seconds``, ``collect_all`` every
    ``full_seconds``."""
    collect_all()
    last_full = time.monotonic()
    while True:
        await asyncio.sleep(freeze_seconds)
        if time.monotonic() - last_full >= full_seconds:
            collect_all()
            last_full = time.monotonic()
        else:
            freeze()
