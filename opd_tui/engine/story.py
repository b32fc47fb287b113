"""A token's story: "why am I waiting?" answered from the day's events, in plain words.

The events say every seat the token got and lost, and to whom; the engine says where it stands
now. Nothing here decides or changes anything: the story is read from what was recorded, so it
is the same on every desk and after a replay. Event kinds this module does not know (a newer
release's) are passed over, so a new kind never breaks a story.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .engine import Engine
from .errors import OpdError
from .events import (
    AwaySet,
    Booked,
    Bumped,
    Called,
    Cancelled,
    CapacityChanged,
    CheckedIn,
    Delayed,
    DoctorAdded,
    Event,
    MarkedNoShow,
    Moved,
    Placed,
    Preempted,
    Promoted,
    Reassigned,
    Renamed,
    Returned,
    RoomSet,
    Served,
    SlotAdded,
    SlotRestored,
    TokenRestored,
    TokenWithdrawn,
    Undone,
    Waitlisted,
)
from .model import Slot, Source, Status, Token, format_hhmm

AHEAD_NAMED = 5
"""How many of the tokens ahead the now-line names; the rest are counted."""

UNDONE_WHAT = {
    "book": "booking",
    "cancel": "cancellation",
    "no-show": "no-show",
    "serve": "seen mark",
    "check-in": "check-in",
    "call-next": "call",
    "call": "call",
    "return": "return to the queue",
    "overdue": "overdue no-shows",
    "room": "room change",
    "rename": "rename",
    "bump": "priority change",
    "move": "move",
    "capacity": "change of seats",
    "delay": "delay",
}
"""An action as an undo names it; an action not listed is named by its own word."""

STATE = {
    Status.BOOKED: "seated",
    Status.WAITING: "on the waitlist",
    Status.CALLED: "in the room",
    Status.SERVED: "seen",
    Status.CANCELLED: "cancelled",
    Status.NO_SHOW: "marked no-show",
}


@dataclass(frozen=True, slots=True)
class Chapter:
    """One thing that happened to the token: when, what kind (an event's word), and in words."""

    at: datetime
    kind: str
    text: str

    @property
    def line(self) -> str:
        """``10:12 lost its seat to …``: the chapter as one line of the story."""
        return f"{self.at:%H:%M} {self.text}"


@dataclass(frozen=True, slots=True)
class Story:
    """A token as it is now, what happened to it in order, where it stands (``now``) and the
    tokens ahead of it there: on its waitlist, or in its doctor's call order."""

    token: Token
    chapters: tuple[Chapter, ...]
    now: str
    ahead: tuple[Token, ...]


def token_story(
    token_id: str, events: Iterable[Event], engine: Engine, at: datetime | None = None
) -> Story:
    """The story of ``token_id`` from the day's ``events`` (all of them, in order) and the day
    as ``engine`` holds it now, its expected call seen from ``at`` (the engine's clock if not
    given). An unknown token is ``NotFound``, before any event is read."""
    token = engine.token(token_id)
    teller = _Teller(token_id, engine)
    for event in events:
        teller.read(event)
    now, ahead = _now(engine, token, at or engine.now())
    return Story(token, tuple(teller.finish()), now, tuple(ahead))


# ------------------------------------------------------------------ the events, read


@dataclass(slots=True)
class _Known:
    """What the story needs of any token at a moment of the day: who it was, where, how strong."""

    number: str
    patient: str
    source: Source
    priority: int
    slot_id: str

    @property
    def named(self) -> str:
        return f"{self.number} {self.patient}"

    @property
    def strength(self) -> str:
        return f"{self.source} {self.priority}"


class _Teller:
    """Reads the day's events one at a time and writes the chapters of one token.

    An action's events come in the order they were decided: a booking that takes a seat says
    ``Preempted`` (by the new token) before the new token's ``Booked``, so a chapter that names
    a token not yet seen waits for that token's placing, which follows in the same action.
    """

    def __init__(self, token_id: str, engine: Engine) -> None:
        self.id = token_id
        self.engine = engine
        self.chapters: list[Chapter] = []
        self.known: dict[str, _Known] = {}
        self.rooms: dict[str, str] = {}
        self.delays: dict[str, int] = {}
        self.cuts: dict[str, CapacityChanged] = {}  # each slot's latest change of seats
        self.gone: dict[str, str] = {}  # why a token left its seat, in words
        self.took: _Known | None = None  # whose seat this token took in the action being read
        self.moving: Moved | None = None
        self.lost_to: tuple[int, str, Preempted] | None = None  # a chapter waiting for its name
        self.undone: Undone | None = None
        self.called_at: datetime | None = None
        self.unanswered = 0
        self.live = True  # not cancelled, no-show or seen

    # ------------------------------------------------------------- every event

    def read(self, event: Event) -> None:
        match event:
            case Placed():
                self.placed(event)
            case Preempted():
                self.preempted(event)
            case Promoted():
                if event.token_id == self.id:
                    self.promoted(event)
            case Cancelled() | MarkedNoShow():
                self.left(event)
            case Moved():
                self.gone[event.token_id] = "moved to another slot"
                if event.token_id == self.id:
                    self.moving = event
            case Reassigned():
                self.reassigned(event)
            case AwaySet():
                self.away(event)
            case Bumped():
                self.bumped(event)
            case Renamed():
                self.renamed(event)
            case CheckedIn() | Called() | Returned() | Served():
                if event.token_id == self.id:
                    self.visit(event)
            case CapacityChanged():
                self.cuts[event.slot_id] = event
            case Delayed():
                self.delayed(event)
            case Undone():
                self.undone = event
            case TokenRestored():
                self.restored(event)
            case TokenWithdrawn():
                self.known.pop(event.token_id, None)
            case SlotRestored():
                self.delays[event.slot_id] = event.delay
            case DoctorAdded():
                self.rooms[event.doctor_id] = event.room
            case RoomSet():
                self.rooms[event.doctor_id] = event.new
            case SlotAdded():
                self.delays[event.slot_id] = 0
            case _:
                self.renumbered(event)
        if self.lost_to is not None and self.lost_to[2] is not event:
            self.settle()

    def finish(self) -> list[Chapter]:
        if self.lost_to is not None:
            self.settle()
        return self.chapters

    def settle(self) -> None:
        """Word the seat lost once the event after the loss was read: the token that took the
        seat is placed (or renumbered) by then, when that is the same action's next step."""
        assert self.lost_to is not None
        index, by_id, event = self.lost_to
        self.lost_to = None
        by, mine = self.known.get(by_id), self.known.get(self.id)
        if by is None:
            text = f"lost its seat to {by_id}"
        else:
            why = f"{by.source}, priority {by.priority}" + (
                "" if mine is None else _beats(by, mine)
            )
            text = f"lost its seat to {by.named} ({why})"
        self.chapters[index] = Chapter(event.at, event.kind, text)

    def tell(self, event: Event, text: str, kind: str | None = None) -> None:
        self.chapters.append(Chapter(event.at, kind or event.kind, text))

    # ------------------------------------------------------------- the token's seat

    def placed(self, event: Placed) -> None:
        token_id = event.token_id
        known = _Known(event.number, event.patient, event.source, event.priority, event.slot_id)
        first = token_id not in self.known
        self.known[token_id] = known
        if token_id != self.id:
            return
        if isinstance(event, Booked):
            how = "got a seat"
        elif isinstance(event, Waitlisted):
            how = "the slot was full, so it joined the waitlist"
        else:  # a placing of a kind this story does not know
            self.took = self.moving = None
            return
        if self.took is not None:
            how = f"took the seat of {self.took.named} ({_over(self.took, known)})"
            self.took = None
        moving, self.moving = self.moving, None
        if moving is not None:
            to = self.slot_words(moving.to_slot, self.doctor_changes(moving))
            number = f" as {event.number}" if self.doctor_changes(moving) else ""
            from_ = self.slot_words(moving.from_slot, self.doctor_changes(moving))
            self.tell(event, f"moved from {from_} to {to}{number}: {how}", "moved")
        elif first:
            where = self.slot_words(event.slot_id, True)
            as_ = f"{event.source} (priority {event.priority})"
            self.tell(event, f"booked for {where} as {as_}: {how}")
        else:
            self.tell(event, f"placed in {self.slot_words(event.slot_id, True)}: {how}", "placed")

    def preempted(self, event: Preempted) -> None:
        if event.by == self.id:
            self.took = self.known.get(event.token_id)
        if event.token_id != self.id:
            return
        mine = self.known.get(self.id)
        if event.by is None:
            cut = self.cuts.get(event.slot_id)
            label = self.slot_words(event.slot_id, False)
            seats = f" from {cut.old} to {cut.new} seats" if cut is not None else ""
            weakest = f" ({mine.strength}, the weakest seated)" if mine is not None else ""
            self.tell(event, f"lost its seat when {label} was cut{seats}{weakest}")
            return
        self.tell(event, "")  # worded by ``settle``: a new token's placing follows
        self.lost_to = (len(self.chapters) - 1, event.by, event)

    def promoted(self, event: Promoted) -> None:
        took, self.took = self.took, None
        mine = self.known.get(self.id)
        if took is not None and mine is not None and event.seat_of is not None:
            text = f"got a seat: took the seat of {took.named} ({_over(took, mine)})"
        elif event.seat_of is not None and event.seat_of in self.known:
            why = self.gone.get(event.seat_of, "left")
            text = f"promoted from the waitlist: {self.known[event.seat_of].named} {why}"
        elif (cut := self.cuts.get(event.slot_id)) is not None and cut.at == event.at:
            label = self.slot_words(event.slot_id, False)
            text = f"promoted from the waitlist: {label} went from {cut.old} to {cut.new} seats"
        else:
            text = "promoted from the waitlist into a free seat"
        self.tell(event, text)

    def reassigned(self, event: Reassigned) -> None:
        """A token sent to another doctor: its new number and slot; a ``Preempted`` before it
        (by this token) says whose seat it took there."""
        known = self.known.get(event.token_id)
        if known is not None:
            known.number, known.slot_id = event.number, event.to_slot
        self.gone[event.token_id] = "went to another doctor"
        if event.token_id != self.id:
            return
        if self.took is not None and known is not None:
            how = f"took the seat of {self.took.named} ({_over(self.took, known)})"
        elif event.seated:
            how = "got a seat"
        else:
            how = "the slot there was full, so it joined the waitlist"
        self.took = None
        doctor = self.doctor_of(event.from_slot)
        away = f"{self.doctor_name(doctor)} is away: " if doctor else ""
        to = self.slot_words(event.to_slot, True)
        self.tell(event, f"{away}reassigned to {to} as {event.number}: {how}")

    def away(self, event: AwaySet) -> None:
        mine = self.known.get(self.id)
        if mine is None or not self.live or self.doctor_of(mine.slot_id) != event.doctor_id:
            return
        doctor = self.doctor_name(event.doctor_id)
        if event.new is None:
            self.tell(event, f"{doctor} is here after all")
        else:
            self.tell(event, f"{doctor} will be away from {format_hhmm(event.new)}")

    def left(self, event: Cancelled | MarkedNoShow) -> None:
        cancelled = isinstance(event, Cancelled)
        self.gone[event.token_id] = "cancelled" if cancelled else "did not come (no-show)"
        if event.token_id != self.id:
            return
        self.live = False
        text = "cancelled" if cancelled else "marked no-show"
        if event.was is Status.WAITING:
            text += " while on the waitlist"
        self.tell(event, text)

    # ------------------------------------------------------------- the token itself

    def bumped(self, event: Bumped) -> None:
        known = self.known.get(event.token_id)
        if known is not None:
            known.priority = event.new_priority
        if event.token_id != self.id:
            return
        way = "raised" if event.new_priority > event.old_priority else "lowered"
        self.tell(event, f"priority {way} from {event.old_priority} to {event.new_priority}")

    def renamed(self, event: Renamed) -> None:
        known = self.known.get(event.token_id)
        if known is not None:
            known.patient = event.new
        if event.token_id == self.id:
            self.tell(event, f'name corrected from "{event.old}" to "{event.new}"')

    def visit(self, event: CheckedIn | Called | Returned | Served) -> None:
        match event:
            case CheckedIn():
                self.tell(event, "checked in: the patient is here")
            case Called():
                self.called_at = event.at
                doctor_id = self.doctor_of(event.slot_id)
                room = self.rooms.get(doctor_id, "") if doctor_id else ""
                into = f"into room {room}" if room else "into the room"
                self.tell(event, f"called {into}{'' if event.in_turn else ', out of turn'}")
            case Returned():
                self.unanswered += 1
                calls = f"{self.unanswered} unanswered call{'' if self.unanswered == 1 else 's'}"
                self.tell(event, f"did not come when called: back in the queue ({calls})")
            case Served():
                self.live = False
                if self.called_at is None:
                    self.tell(event, "marked seen")
                else:
                    minutes = (event.at - self.called_at).total_seconds() / 60
                    self.tell(event, f"seen by the doctor after {minutes:.0f} min in the room")

    def delayed(self, event: Delayed) -> None:
        for slot_id in event.slot_ids:
            self.delays[slot_id] = self.delays.get(slot_id, 0) + event.minutes
        mine = self.known.get(self.id)
        if mine is None or mine.slot_id not in event.slot_ids or not self.live:
            return
        doctor = self.doctor_name(event.doctor_id)
        runs = f"runs {event.minutes} min late" if event.minutes > 0 else "catches up"
        if event.minutes < 0:
            runs += f" {-event.minutes} min"
        begins = self.begins(mine.slot_id)
        self.tell(event, f"{doctor} {runs}: {self.slot_words(mine.slot_id, False)}{begins}")

    def restored(self, event: TokenRestored) -> None:
        known = _Known(event.number, event.patient, event.source, event.priority, event.slot_id)
        before = self.known.get(event.token_id)
        self.known[event.token_id] = known
        if event.token_id != self.id:
            return
        self.called_at, self.unanswered = event.called_at, event.unanswered
        self.live = event.status.is_live
        state = STATE.get(event.status, event.status.value.lower())
        if event.status in (Status.BOOKED, Status.WAITING):
            of = "in" if event.status is Status.BOOKED else "of"
            state += f" {of} {self.slot_words(event.slot_id, False)}"
        if before is not None and before.number != event.number:
            state += f" as {event.number}"
        undone = self.undone
        if undone is None:
            self.tell(event, f"restored: now {state}", "restored")
            return
        what = UNDONE_WHAT.get(undone.action, undone.action)
        self.tell(event, f"undo took back the {what} ({undone.subject}): now {state}", "undone")

    def renumbered(self, event: Event) -> None:
        """An event of a kind not known here: only a token's new number is taken from it."""
        token_id, number = getattr(event, "token_id", None), getattr(event, "number", None)
        known = self.known.get(token_id) if isinstance(token_id, str) else None
        if known is not None and isinstance(number, str):
            known.number = number

    # ------------------------------------------------------------- words

    def doctor_of(self, slot_id: str) -> str | None:
        try:
            return self.engine.slot(slot_id).doctor_id
        except OpdError:
            return None

    def doctor_name(self, doctor_id: str) -> str:
        try:
            return self.engine.doctor(doctor_id).name
        except OpdError:
            return doctor_id

    def doctor_changes(self, moved: Moved) -> bool:
        return self.doctor_of(moved.from_slot) != self.doctor_of(moved.to_slot)

    def slot_words(self, slot_id: str, with_doctor: bool) -> str:
        """``10:00–11:00``, or ``Dr Asha Rao 10:00–11:00``."""
        try:
            slot = self.engine.slot(slot_id)
        except OpdError:
            return slot_id
        if not with_doctor:
            return slot.label
        return f"{self.doctor_name(slot.doctor_id)} {slot.label}"

    def begins(self, slot_id: str) -> str:
        try:
            slot = self.engine.slot(slot_id)
        except OpdError:
            return ""
        return f" now begins at {format_hhmm(slot.start_min + self.delays.get(slot_id, 0))}"


def _beats(by: _Known, loser: _Known) -> str:
    """`` over walk-in 1``: why ``by`` outranked ``loser``, after ``by``'s own priority."""
    if by.priority > loser.priority:
        return f" over {loser.strength}"
    return f", the same as {loser.strength}, but booked earlier"


def _over(loser: _Known, winner: _Known) -> str:
    """``walk-in 1, below paid 4``: the weaker token's strength, beside the stronger's."""
    if winner.priority > loser.priority:
        return f"{loser.strength}, below {winner.strength}"
    return f"{loser.strength}, the same as {winner.strength}, but booked later"


# ------------------------------------------------------------------ where it stands now


def _now(engine: Engine, token: Token, at: datetime) -> tuple[str, list[Token]]:
    slot = engine.slot(token.slot_id)
    status = token.status
    if status is Status.WAITING:
        waiting = engine.slot_view(slot.id, at).waiting
        place = next(i for i, t in enumerate(waiting) if t.id == token.id)
        ahead = list(waiting[:place])
        return f"now {_nth(place + 1)} on the waitlist of {slot.label}{_ahead(ahead)}", ahead
    if status is Status.BOOKED:
        return _seated(engine, token, slot, at)
    if status is Status.CALLED:
        room = engine.doctor(slot.doctor_id).room
        where = f"in room {room}" if room else "in the room"
        since = f" since {token.called_at:%H:%M}" if token.called_at is not None else ""
        return f"now {where}{since}", []
    if status is Status.SERVED:
        after = "" if token.minutes is None else f" after {token.minutes:.0f} min in the room"
        return f"seen{after}: the visit is over", []
    return f"{STATE[status]}: it holds no place now", []


def _seated(engine: Engine, token: Token, slot: Slot, at: datetime) -> tuple[str, list[Token]]:
    """A present patient's turn in the doctor's call order; an absent one's place in the slot."""
    seated = f"now seated in {slot.label}"
    if token.checked_in is not None:
        order = engine.queue(slot.doctor_id, at).next_up
        turn = next((i for i, e in enumerate(order) if e.token.id == token.id), None)
        if turn is not None:
            ahead = [e.token for e in order[:turn]]
            when = f"expected about {order[turn].at:%H:%M}"
            line = f"{seated}, checked in, {_nth(turn + 1)} to be called ({when})"
            return line + _ahead(ahead), ahead
    booked = [s.token for s in engine.slot_view(slot.id, at).booked]
    live = [t for t in booked if t.status is Status.BOOKED]
    place = next(i for i, t in enumerate(live) if t.id == token.id)
    ahead = live[:place]
    line = f"{seated}, {_nth(place + 1)} in line; not checked in yet, so not called"
    return line + _ahead(ahead), ahead


def _ahead(tokens: list[Token]) -> str:
    if not tokens:
        return "; nobody ahead of it"
    named = [f"{t.number} ({t.source})" for t in tokens[:AHEAD_NAMED]]
    if len(tokens) > AHEAD_NAMED:
        named.append(f"and {len(tokens) - AHEAD_NAMED} more")
    return "; ahead of it: " + ", ".join(named)


def _nth(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``21st``."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"
