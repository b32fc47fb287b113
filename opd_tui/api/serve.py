"""``opd-tui serve``: the HTTP service on a journal, bound to loopback unless told otherwise."""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import sys
from pathlib import Path
from types import FrameType

import uvicorn

from ..engine import OpdError
from ..store import JournalDesk, NewClinic, SqliteStore
from .app import create_app
from .keys import key_problem
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
    """Serve until interrupted. A refusal to start (an unusable key, no key off loopback, a taken
    port, a bad or missing journal) is an ``OpdError`` with one line for the user. A new journal
    is started at ``db`` only when ``create`` says so, set up as ``clinic`` says."""
    if api_key is not None and (problem := key_problem(api_key)) is not None:
        raise OpdError(problem)
    if not api_key and not _is_loopback(host):
        raise OpdError(
            f"serving on {host} without an API key would show patients' names to the network: "
            f"set --api-key-file or {API_KEY_ENV}"
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
            store,
            setup=clinic.setup,
            clinic_name=clinic.name,
            priorities=clinic.priorities,
            visit=clinic.visit,
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
        _Server(config).run(sockets=[listener])
    finally:
        store.close()
    return 0


class _Server(uvicorn.Server):
    """uvicorn, ended by SIGTERM or ctrl+c as by a plain request to stop. uvicorn itself raises
    the signal again once it has shut down, so the process would then end by it (status 143,
    or a KeyboardInterrupt traceback) before the journal is closed. Here its graceful shutdown
    (requests in flight finish, waiting ones are refused) is the whole of the stop, the journal
    is closed and checkpointed, and the status is 0."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True  # a second ctrl+c: stop waiting for requests in flight
        else:
            self.should_exit = True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
