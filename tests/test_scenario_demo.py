"""The shipped demo clinic: every rule happens, and its day's report matches figures checked by
hand from opd_tui/data/demo.toml."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from opd_tui import demo
from opd_tui.engine import (
    Booked,
    Bumped,
    Cancelled,
    CapacityChanged,
    Conflict,
    Delayed,
    Engine,
    Event,
    MarkedNoShow,
    Moved,
    Preempted,
    Promoted,
    Served,
    SlotRestored,
    Source,
    Status,
    TokenWithdrawn,
    Undone,
    Waitlisted,
)
from opd_tui.scenario import Player
from opd_tui.scenario.report import DayReport, Waits, day_report

DAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def day() -> Player:
    player = Player(demo.scenario(), day=DAY)
    player.play_all()
    return player


@pytest.fixture(scope="module")
def report(day: Player) -> DayReport:
    return day_report(day)


def events_at(day: Player, hhmm: str, target: str) -> tuple[Event, ...]:
    [step] = [s for s in day.steps if s.at.strftime("%H:%M") == hhmm and s.action.target == target]
    return step.events


def token(day: Player, label: str) -> str:
    [booking] = [a.position for a in day.scenario.timeline if a.label == label]
    return day.token_id(booking)


def test_the_demo_is_a_full_clinic_day() -> None:
    scenario = demo.scenario()
    assert len(scenario.timeline) == 164
    assert len({d.specialty for d in scenario.doctors}) == len(scenario.doctors) == 4
    assert all(len(d.slots) >= 4 for d in scenario.doctors)
    assert scenario.timeline[0].at < 8 * 60 and scenario.timeline[-1].at > 13 * 60


def test_a_full_slot_makes_a_walk_in_wait(day: Player) -> None:
    [waits] = events_at(day, "09:12", "rao-10")
    assert isinstance(waits, Waitlisted) and waits.patient == "Sneha Pillai"


def test_an_emergency_preempts_the_latest_of_the_weakest(day: Player) -> None:
    # rao-10 holds Rohan (online), Kabir (walk-in 08:05), Meera (walk-in 08:31), Arjun (follow-up).
    preempted, booked = events_at(day, "09:48", "rao-10")
    assert isinstance(preempted, Preempted) and isinstance(booked, Booked)
    assert preempted.token_id == token(day, "meera")
    assert preempted.by == token(day, "farhan")
    assert preempted.reason == "emergency 5 > walk-in 1"


def test_a_cancel_promotes_the_earliest_waiting_first(day: Player) -> None:
    # Meera (08:31) and Sneha (09:12) wait, both walk-ins: Meera goes first.
    cancelled, promoted = events_at(day, "10:09", "kabir")
    assert isinstance(cancelled, Cancelled) and isinstance(promoted, Promoted)
    assert promoted.token_id == token(day, "meera")
    assert promoted.seat_of == token(day, "kabir")


def test_meera_goes_round_the_waitlist_cycle(day: Player) -> None:
    meera = token(day, "meera")
    kinds = [type(e) for s in day.steps for e in s.events if getattr(e, "token_id", "") == meera]
    assert kinds == [Booked, Preempted, Promoted, Served]


def test_bumps_up_and_down_swap_seats(day: Player) -> None:
    bumped, preempted, promoted = events_at(day, "10:25", "manav")
    assert isinstance(bumped, Bumped) and (bumped.old_priority, bumped.new_priority) == (1, 2)
    assert isinstance(preempted, Preempted) and preempted.token_id == token(day, "diya")
    assert preempted.reason == "walk-in, raised to 2 > walk-in 1"
    assert isinstance(promoted, Promoted) and promoted.token_id == token(day, "manav")
    bumped, preempted, promoted = events_at(day, "10:40", "tara")
    assert isinstance(bumped, Bumped) and (bumped.old_priority, bumped.new_priority) == (4, 1)
    assert isinstance(preempted, Preempted) and preempted.token_id == token(day, "tara")
    assert preempted.reason == "walk-in 1 = paid, lowered to 1, arrived earlier"
    assert isinstance(promoted, Promoted) and promoted.token_id == token(day, "diya")
    [down] = events_at(day, "10:30", "Devendra Rizvi")
    assert isinstance(down, Bumped) and (down.old_priority, down.new_priority) == (2, 1)


def test_a_move_a_capacity_cut_a_delay_and_no_shows(day: Player) -> None:
    [moved, placed] = events_at(day, "10:55", "sneha")
    assert isinstance(moved, Moved) and (moved.from_slot, moved.to_slot) == ("rao-10", "rao-12")
    assert isinstance(placed, Booked)
    cut, *lost = events_at(day, "11:30", "mehta-12")
    assert cut == CapacityChanged(cut.at, "mehta-12", 5, 3)
    assert [(type(e), e.by) for e in lost if isinstance(e, Preempted)] == [(Preempted, None)] * 2
    [delayed] = events_at(day, "10:40", "iyer")
    assert delayed == Delayed(delayed.at, "iyer", 20, ("iyer-10", "iyer-11", "iyer-12"))
    no_shows = [e for s in day.steps for e in s.events if isinstance(e, MarkedNoShow)]
    assert len(no_shows) == 3


# -------------------------------------------------------- the report, checked by hand
# From the file: 164 actions; 79 bookings (emergency 2, paid 8, follow-up 12, online 23,
# walk-in 34); 70 serves, 3 no-shows, 4 cancels, so 79 - 70 - 3 - 4 = 2 still waiting (Dhruv,
# and the online patient the mehta-12 cut left waiting). Seats: 4 x (4 + 5 + 6 + 4) = 76, plus
# one in mehta-11, less two in mehta-12 = 75. Preemptions: Meera, Diya, Tara, Neel, two by the
# cut, one by Aryan = 7. Promotions: Meera, Manav, Diya, Neel, Aditi, one in iyer-11 = 6.


def test_the_days_totals(report: DayReport) -> None:
    t = report.totals
    assert (report.actions, report.tokens) == (164, 79)
    assert (t.capacity, t.served, t.booked, t.waiting) == (75, 70, 0, 2)
    assert (t.preemptions, t.promotions, t.no_shows, t.cancelled) == (7, 6, 3, 4)
    assert t.utilisation == 70 / 75


def test_tokens_by_source(report: DayReport) -> None:
    assert {line.source: line.tokens for line in report.sources} == {
        Source.EMERGENCY: 2,
        Source.PAID: 8,
        Source.FOLLOW_UP: 12,
        Source.ONLINE: 23,
        Source.WALK_IN: 34,
    }


def test_who_was_preempted(report: DayReport) -> None:
    assert all(p.times == 1 for p in report.preempted)
    names = {p.patient: p.status for p in report.preempted}
    assert len(names) == 7
    assert names["Meera Joshi"] is Status.SERVED
    assert names["Diya Kulkarni"] is Status.SERVED
    assert names["Neel Jain"] is Status.SERVED
    assert names["Tara Menon"] is Status.CANCELLED


def test_the_cardiology_ten_oclock_slot(report: DayReport) -> None:
    # Farhan 09:48 → served 10:02: 2 min; Rohan 10:18: 18; Arjun 10:34: 34; Meera 10:49: 49.
    [rao] = [d for d in report.doctors if d.doctor_id == "rao"]
    [slot] = [s for s in rao.slots if s.slot_id == "rao-10"]
    s = slot.stats
    assert (s.capacity, s.served, s.booked, s.waiting, s.cancelled) == (4, 4, 0, 0, 1)
    assert (s.preemptions, s.promotions, s.utilisation) == (1, 1, 1.0)
    assert slot.waits == Waits(4, 26.0, 25.75, 49.0)


def test_a_doctors_delay_shows_in_the_slots_and_the_waits(report: DayReport) -> None:
    [iyer] = [d for d in report.doctors if d.doctor_id == "iyer"]
    assert [s.delay for s in iyer.slots] == [0, 20, 20, 20]
    assert iyer.stats.utilisation == 23 / 24


# ------------------------------------------------------------- the dashboard's demo


def test_demo_engine_opens_at_twenty_past_ten() -> None:
    engine = demo.demo_engine(DAY)
    now = engine.now()
    assert datetime(2026, 11, 25, 10, 20) <= now < datetime(2026, 11, 25, 10, 21)
    view = engine.slot_view("rao-10")
    assert [(seat.token.patient, seat.token.status) for seat in view.booked] == [
        ("Farhan Qureshi", Status.SERVED),
        ("Rohan Verma", Status.SERVED),
        ("Arjun Nair", Status.BOOKED),
        ("Meera Joshi", Status.BOOKED),
    ]
    assert [t.patient for t in view.waiting] == ["Sneha Pillai"]


def test_demo_day_returns_the_events_that_rebuild_it() -> None:
    engine, events = demo.demo_day(DAY)
    rebuilt = Engine()
    rebuilt.apply_all(events)
    assert rebuilt.tokens() == engine.tokens()


def test_undo_in_the_demo_reaches_back_only_to_what_the_user_did() -> None:
    engine, _ = demo.demo_day(DAY)
    before = engine.tokens()
    with pytest.raises(Conflict) as raised:
        engine.undo()
    assert str(raised.value) == (
        "nothing to undo: no action was taken here since the day was opened "
        "or since another desk acted"
    )
    assert engine.tokens() == before
    [booked] = engine.book("khan-12", "Asha Menon", "walk-in")
    assert (booked.token_id, booked.number) == ("T00073", "KHAN-013")
    undone, withdrawn, restored = engine.undo()
    assert undone == Undone(undone.at, "book", "KHAN-013 Asha Menon")
    assert withdrawn == TokenWithdrawn(undone.at, "T00073", "khan-12")
    assert restored == SlotRestored(undone.at, "khan-12", 4, 0, (), 0, 0, 0, 0)
    assert engine.tokens() == before
    with pytest.raises(Conflict) as again:
        engine.undo()
    assert str(again.value) == str(raised.value)


def test_set_up_adds_the_demo_doctors_and_slots_only() -> None:
    engine = Engine()
    demo.set_up(engine)
    assert [d.id for d in engine.doctors()] == ["rao", "mehta", "iyer", "khan"]
    assert len(engine.slots()) == 16
    assert engine.tokens() == []
    assert demo.CLINIC_NAME == "City General OPD"


def test_the_reports_record_of_each_token_agrees_with_the_engine(day: Player) -> None:
    """The report reads tokens from the day's events; they must say what the engine holds."""
    from opd_tui.scenario.report import _tokens

    facts = _tokens(day)
    assert facts.keys() == {t.id for t in day.engine.tokens()}
    for t in day.engine.tokens():
        f = facts[t.id]
        assert (f.number, f.patient, f.source, f.slot_id, f.since, f.status, f.preemptions) == (
            t.number,
            t.patient,
            t.source,
            t.slot_id,
            t.arrived_at,
            t.status,
            t.preemptions,
        )
