"""``actiongen check`` as a user meets it: exit codes, paths, selection, output files, colour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from .cli import CLEAN, CORE, DUPLICATE, STALE, make_repo, run_cli
from .conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path


def findings(stdout: str) -> list[tuple[str, str, int]]:
    """(path, rule, line) of each finding in a JSON report."""
    doc = json.loads(stdout)
    assert doc["version"] == 1
    return [(f["path"], f["rule"], f["line"]) for f in doc["findings"]]


@pytest.mark.parametrize(
    ("text", "fail_on", "code"),
    [
        (CLEAN, None, 0),
        (DUPLICATE, None, 1),        # an error is above the default (warning)
        (STALE, None, 1),            # a warning is at the default
        (STALE, "error", 0),         # ... but below error
        (DUPLICATE, "error", 1),
        (STALE, "note", 1),
        (DUPLICATE, "never", 0),
    ],
)
def test_exit_codes(tmp_path: Path, text: str, fail_on: str | None, code: int) -> None:
    (tmp_path / "ci.yml").write_text(text, encoding="utf-8")
    args = ["check", "ci.yml", "--select", CORE, *(["--fail-on", fail_on] if fail_on else [])]
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert proc.stderr == ""


def test_fail_on_from_the_configuration(tmp_path: Path) -> None:
    make_repo(tmp_path, {"ci.yml": STALE})
    (tmp_path / ".github" / "actiongen.yml").write_text("check:\n  fail-on: error\n", "utf-8")
    assert run_cli("check", "--select", CORE, cwd=tmp_path).returncode == 0
    # The command line wins over the configuration.
    assert run_cli("check", "--select", CORE, "--fail-on", "warning", cwd=tmp_path).returncode == 1


def test_nonexistent_path_is_one_line_exit_2(tmp_path: Path) -> None:
    proc = run_cli("check", "missing.yml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "actiongen: error: missing.yml: no such file or directory\n"
    assert proc.stdout == ""


def test_usage_error_is_exit_2(tmp_path: Path) -> None:
    proc = run_cli("check", "--format", "yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_in_select_or_ignore(tmp_path: Path, option: str) -> None:
    proc = run_cli("check", option, "duplicate-kee", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (f"actiongen: error: {option}: unknown rule id `duplicate-kee` "
                           "(did you mean `duplicate-key`?)\n")


def test_select_and_ignore(tmp_path: Path) -> None:
    # One file with a duplicate key and a suppression that suppresses nothing.
    (tmp_path / "ci.yml").write_text(STALE.replace("runs-on: x\n", "runs-on: x\n    runs-on: y\n"),
                                     encoding="utf-8")
    both = findings(run_cli("check", "ci.yml", "-f", "json", "--select", CORE, cwd=tmp_path).stdout)
    assert sorted(r for _, r, _ in both) == ["duplicate-key", "unused-suppression"]
    only = run_cli("check", "ci.yml", "-f", "json", "--select", "duplicate-key", cwd=tmp_path)
    assert [r for _, r, _ in findings(only.stdout)] == ["duplicate-key"]
    # Repeatable, comma-separated.
    ignored = run_cli("check", "ci.yml", "-f", "json", "--select", CORE,
                      "--ignore", "unused-suppression", "--ignore", "yaml-syntax", cwd=tmp_path)
    assert [r for _, r, _ in findings(ignored.stdout)] == ["duplicate-key"]
    # A suppression naming a rule that did not run is not judged unused.
    rest = run_cli("check", "ci.yml", "-f", "json", "--select", CORE,
                   "--ignore", "duplicate-key", cwd=tmp_path)
    assert findings(rest.stdout) == []


def test_select_runs_a_rule_the_configuration_turned_off(tmp_path: Path) -> None:
    make_repo(tmp_path, {"ci.yml": DUPLICATE})
    (tmp_path / ".github" / "actiongen.yml").write_text(
        "check:\n  rules:\n    duplicate-key: off\n", "utf-8")
    off = run_cli("check", "-f", "json", cwd=tmp_path)
    assert "duplicate-key" not in {r for _, r, _ in findings(off.stdout)}
    on = run_cli("check", "-f", "json", "--select", "duplicate-key", cwd=tmp_path)
    assert findings(on.stdout) == [(".github/workflows/ci.yml", "duplicate-key", 5)]


def test_directory_and_default_paths(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"ci.yml": DUPLICATE, "ok.yaml": CLEAN})
    # Not workflows: GitHub runs only the top level of .github/workflows; other YAML is ignored.
    (repo / ".github" / "workflows" / "sub").mkdir()
    (repo / ".github" / "workflows" / "sub" / "x.yml").write_text(DUPLICATE, "utf-8")
    (repo / "docker-compose.yml").write_text(DUPLICATE, "utf-8")
    (repo / "README.md").write_text("# x\n", "utf-8")
    # Action metadata anywhere in the repository, including .github/actions.
    for folder in ("actions/setup", ".github/actions/deploy"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "action.yml").write_text(
            "name: a\ndescription: d\nruns:\n  using: composite\n  steps: []\n", "utf-8")
    (repo / "node_modules" / "dep").mkdir(parents=True)
    (repo / "node_modules" / "dep" / "action.yml").write_text(DUPLICATE, "utf-8")
    expected = [".github/actions/deploy/action.yml", ".github/workflows/ci.yml",
                ".github/workflows/ok.yaml", "actions/setup/action.yml"]

    def checked(proc_stdout: str) -> int:
        return int(json.loads(proc_stdout)["summary"]["files"])

    default = run_cli("check", "-f", "json", "--select", CORE, cwd=repo)
    assert default.returncode == 1
    assert checked(default.stdout) == len(expected)
    assert findings(default.stdout) == [(".github/workflows/ci.yml", "duplicate-key", 5)]
    # From a subfolder: still the whole repository.
    (repo / "actions" / "setup" / "src").mkdir()
    sub = run_cli("check", "-f", "json", "--select", CORE, cwd=repo / "actions" / "setup" / "src")
    assert checked(sub.stdout) == len(expected)
    # A directory argument: the workflows and action files below it.
    below = run_cli("check", "-f", "json", "--select", CORE, "actions", cwd=repo)
    assert checked(below.stdout) == 1
    whole = run_cli("check", "-f", "json", "--select", CORE, ".", cwd=repo)
    assert {p.removeprefix("./") for p, _, _ in findings(whole.stdout)} == {
        ".github/workflows/ci.yml"}


def test_no_files_found(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 0
    assert "no workflows or action files found" in proc.stderr


def test_unparseable_file_is_a_finding_and_others_are_checked(tmp_path: Path) -> None:
    (tmp_path / "broken.yml").write_text("on: push\njobs: [\n", encoding="utf-8")
    (tmp_path / "binary.yml").write_bytes(b"\x00\x01\x02")
    (tmp_path / "dup.yml").write_text(DUPLICATE, encoding="utf-8")
    proc = run_cli("check", "-f", "json", "--select", CORE, "broken.yml", "binary.yml", "dup.yml",
                   cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    got = findings(proc.stdout)
    assert ("dup.yml", "duplicate-key", 5) in got
    assert {p for p, r, _ in got if r == "yaml-syntax"} == {"broken.yml", "binary.yml"}


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    (tmp_path / "ci.yml").write_text(DUPLICATE, encoding="utf-8")
    out = tmp_path / "reports" / "out.sarif"
    proc = run_cli("check", "ci.yml", "-f", "sarif", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert json.loads(out.read_text("utf-8"))["version"] == "2.1.0"
    # Only the report: no temporary file left beside it.
    assert [p.name for p in out.parent.iterdir()] == ["out.sarif"]


def test_output_to_an_unwritable_place_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "ci.yml").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    proc = run_cli("check", "ci.yml", "-o", "file/out.json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("actiongen: error: ")
    assert proc.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ([], {}, False),                          # a pipe is not a terminal
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        (["--color", "always", "-f", "json"], {}, False),  # colour is for text only
    ],
)
def test_colour(tmp_path: Path, args: list[str], env: dict[str, str], coloured: bool) -> None:
    (tmp_path / "ci.yml").write_text(DUPLICATE, encoding="utf-8")
    proc = run_cli("check", "ci.yml", "--select", CORE, *args, cwd=tmp_path, env=env)
    assert proc.returncode == 1
    assert ("\x1b[" in proc.stdout) is coloured


def test_text_output_on_an_ascii_terminal(tmp_path: Path) -> None:
    (tmp_path / "ci.yml").write_text("on: push\njobs:\n  a:\n    name: é\n    name: 名\n",
                                     encoding="utf-8")
    proc = run_cli("check", "ci.yml", "--select", CORE, cwd=tmp_path,
                   env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "5 |     name: \\u540d" in proc.stdout


def test_parallel_and_serial_agree(tmp_path: Path) -> None:
    for i in range(60):
        (tmp_path / f"w{i:02}.yml").write_text(DUPLICATE if i % 3 else CLEAN, encoding="utf-8")
    serial = run_cli("check", ".", "-f", "json", "--select", CORE, "-j", "1", cwd=tmp_path)
    parallel = run_cli("check", ".", "-f", "json", "--select", CORE, "-j", "2", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    assert json.loads(serial.stdout)["summary"]["findings"] == 40


def test_rules_lists_and_documents(tmp_path: Path) -> None:
    listing = run_cli("rules", cwd=tmp_path)
    assert listing.returncode == 0
    assert any(line.startswith("duplicate-key ") for line in listing.stdout.splitlines())
    doc = run_cli("rules", "duplicate-key", cwd=tmp_path)
    assert "## What it does" in doc.stdout


def test_a_check_does_not_import_pathlib(tmp_path: Path) -> None:
    # Start-up time matters in pre-commit: pathlib (with urllib.parse and ipaddress)
    # costs a check a few milliseconds, and the check path needs only os.path.
    code = (
        "import sys\nfrom actiongen.cli import main\n"
        "try:\n    main(['check', '--no-progress', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('pathlib' in sys.modules, file=sys.stderr)\n"
    )
    (tmp_path / ".git").mkdir()
    (tmp_path / ".github").mkdir()  # a configuration is read, too
    (tmp_path / ".github" / "actiongen.yml").write_text("check:\n  fail-on: error\n",
                                                       encoding="utf-8")
    workflow = tmp_path / "ci.yml"
    workflow.write_text(CLEAN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code, str(workflow)], capture_output=True,
                          text=True, check=False, cwd=tmp_path, env=env)
    assert proc.stderr.strip().splitlines()[-1] == "False", proc.stderr


def test_the_installed_command_exits_quickly_but_completely(tmp_path: Path) -> None:
    # `entry` skips freeing the heap at exit; everything a normal exit does for the
    # user must still happen: the exit code, flushed output, atexit handlers.
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        "from actiongen.cli import entry\n"
        "sys.argv = ['actiongen', 'check', '--no-progress', '--format', 'json', sys.argv[1]]\n"
        "entry()\n"
    )
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs:\n  t:\n    runs-on: x\n    steps: [{run: 'true'}]\n",
                        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code, str(workflow)], capture_output=True,
                          text=True, check=False, cwd=tmp_path, env=env)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)  # all of it, flushed
    assert {f["rule"] for f in report["findings"]} >= {"timeout-missing", "permissions-missing"}
    assert proc.stderr.strip() == "atexit ran"
