"""Plain data from a clinic file → a ``Scenario``, noting every problem instead of stopping.

Checks here are the ones a reader could make with the file alone: keys, types, times, which slot
or doctor or earlier booking each action names. Whether the engine accepts each action is settled
afterwards by playing the day (see ``load``). An entry with a problem is left out, and so, quietly,
is every later action that depends on it, so one mistake is reported once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from datetime import time
from typing import Any

from ..engine import (
    MAX_DELAY_MINUTES,
    Invalid,
    Source,
    VisitRules,
    checked_text,
    format_hhmm,
    parse_hhmm,
    patient_id,
    phone_number,
)
from .model import (
    ACTION_KINDS,
    AWAY,
    BOOK,
    BUMP,
    CAPACITY,
    DELAY,
    DOCTOR_ACTIONS,
    MOVE,
    OVERDUE,
    REASSIGN,
    ROOM,
    TOKEN_ACTIONS,
    Action,
    DoctorSpec,
    Scenario,
    SlotSpec,
)
from .problems import Path, format_path

Found = list[tuple[Path, str]]

TOP_KEYS = ("clinic", "opens", "priorities", "visit", "doctors", "timeline")
VISIT_KEYS = ("grace", "calls")
DOCTOR_KEYS = ("id", "name", "specialty", "room", "slots")
SLOT_KEYS = ("id", "start", "end", "capacity")
ACTION_KEYS: dict[str, frozenset[str]] = {
    BOOK: frozenset({"at", BOOK, "patient", "source", "label", "phone", "patient_id", "again"}),
    BUMP: frozenset({"at", BUMP, "to"}),
    MOVE: frozenset({"at", MOVE, "to"}),
    CAPACITY: frozenset({"at", CAPACITY, "to"}),
    DELAY: frozenset({"at", DELAY, "minutes"}),
    ROOM: frozenset({"at", ROOM, "to"}),
    AWAY: frozenset({"at", AWAY, "from"}),
    REASSIGN: frozenset({"at", REASSIGN, "to", "slot"}),
    **{kind: frozenset({"at", kind}) for kind in TOKEN_ACTIONS - {BUMP, MOVE}},
    **{kind: frozenset({"at", kind}) for kind in DOCTOR_ACTIONS - {DELAY, ROOM, AWAY, REASSIGN}},
}
_KINDS = frozenset(ACTION_KINDS)
_SOURCES = ", ".join(source.value for source in Source)
_SOURCE_VALUES = {source.value: source.value for source in Source}
_TIMES = {f"{h:02d}:{m:02d}": h * 60 + m for h in range(24) for m in range(60)}


def parse(data: dict[str, Any], file: str) -> tuple[Scenario, Found]:
    found: Found = []
    _unknown_keys(data, TOP_KEYS, (), found)
    name = _clinic_name(data, found)
    priorities = _priorities(data.get("priorities"), found)
    visit = _visit(data.get("visit"), found)
    clinic = _Clinic(found)
    clinic.read(data.get("doctors"))
    doctors = tuple(clinic.doctors)
    timeline = _Timeline(clinic, found).read(data.get("timeline", []))
    opens = _opens(data, doctors, timeline, found)
    return Scenario(file, name, priorities, opens, doctors, timeline, visit), found


# ------------------------------------------------------------------------------------ pieces


def _clinic_name(data: dict[str, Any], found: Found) -> str:
    """The clinic's name, held to the rule the engine holds every name to: it heads each screen
    and report, and a journal set up from the file keeps it."""
    if _text(data, "clinic", (), found) is None:
        return ""
    try:
        return checked_text(data["clinic"], "the clinic's name")
    except Invalid as error:
        found.append((("clinic",), str(error)))
        return ""


def _priorities(value: Any, found: Found) -> dict[Source, int]:
    priorities: dict[Source, int] = {}
    if value is None:
        return priorities
    if not isinstance(value, dict):
        found.append((("priorities",), "must be a table of source = number"))
        return priorities
    for key, priority in value.items():
        path = ("priorities", key)
        try:
            source = Source.parse(key)
        except Invalid:
            found.append((path, f"unknown source (expected one of: {_SOURCES})"))
            continue
        if _whole(priority):
            priorities[source] = priority
        else:
            found.append((path, f"must be a whole number, not {priority!r}"))
    return priorities


def _visit(value: Any, found: Found) -> VisitRules:
    """The ``[visit]`` table: each rule checked by the engine's own bounds; a rule with a problem
    keeps its default, so the rest of the file is still checked."""
    if value is None:
        return VisitRules()
    if not isinstance(value, dict):
        found.append((("visit",), "must be a table of grace = minutes, calls = number"))
        return VisitRules()
    _unknown_keys(value, VISIT_KEYS, ("visit",), found)
    rules: dict[str, int] = {}
    for key in VISIT_KEYS:
        if key not in value:
            continue
        try:
            VisitRules(**{key: value[key]})
        except Invalid as error:
            found.append((("visit", key), str(error)))
        else:
            rules[key] = value[key]
    return VisitRules(**rules)


class _Clinic:
    """The doctors and slots; ``known`` ids may be named by actions, ``lost`` ones cannot play."""

    def __init__(self, found: Found) -> None:
        self.found = found
        self.doctors: list[DoctorSpec] = []
        self.known_doctors: dict[str, Path] = {}
        self.known_slots: dict[str, Path] = {}
        self.slot_doctors: dict[str, str] = {}
        self.lost: set[str] = set()

    def read(self, value: Any) -> None:
        if value is None:
            self.found.append((("doctors",), "required: at least one [[doctors]] table"))
        elif not _tables(value):
            self.found.append((("doctors",), "must be a list of tables ([[doctors]])"))
        else:
            for i, entry in enumerate(value):
                self.doctor(("doctors", i), entry)

    def doctor(self, path: Path, entry: dict[str, Any]) -> None:
        found = self.found
        _unknown_keys(entry, DOCTOR_KEYS, path, found)
        doctor_id = _text(entry, "id", path, found)
        name = _text(entry, "name", path, found)
        specialty = _text(entry, "specialty", path, found)
        room = _room(entry, "room", path, found, required=False)
        playable = name is not None and specialty is not None and room is not None
        if doctor_id is not None:
            if not _unique(doctor_id, (*path, "id"), self.known_doctors, "doctor id", found):
                playable = False
            elif not playable:
                self.lost.add(doctor_id)
        slots: list[SlotSpec] = []
        where: Path = (*path, "slots")
        value = entry.get("slots")
        if value is None:
            found.append((where, "required: at least one slot"))
        elif not _tables(value):
            found.append((where, "must be a list of tables ([[doctors.slots]])"))
        else:
            for j, slot_entry in enumerate(value):
                slot = self.slot((*where, j), slot_entry, doctor_id or "")
                if slot is not None and playable:
                    slots.append(slot)
                elif slot is not None:
                    self.lost.add(slot.id)
        if doctor_id is not None and name is not None and specialty is not None and playable:
            spec = DoctorSpec(doctor_id, name, specialty, tuple(slots), path, room or "")
            self.doctors.append(spec)

    def slot(self, path: Path, entry: dict[str, Any], doctor_id: str) -> SlotSpec | None:
        found = self.found
        _unknown_keys(entry, SLOT_KEYS, path, found)
        start = _clock_time(entry, "start", path, found)
        end = _clock_time(entry, "end", path, found)
        playable = start is not None and end is not None
        if start is not None and end is not None and end <= start:
            found.append(((*path, "end"), f"must be after start ({format_hhmm(start)})"))
            playable = False
        capacity = _seats(entry, "capacity", path, found)
        if "id" in entry:
            slot_id = _text(entry, "id", path, found)
        elif start is not None:
            slot_id = f"{doctor_id}-{format_hhmm(start).replace(':', '')}"
        else:
            slot_id = None
        if slot_id is None:
            return None
        if not _unique(slot_id, (*path, "id"), self.known_slots, "slot id", found):
            return None  # the id names an earlier slot
        self.slot_doctors[slot_id] = doctor_id
        if not playable or start is None or end is None or capacity is None:
            self.lost.add(slot_id)
            return None
        return SlotSpec(slot_id, format_hhmm(start), format_hhmm(end), capacity, path)


class _Timeline:
    """Reads the actions in order, resolving each token reference to the booking it names."""

    def __init__(self, clinic: _Clinic, found: Found) -> None:
        self.clinic = clinic
        self.found = found
        self.dropped = False
        self.labels: dict[str, int] = {}
        self.names: dict[str, int] = {}
        self.broken: set[int] = set()
        self.previous = -1

    def read(self, value: Any) -> tuple[Action, ...]:
        if not _tables(value):
            self.found.append((("timeline",), "must be a list of tables ([[timeline]])"))
            return ()
        actions: list[Action] = []
        for index, entry in enumerate(value):
            problems = len(self.found)
            self.dropped = False
            action = self.action(index, entry)
            if action is None:
                continue
            if len(self.found) > problems or self.dropped or action.booking in self.broken:
                # A problem here, or (quietly) in the booking, slot or doctor it depends on.
                if action.kind == BOOK:
                    self.broken.add(index)
            else:
                actions.append(action)
        return tuple(actions)

    def action(self, index: int, entry: dict[str, Any]) -> Action | None:
        # The hot path of a long timeline: one dict look-up per key, and no copies.
        found = self.found
        path: Path = ("timeline", index)
        kinds = _KINDS.intersection(entry)
        if len(kinds) != 1:
            if kinds:
                named = ", ".join(key for key in entry if key in _KINDS)
                found.append((path, f"has more than one action: {named}"))
            else:
                found.append((path, f"needs one action key: {', '.join(ACTION_KINDS)}"))
            return None
        (kind,) = kinds
        if not ACTION_KEYS[kind].issuperset(entry):
            _unknown_keys(entry, ACTION_KEYS[kind], path, found)
        raw = entry.get("at")
        at = _TIMES.get(raw) if type(raw) is str else None
        if at is None:
            at = _clock_time(entry, "at", path, found)
        if at is None:
            at = self.previous
        elif at < self.previous:
            before = f"{format_hhmm(at)} is before the previous action"
            found.append(((*path, "at"), f"{before} ({format_hhmm(self.previous)})"))
        else:
            self.previous = at
        if kind == OVERDUE and type(entry[kind]) is not str:
            if entry[kind] is not True:
                found.append(((*path, kind), "must be a doctor id, or true for every doctor"))
            return Action(index, at, kind, "")  # true: every doctor's overdue patients
        target = _text(entry, kind, path, found)
        if target is None:
            return Action(index, at, kind, "")
        if kind == BOOK:
            return self.book(index, at, target, entry, path)
        if kind in TOKEN_ACTIONS:
            booking = self.labels.get(target)
            if booking is None:
                booking = self.reference(target, path, kind)
            to = ""
            if kind == MOVE:
                to = _text(entry, "to", path, found) or ""
                if to and not self.known_slot(to, path, "to"):
                    to = ""
            elif kind == BUMP:
                to = self.bump_to(entry, path)
            return Action(index, at, kind, target, to=to, booking=booking)
        if kind == CAPACITY:
            self.known_slot(target, path, kind)
            seats = _seats(entry, "to", path, found)
            return Action(index, at, kind, target, number=seats or 0)
        # A doctor's action: delay, call-next, room, overdue, away, reassign
        self.known_doctor(target, path, kind)
        if kind == ROOM:
            return Action(index, at, kind, target, to=_room(entry, "to", path, found) or "")
        if kind == AWAY:
            return Action(index, at, kind, target, to=self.leaves(entry, at, path))
        if kind == REASSIGN:
            return self.reassign(index, at, target, entry, path)
        if kind != DELAY:
            return Action(index, at, kind, target)
        minutes = entry.get("minutes")
        if minutes is None:
            found.append(((*path, "minutes"), "required"))
        elif not _whole(minutes) or minutes == 0 or abs(minutes) > MAX_DELAY_MINUTES:
            most = MAX_DELAY_MINUTES
            wanted = f"must be a whole number from {-most} to {most}, other than 0"
            found.append(((*path, "minutes"), f"{wanted}; not {minutes!r}"))
            minutes = 0
        return Action(index, at, kind, target, number=minutes or 0)

    def book(self, index: int, at: int, slot: str, entry: dict[str, Any], path: Path) -> Action:
        found = self.found
        self.known_slot(slot, path, BOOK)
        patient = _text(entry, "patient", path, found) or ""
        source = entry.get("source")
        known = _SOURCE_VALUES.get(source) if type(source) is str else None
        if known is None:
            source = _text(entry, "source", path, found)
            if source is not None:
                try:
                    known = Source.parse(source).value
                except Invalid:
                    unknown = f"unknown source {source!r} (expected one of: {_SOURCES})"
                    found.append(((*path, "source"), unknown))
        label = ""
        if "label" in entry:
            label = _text(entry, "label", path, found) or ""
            if label in self.labels:
                other = self.labels[label]
                found.append(
                    ((*path, "label"), f"{label!r} is already the label of timeline[{other}]")
                )
            elif label:
                self.labels[label] = index
        if patient:
            self.names[patient.casefold()] = index
        phone = _identity(entry, "phone", phone_number, path, found)
        mrn = _identity(entry, "patient_id", patient_id, path, found)
        again = entry.get("again", False)
        if type(again) is not bool:
            found.append(((*path, "again"), f"must be true or false, not {again!r}"))
            again = False
        return Action(
            index, at, BOOK, slot, patient, known or "", label,
            phone=phone, patient_id=mrn, again=again,
        )  # fmt: skip

    def leaves(self, entry: dict[str, Any], at: int, path: Path) -> str:
        """When an away doctor leaves, ``HH:MM``: ``from``, or the entry's own time if it gives
        none; ``from = false`` is ``""``: the doctor is here after all."""
        if "from" not in entry:
            return format_hhmm(at) if at >= 0 else ""
        if entry["from"] is False:
            return ""
        value = entry["from"]
        if type(value) is str and value in _TIMES:
            return value
        leaves = _clock_time(entry, "from", path, [])
        if leaves is None:
            wanted = "must be a time HH:MM, or false for back after all"
            self.found.append(((*path, "from"), f"{wanted}; not {value!r}"))
            return ""
        return format_hhmm(leaves)

    def reassign(
        self, index: int, at: int, doctor_id: str, entry: dict[str, Any], path: Path
    ) -> Action:
        """The doctor whose patients go (the key), to another (``to``), into ``slot`` if given."""
        found = self.found
        to = _text(entry, "to", path, found) or ""
        if to == doctor_id:
            found.append(((*path, "to"), f"must be another doctor than {doctor_id!r}"))
        elif to:
            self.known_doctor(to, path, "to")
        slot = ""
        if "slot" in entry:
            slot = _text(entry, "slot", path, found) or ""
            if slot and self.known_slot(slot, path, "slot"):
                owner = self.clinic.slot_doctors.get(slot, "")
                if to in self.clinic.known_doctors and owner != to:
                    found.append(
                        ((*path, "slot"), f"{slot!r} is a slot of {owner!r}, not of {to!r}")
                    )
        return Action(index, at, REASSIGN, doctor_id, to=to, slot=slot)

    def reference(self, text: str, path: Path, key: str) -> int:
        """The booking a patient's name refers to: their latest, or -1 (a problem) for none."""
        booking = self.names.get(text.casefold())
        if booking is None:
            unknown = f"no earlier booking has the label or patient name {text!r}"
            self.found.append(((*path, key), unknown))
            return -1
        return booking

    def bump_to(self, entry: dict[str, Any], path: Path) -> str:
        to = entry.get("to", "up")
        if to in ("up", "down"):
            return str(to)
        if isinstance(to, str):
            try:
                return Source.parse(to).value
            except Invalid:
                pass
        self.found.append(((*path, "to"), f"must be 'up', 'down' or a source, not {to!r}"))
        return "up"

    def known_doctor(self, doctor_id: str, path: Path, key: str) -> None:
        doctors = self.clinic.known_doctors
        if doctor_id not in doctors:
            guess = _guess(doctor_id, doctors)
            self.found.append(((*path, key), f"no doctor {doctor_id!r}{guess}"))
        elif doctor_id in self.clinic.lost:
            self.dropped = True

    def known_slot(self, slot_id: str, path: Path, key: str) -> bool:
        slots = self.clinic.known_slots
        if slot_id not in slots:
            self.found.append(((*path, key), f"no slot {slot_id!r}{_guess(slot_id, slots)}"))
            return False
        if slot_id in self.clinic.lost:
            self.dropped = True
        return True


def _opens(
    data: dict[str, Any],
    doctors: tuple[DoctorSpec, ...],
    timeline: tuple[Action, ...],
    found: Found,
) -> int:
    """When the set-up happens: ``opens``, else the first action, else the first slot's start."""
    first = timeline[0].at if timeline else None
    if "opens" in data:
        opens = _clock_time(data, "opens", (), found)
        if opens is not None:
            if first is not None and first < opens:
                found.append((("opens",), f"is after the first action ({format_hhmm(first)})"))
            return opens
    if first is not None:
        return first
    starts = [parse_hhmm(s.start) for d in doctors for s in d.slots if s.start]
    return min(starts, default=0)


# ----------------------------------------------------------------------------------- helpers


def _tables(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _seats(entry: dict[str, Any], key: str, path: Path, found: Found) -> int | None:
    value = entry.get(key)
    if value is None:
        found.append(((*path, key), "required: a number of seats"))
    elif not _whole(value):
        found.append(((*path, key), f"must be a whole number, not {value!r}"))
    elif value < 0:
        found.append(((*path, key), "must be >= 0"))
    else:
        return int(value)
    return None


def _text(entry: dict[str, Any], key: str, path: Path, found: Found) -> str | None:
    value = entry.get(key)
    if type(value) is str:
        text = value.strip()
        if text:
            return text
    if value is None:
        found.append(((*path, key), "required"))
        return None
    if not isinstance(value, str):
        found.append(((*path, key), f"must be a string, not {value!r}"))
        return None
    if not value.strip():
        found.append(((*path, key), "must not be empty"))
        return None
    return value.strip()


def _identity(
    entry: dict[str, Any], key: str, kept: Callable[[object], str], path: Path, found: Found
) -> str:
    """A booking's phone or patient id as the engine keeps it (``kept``), ``""`` for none; one
    the engine would refuse is a problem at its key."""
    if key not in entry:
        return ""
    value = entry[key]
    if not isinstance(value, str):
        found.append(((*path, key), f"must be a string, not {value!r}"))
        return ""
    try:
        return kept(value)
    except Invalid as error:
        found.append(((*path, key), str(error)))
        return ""


def _room(
    entry: dict[str, Any], key: str, path: Path, found: Found, *, required: bool = True
) -> str | None:
    """A room label as written, ``""`` for none; the engine checks its length and characters."""
    value = entry.get(key)
    if value is None:
        if required:
            found.append(((*path, key), 'required: a room, or "" for none'))
            return None
        return ""
    if not isinstance(value, str):
        found.append(((*path, key), f"must be a string, not {value!r}"))
        return None
    return value.strip()


def _clock_time(entry: dict[str, Any], key: str, path: Path, found: Found) -> int | None:
    value = entry.get(key)
    if value is None:
        found.append(((*path, key), "required"))
        return None
    if isinstance(value, time) and value.second == 0 and value.microsecond == 0:
        return value.hour * 60 + value.minute
    if isinstance(value, str):
        try:
            return parse_hhmm(value)
        except Invalid:
            pass
    found.append(((*path, key), f"must be a time HH:MM, not {value!r}"))
    return None


def _unknown_keys(entry: dict[str, Any], known: Collection[str], path: Path, found: Found) -> None:
    for key in entry:
        if key in known:
            continue
        if path and key in TOP_KEYS:
            hint = f" here: TOML puts a {key} written after a table header into that table"
            found.append(((*path, key), f"unknown key{hint}; write it before the first table"))
        else:
            found.append(((*path, key), f"unknown key{_guess(key, known)}"))


def _unique(value: str, path: Path, seen: dict[str, Path], what: str, found: Found) -> bool:
    if value in seen:
        found.append((path, f"duplicate {what} {value!r} (first at {format_path(seen[value])})"))
        return False
    seen[value] = path[:-1]
    return True


def _guess(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
