"""The front desk in the engine: who the patient is, the duplicate guard, finding tokens, a
doctor away and their patients reassigned; each with its refusals, undo, roll-back and replay."""

from __future__ import annotations

from datetime import datetime

import pytest
from store_helpers import MORNING, SetClock, snapshot

from opd_tui.engine import (
    AwaySet,
    Book,
    Booked,
    CheckIn,
    Conflict,
    Duplicate,
    Engine,
    Invalid,
    NotFound,
    Preempted,
    Reassign,
    Reassigned,
    Rename,
    SetAway,
    Status,
    TokenRestored,
    Undone,
    Waitlisted,
    patient_id,
    phone_number,
)

NINE = datetime(2026, 3, 2, 9, 0)


def clinic(clock: SetClock | None = None) -> Engine:
    """Dr Rao (rao-09 09:00–10:00, rao-10 10:00–11:00, 2 seats each) and Dr Mehta (meh-09
    09:00–10:00 with 1 seat, meh-10 10:00–12:00 with 2)."""
    engine = Engine(clock=clock or SetClock(NINE))
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    engine.add_doctor("meh", "Dr Vikram Mehta", "General medicine")
    engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    engine.add_slot("rao-10", "rao", "10:00", "11:00", 2)
    engine.add_slot("meh-09", "meh", "09:00", "10:00", 1)
    engine.add_slot("meh-10", "meh", "10:00", "12:00", 2)
    return engine


# ------------------------------------------------------------------ who the patient is
@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("98450 12345", "9845012345"),
        ("+91 (984) 501-2345", "+919845012345"),
        ("984.501.2345", "9845012345"),
        ("1234567", "1234567"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_phone_is_kept_as_its_digits(given: str, kept: str) -> None:
    assert phone_number(given) == kept


@pytest.mark.parametrize("given", ["123456", "1234567890123456", "98450-ABCDE", "++9845012345"])
def test_a_phone_that_is_not_one_is_refused(given: str) -> None:
    with pytest.raises(Invalid) as refused:
        phone_number(given)
    assert str(refused.value) == (
        f"phone {given!r} is not a phone number: 7 to 15 digits, with an optional leading +"
    )


def test_a_patient_id_is_upper_case_letters_digits_dash_and_slash() -> None:
    assert patient_id(" mrn-2024/0042 ") == "MRN-2024/0042"
    assert patient_id("") == ""
    for bad in ("MRN 42", "MRN_42", "Ωmega", "X" * 25):
        with pytest.raises(Invalid) as refused:
            patient_id(bad)
        assert str(refused.value) == (
            f"patient id {bad!r} may hold only letters, digits, '-' and '/', at most 24 characters"
        )


def test_a_booking_keeps_the_phone_and_id_on_its_token_and_event() -> None:
    engine = clinic()
    events = engine.execute(
        Book("rao-09", "Asha Menon", "online", phone="+91 98450 12345", patient_id="mrn-7")
    )
    assert events == [
        Booked(
            NINE,
            "T00001",
            "rao-09",
            "RAO-001",
            "Asha Menon",
            "online",
            2,
            1,
            "+919845012345",
            "MRN-7",
        )
    ]
    token = engine.token("T00001")
    assert (token.phone, token.patient_id) == ("+919845012345", "MRN-7")


def test_a_bad_phone_refuses_the_booking_and_changes_nothing() -> None:
    engine = clinic()
    before = snapshot(engine)
    with pytest.raises(Invalid):
        engine.execute(Book("rao-09", "Asha Menon", "online", phone="12"))
    assert snapshot(engine) == before


def test_a_plain_booking_is_recorded_as_before() -> None:
    """Old journals and old clients: a booking without the new fields has the old fields."""
    assert Book("rao-09", "Asha", "walk-in").fields() == {
        "slot_id": "rao-09",
        "patient": "Asha",
        "source": "walk-in",
    }
    assert Book("rao-09", "Asha", "walk-in", phone="9845012345", again=True).fields() == {
        "slot_id": "rao-09",
        "patient": "Asha",
        "source": "walk-in",
        "phone": "9845012345",
        "again": True,
    }


# ------------------------------------------------------------------ the duplicate guard
def test_the_same_patient_id_twice_with_one_doctor_is_refused_naming_the_token() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", patient_id="MRN-7"))
    before = snapshot(engine)
    with pytest.raises(Duplicate) as refused:
        engine.execute(Book("rao-10", "A. Menon", "walk-in", patient_id="mrn-7"))
    assert str(refused.value) == (
        "Asha Menon already holds RAO-001 with Dr Asha Rao today (booked, 09:00–10:00); "
        "book again only if intended"
    )
    assert refused.value.existing == "T00001"
    assert isinstance(refused.value, Conflict)
    assert snapshot(engine) == before


def test_the_same_phone_and_name_ignoring_case_and_spacing_is_the_same_patient() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", phone="98450 12345"))
    with pytest.raises(Duplicate):
        engine.execute(Book("rao-10", "  asha   MENON ", "walk-in", phone="+91 9845012345"))
    with pytest.raises(Duplicate):
        engine.execute(Book("rao-10", "AshaMenon", "walk-in", phone="9845012345"))


def test_a_trunk_zero_is_the_same_line() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", phone="+91 98450 12345"))
    with pytest.raises(Duplicate):
        engine.execute(Book("rao-10", "Asha Menon", "walk-in", phone="098450 12345"))


def test_the_same_phone_with_another_name_is_another_patient() -> None:
    """A family shares one phone: the child is not the mother."""
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", phone="9845012345"))
    events = engine.execute(Book("rao-09", "Ravi Menon", "online", phone="9845012345"))
    assert [type(e) for e in events] == [Booked]


def test_an_intended_second_booking_is_taken() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", patient_id="MRN-7"))
    events = engine.execute(Book("rao-10", "Asha Menon", "online", patient_id="MRN-7", again=True))
    assert [(type(e), e.number) for e in events] == [(Booked, "RAO-002")]  # type: ignore[attr-defined]


def test_a_closed_token_does_not_count_as_held() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", patient_id="MRN-7"))
    engine.cancel("T00001")
    events = engine.execute(Book("rao-09", "Asha Menon", "online", patient_id="MRN-7"))
    assert [type(e) for e in events] == [Booked]


def test_a_patient_in_the_room_still_holds_the_token() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", patient_id="MRN-7"))
    engine.execute(CheckIn("T00001"))
    engine.call_next("rao")
    with pytest.raises(Duplicate) as refused:
        engine.execute(Book("rao-10", "Asha Menon", "online", patient_id="MRN-7"))
    assert "(in the room, 09:00–10:00)" in str(refused.value)


def test_another_doctor_the_same_day_is_allowed_and_noted() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", patient_id="MRN-7"))
    engine.execute(Book("meh-10", "Asha Menon", "online", patient_id="MRN-7"))
    assert [t.number for t in engine.same_patient("T00002")] == ["RAO-001"]
    assert [t.number for t in engine.same_patient("T00001")] == ["MEH-001"]
    engine.execute(Book("rao-10", "Ravi", "walk-in"))
    assert engine.same_patient("T00003") == []


def test_a_renamed_token_is_guarded_by_its_new_name() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menn", "online", phone="9845012345"))
    engine.execute(Book("rao-09", "Asha Menon", "online", phone="9845012345"))  # another name
    engine.execute(Rename("T00001", "Ravi Menon"))
    with pytest.raises(Duplicate):
        engine.execute(Book("rao-10", "ravi menon", "walk-in", phone="9845012345"))
    engine.undo()  # the rename taken back: Ravi holds nothing, Asha Menn again
    events = engine.execute(Book("rao-10", "Ravi Menon", "walk-in", phone="9845012345"))
    assert [type(e) for e in events] == [Booked]


# ------------------------------------------------------------------ find anything
def found(engine: Engine, text: str) -> list[str]:
    return [t.number for t in engine.find(text)]


def test_find_by_number_digits_phone_id_and_name() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", phone="+91 98450 12345"))
    engine.execute(Book("meh-10", "Ravi Shankar", "paid", patient_id="MRN-2024/0042"))
    engine.execute(Book("rao-10", "Asha Pillai", "walk-in"))
    engine.execute(Book("meh-10", "Menaka Rao", "walk-in"))
    assert found(engine, "RAO-001") == ["RAO-001"]
    assert found(engine, "rao1") == ["RAO-001"]
    assert found(engine, "1") == ["RAO-001", "MEH-001"]
    assert found(engine, "002") == ["RAO-002", "MEH-002"]
    assert found(engine, "98450 12345") == ["RAO-001"]
    assert found(engine, "9845012345") == ["RAO-001"]
    assert found(engine, "mrn-2024/0042") == ["MEH-001"]
    assert found(engine, "asha") == ["RAO-001", "RAO-002"]
    assert found(engine, "men") == ["RAO-001", "MEH-002"]
    assert found(engine, "asha men") == ["RAO-001"]
    assert found(engine, "  ") == []
    assert found(engine, "zed") == []


def test_find_by_the_number_of_a_doctor_whose_id_has_a_hyphen() -> None:
    engine = Engine(clock=SetClock(NINE))
    engine.add_doctor("dr-rao", "Dr Asha Rao", "Cardiology")
    engine.add_slot("s1", "dr-rao", "09:00", "10:00", 2)
    engine.execute(Book("s1", "Asha Menon", "online"))
    assert found(engine, "DR-RAO-001") == ["DR-RAO-001"]
    assert found(engine, "dr-rao1") == ["DR-RAO-001"]
    assert found(engine, "RAO-001") == []


def test_find_follows_renames_undo_and_reassignment() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online"))
    assert found(engine, "asha") == ["RAO-001"]
    engine.execute(Rename("T00001", "Bina Menon"))
    assert found(engine, "asha") == []
    assert found(engine, "bina") == ["RAO-001"]
    engine.undo()
    assert found(engine, "asha") == ["RAO-001"]
    assert found(engine, "bina") == []
    engine.execute(Reassign("rao", "meh"))
    assert found(engine, "asha") == ["MEH-001"]
    assert found(engine, "RAO-001") == []
    engine.undo()
    assert found(engine, "RAO-001") == ["RAO-001"]
    engine.undo()  # the booking itself
    assert found(engine, "asha") == []


def test_find_gives_copies_and_refuses_what_is_not_text() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online"))
    engine.find("asha")[0].patient = "changed"
    assert engine.token("T00001").patient == "Asha Menon"
    with pytest.raises(Invalid):
        engine.find(14)  # type: ignore[arg-type]


def test_find_on_a_restored_engine() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha Menon", "online", phone="9845012345"))
    restored = Engine.restore(engine.snapshot(), clock=SetClock(NINE))
    assert found(restored, "9845012345") == ["RAO-001"]
    assert found(restored, "asha") == ["RAO-001"]


# ------------------------------------------------------------------ a doctor away
def test_away_refuses_new_bookings_in_the_slots_the_doctor_leaves_before_their_end() -> None:
    engine = clinic()
    events = engine.execute(SetAway("rao", "09:30"))
    assert events == [AwaySet(NINE, "rao", None, 570)]
    assert engine.doctor("rao").away == 570
    for slot_id, label in (("rao-09", "09:00–10:00"), ("rao-10", "10:00–11:00")):
        with pytest.raises(Conflict) as refused:
            engine.execute(Book(slot_id, "Asha", "walk-in"))
        assert str(refused.value) == (
            f"Dr Asha Rao is away from 09:30: the {label} slot takes no new patients"
        )
    engine.execute(SetAway("rao", "10:00"))
    assert [type(e) for e in engine.execute(Book("rao-09", "Asha", "walk-in"))] == [Booked]
    with pytest.raises(Conflict):
        engine.execute(Book("rao-10", "Bala", "walk-in"))


def test_away_refusals_and_its_undo() -> None:
    engine = clinic()
    with pytest.raises(Conflict) as refused:
        engine.execute(SetAway("rao", None))
    assert str(refused.value) == "Dr Asha Rao is already here"
    engine.execute(SetAway("rao", "10:00"))
    with pytest.raises(Conflict) as refused:
        engine.execute(SetAway("rao", "10:00"))
    assert str(refused.value) == "Dr Asha Rao is already away from 10:00"
    with pytest.raises(Invalid):
        engine.execute(SetAway("rao", "25:00"))
    with pytest.raises(NotFound):
        engine.execute(SetAway("nobody", "10:00"))
    undone = engine.undo()
    assert undone[0] == Undone(NINE, "away", "Dr Asha Rao away from 10:00")
    assert undone[1:] == [AwaySet(NINE, "rao", 600, None)]
    assert engine.doctor("rao").away is None
    engine.execute(SetAway("rao", "10:00"))
    assert engine.execute(SetAway("rao", None)) == [AwaySet(NINE, "rao", 600, None)]


def test_a_move_into_a_slot_the_doctor_is_away_for_is_refused() -> None:
    engine = clinic()
    engine.execute(Book("meh-09", "Asha", "walk-in"))
    engine.execute(SetAway("rao", "10:00"))
    with pytest.raises(Conflict):
        engine.move("T00001", "rao-10")


# ------------------------------------------------------------------ reassign
def rao_day(clock: SetClock | None = None) -> Engine:
    """Dr Rao's 10:00 slot: Asha walk-in (T1) and Bala online (T2) seated, Chitra walk-in (T3)
    waiting; Dr Mehta's 10:00 slot: Dev follow-up (T4) and Esha walk-in (T5) seated."""
    engine = clinic(clock)
    for slot_id, patient, source in [
        ("rao-10", "Asha", "walk-in"),
        ("rao-10", "Bala", "online"),
        ("rao-10", "Chitra", "walk-in"),
        ("meh-10", "Dev", "follow-up"),
        ("meh-10", "Esha", "walk-in"),
    ]:
        engine.execute(Book(slot_id, patient, source))
    return engine


def test_reassign_keeps_source_priority_and_arrival_and_the_rule_decides() -> None:
    engine = rao_day()
    engine.execute(SetAway("rao", "10:00"))
    events = engine.execute(Reassign("rao", "meh"))
    # Best first: Bala (online) outranks Esha (walk-in) and takes her seat; then Asha and
    # Chitra (walk-ins) outrank nobody seated (Dev, Bala) and wait, by their own arrivals:
    # ahead of Esha, who arrived after them.
    assert events == [
        Preempted(NINE, "T00005", "meh-10", "T00002", "online 2 > walk-in 1"),
        Reassigned(NINE, "T00002", "rao-10", "meh-10", Status.BOOKED, "RAO-002", "MEH-003", True),
        Reassigned(NINE, "T00001", "rao-10", "meh-10", Status.BOOKED, "RAO-001", "MEH-004", False),
        Reassigned(NINE, "T00003", "rao-10", "meh-10", Status.WAITING, "RAO-003", "MEH-005", False),
    ]
    view = engine.slot_view("meh-10", MORNING)
    assert [seat.token.patient for seat in view.booked] == ["Dev", "Bala"]
    assert [t.patient for t in view.waiting] == ["Asha", "Chitra", "Esha"]
    asha = engine.token("T00001")
    assert (asha.arrival, asha.source, asha.priority, asha.arrived_at) == (1, "walk-in", 1, NINE)
    assert engine.slot_view("rao-10", MORNING).booked == ()


def test_reassign_to_a_picked_slot_and_its_refusals() -> None:
    engine = rao_day()
    with pytest.raises(Invalid) as refused:
        engine.execute(Reassign("rao", "rao"))
    assert str(refused.value) == "reassign Dr Asha Rao's patients to another doctor"
    with pytest.raises(Invalid) as refused:
        engine.execute(Reassign("rao", "meh", "rao-09"))
    assert str(refused.value) == "Dr Asha Rao 09:00 is not one of Dr Vikram Mehta's slots"
    with pytest.raises(NotFound):
        engine.execute(Reassign("rao", "nobody"))
    before = snapshot(engine)
    engine2 = rao_day()
    engine2.execute(SetAway("meh", "10:00"))
    with pytest.raises(Conflict) as refused:
        engine2.execute(Reassign("rao", "meh"))
    assert str(refused.value) == "Dr Vikram Mehta has no slot at or after 10:00 for RAO-002"
    with pytest.raises(Conflict) as refused:
        engine2.execute(Reassign("rao", "meh", "meh-10"))
    assert str(refused.value) == "Dr Vikram Mehta 10:00 is off: Dr Vikram Mehta is away then"
    events = engine.execute(Reassign("rao", "meh", "meh-09"))
    assert [(type(e).__name__, e.token_id) for e in events] == [  # type: ignore[attr-defined]
        ("Reassigned", "T00002"),
        ("Reassigned", "T00001"),
        ("Reassigned", "T00003"),
    ]
    assert [s.token.patient for s in engine.slot_view("meh-09", MORNING).booked] == ["Bala"]
    assert before != snapshot(engine)


def test_reassign_with_nobody_to_move_is_refused() -> None:
    engine = clinic()
    with pytest.raises(Conflict) as refused:
        engine.execute(Reassign("rao", "meh"))
    assert str(refused.value) == "Dr Asha Rao has no waiting or booked patients to reassign"


def test_reassign_moves_only_the_slots_the_doctor_is_away_for() -> None:
    engine = clinic()
    engine.execute(Book("rao-09", "Asha", "walk-in"))
    engine.execute(Book("rao-10", "Bala", "walk-in"))
    engine.execute(SetAway("rao", "10:00"))
    events = engine.execute(Reassign("rao", "meh"))
    assert [(e.token_id, e.to_slot) for e in events] == [("T00002", "meh-10")]  # type: ignore[attr-defined]


def test_reassign_leaves_slots_already_over_and_skips_target_slots_already_over() -> None:
    clock = SetClock(NINE)
    engine = clinic(clock)
    engine.execute(Book("rao-09", "Asha", "walk-in"))
    engine.execute(Book("rao-10", "Bala", "walk-in"))
    clock.now = datetime(2026, 3, 2, 10, 5)
    events = engine.execute(Reassign("rao", "meh"))
    assert [(e.token_id, e.to_slot) for e in events] == [("T00002", "meh-10")]  # type: ignore[attr-defined]
    engine.undo()
    with pytest.raises(Conflict) as refused:
        engine.execute(Reassign("rao", "meh", "meh-09"))
    assert str(refused.value) == "Dr Vikram Mehta 09:00 is over"


def test_reassign_undo_puts_everyone_back_exactly() -> None:
    engine = rao_day()
    engine.execute(CheckIn("T00002"))
    before = snapshot(engine)
    events = engine.execute(Reassign("rao", "meh"))
    assert engine.next_in_turn("rao") is None
    assert engine.next_in_turn("meh").id == "T00002"  # type: ignore[union-attr]
    undone = engine.undo()
    assert undone[0] == Undone(NINE, "reassign", "3 of Dr Asha Rao's patients to Dr Vikram Mehta")
    assert {type(e) for e in undone[1:]} <= {TokenRestored, type(undone[-1])}
    assert snapshot(engine) == before
    assert engine.next_in_turn("rao").id == "T00002"  # type: ignore[union-attr]
    assert engine.next_in_turn("meh") is None
    replay = Engine(clock=SetClock(NINE))
    replay.apply_all([*clinic_events(), *events])
    assert replay.token("T00002").number == "MEH-003"


def clinic_events() -> list[object]:
    """Every event of ``rao_day`` and a check-in of Bala: a day to replay a reassignment on."""
    engine = Engine(clock=SetClock(NINE))
    out: list[object] = []
    out += engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    out += engine.add_doctor("meh", "Dr Vikram Mehta", "General medicine")
    out += engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    out += engine.add_slot("rao-10", "rao", "10:00", "11:00", 2)
    out += engine.add_slot("meh-09", "meh", "09:00", "10:00", 1)
    out += engine.add_slot("meh-10", "meh", "10:00", "12:00", 2)
    for slot_id, patient, source in [
        ("rao-10", "Asha", "walk-in"),
        ("rao-10", "Bala", "online"),
        ("rao-10", "Chitra", "walk-in"),
        ("meh-10", "Dev", "follow-up"),
        ("meh-10", "Esha", "walk-in"),
    ]:
        out += engine.execute(Book(slot_id, patient, source))
    out += engine.execute(CheckIn("T00002"))
    return out


def test_a_replayed_reassignment_equals_the_decided_one() -> None:
    engine = rao_day()
    engine.execute(CheckIn("T00002"))
    engine.execute(SetAway("rao", "10:00"))
    engine.execute(Reassign("rao", "meh"))
    events = clinic_events()
    events += [AwaySet(NINE, "rao", None, 600)]
    replay = Engine(clock=SetClock(NINE))
    replay.apply_all(events)  # type: ignore[arg-type]
    replay.apply_all(list(engine.last_action() or []))
    assert snapshot(replay) == snapshot(engine)


def test_a_rolled_back_reassignment_gives_the_same_numbers_again() -> None:
    engine = rao_day()
    before = snapshot(engine)
    engine.hold()
    engine.execute(Reassign("rao", "meh"))
    assert engine.roll_back()
    assert snapshot(engine) == before
    engine.execute(Book("meh-09", "Farah", "walk-in"))
    assert engine.token("T00006").number == "MEH-003"


def test_a_waitlisted_booking_keeps_its_identity() -> None:
    engine = clinic()
    engine.execute(Book("meh-09", "Asha", "walk-in"))
    events = engine.execute(Book("meh-09", "Bala", "walk-in", phone="9845012345"))
    assert events == [
        Waitlisted(NINE, "T00002", "meh-09", "MEH-002", "Bala", "walk-in", 1, 2, "9845012345", "")
    ]
