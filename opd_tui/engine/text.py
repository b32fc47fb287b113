"""Untrusted text: checked where it enters, made safe where it reaches a terminal.

Names come from a form, a clinic file, the HTTP service or a journal written long ago. A control
character in one (ESC, BEL, a C1 code, a bidirectional override) would be obeyed by the terminal:
it could clear the screen, set the window title or reorder what a coordinator reads. Every door
that draws or prints a name passes it through ``safe_text`` first; JSON keeps the exact string.

A new name is refused such characters at once (``checked_text``, in the engine, so every door
gets the same rule); ``safe_text`` stays for the names that journals kept before the rule.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import Invalid

# C0 controls, DEL and C1 controls; the bidirectional marks, embeddings, overrides and isolates;
# the line and paragraph separators, which break a line as a newline does.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return "^" + chr(code + 0x40)  # caret notation, as terminals echo them: ESC is ^[
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"


def safe_text(text: str) -> str:
    """``text`` with every control character shown visibly instead of obeyed: ``^[`` for ESC,
    ``^G`` for BEL, ``<U+202E>`` for a right-to-left override. Ordinary text of any script,
    emoji and accents included, comes back unchanged (and as the same object)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_visible, text)


def safe_lines(text: str) -> str:
    """``safe_text`` line by line, for text that is meant to hold several lines (a report, a
    toast): its newlines are kept, every other control character is shown."""
    return "\n".join(safe_text(line) for line in text.split("\n"))


NAME_LENGTH = 200
"""The most characters a name (a patient's, a doctor's, a specialty) may hold."""

# What a name may not hold, wherever it comes from: what ``safe_text`` shows, and lone surrogates
# (half a UTF-16 pair, which JSON's \ud800 can carry and no file or journal can store).
_REFUSED = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The control characters' common abbreviations (Unicode's name aliases), by code.
# fmt: off
_CONTROL_NAMES = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US",
]
_C1_NAMES = [
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU",
    "RI", "SS2", "SS3", "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGC", "SCI",
    "CSI", "ST", "OSC", "PM", "APC",
]
# fmt: on
# Letters that draw nothing (fillers, the blank braille cell) and marks that only alter the
# character before them; with whitespace and the format characters (zero-width space, joiners,
# the byte order mark), text made only of these shows nothing.
_BLANK = frozenset("\u034f\u115f\u1160\u2800\u3164\uffa0")
_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def character(char: str) -> str:
    """One character as a message names it: ``U+001B (ESC)``, ``U+202E (RIGHT-TO-LEFT
    OVERRIDE)``; a control character by its common abbreviation, others by their Unicode name."""
    code = ord(char)
    if code < 0x20:
        label = _CONTROL_NAMES[code]
    elif code == 0x7F:
        label = "DEL"
    elif 0x80 <= code <= 0x9F:
        label = _C1_NAMES[code - 0x80]
    else:
        label = unicodedata.name(char, "")
    return f"U+{code:04X} ({label})" if label else f"U+{code:04X}"


def checked_text(value: object, what: str, *, limit: int = NAME_LENGTH) -> str:
    """``value`` as a name is kept: without surrounding whitespace, exactly as written otherwise.

    Refuses (``Invalid``, the message starting with ``what``, e.g. "patient name") anything but
    a string; empty text; more than ``limit`` characters; a line break; a control character (C0,
    DEL, C1); a bidirectional control; a lone surrogate; and text with nothing visible (only
    spaces and zero-width characters). Positions in messages count from 1 in ``value`` as given.
    Every script, accents, emoji and their joiners inside visible text are kept as they are.
    """
    if not isinstance(value, str):
        raise Invalid(f"{what} must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise Invalid(f"{what} must not be empty")
    if len(text) > limit:
        raise Invalid(f"{what} is {len(text)} characters long; at most {limit}")
    if text.isascii() and text.isprintable():
        return text  # the usual name: nothing refusable in it, and (stripped) something visible
    if (found := _REFUSED.search(text)) is not None:
        char = found.group()
        where = f"at position {len(value) - len(value.lstrip()) + found.start() + 1}"
        if char in _LINE_BREAKS:
            raise Invalid(
                f"{what} holds a line break {character(char)} {where}; it must be one line"
            )
        if char in _BIDI:
            raise Invalid(f"{what} has a bidirectional control {character(char)} {where}")
        if "\ud800" <= char <= "\udfff":
            raise Invalid(
                f"{what} has half a character (a lone surrogate U+{ord(char):04X}) {where}"
            )
        raise Invalid(f"{what} has a control character {character(char)} {where}")
    if all(_invisible(char) for char in text):
        raise Invalid(
            f"{what} has nothing visible in it, only characters such as {character(text[0])}"
        )
    return text


def _invisible(char: str) -> bool:
    if char.isspace() or char in _BLANK or unicodedata.category(char) == "Cf":
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _SELECTORS)
