"""Command line: parse arguments, open the dashboard or run a subcommand. Bad input exits 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .engine import OpdError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opd-tui",
        description="A terminal dashboard for a hospital outpatient department's token queue.",
    )
    parser.add_argument("--version", action="version", version=f"opd-tui {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    try:
        from .demo import CLINIC_NAME, demo_day
        from .desk import MemoryDesk
        from .ui.app import OpdApp

        engine, history = demo_day()
        OpdApp(MemoryDesk(engine, CLINIC_NAME, engine.now().date()), history=history).run()
    except OpdError as error:
        print(f"opd-tui: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
