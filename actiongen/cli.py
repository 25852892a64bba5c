"""The command line: a thin layer over the library.

Each subcommand lives in :mod:`actiongen.commands` and imports its heavy
dependencies only when it runs, so ``actiongen check one.yml`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from actiongen import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

COMMANDS = ("check", "rules", "schema", "init", "generate")


def _columns() -> int:
    """The terminal's width, found as :func:`shutil.get_terminal_size` finds it."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, measuring the terminal without importing shutil.

    argparse builds a formatter for every option it adds, and its own measures the
    terminal through shutil, whose import (with bz2, lzma and zlib) costs a few
    milliseconds of every run, help or not.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, _columns() - 2 if width is None else width
        )


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, the other commands are bare names.

    Building every subcommand's options imports each command module and costs several
    milliseconds: ``actiongen check one.yml`` (a pre-commit hook) needs only its own.
    """
    from importlib import import_module

    parser = _Parser(
        prog="actiongen",
        description="Generate and check hardened GitHub Actions CI/CD pipelines.",
    )
    parser.add_argument("--version", action="version", version=f"actiongen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
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


def entry() -> NoReturn:
    """The installed ``actiongen`` command (and ``python -m actiongen``): :func:`main`,
    then an exit that does not free the heap object by object.

    Tearing down the interpreter after a corpus-sized check frees every finding, line
    and cached object one at a time: ~20 ms, a twentieth of the run, for memory the
    operating system takes back at once.  Output is flushed and atexit handlers run
    first, as at a normal exit; with a thread still running, the exit is the normal one.
    """
    code = main()
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`) or a closed stream
            code = code or 1
    os._exit(code)
