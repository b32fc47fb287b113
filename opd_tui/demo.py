"""The built-in demo clinic, read from ``data/demo.toml`` and played through the engine.

Everything goes through the engine's public operations, so the demo's preemptions, waitlists and
promotions are decided by the same rules as live actions. The dashboard opens the day at
``LIVE_FROM``, with the timeline played up to then; the clock then runs in real time.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files

from .engine import Engine, Event
from .scenario import Player, Scenario, ScenarioClock, load
from .scenario import set_up as set_up_scenario

LIVE_FROM = "10:20"


@cache
def scenario() -> Scenario:
    """The demo clinic file, checked once (its whole day rehearsed) and kept."""
    return load(files("opd_tui") / "data" / "demo.toml")


def __getattr__(name: str) -> str:
    """``CLINIC_NAME``, read from the clinic file when first asked: importing the demo does no
    work."""
    if name == "CLINIC_NAME":
        return scenario().name
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def set_up(engine: Engine) -> list[Event]:
    """The demo clinic's doctors and slots, empty."""
    return set_up_scenario(engine, scenario())


def demo_player(day: date | None = None, until: str = LIVE_FROM) -> Player:
    """The demo day played up to ``until``, its clock still scripted."""
    player = Player(scenario(), clock=ScenarioClock(day or date.today()))
    player.play_until(until)
    return player


def demo_day(day: date | None = None) -> tuple[Engine, list[Event]]:
    """The demo clinic at mid-morning and the events that got it there; its clock then runs
    in real time. Undo reaches back only to what the user does from here: the scripted morning
    is not theirs to take back."""
    player = demo_player(day)
    player.clock.go_live()
    player.engine.forget_actions()
    return player.engine, player.events()


def demo_engine(day: date | None = None) -> Engine:
    """An engine holding the demo clinic at mid-morning; its clock then runs in real time."""
    return demo_day(day)[0]
