"""The secret-hygiene rules on real files: the seed's example pipeline and the corpus.

The seed pipeline hands `CODECOV_TOKEN` to `codecov/codecov-action@v4` and declares no
`permissions:`; its `POSTGRES_PASSWORD: postgres` service and the matching
`DATABASE_URL` are the well-known test-database pattern, not leaked credentials.
On the corpus, template injection is compared with actionlint's own check.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from actiongen.config import Config
from actiongen.engine import check_file, discover
from actiongen.rules.registry import all_rules

from .conftest import shared_path

HYGIENE = (
    "hardcoded-credential",
    "secret-in-run",
    "secrets-tojson",
    "secrets-inherit",
    "secret-workflow-env",
    "secret-unpinned-action",
    "untrusted-input",
    "pr-target-checkout",
    "permissions-missing",
)


def _rules() -> list[type]:
    return [r for r in all_rules() if r.id in HYGIENE]


def test_seed_pipeline() -> None:
    seed = shared_path("seed", "ci-cd.example.yml")
    findings = check_file(str(seed), Config(), _rules()).findings
    by_rule = {(f.rule, f.line) for f in findings}
    assert by_rule == {("permissions-missing", 5), ("secret-unpinned-action", 72)}, findings
    codecov = next(f for f in findings if f.rule == "secret-unpinned-action")
    assert "CODECOV_TOKEN" in codecov.message
    assert "codecov/codecov-action" in codecov.message
    assert codecov.job == "test-unit"


def _actionlint_untrusted(files: list[str]) -> set[tuple[str, str]]:
    proc = subprocess.run(
        ["actionlint", "-shellcheck=", "-pyflakes=", "-format", "{{json .}}", *files],
        capture_output=True, text=True, check=False, timeout=300,
    )
    found = set()
    for error in json.loads(proc.stdout or "[]"):
        m = re.match(r'"([^"]+)" is potentially untrusted', error["message"])
        if m:
            found.add((os.path.realpath(error["filepath"]), m.group(1).lower()))
    return found


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed")
def test_untrusted_input_finds_what_actionlint_finds_on_the_corpus() -> None:
    corpus = shared_path("corpus", "workflows")
    files = discover([str(corpus)], Config())
    theirs = _actionlint_untrusted(files)
    assert theirs, "actionlint found no untrusted input; the comparison would prove nothing"
    rules = [r for r in all_rules() if r.id == "untrusted-input"]
    ours = set()
    for path in files:
        for f in check_file(path, Config(), rules).findings:
            for field in re.findall(r"`([^`]+)`", f.message.split(")")[0]):
                ours.add((os.path.realpath(path), field.lower()))
    assert theirs <= ours, sorted(theirs - ours)
