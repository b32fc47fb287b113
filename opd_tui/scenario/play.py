"""Playing a scenario through the engine, one action at a time, at the action's clock time.

The engine decides everything; a player only turns timeline entries into engine calls and keeps
the events each one returned, so a day can be stepped through, rewound and reported on.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import accumulate, chain
from operator import attrgetter
from typing import Any, NamedTuple

from ..engine import (
    AddDoctor,
    AddSlot,
    Book,
    Bump,
    Call,
    CallNext,
    Cancel,
    CheckedIn,
    CheckIn,
    Command,
    Delay,
    Engine,
    Event,
    Move,
    NoShow,
    NoShowOverdue,
    OpdError,
    Placed,
    Reassign,
    ReturnToQueue,
    Serve,
    SetAway,
    SetCapacity,
    SetRoom,
    Snapshot,
    Source,
    Undo,
    parse_hhmm,
)
from .clock import ScenarioClock
from .collector import collector_paused
from .model import Action, Scenario
from .problems import Path

Refusal = Callable[[Path, OpdError, tuple[str, ...]], None]
"""Told of a set-up entry the engine refused: its key path, the error, and the ids (a doctor's,
its slots') that can no longer be played."""

Progress = Callable[[int, int], None]

CHECKPOINT_REACH = 14_000
"""How much work, counted in actions replayed, going back to a moment may take at most: restoring
the checkpoint at or before it, then replaying the steps after that. On the 100,000-action day of
tests/benchmarks/bench_simulate.py that is about 50 ms, with 17 checkpoints (31 MB) kept; 11,000
takes 38 (45 MB) for little gain, as restoring a late checkpoint is most of the cost."""

TOKENS_PER_ACTION = 5
"""Restoring this many tokens from a snapshot costs about as much as replaying one action."""

REVERT_SPAN = 3
"""Taking one step back in place costs about as much as restoring this many tokens anew: a
rewind takes the engine back in place when that is less work than a restore."""


def checkpoint_gap(tokens: int) -> int:
    """Steps from a checkpoint holding ``tokens`` tokens to the next one. The fuller the day, the
    more a restore costs, and the fewer steps may follow it within ``CHECKPOINT_REACH``: early in
    a day checkpoints are far apart, late in it close together (at least 1,000 steps apart)."""
    return max(1000, CHECKPOINT_REACH - tokens // TOKENS_PER_ACTION)


class Step(NamedTuple):
    """One played action and the events the engine returned for it (none if it was skipped).
    A check-in's ``estimate`` is when the engine, just after it, expected the patient to be
    called, to the minute as the slot's view shows it (None if the token was not seated then):
    what the waiting room was told, kept so a report can set it against the call that came."""

    action: Action
    at: datetime
    events: tuple[Event, ...]
    estimate: datetime | None = None


def set_up(engine: Engine, scenario: Scenario, on_refusal: Refusal | None = None) -> list[Event]:
    """Add the scenario's doctors and slots; a refusal raises, unless ``on_refusal`` is given."""
    events: list[Event] = []
    for doctor in scenario.doctors:
        try:
            asked = AddDoctor(doctor.id, doctor.name, doctor.specialty, doctor.room)
            events += engine.execute(asked)
        except OpdError as error:
            if on_refusal is None:
                raise
            on_refusal(doctor.path, error, (doctor.id, *(slot.id for slot in doctor.slots)))
            continue
        for slot in doctor.slots:
            try:
                added = AddSlot(slot.id, doctor.id, slot.start, slot.end, slot.capacity)
                events += engine.execute(added)
            except OpdError as error:
                if on_refusal is None:
                    raise
                on_refusal(slot.path, error, (slot.id,))
    return events


class Player:
    """A scenario's day in an engine, played up to ``position`` (the number of actions played).

    Stepping forward asks the engine's rules. Going back does not: ``back`` takes the engine's own
    last action back (``Engine.undo``), and ``rewind`` goes to the checkpoint at or before the
    moment wanted, then replays the recorded events of the few steps after it. Checkpoints are
    snapshots of the engine (``Engine.snapshot``), closer together as the day fills (see
    ``checkpoint_gap``). Going to one either takes the engine back in place (``Engine.revert``:
    only what changed since) or
    restores a new engine from it (``Engine.restore``: in proportion to the day's tokens),
    whichever is less work; after a rewind, ``engine`` may be a new object.

    Checkpoints are taken from the engine as it plays, as long as it holds just what the recorded
    steps made: once something else changes it (a live action in the dashboard, say) or ``back``
    undoes a step, the later ones are made from the recorded events instead, when first needed.
    While ``keep_checkpoints`` is false (``checkpoints=False``), none is taken as it plays: for a
    day that is only played to be checked or reported on (a rehearsal).

    The steps a rewind or ``back`` goes back over stay recorded, ahead, with their checkpoints:
    ``go`` returns to any of them as a rewind does (the checkpoint at or before, then the few
    recorded steps after it), and a step played again by the rules that decides as recorded keeps
    the record. Once a step decides otherwise, or something else changed the day before it, the
    record ahead (and its checkpoints) is dropped: from there the rules decide.

    What is dropped (the record ahead, its checkpoints, an engine replaced) is freed a little at
    a time by the steps played after it.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        day: date | None = None,
        clock: ScenarioClock | None = None,
        on_refusal: Refusal | None = None,
        checkpoints: bool = True,
    ) -> None:
        self.scenario = scenario
        self.clock = clock or ScenarioClock(day or date.today())
        self.clock.set(scenario.opens)
        self.engine = self._new_engine()
        self.set_up_events = set_up(self.engine, scenario, on_refusal)
        self.steps: list[Step] = []
        self._tokens: dict[int, str] = {}
        # Snapshots of the day and the positions they were taken at, each ``checkpoint_gap``
        # steps after the one before, with none missing up to the last; and where the next is due.
        self._checkpoints: list[Snapshot] = [self.engine.snapshot()]
        self._at: list[int] = [0]
        self._due = checkpoint_gap(0)
        self.keep_checkpoints = checkpoints
        # The checkpoints (by index) the engine comes from, object for object: it can be taken
        # back to any of them in place, and the next checkpoint is taken on from the last. None
        # once anything but this player's steps changed the engine (its action mark tells).
        self._kin = range(0, 1) if checkpoints else range(0)
        self._mark = self.engine.action_mark()
        # What rewinds left behind, to free bit by bit: (a pile, how much of it to free a step).
        self._left: list[tuple[list[Any], int]] = []
        # The recorded steps after ``position``, the next one last: where ``go`` can return. The
        # record is the played steps decided on its own day (the first ``_clean``: none after a
        # change from outside), then these; ``_own`` marks the engine after the player's last
        # change to it, to tell a change from outside.
        self._ahead: list[Step] = []
        self._clean = 0
        self._own = self._mark
        self._times: list[int] | None = None  # each timeline action's clock time, when asked

    # ------------------------------------------------------------------ where

    @property
    def position(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> bool:
        return len(self.steps) >= len(self.scenario.timeline)

    @property
    def recorded(self) -> int:
        """How far the record goes: the steps played and those recorded ahead of them."""
        return len(self.steps) + len(self._ahead)

    def position_at(self, when: str | int | time) -> int:
        """The position just after every action at or before ``when`` (the timeline is in time
        order)."""
        if self._times is None:
            self._times = [action.at for action in self.scenario.timeline]
        return bisect_right(self._times, _minutes(when))

    @property
    def next_action(self) -> Action | None:
        timeline = self.scenario.timeline
        return timeline[len(self.steps)] if len(self.steps) < len(timeline) else None

    def token_id(self, booking: int) -> str:
        """The engine's id of the token made by the ``book`` entry at position ``booking``."""
        return self._tokens[booking]

    def checkpoint_positions(self) -> list[int]:
        """Where the checkpoints kept now are: after how many steps each was taken."""
        return list(self._at)

    def events(self) -> list[Event]:
        """Every event of the day so far, set-up first, in order."""
        events = list(self.set_up_events)
        for step in self.steps:
            events.extend(step.events)
        return events

    # --------------------------------------------------------------- forward

    def step(self) -> Step:
        """Play the next action at its clock time; an engine refusal raises and changes nothing."""
        steps = self.steps
        timeline = self.scenario.timeline
        if len(steps) >= len(timeline):
            raise IndexError("the timeline is over")
        action = timeline[len(steps)]
        outside = not self.engine.unchanged_since(self._own)
        if outside:
            self._changed_outside()
        elif self._ahead:
            self._ready_to_follow()
        engine, kin = self.engine, self._kin
        if kin and not engine.unchanged_since(self._mark):
            kin = self._kin = range(0)  # someone else changed the day since this player's step
        at = self.clock.set(action.at)
        events = tuple(self._perform(action))
        if action.kind == CheckIn.kind:
            step = Step(action, at, events, self._estimate(events))
        else:
            step = Step(action, at, events)
        if kin:
            self._mark = engine.action_mark()
        self._own = engine.action_mark()
        if self._ahead:
            self._follow(step)
        if self._clean == len(steps) and not outside:
            self._clean += 1
        steps.append(step)
        if len(steps) == self._due:
            self._checkpoint()
        if self._left:
            self._free_some()
        return step

    def skip(self) -> Step:
        """Pass over the next action without playing it (for a rehearsal that found it refused)."""
        action = self.next_action
        if action is None:
            raise IndexError("the timeline is over")
        step = Step(action, self.clock.at(action.at), ())
        outside = not self.engine.unchanged_since(self._own)
        if outside:
            self._changed_outside()
        if self._ahead:
            self._follow(step)
        if self._clean == len(self.steps) and not outside:
            self._clean += 1
        self.steps.append(step)
        if len(self.steps) == self._due:
            self._checkpoint()
        if self._left:
            self._free_some()
        return step

    def play_until(self, when: str | int | time) -> list[Step]:
        """Play every remaining action whose clock time is at or before ``when``."""
        limit = _minutes(when)
        steps: list[Step] = []
        while (action := self.next_action) is not None and action.at <= limit:
            steps.append(self.step())
        self.clock.set(max(limit, self.steps[-1].action.at if self.steps else self.scenario.opens))
        return steps

    def play_all(self, progress: Progress | None = None) -> list[Step]:
        """Play the rest of the day; ``progress(done, total)`` hears every 2,000 actions."""
        first = len(self.steps)
        total = len(self.scenario.timeline)
        step = self.step
        for done in range(first + 1, total + 1):
            step()
            if progress is not None and done % 2000 == 0:
                progress(done, total)
        return self.steps[first:]

    def seek(self, position: int) -> list[Step]:
        """Be just after ``position`` actions: forward by the rules (the steps played are
        returned, for highlighting), or back by ``rewind`` (nothing is returned)."""
        if position >= len(self.steps):
            position = min(position, len(self.scenario.timeline))
            return [self.step() for _ in range(position - len(self.steps))]
        self.rewind(position)
        return []

    def go(self, position: int) -> int:
        """Be just after ``position`` actions (kept within the timeline) without asking the rules:
        back by ``rewind``, forward over the record ahead the same way (the checkpoint at or
        before it, restored, then the recorded events of the few steps after it). Returns the
        position reached: short of ``position`` where the record ends (the rules play the rest,
        with ``step``)."""
        position = max(0, min(position, len(self.scenario.timeline)))
        steps = self.steps
        if position <= len(steps):
            self.rewind(position)
            return position
        if not self.engine.unchanged_since(self._own):
            self._changed_outside()  # what was done to the day stays: the rules play on
        reach = min(position, self.recorded)
        if reach == len(steps):
            return reach
        ahead, tokens = self._ahead, self._tokens
        for _ in range(reach - len(steps)):
            step = ahead.pop()
            steps.append(step)
            if step.action.kind == Book.kind and step.events:
                tokens[step.action.position] = _placed_token(step.events)
        self._left.append(([self.engine], 1))
        self.engine, self._kin = self._built(reach)
        self._mark = self._own = self.engine.action_mark()
        self._clean = reach
        self.clock.set(steps[-1].action.at)
        return reach

    # ------------------------------------------------------------------ back

    def back(self) -> None:
        """Just before the last played action. When that action is still the engine's own last
        one, the engine takes it back (``Engine.undo``: quick, whatever the day's length);
        otherwise (something else was done to the engine since) the day is ``rewind``-ed."""
        if not self.steps:
            raise IndexError("nothing has been played")
        step = self.steps[-1]
        if not step.events or self.engine.last_action() != list(step.events):
            self.rewind(len(self.steps) - 1)
            return
        self.engine.execute(Undo())
        # Undo puts tokens back as copies, and never reuses a token id or number: the engine no
        # longer matches its checkpoints object for object, nor a replay in its next ids.
        self._kin, self._mark = range(0), self.engine.action_mark()
        self._own = self._mark
        del self.steps[-1]
        if self._clean > len(self.steps):
            self._clean = len(self.steps)
            self._ahead.append(step)
        if step.action.kind == Book.kind:
            del self._tokens[step.action.position]
        self.clock.set(self.steps[-1].action.at if self.steps else self.scenario.opens)

    def rewind(self, position: int) -> None:
        """Go back to just after ``position`` actions, without asking the rules again: to the
        checkpoint at or before it, then on through the recorded events after it. The engine is
        taken back to that checkpoint in place if it can be and that puts back fewer tokens than
        a restore would make; else a new engine is restored from it."""
        steps = self.steps
        if not 0 <= position <= len(steps):
            raise IndexError(f"position {position} is outside 0..{len(steps)}")
        index = bisect_right(self._at, position) - 1  # the checkpoint at or before it
        at, base, engine = self._at[index], self._checkpoints[index], self.engine
        with collector_paused():
            in_place = (
                index in self._kin
                and engine.unchanged_since(self._mark)
                and (len(steps) - at) * REVERT_SPAN < len(base.tokens)
                and engine.revert(base, self._events(at, len(steps)))
            )
            if in_place:
                kin = range(self._kin.start, self._advance(engine, index, position) + 1)
            else:
                engine, kin = self._built(position)
        booked = list(self._tokens)  # the bookings' positions, in the order they were played
        for _ in range(len(booked) - bisect_left(booked, position)):
            self._tokens.popitem()
        if self._clean < len(steps):  # steps decided after a change from outside: not the record
            self._drop_ahead()
            self._ahead.extend(reversed(steps[position : self._clean]))
        else:
            self._ahead.extend(reversed(steps[position:]))
        del steps[position:]
        self._clean = position  # the day is the recorded steps' again, whatever was done to it
        self._drop_checkpoints(bisect_right(self._at, self.recorded))
        if engine is not self.engine:
            self._left.append(([self.engine], 1))
        self.engine, self._kin, self._mark = engine, kin, engine.action_mark()
        self._own = self._mark
        self.clock.set(steps[-1].action.at if steps else self.scenario.opens)

    def engine_at(self, position: int) -> Engine:
        """A new engine holding the day just after ``position`` played actions: the checkpoint at
        or before it, restored, and the recorded events of the steps after it. The player itself
        is left as it is (for a look at history)."""
        if not 0 <= position <= len(self.steps):
            raise IndexError(f"position {position} is outside 0..{len(self.steps)}")
        return self._built(position)[0]

    def engine_after_events(self, count: int) -> Engine:
        """A new engine holding the day just after the first ``count`` of ``events()``: a look at
        history by event, as the dashboard's activity log numbers them. The steps they cover
        come from ``engine_at``; a step cut short has the rest of its events left out."""
        setup = len(self.set_up_events)
        if not 0 <= count <= setup + sum(map(len, map(_events_of, self.steps))):
            raise IndexError(f"{count} is more events than the day has")
        if count < setup:
            engine = self._new_engine()
            engine.apply_all(self.set_up_events[:count])
            return engine
        ends = list(accumulate(map(len, map(_events_of, self.steps)), initial=setup))
        position = bisect_right(ends, count) - 1  # the steps wholly within the count
        engine = self.engine_at(position)
        if count > ends[position]:
            engine.apply_all(self.steps[position].events[: count - ends[position]])
        return engine

    # ------------------------------------------------------------- internals

    def _built(self, position: int) -> tuple[Engine, range]:
        """A new engine at ``position``, and the checkpoints it can be taken back to in place."""
        index = bisect_right(self._at, position) - 1
        with collector_paused():
            engine = Engine.restore(self._checkpoints[index], clock=self.clock)
            last = self._advance(engine, index, position)
        return engine, range(index, last + 1)

    def _advance(self, engine: Engine, index: int, position: int) -> int:
        """Replay the recorded events from checkpoint ``index`` (whose day the engine holds) up to
        ``position``, making any checkpoint due on the way that is not there yet. Returns the
        index of the last checkpoint the engine then comes from."""
        checkpoints, places = self._checkpoints, self._at
        at = places[index]
        while at < position:
            due = places[index] + checkpoint_gap(len(checkpoints[index].tokens))
            end = min(position, due)
            events = list(self._events(at, end))
            engine.apply_all(events)
            if end == due and index == len(checkpoints) - 1:
                checkpoints.append(engine.snapshot(checkpoints[index], events))
                places.append(end)
                index += 1
                self._due = end + checkpoint_gap(len(checkpoints[-1].tokens))
            at = end
        return index

    def _changed_outside(self) -> None:
        """Something other than this player changed the day (a live action): the steps played
        from here are not the record's, and the record ahead no longer follows."""
        self._clean = min(self._clean, len(self.steps))
        self._diverge()

    def _ready_to_follow(self) -> None:
        """Before a step by the rules with a record ahead: an engine that stepped back by undo
        (whose next ids are not the record's) is built again from the checkpoints, so the rules
        decide exactly as recorded."""
        if not self._kin:
            self.rewind(len(self.steps))

    def _follow(self, step: Step) -> None:
        """The step just played by the rules, before it is added: if it is the recorded one, the
        record ahead goes on from it; otherwise the day has left the record."""
        recorded = self._ahead[-1]
        if step.action is recorded.action and step.events == recorded.events:
            self._ahead.pop()
        elif step.action is recorded.action and not step.events and not recorded.events:
            self._ahead.pop()  # skipped, as recorded: the day is the same
        else:
            self._diverge()

    def _diverge(self) -> None:
        """The day leaves the record here: the steps ahead and their checkpoints are dropped."""
        self._drop_ahead()
        self._drop_checkpoints(bisect_right(self._at, len(self.steps)))

    def _drop_ahead(self) -> None:
        if self._ahead:
            self._left.append((self._ahead, 2048))
            self._ahead = []

    def _drop_checkpoints(self, start: int) -> None:
        """Leave out the checkpoints from index ``start`` on, to be freed bit by bit."""
        if start < len(self._checkpoints):
            self._left.append((self._checkpoints[start:], 1))
            del self._checkpoints[start:], self._at[start:]
            self._due = self._at[-1] + checkpoint_gap(len(self._checkpoints[-1].tokens))

    def _free_some(self) -> None:
        """After a step: a little of what rewinds left behind, freed."""
        left = self._left
        pile, bit = left[-1]
        del pile[-bit:]
        while left and not left[-1][0]:
            left.pop()

    def _checkpoint(self) -> None:
        """When one is due: a snapshot of the engine, taken on from the previous checkpoint, if
        the engine holds that one's day and the steps since."""
        checkpoints, index = self._checkpoints, len(self._checkpoints)
        if not self.keep_checkpoints or self._kin.stop != index:
            return
        if not self.engine.unchanged_since(self._mark):
            self._kin = range(0)
            return
        position, since = len(self.steps), self._at[-1]
        checkpoints.append(self.engine.snapshot(checkpoints[-1], self._events(since, position)))
        self._at.append(position)
        self._due = position + checkpoint_gap(len(checkpoints[-1].tokens))
        self._kin = range(self._kin.start, index + 1)

    def _events(self, start: int, stop: int) -> Iterator[Event]:
        """The recorded events of the steps from ``start`` up to ``stop``, in order."""
        return chain.from_iterable(map(_events_of, self.steps[start:stop]))

    def _new_engine(self) -> Engine:
        priorities: dict[Source | str, int] = {s: p for s, p in self.scenario.priorities.items()}
        return Engine(clock=self.clock, priorities=priorities, visit=self.scenario.visit)

    def _estimate(self, events: tuple[Event, ...]) -> datetime | None:
        """The call time the slot's view shows the token just checked in (as the waiting room
        sees it: to the minute), None if it waits for a seat. The slot's view costs a pass over
        the doctor's present patients; the doctor's whole queue would copy all their tokens."""
        (checked_in,) = events
        assert isinstance(checked_in, CheckedIn)
        for seat in self.engine.slot_view(checked_in.slot_id).booked:
            if seat.token.id == checked_in.token_id:
                minute = checked_in.at.replace(second=0, microsecond=0)
                shown = minute.replace(hour=0, minute=0) + timedelta(
                    minutes=parse_hhmm(seat.estimate)
                )
                return shown if shown >= minute else shown + timedelta(days=1)  # past midnight
        return None

    def _perform(self, action: Action) -> list[Event]:
        events = self.engine.execute(self._command(action))
        if action.kind == Book.kind:
            self._tokens[action.position] = _placed_token(events)
        return events

    def _command(self, action: Action) -> Command:
        """The command a timeline entry asks for; a token action names its booking's token."""
        token_id = self._tokens.get(action.booking, "")
        match action.kind:
            case Book.kind:
                return Book(
                    action.target,
                    action.patient,
                    action.source,
                    action.phone,
                    action.patient_id,
                    action.again,
                )
            case Serve.kind:
                return Serve(token_id)
            case Cancel.kind:
                return Cancel(token_id)
            case NoShow.kind:
                return NoShow(token_id)
            case SetCapacity.kind:
                return SetCapacity(action.target, action.number)
            case Delay.kind:
                return Delay(action.target, action.number)
            case Move.kind:
                return Move(token_id, action.to)
            case Bump.kind if action.to in ("up", "down"):
                return Bump(token_id, up=action.to == "up")
            case Bump.kind:
                return Bump(token_id, to=action.to)
            case CheckIn.kind:
                return CheckIn(token_id)
            case CallNext.kind:
                return CallNext(action.target)
            case Call.kind:
                return Call(token_id)
            case ReturnToQueue.kind:
                return ReturnToQueue(token_id)
            case NoShowOverdue.kind:
                return NoShowOverdue(action.target or None)
            case SetRoom.kind:
                return SetRoom(action.target, action.to)
            case SetAway.kind:
                return SetAway(action.target, action.to or None)
            case Reassign.kind:
                return Reassign(action.target, action.to, action.slot or None)
        raise ValueError(f"unknown action kind {action.kind!r}")


_events_of: Callable[[Step], tuple[Event, ...]] = attrgetter("events")


def _placed_token(events: list[Event] | tuple[Event, ...]) -> str:
    """The booked or waitlisted token: the last event of a booking, after any preemption."""
    for event in reversed(events):
        if isinstance(event, Placed):
            return event.token_id
    raise ValueError("a booking returned no placement")


def _minutes(when: str | int | time) -> int:
    if isinstance(when, int):
        return when
    if isinstance(when, time):
        return when.hour * 60 + when.minute
    return parse_hhmm(when)
