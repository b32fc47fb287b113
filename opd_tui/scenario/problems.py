"""What is wrong with a clinic file: every problem at once, each pointing at a line and a key."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..engine import OpdError

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """``("doctors", 2, "slots", 1, "capacity")`` → ``doctors[2].slots[1].capacity``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = part if part and all(c.isalnum() or c in "-_" for c in part) else json.dumps(part)
            text += f".{key}" if text else key
    return text


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(OpdError):
    """A clinic file that cannot be played; ``problems`` lists every one found, in file order."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the clinic file"
        super().__init__("\n".join([heading + ":", *(str(p) for p in self.problems)]))
