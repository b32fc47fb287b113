"""The booking lane: a well-formed booking skips FastAPI's per-request machinery.

Bookings are the one request a service gets in volume (a web portal's), and at thousands a
second FastAPI's middleware, routing and dependency solving cost more than deciding and
recording the booking itself. This ASGI wrapper takes ``POST /v1/tokens`` with a JSON body of
declared length that validates, and calls the very handler FastAPI would call, with the same
refusals. Anything else,
a malformed booking included, goes on to FastAPI untouched, so every error stays FastAPI's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import ValidationError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..engine import OpdError
from .schemas import BookingIn

PATH = "/v1/tokens"
KEY_HEADER = b"idempotency-key"
LONGEST_KEY = 255
"""Keys longer than this (or empty) go to FastAPI, whose declared header check refuses them."""

Book = Callable[[BookingIn, str | None], Awaitable[Response]]


class BookingLane:
    """Answers well-formed bookings with ``book``; passes every other request to ``app``."""

    def __init__(self, app: ASGIApp, book: Book, refusal: Callable[[OpdError], Response]) -> None:
        self.app = app
        self.book = book
        self.refusal = refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            return await self.app(scope, receive, send)
        content_type = length = key = None
        for name, value in scope["headers"]:
            if name == b"content-type" and content_type is None:
                content_type = value
            elif name == b"content-length" and length is None:
                length = value
            elif name == KEY_HEADER and key is None:
                key = value
        if (
            content_type != b"application/json"
            or length is None  # a body of undeclared length is bounded inside FastAPI
            or not (key is None or 0 < len(key) <= LONGEST_KEY)
        ):
            return await self.app(scope, receive, send)
        body = await _body(receive)
        if body is None:  # the client went away
            return None
        try:
            booking = BookingIn.model_validate_json(body)
        except ValidationError:
            return await self.app(scope, _replay(body, receive), send)
        try:
            response = await self.book(booking, None if key is None else key.decode("latin-1"))
        except OpdError as error:
            response = self.refusal(error)
        await response(scope, receive, send)
        return None


async def _body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body already read, then listens to the client again."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
