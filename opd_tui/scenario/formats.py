"""The report's formats by name, for the commands that write one (``simulate``, ``report``)."""

from __future__ import annotations

from collections.abc import Callable

from .html import as_html
from .render import as_csv, as_json, as_text
from .report import DayReport

RENDERERS: dict[str, Callable[[DayReport], str]] = {
    "text": as_text,
    "csv": as_csv,
    "json": as_json,
    "html": as_html,
}
FORMATS = tuple(RENDERERS)


def rendered(report: DayReport, fmt: str) -> str:
    """``report`` in ``fmt``, one of ``FORMATS``."""
    return RENDERERS[fmt](report)
