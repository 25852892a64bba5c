"""Nothing lost: ``atomic_write_text`` leaves the old file or the new one, never half.

Failures are injected where they really happen: an exception while the text is being
written (a character UTF-8 cannot encode, found after part of the text went out), a
failing ``fsync`` or ``os.replace``, an interrupt, and a process killed with SIGKILL in
the middle of writing large files over and over.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from actiongen.writes import atomic_write_files, atomic_write_text

OLD = "name: old\n" * 1000
NEW = "name: new\n" * 1000


def leftovers(folder: Path, target: Path) -> list[str]:
    """Every file in ``folder`` except the target: temporary files that were not removed."""
    return sorted(p.name for p in folder.iterdir() if p != target)


def test_writes_new_file_and_replaces_old(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "ci.yml"
    atomic_write_text(target, OLD)
    assert target.read_text(encoding="utf-8") == OLD
    atomic_write_text(target, NEW)
    assert target.read_text(encoding="utf-8") == NEW
    assert leftovers(target.parent, target) == []


def test_exception_while_writing_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "ci.yml"
    target.write_text(OLD, encoding="utf-8")
    # A lone surrogate cannot be encoded: the write fails after 64 KB went to the temp file.
    half_written = "x" * 65536 + "\ud800" + "y" * 100
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, half_written)
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path, target) == []


def test_exception_on_first_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "new.yml"
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "a" * 10 + "\udfff")
    assert not target.exists()  # never created, not created empty
    assert list(tmp_path.iterdir()) == []


def test_failing_fsync_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ci.yml"
    target.write_text(OLD, encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_text(target, NEW)
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path, target) == []


def test_failing_rename_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ci.yml"
    target.write_text(OLD, encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        atomic_write_text(target, NEW)
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path, target) == []


def test_interrupt_while_writing_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ci.yml"
    target.write_text(OLD, encoding="utf-8")

    def ctrl_c(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, NEW)
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path, target) == []


def test_mode_of_replaced_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_text(OLD, encoding="utf-8")
    target.chmod(0o750)
    atomic_write_text(target, NEW)
    assert target.stat().st_mode & 0o777 == 0o750


def test_new_file_is_readable_like_any_other(tmp_path: Path) -> None:
    # mkstemp makes 0600 files; a new workflow must get what open() would give it.
    umask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "ci.yml", NEW)
    finally:
        os.umask(umask)
    assert (tmp_path / "ci.yml").stat().st_mode & 0o777 == 0o644


def test_several_files_failing_midway_leave_all_old(tmp_path: Path) -> None:
    """The second of three texts cannot be written: nothing has been renamed yet."""
    targets = [tmp_path / "a.yml", tmp_path / "sub" / "b.yml", tmp_path / "c.yml"]
    for t in targets:
        t.parent.mkdir(exist_ok=True)
        t.write_text(OLD, encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_files({targets[0]: NEW, targets[1]: NEW + "\ud800", targets[2]: NEW})
    assert [t.read_text(encoding="utf-8") for t in targets] == [OLD, OLD, OLD]
    assert leftovers(tmp_path, targets[0]) == ["c.yml", "sub"]
    assert leftovers(tmp_path / "sub", targets[1]) == []


def test_several_files_failing_rename_leave_each_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rename fails after the first succeeded: each file is old or new, never half,
    and no temporary file is left behind."""
    targets = [tmp_path / "a.yml", tmp_path / "b.yml"]
    for t in targets:
        t.write_text(OLD, encoding="utf-8")
    real_replace = os.replace
    calls: list[str] = []

    def second_fails(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(5, "Input/output error", dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OSError, match="Input/output"):
        atomic_write_files({targets[0]: NEW, targets[1]: NEW})
    assert [t.read_text(encoding="utf-8") for t in targets] == [NEW, OLD]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yml", "b.yml"]


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from actiongen.writes import atomic_write_files, atomic_write_text

    target = Path(sys.argv[1])
    size = int(sys.argv[2])
    texts = ["A" * size, "B" * size]
    print("ready", flush=True)
    i = 0
    while True:
        atomic_write_text(target, texts[i % 2])
        i += 1
    """
)


def test_sigkill_while_writing_leaves_a_whole_file(tmp_path: Path) -> None:
    """A process rewriting a 4 MB file in a loop is killed at an arbitrary moment.

    Readers during the run and after the kill see all-A or all-B, never a mixture or a
    truncated file.  (A killed process cannot remove its temporary file; the target is
    what must be intact.)
    """
    size = 4 * 1024 * 1024
    target = tmp_path / "big.yml"
    target.write_text("A" * size, encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target), str(size)],
        cwd=root, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        seen = set()
        start = time.monotonic()
        # Read for at least a second, and until both versions were seen (slow disks).
        while time.monotonic() - start < 1.0 or (len(seen) < 2 and time.monotonic() - start < 20):
            data = target.read_bytes()
            assert len(data) == size, "a reader saw a truncated file"
            assert data.count(data[:1]) == size, "a reader saw a mixture of old and new"
            seen.add(data[:1])
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert seen <= {b"A", b"B"}
    assert len(seen) == 2, "the writer never replaced the file; the test proved nothing"
    data = target.read_bytes()
    assert len(data) == size and data.count(data[:1]) == size and data[:1] in (b"A", b"B")
