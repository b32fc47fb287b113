"""Long random clinic days against a naive reference model of the allocation rule.

The reference knows nothing about heaps or incremental repairs: after every operation it re-ranks
each slot from scratch with the README's rule, literally —

    booked  = served + the best (capacity − served) live tokens by (priority desc, arrival asc)
    waiting = every other live token, in that same order

— and the engine must agree with it after every step: every slot's booked list and waitlist, every
token, every stat, which tokens each operation preempted and promoted, which inputs are refused (and
that a refusal changes nothing), and that replaying the day's events rebuilds the same day.

Run longer with ``OPD_ENGINE_PROFILE=soak``.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from opd_tui.engine import (
    DEFAULT_PRIORITIES,
    Booked,
    Bump,
    Cancel,
    Command,
    Conflict,
    Engine,
    Event,
    Invalid,
    Move,
    Moved,
    NoShow,
    NotFound,
    OpdError,
    Preempted,
    Promoted,
    Serve,
    Source,
    Status,
    Waitlisted,
)

settings.register_profile(
    "ci",
    max_examples=150,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "soak",
    max_examples=3000,
    stateful_step_count=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# 10:00 sharp: Dr Khan's 08:00 slot and Dr Rao's 09:00 slot have just ended (a delay no longer
# reaches them), Dr Mehta's 09:30 slot is running and Dr Rao's 10:00 slot is starting.
NOW = datetime(2026, 11, 25, 10, 0)
NOW_MIN = 10 * 60

# (slot id, doctor id, start, end, capacity): small slots, so seats are always contested.
SLOTS = (
    ("rao-09", "rao", "09:00", "10:00", 2),
    ("rao-10", "rao", "10:00", "11:00", 3),
    ("mehta-09", "mehta", "09:30", "10:30", 1),
    ("khan-08", "khan", "08:00", "09:00", 2),
)
DOCTORS = ("rao", "mehta", "khan")
SLOT_IDS = [slot_id for slot_id, *_ in SLOTS]
SLOT_CHOICES = [*SLOT_IDS, "rao-12"]  # the last one does not exist
SOURCES = [s.value for s in Source]
SOURCE_TEXTS = [*SOURCES, "WALK_IN", " Paid ", "vip"]  # read leniently; "vip" is refused
NAMES = ["Kabir Singh", "Meera Nair", "Isha Patel", "Rohan Gupta", "  Tara Bose ", "Sai Reddy"]
PATIENTS = [*NAMES, "", "   "]  # blank names are refused
# A clinic that ranks online with walk-ins and follow-ups with paid: ties and skipped levels.
CLINIC_PRIORITIES: tuple[dict[str, int] | None, ...] = (None, {"online": 1, "follow-up": 4})

LIVE = (Status.BOOKED, Status.WAITING)
UNKNOWN_TOKEN = "T99999"


def _clock() -> datetime:
    return NOW


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


# ------------------------------------------------------------------------------ the reference


@dataclass
class RefToken:
    id: str
    number: str
    patient: str
    source: Source
    priority: int
    arrival: int
    slot: str
    status: Status
    preemptions: int = 0


@dataclass
class RefSlot:
    id: str
    doctor: str
    start: int
    end: int
    capacity: int
    delay: int = 0
    served: list[str] = field(default_factory=list)
    no_shows: int = 0
    cancelled: int = 0
    preemptions: int = 0
    promotions: int = 0


@dataclass
class Reference:
    """The rule, re-applied from scratch after every operation. Refusals raise before any change."""

    priorities: dict[Source, int]
    slots: dict[str, RefSlot]
    tokens: dict[str, RefToken] = field(default_factory=dict)
    arrivals: int = 0
    numbers: dict[str, int] = field(default_factory=dict)

    # ------------------------------------------------------------------------ the rule itself

    def ranked(self, slot_id: str, status: Status | None = None) -> list[RefToken]:
        live = [t for t in self.tokens.values() if t.slot == slot_id and t.status in LIVE]
        live.sort(key=lambda t: (-t.priority, t.arrival))
        return live if status is None else [t for t in live if t.status is status]

    def rerank(self) -> None:
        for slot in self.slots.values():
            seats = max(0, slot.capacity - len(slot.served))
            for position, token in enumerate(self.ranked(slot.id)):
                token.status = Status.BOOKED if position < seats else Status.WAITING

    def booked(self, slot_id: str) -> list[str]:
        return self.slots[slot_id].served + [t.id for t in self.ranked(slot_id, Status.BOOKED)]

    def waiting(self, slot_id: str) -> list[str]:
        return [t.id for t in self.ranked(slot_id, Status.WAITING)]

    def apply(self, operation: Callable[[], None]) -> tuple[set[str], set[str]]:
        """Run one operation and re-rank; return (preempted, promoted) from the before/after diff."""
        before = {t.id: (t.slot, t.status) for t in self.tokens.values()}
        operation()
        self.rerank()
        preempted: set[str] = set()
        promoted: set[str] = set()
        for token in self.tokens.values():
            if token.id not in before or before[token.id][0] != token.slot:
                continue
            was = before[token.id][1]
            if was is Status.BOOKED and token.status is Status.WAITING:
                preempted.add(token.id)
                token.preemptions += 1
                self.slots[token.slot].preemptions += 1
            elif was is Status.WAITING and token.status is Status.BOOKED:
                promoted.add(token.id)
                self.slots[token.slot].promotions += 1
        return preempted, promoted

    # --------------------------------------------------------------------------- validation

    def slot(self, slot_id: str) -> RefSlot:
        if slot_id not in self.slots:
            raise NotFound(slot_id)
        return self.slots[slot_id]

    def live(self, token_id: str) -> RefToken:
        if token_id not in self.tokens:
            raise NotFound(token_id)
        token = self.tokens[token_id]
        if token.status not in LIVE:
            raise Conflict(token_id)
        return token

    @staticmethod
    def source(text: str) -> Source:
        cleaned = text.strip().lower().replace("_", "-")
        for source in Source:
            if source.value == cleaned:
                return source
        raise Invalid(text)

    def next_number(self, doctor: str) -> str:
        self.numbers[doctor] = self.numbers.get(doctor, 0) + 1
        return f"{doctor.upper()}-{self.numbers[doctor]:03d}"

    # --------------------------------------------------------------------------- operations

    def book(self, slot_id: str, patient: str, source_text: str) -> Callable[[], None]:
        if not patient.strip():
            raise Invalid("blank patient")
        source = self.source(source_text)
        slot = self.slot(slot_id)

        def book() -> None:
            self.arrivals += 1
            token_id = f"T{self.arrivals:05d}"
            self.tokens[token_id] = RefToken(
                token_id,
                self.next_number(slot.doctor),
                patient.strip(),
                source,
                self.priorities[source],
                self.arrivals,
                slot_id,
                Status.WAITING,
            )

        return book

    def leave(self, token_id: str, status: Status) -> Callable[[], None]:
        token = self.live(token_id)

        def leave() -> None:
            slot = self.slots[token.slot]
            if status is Status.CANCELLED:
                slot.cancelled += 1
            else:
                slot.no_shows += 1
            token.status = status

        return leave

    def serve(self, token_id: str) -> Callable[[], None]:
        token = self.live(token_id)
        if token.status is Status.WAITING:
            raise Conflict("serving a waiting token")

        def serve() -> None:
            token.status = Status.SERVED
            self.slots[token.slot].served.append(token.id)

        return serve

    def bump(self, token_id: str, how: str) -> Callable[[], None]:
        target = None if how in ("up", "down") else self.priorities[self.source(how)]
        token = self.live(token_id)
        levels = sorted(set(self.priorities.values()))
        if how == "up":
            higher = [p for p in levels if p > token.priority]
            if not higher:
                raise Conflict("already highest")
            target = higher[0]
        elif how == "down":
            lower = [p for p in levels if p < token.priority]
            if not lower:
                raise Conflict("already lowest")
            target = lower[-1]
        elif target == token.priority:
            raise Conflict("same priority")
        assert target is not None
        new_priority = target

        def bump() -> None:
            token.priority = new_priority

        return bump

    def move(self, token_id: str, slot_id: str) -> Callable[[], None]:
        token = self.live(token_id)
        slot = self.slot(slot_id)
        if slot_id == token.slot:
            raise Conflict("same slot")

        def move() -> None:
            if self.slots[token.slot].doctor != slot.doctor:
                token.number = self.next_number(slot.doctor)
            self.arrivals += 1
            token.arrival = self.arrivals
            token.slot = slot_id
            token.status = Status.WAITING  # a new arrival there; the re-rank decides

        return move

    def set_capacity(self, slot_id: str, capacity: int) -> Callable[[], None]:
        if capacity < 0:
            raise Invalid("negative capacity")
        slot = self.slot(slot_id)

        def set_capacity() -> None:
            slot.capacity = capacity

        return set_capacity

    def delay(self, doctor: str, minutes: int) -> Callable[[], None]:
        if minutes == 0:
            raise Invalid("zero delay")
        if doctor not in DOCTORS:
            raise NotFound(doctor)
        mine = sorted((s for s in self.slots.values() if s.doctor == doctor), key=lambda s: s.start)
        remaining = [s for s in mine if s.end + s.delay > NOW_MIN]
        if not remaining:
            raise Conflict("no slots left")
        if any(s.delay + minutes < 0 for s in remaining):
            raise Invalid("before schedule")

        def delay() -> None:
            for slot in remaining:
                slot.delay += minutes

        return delay


# ---------------------------------------------------------------------------------- helpers


def snapshot(engine: Engine) -> tuple[Any, ...]:
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


token_picks = st.integers(min_value=0, max_value=10_000)


# -------------------------------------------------------------------------------- the machine


class ClinicDay(RuleBasedStateMachine):
    """One random clinic day, driven through the engine and the reference side by side."""

    slots_of_the_day: tuple[tuple[str, str, str, str, int], ...] = SLOTS

    def __init__(self) -> None:
        super().__init__()
        self.engine = Engine(clock=_clock)
        self.ref = Reference(dict(DEFAULT_PRIORITIES), {})
        self.events: list[Event] = []
        self.priorities: dict[str, int] | None = None

    @initialize(priorities=st.sampled_from(CLINIC_PRIORITIES))
    def open_the_clinic(self, priorities: dict[str, int] | None) -> None:
        self.priorities = priorities
        self.engine = Engine(clock=_clock, priorities=priorities)
        self.ref = Reference(dict(self.engine.priorities), {})
        assert self.ref.priorities == {
            **DEFAULT_PRIORITIES,
            **{Source(k): v for k, v in (priorities or {}).items()},
        }
        for doctor in DOCTORS:
            self.events += self.engine.add_doctor(doctor, f"Dr {doctor.title()}", "General")
        for slot_id, doctor, start, end, capacity in self.slots_of_the_day:
            self.events += self.engine.add_slot(slot_id, doctor, start, end, capacity)
            self.ref.slots[slot_id] = RefSlot(
                slot_id, doctor, _minutes(start), _minutes(end), capacity
            )

    def pick(self, index: int) -> str:
        """A token of the day, a live one about half the time (closed ones are refused)."""
        live = [t.id for t in self.ref.tokens.values() if t.status in LIVE]
        ids = live + list(self.ref.tokens)
        return ids[index % len(ids)] if ids else UNKNOWN_TOKEN

    def step(
        self,
        act: Callable[[Engine], list[Event]],
        plan: Callable[[Reference], Callable[[], None]],
    ) -> list[Event] | None:
        """Do one operation on both sides and check they agree on the outcome."""
        before = snapshot(self.engine)
        try:
            operation = plan(self.ref)
        except OpdError as refusal:
            expected: type[OpdError] | None = type(refusal)
        else:
            expected = None
        try:
            events = act(self.engine)
        except OpdError as error:
            assert type(error) is expected, f"engine refused with {error!r}, reference: {expected}"
            assert snapshot(self.engine) == before, "a refused operation changed the state"
            return None
        assert expected is None, f"engine accepted what the reference refuses ({expected})"
        preempted, promoted = self.ref.apply(operation)
        self.events += events
        assert sorted(e.token_id for e in events if isinstance(e, Preempted)) == sorted(preempted)
        assert sorted(e.token_id for e in events if isinstance(e, Promoted)) == sorted(promoted)
        return events

    # -------------------------------------------------------------------------------- rules

    @rule(
        slot_id=st.sampled_from(SLOT_CHOICES),
        patient=st.sampled_from(PATIENTS),
        source=st.sampled_from(SOURCE_TEXTS),
    )
    def book(self, slot_id: str, patient: str, source: str) -> None:
        events = self.step(
            lambda e: e.book(slot_id, patient, source), lambda r: r.book(slot_id, patient, source)
        )
        if events is not None:
            placed = events[-1]
            token = self.ref.tokens[f"T{self.ref.arrivals:05d}"]
            kind = Booked if token.status is Status.BOOKED else Waitlisted
            assert placed == kind(
                NOW,
                token.id,
                slot_id,
                token.number,
                token.patient,
                token.source,
                token.priority,
                token.arrival,
            )

    @rule(
        bookings=st.lists(
            st.tuples(st.sampled_from(SLOT_IDS), st.sampled_from(NAMES), st.sampled_from(SOURCES)),
            min_size=1,
            max_size=6,
        )
    )
    def a_rush_of_bookings(self, bookings: list[tuple[str, str, str]]) -> None:
        for slot_id, patient, source in bookings:
            self.book(slot_id, patient, source)

    @rule(operation=st.sampled_from([Cancel, NoShow, Serve, Bump, Move]))
    def act_on_an_unknown_token(self, operation: type[Command]) -> None:
        def act(engine: Engine) -> list[Event]:
            if operation is Move:
                return engine.execute(Move(UNKNOWN_TOKEN, "rao-10"))
            return engine.execute(operation(UNKNOWN_TOKEN))  # type: ignore[call-arg]

        def plan(ref: Reference) -> Callable[[], None]:
            ref.live(UNKNOWN_TOKEN)
            raise AssertionError(f"the reference knows {UNKNOWN_TOKEN}")

        self.step(act, plan)

    @rule(index=token_picks)
    def cancel(self, index: int) -> None:
        token_id = self.pick(index)
        self.step(lambda e: e.cancel(token_id), lambda r: r.leave(token_id, Status.CANCELLED))

    @rule(index=token_picks)
    def no_show(self, index: int) -> None:
        token_id = self.pick(index)
        self.step(lambda e: e.no_show(token_id), lambda r: r.leave(token_id, Status.NO_SHOW))

    @rule(index=token_picks)
    def serve(self, index: int) -> None:
        token_id = self.pick(index)
        self.step(lambda e: e.serve(token_id), lambda r: r.serve(token_id))

    @rule(index=token_picks, how=st.sampled_from(["up", "down", *SOURCE_TEXTS]))
    def bump(self, index: int, how: str) -> None:
        token_id = self.pick(index)

        def act(engine: Engine) -> list[Event]:
            if how in ("up", "down"):
                return engine.bump(token_id, up=how == "up")
            return engine.bump(token_id, to=how)

        self.step(act, lambda r: r.bump(token_id, how))

    @rule(index=token_picks, slot_id=st.sampled_from(SLOT_CHOICES))
    def move(self, index: int, slot_id: str) -> None:
        token_id = self.pick(index)
        events = self.step(lambda e: e.move(token_id, slot_id), lambda r: r.move(token_id, slot_id))
        if events is not None:
            assert isinstance(events[0], Moved)
            assert isinstance(events[-1], Booked | Waitlisted)
            assert (events[-1].token_id, events[-1].slot_id) == (token_id, slot_id)

    @rule(slot_id=st.sampled_from(SLOT_CHOICES), capacity=st.integers(min_value=-1, max_value=8))
    def set_capacity(self, slot_id: str, capacity: int) -> None:
        self.step(
            lambda e: e.set_capacity(slot_id, capacity), lambda r: r.set_capacity(slot_id, capacity)
        )

    @rule(
        doctor=st.sampled_from([*DOCTORS, "iyer"]),
        minutes=st.sampled_from([-30, -10, -5, 0, 5, 10, 30]),
    )
    def delay(self, doctor: str, minutes: int) -> None:
        self.step(lambda e: e.delay(doctor, minutes), lambda r: r.delay(doctor, minutes))

    # --------------------------------------------------------------------------- invariants

    @invariant()
    def every_slot_matches_the_rule(self) -> None:
        for slot_id, ref_slot in self.ref.slots.items():
            view = self.engine.slot_view(slot_id)
            assert [seat.token.id for seat in view.booked] == self.ref.booked(slot_id), slot_id
            assert [token.id for token in view.waiting] == self.ref.waiting(slot_id), slot_id
            assert (view.slot.capacity, view.slot.delay) == (ref_slot.capacity, ref_slot.delay)
            stats = self.engine.slot_stats(slot_id)
            assert (
                stats.capacity,
                stats.booked,
                stats.waiting,
                stats.served,
                stats.no_shows,
                stats.cancelled,
                stats.preemptions,
                stats.promotions,
            ) == (
                ref_slot.capacity,
                len(self.ref.ranked(slot_id, Status.BOOKED)),
                len(self.ref.ranked(slot_id, Status.WAITING)),
                len(ref_slot.served),
                ref_slot.no_shows,
                ref_slot.cancelled,
                ref_slot.preemptions,
                ref_slot.promotions,
            ), slot_id

    @invariant()
    def estimates_follow_the_formula(self) -> None:
        """Seat i: start + delay + i × length ÷ capacity, to the nearest minute, and never before
        now: a seen seat's then shows now, and the unseen seats all move later by as much as the
        first of them is in the past, keeping their order and spacing."""
        for slot_id, ref_slot in self.ref.slots.items():
            seats = self.engine.slot_view(slot_id).booked
            if not seats or len(seats) > ref_slot.capacity:
                continue  # more served than seats after a cut: the formula would overrun the slot
            length = ref_slot.end - ref_slot.start
            served = len(ref_slot.served)
            first = ref_slot.start + ref_slot.delay + served * length / ref_slot.capacity
            shift = max(0, NOW_MIN - round(first))
            for seat in seats:
                exact = ref_slot.start + ref_slot.delay + seat.position * length / ref_slot.capacity
                exact = max(exact, NOW_MIN) if seat.position < served else exact + shift
                assert abs(_minutes(seat.estimate) - exact) <= 0.5, (slot_id, seat)
                assert _minutes(seat.estimate) >= NOW_MIN, (slot_id, seat)

    @invariant()
    def every_token_matches(self) -> None:
        tokens = self.engine.tokens()
        assert [t.id for t in tokens] == list(self.ref.tokens)
        for token in tokens:
            ref = self.ref.tokens[token.id]
            assert (
                token.number,
                token.patient,
                token.source,
                token.priority,
                token.arrival,
                token.slot_id,
                token.status,
                token.preemptions,
            ) == (
                ref.number,
                ref.patient,
                ref.source,
                ref.priority,
                ref.arrival,
                ref.slot,
                ref.status,
                ref.preemptions,
            ), token.id

    @invariant()
    def replaying_the_events_rebuilds_the_day(self) -> None:
        replica = Engine(clock=_clock, priorities=self.priorities)
        replica.apply_all(self.events)
        assert snapshot(replica) == snapshot(self.engine)


ClinicDay.TestCase.settings = settings.get_profile(os.environ.get("OPD_ENGINE_PROFILE", "ci"))
test_a_random_clinic_day_follows_the_rule = ClinicDay.TestCase


def test_the_reference_can_disagree() -> None:
    """The reference is not a copy of the engine: a wrong rule in it is caught by the invariants."""
    machine = ClinicDay()
    machine.open_the_clinic(None)
    machine.book("mehta-09", "Kabir Singh", "walk-in")
    machine.book("mehta-09", "Meera Nair", "walk-in")
    wrong = deepcopy(machine.ref)
    wrong.tokens["T00001"].arrival = 3  # pretend Kabir came after Meera
    wrong.rerank()
    machine.ref = wrong
    try:
        machine.every_slot_matches_the_rule()
    except AssertionError:
        return
    raise AssertionError("the invariant did not notice a wrong reference")


class CrowdedClinicDay(ClinicDay):
    """Two big slots, so heaps grow past the point where the seating compacts stale entries."""

    slots_of_the_day = (
        ("rao-09", "rao", "09:00", "10:00", 40),
        ("rao-10", "rao", "10:00", "11:00", 30),
    )

    def check_everything(self) -> None:
        self.every_slot_matches_the_rule()
        self.estimates_follow_the_formula()
        self.every_token_matches()
        self.replaying_the_events_rebuilds_the_day()


def test_a_crowded_day_follows_the_rule_through_many_cancellations_and_moves() -> None:
    """200 patients for 70 seats, then 1,500 random desk actions, checked against the reference."""
    rng = random.Random(2026)
    day = CrowdedClinicDay()
    day.open_the_clinic(None)
    slot_ids = [slot_id for slot_id, *_ in CrowdedClinicDay.slots_of_the_day]
    for _ in range(200):
        day.book(rng.choice(slot_ids), rng.choice(NAMES), rng.choice(SOURCES))
    day.check_everything()
    actions: list[Callable[[], None]] = [
        lambda: day.book(rng.choice(slot_ids), rng.choice(NAMES), rng.choice(SOURCES)),
        lambda: day.cancel(rng.randrange(10_000)),
        lambda: day.no_show(rng.randrange(10_000)),
        lambda: day.serve(rng.randrange(10_000)),
        lambda: day.bump(rng.randrange(10_000), rng.choice(["up", "down", *SOURCES])),
        lambda: day.move(rng.randrange(10_000), rng.choice(slot_ids)),
        lambda: day.set_capacity(rng.choice(slot_ids), rng.randrange(20, 50)),
    ]
    for step in range(1, 1501):
        rng.choices(actions, weights=[3, 3, 1, 1, 3, 3, 1])[0]()
        if step % 100 == 0:
            day.check_everything()
    assert len(day.ref.waiting("rao-09")) + len(day.ref.waiting("rao-10")) > 64
