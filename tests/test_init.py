"""``actiongen init``: files written, refusals, atomicity, errors, questions, the checklist."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actiongen.cli import main

PROJECTS = Path(__file__).resolve().parent / "projects"
DESCRIPTOR = ".github/actiongen.yml"
WORKFLOW = ".github/workflows/ci-cd.yml"


def sample(tmp_path: Path, name: str) -> Path:
    """A copy of a sample project (init writes into it)."""
    target = tmp_path / name
    shutil.copytree(PROJECTS / name, target, symlinks=True)
    return target


def init(root: Path, *args: str) -> int:
    return main(["init", str(root), *args])


class Terminal(io.StringIO):
    """Standard input that claims to be a terminal, answering from a script."""

    def isatty(self) -> bool:
        return True


# --------------------------------------------------------------------------- writing


def test_yes_writes_descriptor_and_workflow(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "node-seed")
    assert init(root, "--yes") == 0
    out = capsys.readouterr().out
    descriptor = (root / DESCRIPTOR).read_text()
    # Editors validate and complete the descriptor through the schema line.
    assert descriptor.startswith("# yaml-language-server: $schema=")
    assert "language: node" in descriptor
    assert (root / WORKFLOW).read_text().strip()
    assert f"Wrote {DESCRIPTOR}" in out and f"Wrote {WORKFLOW}" in out
    # The reasons for what was detected are shown.
    assert "package-lock.json -> package manager npm" in out
    # No temporary files are left behind, and the new files are readable like any other.
    assert not list(root.glob(".github/**/.*.tmp"))
    umask = os.umask(0o022)
    os.umask(umask)
    assert (root / WORKFLOW).stat().st_mode & 0o777 == 0o666 & ~umask


def test_refuses_to_overwrite_without_force(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "go-service")
    (root / ".github/workflows").mkdir(parents=True)
    (root / WORKFLOW).write_text("# my own pipeline\n")
    assert init(root, "--yes") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert WORKFLOW in err and "--force" in err
    # Nothing was written: not even the descriptor, which did not exist.
    assert not (root / DESCRIPTOR).exists()
    assert (root / WORKFLOW).read_text() == "# my own pipeline\n"


def test_existing_descriptor_is_refused_before_any_question(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "rust-api")
    (root / ".github").mkdir()
    (root / DESCRIPTOR).write_text("name: mine\nlanguage: rust\n")
    # A terminal with no answers: any question would end in EOF.
    monkeypatch.setattr("sys.stdin", Terminal(""))
    assert init(root) == 2
    err = capsys.readouterr().err
    assert DESCRIPTOR in err and "actiongen generate" in err
    assert (root / DESCRIPTOR).read_text() == "name: mine\nlanguage: rust\n"


def test_force_overwrites(tmp_path: Path) -> None:
    root = sample(tmp_path, "go-service")
    (root / ".github/workflows").mkdir(parents=True)
    (root / WORKFLOW).write_text("# old\n")
    (root / DESCRIPTOR).write_text("# old\n")
    assert init(root, "--yes", "--force") == 0
    assert "# old" not in (root / WORKFLOW).read_text()
    assert "language: go" in (root / DESCRIPTOR).read_text()


def test_a_failure_while_writing_leaves_the_old_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "go-service")
    (root / ".github/workflows").mkdir(parents=True)
    (root / WORKFLOW).write_text("# old workflow\n")
    (root / DESCRIPTOR).write_text("# old descriptor\n")
    real_fsync = os.fsync
    calls = {"n": 0}

    def failing_fsync(fd: int) -> None:
        # The second file's data never reaches the disk: the disk is full.
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    assert init(root, "--yes", "--force") == 2
    assert "No space left on device; no file was changed" in capsys.readouterr().err
    assert (root / WORKFLOW).read_text() == "# old workflow\n"
    assert (root / DESCRIPTOR).read_text() == "# old descriptor\n"
    assert sorted(p.name for p in (root / ".github").rglob("*")) == [
        "actiongen.yml", "ci-cd.yml", "workflows"]


KILL_DURING_RENAMES = """
import os, signal, sys
sys.path.insert(0, sys.argv[2])
real_replace = os.replace
calls = []
def replace(src, dst):
    calls.append(dst)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # the power goes out between the two renames
    real_replace(src, dst)
os.replace = replace
from actiongen.cli import main
main(["init", sys.argv[1], "--yes", "--force"])
"""


def test_a_kill_midway_leaves_each_file_old_or_new(tmp_path: Path) -> None:
    root = sample(tmp_path, "node-pnpm")
    fresh = sample(tmp_path / "fresh", "node-pnpm")
    assert init(fresh, "--yes") == 0
    (root / ".github/workflows").mkdir(parents=True)
    (root / WORKFLOW).write_text("# old workflow\n")
    (root / DESCRIPTOR).write_text("# old descriptor\n")
    result = subprocess.run(
        [sys.executable, "-c", KILL_DURING_RENAMES, str(root), str(Path(__file__).parents[1])],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == -9, result.stderr
    for rel, old in ((DESCRIPTOR, "# old descriptor\n"), (WORKFLOW, "# old workflow\n")):
        assert (root / rel).read_text() in (old, (fresh / rel).read_text()), rel
    # The descriptor is renamed first: it is new, the workflow still old.
    assert (root / DESCRIPTOR).read_text() == (fresh / DESCRIPTOR).read_text()
    assert (root / WORKFLOW).read_text() == "# old workflow\n"


def test_a_render_failure_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path, "node-pnpm")

    def broken(descriptor: object) -> dict[str, str]:
        raise RuntimeError("template bug")

    monkeypatch.setattr("actiongen.render.render_workflows", broken)
    with pytest.raises(RuntimeError):
        init(root, "--yes")
    assert not (root / ".github").exists()


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("files", "expected"), [
    ({"package.json": '{"name": "x",}'}, "package.json:1:14: invalid JSON"),
    ({"pyproject.toml": "[project\nname = 'x'\n"}, "pyproject.toml:1:9: invalid TOML"),
    ({"Gemfile": b"gem 'r\xffails'\n"}, "Gemfile:1:7: not UTF-8 text"),
])
def test_bad_manifest_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          files: dict[str, str | bytes], expected: str) -> None:
    for name, content in files.items():
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        else:
            (tmp_path / name).write_text(content)
    assert init(tmp_path, "--yes") == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"actiongen: error: {expected}")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
    assert not (tmp_path / ".github").exists()


def test_empty_repository_says_what_was_looked_for(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert init(tmp_path, "--yes") == 2
    err = capsys.readouterr().err
    assert "no project found" in err and "package.json" in err and "go.mod" in err
    assert err.count("\n") == 1


def test_path_that_is_not_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert init(tmp_path / "missing", "--yes") == 2
    assert "not a directory" in capsys.readouterr().err


# --------------------------------------------------------------------------- interaction


def test_without_a_terminal_defaults_are_taken_and_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "python-uv")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert init(root) == 0
    assert "not a terminal" in capsys.readouterr().err
    assert "package-manager: uv" in (root / DESCRIPTOR).read_text()


def test_terminal_questions_show_defaults_and_take_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "node-yarn")
    answers = [
        "",                     # Language [node]
        "orders",               # Project name
        "",                     # Package manager [yarn]
        "",                     # Node.js version [22]
        "",                     # Lint command
        "-",                    # Type-check: none (there is none; '-' keeps it so)
        "yarn run build",       # Build command: a new one
        "",                     # Unit
        "",                     # Integration
        "",                     # E2E
        "",                     # Migrate
        "mysql, redis",         # Services
        "",                     # Staging branch [develop]
        "https://staging.orders.test",  # Staging URL
        "./deploy.sh staging",  # Staging deploy command
        "./rollback.sh staging",  # Staging rollback
        "-",                    # Production branch: no production
        "/healthz",             # Health path
    ]
    monkeypatch.setattr("sys.stdin", Terminal("\n".join(answers) + "\n"))
    assert init(root) == 0
    out = capsys.readouterr().out
    assert "Language [node]:" in out
    assert "Package manager [yarn]:" in out
    assert "Node.js version [22]:" in out
    assert "Lint command ('-' for none) [yarn run lint]:" in out
    assert "Staging deploys from branch ('-' for no staging) [develop]:" in out
    from actiongen.descriptor import load_descriptor

    descriptor = load_descriptor(root / DESCRIPTOR)
    assert descriptor.name == "orders"
    assert descriptor.commands["build"] == "yarn run build"
    assert "typecheck" not in descriptor.commands
    assert sorted(s.kind for s in descriptor.services) == ["mysql", "redis"]
    assert list(descriptor.environments) == ["staging"]
    staging = descriptor.environments["staging"]
    assert (staging.url, staging.run) == ("https://staging.orders.test", "./deploy.sh staging")
    assert staging.rollback.run == "./rollback.sh staging"
    assert staging.verify.health == "/healthz"
    # Nothing is left to replace, so the checklist lists no placeholders.
    assert "Replace the placeholders" not in out


def test_choosing_another_language_detects_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # A Go service with a package.json for its docs: the user says it is the Go project.
    root = tmp_path / "repo"
    root.mkdir()
    (root / "package.json").write_text('{"scripts": {"test": "jest", "lint": "eslint ."}}')
    (root / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n")
    monkeypatch.setattr("sys.stdin", Terminal("cobol\nnode\n" + "\n" * 40))
    assert init(root) == 0
    captured = capsys.readouterr()
    assert "Language [go]:" in captured.out
    # An unknown language is asked again, with the choices.
    assert "please answer one of: node, python, go, rust, java, ruby" in captured.err
    text = (root / DESCRIPTOR).read_text()
    assert "language: node" in text and "npm run lint" in text


def test_end_of_input_cancels_without_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "java-maven")
    monkeypatch.setattr("sys.stdin", Terminal("java\n"))
    assert init(root) == 2
    assert "cancelled" in capsys.readouterr().err
    assert not (root / ".github").exists()


# --------------------------------------------------------------------------- checklist


def test_checklist_names_environments_secrets_and_gh_commands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "node-seed")
    assert init(root, "--yes") == 0
    out = capsys.readouterr().out
    checklist = out[out.index("Next steps"):]
    # Both environments, with their branch policies and a reviewer for production.
    assert "staging: deploys only from branch develop" in checklist
    assert "production: deploys only from branch main; a required reviewer" in checklist
    assert "gh api -X PUT repos/{owner}/{repo}/environments/staging --input -" in checklist
    assert "gh api -X PUT repos/{owner}/{repo}/environments/production --input -" in checklist
    assert ("gh api -X POST repos/{owner}/{repo}/environments/production/"
            "deployment-branch-policies -f name=main -f type=branch") in checklist
    assert ('printf \'{"reviewers":[{"type":"User","id":%s}],"deployment_branch_policy":'
            '{"protected_branches":false,"custom_branch_policies":true}}\' '
            '"$(gh api user --jq .id)" | gh api -X PUT repos/{owner}/{repo}/environments/'
            'production --input -') in checklist
    # The migration job reads DATABASE_URL from each environment.
    assert "gh secret set DATABASE_URL --env staging" in checklist
    assert "gh secret set DATABASE_URL --env production" in checklist
    # init could not know where the app lives: it says which values to replace.
    assert "deploy.production.url" in checklist and "deploy.staging.run" in checklist


def test_checklist_for_a_library_publish(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = sample(tmp_path, "python-poetry")
    assert init(root, "--yes") == 0
    checklist = capsys.readouterr().out
    assert "pypi: deploys only from tags v*" in checklist
    assert "-f name='v*' -f type=tag" in checklist
