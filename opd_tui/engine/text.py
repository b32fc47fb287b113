"""Untrusted text made safe to reach a terminal.

Names come from a form, a clinic file, the HTTP service or a journal written long ago. A control
character in one (ESC, BEL, a C1 code, a bidirectional override) would be obeyed by the terminal:
it could clear the screen, set the window title or reorder what a coordinator reads. Every door
that draws or prints a name passes it through ``safe_text`` first; JSON keeps the exact string.
"""

from __future__ import annotations

import re

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
