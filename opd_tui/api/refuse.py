"""A refusal sent straight from a plain ASGI wrapper, before the request reaches FastAPI."""

from __future__ import annotations

import json

from starlette.types import Send


def problem(code: str, message: str) -> bytes:
    """The service's problem shape, as FastAPI's own refusals give it."""
    return json.dumps({"error": code, "message": message, "problems": []}).encode()


async def refuse(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
