"""Command line: parse arguments, open the dashboard or run a subcommand. Bad input exits 2."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__
from .engine import OpdError, safe_text

if TYPE_CHECKING:
    from .scenario import ScenarioError
    from .store import NewClinic


API_KEY_ENV = "OPD_TUI_API_KEY"
KEY_FILE_LIMIT = 4096
"""Bytes an API key file may hold: a key is a line; anything longer is the wrong file."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Bad input is one line on stderr and exit status 2, like every other refusal."""
        self.exit(2, f"opd-tui: {safe_text(message)}\n")


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


def _add_new_journal_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options a subcommand repeats must not overwrite the main parser's values: suppressed."""
    flag: object = argparse.SUPPRESS if suppress else False
    parser.add_argument(
        "--new",
        action="store_true",
        default=flag,
        help="start a new journal if there is none at --db, without asking (otherwise the "
        "dashboard asks first and other commands refuse)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=flag,
        help="set up a new journal with the demo clinic's doctors and slots",
    )
    parser.add_argument(
        "--clinic",
        metavar="FILE",
        default=argparse.SUPPRESS if suppress else None,
        help="set up a new journal with a clinic file's doctors, slots and priorities",
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
    _add_new_journal_options(parser, suppress=False)
    parser.add_argument(
        "--desk",
        metavar="NAME",
        help="this desk's name, shown in the header and recorded with its actions "
        "(default: the computer's name)",
    )
    parser.add_argument(
        "--memory", action="store_true", help="a throwaway demo day that writes nothing"
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="a quieter desk: toast only refusals, preemptions and promotions, and other desks' "
        "changes to the open slot (every action is still in the activity log)",
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
    formats.add_argument(
        "--html",
        dest="format",
        action="store_const",
        const="html",
        help="one HTML page to print or mail, a chart per doctor",
    )
    simulate.set_defaults(format="text")
    report = commands.add_parser(
        "report",
        help="write a recorded day's report: per doctor and per source, as text, CSV, "
        "JSON or one HTML page to print",
    )
    _add_journal_options(report, argparse.SUPPRESS)
    report.add_argument("--format", choices=("text", "csv", "json", "html"), default="text")
    report.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write it to FILE (default: stdout)"
    )
    serve = commands.add_parser(
        "serve", help="run the HTTP service on the journal (needs: pip install 'opd-tui[api]')"
    )
    _add_db_option(serve, argparse.SUPPRESS)
    _add_new_journal_options(serve, suppress=True)
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve.add_argument("--port", type=_port, default=8000, help="0 picks a free port")
    keys = serve.add_mutually_exclusive_group()
    keys.add_argument(
        "--api-key-file",
        type=Path,
        metavar="PATH",
        help="the API key is PATH's text, surrounding whitespace left out (16 or more visible "
        "characters, e.g. from openssl rand -hex 16): every request must carry it in X-API-Key. "
        f"Without this or --api-key, ${API_KEY_ENV} is the key, if set",
    )
    keys.add_argument(
        "--api-key",
        metavar="KEY",
        help="the key itself: other users of the computer can read it in ps, so prefer "
        f"--api-key-file or ${API_KEY_ENV}",
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
    api_key = _api_key(args)
    path = _journal_path(args.db)
    create = _may_create(args, path)
    clinic = _new_clinic(args)
    return serve(
        path,
        args.host,
        args.port,
        api_key,
        access_log=args.access_log,
        create=create,
        clinic=clinic,
    )


def _api_key(args: argparse.Namespace) -> str | None:
    """The service's key: from --api-key-file, else --api-key, else the environment (an empty
    variable is none), with surrounding whitespace left out. A key that cannot work is refused
    here, naming where it came from and never what it is."""
    from .api.keys import key_problem

    if args.api_key_file is not None:
        origin = f"--api-key-file {args.api_key_file}"
        key = _read_key_file(args.api_key_file, origin)
    elif args.api_key is not None:
        origin, key = "--api-key", args.api_key
    elif os.environ.get(API_KEY_ENV):
        origin, key = API_KEY_ENV, os.environ[API_KEY_ENV]
    else:
        return None
    key = key.strip()
    if (problem := key_problem(key)) is not None:
        raise OpdError(f"{origin}: {problem}")
    return key


def _read_key_file(path: Path, origin: str) -> str:
    try:
        with path.expanduser().open("rb") as file:
            data = file.read(KEY_FILE_LIMIT + 1)
    except OSError as error:
        raise OpdError(f"{origin}: cannot read it: {error.strerror or error}") from None
    if len(data) > KEY_FILE_LIMIT:
        raise OpdError(f"{origin}: over {KEY_FILE_LIMIT} bytes, so not a file holding a key")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise OpdError(f"{origin}: not text in UTF-8") from None


def _report(db: Path | None, day: date | None, fmt: str, output: Path | None) -> int:
    """The day's report from the journal, read from its recorded actions and events."""
    from .scenario.formats import rendered
    from .scenario.report import report_of
    from .store import SqliteStore, read_day

    store = SqliteStore(_journal_path(db), create=False)
    try:
        recorded = read_day(store, day or date.today())
    finally:
        store.close()
    info = recorded.info
    report = report_of(recorded.engine, recorded.actions, clinic=info.clinic_name, day=info.day)
    text = rendered(report, fmt)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        output.expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise OpdError(f"cannot write {output}: {error.strerror or error}") from None
    return 0


def _export(db: Path | None, day: date | None, fmt: str) -> int:
    from .store import SqliteStore, export_day

    store = SqliteStore(_journal_path(db), create=False)
    try:
        export_day(store, day or date.today(), sys.stdout, fmt)  # written as it goes
    finally:
        store.close()
    return 0


def _journal_path(db: Path | None) -> Path:
    from .store import default_database

    return (db or default_database()).expanduser()


def _may_create(args: argparse.Namespace, path: Path) -> bool:
    """Whether a missing journal may be started; set-up options are for new journals only."""
    if args.demo and args.clinic:
        raise OpdError("--demo and --clinic both set up a new journal: choose one")
    if (args.demo or args.clinic) and path.exists():
        raise OpdError(f"{path} already holds a journal: --demo and --clinic set up a new one")
    return bool(args.new)


def _new_clinic(args: argparse.Namespace) -> NewClinic:
    from .store import NewClinic
    from .wiring import clinic_from_file, demo_clinic

    if args.demo:
        return demo_clinic()
    if args.clinic:
        return clinic_from_file(args.clinic)
    return NewClinic()


def _dashboard(args: argparse.Namespace) -> int:
    from .ui.app import OpdApp
    from .wiring import journal_desk

    today = date.today()
    path = _journal_path(args.db)
    create = _may_create(args, path)
    clinic = _new_clinic(args)
    day = args.day or today
    if not create and not path.exists() and day >= today:
        from .ui.start import ask_to_create
        from .wiring import describe_clinic

        if not ask_to_create(path, describe_clinic(clinic, args.clinic)):
            print(
                f"opd-tui: no journal at {safe_text(str(path))}; nothing created", file=sys.stderr
            )
            return 0
        create = True
    desk = journal_desk(
        path, day, today=today, create=create, clinic=clinic, desk_name=args.desk or None
    )
    try:
        OpdApp(desk, history=desk.history, quiet=args.quiet).run()
    finally:
        desk.close()
    return 0


def _memory(args: argparse.Namespace) -> int:
    from .ui.app import OpdApp
    from .wiring import memory_desk

    today = date.today()
    desk, history = memory_desk(args.day or today, today)
    OpdApp(desk, history=history, quiet=args.quiet).run()
    return 0


def _replay(path: str, day: date | None, *, quiet: bool = False) -> int:
    """The dashboard on a clinic file's day, from its opening, under the replay bar."""
    from .ui.app import OpdApp
    from .wiring import replay_desk

    desk, player = replay_desk(path, day)
    OpdApp(desk, history=player.events(), player=player, quiet=quiet).run()
    return 0


def _problems(error: ScenarioError, verb: str) -> int:
    for problem in error.problems:
        print(safe_text(str(problem)), file=sys.stderr)
    count = len(error.problems)
    print(f"opd-tui: {count} problem{'s' if count != 1 else ''}; {verb}", file=sys.stderr)
    return 2


def _given(args: argparse.Namespace, *names: str) -> str:
    """The options among ``names`` that were given, as ``--db and --new``."""
    given = [f"--{name}" for name in names if getattr(args, name) not in (None, False)]
    return " and ".join(given)


CLOSED_PIPE = 128 + signal.SIGPIPE
"""The exit status when the reader closed stdout (``export | head``): 141, as a shell reports a
command that a closed pipe ended."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; a reader that stops reading stdout ends any command quietly.

    Whatever a command printed is flushed here, so a closed pipe shows up here too; stdout is
    then pointed at the null device, so the interpreter's own last flush has nowhere to fail."""
    try:
        try:
            return _command(argv)
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _stdout_to_null()
        return CLOSED_PIPE


def _stdout_to_null() -> None:
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file (a test's capture): nothing will flush to it
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def _command(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.scenario and (clash := _given(args, "memory", "db", "new", "demo", "clinic")):
        parser.error(f"--scenario plays a clinic file in memory: leave out {clash}")
    if args.memory and (clash := _given(args, "db", "new", "clinic")):
        parser.error(f"--memory writes nothing: leave out {clash}")
    from .scenario import ScenarioError

    try:
        if args.command == "export":
            return _export(args.db, args.day, args.format)
        if args.command == "report":
            return _report(args.db, args.day, args.format, args.output)
        if args.command == "serve":
            return _serve(args)
        if args.command == "simulate":
            from .scenario.simulate import simulate

            return simulate(args.file, args.format, day=args.day)
        if args.scenario:
            return _replay(args.scenario, args.day, quiet=args.quiet)
        if args.memory:
            return _memory(args)
        return _dashboard(args)
    except ScenarioError as error:
        return _problems(error, "nothing replayed" if args.scenario else "nothing opened")
    except OpdError as error:
        print(f"opd-tui: {safe_text(str(error))}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
