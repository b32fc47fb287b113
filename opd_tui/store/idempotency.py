"""Idempotency keys: a client that may send a request twice (a lost answer, a retry) sends a
key with it. The journal keeps the key with the action it became, per day and kind of action;
a request whose key is already there is answered with that action's events, never decided again,
and a key sent with a different request is refused."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ..engine import Command
from .base import Keyed, Transaction
from .codec import dumps


def fingerprint(command: Command) -> str:
    """What a command asks, as text: two requests with one key must ask the same."""
    return dumps([command.kind, command.fields()])


class BatchKeys:
    """The keys of one batch of requests, against those the journal holds and each other."""

    def __init__(self, tx: Transaction, asked: Iterable[tuple[str, str | None]]) -> None:
        wanted: Collection[tuple[str, str]] = {(kind, key) for kind, key in asked if key}
        self._recorded = tx.keyed(wanted) if wanted else {}
        self._decided: dict[tuple[str, str], int] = {}

    def recorded(self, kind: str, key: str | None) -> Keyed | None:
        """The action the journal recorded for this key, if any."""
        return None if key is None else self._recorded.get((kind, key))

    def decided(self, kind: str, key: str | None) -> int | None:
        """The index of the request of this batch that was decided with this key, if any."""
        return None if key is None else self._decided.get((kind, key))

    def decide(self, kind: str, key: str | None, index: int) -> None:
        """Request ``index`` was decided: later ones with its key get its answer."""
        if key is not None:
            self._decided[kind, key] = index
