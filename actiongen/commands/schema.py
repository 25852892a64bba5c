"""``actiongen schema``: print the descriptor's JSON Schema (for editors and other tools)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of .github/actiongen.yml",
        description="Print the JSON Schema the descriptor (.github/actiongen.yml) is validated "
        "against. Editors with the YAML language server read it through the descriptor's "
        "`# yaml-language-server: $schema=...` line.",
    )
    p.add_argument("--config", action="store_true",
                   help="print the schema of the checker's `check:` section instead")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from actiongen.resources import data_path

    name = "config.schema.json" if args.config else "descriptor.schema.json"
    sys.stdout.write(data_path("schemas", name).read_text(encoding="utf-8"))
    return 0
