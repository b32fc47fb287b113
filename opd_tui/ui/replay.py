"""The timeline bar of a scenario replay: where the day is, how fast it plays, what comes next."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ..engine import safe_text
from ..scenario import Player
from . import palette

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)  # actions per second


class ReplayBar(Widget):
    playing: reactive[bool] = reactive(False)
    speed: reactive[float] = reactive(2.0)

    def __init__(self, player: Player, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.player = player

    def render(self) -> Text:
        player = self.player
        total = len(player.scenario.timeline)
        bar = Text(no_wrap=True, overflow="ellipsis")
        state = "▶ PLAYING" if self.playing else "❚❚ PAUSED"
        bar.append(f" {state} ", palette.FLASH if self.playing else palette.EMPHASIS)
        bar.append(f" ×{self.speed:g}/s  step {player.position}/{total}")
        bar.append(f" · {player.clock():%H:%M}")
        upcoming = player.next_action
        if upcoming is None:
            bar.append(" · end of the day", palette.DIM)
        else:
            bar.append(f" · next: {safe_text(upcoming.describe())}", palette.DIM)
        bar.append("   space play/pause · ←/→ step · [ ] speed", palette.DIM)
        return bar
