"""Finding tokens by what a patient or a coordinator says: a name, a number, a phone, an id.

A desk finds a patient many times a day among tens of thousands of tokens, and the duplicate
guard asks on every booking that gives a phone or an id, so nothing here scans the day. The
finder keeps indexes from each key to the tokens that had it, and brings them up to date when
asked, from the ids the facts noted as made or changed since (``Day.fresh``): a booking pays one
list append. The patients' phones and ids, which the duplicate guard needs on every booking that
gives one, are brought up to date on their own: a guard never waits for a day's names. Entries
are never removed (a token renamed keeps its old name's entry); every answer is checked against
the token as it now is, so a stale entry costs a lookup, never a wrong answer.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from heapq import nsmallest

from .day import Day
from .identity import PHONE_DIGITS, name_key, phone_tail, same_phone
from .model import BOOKED, CALLED, WAITING, Token

_NUMBER = re.compile(r"([A-Za-z0-9_.-]*?)[- ]?0*(\d{1,6})")
"""A token number as printed (``RAO-014``, ``DR-RAO-014`` for a doctor id with a hyphen), typed
loosely (``rao14``), or just its digits."""

_PHONE_JUNK = str.maketrans("", "", " -.()+")


class Finder:
    """Indexes of one day's tokens by name word, number, phone and patient id."""

    __slots__ = (
        "_by_count",
        "_by_id",
        "_by_number",
        "_by_phone",
        "_by_word",
        "_day",
        "_names",
        "_patients_seen",
        "_renamed",
        "_seen",
        "_words",
    )

    def __init__(self, day: Day) -> None:
        self._day = day
        self._by_word: dict[str, list[str]] = {}
        self._words: list[str] = []  # every name word seen, sorted: a prefix is a range of it
        self._names: dict[str, str] = {}  # each token's name as last indexed
        self._renamed: set[str] = set()  # tokens indexed under more than one name
        self._by_number: dict[tuple[str, int], list[str]] = {}  # ("RAO", 14) → RAO-014's id
        self._by_count: dict[int, list[str]] = {}  # 14 → the ids of RAO-014, MEH-014, …
        self._by_phone: dict[str, list[str]] = {}  # by the phone's last seven digits
        self._by_id: dict[str, list[str]] = {}
        # How far along ``Day.fresh`` each index is: the patients' (phone, id), which every
        # guarded booking needs and costs little, and the rest (names, numbers), which only a
        # search needs. The list is emptied once both have read it all.
        self._patients_seen = self._seen = 0
        day.fresh.extend(day.tokens)  # everything already there is new to this finder

    def find(self, text: str, limit: int = 50) -> list[Token]:
        """Tokens matching ``text``: its number (``RAO-014``, ``rao14``, ``14``), the patient's
        id or phone (any spelling), or every word of it starting a word of the name. Exact
        matches first, then by arrival; at most ``limit``."""
        self.catch_up()
        query = text.strip()
        if not query:
            return []
        tokens = self._day.tokens
        found: dict[str, None] = {}
        for token_id in self._exact(query):
            found[token_id] = None
        named = self._named(query)
        if named:
            earliest = nsmallest(limit, named, key=lambda t: tokens[t].arrival)
            found.update(dict.fromkeys(earliest))
        return [tokens[t] for t in list(found)[:limit]]

    def holders(self, patient_id: str, phone: str, name: str) -> list[Token]:
        """The day's tokens still open (waiting, booked or in the room) of the patient with this
        id, or with this phone and this name (ignoring case and spacing), by arrival."""
        self._catch_up_on_patients()
        tokens = self._day.tokens
        candidates: set[str] = set()
        if patient_id:
            candidates.update(self._by_id.get(patient_id, ()))
        if phone:
            candidates.update(self._by_phone.get(phone_tail(phone), ()))
        key = name_key(name)
        held = []
        for token_id in candidates:
            token = tokens.get(token_id)
            if token is None or token.status not in _OPEN:
                continue
            if (patient_id and token.patient_id == patient_id) or (
                phone and same_phone(token.phone, phone) and name_key(token.patient) == key
            ):
                held.append(token)
        held.sort(key=_arrival)
        return held

    def catch_up(self) -> None:
        """Index the tokens made or changed since the last look."""
        fresh, tokens = self._day.fresh, self._day.tokens
        if not fresh:
            return  # the usual case: nothing new since the last look
        self._catch_up_on_patients()
        with _bulk(len(fresh) - self._seen):
            for token_id in dict.fromkeys(fresh[self._seen :]):
                token = tokens.get(token_id)
                if token is not None:
                    self._index(token)
        self._seen = len(fresh)
        self._trim()

    def _catch_up_on_patients(self) -> None:
        fresh, tokens = self._day.fresh, self._day.tokens
        if len(fresh) == self._patients_seen:
            return
        by_phone, by_id = self._by_phone, self._by_id
        with _bulk(len(fresh) - self._patients_seen):
            for token_id in fresh[self._patients_seen :]:
                token = tokens.get(token_id)
                if token is None:
                    continue
                if token.phone:
                    _add(by_phone.setdefault(phone_tail(token.phone), []), token_id)
                if token.patient_id:
                    _add(by_id.setdefault(token.patient_id, []), token_id)
        self._patients_seen = len(fresh)
        self._trim()

    def _trim(self) -> None:
        fresh = self._day.fresh
        if self._seen == self._patients_seen == len(fresh):
            fresh.clear()
            self._seen = self._patients_seen = 0

    def _index(self, token: Token) -> None:
        token_id = token.id
        indexed = self._names.get(token_id)
        if indexed != token.patient:
            if indexed is not None:
                self._renamed.add(token_id)
            self._names[token_id] = token.patient
            for word in set(_words(token.patient)):
                ids = self._by_word.get(word)
                if ids is None:
                    self._by_word[word] = ids = []
                    insort(self._words, word)
                _add(ids, token_id)
        prefix, _, digits = token.number.rpartition("-")
        count = int(digits)
        _add(self._by_number.setdefault((prefix, count), []), token_id)
        _add(self._by_count.setdefault(count, []), token_id)

    def _exact(self, query: str) -> Iterator[str]:
        """The ids whose number, patient id or phone is ``query``, checked against each token."""
        tokens = self._day.tokens
        match = _NUMBER.fullmatch(query)
        if match is not None:
            code, count = match[1].upper(), int(match[2])
            index = (
                self._by_number.get((code, count), ()) if code else self._by_count.get(count, ())
            )
            for token_id in index:
                token = tokens.get(token_id)
                if token is not None:
                    prefix, _, digits = token.number.rpartition("-")
                    if int(digits) == count and (not code or prefix == code):
                        yield token_id
        wanted = query.upper()
        for token_id in self._by_id.get(wanted, ()):
            token = tokens.get(token_id)
            if token is not None and token.patient_id == wanted:
                yield token_id
        digits = query.translate(_PHONE_JUNK)
        if digits.isascii() and digits.isdigit() and len(digits) >= PHONE_DIGITS[0]:
            for token_id in self._by_phone.get(phone_tail(digits), ()):
                token = tokens.get(token_id)
                if token is not None and same_phone(token.phone, digits):
                    yield token_id

    def _named(self, query: str) -> set[str]:
        """The ids of tokens whose name has, for each word of ``query``, a word starting so."""
        tokens = self._day.tokens
        result: set[str] | None = None
        wanted = _words(query)
        for prefix in wanted:
            ids = set(self._starting(prefix))
            result = ids if result is None else result & ids
            if not result:
                return set()
        if result is None:
            return set()
        renamed = self._renamed
        # A token only ever indexed under one name, still present, matches for sure: its name
        # cannot change without a fact noting it. A renamed one is checked against its name.
        return {
            t
            for t in result
            if t in tokens
            and (t not in renamed or all(_has_prefix(tokens[t].patient, p) for p in wanted))
        }

    def _starting(self, prefix: str) -> Iterable[str]:
        words, by_word = self._words, self._by_word
        i = bisect_left(words, prefix)
        while i < len(words) and words[i].startswith(prefix):
            yield from by_word[words[i]]
            i += 1


_OPEN = frozenset((BOOKED, WAITING, CALLED))


@contextmanager
def _bulk(count: int) -> Iterator[None]:
    """Indexing a whole day makes tens of thousands of small lists that all live on: the cyclic
    garbage collector, set off by every few hundred of them, would walk the whole day each time
    (two thirds of the time, measured). It pauses for a large batch; nothing here makes cycles."""
    if count < 1000 or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def finder_of(day: Day) -> Finder:
    """The day's finder, made on first use."""
    finder = day.finder
    if not isinstance(finder, Finder):
        finder = day.finder = Finder(day)
    return finder


def _words(text: str) -> list[str]:
    return text.casefold().split()


def _has_prefix(name: str, prefix: str) -> bool:
    return any(word.startswith(prefix) for word in _words(name))


def _add(ids: list[str], token_id: str) -> None:
    if not ids or ids[-1] != token_id:  # a token indexed again is most often the last one
        ids.append(token_id)


def _arrival(token: Token) -> int:
    return token.arrival
