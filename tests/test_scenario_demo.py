"""The shipped demo clinic: every rule happens, the visit included, its mid-morning shows a living
queue, and its day's report matches figures checked by hand from opd_tui/data/demo.toml."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from opd_tui import demo
from opd_tui.engine import (
    Booked,
    Bumped,
    Called,
    Cancelled,
    CapacityChanged,
    CheckedIn,
    Conflict,
    Delayed,
    Engine,
    Event,
    MarkedNoShow,
    Moved,
    Preempted,
    Promoted,
    Returned,
    RoomSet,
    Served,
    SlotRestored,
    Source,
    Status,
    TokenWithdrawn,
    Undone,
    VisitRules,
    Waitlisted,
)
from opd_tui.scenario import Player
from opd_tui.scenario.report import DayReport, Visits, Waits, day_report

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


def patient(day: Player, name: str) -> str:
    [booking] = [a.position for a in day.scenario.timeline if a.patient == name]
    return day.token_id(booking)


def at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 11, 25, hours, minutes)


def test_the_demo_is_a_full_clinic_day() -> None:
    scenario = demo.scenario()
    assert len(scenario.timeline) == 311
    assert len({d.specialty for d in scenario.doctors}) == len(scenario.doctors) == 4
    assert all(len(d.slots) >= 4 for d in scenario.doctors)
    assert [(d.id, d.room) for d in scenario.doctors] == [
        ("rao", "3"),
        ("mehta", "5"),
        ("iyer", "2"),
        ("khan", "8"),
    ]
    assert scenario.visit == VisitRules(grace=15, calls=3)
    assert scenario.timeline[0].at < 8 * 60 and scenario.timeline[-1].at > 12 * 60 + 40
    kinds = [a.kind for a in scenario.timeline]
    assert {kind: kinds.count(kind) for kind in sorted(set(kinds))} == {
        "book": 80,
        "bump": 3,
        "call": 1,
        "call-next": 71,
        "cancel": 4,
        "capacity": 3,
        "check-in": 71,
        "delay": 1,
        "move": 2,
        "no-show": 1,
        "overdue": 1,
        "return": 1,
        "room": 1,
        "serve": 71,
    }


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
    assert kinds == [Booked, CheckedIn, Preempted, Promoted, Called, Served]


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


# ------------------------------------------------------------------------- the visit


def test_a_patient_who_does_not_answer_loses_the_seat_to_a_stronger_one(day: Player) -> None:
    harini, farida = patient(day, "Harini Raghavan"), token(day, "farida")
    [called] = events_at(day, "09:43", "rao")  # Gaurav seen, then Harini called: 4 seats held
    assert called == Called(at("09:43"), harini, "rao-09", True)
    [waits] = events_at(day, "09:44", "rao-09")
    assert isinstance(waits, Waitlisted) and (waits.patient, waits.source) == (
        "Farida Sheikh",
        Source.FOLLOW_UP,
    )
    assert events_at(day, "09:46", "Harini Raghavan") == (
        Returned(at("09:46"), harini, "rao-09", at("09:43")),
        Preempted(at("09:46"), harini, "rao-09", farida, "follow-up 3 > walk-in 1"),
        Promoted(at("09:46"), farida, "rao-09", harini),
    )
    assert events_at(day, "09:46", "rao") == (Called(at("09:46"), farida, "rao-09", True),)
    assert events_at(day, "09:53", "rao-09") == (
        CapacityChanged(at("09:53"), "rao-09", 4, 5),
        Promoted(at("09:53"), harini, "rao-09", None),
    )
    kinds = [e.kind for s in day.steps for e in s.events if getattr(e, "token_id", "") == harini]
    first = ["booked", "checked-in", "called", "returned", "preempted", "promoted"]
    assert kinds == [*first, "called", "served"]
    seen = day.engine.token(harini)
    assert (seen.unanswered, seen.called_at, seen.minutes) == (1, at("10:10"), 13.0)


def test_an_emergency_is_called_in_out_of_turn(day: Player) -> None:
    farhan = token(day, "farhan")
    assert events_at(day, "09:59", "farhan") == (Called(at("09:59"), farhan, "rao-10", False),)
    assert day.engine.token(farhan).minutes == 11.0


def test_patients_who_never_come_are_overdue_then_marked_no_show(day: Player) -> None:
    pallavi, deepika = patient(day, "Pallavi Kaur"), patient(day, "Deepika Trivedi")
    assert events_at(day, "10:30", "") == (
        MarkedNoShow(at("10:30"), deepika, "mehta-09", Status.BOOKED),
        MarkedNoShow(at("10:30"), pallavi, "khan-09", Status.BOOKED),
    )


def test_a_doctor_moves_rooms(day: Player) -> None:
    assert events_at(day, "12:00", "khan") == (RoomSet(at("12:00"), "khan", "8", "9"),)
    assert [(d.id, d.room) for d in day.engine.doctors()] == [
        ("rao", "3"),
        ("mehta", "5"),
        ("iyer", "2"),
        ("khan", "9"),
    ]


def test_everyone_seen_checked_in_and_was_called_first(day: Player) -> None:
    seen = [t for t in day.engine.tokens() if t.status is Status.SERVED]
    assert len(seen) == 71
    assert all(t.checked_in is not None and t.minutes is not None for t in seen)
    assert sorted({t.minutes for t in seen}) == [float(m) for m in range(7, 17)]


# -------------------------------------------------------- the report, checked by hand
# From the file: 311 actions; 80 bookings (emergency 2, paid 8, follow-up 13, online 23,
# walk-in 34); 71 seen, 3 no-shows, 4 cancels, so 80 - 71 - 3 - 4 = 2 still waiting (Dhruv,
# and the online patient the mehta-12 cut left waiting). Seats: 4 x (4 + 5 + 6 + 4) = 76, plus
# one in rao-09 and one in mehta-11, less two in mehta-12 = 76. Preemptions: Harini, Meera,
# Diya, Tara, Neel, two by the cut, one by Aryan = 8. Promotions: Farida, Harini, Meera, Manav,
# Diya, Neel, Aditi, one in iyer-11 = 8. Overdue: Pallavi and Deepika.


def test_the_days_totals(report: DayReport) -> None:
    t = report.totals
    assert (report.actions, report.tokens) == (311, 80)
    assert (t.capacity, t.served, t.booked, t.waiting, t.called) == (76, 71, 0, 2, 0)
    assert (t.preemptions, t.promotions, t.no_shows, t.cancelled) == (8, 8, 3, 4)
    assert t.utilisation == 71 / 76


def test_tokens_by_source(report: DayReport) -> None:
    assert {line.source: line.tokens for line in report.sources} == {
        Source.EMERGENCY: 2,
        Source.PAID: 8,
        Source.FOLLOW_UP: 13,
        Source.ONLINE: 23,
        Source.WALK_IN: 34,
    }


def test_the_days_visits(report: DayReport) -> None:
    v = report.visits
    assert (v.waited, v.consultations, v.overdue, v.estimated) == (71, 71, 2, 67)
    assert (v.wait_median, v.wait_p90, v.consultation_median) == (22, 62, 11)
    assert v.error_median == 4
    assert v.error_mean == 342 / 67  # whole minutes: estimates are shown to the minute
    [khan] = [d for d in report.doctors if d.doctor_id == "khan"]
    assert khan.visits == Visits(13, 10, 30.8, 13, 12, 1, 13, 3, -2 / 13)  # whole minutes


def test_who_was_preempted(report: DayReport) -> None:
    assert all(p.times == 1 for p in report.preempted)
    names = {p.patient: p.status for p in report.preempted}
    assert len(names) == 8
    assert names["Harini Raghavan"] is Status.SERVED
    assert names["Meera Joshi"] is Status.SERVED
    assert names["Diya Kulkarni"] is Status.SERVED
    assert names["Neel Jain"] is Status.SERVED
    assert names["Tara Menon"] is Status.CANCELLED


def test_the_cardiology_ten_oclock_slot(report: DayReport) -> None:
    # From the slot's 10:00 start: Farhan seen 10:10, 10 min; Arjun 10:39, 39; Rohan 10:52, 52;
    # Meera 11:06, 66.
    [rao] = [d for d in report.doctors if d.doctor_id == "rao"]
    [slot] = [s for s in rao.slots if s.slot_id == "rao-10"]
    s = slot.stats
    assert (s.capacity, s.served, s.booked, s.waiting, s.cancelled) == (4, 4, 0, 0, 1)
    assert (s.preemptions, s.promotions, s.utilisation) == (1, 1, 1.0)
    assert slot.waits == Waits(4, 45.5, 41.75, 66.0)


def test_a_doctors_delay_shows_in_the_slots_and_the_waits(report: DayReport) -> None:
    [iyer] = [d for d in report.doctors if d.doctor_id == "iyer"]
    assert [s.delay for s in iyer.slots] == [0, 20, 20, 20]
    assert iyer.stats.utilisation == 23 / 24


# ------------------------------------------------------------- the dashboard's demo


def test_demo_engine_opens_at_twenty_past_ten() -> None:
    engine = demo.demo_engine(DAY)
    now = engine.now()
    assert datetime(2026, 11, 25, 10, 20) <= now < datetime(2026, 11, 25, 10, 21)
    view = engine.slot_view("rao-10", at("10:20"))
    assert [(seat.token.patient, seat.token.status, seat.estimate) for seat in view.booked] == [
        ("Farhan Qureshi", Status.SERVED, "10:20"),  # seen: its 10:00 has passed, so now
        ("Arjun Nair", Status.BOOKED, "10:23"),  # present: the expected call
        ("Rohan Verma", Status.BOOKED, "10:36"),
        ("Meera Joshi", Status.BOOKED, "10:49"),
    ]
    assert [t.patient for t in view.waiting] == ["Sneha Pillai"]


def test_at_twenty_past_ten_every_room_is_busy_and_two_are_overdue() -> None:
    engine = demo.demo_engine(DAY)
    now = at("10:20")
    queues = {d.id: engine.queue(d.id, now) for d in engine.doctors()}
    assert {d: [(t.patient, t.called_at) for t in q.in_room] for d, q in queues.items()} == {
        "rao": [("Harini Raghavan", at("10:10"))],
        "mehta": [("Zoya Ali", at("10:14"))],
        "iyer": [("Sunil Chauhan", at("10:13"))],
        "khan": [("Parvati Bhatia", at("10:16"))],
    }
    assert {d: [(e.token.patient, e.at) for e in q.next_up] for d, q in queues.items()} == {
        "rao": [
            ("Arjun Nair", at("10:23")),
            ("Rohan Verma", at("10:36")),
            ("Meera Joshi", at("10:49")),
        ],
        "mehta": [("Neel Jain", at("10:23"))],
        "iyer": [
            ("Karthik Oberoi", at("10:22")),
            ("Dinesh Mukherjee", at("10:31")),
            ("Omkar Prasad", at("10:40")),
        ],
        "khan": [],
    }
    assert {d: [t.patient for t in q.overdue] for d, q in queues.items()} == {
        "rao": [],
        "mehta": ["Deepika Trivedi"],
        "iyer": [],
        "khan": ["Pallavi Kaur"],
    }
    assert {d: q.minutes for d, q in queues.items()} == {
        "rao": 13.0,
        "mehta": 9.0,
        "iyer": 9.0,
        "khan": 13.0,
    }
    assert engine.visit == VisitRules(grace=15, calls=3)
    stats = engine.day_stats()
    assert (stats.served, stats.called, stats.booked, stats.waiting) == (26, 4, 36, 5)


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
    assert (booked.token_id, booked.number) == ("T00074", "KHAN-013")
    undone, withdrawn, restored = engine.undo()
    assert undone == Undone(undone.at, "book", "KHAN-013 Asha Menon")
    assert withdrawn == TokenWithdrawn(undone.at, "T00074", "khan-12")
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
        assert (f.checked_in, f.consultation) == (t.checked_in, t.minutes)
