"""Reading a clinic file: decode, check, then rehearse the whole day through the engine.

The rehearsal is the last check: an action the engine refuses (serving a token that is still on
the waitlist, say) is reported at its key path like any other problem. A file that loads can
therefore be played to the end without a refusal.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path as FilePath

from ..engine import Duplicate, OpdError
from .collector import collector_paused
from .decode import decode
from .locate import Locator
from .model import BOOK, MOVE, REASSIGN, TOKEN_ACTIONS, Action, Scenario
from .parse import parse
from .play import Player, Progress
from .problems import Path, Problem, ScenarioError, format_path

File = str | os.PathLike[str] | Traversable


def load(file: File, *, day: date | None = None) -> Scenario:
    """The checked scenario in ``file``; raises ``ScenarioError`` listing every problem."""
    return rehearse_file(file, day=day).scenario


def loads(text: str, *, file: str = "<text>", day: date | None = None) -> Scenario:
    return rehearse(text, file=file, day=day).scenario


def rehearse_file(
    file: File, *, day: date | None = None, progress: Progress | None = None
) -> Player:
    """Load ``file`` and play its whole day; the played ``Player`` is returned."""
    path = file if isinstance(file, Traversable) else FilePath(file)
    name = str(file) if isinstance(file, str | os.PathLike) else file.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ScenarioError([Problem(name, None, "", f"cannot read the file: {reason}")]) from None
    return rehearse(text, file=name, day=day, progress=progress)


def rehearse(
    text: str, *, file: str = "<text>", day: date | None = None, progress: Progress | None = None
) -> Player:
    """Check ``text`` and play its whole day; raises ``ScenarioError`` listing every problem.
    The rehearsal keeps no checkpoints (see ``Player``); the player keeps them from then on."""
    with collector_paused():
        try:
            data = decode(text)
        except tomllib.TOMLDecodeError as error:
            raise ScenarioError([_syntax_problem(file, error)]) from None
        scenario, found = parse(data, file)
        player, refused = _play(scenario, day, progress)
        found += refused
    if found:
        locator = Locator(text)
        problems = [Problem(file, locator.line(p), format_path(p), message) for p, message in found]
        problems.sort(key=lambda problem: problem.line or 0)
        raise ScenarioError(problems)
    return player


def _play(
    scenario: Scenario, day: date | None, progress: Progress | None
) -> tuple[Player, list[tuple[Path, str]]]:
    """Play the day, noting each refusal; whatever depends on a refused entry is skipped."""
    refused: list[tuple[Path, str]] = []
    lost: set[str] = set()

    def on_refusal(path: Path, error: OpdError, ids: tuple[str, ...]) -> None:
        refused.append((path, str(error)))
        lost.update(ids)

    # A rehearsal is played to check the day: it keeps no checkpoints, the player does after it.
    player = Player(scenario, day=day, on_refusal=on_refusal, checkpoints=False)
    broken: set[int] = set()
    total = len(scenario.timeline)
    for action in scenario.timeline:
        if (broken or lost) and _depends(action, broken, lost):
            player.skip()
            if action.kind == BOOK:
                broken.add(action.position)
            continue
        try:
            player.step()
        except OpdError as error:
            hint = " (again = true)" if isinstance(error, Duplicate) else ""
            refused.append((action.path, f"{action.describe()}: refused: {error}{hint}"))
            player.skip()
            if action.kind == BOOK:
                broken.add(action.position)
        if progress is not None and action.position % 2000 == 0:
            progress(action.position, total)
    if progress is not None:
        progress(total, total)
    player.keep_checkpoints = True
    return player, refused


def _depends(action: Action, broken: set[int], lost: set[str]) -> bool:
    """Whether ``action`` names a refused booking, or a slot or doctor the set-up refused."""
    if action.kind in TOKEN_ACTIONS:
        return action.booking in broken or (action.kind == MOVE and action.to in lost)
    if action.kind == REASSIGN:
        return not lost.isdisjoint((action.target, action.to, action.slot))
    return action.target in lost


def _syntax_problem(file: str, error: tomllib.TOMLDecodeError) -> Problem:
    message = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    if match is None:
        return Problem(file, None, "", f"not valid TOML: {message}")
    reason = message[: match.start()].rstrip()
    return Problem(
        file, int(match.group(1)), "", f"not valid TOML: {reason} (column {match.group(2)})"
    )
