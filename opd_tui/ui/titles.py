"""Words for border titles: plain, never markup (a ``[`` in a name stays a ``[``)."""

from __future__ import annotations

from textual.content import Content

from ..engine import safe_text


def content(value: str) -> Content:
    """``value`` as a border title, shown exactly as it is written."""
    return Content(safe_text(value))
