"""Undo: the last action taken back exactly, recorded as facts that replay to the same day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opd_tui.engine import (
    Conflict,
    Engine,
    Event,
    OpdError,
    SlotRestored,
    Status,
    TokenRestored,
    TokenWithdrawn,
    Undone,
)
from opd_tui.engine.engine import UNDO_DEPTH

AT = datetime(2026, 11, 25, 8, 30)
NOTHING_TO_UNDO = (
    "nothing to undo: no action was taken here since the day was opened or since another desk acted"
)


def clinic() -> tuple[Engine, list[Event]]:
    """rao-09 (2 seats): Asha walk-in and Bala online booked, Chitra walk-in waiting.
    rao-10 (3 seats) empty; mehta-09 (1 seat) empty."""
    engine = Engine(clock=lambda: AT)
    events = engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    events += engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    events += engine.add_slot("rao-10", "rao", "10:00", "11:00", 3)
    events += engine.add_doctor("mehta", "Dr Vikram Mehta", "Orthopaedics")
    events += engine.add_slot("mehta-09", "mehta", "09:00", "10:00", 1)
    events += engine.book("rao-09", "Asha Menon", "walk-in")
    events += engine.book("rao-09", "Bala Iyer", "online")
    events += engine.book("rao-09", "Chitra Das", "walk-in")
    return engine, events


def restored_clinic() -> tuple[Engine, list[Event]]:
    """The same clinic as a desk that just opened it from the journal: nothing to undo yet."""
    _, history = clinic()
    engine = Engine(clock=lambda: AT)
    engine.apply_all(history)
    return engine, history


def state(engine: Engine) -> tuple[Any, ...]:
    slots = engine.slots()
    return (
        engine.tokens(),
        engine.doctors(),
        slots,
        [engine.slot_view(s.id) for s in slots],
        [engine.slot_stats(s.id) for s in slots],
        [engine.queue(d.id) for d in engine.doctors()],
    )


def test_undoing_an_emergency_puts_the_preempted_patient_back_in_her_seat() -> None:
    engine, _ = clinic()
    before = state(engine)
    engine.book("rao-09", "Esha Rao", "emergency")
    assert [t.patient for t in engine.slot_view("rao-09").waiting] == ["Asha Menon", "Chitra Das"]

    events = engine.undo()

    assert state(engine) == before
    assert events == [
        Undone(AT, "book", "RAO-004 Esha Rao"),
        TokenRestored(
            AT, "T00001", "rao-09", "RAO-001", "Asha Menon", engine.token("T00001").source,
            1, 1, AT, Status.BOOKED, 0,
        ),
        TokenWithdrawn(AT, "T00004", "rao-09"),
        SlotRestored(AT, "rao-09", 2, 0, (), 0, 0, 0, 0),
    ]  # fmt: skip


def test_undoing_a_cancel_sends_the_promoted_patient_back_to_the_waitlist() -> None:
    engine, _ = clinic()
    before = state(engine)
    engine.cancel("T00002")
    assert engine.token("T00003").status is Status.BOOKED
    engine.undo()
    assert state(engine) == before
    assert engine.token("T00003").status is Status.WAITING


@pytest.mark.parametrize(
    "action",
    [
        lambda e: e.serve("T00001"),
        lambda e: e.no_show("T00002"),
        lambda e: e.bump("T00003"),
        lambda e: e.bump("T00002", up=False),
        lambda e: e.bump("T00003", to="emergency"),
        lambda e: e.move("T00002", "mehta-09"),
        lambda e: e.move("T00003", "rao-10"),
        lambda e: e.set_capacity("rao-09", 0),
        lambda e: e.set_capacity("rao-09", 5),
        lambda e: e.delay("rao", 25),
    ],
    ids=[
        "serve",
        "no-show",
        "bump up",
        "bump down",
        "bump to",
        "move to another doctor",
        "move within the doctor",
        "capacity cut",
        "capacity rise",
        "delay",
    ],
)
def test_every_kind_of_action_is_taken_back_exactly(action: Any) -> None:
    engine, history = clinic()
    before = state(engine)
    history += action(engine)
    history += engine.undo()
    assert state(engine) == before
    replayed = Engine(clock=lambda: AT)
    replayed.apply_all(history)
    assert state(replayed) == before


def test_undo_goes_back_action_by_action_and_never_reuses_an_id() -> None:
    engine, _ = clinic()
    start = state(engine)
    engine.book("rao-10", "Dev Kumar", "paid")
    after_one = state(engine)
    engine.move("T00004", "rao-09")
    engine.undo()
    assert state(engine) == after_one
    engine.undo()
    assert state(engine) == start
    # Dev was T00004 and his move took arrival 5: the next booking is T00006, RAO-005.
    assert [e.token_id for e in engine.book("rao-10", "Farah Ali", "paid")] == ["T00006"]
    assert engine.token("T00006").number == "RAO-005"


def test_nothing_to_undo_is_refused_and_changes_nothing() -> None:
    engine = Engine(clock=lambda: AT)
    with pytest.raises(Conflict, match="nothing to undo"):
        engine.undo()
    engine, _ = clinic()
    engine.undo()
    engine.undo()
    engine.undo()  # the three bookings; set-up is not an action that can be undone
    before = state(engine)
    with pytest.raises(Conflict, match="nothing to undo"):
        engine.undo()
    assert state(engine) == before


def _present(engine: Engine) -> list[Event]:
    """Asha and Bala (booked) and Chitra (waiting) of rao-09 check in."""
    return [e for t in ("T00001", "T00002", "T00003") for e in engine.check_in(t)]


@pytest.mark.parametrize(
    ("prepare", "action", "undone"),
    [
        (lambda e: [], lambda e: e.check_in("T00003"), ("check-in", "RAO-003 Chitra Das")),
        (_present, lambda e: e.call_next("rao"), ("call-next", "RAO-002 Bala Iyer")),
        (_present, lambda e: e.call("T00001"), ("call", "RAO-001 Asha Menon")),
        (
            lambda e: _present(e) + e.call_next("rao"),
            lambda e: e.serve("T00002"),
            ("serve", "RAO-002 Bala Iyer"),
        ),
        (
            lambda e: _present(e) + e.call("T00001") + e.book("rao-09", "Dev Rao", "emergency"),
            lambda e: e.return_to_queue("T00001"),
            ("return", "RAO-001 Asha Menon"),
        ),
        (lambda e: [], lambda e: e.set_room("rao", "3"), ("room", "Dr Asha Rao in room 3")),
    ],
    ids=["check in", "call next", "call out of turn", "seen", "return, then preempted", "room"],
)
def test_every_step_of_the_visit_is_taken_back_exactly(
    prepare: Any, action: Any, undone: tuple[str, str]
) -> None:
    engine, history = clinic()
    history += prepare(engine)
    before = state(engine)
    history += action(engine)
    taken_back = engine.undo()
    assert taken_back[0] == Undone(AT, *undone)
    history += taken_back
    assert state(engine) == before
    replayed = Engine(clock=lambda: AT)
    replayed.apply_all(history)
    assert state(replayed) == before


@pytest.mark.parametrize(
    ("action", "undone"),
    [
        (lambda e: e.set_capacity("rao-10", 5), ("capacity", "Dr Asha Rao 10:00, 3 → 5 seats")),
        (lambda e: e.set_capacity("rao-09", 1), ("capacity", "Dr Asha Rao 09:00, 2 → 1 seats")),
        (lambda e: e.delay("rao", 15), ("delay", "Dr Asha Rao +15 min")),
        (lambda e: (e.delay("rao", 15), e.delay("rao", -10)), ("delay", "Dr Asha Rao -10 min")),
        (lambda e: e.move("T00002", "mehta-09"), ("move", "RAO-002 Bala Iyer")),
        (lambda e: e.bump("T00003"), ("bump", "RAO-003 Chitra Das")),
        (lambda e: e.cancel("T00001"), ("cancel", "RAO-001 Asha Menon")),
    ],
    ids=["capacity rise", "capacity cut", "delay", "delay earlier", "move", "bump", "cancel"],
)
def test_undo_names_what_it_took_back_as_people_do(action: Any, undone: tuple[str, str]) -> None:
    engine, _ = clinic()
    action(engine)
    assert engine.undo()[0] == Undone(AT, *undone)


def test_forgotten_actions_cannot_be_undone_but_later_ones_can() -> None:
    engine, _ = clinic()
    mark = engine.action_mark()
    engine.forget_actions()
    assert engine.last_action() is None
    assert not engine.unchanged_since(mark)
    before = state(engine)
    with pytest.raises(Conflict) as raised:
        engine.undo()
    assert str(raised.value) == NOTHING_TO_UNDO
    assert state(engine) == before
    engine.book("rao-10", "Dev Kumar", "paid")
    assert engine.undo() == [
        Undone(AT, "book", "RAO-004 Dev Kumar"),
        TokenWithdrawn(AT, "T00004", "rao-10"),
        SlotRestored(AT, "rao-10", 3, 0, (), 0, 0, 0, 0),
    ]
    assert state(engine) == before
    with pytest.raises(Conflict) as raised:
        engine.undo()
    assert str(raised.value) == NOTHING_TO_UNDO


def test_another_desks_events_end_what_can_be_undone_here() -> None:
    engine, _ = clinic()
    other, _ = clinic()
    engine.book("rao-10", "Dev Kumar", "paid")
    engine.apply_all(other.book("rao-10", "Gita Sen", "online"))
    with pytest.raises(Conflict, match="since another desk acted"):
        engine.undo()


def test_undo_reaches_back_a_fixed_number_of_actions() -> None:
    engine, _ = clinic()
    for n in range(UNDO_DEPTH + 5):
        engine.book("rao-10", f"Patient {n}", "walk-in")
    for _ in range(UNDO_DEPTH):
        engine.undo()
    assert len(engine.tokens()) == 3 + 5
    with pytest.raises(Conflict):
        engine.undo()


ACTIONS = st.lists(
    st.tuples(st.sampled_from("BBBCNSUDMKLZZZIIIXXARW"), st.integers(0, 40), st.integers(0, 4)),
    min_size=1,
    max_size=60,
)


def perform(engine: Engine, code: str, pick: int, small: int) -> list[Event]:
    """One random action: ``pick`` chooses a slot or live token, ``small`` a source or number."""
    slot = [s.id for s in engine.slots()][pick % 3]
    live = [t.id for t in engine.tokens() if t.status in (Status.BOOKED, Status.WAITING)]
    token = live[pick % len(live)] if live else "T99999"
    called = [t.id for t in engine.tokens() if t.status is Status.CALLED]
    source = ["emergency", "paid", "follow-up", "online", "walk-in"][small]
    match code:
        case "I":
            return engine.check_in(token)
        case "X":
            return engine.call_next(["rao", "mehta"][small % 2])
        case "A":
            return engine.call(token)
        case "R":
            return engine.return_to_queue(called[pick % len(called)] if called else token)
        case "W":
            return engine.set_room(["rao", "mehta"][small % 2], f"{small}")
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
        case _:
            return engine.set_capacity(slot, small)


@settings(max_examples=120, deadline=None)
@given(ACTIONS)
def test_random_days_with_undos_match_their_saved_states_and_replay(
    script: list[tuple[str, int, int]],
) -> None:
    engine, history = restored_clinic()
    saved: list[tuple[Any, ...]] = []
    for code, pick, small in script:
        before = state(engine)
        try:
            if code == "Z":
                history += engine.undo()
                assert saved, "undid something that was not done here"
                assert state(engine) == saved.pop()
                continue
            events = perform(engine, code, pick, small)
        except OpdError:
            assert state(engine) == before
            continue
        history += events
        if events:
            saved.append(before)
    replayed = Engine(clock=lambda: AT)
    replayed.apply_all(history)
    assert state(replayed) == state(engine)
