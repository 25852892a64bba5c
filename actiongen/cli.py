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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, the other commands are bare names.

    Building every subcommand's options imports each command module and costs several
    milliseconds: ``actiongen check one.yml`` (a pre-commit hook) needs only its own.
    """
    from importlib import import_module

    parser = argparse.ArgumentParser(
        prog="actiongen",
        description="Generate and check hardened GitHub Actions CI/CD pipelines.",
    )
    parser.add_argument("--version", action="version", version=f"actiongen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is None or name == only:
            import_module(f"actiongen.commands.{name}").add_parser(sub)
        else:
            sub.add_parser(name)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` runs, when it names one before any option."""
    first = argv[0] if argv else None
    return first if first in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    from actiongen.errors import UserError

    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_in(arguments))
    args = parser.parse_args(arguments)
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
