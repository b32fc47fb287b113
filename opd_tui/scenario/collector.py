"""Bulk work without the cycle collector: a long day makes millions of objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block: its repeated full passes over a long day's objects
    would cost about half the time, and they would find nothing, as the day makes no cycles.

    On the way out, every tracked object goes to the oldest generation (``gc.freeze`` then
    ``gc.unfreeze``: two list splices). Otherwise the next collection would scan all the block
    made as young objects (30 ms for an engine restored at the end of a 100,000-action day), and
    find nothing there either; the oldest generation is still scanned now and then, as ever.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()
