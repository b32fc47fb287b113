"""The design's own cases, told as clinic scenarios.

Each test is one short morning: a clinic, what happens at the desk, and exactly who ends up seated
and who waits. They follow the README's allocation rule: preemption is LIFO among equals and only
for a strictly higher priority; promotion is FIFO among equals; a preempted token keeps its
arrival; a served token keeps its seat.
"""

from __future__ import annotations

from datetime import datetime

from opd_tui.engine import (
    Booked,
    Bumped,
    CapacityChanged,
    Engine,
    Event,
    Preempted,
    Promoted,
    Source,
    Status,
    Waitlisted,
)

MORNING = datetime(2026, 11, 25, 8, 30)


def fixed_clock() -> datetime:
    return MORNING


def cardiology(capacity: int, **priorities: int) -> Engine:
    """Dr Rao's 09:00 cardiology slot with ``capacity`` seats (and optional clinic priorities)."""
    clinic_priorities = {name.replace("_", "-"): level for name, level in priorities.items()}
    engine = Engine(clock=fixed_clock, priorities=clinic_priorities or None)
    engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    engine.add_slot("rao-09", "rao", "09:00", "10:00", capacity)
    return engine


def book(engine: Engine, patient: str, source: str) -> str:
    """Book ``patient`` into the 09:00 slot and return their token id."""
    events = engine.book("rao-09", patient, source)
    placed = events[-1]
    assert isinstance(placed, Booked | Waitlisted)
    return placed.token_id


def seated(engine: Engine) -> list[str]:
    return [seat.token.patient for seat in engine.slot_view("rao-09").booked]


def waiting(engine: Engine) -> list[str]:
    return [token.patient for token in engine.slot_view("rao-09").waiting]


def names(engine: Engine, events: list[Event], kind: type[Preempted] | type[Promoted]) -> list[str]:
    """The patients an operation preempted (or promoted), in event order."""
    return [engine.token(e.token_id).patient for e in events if isinstance(e, kind)]


# ------------------------------------------------------------------ preemption: LIFO, strictly


def test_lifo_preemption_among_equals_the_latest_walk_in_loses_the_seat() -> None:
    clinic = cardiology(capacity=3)
    book(clinic, "Kabir (walk-in, first)", "walk-in")
    book(clinic, "Meera (walk-in, second)", "walk-in")
    book(clinic, "Isha (walk-in, third)", "walk-in")

    events = clinic.book("rao-09", "Rohan (paid)", "paid")

    assert names(clinic, events, Preempted) == ["Isha (walk-in, third)"]
    assert seated(clinic) == ["Rohan (paid)", "Kabir (walk-in, first)", "Meera (walk-in, second)"]
    assert waiting(clinic) == ["Isha (walk-in, third)"]


def test_the_weakest_is_the_lowest_priority_before_the_latest_arrival() -> None:
    clinic = cardiology(capacity=3)
    book(clinic, "Kabir (walk-in, first)", "walk-in")
    book(clinic, "Meera (online)", "online")
    book(clinic, "Arjun (follow-up)", "follow-up")

    events = clinic.book("rao-09", "Neel (emergency)", "emergency")

    assert names(clinic, events, Preempted) == ["Kabir (walk-in, first)"]
    assert waiting(clinic) == ["Kabir (walk-in, first)"]


def test_only_a_strictly_higher_priority_preempts() -> None:
    clinic = cardiology(capacity=2)
    book(clinic, "Meera (online)", "online")
    book(clinic, "Diya (online)", "online")

    tie = clinic.book("rao-09", "Sai (online, late)", "online")
    lower = clinic.book("rao-09", "Tara (walk-in)", "walk-in")

    assert [type(e) for e in tie] == [Waitlisted]
    assert [type(e) for e in lower] == [Waitlisted]
    assert seated(clinic) == ["Meera (online)", "Diya (online)"]
    assert waiting(clinic) == ["Sai (online, late)", "Tara (walk-in)"]

    higher = clinic.book("rao-09", "Arjun (follow-up)", "follow-up")

    assert names(clinic, higher, Preempted) == ["Diya (online)"]
    assert seated(clinic) == ["Arjun (follow-up)", "Meera (online)"]
    assert waiting(clinic) == ["Diya (online)", "Sai (online, late)", "Tara (walk-in)"]


def test_served_patients_cannot_be_preempted() -> None:
    clinic = cardiology(capacity=2)
    kabir = book(clinic, "Kabir (walk-in)", "walk-in")
    meera = book(clinic, "Meera (walk-in)", "walk-in")
    clinic.serve(kabir)

    first = clinic.book("rao-09", "Neel (emergency)", "emergency")
    assert names(clinic, first, Preempted) == ["Meera (walk-in)"]

    clinic.serve(clinic.slot_view("rao-09").booked[1].token.id)
    second = clinic.book("rao-09", "Rohan (paid)", "paid")

    assert [type(e) for e in second] == [Waitlisted]
    assert seated(clinic) == ["Kabir (walk-in)", "Neel (emergency)"]
    assert [t.status for t in clinic.tokens()] == [
        Status.SERVED,
        Status.WAITING,
        Status.SERVED,
        Status.WAITING,
    ]
    assert clinic.token(meera).preemptions == 1


# --------------------------------------------------------------------- promotion: FIFO, best first


def test_fifo_promotion_after_a_cancel_the_earliest_equal_gets_the_seat() -> None:
    clinic = cardiology(capacity=1)
    meera = book(clinic, "Meera (online)", "online")
    book(clinic, "Kabir (walk-in, first)", "walk-in")
    book(clinic, "Isha (walk-in, second)", "walk-in")
    book(clinic, "Tara (walk-in, third)", "walk-in")

    events = clinic.cancel(meera)

    assert names(clinic, events, Promoted) == ["Kabir (walk-in, first)"]
    assert events[-1] == Promoted(MORNING, "T00002", "rao-09", seat_of=meera)
    assert seated(clinic) == ["Kabir (walk-in, first)"]
    assert waiting(clinic) == ["Isha (walk-in, second)", "Tara (walk-in, third)"]


def test_a_freed_seat_goes_to_the_highest_priority_before_the_earliest() -> None:
    clinic = cardiology(capacity=1)
    meera = book(clinic, "Meera (paid)", "paid")
    book(clinic, "Kabir (walk-in, first)", "walk-in")
    book(clinic, "Arjun (follow-up, later)", "follow-up")

    events = clinic.no_show(meera)

    assert names(clinic, events, Promoted) == ["Arjun (follow-up, later)"]
    assert waiting(clinic) == ["Kabir (walk-in, first)"]


# --------------------------------------------------------------------------- the waitlist cycle


def test_the_waitlist_cycle_a_bumped_patient_comes_back_ahead_of_later_arrivals() -> None:
    clinic = cardiology(capacity=2)
    book(clinic, "Meera (online)", "online")
    kabir = book(clinic, "Kabir (walk-in, 1st)", "walk-in")
    neel = book(clinic, "Neel (emergency)", "emergency")  # Kabir loses his seat
    book(clinic, "Isha (walk-in, 4th)", "walk-in")  # arrives after Kabir, waits behind him

    assert clinic.token(kabir).status is Status.WAITING
    assert waiting(clinic) == ["Kabir (walk-in, 1st)", "Isha (walk-in, 4th)"]

    events = clinic.cancel(neel)

    assert names(clinic, events, Promoted) == ["Kabir (walk-in, 1st)"]
    assert seated(clinic) == ["Meera (online)", "Kabir (walk-in, 1st)"]
    assert waiting(clinic) == ["Isha (walk-in, 4th)"]
    kabir_now = clinic.token(kabir)
    assert (kabir_now.status, kabir_now.arrival, kabir_now.preemptions) == (Status.BOOKED, 2, 1)


def test_a_patient_can_be_preempted_twice_and_still_keeps_their_place() -> None:
    clinic = cardiology(capacity=1)
    kabir = book(clinic, "Kabir (walk-in)", "walk-in")
    rohan = book(clinic, "Rohan (paid)", "paid")
    clinic.cancel(rohan)
    book(clinic, "Tara (walk-in, later)", "walk-in")
    book(clinic, "Neel (emergency)", "emergency")

    assert clinic.token(kabir).preemptions == 2
    assert waiting(clinic) == ["Kabir (walk-in)", "Tara (walk-in, later)"]


# ----------------------------------------------------------------------------- elastic capacity


def test_a_capacity_cut_preempts_the_weakest_and_a_rise_promotes_the_best() -> None:
    clinic = cardiology(capacity=4)
    book(clinic, "Kabir (walk-in, first)", "walk-in")
    book(clinic, "Meera (online)", "online")
    book(clinic, "Isha (walk-in, second)", "walk-in")
    book(clinic, "Arjun (follow-up)", "follow-up")

    cut = clinic.set_capacity("rao-09", 2)

    assert cut[0] == CapacityChanged(MORNING, "rao-09", 4, 2)
    assert names(clinic, cut, Preempted) == ["Isha (walk-in, second)", "Kabir (walk-in, first)"]
    assert [e.by for e in cut if isinstance(e, Preempted)] == [None, None]
    assert seated(clinic) == ["Arjun (follow-up)", "Meera (online)"]
    assert waiting(clinic) == ["Kabir (walk-in, first)", "Isha (walk-in, second)"]

    rise = clinic.set_capacity("rao-09", 3)

    assert rise[0] == CapacityChanged(MORNING, "rao-09", 2, 3)
    assert names(clinic, rise, Promoted) == ["Kabir (walk-in, first)"]
    assert waiting(clinic) == ["Isha (walk-in, second)"]


# ---------------------------------------------------------------------- determinism and priorities


def a_busy_morning() -> tuple[Engine, list[Event]]:
    clinic = cardiology(capacity=2)
    events: list[Event] = []
    for patient, source in (
        ("Kabir", "walk-in"),
        ("Meera", "online"),
        ("Neel", "emergency"),
        ("Isha", "walk-in"),
        ("Rohan", "paid"),
    ):
        events += clinic.book("rao-09", patient, source)
    events += clinic.bump("T00001", to="paid")
    events += clinic.cancel("T00003")
    events += clinic.set_capacity("rao-09", 3)
    events += clinic.serve("T00005")
    return clinic, events


def test_the_same_morning_on_the_same_clock_gives_the_same_ids_numbers_and_events() -> None:
    first, first_events = a_busy_morning()
    second, second_events = a_busy_morning()

    assert first_events == second_events
    assert first.tokens() == second.tokens()
    assert [(t.id, t.number) for t in first.tokens()] == [
        ("T00001", "RAO-001"),
        ("T00002", "RAO-002"),
        ("T00003", "RAO-003"),
        ("T00004", "RAO-004"),
        ("T00005", "RAO-005"),
    ]


def test_a_clinic_can_rank_its_own_sources() -> None:
    """A follow-up clinic: returning patients (follow-up 6) outrank even emergencies here."""
    clinic = cardiology(capacity=1, follow_up=6)
    assert clinic.priorities[Source.FOLLOW_UP] == 6
    assert clinic.priorities[Source.EMERGENCY] == 5
    book(clinic, "Neel (emergency)", "emergency")

    events = clinic.book("rao-09", "Arjun (follow-up)", "follow-up")

    assert names(clinic, events, Preempted) == ["Neel (emergency)"]
    assert events[0] == Preempted(
        MORNING, "T00001", "rao-09", "T00002", "follow-up 6 > emergency 5"
    )
    assert seated(clinic) == ["Arjun (follow-up)"]
    assert clinic.token("T00002").priority == 6


def test_sources_a_clinic_ranks_equally_do_not_preempt_each_other() -> None:
    clinic = cardiology(capacity=1, online=1)
    book(clinic, "Tara (walk-in)", "walk-in")

    events = clinic.book("rao-09", "Meera (online)", "online")

    assert [type(e) for e in events] == [Waitlisted]
    # Bumping one class up from the shared level skips straight to follow-up.
    assert clinic.bump("T00002")[0] == Bumped(MORNING, "T00002", "rao-09", 1, 3)
    assert seated(clinic) == ["Meera (online)"]
