"""Unit tests for the allocation engine: every operation, every query, every refusal.

Each test sets up a small clinic on a fixed clock, does one thing, and asserts the exact outcome:
the whole list of events, and the exact booked list and waitlist of the slots involved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from opd_tui.engine import (
    DEFAULT_PRIORITIES,
    MAX_DELAY_MINUTES,
    Booked,
    Bumped,
    Cancelled,
    CapacityChanged,
    Conflict,
    Delayed,
    Doctor,
    DoctorAdded,
    Engine,
    Event,
    Invalid,
    MarkedNoShow,
    Moved,
    NotFound,
    OpdError,
    Preempted,
    Promoted,
    Served,
    Slot,
    SlotAdded,
    Source,
    Stats,
    Status,
    Token,
    Waitlisted,
)

NOW = datetime(2026, 11, 25, 8, 0)

EMERGENCY, PAID, FOLLOW_UP, ONLINE, WALK_IN = (
    Source.EMERGENCY,
    Source.PAID,
    Source.FOLLOW_UP,
    Source.ONLINE,
    Source.WALK_IN,
)
BOOKED, WAITING, SERVED, CANCELLED, NO_SHOW = (
    Status.BOOKED,
    Status.WAITING,
    Status.SERVED,
    Status.CANCELLED,
    Status.NO_SHOW,
)


@dataclass
class Clock:
    """A wall clock the test sets by hand; every event carries its reading."""

    now: datetime = field(default=NOW)

    def __call__(self) -> datetime:
        return self.now

    def set(self, hhmm: str) -> None:
        hours, minutes = map(int, hhmm.split(":"))
        self.now = self.now.replace(hour=hours, minute=minutes)


# ---------------------------------------------------------------------------------- helpers


def clinic(clock: Clock | None = None) -> Engine:
    """Cardiology (Dr Rao: 09:00 for 3, 10:00 for 2) and orthopaedics (Dr Mehta: 09:00 for 2)."""
    engine = Engine(clock=clock or Clock())
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    engine.add_doctor("mehta", "Dr Vikram Mehta", "Orthopaedics")
    engine.add_slot("rao-0900", "rao", "09:00", "10:00", 3)
    engine.add_slot("rao-1000", "rao", "10:00", "11:00", 2)
    engine.add_slot("mehta-0900", "mehta", "09:00", "10:00", 2)
    return engine


def busy_day(clock: Clock | None = None) -> Engine:
    """The clinic mid-morning, with a token in every status.

    rao-0900 (3 seats): Arjun served; Rohan (paid) and Meera (online) booked; Kabir (walk-in, who
    lost his seat to Rohan) and Isha (walk-in) waiting. rao-1000: Neel (emergency) booked.
    mehta-0900: Diya cancelled, Tara a no-show.
    """
    engine = clinic(clock)
    engine.book("rao-0900", "Kabir Singh", "walk-in")  # T00001
    engine.book("rao-0900", "Meera Nair", "online")  # T00002
    engine.book("rao-0900", "Arjun Das", "follow-up")  # T00003
    engine.book("rao-0900", "Isha Patel", "walk-in")  # T00004 waits
    engine.book("rao-0900", "Rohan Gupta", "paid")  # T00005 preempts Kabir
    engine.serve("T00003")
    engine.book("mehta-0900", "Diya Menon", "online")  # T00006
    engine.cancel("T00006")
    engine.book("mehta-0900", "Tara Bose", "walk-in")  # T00007
    engine.no_show("T00007")
    engine.book("rao-1000", "Neel Joshi", "emergency")  # T00008
    return engine


def snapshot(engine: Engine) -> tuple[Any, ...]:
    """Everything a caller can see: doctors, slots, tokens, every slot's view and every stat."""
    slot_ids = [slot.id for slot in engine.slots()]
    return (
        engine.doctors(),
        engine.slots(),
        engine.tokens(),
        [engine.slot_view(slot_id) for slot_id in slot_ids],
        [engine.slot_stats(slot_id) for slot_id in slot_ids],
        [engine.doctor_stats(doctor.id) for doctor in engine.doctors()],
        engine.day_stats(),
    )


def booked_ids(engine: Engine, slot_id: str) -> list[str]:
    return [seat.token.id for seat in engine.slot_view(slot_id).booked]


def waiting_ids(engine: Engine, slot_id: str) -> list[str]:
    return [token.id for token in engine.slot_view(slot_id).waiting]


def placed(
    kind: type[Booked] | type[Waitlisted],
    token_id: str,
    slot_id: str,
    number: str,
    patient: str,
    source: Source,
    arrival: int,
    priority: int | None = None,
) -> Booked | Waitlisted:
    """A ``Booked``/``Waitlisted`` event at NOW; priority defaults to the source's default."""
    level = DEFAULT_PRIORITIES[source] if priority is None else priority
    return kind(NOW, token_id, slot_id, number, patient, source, level, arrival)


# ---------------------------------------------------------------------------------- set-up


def test_add_doctor_reports_the_doctor_and_lists_them() -> None:
    engine = Engine(clock=Clock())
    events = engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    assert events == [DoctorAdded(NOW, "rao", "Dr Asha Rao", "Cardiology")]
    assert engine.doctors() == [Doctor("rao", "Dr Asha Rao", "Cardiology")]
    assert engine.doctor("rao") == Doctor("rao", "Dr Asha Rao", "Cardiology")


def test_add_doctor_trims_surrounding_spaces() -> None:
    engine = Engine(clock=Clock())
    events = engine.add_doctor(" khan ", "  Dr Sameer Khan ", " Dermatology")
    assert events == [DoctorAdded(NOW, "khan", "Dr Sameer Khan", "Dermatology")]
    assert engine.doctors() == [Doctor("khan", "Dr Sameer Khan", "Dermatology")]


def test_add_slot_reports_the_slot_and_keeps_each_doctors_slots_in_time_order() -> None:
    engine = clinic()
    events = engine.add_slot("rao-0800", "rao", "08:00", "08:30", 4)
    assert events == [SlotAdded(NOW, "rao-0800", "rao", "08:00", "08:30", 4)]
    assert engine.slot("rao-0800") == Slot("rao-0800", "rao", 480, 510, 4)
    assert [s.id for s in engine.slots("rao")] == ["rao-0800", "rao-0900", "rao-1000"]
    assert [s.id for s in engine.slots()] == ["rao-0900", "rao-1000", "mehta-0900", "rao-0800"]
    assert engine.slot_view("rao-0800").booked == ()
    assert engine.slot_stats("rao-0800") == Stats(capacity=4)


def test_back_to_back_slots_do_not_overlap_and_capacity_zero_is_allowed() -> None:
    engine = clinic()
    assert engine.add_slot("rao-1100", "rao", "11:00", "12:00", 0) == [
        SlotAdded(NOW, "rao-1100", "rao", "11:00", "12:00", 0)
    ]
    # The same hour at another doctor is fine too.
    assert engine.add_slot("mehta-1000", "mehta", "10:00", "11:00", 1) == [
        SlotAdded(NOW, "mehta-1000", "mehta", "10:00", "11:00", 1)
    ]


# ------------------------------------------------------------------------------------ book


def test_booking_into_a_free_seat_books_the_token() -> None:
    engine = clinic()
    events = engine.book("rao-0900", "Kabir Singh", "walk-in")
    assert events == [
        placed(Booked, "T00001", "rao-0900", "RAO-001", "Kabir Singh", WALK_IN, arrival=1)
    ]
    assert engine.token("T00001") == Token(
        "T00001", "RAO-001", "Kabir Singh", WALK_IN, 1, 1, "rao-0900", BOOKED, NOW
    )
    assert booked_ids(engine, "rao-0900") == ["T00001"]
    assert waiting_ids(engine, "rao-0900") == []


def test_token_ids_count_across_the_day_and_numbers_count_per_doctor() -> None:
    engine = clinic()
    engine.book("rao-0900", "Kabir Singh", "walk-in")
    engine.book("mehta-0900", "Diya Menon", "online")
    engine.book("rao-1000", "Meera Nair", "paid")
    assert [(t.id, t.number) for t in engine.tokens()] == [
        ("T00001", "RAO-001"),
        ("T00002", "MEHTA-001"),
        ("T00003", "RAO-002"),
    ]


def test_the_source_is_read_leniently_and_trimmed_patient_names_are_kept() -> None:
    engine = clinic()
    events = engine.book("rao-0900", "  Arjun Das ", " FOLLOW_UP")
    assert events == [
        placed(Booked, "T00001", "rao-0900", "RAO-001", "Arjun Das", FOLLOW_UP, arrival=1)
    ]


def test_booking_a_full_slot_at_equal_priority_waitlists_the_newcomer() -> None:
    engine = clinic()
    engine.book("mehta-0900", "Diya Menon", "online")
    engine.book("mehta-0900", "Tara Bose", "online")
    events = engine.book("mehta-0900", "Sai Reddy", "online")
    assert events == [
        placed(Waitlisted, "T00003", "mehta-0900", "MEHTA-003", "Sai Reddy", ONLINE, arrival=3)
    ]
    assert booked_ids(engine, "mehta-0900") == ["T00001", "T00002"]
    assert waiting_ids(engine, "mehta-0900") == ["T00003"]
    assert engine.token("T00003").status is WAITING


def test_booking_a_full_slot_at_lower_priority_waitlists_the_newcomer() -> None:
    engine = clinic()
    engine.book("mehta-0900", "Diya Menon", "online")
    engine.book("mehta-0900", "Tara Bose", "online")
    events = engine.book("mehta-0900", "Sai Reddy", "walk-in")
    assert events == [
        placed(Waitlisted, "T00003", "mehta-0900", "MEHTA-003", "Sai Reddy", WALK_IN, arrival=3)
    ]


def test_booking_a_full_slot_at_higher_priority_preempts_the_weakest() -> None:
    engine = clinic()
    engine.book("mehta-0900", "Diya Menon", "online")
    engine.book("mehta-0900", "Tara Bose", "walk-in")
    events = engine.book("mehta-0900", "Neel Joshi", "emergency")
    assert events == [
        Preempted(NOW, "T00002", "mehta-0900", "T00003", "emergency 5 > walk-in 1"),
        placed(Booked, "T00003", "mehta-0900", "MEHTA-003", "Neel Joshi", EMERGENCY, arrival=3),
    ]
    assert booked_ids(engine, "mehta-0900") == ["T00003", "T00001"]
    assert waiting_ids(engine, "mehta-0900") == ["T00002"]
    assert engine.token("T00002") == Token(
        "T00002", "MEHTA-002", "Tara Bose", WALK_IN, 1, 2, "mehta-0900", WAITING, NOW, 1
    )


def test_a_slot_with_no_seats_waitlists_even_an_emergency() -> None:
    engine = clinic()
    engine.add_slot("rao-1100", "rao", "11:00", "12:00", 0)
    events = engine.book("rao-1100", "Neel Joshi", "emergency")
    assert events == [
        placed(Waitlisted, "T00001", "rao-1100", "RAO-001", "Neel Joshi", EMERGENCY, arrival=1)
    ]


# ------------------------------------------------------------------------ cancel and no-show


def test_cancelling_a_booked_token_with_nobody_waiting_just_frees_the_seat() -> None:
    engine = clinic()
    engine.book("rao-0900", "Kabir Singh", "walk-in")
    assert engine.cancel("T00001") == [Cancelled(NOW, "T00001", "rao-0900", BOOKED)]
    assert engine.token("T00001").status is CANCELLED
    assert booked_ids(engine, "rao-0900") == []
    assert engine.slot_stats("rao-0900") == Stats(capacity=3, cancelled=1)


def test_cancelling_a_booked_token_promotes_the_best_waiting_into_its_seat() -> None:
    engine = busy_day()
    assert waiting_ids(engine, "rao-0900") == ["T00001", "T00004"]
    events = engine.cancel("T00002")
    assert events == [
        Cancelled(NOW, "T00002", "rao-0900", BOOKED),
        Promoted(NOW, "T00001", "rao-0900", "T00002"),
    ]
    assert booked_ids(engine, "rao-0900") == ["T00003", "T00005", "T00001"]
    assert waiting_ids(engine, "rao-0900") == ["T00004"]


def test_cancelling_a_waiting_token_promotes_nobody() -> None:
    engine = busy_day()
    events = engine.cancel("T00004")
    assert events == [Cancelled(NOW, "T00004", "rao-0900", WAITING)]
    assert booked_ids(engine, "rao-0900") == ["T00003", "T00005", "T00002"]
    assert waiting_ids(engine, "rao-0900") == ["T00001"]


def test_a_no_show_frees_the_seat_for_the_best_waiting() -> None:
    engine = busy_day()
    events = engine.no_show("T00005")
    assert events == [
        MarkedNoShow(NOW, "T00005", "rao-0900", BOOKED),
        Promoted(NOW, "T00001", "rao-0900", "T00005"),
    ]
    assert engine.token("T00005").status is NO_SHOW
    assert booked_ids(engine, "rao-0900") == ["T00003", "T00002", "T00001"]
    assert waiting_ids(engine, "rao-0900") == ["T00004"]
    assert engine.slot_stats("rao-0900").no_shows == 1


def test_a_waiting_token_can_be_marked_no_show() -> None:
    engine = busy_day()
    assert engine.no_show("T00001") == [MarkedNoShow(NOW, "T00001", "rao-0900", WAITING)]
    assert waiting_ids(engine, "rao-0900") == ["T00004"]


# ------------------------------------------------------------------------------------ serve


def test_serving_keeps_the_seat_and_lists_the_served_first() -> None:
    engine = clinic()
    engine.book("rao-0900", "Kabir Singh", "walk-in")
    engine.book("rao-0900", "Meera Nair", "paid")
    assert engine.serve("T00001") == [Served(NOW, "T00001", "rao-0900")]
    assert engine.token("T00001").status is SERVED
    assert booked_ids(engine, "rao-0900") == ["T00001", "T00002"]
    assert engine.slot_stats("rao-0900") == Stats(capacity=3, booked=1, served=1)


def test_a_served_token_is_never_the_one_preempted() -> None:
    engine = clinic()
    engine.book("mehta-0900", "Tara Bose", "walk-in")
    engine.book("mehta-0900", "Diya Menon", "online")
    engine.serve("T00001")
    events = engine.book("mehta-0900", "Neel Joshi", "emergency")
    assert events == [
        Preempted(NOW, "T00002", "mehta-0900", "T00003", "emergency 5 > online 2"),
        placed(Booked, "T00003", "mehta-0900", "MEHTA-003", "Neel Joshi", EMERGENCY, arrival=3),
    ]
    assert booked_ids(engine, "mehta-0900") == ["T00001", "T00003"]
    assert waiting_ids(engine, "mehta-0900") == ["T00002"]


def test_a_slot_full_of_served_patients_waitlists_an_emergency() -> None:
    engine = clinic()
    engine.book("mehta-0900", "Tara Bose", "walk-in")
    engine.book("mehta-0900", "Diya Menon", "online")
    engine.serve("T00001")
    engine.serve("T00002")
    events = engine.book("mehta-0900", "Neel Joshi", "emergency")
    assert events == [
        placed(Waitlisted, "T00003", "mehta-0900", "MEHTA-003", "Neel Joshi", EMERGENCY, arrival=3)
    ]


# ------------------------------------------------------------------------------------- bump


def full_slot_with_a_waiting_walk_in() -> Engine:
    """mehta-0900 (2 seats): Diya and Tara (online) booked; Sai (walk-in) waiting."""
    engine = clinic()
    engine.book("mehta-0900", "Diya Menon", "online")
    engine.book("mehta-0900", "Tara Bose", "online")
    engine.book("mehta-0900", "Sai Reddy", "walk-in")
    return engine


def test_bumping_a_waiting_token_up_one_class_to_a_tie_does_not_preempt() -> None:
    engine = full_slot_with_a_waiting_walk_in()
    assert engine.bump("T00003") == [Bumped(NOW, "T00003", "mehta-0900", 1, 2)]
    assert engine.token("T00003").priority == 2
    assert engine.token("T00003").source is WALK_IN
    assert booked_ids(engine, "mehta-0900") == ["T00001", "T00002"]
    assert waiting_ids(engine, "mehta-0900") == ["T00003"]


def test_bumping_a_waiting_token_above_the_weakest_swaps_them() -> None:
    engine = full_slot_with_a_waiting_walk_in()
    engine.bump("T00003")
    events = engine.bump("T00003", up=True)
    assert events == [
        Bumped(NOW, "T00003", "mehta-0900", 2, 3),
        Preempted(NOW, "T00002", "mehta-0900", "T00003", "walk-in, raised to 3 > online 2"),
        Promoted(NOW, "T00003", "mehta-0900", "T00002"),
    ]
    assert booked_ids(engine, "mehta-0900") == ["T00003", "T00001"]
    assert waiting_ids(engine, "mehta-0900") == ["T00002"]
    assert engine.slot_stats("mehta-0900") == Stats(
        capacity=2, booked=2, waiting=1, preemptions=1, promotions=1
    )


def test_bumping_a_token_to_a_sources_priority() -> None:
    engine = full_slot_with_a_waiting_walk_in()
    events = engine.bump("T00003", to="emergency")
    assert events == [
        Bumped(NOW, "T00003", "mehta-0900", 1, 5),
        Preempted(NOW, "T00002", "mehta-0900", "T00003", "walk-in, raised to 5 > online 2"),
        Promoted(NOW, "T00003", "mehta-0900", "T00002"),
    ]


def test_bumping_a_booked_token_down_below_the_best_waiting_lets_it_in() -> None:
    engine = clinic()
    engine.book("mehta-0900", "Diya Menon", "online")
    engine.book("mehta-0900", "Tara Bose", "online")
    engine.book("mehta-0900", "Sai Reddy", "online")
    events = engine.bump("T00001", up=False)
    assert events == [
        Bumped(NOW, "T00001", "mehta-0900", 2, 1),
        Preempted(NOW, "T00001", "mehta-0900", "T00003", "online 2 > online, lowered to 1"),
        Promoted(NOW, "T00003", "mehta-0900", "T00001"),
    ]
    assert booked_ids(engine, "mehta-0900") == ["T00002", "T00003"]
    assert waiting_ids(engine, "mehta-0900") == ["T00001"]


def test_bumping_a_booked_token_up_or_a_waiting_token_down_changes_no_seats() -> None:
    engine = full_slot_with_a_waiting_walk_in()
    assert engine.bump("T00002", to="paid") == [Bumped(NOW, "T00002", "mehta-0900", 2, 4)]
    assert booked_ids(engine, "mehta-0900") == ["T00002", "T00001"]
    assert waiting_ids(engine, "mehta-0900") == ["T00003"]
    engine.bump("T00003")  # walk-in → 2
    assert engine.bump("T00003", up=False) == [Bumped(NOW, "T00003", "mehta-0900", 2, 1)]
    assert waiting_ids(engine, "mehta-0900") == ["T00003"]


def test_bumping_with_a_free_seat_changes_only_the_order() -> None:
    engine = clinic()
    engine.book("rao-0900", "Kabir Singh", "walk-in")
    engine.book("rao-0900", "Meera Nair", "online")
    assert engine.bump("T00001", to="paid") == [Bumped(NOW, "T00001", "rao-0900", 1, 4)]
    assert booked_ids(engine, "rao-0900") == ["T00001", "T00002"]
    assert waiting_ids(engine, "rao-0900") == []


def test_a_raised_token_that_ties_and_came_first_says_it_was_raised() -> None:
    engine = clinic()
    engine.add_slot("mehta-1000", "mehta", "10:00", "11:00", 1)
    engine.book("mehta-1000", "Sai Reddy", "walk-in")
    [preempted, _] = engine.book("mehta-1000", "Diya Menon", "online")
    assert preempted.reason == "online 2 > walk-in 1"
    assert engine.bump("T00001") == [
        Bumped(NOW, "T00001", "mehta-1000", 1, 2),
        Preempted(
            NOW,
            "T00002",
            "mehta-1000",
            "T00001",
            "walk-in, raised to 2 = online 2, arrived earlier",
        ),
        Promoted(NOW, "T00001", "mehta-1000", "T00002"),
    ]


def test_a_lowered_token_that_loses_its_seat_says_it_was_lowered() -> None:
    engine = clinic()
    engine.add_slot("mehta-1000", "mehta", "10:00", "11:00", 1)
    engine.book("mehta-1000", "Rohan Gupta", "paid")
    assert engine.bump("T00001", up=False) == [Bumped(NOW, "T00001", "mehta-1000", 4, 3)]
    assert engine.book("mehta-1000", "Neel Joshi", "emergency") == [
        Preempted(NOW, "T00001", "mehta-1000", "T00002", "emergency 5 > paid, lowered to 3"),
        placed(Booked, "T00002", "mehta-1000", "MEHTA-002", "Neel Joshi", EMERGENCY, arrival=2),
    ]


def test_a_bump_is_measured_against_the_clinics_own_ranks() -> None:
    engine = Engine(clock=Clock(), priorities={"walk-in": 3})
    engine.add_doctor("mehta", "Dr Vikram Mehta", "Orthopaedics")
    engine.add_slot("mehta-0900", "mehta", "09:00", "10:00", 1)
    engine.book("mehta-0900", "Diya Menon", "online")
    [preempted, _] = engine.book("mehta-0900", "Sai Reddy", "walk-in")
    assert preempted.reason == "walk-in 3 > online 2"


# ------------------------------------------------------------------------------------- move


def test_moving_a_booked_token_promotes_in_its_old_slot_and_books_it_anew() -> None:
    engine = busy_day()
    events = engine.move("T00002", "rao-1000")
    assert events == [
        Moved(NOW, "T00002", "rao-0900", "rao-1000"),
        Promoted(NOW, "T00001", "rao-0900", "T00002"),
        placed(Booked, "T00002", "rao-1000", "RAO-002", "Meera Nair", ONLINE, arrival=9),
    ]
    assert engine.token("T00002") == Token(
        "T00002", "RAO-002", "Meera Nair", ONLINE, 2, 9, "rao-1000", BOOKED, NOW
    )
    assert booked_ids(engine, "rao-0900") == ["T00003", "T00005", "T00001"]
    assert booked_ids(engine, "rao-1000") == ["T00008", "T00002"]


def test_moving_to_another_doctor_gives_a_new_number() -> None:
    engine = busy_day()
    events = engine.move("T00004", "mehta-0900")
    assert events == [
        Moved(NOW, "T00004", "rao-0900", "mehta-0900"),
        placed(Booked, "T00004", "mehta-0900", "MEHTA-003", "Isha Patel", WALK_IN, arrival=9),
    ]
    assert waiting_ids(engine, "rao-0900") == ["T00001"]
    assert booked_ids(engine, "mehta-0900") == ["T00004"]


def test_a_moved_token_is_a_new_arrival_and_waits_behind_equals() -> None:
    engine = busy_day()
    engine.book("rao-1000", "Sai Reddy", "walk-in")  # T00009 fills rao-1000
    events = engine.move("T00004", "rao-1000")
    assert events == [
        Moved(NOW, "T00004", "rao-0900", "rao-1000"),
        placed(Waitlisted, "T00004", "rao-1000", "RAO-004", "Isha Patel", WALK_IN, arrival=10),
    ]
    assert booked_ids(engine, "rao-1000") == ["T00008", "T00009"]
    assert waiting_ids(engine, "rao-1000") == ["T00004"]


def test_moving_into_a_full_slot_at_higher_priority_preempts_there() -> None:
    engine = busy_day()
    engine.book("rao-1000", "Sai Reddy", "walk-in")  # T00009 fills rao-1000
    events = engine.move("T00005", "rao-1000")
    assert events == [
        Moved(NOW, "T00005", "rao-0900", "rao-1000"),
        Promoted(NOW, "T00001", "rao-0900", "T00005"),
        Preempted(NOW, "T00009", "rao-1000", "T00005", "paid 4 > walk-in 1"),
        placed(Booked, "T00005", "rao-1000", "RAO-005", "Rohan Gupta", PAID, arrival=10),
    ]
    assert booked_ids(engine, "rao-1000") == ["T00008", "T00005"]
    assert waiting_ids(engine, "rao-1000") == ["T00009"]


# ----------------------------------------------------------------------------- set_capacity


def test_raising_capacity_promotes_the_best_waiting_in_order() -> None:
    engine = busy_day()
    events = engine.set_capacity("rao-0900", 5)
    assert events == [
        CapacityChanged(NOW, "rao-0900", 3, 5),
        Promoted(NOW, "T00001", "rao-0900", None),
        Promoted(NOW, "T00004", "rao-0900", None),
    ]
    assert engine.slot("rao-0900").capacity == 5
    assert booked_ids(engine, "rao-0900") == ["T00003", "T00005", "T00002", "T00001", "T00004"]
    assert waiting_ids(engine, "rao-0900") == []


def test_raising_capacity_with_nobody_waiting_promotes_nobody() -> None:
    engine = busy_day()
    events = engine.set_capacity("rao-1000", 4)
    assert events == [CapacityChanged(NOW, "rao-1000", 2, 4)]


def test_cutting_capacity_preempts_the_weakest_first() -> None:
    engine = clinic()
    engine.book("rao-0900", "Kabir Singh", "walk-in")
    engine.book("rao-0900", "Meera Nair", "online")
    engine.book("rao-0900", "Isha Patel", "walk-in")
    events = engine.set_capacity("rao-0900", 1)
    assert events == [
        CapacityChanged(NOW, "rao-0900", 3, 1),
        Preempted(NOW, "T00003", "rao-0900", None, "capacity cut to 1"),
        Preempted(NOW, "T00001", "rao-0900", None, "capacity cut to 1"),
    ]
    assert booked_ids(engine, "rao-0900") == ["T00002"]
    assert waiting_ids(engine, "rao-0900") == ["T00001", "T00003"]


def test_cutting_capacity_below_the_served_keeps_them_and_preempts_every_booked() -> None:
    engine = busy_day()
    events = engine.set_capacity("rao-0900", 0)
    assert events == [
        CapacityChanged(NOW, "rao-0900", 3, 0),
        Preempted(NOW, "T00002", "rao-0900", None, "capacity cut to 0"),
        Preempted(NOW, "T00005", "rao-0900", None, "capacity cut to 0"),
    ]
    assert booked_ids(engine, "rao-0900") == ["T00003"]
    assert waiting_ids(engine, "rao-0900") == ["T00005", "T00002", "T00001", "T00004"]
    assert engine.slot_stats("rao-0900") == Stats(capacity=0, waiting=4, served=1, preemptions=3)


def test_setting_the_same_capacity_is_a_quiet_no_op() -> None:
    engine = busy_day()
    before = snapshot(engine)
    assert engine.set_capacity("rao-0900", 3) == []
    assert snapshot(engine) == before


# ------------------------------------------------------------------------------------ delay


def test_a_delay_shifts_every_remaining_slot_and_its_estimates() -> None:
    engine = busy_day()
    events = engine.delay("rao", 15)
    assert events == [Delayed(NOW, "rao", 15, ("rao-0900", "rao-1000"))]
    assert [s.delay for s in engine.slots("rao")] == [15, 15]
    assert engine.slot("mehta-0900").delay == 0
    estimates = [seat.estimate for seat in engine.slot_view("rao-0900").booked]
    assert estimates == ["09:15", "09:35", "09:55"]


def test_a_delay_skips_slots_already_over() -> None:
    clock = Clock()
    engine = busy_day(clock)
    clock.set("10:00")
    events = engine.delay("rao", 10)
    assert events == [Delayed(clock.now, "rao", 10, ("rao-1000",))]
    assert [s.delay for s in engine.slots("rao")] == [0, 10]


def test_a_slot_running_late_is_not_over_yet() -> None:
    clock = Clock()
    engine = busy_day(clock)
    engine.delay("rao", 20)
    clock.set("10:10")
    assert engine.delay("rao", 5) == [Delayed(clock.now, "rao", 5, ("rao-0900", "rao-1000"))]


def test_a_negative_delay_brings_estimates_back_but_not_before_the_schedule() -> None:
    engine = busy_day()
    engine.delay("rao", 15)
    assert engine.delay("rao", -15) == [Delayed(NOW, "rao", -15, ("rao-0900", "rao-1000"))]
    assert [s.delay for s in engine.slots("rao")] == [0, 0]


def test_a_delay_may_be_half_a_day_either_way() -> None:
    assert MAX_DELAY_MINUTES == 720
    engine = busy_day()
    assert engine.delay("rao", 720) == [Delayed(NOW, "rao", 720, ("rao-0900", "rao-1000"))]
    assert engine.delay("rao", -720) == [Delayed(NOW, "rao", -720, ("rao-0900", "rao-1000"))]
    assert [s.delay for s in engine.slots("rao")] == [0, 0]


def test_delays_add_up_to_half_a_day_at_most() -> None:
    engine = busy_day()
    engine.delay("rao", 700)
    before = snapshot(engine)
    with pytest.raises(Invalid) as raised:
        engine.delay("rao", 30)
    assert str(raised.value) == (
        "Dr Asha Rao 09:00 would run more than 720 minutes late (it is 700 late already)"
    )
    assert snapshot(engine) == before
    assert engine.delay("rao", 20) == [Delayed(NOW, "rao", 20, ("rao-0900", "rao-1000"))]


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "0"), (721, "721"), (-721, "-721"), (1440, "1440"), (True, "True"), (2.5, "2.5"),
     (15.0, "15.0"), ("15", "'15'"), (None, "None")],
)  # fmt: skip
def test_a_delay_must_be_whole_minutes_within_half_a_day(minutes: Any, shown: str) -> None:
    engine = busy_day()
    engine.delay("rao", 720)
    before = snapshot(engine)
    with pytest.raises(Invalid) as raised:
        engine.delay("rao", minutes)
    assert str(raised.value) == (
        f"delay must be a whole number of minutes from -720 to 720, other than 0; not {shown}"
    )
    assert snapshot(engine) == before


# ---------------------------------------------------------------------------------- queries


def test_estimated_times_are_start_plus_delay_plus_position_times_length_over_capacity() -> None:
    engine = clinic()
    engine.add_slot("mehta-1000", "mehta", "10:00", "11:00", 4)
    for name in ("Kabir Singh", "Meera Nair", "Arjun Das"):
        engine.book("mehta-1000", name, "online")
    view = engine.slot_view("mehta-1000")
    assert [(s.position, s.estimate, s.token.id) for s in view.booked] == [
        (0, "10:00", "T00001"),
        (1, "10:15", "T00002"),
        (2, "10:30", "T00003"),
    ]
    engine.delay("mehta", 7)
    assert [s.estimate for s in engine.slot_view("mehta-1000").booked] == [
        "10:07",
        "10:22",
        "10:37",
    ]


def test_slot_view_lists_served_then_booked_by_rank_then_the_waitlist_by_rank() -> None:
    engine = busy_day()
    view = engine.slot_view("rao-0900")
    assert view.slot == Slot("rao-0900", "rao", 540, 600, 3)
    assert [(s.token.id, s.token.status) for s in view.booked] == [
        ("T00003", SERVED),
        ("T00005", BOOKED),
        ("T00002", BOOKED),
    ]
    assert [s.estimate for s in view.booked] == ["09:00", "09:20", "09:40"]
    assert [(t.id, t.status, t.preemptions) for t in view.waiting] == [
        ("T00001", WAITING, 1),
        ("T00004", WAITING, 0),
    ]


def test_doctors_and_slots_are_listed_in_order() -> None:
    engine = busy_day()
    assert engine.doctors() == [
        Doctor("rao", "Dr Asha Rao", "Cardiology"),
        Doctor("mehta", "Dr Vikram Mehta", "Orthopaedics"),
    ]
    assert engine.slots("rao") == [
        Slot("rao-0900", "rao", 540, 600, 3),
        Slot("rao-1000", "rao", 600, 660, 2),
    ]
    assert engine.slots("mehta") == [Slot("mehta-0900", "mehta", 540, 600, 2)]
    assert [s.id for s in engine.slots()] == ["rao-0900", "rao-1000", "mehta-0900"]
    assert engine.slot("rao-1000").label == "10:00–11:00"


def test_a_token_is_found_by_id_and_tokens_come_in_arrival_order() -> None:
    engine = busy_day()
    assert engine.token("T00007") == Token(
        "T00007", "MEHTA-002", "Tara Bose", WALK_IN, 1, 7, "mehta-0900", NO_SHOW, NOW
    )
    assert [(t.id, t.status) for t in engine.tokens()] == [
        ("T00001", WAITING),
        ("T00002", BOOKED),
        ("T00003", SERVED),
        ("T00004", WAITING),
        ("T00005", BOOKED),
        ("T00006", CANCELLED),
        ("T00007", NO_SHOW),
        ("T00008", BOOKED),
    ]


def test_queries_hand_out_copies_that_cannot_bend_the_state() -> None:
    engine = busy_day()
    before = snapshot(engine)
    token = engine.token("T00002")
    token.priority = 99
    token.status = CANCELLED
    engine.tokens()[0].slot_id = "mehta-0900"
    engine.slot("rao-0900").capacity = 0
    engine.slots("rao")[1].delay = 60
    engine.slot_view("rao-0900").booked[0].token.status = WAITING
    assert snapshot(engine) == before


def test_find_matches_the_starts_of_name_words_ignoring_case() -> None:
    engine = busy_day()
    assert [t.patient for t in engine.find("isha")] == ["Isha Patel"]
    assert [t.patient for t in engine.find("  ISHA ")] == ["Isha Patel"]
    assert [t.patient for t in engine.find("ar")] == ["Arjun Das"]
    assert [t.id for t in engine.find("ROHAN gup")] == ["T00005"]
    assert [t.id for t in engine.find("gup rohan")] == ["T00005"]
    assert engine.find("sha") == []  # inside a word: not a start
    assert engine.find("") == []
    assert engine.find("   ") == []
    assert engine.find("zz") == []


def test_stats_per_slot_per_doctor_and_for_the_day() -> None:
    engine = busy_day()
    assert engine.slot_stats("rao-0900") == Stats(
        capacity=3, booked=2, waiting=2, served=1, preemptions=1
    )
    assert engine.slot_stats("rao-1000") == Stats(capacity=2, booked=1)
    assert engine.slot_stats("mehta-0900") == Stats(capacity=2, no_shows=1, cancelled=1)
    assert engine.doctor_stats("rao") == Stats(
        capacity=5, booked=3, waiting=2, served=1, preemptions=1
    )
    assert engine.doctor_stats("mehta") == Stats(capacity=2, no_shows=1, cancelled=1)
    assert engine.day_stats() == Stats(
        capacity=7, booked=3, waiting=2, served=1, no_shows=1, cancelled=1, preemptions=1
    )
    assert engine.slot_stats("rao-0900").utilisation == 1.0
    assert engine.slot_stats("rao-1000").utilisation == 0.5
    assert engine.slot_stats("mehta-0900").utilisation == 0.0
    assert engine.doctor_stats("rao").utilisation == 0.8
    assert engine.day_stats().utilisation == 4 / 7


def test_promotions_are_counted_per_slot() -> None:
    engine = busy_day()
    engine.cancel("T00005")
    engine.set_capacity("rao-0900", 4)
    assert engine.slot_stats("rao-0900") == Stats(
        capacity=4, booked=3, served=1, cancelled=1, preemptions=1, promotions=2
    )
    assert engine.slot_stats("rao-0900").utilisation == 1.0


def test_a_slot_without_seats_has_zero_utilisation() -> None:
    engine = clinic()
    engine.add_slot("rao-1100", "rao", "11:00", "12:00", 0)
    assert engine.slot_stats("rao-1100").utilisation == 0.0


# ----------------------------------------------------------------------------------- replay


def record_busy_day() -> tuple[Engine, list[Event]]:
    """The busy day's morning plus a move, a bump, a capacity change and a delay, recorded."""
    engine = Engine(clock=Clock())
    events: list[Event] = []
    events += engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    events += engine.add_doctor("mehta", "Dr Vikram Mehta", "Orthopaedics")
    events += engine.add_slot("rao-0900", "rao", "09:00", "10:00", 3)
    events += engine.add_slot("rao-1000", "rao", "10:00", "11:00", 2)
    events += engine.add_slot("mehta-0900", "mehta", "09:00", "10:00", 2)
    for slot_id, patient, source in (
        ("rao-0900", "Kabir Singh", "walk-in"),
        ("rao-0900", "Meera Nair", "online"),
        ("rao-0900", "Arjun Das", "follow-up"),
        ("rao-0900", "Isha Patel", "walk-in"),
        ("rao-0900", "Rohan Gupta", "paid"),
        ("mehta-0900", "Diya Menon", "online"),
        ("mehta-0900", "Tara Bose", "walk-in"),
        ("rao-1000", "Neel Joshi", "emergency"),
        ("rao-1000", "Sai Reddy", "walk-in"),
    ):
        events += engine.book(slot_id, patient, source)
    events += engine.serve("T00003")
    events += engine.cancel("T00006")
    events += engine.no_show("T00007")
    events += engine.move("T00005", "rao-1000")
    events += engine.move("T00004", "mehta-0900")
    events += engine.bump("T00009", to="emergency")
    events += engine.set_capacity("rao-0900", 1)
    events += engine.set_capacity("mehta-0900", 3)
    events += engine.delay("rao", 10)
    return engine, events


def test_apply_all_rebuilds_the_same_day_from_its_events() -> None:
    original, events = record_busy_day()
    replica = Engine(clock=Clock())
    replica.apply_all(events)
    assert snapshot(replica) == snapshot(original)


def test_apply_one_event_at_a_time_gives_the_same_day() -> None:
    original, events = record_busy_day()
    replica = Engine(clock=Clock())
    for event in events:
        replica.apply(event)
    assert snapshot(replica) == snapshot(original)


def test_a_replayed_day_carries_on_with_the_same_ids_and_numbers() -> None:
    original, events = record_busy_day()
    replica = Engine(clock=Clock())
    replica.apply_all(events)
    for engine in (original, replica):
        engine.book("rao-1000", "Tara Bose", "paid")
        engine.move("T00008", "mehta-0900")
    assert replica.book("rao-0900", "Aditi Rajan", "online") == original.book(
        "rao-0900", "Aditi Rajan", "online"
    )
    assert snapshot(replica) == snapshot(original)


def test_replaying_an_unknown_kind_of_event_is_refused() -> None:
    engine = Engine(clock=Clock())
    with pytest.raises(Invalid):
        engine.apply(Event(NOW))


# --------------------------------------------------------------------------------- refusals


Action = Callable[[Engine], object]

REFUSALS: list[tuple[str, type[OpdError], Action]] = [
    # unknown ids
    ("book into an unknown slot", NotFound, lambda e: e.book("rao-1200", "Sai Reddy", "online")),
    ("cancel an unknown token", NotFound, lambda e: e.cancel("T99999")),
    ("no-show an unknown token", NotFound, lambda e: e.no_show("T99999")),
    ("serve an unknown token", NotFound, lambda e: e.serve("T99999")),
    ("bump an unknown token", NotFound, lambda e: e.bump("T99999")),
    ("move an unknown token", NotFound, lambda e: e.move("T99999", "rao-1000")),
    ("move into an unknown slot", NotFound, lambda e: e.move("T00002", "rao-1200")),
    ("resize an unknown slot", NotFound, lambda e: e.set_capacity("rao-1200", 4)),
    ("delay an unknown doctor", NotFound, lambda e: e.delay("iyer", 10)),
    (
        "add a slot for an unknown doctor",
        NotFound,
        lambda e: e.add_slot("iyer-0900", "iyer", "09:00", "10:00", 2),
    ),
    ("look up an unknown token", NotFound, lambda e: e.token("T99999")),
    ("look up an unknown slot", NotFound, lambda e: e.slot("rao-1200")),
    ("view an unknown slot", NotFound, lambda e: e.slot_view("rao-1200")),
    ("stats of an unknown slot", NotFound, lambda e: e.slot_stats("rao-1200")),
    ("stats of an unknown doctor", NotFound, lambda e: e.doctor_stats("iyer")),
    ("slots of an unknown doctor", NotFound, lambda e: e.slots("iyer")),
    ("look up an unknown doctor", NotFound, lambda e: e.doctor("iyer")),
    # duplicate ids
    (
        "add a doctor twice",
        Conflict,
        lambda e: e.add_doctor("rao", "Dr Asha Rao", "Cardiology"),
    ),
    (
        "reuse a slot id, even for another doctor",
        Conflict,
        lambda e: e.add_slot("rao-0900", "mehta", "11:00", "12:00", 2),
    ),
    # malformed set-up
    (
        "a negative capacity",
        Invalid,
        lambda e: e.add_slot("rao-1100", "rao", "11:00", "12:00", -1),
    ),
    (
        "a fractional capacity",
        Invalid,
        lambda e: e.add_slot("rao-1100", "rao", "11:00", "12:00", 2.5),  # type: ignore[arg-type]
    ),
    (
        "an end equal to the start",
        Invalid,
        lambda e: e.add_slot("rao-1100", "rao", "11:00", "11:00", 2),
    ),
    (
        "an end before the start",
        Invalid,
        lambda e: e.add_slot("rao-1100", "rao", "12:00", "11:00", 2),
    ),
    (
        "a time that is not HH:MM",
        Invalid,
        lambda e: e.add_slot("rao-1100", "rao", "11am", "12:00", 2),
    ),
    ("an hour past 23", Invalid, lambda e: e.add_slot("rao-1100", "rao", "11:00", "24:00", 2)),
    (
        "a slot overlapping the doctor's own",
        Conflict,
        lambda e: e.add_slot("rao-0930", "rao", "09:30", "10:30", 2),
    ),
    (
        "a slot inside the doctor's own",
        Conflict,
        lambda e: e.add_slot("rao-0915", "rao", "09:15", "09:45", 2),
    ),
    ("a blank doctor name", Invalid, lambda e: e.add_doctor("iyer", "  ", "Paediatrics")),
    ("a blank specialty", Invalid, lambda e: e.add_doctor("iyer", "Dr Priya Iyer", "")),
    ("a doctor id with a space", Invalid, lambda e: e.add_doctor("dr iyer", "Dr Priya", "Paeds")),
    ("a blank slot id", Invalid, lambda e: e.add_slot(" ", "rao", "11:00", "12:00", 2)),
    # malformed bookings
    ("an empty patient name", Invalid, lambda e: e.book("rao-1000", "", "online")),
    ("a blank patient name", Invalid, lambda e: e.book("rao-1000", "   ", "online")),
    ("an unknown source", Invalid, lambda e: e.book("rao-1000", "Sai Reddy", "vip")),
    ("bump to an unknown source", Invalid, lambda e: e.bump("T00002", to="vip")),
    ("a negative capacity change", Invalid, lambda e: e.set_capacity("rao-0900", -1)),
    ("a capacity of True", Invalid, lambda e: e.set_capacity("rao-0900", True)),
    # acting on closed tokens
    ("cancel a served token", Conflict, lambda e: e.cancel("T00003")),
    ("cancel a cancelled token", Conflict, lambda e: e.cancel("T00006")),
    ("cancel a no-show", Conflict, lambda e: e.cancel("T00007")),
    ("no-show a served token", Conflict, lambda e: e.no_show("T00003")),
    ("no-show a cancelled token", Conflict, lambda e: e.no_show("T00006")),
    ("no-show a no-show", Conflict, lambda e: e.no_show("T00007")),
    ("serve a served token", Conflict, lambda e: e.serve("T00003")),
    ("serve a cancelled token", Conflict, lambda e: e.serve("T00006")),
    ("serve a no-show", Conflict, lambda e: e.serve("T00007")),
    ("serve a waiting token", Conflict, lambda e: e.serve("T00001")),
    ("bump a served token", Conflict, lambda e: e.bump("T00003")),
    ("bump a cancelled token", Conflict, lambda e: e.bump("T00006", to="paid")),
    ("bump a no-show", Conflict, lambda e: e.bump("T00007", up=False)),
    ("move a served token", Conflict, lambda e: e.move("T00003", "rao-1000")),
    ("move a cancelled token", Conflict, lambda e: e.move("T00006", "rao-1000")),
    ("move a no-show", Conflict, lambda e: e.move("T00007", "rao-1000")),
    # moves and bumps that cannot be
    ("move a booked token into its own slot", Conflict, lambda e: e.move("T00002", "rao-0900")),
    ("move a waiting token into its own slot", Conflict, lambda e: e.move("T00004", "rao-0900")),
    ("bump an emergency up", Conflict, lambda e: e.bump("T00008")),
    ("bump a walk-in down", Conflict, lambda e: e.bump("T00004", up=False)),
    ("bump to the priority it has", Conflict, lambda e: e.bump("T00002", to="online")),
    # delays
    ("a delay of zero", Invalid, lambda e: e.delay("rao", 0)),
    ("a delay of True", Invalid, lambda e: e.delay("rao", True)),
    ("a fractional delay", Invalid, lambda e: e.delay("rao", 2.5)),  # type: ignore[arg-type]
    ("a delay before the schedule", Invalid, lambda e: e.delay("rao", -5)),
    ("a delay of a whole day", Invalid, lambda e: e.delay("rao", 1440)),
    ("a delay of more than half a day early", Invalid, lambda e: e.delay("rao", -721)),
    ("a delay in a string", Invalid, lambda e: e.delay("rao", "15")),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(
    ("error", "action"),
    [(error, action) for _, error, action in REFUSALS],
    ids=[name for name, _, _ in REFUSALS],
)
def test_a_refusal_raises_its_error_and_changes_nothing(
    error: type[OpdError], action: Action
) -> None:
    engine, control = busy_day(), busy_day()
    before = snapshot(engine)
    with pytest.raises(OpdError) as raised:
        action(engine)
    assert type(raised.value) is error
    assert str(raised.value)
    assert snapshot(engine) == before == snapshot(control)
    # Nothing hidden moved either: the next token gets the id and number it would have got.
    probe = ("rao-1000", "Aditi Rajan", "follow-up")
    assert engine.book(*probe) == control.book(*probe)
    assert engine.move("T00004", "mehta-0900") == control.move("T00004", "mehta-0900")


MESSAGES: list[tuple[str, Action, str]] = [
    # what is there is named as people name it: a slot by doctor and time, a token by number
    (
        "move into its own slot",
        lambda e: e.move("T00002", "rao-0900"),
        "RAO-002 is already in Dr Asha Rao 09:00",
    ),
    (
        "move a waiting token into its own slot",
        lambda e: e.move("T00001", "rao-0900"),
        "RAO-001 is already in Dr Asha Rao 09:00",
    ),
    (
        "a delay before the schedule",
        lambda e: e.delay("rao", -5),
        "Dr Asha Rao 09:00 would start before its scheduled time",
    ),
    (
        "a slot overlapping the doctor's own",
        lambda e: e.add_slot("rao-0930", "rao", "09:30", "10:30", 2),
        "slot rao-0930 overlaps Dr Asha Rao 09:00–10:00",
    ),
    (
        "a slot inside the doctor's own",
        lambda e: e.add_slot("rao-1015", "rao", "10:15", "10:45", 2),
        "slot rao-1015 overlaps Dr Asha Rao 10:00–11:00",
    ),
    (
        "serve a waiting token",
        lambda e: e.serve("T00001"),
        "RAO-001 is on the waitlist; only a booked token can be served",
    ),
    ("cancel a served token", lambda e: e.cancel("T00003"), "cannot cancel RAO-003: it is served"),
    (
        "no-show a cancelled token",
        lambda e: e.no_show("T00006"),
        "cannot mark as no-show MEHTA-001: it is cancelled",
    ),
    (
        "bump an emergency up",
        lambda e: e.bump("T00008"),
        "RAO-006 is already at the highest priority (5)",
    ),
    (
        "bump to the priority it has",
        lambda e: e.bump("T00002", to="online"),
        "RAO-002 already has priority 2",
    ),
    # what the caller typed and is not there, or is there twice, is named as typed
    (
        "book into an unknown slot",
        lambda e: e.book("rao-1200", "Sai", "online"),
        "unknown slot 'rao-1200'",
    ),
    ("delay an unknown doctor", lambda e: e.delay("iyer", 10), "unknown doctor 'iyer'"),
    ("cancel an unknown token", lambda e: e.cancel("T99999"), "unknown token 'T99999'"),
    (
        "add a doctor twice",
        lambda e: e.add_doctor("rao", "Dr Asha Rao", "Cardiology"),
        "doctor 'rao' already exists",
    ),
    (
        "reuse a slot id",
        lambda e: e.add_slot("rao-0900", "mehta", "11:00", "12:00", 2),
        "slot 'rao-0900' already exists",
    ),
]


@pytest.mark.parametrize(
    ("action", "message"),
    [(action, message) for _, action, message in MESSAGES],
    ids=[name for name, _, _ in MESSAGES],
)
def test_a_refusal_names_things_as_people_do(action: Action, message: str) -> None:
    engine = busy_day()
    with pytest.raises(OpdError) as raised:
        action(engine)
    assert str(raised.value) == message


def test_a_doctor_with_no_slots_left_is_named() -> None:
    engine = busy_day()
    engine.add_doctor("iyer", "Dr Priya Iyer", "Paediatrics")
    with pytest.raises(Conflict) as raised:
        engine.delay("iyer", 10)
    assert str(raised.value) == "Dr Priya Iyer has no slots left today"


def test_a_doctor_whose_slots_are_over_cannot_be_delayed() -> None:
    clock = Clock()
    engine = busy_day(clock)
    clock.set("11:00")
    before = snapshot(engine)
    with pytest.raises(Conflict):
        engine.delay("rao", 10)
    assert snapshot(engine) == before


def test_a_doctor_without_slots_cannot_be_delayed() -> None:
    engine = busy_day()
    engine.add_doctor("iyer", "Dr Priya Iyer", "Paediatrics")
    before = snapshot(engine)
    with pytest.raises(Conflict):
        engine.delay("iyer", 10)
    assert snapshot(engine) == before


def test_a_delay_that_would_pull_one_slot_before_its_schedule_delays_none() -> None:
    clock = Clock()
    engine = busy_day(clock)
    engine.delay("rao", 5)
    engine.add_slot("rao-1100", "rao", "11:00", "12:00", 2)
    before = snapshot(engine)
    with pytest.raises(Invalid) as raised:
        engine.delay("rao", -5)
    assert str(raised.value) == "Dr Asha Rao 11:00 would start before its scheduled time"
    assert snapshot(engine) == before


def test_every_error_is_an_opd_error() -> None:
    assert issubclass(NotFound, OpdError)
    assert issubclass(Conflict, OpdError)
    assert issubclass(Invalid, OpdError)


@pytest.mark.parametrize(
    "priorities",
    [{"paid": "high"}, {"vip": 9}, {"walk-in": True}],
    ids=["a priority that is not a number", "an unknown source", "a priority of True"],
)
def test_a_clinic_with_bad_priorities_is_refused(priorities: dict[str, Any]) -> None:
    with pytest.raises(Invalid):
        Engine(clock=Clock(), priorities=priorities)


# ---------------------------------------------------------------------------------- threads


def test_desks_booking_from_several_threads_get_distinct_tokens_and_a_consistent_slot() -> None:
    engine = clinic()
    engine.add_slot("rao-1100", "rao", "11:00", "12:00", 50)
    sources = list(Source)

    def desk(desk_no: int) -> None:
        for i in range(100):
            engine.book("rao-1100", f"Patient {desk_no}-{i}", sources[(desk_no + i) % 5])

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    tokens = engine.tokens()
    assert [t.id for t in tokens] == [f"T{n:05d}" for n in range(1, 401)]
    assert sorted(t.number for t in tokens) == [f"RAO-{n:03d}" for n in range(1, 401)]
    assert [t.arrival for t in tokens] == list(range(1, 401))
    ranked = sorted(tokens, key=lambda t: (-t.priority, t.arrival))
    assert booked_ids(engine, "rao-1100") == [t.id for t in ranked[:50]]
    assert waiting_ids(engine, "rao-1100") == [t.id for t in ranked[50:]]


def test_a_token_is_found_by_the_number_staff_call_out() -> None:
    engine = Engine(clock=lambda: datetime(2026, 11, 25, 9, 0))
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    engine.book("rao-09", "Asha", "paid")
    engine.book("rao-09", "Ravi", "walk-in")
    found = engine.token_by_number(" rao-002 ")
    assert (found.id, found.patient) == ("T00002", "Ravi")
    found.patient = "changed"
    assert engine.token("T00002").patient == "Ravi"
    with pytest.raises(NotFound, match="no token numbered 'RAO-003'"):
        engine.token_by_number("RAO-003")


@pytest.mark.parametrize("text", [None, 42, ["Asha"]])
def test_a_search_for_anything_but_text_is_refused(text: Any) -> None:
    engine = busy_day()
    with pytest.raises(Invalid) as refused:
        engine.find(text)
    assert str(refused.value) == f"a search needs text, not {text!r}"
