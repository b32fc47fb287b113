"""The HTTP service in front of the engine and the journal (needs the ``api`` extra)."""

from .app import create_app
from .today import Today

__all__ = ["Today", "create_app"]
