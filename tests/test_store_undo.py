"""Undo through the journal: recorded as an action of its own, never by erasing the one undone."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_helpers import DAY, open_journal, snapshot

from opd_tui.engine import Book, Conflict, SetCapacity, Status, Undo
from opd_tui.store import SqliteStore


def test_an_undo_is_journaled_and_a_restart_shows_the_day_as_before_the_action(
    tmp_path: Path,
) -> None:
    desk = open_journal(tmp_path / "j.db")
    desk.act(Book("rao-10", "Asha Menon", "walk-in"))
    desk.act(SetCapacity("rao-10", 1))
    before = snapshot(desk.engine)
    desk.act(Book("rao-10", "Esha Rao", "emergency"))
    assert desk.engine.token("T00001").status is Status.WAITING

    events = desk.act(Undo())

    assert [e.kind for e in events] == [
        "undone",
        "token-restored",
        "token-withdrawn",
        "slot-restored",
    ]
    assert snapshot(desk.engine) == before
    store = SqliteStore(tmp_path / "j.db")
    assert [a.name for a in store.actions(DAY)][-3:] == ["capacity", "book", "undo"]
    store.close()
    assert snapshot(open_journal(tmp_path / "j.db").engine) == before


def test_another_desk_sees_the_undo_but_cannot_undo_what_it_did_not_do(tmp_path: Path) -> None:
    first = open_journal(tmp_path / "j.db")
    second = open_journal(tmp_path / "j.db")
    first.act(Book("rao-10", "Asha Menon", "walk-in"))
    first.act(Book("rao-10", "Bala Iyer", "online"))
    second.poll()
    with pytest.raises(Conflict, match="nothing to undo"):
        second.act(Undo())
    first.act(Undo())
    seen = second.poll()
    assert [e.kind for e in seen] == ["undone", "token-withdrawn", "slot-restored"]
    assert snapshot(second.engine) == snapshot(first.engine)
    assert [t.patient for t in second.engine.tokens()] == ["Asha Menon"]
