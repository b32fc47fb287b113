"""The time a scenario's actions happen at: scripted while the timeline plays, then real time."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta


class ScenarioClock:
    """An engine clock that reads the time of the action being played.

    ``go_live`` lets the clock run on in real time from where the timeline stopped, as the demo's
    mid-morning does.
    """

    def __init__(self, day: date, minutes: int = 0) -> None:
        self.day = day
        self._midnight = datetime(day.year, day.month, day.day)
        self._now = self._midnight + timedelta(minutes=minutes)
        self._live_since: float | None = None
        self._times: dict[int, datetime] = {}

    def set(self, minutes: int) -> datetime:
        """Stop at ``minutes`` past midnight (scripted time again); that moment is returned."""
        now = self._times.get(minutes)
        if now is None:
            now = self._times[minutes] = self._midnight + timedelta(minutes=minutes)
        self._now = now
        self._live_since = None
        return now

    def at(self, minutes: int) -> datetime:
        return self._midnight + timedelta(minutes=minutes)

    def go_live(self) -> None:
        self._live_since = time.monotonic()

    def __call__(self) -> datetime:
        if self._live_since is None:
            return self._now
        return self._now + timedelta(seconds=time.monotonic() - self._live_since)
