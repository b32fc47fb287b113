"""Command line: parse arguments, open the dashboard or run a subcommand. Bad input exits 2."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from . import __version__
from .engine import OpdError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Bad input is one line on stderr and exit status 2, like every other refusal."""
        self.exit(2, f"opd-tui: {message}\n")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (YYYY-MM-DD)") from None


def _add_db_option(parser: argparse.ArgumentParser, default: object) -> None:
    from .store import default_database

    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        default=default,
        help=f"the journal database (default: {default_database()})",
    )


def _add_journal_options(parser: argparse.ArgumentParser, default: object) -> None:
    _add_db_option(parser, default)
    parser.add_argument(
        "--day",
        type=_day,
        metavar="YYYY-MM-DD",
        default=default,
        help="the clinic day (default: today)"
        + ("; a past day opens read-only" if default is None else ""),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="opd-tui",
        description="A terminal dashboard for a hospital outpatient department's token queue.",
    )
    parser.add_argument("--version", action="version", version=f"opd-tui {__version__}")
    _add_journal_options(parser, None)
    parser.add_argument(
        "--memory", action="store_true", help="a throwaway demo day that writes nothing"
    )
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        help="replay a clinic file's day in the dashboard (space plays, arrows step); writes nothing",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser("export", help="write a day's tokens and events to stdout")
    _add_journal_options(export, argparse.SUPPRESS)
    export.add_argument("--format", choices=("json", "csv"), default="json")
    simulate = commands.add_parser(
        "simulate", help="play a clinic file's whole day headlessly and print its report"
    )
    simulate.add_argument("file", metavar="FILE", help="a clinic file (TOML)")
    formats = simulate.add_mutually_exclusive_group()
    formats.add_argument("--json", dest="format", action="store_const", const="json")
    formats.add_argument("--csv", dest="format", action="store_const", const="csv")
    simulate.set_defaults(format="text")
    serve = commands.add_parser(
        "serve", help="run the HTTP service on the journal (needs: pip install 'opd-tui[api]')"
    )
    _add_db_option(serve, argparse.SUPPRESS)
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve.add_argument("--port", type=_port, default=8000, help="0 picks a free port")
    serve.add_argument(
        "--api-key",
        default=os.environ.get("OPD_TUI_API_KEY") or None,
        help="every request must carry it in X-API-Key (default: $OPD_TUI_API_KEY)",
    )
    serve.add_argument("--access-log", action="store_true", help="log every request")
    return parser


def _port(text: str) -> int:
    if text.isdigit() and int(text) <= 65535:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535)")


def _serve(args: argparse.Namespace) -> int:
    try:
        from .api.serve import serve
    except ImportError:
        raise OpdError("the HTTP service needs its extra: pip install 'opd-tui[api]'") from None
    return serve(args.db, args.host, args.port, args.api_key, access_log=args.access_log)


def _export(db: Path | None, day: date | None, fmt: str) -> None:
    from .store import SqliteStore, default_database, export_day

    store = SqliteStore(db or default_database(), create=False)
    try:
        export_day(store, day or date.today(), sys.stdout, fmt)
    finally:
        store.close()


def _replay(path: str, day: date | None) -> int:
    """The dashboard on a clinic file's day, from its opening, under the replay bar."""
    from .desk import MemoryDesk
    from .scenario import ScenarioError, rehearse_file
    from .ui.app import OpdApp

    try:
        player = rehearse_file(path, day=day)
    except ScenarioError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(
            f"opd-tui: {count} problem{'s' if count != 1 else ''}; nothing replayed",
            file=sys.stderr,
        )
        return 2
    player.seek(0)
    desk = MemoryDesk(player.engine, player.scenario.name, player.clock().date())
    OpdApp(desk, history=player.events(), player=player).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.memory and args.db is not None:
        parser.error("--memory writes nothing: leave out --db")
    if args.scenario and (args.memory or args.db is not None):
        parser.error("--scenario plays a clinic file in memory: leave out --db and --memory")
    try:
        if args.command == "export":
            _export(args.db, args.day, args.format)
            return 0
        if args.command == "serve":
            return _serve(args)
        if args.command == "simulate":
            from .scenario.simulate import simulate

            return simulate(args.file, args.format, day=args.day)
        from .ui.app import OpdApp

        if args.scenario:
            return _replay(args.scenario, args.day)
        from .store import open_desk

        desk, history = open_desk(args.db, args.day, args.memory)
        OpdApp(desk, history=history).run()
    except OpdError as error:
        print(f"opd-tui: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
