"""The published pre-commit hooks, run by the real pre-commit against this checkout.

Each test builds a user's repository in a temporary folder and runs
``pre-commit try-repo <this checkout> <hook> --files ...`` in it, exactly as a user
trying the hooks would.  pre-commit installs actiongen from the checkout into its own
virtualenv (that needs PyPI for the build backend and the dependencies).

``try-repo`` always builds its hook environment in a fresh temporary store, whatever
``PRE_COMMIT_HOME`` says, so every call below pays for one install (pip's download
cache keeps that to seconds); the scenarios are therefore few and each one counts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from .conftest import ROOT
from .worktree import GIT_ENV, copy_working_tree, git, untracked

pytestmark = pytest.mark.skipif(shutil.which("pre-commit") is None,
                                reason="pre-commit is not installed (it is in the test extra)")

# Expands the head commit's message into the script (error: untrusted-input, line 7),
# with no permissions block and no timeout (two warnings).
BAD = """\
name: bad
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.head_commit.message }}"
"""

# Nothing to report: least privilege, a timeout, no expressions in the script.
GOOD = """\
name: good
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo hello
"""

# Warnings only (permissions-missing, timeout-missing), no error.
WARNINGS_ONLY = """\
name: lax
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo hello
"""

DESCRIPTOR = """\
name: tiny
language: python
version: "3.12"
package-manager: pip
commands:
  lint: ruff check .
  unit: pytest
"""


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository to try: this checkout, or a copy of its working tree.

    try-repo commits the checkout's uncommitted edits to tracked files, but leaves
    untracked files out; while a new module is not yet committed, the hook would run
    code that does not import it.  Then a copy of the whole working tree (what the rest
    of the suite tests) stands in for the checkout.
    """
    if not untracked("actiongen", "schemas", "templates", "pyproject.toml",
                     ".pre-commit-hooks.yaml"):
        return ROOT
    copy = tmp_path_factory.mktemp("hooks-repo")
    copy_working_tree(copy)
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "working tree of the checkout under test")
    return copy


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Keeps pre-commit's log and store out of the user's home; try-repo itself
    # installs into its own temporary store.
    return tmp_path_factory.mktemp("pre-commit-home")


def user_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git repository with ``files`` written and staged, as before ``git commit``."""
    repo = tmp_path / "user-repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, files)
    return repo


def write(repo: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")


def try_repo(hooks: Path, repo: Path, home: Path, hook: str,
             *files: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo`` of one hook, in ``repo``, on ``files`` (else all files)."""
    args = ["pre-commit", "try-repo", str(hooks), hook, "--color", "never"]
    args += ["--files", *files] if files else ["--all-files"]
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    proc = subprocess.run(args, cwd=repo, capture_output=True, text=True, env=env,
                          check=False, timeout=600)
    # pre-commit prints everything on stdout; stderr only holds its own crashes.
    proc.stdout += proc.stderr
    return proc


def generate(repo: Path) -> None:
    """``actiongen generate`` from this checkout, in ``repo``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
        str(ROOT), os.environ.get("PYTHONPATH")]))}
    subprocess.run([sys.executable, "-m", "actiongen", "generate"], cwd=repo, env=env,
                   check=True, capture_output=True, text=True)


def hook_result(out: str, name: str) -> str:
    """pre-commit's verdict for hook ``name``: Passed, Failed or (no files to check)Skipped."""
    match = re.search(rf"^{re.escape(name)}\.+(.*)$", out, re.MULTILINE)
    assert match, out
    return match.group(1).strip()


def test_manifest_is_valid_and_routes_the_right_files() -> None:
    proc = subprocess.run(["pre-commit", "validate-manifest", ".pre-commit-hooks.yaml"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hooks = {h["id"]: h for h in YAML(typ="safe").load(ROOT / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"actiongen-check", "actiongen-sync"}
    check, sync = re.compile(hooks["actiongen-check"]["files"]), re.compile(
        hooks["actiongen-sync"]["files"])
    # pre-commit matches `files` with re.search against the repository-relative path.
    for path in [".github/workflows/ci.yml", ".github/workflows/release.yaml", "action.yml",
                 "actions/setup/action.yaml"]:
        assert check.search(path), path
    for path in ["README.md", ".github/actiongen.yml", ".github/dependabot.yml",
                 ".github/workflows/scripts/build.yml", "docs/action.yml.md", "myaction.yml"]:
        assert not check.search(path), path
    for path in [".github/actiongen.yml", ".github/actiongen.yaml", ".github/workflows/ci-cd.yml"]:
        assert sync.search(path), path
    for path in ["actiongen.yml", "action.yml", ".github/dependabot.yml"]:
        assert not sync.search(path), path
    assert hooks["actiongen-sync"]["pass_filenames"] is False


def test_check_hook_blocks_a_bad_workflow_and_shows_the_finding(
        tmp_path: Path, hooks_repo: Path, pre_commit_home: Path) -> None:
    repo = user_repo(tmp_path, {".github/workflows/ci.yml": BAD, "README.md": "hi\n"})
    proc = try_repo(hooks_repo, repo, pre_commit_home, "actiongen-check",
                    ".github/workflows/ci.yml", "README.md")
    out = proc.stdout
    assert proc.returncode == 1, out
    assert hook_result(out, "actiongen check") == "Failed"
    # The finding in text format: position, severity, rule, the code frame and the fix.
    assert ".github/workflows/ci.yml:7:20: error[untrusted-input]" in out
    assert "github.event.head_commit.message" in out
    assert "= fix: pass it through `env:`" in out
    assert "3 findings in 1 file: 1 error, 2 warnings, 0 notes." in out  # README.md not checked


def test_check_hook_passes_a_clean_workflow(
        tmp_path: Path, hooks_repo: Path, pre_commit_home: Path) -> None:
    repo = user_repo(tmp_path, {".github/workflows/ci.yml": GOOD})
    proc = try_repo(hooks_repo, repo, pre_commit_home, "actiongen-check",
                    ".github/workflows/ci.yml")
    assert proc.returncode == 0, proc.stdout
    assert hook_result(proc.stdout, "actiongen check") == "Passed"


def test_check_hook_blocks_at_the_configured_level(
        tmp_path: Path, hooks_repo: Path, pre_commit_home: Path) -> None:
    # fail-on: error in the repository's configuration lets a warnings-only edit through
    # (with the default, warning, the same edit is blocked).
    repo = user_repo(tmp_path, {
        "pyproject.toml": '[tool.actiongen]\nfail-on = "error"\n',
        ".github/workflows/lax.yml": WARNINGS_ONLY,
    })
    proc = try_repo(hooks_repo, repo, pre_commit_home, "actiongen-check",
                    ".github/workflows/lax.yml")
    assert proc.returncode == 0, proc.stdout
    assert hook_result(proc.stdout, "actiongen check") == "Passed"


def test_sync_hook_blocks_a_descriptor_edit_until_regenerated(
        tmp_path: Path, hooks_repo: Path, pre_commit_home: Path) -> None:
    repo = user_repo(tmp_path, {".github/actiongen.yml": DESCRIPTOR})
    generate(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "descriptor and its workflow")

    # The descriptor changes, the workflow does not: the commit is blocked with the diff.
    write(repo, {".github/actiongen.yml": DESCRIPTOR.replace("pytest", "pytest -x")})
    proc = try_repo(hooks_repo, repo, pre_commit_home, "actiongen-sync", ".github/actiongen.yml")
    out = proc.stdout
    assert proc.returncode == 1, out
    assert hook_result(out, "actiongen sync") == "Failed"
    assert "--- a/.github/workflows/ci-cd.yml" in out
    assert re.search(r"^\+\s+run: pytest -x$", out, re.MULTILINE), out
    assert re.search(r"^-\s+run: pytest$", out, re.MULTILINE), out
    assert "drifted from the descriptor; run `actiongen generate`" in out

    # Regenerated and staged together: the hook lets the commit through.
    generate(repo)
    git(repo, "add", "-A")
    proc = try_repo(hooks_repo, repo, pre_commit_home, "actiongen-sync",
                    ".github/actiongen.yml", ".github/workflows/ci-cd.yml")
    assert proc.returncode == 0, proc.stdout
    assert hook_result(proc.stdout, "actiongen sync") == "Passed"
