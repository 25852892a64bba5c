"""``actiongen schema`` (built by the generator work)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="(not yet available)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from actiongen.errors import UserError

    raise UserError("`actiongen schema` is not available yet")
