"""Clinic file text → plain data, by ``tomllib``, with a fast lane for long timelines.

``tomllib`` reads a 100,000-action timeline in about a second. Timelines are usually written one
inline table per line (``{ at = "09:05", serve = "aarav" },``), and lines that use only bare keys,
plain strings, whole numbers and booleans are read here with two regular expressions instead; the
rest of the file still goes through ``tomllib``. Any line outside that subset sends the whole file
to ``tomllib``, so the result (or the error) is always exactly what ``tomllib`` would give.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

_START = re.compile(r"^timeline[ \t]*=[ \t]*\[[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)
_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_COMMENT = r"(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?"
_VALUE = (
    r"\"[^\"\\\x00-\x08\x0a-\x1f\x7f]*\""
    r"|'[^'\x00-\x08\x0a-\x1f\x7f]*'"
    r"|[+-]?(?:0|[1-9](?:_?[0-9])*)"
    r"|true|false"
)
_PAIR = rf"[A-Za-z0-9_-]+[ \t]*=[ \t]*(?:{_VALUE})"
_ENTRY = re.compile(
    rf"[ \t]*\{{[ \t]*({_PAIR}(?:[ \t]*,[ \t]*{_PAIR})*)?[ \t]*\}}[ \t]*(,?)[ \t]*{_COMMENT}\r?"
)
_PAIRS = re.compile(rf"([A-Za-z0-9_-]+)[ \t]*=[ \t]*({_VALUE})")
_BLANK = re.compile(rf"[ \t]*{_COMMENT}\r?")
_END = re.compile(rf"[ \t]*\][ \t]*{_COMMENT}\r?")


def decode(text: str) -> dict[str, Any]:
    """The file's data; raises ``tomllib.TOMLDecodeError`` exactly as ``tomllib.loads`` would."""
    return _fast(text) or tomllib.loads(text)


def _fast(text: str) -> dict[str, Any] | None:
    start = _START.search(text)
    if start is None or _HEADER.search(text, 0, start.start()):
        return None
    entries: list[dict[str, Any]] = []
    lines = text[start.end() + 1 :].split("\n")
    comma = True
    for count, line in enumerate(lines):
        match = _ENTRY.fullmatch(line)
        if match is not None:
            if not comma:
                return None
            pairs = _PAIRS.findall(match.group(1) or "")
            entry = {key: _value(value) for key, value in pairs}
            if len(entry) != len(pairs):
                return None
            entries.append(entry)
            comma = bool(match.group(2))
        elif _END.fullmatch(line):
            rest = text[: start.start()] + "timeline = []" + "\n" * (count + 2)
            rest += "\n".join(lines[count + 1 :])
            try:
                data = tomllib.loads(rest)
            except tomllib.TOMLDecodeError:
                return None
            if data.get("timeline") != []:
                return None
            data["timeline"] = entries
            return data
        elif not _BLANK.fullmatch(line):
            return None
    return None


def _value(text: str) -> str | int | bool:
    first = text[0]
    if first == '"' or first == "'":
        return text[1:-1]
    if first == "t":
        return True
    if first == "f":
        return False
    return int(text.replace("_", ""))
