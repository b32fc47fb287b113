"""The end-of-day figures of a played scenario, read from the engine and its events.

Utilisation is the engine's: occupied seats (booked + called + served) ÷ capacity, at the end of
the day. A wait is the minutes from the later of the token's arrival and its slot's scheduled
start to the moment it was served; only served tokens have one. So a patient who books at 07:40
for a 09:00 slot and is served at 09:25 waited 25 minutes, and a doctor's delay shows up as longer
waits.

The visit, for tokens whose patients checked in: the wait from check-in to the room's first call,
the consultation (the last call to seen), and how far the call came from the time the engine
expected at check-in (``Step.estimate``). A token is overdue if its patient never checked in and
it was still booked when its slot (with its delay) had been over for the clinic's grace period,
by the day's last action: whether it stayed booked or then left (a no-show, overdue or not).

A report is made from the day's engine at its end and the events of its actions, grouped by
action (``report_of``): a played scenario's steps (``day_report``), a journal's recorded actions,
or the dashboard's timeline (``acts_of``). An undo takes back, in the report's record of each
token, what the action it undid did to it, as the engine does.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean, median
from typing import Protocol

from ..engine import (
    Called,
    CheckedIn,
    Engine,
    Event,
    Left,
    Placed,
    Preempted,
    Promoted,
    Reassigned,
    Renamed,
    Returned,
    Served,
    Slot,
    Source,
    Stats,
    Status,
    TokenRestored,
    TokenWithdrawn,
)
from .play import Player

UNDO_REACH = 50
"""How many actions back an undo can reach: the engine keeps as many (its ``UNDO_DEPTH``)."""


@dataclass(frozen=True, slots=True)
class Waits:
    """Wait minutes of served tokens: how many, and their median, mean and longest."""

    count: int = 0
    median: float = 0.0
    mean: float = 0.0
    longest: float = 0.0

    @classmethod
    def of(cls, minutes: list[float]) -> Waits:
        if not minutes:
            return cls()
        return cls(len(minutes), median(minutes), fmean(minutes), max(minutes))


@dataclass(frozen=True, slots=True)
class Visits:
    """The visit's figures for a group of tokens, in minutes. ``waited`` tokens checked in and
    were called: their wait from check-in to the first call (median, 90th percentile).
    ``consultations`` were timed from the last call to seen. ``estimated`` called tokens were
    given an expected call time at check-in: the error is the call's time less that estimate
    (positive: called later than expected), its absolute value's median and its mean."""

    waited: int = 0
    wait_median: float = 0.0
    wait_p90: float = 0.0
    consultations: int = 0
    consultation_median: float = 0.0
    overdue: int = 0
    estimated: int = 0
    error_median: float = 0.0
    error_mean: float = 0.0

    @classmethod
    def of(cls, tokens: Iterable[_Token], overdue: int) -> Visits:
        waits: list[float] = []
        consultations: list[float] = []
        errors: list[float] = []
        for token in tokens:
            called, checked_in = token.first_called, token.checked_in
            if called is not None and checked_in is not None:
                waits.append(_minutes_between(checked_in, called))
                if token.estimate is not None:
                    errors.append(_minutes_between(token.estimate, called))
            if token.consultation is not None:
                consultations.append(token.consultation)
        return cls(
            len(waits),
            median(waits) if waits else 0.0,
            percentile_90(waits) if waits else 0.0,
            len(consultations),
            median(consultations) if consultations else 0.0,
            overdue,
            len(errors),
            median(abs(error) for error in errors) if errors else 0.0,
            fmean(errors) if errors else 0.0,
        )


def percentile_90(values: list[float]) -> float:
    """The 90th percentile, linear between the two nearest ranks (as a spreadsheet's
    PERCENTILE gives): of 1..11, 10; of 1..10, 9.1."""
    ordered = sorted(values)
    low, tenths = divmod(9 * (len(ordered) - 1), 10)
    if not tenths:
        return float(ordered[low])
    return ordered[low] + (ordered[low + 1] - ordered[low]) * tenths / 10


def _minutes_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


@dataclass(frozen=True, slots=True)
class SlotLine:
    slot_id: str
    start: str
    end: str
    delay: int
    stats: Stats
    waits: Waits


@dataclass(frozen=True, slots=True)
class DoctorLine:
    """``tokens`` is how many tokens ended the day in the doctor's slots, whatever became of
    them: booked, seen, waiting, in the room, no-show or cancelled. ``reassigned_away`` tokens
    were reassigned from this doctor and ended the day with another; ``reassigned_here`` were
    reassigned from another doctor and ended it here."""

    doctor_id: str
    name: str
    specialty: str
    stats: Stats
    waits: Waits
    slots: tuple[SlotLine, ...]
    visits: Visits = field(default_factory=Visits)
    tokens: int = 0
    reassigned_away: int = 0
    reassigned_here: int = 0


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One source's tokens: how many were made, ``served`` and ``preempted`` (at least once).
    ``stats`` counts them by where they ended as a doctor's do (``preemptions`` and
    ``promotions`` are the times its tokens lost and got a seat), and its ``capacity`` is the
    day's: its utilisation is the share of all the day's seats the source's tokens hold."""

    source: Source
    tokens: int
    served: int
    preempted: int
    visits: Visits = field(default_factory=Visits)
    stats: Stats = field(default_factory=Stats)
    waits: Waits = field(default_factory=Waits)


@dataclass(frozen=True, slots=True)
class PreemptedLine:
    """A patient who lost a seat ``times`` times; ``status`` is where the token ended the day."""

    token_id: str
    number: str
    patient: str
    source: Source
    slot_id: str
    times: int
    status: Status


@dataclass(frozen=True, slots=True)
class DayReport:
    clinic: str
    day: date
    actions: int
    first: str
    last: str
    tokens: int
    totals: Stats
    waits: Waits
    doctors: tuple[DoctorLine, ...]
    sources: tuple[SourceLine, ...]
    preempted: tuple[PreemptedLine, ...]
    visits: Visits = field(default_factory=Visits)


class Acted(Protocol):
    """One action of the day: when it was taken and the events the engine returned for it (a
    played ``Step``, a journal's recorded action, a run of the dashboard's timeline)."""

    @property
    def at(self) -> datetime: ...

    @property
    def events(self) -> Sequence[Event]: ...


@dataclass(frozen=True, slots=True)
class Act:
    at: datetime
    events: tuple[Event, ...]


def acts_of(events: Iterable[Event]) -> list[Act]:
    """A day's events in order, grouped into its actions where nothing says which action made
    which event: every event of one action carries the same time (the engine reads its clock
    once an action), and an undo starts an action of its own. Two actions taken at the very
    same instant are taken for one; that matters only to an undo right after them, whose
    record of the tokens then also goes back past the first."""
    acts: list[Act] = []
    run: list[Event] = []
    for event in events:
        if run and (event.at != run[0].at or event.kind == "undone"):
            acts.append(Act(run[0].at, tuple(run)))
            run = []
        run.append(event)
    if run:
        acts.append(Act(run[0].at, tuple(run)))
    return acts


class _Token:
    """What the day's events say of one token; the report's only per-token record."""

    __slots__ = ("called", "checked_in", "consultation", "estimate", "first_called", "left",
                 "number", "patient", "preemptions", "promotions", "reassigned_from",
                 "served_at", "since", "slot_id", "source", "status")  # fmt: skip

    def __init__(self, event: Placed | TokenRestored, status: Status) -> None:
        self.number = event.number
        self.patient = event.patient
        self.source = event.source
        self.slot_id = event.slot_id
        self.since = event.at
        self.status = status
        self.preemptions = 0
        self.promotions = 0
        self.served_at: datetime | None = None
        self.checked_in: datetime | None = None
        self.estimate: datetime | None = None  # the call time expected at check-in
        self.first_called: datetime | None = None
        self.called: datetime | None = None  # the call in the room now, if any
        self.consultation: float | None = None  # minutes from the last call to seen
        self.left: datetime | None = None  # when it left booked (cancelled, no-show)
        self.reassigned_from = ""  # the slot it was first reassigned from, if it was

    def copy(self) -> _Token:
        twin = _Token.__new__(_Token)
        for name in _Token.__slots__:
            setattr(twin, name, getattr(self, name))
        return twin

    def restore(self, event: TokenRestored) -> None:
        """Take in what an undo says the token now is; the times its facts do not give (the
        first call, being seen, leaving) are kept only while its status still allows them."""
        status = event.status
        self.number, self.patient, self.slot_id = event.number, event.patient, event.slot_id
        self.source, self.status, self.preemptions = event.source, status, event.preemptions
        self.checked_in, self.consultation = event.checked_in, event.minutes
        self.called = event.called_at if status is Status.CALLED else None
        if event.checked_in is None:
            self.estimate = None
        if status is not Status.SERVED:
            self.served_at = None
        if status.is_live:
            self.left = None
            if event.called_at is None and not event.unanswered:
                self.first_called = None
        elif status is Status.CALLED and self.first_called is None:
            self.first_called = event.called_at


def _tokens(player: Player) -> dict[str, _Token]:
    """The record of each token of a played day."""
    return _records(player.steps, _estimates(player))


def _estimates(player: Player) -> dict[str, datetime]:
    """The call time expected at each check-in, by token, from the steps that kept one."""
    estimates: dict[str, datetime] = {}
    for step in player.steps:
        if step.estimate is not None:
            (checked_in,) = step.events
            assert isinstance(checked_in, CheckedIn)
            estimates[checked_in.token_id] = step.estimate
    return estimates


def _records(acts: Iterable[Acted], estimates: Mapping[str, datetime]) -> dict[str, _Token]:
    """Each token's source, final slot, arrival there, status, preemptions and serving time,
    read from the events the engine returned (one pass, no copies of engine state). Each
    action's tokens are kept as they were before it, for an undo to go back to (the last
    ``UNDO_REACH`` actions')."""
    tokens: dict[str, _Token] = {}
    kept: deque[dict[str, _Token | None]] = deque(maxlen=UNDO_REACH)
    for act in acts:
        events = act.events
        if not events:
            continue
        if events[0].kind == "undone":
            _undo(tokens, kept.pop() if kept else {}, events)
            continue
        before: dict[str, _Token | None] = {}
        kept.append(before)
        for event in events:
            token_id: str | None = getattr(event, "token_id", None)
            if token_id is None:
                continue
            if token_id not in before:
                was = tokens.get(token_id)
                before[token_id] = None if was is None else was.copy()
            _take(tokens, event, token_id, estimates)
    return tokens


def _take(
    tokens: dict[str, _Token], event: Event, token_id: str, estimates: Mapping[str, datetime]
) -> None:
    kind = event.kind
    if kind == "booked" or kind == "waitlisted":
        assert isinstance(event, Placed)
        status = Status.BOOKED if kind == "booked" else Status.WAITING
        token = tokens.get(token_id)
        if token is None:
            tokens[token_id] = _Token(event, status)
        else:  # placed again after a move
            token.number, token.slot_id = event.number, event.slot_id
            token.since, token.status = event.at, status
    elif kind == "served":
        assert isinstance(event, Served)
        token = tokens[token_id]
        token.status, token.served_at = Status.SERVED, event.at
        if token.called is not None:
            token.consultation = _minutes_between(token.called, event.at)
            token.called = None
    elif kind == "preempted":
        assert isinstance(event, Preempted)
        token = tokens[token_id]
        token.status = Status.WAITING
        token.preemptions += 1
    elif kind == "promoted":
        assert isinstance(event, Promoted)
        token = tokens[token_id]
        token.status = Status.BOOKED
        token.promotions += 1
    elif kind == "cancelled" or kind == "no-show":
        assert isinstance(event, Left)
        ended = Status.CANCELLED if kind == "cancelled" else Status.NO_SHOW
        token = tokens[token_id]
        token.status = ended
        if event.was is Status.BOOKED:
            token.left = event.at
    elif kind == "checked-in":
        assert isinstance(event, CheckedIn)
        token = tokens[token_id]
        token.checked_in, token.estimate = event.at, estimates.get(token_id)
    elif kind == "called":
        assert isinstance(event, Called)
        token = tokens[token_id]
        token.status, token.called = Status.CALLED, event.at
        if token.first_called is None:
            token.first_called = event.at
    elif kind == "returned":
        assert isinstance(event, Returned)
        token = tokens[token_id]
        token.status, token.called = Status.BOOKED, None
    elif kind == "renamed":
        assert isinstance(event, Renamed)
        tokens[token_id].patient = event.new
    elif kind == "reassigned":  # into another doctor's slot, as a move into it
        assert isinstance(event, Reassigned)
        token = tokens[token_id]
        token.reassigned_from = token.reassigned_from or event.from_slot
        token.number, token.slot_id, token.since = event.number, event.to_slot, event.at
        token.status = Status.BOOKED if event.seated else Status.WAITING


def _undo(
    tokens: dict[str, _Token], before: dict[str, _Token | None], events: Sequence[Event]
) -> None:
    """An undo: each token the undone action touched back as it was before it, then as the
    undo's facts say it is (they win where the two differ)."""
    for token_id, was in before.items():
        if was is None:
            tokens.pop(token_id, None)
        else:
            tokens[token_id] = was
    for event in events:
        if isinstance(event, TokenWithdrawn):
            tokens.pop(event.token_id, None)
        elif isinstance(event, TokenRestored):
            token = tokens.get(event.token_id)
            if token is None:
                token = tokens[event.token_id] = _Token(event, event.status)
                token.since = event.arrived_at
            token.restore(event)


def _overdue(
    tokens: dict[str, _Token], slots: list[Slot], grace: int, midnight: datetime, end: datetime
) -> set[str]:
    """The tokens overdue by ``end`` (see the module's note): never checked in, and booked past
    their slot's end, delay and grace, at the end or until they left."""
    deadlines = {
        slot.id: midnight + timedelta(minutes=slot.end_min + slot.delay + grace) for slot in slots
    }
    overdue: set[str] = set()
    for token_id, token in tokens.items():
        if token.checked_in is not None:
            continue
        deadline = deadlines[token.slot_id]
        if deadline > end:
            continue
        if token.status is Status.BOOKED or (token.left is not None and token.left >= deadline):
            overdue.add(token_id)
    return overdue


def day_report(player: Player) -> DayReport:
    """The report of a played scenario's day, as far as it has been played."""
    return report_of(
        player.engine,
        player.steps,
        clinic=player.scenario.name,
        day=player.clock.day,
        estimates=_estimates(player),
    )


def report_of(
    engine: Engine,
    acts: Sequence[Acted],
    *,
    clinic: str,
    day: date,
    estimates: Mapping[str, datetime] | None = None,
    end: datetime | None = None,
) -> DayReport:
    """The report of a day whose ``engine`` holds it after ``acts``, the day's actions (set-up
    left out) in order. ``estimates`` are the call times expected at check-in, by token, where
    they were kept; ``end`` is the moment tokens are overdue by (default: the last action's)."""
    tokens = _records(acts, estimates or {})
    midnight = datetime.combine(day, datetime.min.time())
    slots = engine.slots()
    slot_starts = {slot.id: midnight + timedelta(minutes=slot.start_min) for slot in slots}
    if end is None:
        end = acts[-1].at if acts else midnight
    overdue = _overdue(tokens, slots, engine.visit.grace, midnight, end)
    doctor_of = {slot.id: slot.doctor_id for slot in slots}
    by_doctor: dict[str, list[_Token]] = {}
    by_source: dict[Source, list[_Token]] = {}
    for token in tokens.values():
        by_doctor.setdefault(doctor_of[token.slot_id], []).append(token)
        by_source.setdefault(token.source, []).append(token)
    late_by_doctor = Counter(doctor_of[tokens[token_id].slot_id] for token_id in overdue)
    handed = [
        (doctor_of[token.reassigned_from], doctor_of[token.slot_id])
        for token in tokens.values()
        if token.reassigned_from
    ]
    away_from = Counter(origin for origin, now in handed if origin != now)
    here_to = Counter(now for origin, now in handed if origin != now)
    waits_by_slot: dict[str, list[float]] = {}
    waits_by_source: dict[Source, list[float]] = {}
    for token in tokens.values():
        at = token.served_at
        if at is not None:
            begin = max(token.since, slot_starts[token.slot_id])
            wait = max(0.0, (at - begin).total_seconds() / 60)
            waits_by_slot.setdefault(token.slot_id, []).append(wait)
            waits_by_source.setdefault(token.source, []).append(wait)

    doctors: list[DoctorLine] = []
    for doctor in engine.doctors():
        lines: list[SlotLine] = []
        doctor_waits: list[float] = []
        for slot in engine.slots(doctor.id):
            waits = waits_by_slot.get(slot.id, [])
            doctor_waits += waits
            stats = engine.slot_stats(slot.id)
            lines.append(
                SlotLine(slot.id, slot.start, slot.end, slot.delay, stats, Waits.of(waits))
            )
        mine = by_doctor.get(doctor.id, [])
        doctors.append(
            DoctorLine(
                doctor.id,
                doctor.name,
                doctor.specialty,
                engine.doctor_stats(doctor.id),
                Waits.of(doctor_waits),
                tuple(lines),
                Visits.of(mine, late_by_doctor[doctor.id]),
                len(mine),
                away_from[doctor.id],
                here_to[doctor.id],
            )
        )

    totals = engine.day_stats()
    late = Counter(tokens[token_id].source for token_id in overdue)
    sources = tuple(
        _source_line(
            source,
            by_source.get(source, []),
            totals.capacity,
            Visits.of(by_source.get(source, []), late[source]),
            Waits.of(waits_by_source.get(source, [])),
        )
        for source in sorted(Source, key=lambda s: -engine.priorities[s])
    )
    # Most often first; among equals, in the order the tokens were made.
    preempted = sorted(
        ((token_id, t) for token_id, t in tokens.items() if t.preemptions),
        key=lambda item: -item[1].preemptions,
    )
    return DayReport(
        clinic=clinic,
        day=day,
        actions=len(acts),
        first=acts[0].at.strftime("%H:%M") if acts else "",
        last=acts[-1].at.strftime("%H:%M") if acts else "",
        tokens=len(tokens),
        totals=totals,
        waits=Waits.of([w for waits in waits_by_slot.values() for w in waits]),
        doctors=tuple(doctors),
        sources=sources,
        preempted=tuple(
            PreemptedLine(
                token_id, t.number, t.patient, t.source, t.slot_id, t.preemptions, t.status
            )
            for token_id, t in preempted
        ),
        visits=Visits.of(tokens.values(), len(overdue)),
    )


def _source_line(
    source: Source, tokens: list[_Token], capacity: int, visits: Visits, waits: Waits
) -> SourceLine:
    ended = Counter(token.status for token in tokens)
    stats = Stats(
        capacity=capacity,
        booked=ended[Status.BOOKED],
        waiting=ended[Status.WAITING],
        served=ended[Status.SERVED],
        no_shows=ended[Status.NO_SHOW],
        cancelled=ended[Status.CANCELLED],
        preemptions=sum(token.preemptions for token in tokens),
        promotions=sum(token.promotions for token in tokens),
        called=ended[Status.CALLED],
    )
    served = sum(token.served_at is not None for token in tokens)
    preempted = sum(bool(token.preemptions) for token in tokens)
    return SourceLine(source, len(tokens), served, preempted, visits, stats, waits)
