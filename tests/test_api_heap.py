"""The service's collector policy: young garbage collected, survivors frozen, all freed in time."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from opd_tui.api.heap import collect_all, freeze, keep_heap_frozen


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_freeze_collects_young_garbage_and_hides_survivors() -> None:
    garbage, kept = Node(), Node()
    dead = weakref.ref(garbage)
    del garbage
    before = gc.get_freeze_count()
    freeze()
    assert dead() is None
    assert gc.get_freeze_count() > before
    assert kept.me is kept


def test_a_cycle_dropped_after_it_was_frozen_is_freed_by_the_full_pass() -> None:
    frozen = Node()
    freeze()
    dead = weakref.ref(frozen)
    del frozen
    gc.collect()
    assert dead() is not None  # out of the collector's sight while frozen
    collect_all()
    assert dead() is None


async def test_the_policy_freezes_on_its_interval_and_collects_in_full_on_its_own() -> None:
    task = asyncio.get_running_loop().create_task(keep_heap_frozen(0.01, 0.05))
    await asyncio.sleep(0.02)
    frozen = Node()
    await asyncio.sleep(0.03)
    dead = weakref.ref(frozen)
    del frozen
    await asyncio.sleep(0.1)
    task.cancel()
    assert dead() is None
