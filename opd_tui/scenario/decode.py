"""Clinic file text → plain data, by ``tomllib``, with a fast lane for long timelines.

``tomllib`` reads a 100,000-action timeline in about two seconds. The fast lane takes a top-level
``timeline = [ ... ]`` written one inline table per line in the usual layout,

    { at = "09:05", book = "rao-09", patient = "Asha Rao", source = "walk-in" },  # a comment

with single spaces as shown, bare keys, and values that are plain double-quoted strings (without
escapes or any of ``# = , { }``), whole numbers or booleans. One regular expression checks every
line of the array; the array is then turned into JSON text with plain string replacements and
read by the ``json`` module, while the rest of the file goes through ``tomllib``. Anything else
sends the whole file to ``tomllib``, so the result (or the error) is always what ``tomllib``
would give.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

_START = re.compile(r"^timeline = \[[ \t]*(?:#[^\n]*)?\n", re.MULTILINE)
_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_KEY = r"[A-Za-z0-9_-]+"
_VALUE = r"\"[^\"\\#=,{}\x00-\x1f\x7f]*\"|-?(?:0|[1-9][0-9]*)|true|false"
_PAIR = rf"{_KEY} = (?:{_VALUE})"
_LINE = rf"(?:[ ]*\{{ {_PAIR}(?:, {_PAIR})* \}},?(?:[ \t]+#[^\n]*)?|[ \t]*(?:#[^\n]*)?)\n"
_LINES = re.compile(rf"(?:{_LINE})*")
_END = re.compile(r"[ \t]*\][ \t]*(?:#[^\n]*)?(?:\n|$)")
_COMMENT = re.compile(r"[ \t]*#[^\n]*")


def decode(text: str) -> dict[str, Any]:
    """The file's data; raises ``tomllib.TOMLDecodeError`` exactly as ``tomllib.loads`` would."""
    return _fast(text) or tomllib.loads(text)


def _fast(text: str) -> dict[str, Any] | None:
    start = _START.search(text)
    if start is None or _HEADER.search(text, 0, start.start()) or '"""' in text or "'''" in text:
        return None  # not a top-level array, or a multi-line string could be hiding one
    lines = _LINES.match(text, start.end())
    if lines is None or _END.match(text, lines.end()) is None:
        return None
    block = lines.group()
    if "#" in block:
        block = _COMMENT.sub("", block)
    body = block.replace("{ ", '{"').replace(", ", ', "').replace(" = ", '":').rstrip()
    if body.endswith(","):
        body = body[:-1]  # TOML allows a comma after the last element; JSON does not
    try:
        entries = json.loads(f"[{body}]")
    except ValueError:
        return None  # a comma missing between two tables: tomllib will say so
    if sum(map(len, entries)) != body.count('":'):
        return None  # a key given twice, which json keeps and TOML refuses
    # The file with the array's lines left blank, so tomllib's line numbers stay right.
    rest = text[: start.end()] + "\n" * lines.group().count("\n") + text[lines.end() :]
    try:
        data = tomllib.loads(rest)
    except tomllib.TOMLDecodeError:
        return None
    if data.get("timeline") != []:
        return None
    data["timeline"] = entries
    return data
