"""Playing a scenario through the engine, one action at a time, at the action's clock time.

The engine decides everything; a player only turns timeline entries into engine calls and keeps
the events each one returned, so a day can be stepped through, rewound and reported on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import NamedTuple

from ..engine import Engine, Event, OpdError, Source
from ..engine.events import Placed
from ..engine.model import parse_hhmm
from .clock import ScenarioClock
from .collector import collector_paused
from .model import Action, Scenario
from .problems import Path

Refusal = Callable[[Path, OpdError, tuple[str, ...]], None]
"""Told of a set-up entry the engine refused: its key path, the error, and the ids (a doctor's,
its slots') that can no longer be played."""

Progress = Callable[[int, int], None]


class Step(NamedTuple):
    """One played action and the events the engine returned for it (none if it was skipped)."""

    action: Action
    at: datetime
    events: tuple[Event, ...]


def set_up(engine: Engine, scenario: Scenario, on_refusal: Refusal | None = None) -> list[Event]:
    """Add the scenario's doctors and slots; a refusal raises, unless ``on_refusal`` is given."""
    events: list[Event] = []
    for doctor in scenario.doctors:
        try:
            events += engine.add_doctor(doctor.id, doctor.name, doctor.specialty)
        except OpdError as error:
            if on_refusal is None:
                raise
            on_refusal(doctor.path, error, (doctor.id, *(slot.id for slot in doctor.slots)))
            continue
        for slot in doctor.slots:
            try:
                events += engine.add_slot(slot.id, doctor.id, slot.start, slot.end, slot.capacity)
            except OpdError as error:
                if on_refusal is None:
                    raise
                on_refusal(slot.path, error, (slot.id,))
    return events


class Player:
    """A scenario's day in an engine, played up to ``position`` (the number of actions played).

    Stepping forward asks the engine's rules; ``rewind`` goes back by re-applying the recorded
    events of the earlier steps to a fresh engine (``Engine.apply_all``), which does not ask the
    rules again. After a rewind, ``engine`` is a new object.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        day: date | None = None,
        clock: ScenarioClock | None = None,
        on_refusal: Refusal | None = None,
    ) -> None:
        self.scenario = scenario
        self.clock = clock or ScenarioClock(day or date.today())
        self.clock.set(scenario.opens)
        self.engine = self._new_engine()
        self.set_up_events = set_up(self.engine, scenario, on_refusal)
        self.steps: list[Step] = []
        self._tokens: dict[int, str] = {}

    # ------------------------------------------------------------------ where

    @property
    def position(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> bool:
        return len(self.steps) >= len(self.scenario.timeline)

    @property
    def next_action(self) -> Action | None:
        timeline = self.scenario.timeline
        return timeline[len(self.steps)] if len(self.steps) < len(timeline) else None

    def token_id(self, booking: int) -> str:
        """The engine's id of the token made by the ``book`` entry at position ``booking``."""
        return self._tokens[booking]

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
        step = Step(action, self.clock.set(action.at), tuple(self._perform(action)))
        steps.append(step)
        return step

    def skip(self) -> Step:
        """Pass over the next action without playing it (for a rehearsal that found it refused)."""
        action = self.next_action
        if action is None:
            raise IndexError("the timeline is over")
        step = Step(action, self.clock.at(action.at), ())
        self.steps.append(step)
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
        self.engine.undo()
        del self.steps[-1]
        if step.action.kind == "book":
            del self._tokens[step.action.position]
        self.clock.set(self.steps[-1].action.at if self.steps else self.scenario.opens)

    def rewind(self, position: int) -> None:
        """Go back to just after ``position`` actions, from the recorded events."""
        if not 0 <= position <= len(self.steps):
            raise IndexError(f"position {position} is outside 0..{len(self.steps)}")
        del self.steps[position:]
        self.engine = self.engine_at(position)
        self._tokens = {
            step.action.position: _placed_token(step.events)
            for step in self.steps
            if step.action.kind == "book" and step.events
        }
        self.clock.set(self.steps[-1].action.at if self.steps else self.scenario.opens)

    def engine_at(self, position: int) -> Engine:
        """A new engine holding the day just after ``position`` played actions, rebuilt from
        their recorded events; the player itself is left as it is (for a look at history)."""
        if not 0 <= position <= len(self.steps):
            raise IndexError(f"position {position} is outside 0..{len(self.steps)}")
        engine = self._new_engine()
        with collector_paused():
            engine.apply_all(self.set_up_events)
            for step in self.steps[:position]:
                engine.apply_all(step.events)
        return engine

    # ------------------------------------------------------------- internals

    def _new_engine(self) -> Engine:
        priorities: dict[Source | str, int] = {s: p for s, p in self.scenario.priorities.items()}
        return Engine(clock=self.clock, priorities=priorities)

    def _perform(self, action: Action) -> list[Event]:
        engine = self.engine
        kind = action.kind
        if kind == "book":
            events = engine.book(action.target, action.patient, action.source)
            self._tokens[action.position] = _placed_token(events)
            return events
        token_id = self._tokens.get(action.booking, "")
        if kind == "serve":
            return engine.serve(token_id)
        if kind == "cancel":
            return engine.cancel(token_id)
        if kind == "no-show":
            return engine.no_show(token_id)
        if kind == "capacity":
            return engine.set_capacity(action.target, action.number)
        if kind == "delay":
            return engine.delay(action.target, action.number)
        if kind == "move":
            return engine.move(token_id, action.to)
        if kind == "bump":
            if action.to in ("up", "down"):
                return engine.bump(token_id, up=action.to == "up")
            return engine.bump(token_id, to=action.to)
        raise ValueError(f"unknown action kind {kind!r}")


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
