"""Hostile files: each is a finding naming the file, within bounded time and memory,
and the run goes on to the next file.

Every case runs the real CLI on two files, the hostile one and ``other.yml`` (an
ordinary workflow with one known problem: a duplicate ``runs-on`` on line 7, which
must still be reported).  The process's own CPU time and peak memory come from
``os.wait4``: the hostile file may add at most 2 s of CPU to a run of ``other.yml``
alone, and the whole process must stay under 200 MB.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from actiongen import engine, parallel
from actiongen.config import Config
from actiongen.load import MAX_DEPTH, MAX_FILE_BYTES
from actiongen.rules.registry import all_rules

from .conftest import ROOT

CPU_SECONDS = 2.0
PEAK_MB = 200

OTHER = """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    runs-on: ubuntu-22.04
    steps:
      - run: echo hello
"""

SEED = """\
name: CI
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Test
        run: |
          echo "${{ github.event.head_commit.message }}"
          make test
"""


@dataclass
class Run:
    code: int
    report: dict[str, Any]
    stderr: str
    cpu: float  # seconds, user + system, of the actiongen process alone
    peak_mb: float

    def findings(self, path: Path | str) -> list[dict[str, Any]]:
        return [f for f in self.report["findings"] if f["path"] == str(path)]


# A forked child's peak memory starts at its parent's size (pytest's, here), so the
# check runs under this small fresh interpreter, which reports the child's rusage.
_MEASURE = """
import os, signal, sys
pid = os.posix_spawn(sys.executable, sys.argv[2:], os.environ)
signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
signal.alarm(60)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{os.waitstatus_to_exitcode(status)} {ru.ru_utime + ru.ru_stime} {ru.ru_maxrss}")
"""


def check(*paths: Path | str, cwd: Path, args: tuple[str, ...] = ()) -> Run:
    """``actiongen check -f json PATHS`` with its own rusage; killed if it hangs."""
    out, err, usage = cwd / "stdout.json", cwd / "stderr.txt", cwd / "rusage.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "actiongen", "check", "-f", "json", *args, *map(str, paths)]
    with out.open("wb") as o, err.open("wb") as e:
        subprocess.run([sys.executable, "-S", "-c", _MEASURE, str(usage), *cmd],
                       cwd=cwd, stdout=o, stderr=e, env=env, timeout=120, check=True)
    code_text, cpu_text, rss_text = usage.read_text(encoding="utf-8").split()
    code = int(code_text)
    assert code != -signal.SIGKILL, "actiongen hung (killed after 60 s)"
    stderr = err.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in stderr, stderr
    assert code in (0, 1), (code, stderr)
    report = json.loads(out.read_text(encoding="utf-8"))
    return Run(code, report, stderr, float(cpu_text), int(rss_text) / 1024)  # KiB on Linux


def check_with_other(hostile: Path | str, tmp_path: Path) -> Run:
    other = tmp_path / "other.yml"
    other.write_text(OTHER, encoding="utf-8")
    # The hostile file's own cost: the same run without it is the baseline (start-up,
    # and any .pyc recompiling while other people edit the package).
    baseline = check(other, cwd=tmp_path)
    run = check(hostile, other, cwd=tmp_path)
    assert run.cpu - baseline.cpu < CPU_SECONDS, f"{run.cpu:.2f} s - {baseline.cpu:.2f} s of CPU"
    assert run.peak_mb < PEAK_MB, f"{run.peak_mb:.0f} MB"
    # The run went on: the ordinary file was checked after the hostile one.
    assert [(f["rule"], f["line"]) for f in run.findings(other)] == [("duplicate-key", 7)]
    for f in run.report["findings"]:
        assert f["line"] >= 1 and f["column"] >= 1
    return run


def message(finding: dict[str, Any]) -> str:
    """The message without the fix the JSON format appends to it."""
    return str(finding["message"]).split(". Fix: ")[0]


def only_finding(run: Run, path: Path | str) -> dict[str, Any]:
    findings = run.findings(path)
    assert len(findings) == 1, findings
    assert "\n" not in findings[0]["message"]  # one line, naming the file through "path"
    return findings[0]


def test_alias_bomb(tmp_path: Path) -> None:
    # Nine levels of nine aliases: 9**9 (387 million) strings once expanded.
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = tmp_path / "bomb.yml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    finding = only_finding(check_with_other(bomb, tmp_path), bomb)
    assert "aliases expand this document" in message(finding)


def test_aliases_that_do_not_explode_are_fine(tmp_path: Path) -> None:
    # A large file whose few aliases add little is no bomb (the bomb test counts growth).
    jobs = "".join(
        f"  job{i}:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n"
        f"    steps: *steps\n" for i in range(3000)
    )
    text = "on: push\nx-steps: &steps\n  - run: echo hi\njobs:\n" + jobs
    path = tmp_path / "many.yml"
    path.write_text(text, encoding="utf-8")
    run = check_with_other(path, tmp_path)
    assert not [f for f in run.findings(path) if "aliases" in message(f)]


def test_ten_megabyte_workflow(tmp_path: Path) -> None:
    job = "  job{}:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n" \
          "      - run: echo {} " + "x" * 60 + "\n"
    parts = ["on: push\njobs:\n"]
    size, i = 0, 0
    while size < 10 * 1024 * 1024:
        parts.append(job.format(i, i))
        size += len(parts[-1])
        i += 1
    big = tmp_path / "big.yml"
    big.write_text("".join(parts), encoding="utf-8")
    finding = only_finding(check_with_other(big, tmp_path), big)
    assert message(finding) == "the file is larger than 1 MiB, the most actiongen checks"


def test_largest_accepted_file_is_checked(tmp_path: Path) -> None:
    """Just under the limit, densely packed (about 6,000 jobs): checked, not refused,
    in bounded time.  This is what the 1 MiB limit buys; the bound is looser than for
    hostile files because every rule really runs over every job."""
    job = "  job{}:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n" \
          "      - run: echo {}\n"
    parts = ["on: push\npermissions: {}\njobs:\n"]
    size, i = len(parts[0]), 0
    while True:
        part = job.format(i, i)
        if size + len(part) > MAX_FILE_BYTES:
            break
        parts.append(part)
        size += len(part)
        i += 1
    dense = tmp_path / "dense.yml"
    dense.write_text("".join(parts), encoding="utf-8")
    run = check(dense, cwd=tmp_path)
    assert run.cpu < 5.0, f"{run.cpu:.2f} s of CPU"
    assert run.peak_mb < PEAK_MB, f"{run.peak_mb:.0f} MB"
    assert not [f for f in run.findings(dense) if f["rule"] in ("yaml-syntax", "internal-error")]


@pytest.mark.parametrize(
    ("shape", "levels"),
    [
        ("flow-sequence", 10_000),
        ("flow-mapping", 10_000),
        ("block-sequence", 10_000),
        ("indented-mapping", 1_000),  # 1,000 levels of indentation is already 500 KB
        ("flow-sequence", 400_000),  # once a segfault in ruamel's C composer
        ("flow-mapping", 200_000),
    ],
)
def test_deep_nesting(tmp_path: Path, shape: str, levels: int) -> None:
    if shape == "flow-sequence":
        text = "a: " + "[" * levels + "]" * levels + "\n"
    elif shape == "flow-mapping":
        text = "a: " + "{a: " * levels + "1" + "}" * levels + "\n"
    elif shape == "block-sequence":
        text = "a:\n" + "- " * levels + "x\n"
    else:
        text = "".join(" " * i + f"k{i}:\n" for i in range(levels)) + " " * levels + "v\n"
    deep = tmp_path / "deep.yml"
    deep.write_text(text, encoding="utf-8")
    finding = only_finding(check_with_other(deep, tmp_path), deep)
    assert message(finding) == f"nesting is deeper than {MAX_DEPTH} levels"
    assert finding["line"] > 1 or finding["column"] > MAX_DEPTH  # where it got too deep


def test_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "logo.yml"
    binary.write_bytes(bytes(range(256)) * 64)
    finding = only_finding(check_with_other(binary, tmp_path), binary)
    assert "not a text file" in message(finding)


def test_non_utf8_bytes(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.yml"
    latin1.write_bytes("on: push\nname: café\n".encode("latin-1"))
    finding = only_finding(check_with_other(latin1, tmp_path), latin1)
    assert message(finding) == "invalid UTF-8 byte 0xe9"
    assert (finding["line"], finding["column"]) == (2, 10)


def positions(run: Run, path: Path) -> list[tuple[str, int, int, int, int]]:
    return [(f["rule"], f["line"], f["column"], f["end_line"], f["end_column"])
            for f in run.findings(path)]


def test_byte_order_mark(tmp_path: Path) -> None:
    """A BOM is allowed and invisible: the same findings at the same columns."""
    plain, bom = tmp_path / "plain.yml", tmp_path / "bom.yml"
    plain.write_text(SEED, encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + SEED.encode("utf-8"))
    run = check_with_other(bom, tmp_path)
    assert positions(run, bom)  # the seed-like workflow has findings
    assert positions(run, bom) == positions(check(plain, cwd=tmp_path), plain)


def test_crlf_line_ends(tmp_path: Path) -> None:
    """Windows line ends: the same findings, columns not shifted by the \\r."""
    plain, crlf = tmp_path / "plain.yml", tmp_path / "crlf.yml"
    plain.write_text(SEED, encoding="utf-8")
    crlf.write_bytes(SEED.replace("\n", "\r\n").encode("utf-8"))
    run = check_with_other(crlf, tmp_path)
    assert positions(run, crlf)
    assert positions(run, crlf) == positions(check(plain, cwd=tmp_path), plain)


def test_tabs_for_indentation(tmp_path: Path) -> None:
    tabs = tmp_path / "tabs.yml"
    tabs.write_text("on: push\njobs:\n\tbuild:\n\t\truns-on: ubuntu-latest\n", encoding="utf-8")
    finding = only_finding(check_with_other(tabs, tmp_path), tabs)
    assert finding["rule"] == "yaml-syntax" and message(finding).startswith("YAML syntax error")
    assert finding["line"] == 3


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yml"
    empty.write_bytes(b"")
    finding = only_finding(check_with_other(empty, tmp_path), empty)
    assert message(finding) == "the file is empty"


def test_several_documents(tmp_path: Path) -> None:
    multi = tmp_path / "multi.yml"
    first = OTHER.replace("    runs-on: ubuntu-22.04\n", "")  # 8 lines, no duplicate key
    multi.write_text(first + "---\n" + OTHER, encoding="utf-8")
    run = check_with_other(multi, tmp_path)
    [finding] = [f for f in run.findings(multi) if "YAML documents" in message(f)]
    assert message(finding) == "the file holds 2 YAML documents; GitHub reads only one"
    assert finding["line"] == 10  # the second document, after the `---` on line 9


def test_file_disappears_mid_run(tmp_path: Path) -> None:
    """Found by discovery, deleted after the first file was checked."""
    first, gone = tmp_path / "a.yml", tmp_path / "b.yml"
    first.write_text(OTHER, encoding="utf-8")
    gone.write_text(OTHER, encoding="utf-8")
    files = engine.discover([str(tmp_path)], Config())
    assert files == [str(first), str(gone)]
    results = parallel.check_files(files, Config(), all_rules())
    assert [f.rule for f in next(results).findings] == ["duplicate-key"]
    gone.unlink()
    [result] = list(results)
    [finding] = result.findings
    assert result.path == str(gone)
    assert finding.message == "cannot read the file: No such file or directory"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, where chmod 000 still reads: the refusal is simulated."""
    locked, other = tmp_path / "locked.yml", tmp_path / "other.yml"
    locked.write_text(OTHER, encoding="utf-8")
    other.write_text(OTHER, encoding="utf-8")
    real_open = os.open

    def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    results = list(parallel.check_files([str(locked), str(other)], Config(), all_rules()))
    assert [f.message for f in results[0].findings] == ["cannot read the file: Permission denied"]
    assert [f.rule for f in results[1].findings] == ["duplicate-key"]


def test_fifo_in_a_scanned_folder(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: it must not hang the run."""
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "other.yml").write_text(OTHER, encoding="utf-8")
    fifo = folder / "pipe.yml"
    os.mkfifo(fifo)
    run = check(folder, cwd=tmp_path)
    [finding] = run.findings(fifo)
    assert message(finding) == "cannot read the file: it is not a regular file"
    assert [f["rule"] for f in run.findings(folder / "other.yml")] == ["duplicate-key"]


def test_directory_named_like_a_workflow(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    (folder / "odd.yml").mkdir(parents=True)
    (folder / "other.yml").write_text(OTHER, encoding="utf-8")
    run = check(folder, cwd=tmp_path)
    assert run.report["summary"]["files"] == 1  # a folder is searched, not read
    assert [f["rule"] for f in run.findings(folder / "other.yml")] == ["duplicate-key"]


def test_symlink_loops_in_a_scanned_folder(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "other.yml").write_text(OTHER, encoding="utf-8")
    (folder / "back").symlink_to(folder, target_is_directory=True)  # a cycle of folders
    (folder / "self.yml").symlink_to(folder / "self.yml")  # a link to itself
    run = check(folder, cwd=tmp_path)
    [finding] = run.findings(folder / "self.yml")
    assert message(finding) == "cannot read the file: Too many levels of symbolic links"
    assert [f["rule"] for f in run.findings(folder / "other.yml")] == ["duplicate-key"]
    assert run.report["summary"]["files"] == 2  # the folder cycle was not followed
