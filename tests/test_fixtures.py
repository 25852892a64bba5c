"""Every rule fixture states its expected findings; this test holds each to them.

Layout: ``tests/fixtures/rules/<rule-id>/*.yml``.  A line that must carry a finding
says so in a comment: ``# expect: rule-id`` (several ids separated by commas).
Only findings of the fixture's own rule, and of rules its comments name, are
compared, so a fixture need not be clean of every other rule.  A ``config.yml``
beside the fixtures holds the ``check:`` section they are checked with.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actiongen.config import Config, from_data
from actiongen.engine import check_file
from actiongen.load import load_bytes, to_data
from actiongen.rules.registry import all_rules

from .conftest import FIXTURES

_EXPECT = re.compile(r"expect:\s*([\w\-, ]+)")
CASES = sorted((FIXTURES / "rules").glob("*/*.y*ml"))
CASES = [c for c in CASES if c.name not in ("config.yml", "config.yaml")]


def expectations(path: Path) -> set[tuple[int, str]]:
    out = set()
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            for rule in m.group(1).split(","):
                if rule.strip():
                    out.add((number, rule.strip()))
    return out


def fixture_config(folder: Path) -> Config:
    cfg = folder / "config.yml"
    if not cfg.is_file():
        return Config()
    data = to_data(load_bytes(str(cfg), cfg.read_bytes()).root)
    return from_data(data.get("check"), str(cfg))


def test_every_rule_has_fixtures() -> None:
    folders = {p.name for p in (FIXTURES / "rules").iterdir() if p.is_dir()}
    missing = [r.id for r in all_rules() if r.id not in folders and r.id != "internal-error"]
    assert not missing, f"rules without fixtures: {missing}"
    for folder in (FIXTURES / "rules").iterdir():
        names = [p.name for p in folder.glob("*.y*ml")]
        assert any(n.startswith("bad") for n in names), f"{folder.name} has no bad fixture"
        assert any(n.startswith("good") for n in names), f"{folder.name} has no good fixture"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    rule_id = path.parent.name
    expected = expectations(path)
    if path.name.startswith("bad"):
        assert expected, f"{path} is a bad fixture but states no `# expect:` comment"
    watched = {rule_id} | {r for _, r in expected}
    result = check_file(str(path), fixture_config(path.parent), all_rules())
    got = {(f.span.line, f.rule) for f in result.findings if f.rule in watched}
    assert got == expected, "\n".join(
        f"{path}:{f.span.line}:{f.span.column}: {f.rule}: {f.message}" for f in result.findings
    )
