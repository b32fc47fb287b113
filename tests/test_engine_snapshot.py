"""Snapshots: a day frozen, then restored exactly, whole or from the changes since an earlier one.

A restored engine must hold the same day as one rebuilt by replaying the events, in every query
(each token, slot, seat order, waitlist order and count), and then act the same: the same events,
ids and numbers for whatever is done next.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from opd_tui.engine import Engine, Event, OpdError, Status, Undone
from opd_tui.engine.snapshot import Snapshot

AT = datetime(2026, 11, 25, 8, 30)


def clock() -> datetime:
    return AT


def clinic() -> tuple[Engine, list[Event]]:
    """Two doctors, three slots (2, 3 and 1 seats), four bookings: one waits in rao-09."""
    engine = Engine(clock=clock, priorities={"walk-in": 1, "online": 2, "paid": 4})
    events = engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    events += engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    events += engine.add_slot("rao-10", "rao", "10:00", "11:00", 3)
    events += engine.add_doctor("mehta", "Dr Vikram Mehta", "Orthopaedics")
    events += engine.add_slot("mehta-09", "mehta", "09:00", "10:00", 1)
    events += engine.book("rao-09", "Asha Menon", "walk-in")
    events += engine.book("rao-09", "Bala Iyer", "online")
    events += engine.book("rao-09", "Chitra Das", "walk-in")
    events += engine.book("mehta-09", "Dev Kumar", "paid")
    return engine, events


def state(engine: Engine) -> tuple[Any, ...]:
    """Everything the engine answers: every token, slot, seat order, waitlist order and count."""
    slots = engine.slots()
    return (
        engine.doctors(),
        slots,
        engine.tokens(),
        [engine.slot_view(s.id) for s in slots],
        [engine.slot_stats(s.id) for s in slots],
        [engine.doctor_stats(d.id) for d in engine.doctors()],
        engine.day_stats(),
        engine.priorities,
    )


def replayed(events: list[Event]) -> Engine:
    engine = Engine(clock=clock, priorities={"walk-in": 1, "online": 2, "paid": 4})
    engine.apply_all(events)
    return engine


def carry_on(engine: Engine) -> list[Any]:
    """The same next actions on any engine holding the clinic's day: what each one returned."""
    results: list[Any] = []
    for code in "BBMBCUNSKDBLM":
        try:
            results.append(perform(engine, code, len(results), len(results) % 5))
        except OpdError as error:
            results.append(repr(error))
    results.append(state(engine))
    return results


def perform(engine: Engine, code: str, pick: int, small: int) -> list[Event]:
    """One action: ``pick`` chooses a slot or a live token, ``small`` a source or a number."""
    slot = [s.id for s in engine.slots()][pick % 3]
    live = [t.id for t in engine.tokens() if t.status in (Status.BOOKED, Status.WAITING)]
    token = live[pick % len(live)] if live else "T99999"
    source = ["emergency", "paid", "follow-up", "online", "walk-in"][small]
    match code:
        case "B":
            return engine.book(slot, f"P{pick}", source)
        case "C":
            return engine.cancel(token)
        case "N":
            return engine.no_show(token)
        case "S":
            return engine.serve(token)
        case "U":
            return engine.bump(token, up=small % 2 == 0)
        case "L":
            return engine.bump(token, to=source)
        case "D":
            return engine.delay("rao", small + 1)
        case "M":
            return engine.move(token, slot)
        case "Z":
            return engine.undo()
        case _:
            return engine.set_capacity(slot, small)


def test_a_restored_engine_holds_the_same_day_and_carries_on_the_same() -> None:
    engine, events = clinic()
    events += engine.serve("T00001")
    events += engine.cancel("T00002")  # Chitra is promoted
    events += engine.move("T00004", "rao-10")
    events += engine.set_capacity("rao-10", 1)
    events += engine.delay("rao", 15)
    snapshot = engine.snapshot()

    restored = Engine.restore(snapshot, clock=clock)

    assert state(restored) == state(engine) == state(replayed(events))
    assert carry_on(restored) == carry_on(replayed(events)) == carry_on(engine)


def test_a_snapshot_from_an_earlier_one_and_the_events_since_is_the_same_as_a_whole_one() -> None:
    engine, events = clinic()
    first = engine.snapshot()
    since = engine.serve("T00001")
    since += engine.book("rao-09", "Esha Rao", "paid")  # preempts Bala
    since += engine.bump("T00003", up=True)
    since += engine.move("T00002", "mehta-09")
    since += engine.no_show("T00004")
    since += engine.delay("mehta", 5)

    second = engine.snapshot(first, since)

    assert second.layout is first.layout  # what set-up made is shared
    assert state(Engine.restore(second, clock=clock)) == state(engine)
    assert state(Engine.restore(first, clock=clock)) == state(replayed(events))
    whole = Engine.restore(engine.snapshot(), clock=clock)
    assert carry_on(Engine.restore(second, clock=clock)) == carry_on(whole)


def test_closed_tokens_are_shared_and_no_undo_or_replay_changes_them_in_place() -> None:
    engine, _ = clinic()
    engine.cancel("T00001")
    engine.serve("T00002")
    snapshot = engine.snapshot()
    cancelled = engine.token("T00001")

    undone = engine.undo() + engine.undo()  # both reopened in the engine that made the snapshot
    restored = Engine.restore(snapshot, clock=clock)
    assert restored.token("T00001") == cancelled
    assert restored.token("T00002").status is Status.SERVED
    restored.apply_all(undone)  # and replayed in a restored one
    assert restored.token("T00001").status is Status.BOOKED

    again = Engine.restore(snapshot, clock=clock)
    assert again.token("T00001") == cancelled
    assert again.token("T00002").status is Status.SERVED
    assert [s.token.id for s in again.slot_view("rao-09").booked][:1] == ["T00002"]


def test_the_action_mark_tells_whether_anything_changed_the_day() -> None:
    engine, events = clinic()
    mark = engine.action_mark()
    engine.tokens()
    engine.slot_view("rao-09")
    engine.set_capacity("rao-10", 3)  # no change, so no action
    assert engine.unchanged_since(mark)
    engine.book("rao-10", "Esha Rao", "paid")
    assert not engine.unchanged_since(mark)
    mark = engine.action_mark()
    engine.cancel("T00001")
    engine.undo()  # an action taken and taken back still shows
    assert not engine.unchanged_since(mark)
    mark = engine.action_mark()
    engine.undo()
    assert not engine.unchanged_since(mark)
    fresh = Engine.restore(engine.snapshot(), clock=clock)
    mark = fresh.action_mark()
    fresh.apply_all(events[-1:])  # a replay, even with nothing to undo before it
    assert not fresh.unchanged_since(mark)


ACTIONS = st.lists(
    st.tuples(st.sampled_from("BBBBCNSUDMKLZ..."), st.integers(0, 40), st.integers(0, 4)),
    min_size=10,
    max_size=120,
)


Taken = list[tuple[Snapshot, int, tuple[Any, ...]]]


def played_with_snapshots(script: list[tuple[str, int, int]]) -> tuple[Engine, list[Event], Taken]:
    """The clinic played by ``script``, where a "." takes a snapshot from the previous one and the
    events since: the engine, the day's events, and each snapshot with the number of events
    before it and the engine's state then."""
    engine, history = clinic()
    taken: Taken = []
    last: Snapshot | None = None
    since: list[Event] = []
    for code, pick, small in script:
        if code == ".":
            last = engine.snapshot(last, since)
            since = []
            taken.append((last, len(history), state(engine)))
            continue
        try:
            events = perform(engine, code, pick, small)
        except OpdError:
            continue
        history += events
        since += events
    return engine, history, taken


@settings(max_examples=150, deadline=None)
@given(ACTIONS)
def test_random_days_restore_exactly_at_every_snapshot(script: list[tuple[str, int, int]]) -> None:
    """A "." takes a snapshot from the previous one and the events since; an undo ("Z") makes the
    next one whole. Every snapshot is then restored and checked against the engine as it was and
    against a replay of the events up to it, including what both do next."""
    _, history, taken = played_with_snapshots(script)
    for snapshot, length, then in taken:
        restored = Engine.restore(snapshot, clock=clock)
        replay = replayed(history[:length])
        assert state(restored) == then == state(replay)
        assert carry_on(restored) == carry_on(replay)


def test_set_up_since_the_earlier_snapshot_makes_a_whole_one() -> None:
    engine, events = clinic()
    first = engine.snapshot()
    since = engine.add_slot("mehta-10", "mehta", "10:00", "11:00", 2)
    since += engine.book("mehta-10", "Esha Rao", "online")

    second = engine.snapshot(first, since)

    assert second.layout is not first.layout
    assert state(Engine.restore(second, clock=clock)) == state(replayed(events + since))


def test_two_days_taken_on_from_one_snapshot_keep_their_own_tokens_apart() -> None:
    """After a rewind, the same earlier snapshot can lead to another day, where a token id lands
    in another place: snapshots taken on from each still restore their own day."""
    engine, _ = clinic()
    start = engine.snapshot()
    first = Engine.restore(start, clock=clock)
    events = first.move("T00004", "rao-10")  # arrival 5 goes to the move...
    events += first.book("rao-10", "Esha Rao", "online")  # ...so this is T00006, fifth token
    one = first.snapshot(start, events)
    second = Engine.restore(start, clock=clock)
    other = second.book("rao-10", "Farah Ali", "online")  # T00005 is the fifth token here
    other += second.book("rao-10", "Gita Sen", "online")  # and T00006 the sixth
    two = second.snapshot(start, other)

    later = first.cancel("T00006")
    three = first.snapshot(one, later)

    assert state(Engine.restore(three, clock=clock)) == state(first)
    assert state(Engine.restore(two, clock=clock)) == state(second)
    assert state(Engine.restore(one, clock=clock)) == state(replayed(_set_up_and(events)))


def _set_up_and(events: list[Event]) -> list[Event]:
    return clinic()[1] + events


WITHOUT_UNDO = st.lists(
    st.tuples(st.sampled_from("BBBBCNSUDMKL..."), st.integers(0, 40), st.integers(0, 4)),
    min_size=10,
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(WITHOUT_UNDO, st.integers(0, 1000))
def test_going_back_in_place_to_any_snapshot_gives_its_day(
    script: list[tuple[str, int, int]], pick: int
) -> None:
    """``revert`` puts back only what the events since a snapshot changed; the engine must then
    hold the snapshot's day exactly, and act as a replay of it does."""
    engine, history, taken = played_with_snapshots(script)
    if not taken:
        return
    snapshot, length, then = taken[pick % len(taken)]
    assert engine.revert(snapshot, history[length:])
    assert state(engine) == then == state(replayed(history[:length]))
    assert carry_on(engine) == carry_on(replayed(history[:length]))


def test_going_back_in_place_over_an_undo_is_refused_and_changes_nothing() -> None:
    engine, _ = clinic()
    snapshot = engine.snapshot()
    events = engine.book("rao-10", "Esha Rao", "paid")
    events += engine.cancel("T00001")
    events += engine.undo()
    assert any(isinstance(event, Undone) for event in events)
    now = state(engine)
    assert not engine.revert(snapshot, events)
    assert state(engine) == now
