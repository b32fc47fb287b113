"""The service's OpenAPI description, as kept in the repository (``openapi.json``).

    python -m opd_tui.api.openapi > openapi.json

A test checks the kept file against the service, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from ..store import JournalDesk
from .app import create_app


def description() -> dict[str, Any]:
    def no_day() -> JournalDesk:
        raise RuntimeError("describing the service opens no journal")

    return create_app(no_day).openapi()


def as_text() -> str:
    return json.dumps(description(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(as_text(), end="")
