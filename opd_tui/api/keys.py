"""The API key: checked before anything else, and described in the OpenAPI document.

A plain ASGI wrapper rather than a FastAPI dependency: it costs nothing when the service has no
key, and one header scan when it has one, where a dependency costs every request a resolution.
"""

from __future__ import annotations

import hmac
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .refuse import problem, refuse

HEADER = "X-API-Key"
SCHEME = "APIKeyHeader"
DENIED = problem("unauthorized", f"a valid {HEADER} header is required")
MIN_KEY_LENGTH = 16


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be the service's key, or None if it can. A client sends it in a header,
    so it must be visible ASCII (letters, digits, punctuation: a space at either end would be
    dropped on the way, a space or control character inside or another script's letter may not
    arrive as sent, and then no request could match), and long enough not to be guessed. The
    answer never holds the key."""
    if not all("!" <= character <= "~" for character in key):
        return (
            "an API key may hold only visible ASCII characters (letters, digits and "
            "punctuation), no spaces or control characters"
        )
    if len(key) < MIN_KEY_LENGTH:
        return f"an API key needs at least {MIN_KEY_LENGTH} visible characters (got {len(key)})"
    return None


class RequireKey:
    """Every HTTP request must carry the key; others are answered 401 without reaching the app."""

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self.key = key.encode()
        self.header = HEADER.lower().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = next((v for k, v in scope["headers"] if k == self.header), b"")
            if not (given and hmac.compare_digest(given, self.key)):
                return await refuse(send, 401, DENIED)
        await self.app(scope, receive, send)


def describe(schema: dict[str, Any]) -> dict[str, Any]:
    """The key in the description: a header every operation may need (when the service has one)."""
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})[SCHEME] = {
        "type": "apiKey",
        "in": "header",
        "name": HEADER,
        "description": "needed on every request when the service was started with a key",
    }
    schema["security"] = [{SCHEME: []}]
    return schema
