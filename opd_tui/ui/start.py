"""Before the dashboard: a journal that does not exist yet is created only when the coordinator
says so, so a mistyped ``--db`` never quietly starts another clinic."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from .screens.confirm import Confirm


class NewJournalQuestion(App[bool]):
    """Asks once, returns the answer; escape or ``n`` is no."""

    CSS_PATH = "app.tcss"
    TITLE = "opd-tui"

    def __init__(self, path: Path, what: str) -> None:
        super().__init__()
        self.path = path
        self.what = what

    def on_mount(self) -> None:
        question = (
            f"There is no journal at {self.path}.\n\n"
            f"Start a new journal there? {self.what}\n\n"
            "If the path is mistyped, answer no and start again with the right --db."
        )
        self.push_screen(Confirm("New journal?", question), self.answered)

    def answered(self, yes: bool | None) -> None:
        self.exit(bool(yes))


def ask_to_create(path: Path, what: str) -> bool:
    return NewJournalQuestion(path, what).run() is True
