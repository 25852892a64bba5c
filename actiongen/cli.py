"""The command line: a thin layer over the library.

Each subcommand lives in :mod:`actiongen.commands` and imports its heavy
dependencies only when it runs, so ``actiongen check one.yml`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from actiongen import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

COMMANDS = ("check", "rules", "schema", "init", "generate")


def build_parser() -> argparse.ArgumentParser:
    from importlib import import_module

    parser = argparse.ArgumentParser(
        prog="actiongen",
        description="Generate and check hardened GitHub Actions CI/CD pipelines.",
    )
    parser.add_argument("--version", action="version", version=f"actiongen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        import_module(f"actiongen.commands.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from actiongen.errors import UserError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        code: int = args.run(args)
    except UserError as exc:
        print(f"actiongen: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("actiongen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    return code
