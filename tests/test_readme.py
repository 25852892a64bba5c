"""The README stays true: its set-up commands are the ones CI runs, and it lists every rule."""

from __future__ import annotations

import re

from actiongen.rules.registry import all_rules

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block, "the README opens with a sh block of set-up commands"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_setup_commands() -> None:
    assert len(setup_commands()) == 2
    assert README.index("```sh") < README.index("\n## ")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == setup_commands()[1]


def test_every_rule_is_in_the_readme_table() -> None:
    for rule in all_rules():
        row = f"| `{rule.id}` | {rule.severity} | {rule.summary} |"
        assert row in README, f"README rules table is stale for {rule.id}: expected {row}"
