"""The schema rule's messages: what a user reads when a workflow's structure is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from actiongen.config import Config
from actiongen.engine import check_document
from actiongen.findings import Finding
from actiongen.load import load_text
from actiongen.rules.schema import Schema

from .conftest import ROOT, shared_path


def schema_findings(text: str, kind: str = "workflow") -> list[Finding]:
    doc = load_text("t.yml", textwrap.dedent(text))
    return check_document(doc, Config(), [Schema], kind).findings


def only(text: str, kind: str = "workflow") -> Finding:
    findings = schema_findings(text, kind)
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


def test_misspelt_job_key_suggests_the_right_one_and_points_at_the_key() -> None:
    f = only("""\
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            stpes:
              - run: make test
        """)
    assert f.message == "unknown key `stpes` in job `test`; did you mean `steps`?"
    assert f.fix == "rename it to `steps`"
    assert (f.span.line, f.span.column, f.span.end_column) == (5, 5, 10)
    assert f.job == "test"


def test_misspelt_step_key_names_the_step() -> None:
    f = only("""\
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - name: Checkout
                uses: actions/checkout@v4
                wiht:
                  fetch-depth: 0
        """)
    assert f.message == "unknown key `wiht` in step `Checkout` of job `build`; did you mean `with`?"
    assert (f.job, f.step) == ("build", "Checkout")
    assert f.span.line == 8


def test_string_where_a_number_belongs() -> None:
    f = only("""\
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            timeout-minutes: "10"
            steps: [{run: make}]
        """)
    assert f.message == (
        "`timeout-minutes` in job `build` must be a number or an expression, not a string"
    )
    assert f.fix == "write `10` without quotes"
    assert (f.span.line, f.span.column) == (5, 22)


def test_expressions_are_accepted_where_numbers_and_booleans_go() -> None:
    assert not schema_findings("""\
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            timeout-minutes: ${{ inputs.slow && 30 || 10 }}
            continue-on-error: ${{ matrix.experimental }}
            strategy:
              fail-fast: ${{ github.event_name == 'push' }}
              max-parallel: ${{ fromJSON(vars.MAX) }}
              matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
            steps:
              - run: make
                timeout-minutes: ${{ 5 }}
        """)


def test_missing_runs_on_but_not_for_reusable_workflow_calls() -> None:
    f = only("""\
        on: push
        jobs:
          build:
            steps: [{run: make}]
          call:
            uses: ./.github/workflows/build.yml
            secrets: inherit
        """)
    assert f.message == "`runs-on` is required in job `build`"
    assert f.span.line == 3  # the job's key


def test_keys_a_reusable_workflow_call_cannot_take() -> None:
    f = only("""\
        on: push
        jobs:
          call:
            uses: ./.github/workflows/build.yml
            runs-on: ubuntu-latest
        """)
    assert f.message == (
        "`runs-on` is not available in a job that calls a reusable workflow with `uses:` "
        "(job `call`)"
    )


def test_short_enums_are_listed_and_typos_suggested() -> None:
    f = only("""\
        on: push
        permissions:
          contents: writ
        jobs:
          build:
            runs-on: ubuntu-latest
            steps: [{run: make}]
        """)
    assert f.message == (
        "permission `contents` in the workflow must be one of `read`, `write`, `none`, "
        "not `writ`; did you mean `write`?"
    )


def test_unknown_event() -> None:
    f = only("""\
        on:
          pul_request:
        jobs:
          build:
            runs-on: ubuntu-latest
            steps: [{run: make}]
        """)
    assert f.message == "unknown event `pul_request`; did you mean `pull_request`?"


def test_a_typo_is_reported_once_not_also_as_the_missing_key() -> None:
    f = only("""\
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - rnu: make
        """)
    assert f.message == "unknown key `rnu` in step 1 of job `build`; did you mean `run`?"


def test_step_without_run_or_uses() -> None:
    f = only("""\
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - name: nothing to do
        """)
    assert f.message == (
        "step `nothing to do` of job `build` has no `run` or `uses`: "
        "a step runs a command or an action"
    )


@pytest.mark.parametrize(("text", "kind", "message"), [
    ("- on: push\n", "workflow", "the workflow must be a mapping with `on` and `jobs`, not a list"),
    ("just text\n", "action",
     "the action metadata must be a mapping with `name`, `description` and `runs`, not a string"),
])
def test_a_root_that_is_not_a_mapping(text: str, kind: str, message: str) -> None:
    f = only(text, kind)
    assert f.message == message
    assert (f.span.line, f.span.column) == (1, 1)


def test_action_metadata_messages() -> None:
    findings = schema_findings("""\
        name: Build
        description: builds
        runs:
          using: composite
          steps:
            - run: make
        """, "action")
    assert [f.message for f in findings] == ["`shell` is required in step 1 of `runs`"]
    assert findings[0].fix.startswith("add `shell: bash`")


def test_valid_file_is_checked_without_importing_jsonschema() -> None:
    # The point of schema_fast: the common case never pays jsonschema's import.
    code = textwrap.dedent("""\
        import sys
        from actiongen.config import Config
        from actiongen.engine import check_file
        from actiongen.rules.schema import Schema
        result = check_file(sys.argv[1], Config(), [Schema])
        print(len(result.findings), "jsonschema" in sys.modules)
        """)
    good = ROOT / "tests" / "fixtures" / "rules" / "schema" / "good.yml"
    out = subprocess.run([sys.executable, "-c", code, str(good)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout.split()
    assert out == ["0", "False"]


def test_corpus_schema_findings_are_the_known_genuine_ones() -> None:
    corpus = shared_path("corpus")
    proc = subprocess.run(
        [sys.executable, "-m", "actiongen", "check", "--select", "schema", "--format", "json",
         str(corpus / "workflows"), str(corpus / "actions")],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    findings = json.loads(proc.stdout)["findings"]
    found = {(f["path"].split("corpus/")[1], f["line"]) for f in findings}
    assert found == {
        # workflow_dispatch input `type: int`: GitHub documents string, boolean, choice,
        # number and environment only (the corpus README names this file).
        ("workflows/etcd-io__etcd/antithesis-test.yml", 18),
        # `type:` on an action input is not action metadata syntax; the runner ignores it.
        ("actions/electron__electron/.github__actions__ssh-debug__action.yml", 11),
    }


def test_every_broken_document_gets_worded_findings_and_no_crash() -> None:
    # Mutated real workflows, written back as YAML (JSON is YAML): each invalid one must
    # give at least one finding, in our words rather than jsonschema's.
    import random

    from actiongen.rules.schema import full_validator

    from .test_schema_fast import _corpus_files, _load, _mutate

    rng = random.Random(7)
    raw = ("is not valid under", "Additional properties", "should not be valid", "is not of type")
    invalid = 0
    for path in rng.sample(_corpus_files(), 60):
        kind, data = _load(path)
        for _ in range(3):
            mutated = _mutate(data, rng)
            findings = schema_findings(json.dumps(mutated, indent=1, ensure_ascii=False), kind)
            assert bool(findings) != full_validator(kind).is_valid(mutated)
            assert all(f.rule == "schema" for f in findings), [f.message for f in findings]
            assert all(f.message and not any(r in f.message for r in raw) for f in findings), [
                f.message for f in findings]
            invalid += bool(findings)
    assert invalid > 60
