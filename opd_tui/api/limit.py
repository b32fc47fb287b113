"""Request bodies are bounded: no client makes the service hold more than ``MAX_BODY`` bytes.

Every body the service takes is a few hundred bytes. A plain ASGI wrapper, like the key check: a
declared length over the bound is refused before any of the body is read, and a body sent without
a length stops being read once it passes the bound. Either way the answer is 413 in the service's
problem shape, and nothing is recorded.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .refuse import problem, refuse

MAX_BODY = 64 * 1024
TOO_LARGE = f"the request body is larger than {MAX_BODY // 1024} KiB"
REFUSAL = problem("too-large", TOO_LARGE)


class LimitBody:
    """Refuses (413) a request whose body is larger than ``MAX_BODY``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        if declared.isdigit() and int(declared) > MAX_BODY:
            return await refuse(send, 413, REFUSAL)
        if declared:  # the server holds the client to the length it declared
            return await self.app(scope, receive, send)
        return await self.app(scope, _bounded(receive), send)


def _bounded(receive: Receive) -> Receive:
    """``receive`` for a body of undeclared length: past the bound it raises the 413, which
    FastAPI answers in the problem shape like its own refusals."""
    taken = 0

    async def bounded() -> Message:
        nonlocal taken
        message = await receive()
        if message["type"] == "http.request":
            taken += len(message.get("body", b""))
            if taken > MAX_BODY:
                raise HTTPException(413, TOO_LARGE)
        return message

    return bounded
