"""``opd-tui serve``: the HTTP service on a journal, bound to loopback unless told otherwise."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

import uvicorn

from ..engine import OpdError
from ..store import JournalDesk, NewClinic, SqliteStore
from .app import create_app
from .today import Today

API_KEY_ENV = "OPD_TUI_API_KEY"


def serve(
    db: Path,
    host: str,
    port: int,
    api_key: str | None,
    *,
    access_log: bool = False,
    create: bool = False,
    clinic: NewClinic | None = None,
) -> int:
    """Serve until interrupted. A refusal to start (no key off loopback, a taken port, a bad or
    missing journal) is an ``OpdError`` with one line for the user. A new journal is started at
    ``db`` only when ``create`` says so, set up as ``clinic`` says."""
    if not api_key and not _is_loopback(host):
        raise OpdError(
            f"serving on {host} without an API key would show patients' names to the network: "
            f"set --api-key or {API_KEY_ENV}"
        )
    if not create and not db.exists():
        raise OpdError(f"no journal at {db} (add --new to start a new one there)")
    clinic = clinic or NewClinic()
    store = SqliteStore(db, create=create)
    try:
        if not store.writable:
            raise OpdError(
                f"{db} is read-only for this user: the service would refuse every write, so it "
                "does not start (give this user write access to the file and its folder)"
            )
        today = Today(
            store, setup=clinic.setup, clinic_name=clinic.name, priorities=clinic.priorities
        )
        today()
        try:
            listener = socket.create_server((host, port), family=_family(host), backlog=2048)
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise OpdError(f"cannot listen on {host}:{port}: {reason}") from None
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{listener.getsockname()[1]}/v1"
        key_note = "an API key is required" if api_key else "no API key"

        def announce(desk: JournalDesk) -> None:
            print(
                f"opd-tui: serving {desk.clinic_name} ({desk.day.isoformat()}) on {url} "
                f"({key_note}); journal: {store.location}",
                file=sys.stderr,
                flush=True,
            )

        config = uvicorn.Config(
            create_app(today, api_key=api_key, on_ready=announce),
            log_level="info" if access_log else "warning",
            access_log=access_log,
            server_header=False,
        )
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        store.close()
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
