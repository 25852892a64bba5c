"""``actiongen rules [ID]``: list the rules, or print one rule's documentation."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rules", help="list rules or show one rule's documentation")
    p.add_argument("rule", nargs="?", help="a rule id")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from actiongen.errors import UserError
    from actiongen.rules.registry import all_rules, get_rule

    if args.rule:
        rule = get_rule(args.rule)
        if rule is None:
            raise UserError(f"unknown rule {args.rule!r}; `actiongen rules` lists them")
        sys.stdout.write(
            f"# {rule.id} ({rule.severity})\n\n{rule.summary}\n\n{rule.documentation()}\n"
        )
        return 0
    rules = all_rules()
    width = max(len(r.id) for r in rules)
    for r in rules:
        sys.stdout.write(f"{r.id:<{width}}  {r.severity!s:<7}  {r.summary}\n")
    return 0
