"""The timeline bar of a scenario replay: where the day is, how fast it plays, what comes next.

The bar owns the replay: the player, the timer that plays it, and the replay keys (the rows of
``KEYS`` marked ``replay``). What a step changed is the dashboard's to show: the bar says so in a
message (``Stepped``, ``Rewound``), as a widget tells its app.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from ..engine import Event, OpdError, safe_text
from ..scenario import Player
from . import palette
from .keys import REPLAY_KEYS, bindings
from .screens.go_to import GoToForm

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)  # actions per second


class ReplayBar(Widget):
    BINDINGS = bindings(REPLAY_KEYS)

    playing: reactive[bool] = reactive(False)
    speed: reactive[float] = reactive(2.0)

    class Stepped(Message):
        """One step of the timeline was played: its events (none when it was skipped)."""

        def __init__(self, events: tuple[Event, ...]) -> None:
            super().__init__()
            self.events = events

    class Rewound(Message):
        """The day went back, or jumped to another moment: ``events`` are now all of it."""

        def __init__(self, events: list[Event]) -> None:
            super().__init__()
            self.events = events

    def __init__(self, player: Player, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.player = player
        self.timer: Timer | None = None  # set while playing

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
        bar.append("   space play/pause · ←/→ step · [ ] speed · home/end · g time", palette.DIM)
        return bar

    # ------------------------------------------------------------------- keys

    def action_step_forward(self) -> None:
        player = self.player
        if player.done:
            self.pause("The timeline is over.")
            return
        try:
            step = player.step()
        except OpdError as error:  # a live action changed the day under the timeline
            step = player.skip()
            self.notify(f"Skipped {step.action.describe()}: {error}", severity="warning")
        self.post_message(self.Stepped(step.events))
        self.refresh()

    def action_step_back(self) -> None:
        self.pause()
        if self.player.position == 0:
            self.notify("This is the start of the day.")
            return
        self.player.back()
        self.post_message(self.Rewound(self.player.events()))
        self.refresh()

    def action_go_start(self) -> None:
        self.go(0)

    def action_go_end(self) -> None:
        self.go(len(self.player.scenario.timeline))

    def action_go_to(self) -> None:
        """Ask for a time of day, then go just after every action up to it."""
        self.pause()
        player = self.player
        timeline = player.scenario.timeline
        first = timeline[0].at if timeline else player.scenario.opens
        last = timeline[-1].at if timeline else player.scenario.opens
        minute = player.clock().hour * 60 + player.clock().minute

        def submit(minute: int) -> list[Event]:
            self.go(player.position_at(minute), minute)
            return []

        self.app.push_screen(GoToForm(minute, first, last, submit))

    def go(self, position: int, minute: int | None = None) -> None:
        """Just after ``position`` actions, at once over the recorded day (either way); past the
        record (the day was changed here, or never played that far) the rules play on. At
        ``minute``, the clock shows that time when no action comes between."""
        self.pause()
        player = self.player
        reached = player.go(position)
        skipped = []
        while reached < position:  # beyond the record: the rules decide, as → does
            try:
                player.step()
            except OpdError:
                skipped.append(player.skip().action.describe())
            reached += 1
        if minute is not None and (player.next_action is None or player.next_action.at > minute):
            last = player.steps[-1].action.at if player.steps else player.scenario.opens
            player.clock.set(max(minute, last))
        if skipped:
            self.notify(
                f"Skipped {len(skipped)} that no longer made sense, the first: "
                f"{safe_text(skipped[0])}",
                severity="warning",
            )
        self.post_message(self.Rewound(player.events()))
        self.refresh()

    def action_play_pause(self) -> None:
        if self.timer is not None:
            self.pause()
            return
        self.timer = self.set_interval(1 / self.speed, self.action_step_forward)
        self.playing = True

    def action_speed(self, change: int) -> None:
        index = SPEEDS.index(self.speed) + change
        self.speed = SPEEDS[max(0, min(index, len(SPEEDS) - 1))]
        if self.timer is not None:
            self.pause()
            self.action_play_pause()

    def pause(self, message: str | None = None) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
            self.playing = False
        if message:
            self.notify(message)
