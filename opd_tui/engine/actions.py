"""What each action decides: it checks everything first, then decides its events one at a time.

Every action either refuses with an ``OpdError`` having changed nothing, or returns what undo
keeps of it. Its events change the day only as they are applied (``facts``, through the rule in
``allocation``), each as soon as it is decided, exactly as a replay of them would.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import datetime

from . import facts, identity
from .allocation import fill, place, preempt, swap_if_outranked, transfer
from .commands import Carried
from .day import Day, copied, state
from .errors import Conflict, Duplicate, Invalid
from .events import (
    AwaySet,
    Bumped,
    Called,
    Cancelled,
    CapacityChanged,
    CarriedOver,
    CheckedIn,
    Delayed,
    DoctorAdded,
    Event,
    MarkedNoShow,
    Moved,
    Renamed,
    Returned,
    RoomSet,
    Served,
    SlotAdded,
)
from .finder import finder_of
from .model import (
    BOOKED,
    CALLED,
    CANCELLED,
    ROOM_LENGTH,
    WAITING,
    Slot,
    Source,
    Status,
    Token,
    format_hhmm,
    parse_hhmm,
)
from .text import checked_text

Clock = Callable[[], datetime]
Done = tuple[str, list[Event], Token | None]
"""One action as undo keeps it: its name, its events, and the moved token as it was before."""

MAX_DELAY_MINUTES = 720
"""The most a doctor can run late (or early) in one go: half a day; more is a typing slip."""


def add_doctor(
    day: Day, clock: Clock, doctor_id: str, name: str, specialty: str, room: str = ""
) -> list[Event]:
    doctor_id = _identifier(doctor_id, "doctor id")
    if doctor_id in day.doctors:
        raise Conflict(f"doctor {doctor_id!r} already exists")
    name, specialty = _text(name, "doctor name"), _text(specialty, "specialty")
    added = DoctorAdded(clock(), doctor_id, name, specialty, _room(room))
    facts.apply_doctor_added(day, added)
    return [added]


def add_slot(
    day: Day, clock: Clock, slot_id: str, doctor_id: str, start: str, end: str, capacity: int
) -> list[Event]:
    slot_id = _identifier(slot_id, "slot id")
    start_min, end_min = parse_hhmm(start), parse_hhmm(end)
    if end_min <= start_min:
        raise Invalid(f"slot {slot_id}: end {end} is not after start {start}")
    _check_capacity(capacity)
    slots = day.slots_of(doctor_id)
    if slot_id in day.slots:
        raise Conflict(f"slot {slot_id!r} already exists")
    for other in slots:
        if start_min < other.end_min and other.start_min < end_min:
            raise Conflict(f"slot {slot_id} overlaps {day.slot_name(other)}–{other.end}")
    start, end = format_hhmm(start_min), format_hhmm(end_min)
    added = SlotAdded(clock(), slot_id, doctor_id, start, end, capacity)
    facts.apply_slot_added(day, added)
    return [added]


def book(
    day: Day,
    clock: Clock,
    slot_id: str,
    patient: str,
    source: Source | str,
    phone: str = "",
    patient_id: str = "",
    again: bool = False,
) -> Done:
    """A new token joins the slot: booked, booked by preempting the weakest, or waitlisted.
    A patient who already holds a live token with this doctor is refused (``Duplicate``)
    unless the booking says it is intended (``again``)."""
    patient = _text(patient, "patient name")
    source = Source.parse(source)
    slot = day.slot(slot_id)
    doctor_id = slot.doctor_id
    if day.doctors[doctor_id].away is not None:
        _check_here(day, slot)
    if phone or patient_id:
        phone, patient_id = identity.phone_number(phone), identity.patient_id(patient_id)
        _check_not_held(day, doctor_id, patient, phone, patient_id, again)
    now = clock()
    arrival = day.arrivals + 1
    count = day.numbers[doctor_id] + 1
    events: list[Event] = []
    place(
        day,
        slot,
        now,
        events,
        "T" + str(arrival).zfill(5),  # T00042; zfill is twice as fast as a format spec
        day.number(doctor_id, count),
        patient,
        source,
        day.priorities[source],
        arrival,
        count,
        phone,
        patient_id,
    )
    return "book", events, None


def _check_here(day: Day, slot: Slot) -> None:
    doctor = day.doctors[slot.doctor_id]
    if slot.off_for(doctor):
        assert doctor.away is not None
        raise Conflict(
            f"{doctor.name} is away from {format_hhmm(doctor.away)}: "
            f"the {slot.label} slot takes no new patients"
        )


def _check_not_held(
    day: Day, doctor_id: str, patient: str, phone: str, patient_id: str, again: bool
) -> None:
    """Refuse a second live token with the same doctor for the same patient, unless intended."""
    if again:
        return
    for token in finder_of(day).holders(patient_id, phone, patient):
        slot = day.slots[token.slot_id]
        if slot.doctor_id == doctor_id:
            doctor = day.doctors[doctor_id].name
            raise Duplicate(
                f"{token.patient} already holds {token.number} with {doctor} today "
                f"({state(token.status)}, {slot.label}); book again only if intended",
                token.id,
            )


def leave(day: Day, clock: Clock, token_id: str, status: Status) -> Done:
    """The patient cancels, or did not come: a freed seat goes to the best waiting token."""
    cancel = status is CANCELLED
    token = day.live_token(token_id, "cancel" if cancel else "mark as no-show")
    was, slot_id = token.status, token.slot_id
    now = clock()
    events: list[Event]
    if cancel:
        cancelled = Cancelled(now, token.id, slot_id, was)
        events = [cancelled]
        facts.apply_cancelled(day, cancelled)
    else:
        no_show = MarkedNoShow(now, token.id, slot_id, was)
        events = [no_show]
        facts.apply_marked_no_show(day, no_show)
    if was is BOOKED:
        fill(day, day.slots[slot_id], now, events, token.id)
    return ("cancel" if cancel else "no-show"), events, None


def serve(day: Day, clock: Clock, token_id: str) -> Done:
    """The patient has been seen, in the room (the consultation's minutes are kept) or straight
    from a seat: the token keeps its seat and can no longer be preempted."""
    token = day.token(token_id)
    if token.status is not CALLED and token.status is not BOOKED:
        token = day.live_token(token_id, "serve")  # refuses a closed one
        if token.status is WAITING:
            raise Conflict(f"{token.number} is on the waitlist; only a booked token can be served")
    served = Served(clock(), token.id, token.slot_id)
    facts.apply_served(day, served)
    return "serve", [served], None


def check_in(day: Day, clock: Clock, token_id: str) -> Done:
    """The patient has arrived: present from now, and so callable once seated."""
    token = day.live_token(token_id, "check in")
    if token.checked_in is not None:
        at = format_hhmm(token.checked_in.hour * 60 + token.checked_in.minute)
        raise Conflict(f"{token.number} checked in already, at {at}")
    checked_in = CheckedIn(clock(), token.id, token.slot_id)
    facts.apply_checked_in(day, checked_in)
    return "check-in", [checked_in], None


def call_next(day: Day, clock: Clock, doctor_id: str) -> Done:
    """The room calls the best present booked token of the doctor's earliest slot that has one.
    Each slot keeps its present tokens in a heap, so this costs O(log n) plus the doctor's slots."""
    found = next_in_turn(day, doctor_id)
    if found is None:
        name = day.doctors[doctor_id].name
        raise Conflict(f"nobody to call for {name}: no booked patient has checked in")
    slot, token = found
    called = Called(clock(), token.id, slot.id, True)
    facts.apply_called(day, called)
    return "call-next", [called], None


def call(day: Day, clock: Clock, token_id: str) -> Done:
    """The room calls this present booked token; the event says whether it was its turn."""
    token = day.live_token(token_id, "call")
    if token.status is WAITING:
        raise Conflict(f"{token.number} is on the waitlist; only a booked token can be called")
    if token.checked_in is None:
        raise Conflict(f"{token.number} has not checked in; check the patient in first")
    found = next_in_turn(day, day.slots[token.slot_id].doctor_id)
    in_turn = found is not None and found[1] is token
    called = Called(clock(), token.id, token.slot_id, in_turn)
    facts.apply_called(day, called)
    return "call", [called], None


def return_to_queue(day: Day, clock: Clock, token_id: str) -> Done:
    """A called patient did not come: booked and present again, and the rule decides anew, so a
    stronger waiting token may take the seat."""
    token = day.token(token_id)
    if token.status is not CALLED:
        raise Conflict(
            f"cannot return {token.number} to the queue: it is {state(token.status)}, "
            "not in the room"
        )
    assert token.called_at is not None
    now = clock()
    returned = Returned(now, token.id, token.slot_id, token.called_at)
    events: list[Event] = [returned]
    facts.apply_returned(day, returned)
    swap_if_outranked(day, token.slot_id, now, events)
    return "return", events, None


def no_show_overdue(day: Day, clock: Clock, doctor_id: str | None) -> Done:
    """Every overdue token of the doctor (or the day) is marked no-show; freed seats promote."""
    now = clock()
    events: list[Event] = []
    for slot, tokens in overdue(day, doctor_id, now):
        for token in tokens:
            no_show = MarkedNoShow(now, token.id, slot.id, BOOKED)
            events.append(no_show)
            facts.apply_marked_no_show(day, no_show)
        fill(day, slot, now, events, None)
    if not events:
        whose = "today" if doctor_id is None else f"for {day.doctors[doctor_id].name}"
        raise Conflict(f"nobody is overdue {whose}")
    return "overdue", events, None


def set_room(day: Day, clock: Clock, doctor_id: str, room: str) -> Done:
    """The doctor's room from now: shown in the schedule and on the waiting room's board."""
    day.slots_of(doctor_id)  # refuses an unknown doctor
    doctor = day.doctors[doctor_id]
    room = _room(room)
    if room == doctor.room:
        raise Conflict(f"{doctor.name} is already in room {room or '(none)'}")
    changed = RoomSet(clock(), doctor.id, doctor.room, room)
    facts.apply_room_set(day, changed)
    return "room", [changed], None


def next_in_turn(day: Day, doctor_id: str) -> tuple[Slot, Token] | None:
    """Whom the doctor's room calls next: the best present booked token of the earliest slot."""
    seating = day.seating
    for slot in day.slots_of(doctor_id):
        here = seating[slot.id]
        if here.present:  # most slots have nobody present: skip them without a call
            token = here.next_present()
            if token is not None:
                return slot, token
    return None


def overdue(day: Day, doctor_id: str | None, now: datetime) -> list[tuple[Slot, list[Token]]]:
    """Each slot's booked tokens not checked in, in rank order, where the slot (with its delay)
    ended more than the grace period before ``now``."""
    minute = now.hour * 60 + now.minute
    grace = day.visit.grace
    slots = day.slots.values() if doctor_id is None else day.slots_of(doctor_id)
    found = []
    for slot in slots:
        if slot.ended(minute - grace):
            late = [t for t in day.seating[slot.id].booked_tokens() if t.checked_in is None]
            if late:
                found.append((slot, late))
    return found


def rename(day: Day, clock: Clock, token_id: str, patient: str) -> Done:
    """Correct a live token's patient name; it keeps its number and its place."""
    patient = _text(patient, "patient name")
    token = day.live_token(token_id, "rename")
    if patient == token.patient:
        raise Conflict(f"{token.number} is already named {patient}")
    renamed = Renamed(clock(), token.id, token.slot_id, token.patient, patient)
    facts.apply_renamed(day, renamed)
    return "rename", [renamed], None


def bump(day: Day, clock: Clock, token_id: str, up: bool, to: Source | str | None) -> Done:
    """Raise (or lower) a live token's priority one class, or to ``to``'s priority."""
    target = None if to is None else day.priorities[Source.parse(to)]
    token = day.live_token(token_id, "bump")
    old = token.priority
    if target is None:
        target = _next_level(day.levels, old, up)
        if target is None:
            end = "highest" if up else "lowest"
            raise Conflict(f"{token.number} is already at the {end} priority ({old})")
    elif target == old:
        raise Conflict(f"{token.number} already has priority {old}")
    now = clock()
    bumped = Bumped(now, token.id, token.slot_id, old, target)
    events: list[Event] = [bumped]
    facts.apply_bumped(day, bumped)
    swap_if_outranked(day, token.slot_id, now, events)
    return "bump", events, None


def move(day: Day, clock: Clock, token_id: str, slot_id: str) -> Done:
    """The patient leaves their slot (a freed seat promotes there) and joins ``slot_id`` anew."""
    token = day.live_token(token_id, "move")
    slot = day.slot(slot_id)
    if slot_id == token.slot_id:
        raise Conflict(f"{token.number} is already in {day.slot_name(slot)}")
    if day.doctors[slot.doctor_id].away is not None:
        _check_here(day, slot)
    now = clock()
    origin = day.slots[token.slot_id]
    before = copied(token)
    moved = Moved(now, token.id, origin.id, slot_id)
    events: list[Event] = [moved]
    facts.apply_moved(day, moved)
    if before.status is BOOKED:
        fill(day, origin, now, events, token.id)
    number, count = token.number, 0  # the same doctor's patient keeps their number
    if origin.doctor_id != slot.doctor_id:
        count = day.numbers[slot.doctor_id] + 1
        number = day.number(slot.doctor_id, count)
    arrival = day.arrivals + 1
    patient, source, priority = token.patient, token.source, token.priority
    place(day, slot, now, events, token.id, number, patient, source, priority, arrival, count)
    return "move", events, before


def set_away(day: Day, clock: Clock, doctor_id: str, at: str | None) -> Done:
    """The doctor is away from ``at`` (None: here after all): the slots they would leave before
    their end take no new patients, and their patients can be reassigned."""
    day.slots_of(doctor_id)  # refuses an unknown doctor
    doctor = day.doctors[doctor_id]
    away = None if at is None else parse_hhmm(at)
    if away == doctor.away:
        now = "here" if away is None else f"away from {format_hhmm(away)}"
        raise Conflict(f"{doctor.name} is already {now}")
    changed = AwaySet(clock(), doctor.id, doctor.away, away)
    facts.apply_away_set(day, changed)
    return "away", [changed], None


def reassign(
    day: Day, clock: Clock, doctor_id: str, to_doctor_id: str, slot_id: str | None = None
) -> Done:
    """The doctor's remaining live tokens (those of the slots they are away for, if away) go to
    another doctor: each to that doctor's slot at the same time or the nearest later one (or to
    ``slot_id``), keeping source, priority and arrival, so the rule there decides who sits and
    who waits. Every target is found before anything changes; none found refuses it all."""
    origin_slots, target_slots = day.slots_of(doctor_id), day.slots_of(to_doctor_id)
    origin, target = day.doctors[doctor_id], day.doctors[to_doctor_id]
    if doctor_id == to_doctor_id:
        raise Invalid(f"reassign {origin.name}'s patients to another doctor")
    now = clock()
    minute = now.hour * 60 + now.minute
    open_slots = [s for s in target_slots if not s.ended(minute) and not s.off_for(target)]
    if slot_id is not None:
        picked = day.slot(slot_id)
        if picked.doctor_id != to_doctor_id:
            raise Invalid(f"{day.slot_name(picked)} is not one of {target.name}'s slots")
        if picked not in open_slots:
            why = "is over" if picked.ended(minute) else f"is off: {target.name} is away then"
            raise Conflict(f"{day.slot_name(picked)} {why}")
    moves: list[tuple[Token, Slot]] = []
    for slot in origin_slots:
        if slot.ended(minute) or (origin.away is not None and not slot.off_for(origin)):
            continue
        seating = day.seating[slot.id]
        leaving = seating.booked_tokens() + seating.waiting_tokens()
        leaving.sort(key=_rank, reverse=True)
        for token in leaving:
            to = picked if slot_id is not None else _slot_from(open_slots, slot.start_min)
            if to is None:
                raise Conflict(
                    f"{target.name} has no slot at or after {slot.start} for {token.number}"
                )
            moves.append((token, to))
    if not moves:
        raise Conflict(f"{origin.name} has no waiting or booked patients to reassign")
    events: list[Event] = []
    for token, to in moves:
        count = day.numbers[to_doctor_id] + 1
        transfer(day, token, to, day.number(to_doctor_id, count), now, events)
    return "reassign", events, None


def carry_over(day: Day, clock: Clock, from_day: str, patients: tuple[Carried, ...]) -> Done:
    """Another day's unseen patients join their slots today: checked first, all of them; then
    placed stronger first (in the listed order among equals), each with today's next arrival
    and number. Those who already hold a token with the doctor today are left out."""
    from_day = _text(from_day, "the day carried from")
    if from_day in day.carried:
        raise Conflict(f"the patients of {from_day} were carried over already")
    entries: list[tuple[Slot, str, Source, int, str, str]] = []
    for entry in patients:
        if not isinstance(entry, tuple) or len(entry) != 7:
            raise Invalid(f"a carried patient is number, slot, name, source, priority, phone "
                          f"and patient id; not {entry!r}")  # fmt: skip
        number, slot_id, patient, source, priority, phone, pid = entry
        slot = day.slot(slot_id)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise Invalid(f"{number}: priority must be a whole number, not {priority!r}")
        patient = _text(patient, "patient name")
        phone, pid = identity.phone_number(phone), identity.patient_id(pid)
        entries.append((slot, patient, Source.parse(source), priority, phone, pid))
    if not entries:
        raise Invalid(f"nobody to carry over from {from_day}")
    kept = []
    for wanted in entries:
        slot, patient, _, _, phone, pid = wanted
        if phone or pid:
            held = finder_of(day).holders(pid, phone, patient)
            if any(day.slots[t.slot_id].doctor_id == slot.doctor_id for t in held):
                continue
        kept.append(wanted)
    if not kept:
        raise Conflict(f"everyone carried over from {from_day} already holds a token today")
    kept.sort(key=lambda e: -e[3])  # stable: the listed order stays among equal priorities
    now = clock()
    carried = CarriedOver(now, from_day)
    facts.apply_carried_over(day, carried)
    events: list[Event] = [carried]
    for slot, patient, source, priority, phone, pid in kept:
        arrival = day.arrivals + 1
        count = day.numbers[slot.doctor_id] + 1
        number = day.number(slot.doctor_id, count)
        token_id = "T" + str(arrival).zfill(5)
        place(
            day, slot, now, events, token_id, number, patient, source, priority, arrival, count,
            phone, pid,
        )  # fmt: skip
    return "carry-over", events, None


def _slot_from(slots: list[Slot], minute: int) -> Slot | None:
    """The first of ``slots`` (in time order) running at ``minute`` or starting after it."""
    return next((s for s in slots if s.end_min > minute), None)


def _rank(token: Token) -> int:
    return token.rank


def set_capacity(day: Day, clock: Clock, slot_id: str, capacity: int) -> Done:
    """Elastic capacity: a cut preempts the weakest booked tokens, a rise promotes the best waiting."""
    _check_capacity(capacity)
    slot = day.slot(slot_id)
    old = slot.capacity
    if capacity == old:
        return "capacity", [], None
    now = clock()
    changed = CapacityChanged(now, slot_id, old, capacity)
    events: list[Event] = [changed]
    facts.apply_capacity_changed(day, changed)
    seating = day.seating[slot_id]
    why = f"capacity cut to {capacity}"
    while seating.free_seats(capacity) < 0 and seating.booked_count:
        weakest = seating.weakest()
        assert weakest is not None
        preempt(day, slot_id, weakest, None, why, now, events)
    fill(day, slot, now, events, None)
    return "capacity", events, None


def delay(day: Day, clock: Clock, doctor_id: str, minutes: int) -> Done:
    """The doctor runs ``minutes`` later (or earlier, if negative) for every slot not yet over."""
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or minutes == 0
        or not -MAX_DELAY_MINUTES <= minutes <= MAX_DELAY_MINUTES
    ):
        raise Invalid(
            f"delay must be a whole number of minutes from {-MAX_DELAY_MINUTES} to "
            f"{MAX_DELAY_MINUTES}, other than 0; not {minutes!r}"
        )
    slots = day.slots_of(doctor_id)
    now = clock()
    now_min = now.hour * 60 + now.minute
    remaining = [s for s in slots if s.end_min + s.delay > now_min]
    if not remaining:
        raise Conflict(f"{day.doctors[doctor_id].name} has no slots left today")
    for slot in remaining:
        if slot.delay + minutes < 0:
            raise Invalid(f"{day.slot_name(slot)} would start before its scheduled time")
        if slot.delay + minutes > MAX_DELAY_MINUTES:
            raise Invalid(
                f"{day.slot_name(slot)} would run more than {MAX_DELAY_MINUTES} "
                f"minutes late (it is {slot.delay} late already)"
            )
    delayed = Delayed(now, doctor_id, minutes, tuple(s.id for s in remaining))
    facts.apply_delayed(day, delayed)
    return "delay", [delayed], None


def _next_level(levels: list[int], priority: int, up: bool) -> int | None:
    if up:
        i = bisect_right(levels, priority)
        return levels[i] if i < len(levels) else None
    i = bisect_left(levels, priority)
    return levels[i - 1] if i else None


def _text(value: object, what: str) -> str:
    """A name, a specialty: one line of visible text, refused as ``text.checked_text`` says."""
    return checked_text(value, what)


def _room(value: object) -> str:
    """A room label: short, one line, printable; ``""`` for none."""
    if not isinstance(value, str):
        raise Invalid(f"a room is text, not {value!r}")
    room = value.strip()
    if len(room) > ROOM_LENGTH or not room.isprintable():
        raise Invalid(f"a room is at most {ROOM_LENGTH} printable characters on one line")
    return room


def _identifier(value: object, what: str) -> str:
    text = _text(value, what)
    if not all(c.isalnum() or c in "-_." for c in text):
        raise Invalid(f"{what} {text!r} may hold only letters, digits, '-', '_' and '.'")
    return text


def _check_capacity(capacity: object) -> None:
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
        raise Invalid(f"capacity must be a whole number >= 0, not {capacity!r}")
