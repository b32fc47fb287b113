"""Where the parts are put together: the desk a command asks for, and how a new journal is set
up. The command line names what it wants; only this module knows the demo and the clinic files
that can fill a new journal, so the store and the service never do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .desk import MemoryDesk, checked
from .engine import Command, Engine, Event
from .scenario import Player, Scenario, rehearse_file
from .scenario import load as load_clinic
from .scenario import set_up as set_up_scenario
from .store import JournalDesk, NewClinic, SqliteStore, default_database


def demo_clinic() -> NewClinic:
    """The demo clinic's doctors and slots, with no patients."""
    from . import demo

    scenario = demo.scenario()
    return NewClinic(scenario.name, demo.set_up, _priorities(scenario), scenario.visit)


def clinic_from_file(path: str) -> NewClinic:
    """A clinic file's name, priorities, visit rules, doctors and slots (its timeline is not
    played); a bad file raises ``ScenarioError`` with every problem."""
    scenario = load_clinic(path)

    def set_up(engine: Engine) -> list[Event]:
        return set_up_scenario(engine, scenario)

    return NewClinic(scenario.name, set_up, _priorities(scenario), scenario.visit)


def describe_clinic(clinic: NewClinic, source: str | None) -> str:
    """What a new journal will hold, in the words of the question that asks to create it."""
    if clinic.setup is None:
        return (
            "It starts with no doctors: to set it up with the demo clinic or your own, answer no "
            "and add --demo or --clinic FILE."
        )
    if source is None:
        return f"It starts with the demo clinic's doctors and slots ({clinic.name})."
    return f"It starts with the doctors and slots of {clinic.name}, from {source}."


def memory_desk(day: date, today: date) -> tuple[MemoryDesk, list[Event]]:
    """The demo clinic at mid-morning in memory: nothing is written anywhere."""
    from . import demo

    engine, history = demo.demo_day(day)
    return MemoryDesk(engine, demo.CLINIC_NAME, day, read_only=day < today), history


class ReplayDesk:
    """A desk in memory on a replay's day. Its engine is the player's, whichever it is now: a
    rewind may build the player a new one, and the desk (so the dashboard) follows."""

    read_only = False
    read_only_why = ""
    location = MemoryDesk.location
    desk_name = ""
    unsaved = 0  # the day is the clinic file's, played again at will: quitting loses nothing

    def __init__(self, player: Player, *, journal_name: str = "memory only") -> None:
        self.player = player
        self.clinic_name = player.scenario.name
        self.day = player.clock().date()
        self.journal_name = journal_name

    @property
    def engine(self) -> Engine:
        return self.player.engine

    def act(self, command: Command) -> list[Event]:
        return self.engine.execute(checked(command))

    def act_now(self, command: Command) -> list[Event]:
        return self.act(command)  # nobody else writes to memory

    def poll(self) -> list[Event]:
        return []

    def earlier_day(self) -> tuple[date, Engine] | None:
        return None  # a clinic file is one day


def replay_desk(path: str, day: date | None) -> tuple[ReplayDesk, Player]:
    """A clinic file's day from its opening, for the replay bar, with the rehearsed day recorded
    ahead (``Player.go`` jumps to any moment of it); a bad file raises ``ScenarioError``."""
    player = rehearse_file(path, day=day)
    player.engine_at(player.position)  # the day's checkpoints made now, so every jump is quick
    player.seek(0)
    return ReplayDesk(player, journal_name=f"replay of {Path(path).name}"), player


def journal_desk(
    db: Path | None,
    day: date | None,
    *,
    today: date | None = None,
    create: bool = False,
    clinic: NewClinic | None = None,
    desk_name: str | None = None,
) -> JournalDesk:
    """A desk on a day of a journal file (today unless ``day``). A missing file is refused
    unless ``create`` says to start a new journal there, set up as ``clinic`` says."""
    clinic = clinic or NewClinic()
    today = today or date.today()
    day = day or today
    store = SqliteStore(db or default_database(), create=create and day >= today)
    try:
        return JournalDesk(
            store,
            day,
            today=today,
            setup=clinic.setup,
            clinic_name=clinic.name,
            priorities=clinic.priorities,
            visit=clinic.visit,
            desk_name=desk_name,
        )
    except BaseException:
        store.close()
        raise


def _priorities(scenario: Scenario) -> dict[str, int]:
    return {source.value: priority for source, priority in scenario.priorities.items()}
