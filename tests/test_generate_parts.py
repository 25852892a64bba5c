"""The generator's parts on their own: escaping, layout, header hash, pins, timeouts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from actiongen.render import quote
from actiongen.render.header import header, provenance
from actiongen.render.layout import tidy

from .conftest import ROOT, shared_path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("npm run lint", "npm run lint"),
        ("npm run test:unit", "npm run test:unit"),
        ("./scripts/deploy.sh", "./scripts/deploy.sh"),
        # Strings YAML would read as something else are quoted.
        ("true", '"true"'), ("No", '"No"'), ("null", '"null"'), ("22", '"22"'), (".5", '".5"'),
        (".inf", '".inf"'), ("0x1F", '"0x1F"'),
        # Structure characters are quoted.
        ("a: b", '"a: b"'), ("a #b", '"a #b"'), ("- x", '"- x"'), ("*alias", '"*alias"'),
        ("key:", '"key:"'), ('say "hi"', '"say \\"hi\\""'), ("tab\there", '"tab\\there"'),
        ("line\nbreak", '"line\\nbreak"'), ("\u2028", '"\\L"'), ("\x00", '"\\0"'),
        ("\x1b[1m", '"\\x1B[1m"'), ("é", '"é"'),
        # An expression in a value is written so that GitHub yields the text back.
        ("echo ${{ secrets.X }}", "\"echo ${{ '${{' }} secrets.X }}\""),
    ],
)
def test_scalar(value: str, expected: str) -> None:
    assert quote.scalar(value) == expected
    from actiongen.load import load_text, to_data

    read = to_data(load_text("x.yml", f"k: {expected}\n").root)["k"]
    assert read == quote.neutralize(value)


def test_scalar_keeps_actiongen_expressions() -> None:
    assert quote.scalar("${{ github.sha }}", expressions=True) == '"${{ github.sha }}"'
    assert quote.scalar(5) == "5" and quote.scalar(False) == "false"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("one line", "one line"),
        ("a\nb", "|-\n  a\n  b"),
        ("a\nb\n", "|\n  a\n  b"),
        ("a\n\n  indented\n#not a comment", "|-\n  a\n\n    indented\n  #not a comment"),
        # Cases a literal block cannot hold exactly fall back to double quotes.
        (" leading\nspace", '" leading\\nspace"'),
        ("\n leading after an empty line", '"\\n leading after an empty line"'),
        ("trailing \nspace", '"trailing \\nspace"'),
        ("a\n\n\n", '"a\\n\\n\\n"'),
        ("cr\r\nlf", '"cr\\r\\nlf"'),
        ("ls\u2028x\ny", '"ls\\Lx\\ny"'),
    ],
)
def test_block(value: str, expected: str) -> None:
    assert quote.block(value, 2) == expected
    from actiongen.load import load_text, to_data

    read = to_data(load_text("x.yml", f"k: {expected}\n").root)["k"]
    assert read == value


def test_condition() -> None:
    assert quote.condition("github.ref == 'refs/heads/main'") == "github.ref == 'refs/heads/main'"
    assert quote.condition("!cancelled()") == "${{ !cancelled() }}"
    assert quote.condition("github.ref == 'refs/heads/a: b'") == \
        "\"github.ref == 'refs/heads/a: b'\""


def test_tidy_keeps_blank_lines_inside_scripts() -> None:
    text = ("name: x\n\n\non: push\njobs:\n\n  a:\n    steps:\n      - run: |-\n"
            "          one\n\n          two\n\n\n  b:\n    steps: []\n")
    assert tidy(text) == (
        "name: x\n\non: push\n\njobs:\n  a:\n    steps:\n      - run: |-\n"
        "          one\n\n          two\n\n  b:\n    steps: []\n")


def test_header_hash_detects_hand_edits() -> None:
    body = "\nname: x\non: push\n"
    text = header(".github/actiongen.yml", body) + body
    assert provenance(text).generated and not provenance(text).edited
    assert provenance(text.replace("push", "pull_request")).edited
    assert not provenance("name: mine\n").generated


def test_pin_table_is_transcribed_from_the_shared_facts() -> None:
    from actiongen import pins

    facts = json.loads(shared_path("pins", "actions.json").read_text(encoding="utf-8"))
    table = pins.table()
    assert set(table) == {name.lower() for name in facts}
    for name, fact in facts.items():
        pin = table[name.lower()]
        assert (pin.sha, pin.runtime, pin.tag) == (fact["sha"], fact["runs_using"],
                                                   fact.get("tag", ""))


def test_templates_only_use_current_runtime_pins() -> None:
    # Templates ask pins.uses(...) for every action; each must be in the table and run on
    # a runtime GitHub still supports (node24, composite or docker; node20 is deprecated).
    from actiongen import pins

    found = set()
    for path in (ROOT / "templates").rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(- )?uses: [A-Za-z]", text, re.MULTILINE), path
        found |= set(re.findall(r'uses\("([^"]+)"\)', text))
    assert found
    for action in found:
        pin, _ = pins.pin(action)
        assert pin.runtime in pins.CURRENT_RUNTIMES, action
    assert "pnpm/action-setup" not in found and "pypa/gh-action-pypi-publish" not in found


def _descriptor(**over: Any) -> Any:
    from actiongen.descriptor import from_data

    data: dict[str, Any] = {
        "name": "shop", "language": "node",
        "commands": {"lint": "l", "typecheck": "t", "build": "b", "unit": "u",
                     "integration": "i", "e2e": "e", "migrate": "m"},
        "deploy": {"production": {"branch": "main", "url": "https://a.example", "run": "d",
                                  "rollback": {"run": "r"}}},
        "verify": {"health": "/"},
        "notify": {"slack": "SLACK"},
    }
    data.update(over)
    return from_data(data)


def test_timeouts_fill_the_default_budget_exactly() -> None:
    # Default budgets: commit 1, build 5, test 10, deploy 5, verify 5, pipeline 26.
    # Commit, build and tests keep their stage budgets; the post-test chain shares the rest.
    from actiongen.render.plan import plan

    p = plan(_descriptor())
    t = {j.id: j.timeout for j in p.jobs}
    assert (t["lint"], t["typecheck"], t["build"], t["unit"], t["integration"], t["e2e"]) == (
        1, 1, 5, 10, 10, 10)
    chain = ["migrate-production", "deploy-production", "verify-production", "notify"]
    assert sum(t[j] for j in chain) == 26 - 16
    assert t["notify"] == 1 and t["deploy-production"] >= t["migrate-production"]
    # A rollback runs only in a failed run, off the successful run's critical path.
    assert t["rollback-production"] == 5


def test_raised_budgets_raise_timeouts() -> None:
    from actiongen.render.plan import plan

    p = plan(_descriptor(check={"budgets": {"commit": 3, "deploy": 15, "pipeline": 60}}))
    t = {j.id: j.timeout for j in p.jobs}
    assert t["lint"] == 3 and t["deploy-production"] == 15
