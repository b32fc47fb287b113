"""``opd-tui simulate FILE``: play a clinic file's whole day headlessly and print its report."""

from __future__ import annotations

import sys
from datetime import date
from typing import TextIO

from ..engine import safe_text
from .collector import collector_paused
from .formats import FORMATS, rendered
from .load import rehearse_file
from .problems import ScenarioError
from .report import day_report

PROGRESS_FROM = 5000
"""Timelines shorter than this finish too fast for a progress bar to help."""


class ProgressBar:
    """A one-line bar on a terminal's stderr, redrawn only when its percentage changes."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        percent = done * 100 // total
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\rplaying [{bar}] {done:,}/{total:,} actions{end}")
        self.stream.flush()


def simulate(
    path: str,
    fmt: str = "text",
    *,
    day: date | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the report in ``fmt`` (text, json, csv or html); a bad file lists its problems,
    status 2."""
    out = out or sys.stdout
    err = err or sys.stderr
    progress = ProgressBar(err) if err.isatty() else None
    with collector_paused():
        text = _report(path, fmt, day, progress, err)
    if text is None:
        return 2
    out.write(text)
    return 0


def _report(
    path: str, fmt: str, day: date | None, progress: ProgressBar | None, err: TextIO
) -> str | None:
    """The rendered report, or None after listing the file's problems on ``err``. The played day
    is dropped on return, before the cycle collector runs again, so it never has to be scanned."""
    try:
        player = rehearse_file(path, day=day, progress=progress)
    except ScenarioError as error:
        for problem in error.problems:
            print(safe_text(str(problem)), file=err)
        count = len(error.problems)
        print(f"opd-tui: {count} problem{'s' if count != 1 else ''}; nothing played", file=err)
        return None
    return rendered(day_report(player), fmt if fmt in FORMATS else "text")
