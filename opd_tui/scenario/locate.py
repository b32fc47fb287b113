"""Lines of key paths in TOML text, since ``tomllib`` reports none.

A light structural scan: it follows table headers, arrays of tables, dotted keys, inline tables
and arrays, and remembers where each key path first appears. It runs only when a problem needs a
line, on text ``tomllib`` has already accepted, so it may skip over values without checking them.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right

from .problems import Path

_TOKEN = re.compile(
    r"""
      (?P<nl>\n)
    | (?P<ws>[ \t\r]+)
    | (?P<comment>\#[^\n]*)
    | (?P<str>\"\"\"(?:\\[\s\S]|[^\\])*?\"\"\"\"{0,2}
            | '''[\s\S]*?''''{0,2}
            | "(?:\\.|[^"\\\n])*"
            | '[^'\n]*')
    | (?P<punct>[\[\]{}=,.])
    | (?P<bare>[A-Za-z0-9_+\-:]+)
    | (?P<other>.)
    """,
    re.VERBOSE,
)


class Locator:
    """Finds the line of a key path, or of its nearest ancestor that appears in the text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offsets: dict[Path, int] | None = None
        self._newlines: list[int] = []

    def line(self, path: Path) -> int | None:
        if self._offsets is None:
            self._offsets = _scan(self._text)
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        for end in range(len(path), 0, -1):
            offset = self._offsets.get(path[:end])
            if offset is not None:
                return bisect_right(self._newlines, offset - 1) + 1
        return None


def _key_text(kind: str, text: str) -> str:
    if kind != "str":
        return text
    if text.startswith("'"):
        return text[1:-1]
    return str(tomllib.loads(f"k = {text}")["k"])


class _Scanner:
    def __init__(self, text: str) -> None:
        self.tokens = [
            (m.lastgroup or "other", m.group(), m.start())
            for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("ws", "comment")
        ]
        self.i = 0
        self.offsets: dict[Path, int] = {}
        self.table_counts: dict[Path, int] = {}

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "", -1)

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        self.i += 1
        return token

    def skip_newlines(self) -> None:
        while self.peek()[0] == "nl":
            self.i += 1

    def note(self, path: Path, offset: int) -> None:
        self.offsets.setdefault(path, offset)

    def dotted_key(self) -> list[str]:
        parts = [_key_text(*self.take()[:2])]
        while self.peek()[1] == ".":
            self.i += 1
            parts.append(_key_text(*self.take()[:2]))
        return parts

    def resolve(self, parts: list[str]) -> Path:
        """A header's key path, with each array of tables replaced by its latest element."""
        path: Path = ()
        for part in parts:
            path = (*path, part)
            count = self.table_counts.get(path)
            if count:
                path = (*path, count - 1)
        return path

    def run(self) -> dict[Path, int]:
        table: Path = ()
        while True:
            self.skip_newlines()
            kind, text, offset = self.peek()
            if kind == "end":
                return self.offsets
            if text == "[":
                self.i += 1
                many = self.peek()[1] == "["
                if many:
                    self.i += 1
                parts = self.dotted_key()
                if many:
                    parent = self.resolve(parts[:-1])
                    array = (*parent, parts[-1])
                    self.note(array, offset)
                    count = self.table_counts.get(array, 0)
                    self.table_counts[array] = count + 1
                    table = (*array, count)
                else:
                    table = self.resolve(parts)
                self.note(table, offset)
                self.skip_line()
            else:
                self.key_value(table)
                self.skip_line()

    def skip_line(self) -> None:
        while self.peek()[0] not in ("nl", "end"):
            self.i += 1

    def key_value(self, table: Path) -> None:
        offset = self.peek()[2]
        path = (*table, *self.dotted_key())
        self.note(path, offset)
        if self.peek()[1] == "=":
            self.i += 1
            self.value(path)

    def value(self, path: Path) -> None:
        kind, text, _ = self.peek()
        if text == "[":
            self.i += 1
            index = 0
            while True:
                self.skip_newlines()
                kind, text, offset = self.peek()
                if text == "]" or kind == "end":
                    self.i += 1
                    return
                if text == ",":
                    self.i += 1
                    index += 1
                    continue
                self.note((*path, index), offset)
                self.value((*path, index))
        elif text == "{":
            self.i += 1
            while True:
                kind, text, _ = self.peek()
                if text == "}" or kind in ("end", "nl"):
                    self.i += 1
                    return
                if text == ",":
                    self.i += 1
                    continue
                self.key_value(path)
        else:
            # A scalar: one token, or a run such as 1.5 or 2026-11-25 09:00; stop at a separator.
            self.i += 1
            while self.peek()[1] not in (",", "]", "}") and self.peek()[0] not in ("nl", "end"):
                self.i += 1


def _scan(text: str) -> dict[Path, int]:
    return _Scanner(text).run()
