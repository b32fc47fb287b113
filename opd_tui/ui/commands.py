"""The dashboard's keys in the command palette (ctrl+p): each key's label and key, what it does,
and its action run as if the key were pressed. Made from ``KEYS``, like the footer and the help
screen, so the three never drift apart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keys import KEYS, Key
from .replay import ReplayBar

# A description matching what is typed ranks below a label matching it.
DESCRIPTION_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class KeyCommand:
    title: str  # ``Book (n)``
    help: str
    run: Callable[[], Awaitable[object]]


class KeyCommands(Provider):
    """Every key of the screen the palette was opened on. The replay keys only on a replay (a
    screen with the replay bar), run by the bar; quitting is the palette's own ``Quit``."""

    def commands(self) -> list[KeyCommand]:
        bar = next(iter(self.screen.query(ReplayBar)), None)
        return [
            KeyCommand(f"{key.label} ({key.shown})", key.description, self._runner(key, bar))
            for key in KEYS
            if key.action != "quit" and (bar is not None or not key.replay)
        ]

    def _runner(self, key: Key, bar: ReplayBar | None) -> Callable[[], Awaitable[object]]:
        if key.replay and bar is not None:
            return lambda: bar.run_action(key.action)
        return lambda: self.app.run_action(key.action)

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            if score := matcher.match(command.title):
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
            elif score := matcher.match(command.help):
                yield Hit(score * DESCRIPTION_WEIGHT, command.title, command.run, help=command.help)
