"""``actiongen check --explain-stages``: every job, its stage and why, aligned per file."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .cli import make_repo, run_cli
from .conftest import shared_path

if TYPE_CHECKING:
    from pathlib import Path

PIPELINE = """\
on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: npm run lint
  create-release:
    runs-on: ubuntu-latest
    steps:
      - run: gh release create "$TAG" --draft
  build-linux:
    needs: create-release
    runs-on: ubuntu-latest
    steps:
      - run: cargo build --release
  publish:
    needs: [lint, build-linux]
    runs-on: ubuntu-latest
    environment: crates-io
    steps:
      - run: cargo publish
  smoke:
    needs: publish
    runs-on: ubuntu-latest
    steps:
      - run: cargo install mytool && mytool --version
"""

OTHER = """\
on: pull_request
jobs:
  docs:
    runs-on: ubuntu-latest
    steps:
      - run: mkdocs build
"""

ROW = re.compile(r"^  (\S+)(\s+)(commit|build|test|deploy|verify|other)(\s+)line (\d+)\s+(\S.*)$")


def rows(block: list[str]) -> dict[str, tuple[str, int, str]]:
    out = {}
    for line in block:
        m = ROW.match(line)
        assert m, f"not a stage row: {line!r}"
        out[m.group(1)] = (m.group(3), int(m.group(5)), m.group(6))
    return out


def test_each_job_with_stage_line_and_reason(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"release.yml": PIPELINE, "docs.yml": OTHER})
    proc = run_cli("check", "--explain-stages", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    blocks = [b.splitlines() for b in proc.stdout.strip().split("\n\n")]
    # Paths as the user gave them (here: relative to the repository root).
    assert [b[0] for b in blocks] == [".github/workflows/docs.yml", ".github/workflows/release.yml"]
    release = rows(blocks[1][1:])
    assert release == {
        "lint": ("commit", 3, "its id says `lint`"),
        "create-release": (
            "other", 7,
            "it prepares a release that build job `build-linux` needs (its id says `release`)"),
        "build-linux": ("build", 11, "its id says `build`"),
        "publish": ("deploy", 16, "it deploys to environment `crates-io`"),
        "smoke": ("verify", 22, "it checks after deploy job `publish` (its id says `smoke`)"),
    }
    assert rows(blocks[0][1:]) == {"docs": ("build", 3, "its id says `docs`")}


def test_columns_are_aligned_within_a_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"release.yml": PIPELINE})
    proc = run_cli("check", "--explain-stages", cwd=repo)
    body = proc.stdout.splitlines()[1:]
    stage_columns = {ROW.match(line).start(3) for line in body}  # type: ignore[union-attr]
    line_columns = {line.index(" line ") for line in body}
    assert len(stage_columns) == 1 and len(line_columns) == 1, proc.stdout


def test_configuration_overrides_and_is_explained(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"release.yml": PIPELINE})
    (repo / ".github" / "actiongen.yml").write_text(
        "check:\n  stages:\n    test: [smoke]\n    deploy: [create-*]\n", encoding="utf-8")
    proc = run_cli("check", "--explain-stages", cwd=repo)
    got = rows(proc.stdout.splitlines()[1:])
    assert got["smoke"] == ("test", 22, "configured: `smoke` in stages.test")
    assert got["create-release"] == ("deploy", 7, "configured: `create-*` in stages.deploy")


def test_unusable_and_action_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"broken.yml": "- just\n- a list\n"})
    (repo / "action.yml").write_text("name: x\nruns:\n  using: node20\n  main: x.js\n",
                                     encoding="utf-8")
    proc = run_cli("check", "--explain-stages", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1  # the action file is not listed
    assert "broken.yml: not a usable workflow" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_seed_example_explained(tmp_path: Path) -> None:
    seed = shared_path("seed", "ci-cd.example.yml")
    proc = run_cli("check", "--explain-stages", str(seed), cwd=tmp_path)
    got = rows(proc.stdout.splitlines()[1:])
    assert {j: s for j, (s, _, _) in got.items()} == {
        "lint": "commit", "build": "build", "test-unit": "test", "test-integration": "test",
        "test-e2e": "test", "deploy-staging": "deploy", "deploy-production": "deploy",
    }
