"""The compiled-regex cache gives exactly what re.compile gives, or nothing at all.

``actiongen.lazyre`` builds patterns from compiled code kept in a cache file; a wrong
entry would silently change what every rule matches.  These tests hold each declared
pattern built from the cache to :func:`re.compile`'s pattern (same code, flags and
groups), and show that a missing, corrupt or unwritable cache only means compiling.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from actiongen import lazyre

from .conftest import ROOT


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder, and no table loaded from another."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ACTIONGEN_CACHE_DIR", str(folder))
    monkeypatch.setattr(lazyre, "_table", None)
    return folder


def _import_the_checker() -> None:
    # Every module of the check path declares its patterns on import.
    from actiongen.rules.registry import all_rules

    all_rules()
    import actiongen.model.job_evidence
    import actiongen.rules._deploy  # noqa: F401


def test_every_declared_pattern_built_from_the_cache_equals_re_compile(cache: Path) -> None:
    _import_the_checker()
    declared = list(lazyre._DECLARED)
    assert len(declared) > 150
    lazyre.save()
    [written] = cache.iterdir()
    assert written.name == os.path.basename(lazyre.cache_file() or "")
    lazyre._table = None  # as a new process: read the file
    table = lazyre._entries()
    assert set(table) == set(declared)
    for pattern, flags in declared:
        assert table[(pattern, flags)], f"{pattern!r} could not be rebuilt"
        built = lazyre.compile_pattern(pattern, flags)
        reference = re.compile(pattern, flags)
        # Pattern equality compares the pattern, the flags and the compiled code.
        assert built == reference, pattern
        assert (built.groups, built.groupindex) == (reference.groups, reference.groupindex)
        assert built is not reference  # it did come from the cache


def test_a_corrupt_cache_means_compiling_and_is_rewritten(cache: Path) -> None:
    path = Path(lazyre.cache_file() or "")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00not marshal data")
    lazyre.declare(r"\bcorrupt-(\d+)")
    assert lazyre.compile_pattern(r"\bcorrupt-(\d+)").match("corrupt-42")
    lazyre.save()
    lazyre._table = None
    assert lazyre._entries()[(r"\bcorrupt-(\d+)", 0)]


def test_an_entry_the_interpreter_refuses_is_compiled_again(cache: Path) -> None:
    lazyre._entries()[(r"ab+c", 0)] = (0, [1, 2, 3], 0, {}, ())  # not valid code
    assert lazyre.compile_pattern(r"ab+c").fullmatch("abbc")


def test_an_empty_cache_folder_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONGEN_CACHE_DIR", "")
    monkeypatch.setattr(lazyre, "_table", None)
    monkeypatch.chdir(tmp_path)
    assert lazyre.cache_file() is None
    lazyre.declare(r"off-(\w+)")
    lazyre.save()
    assert lazyre.compile_pattern(r"off-(\w+)").match("off-x")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_folder_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("ACTIONGEN_CACHE_DIR", str(blocker / "cache"))  # below a file
    monkeypatch.setattr(lazyre, "_table", None)
    lazyre.declare(r"unwritable-(\w+)")
    lazyre.save()  # quietly nothing
    assert lazyre.compile_pattern(r"unwritable-(\w+)").match("unwritable-x")


def test_a_check_writes_the_cache_once_and_then_reads_it(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs:\n  t:\n    runs-on: x\n    steps: [{run: make test}]\n",
                        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTIONGEN_CACHE_DIR": str(folder)}

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "actiongen", "check", str(workflow)],
                              capture_output=True, text=True, check=False, env=env)

    first = check()
    assert first.returncode == 1 and "timeout-missing" in first.stdout
    [written] = folder.iterdir()
    stamp = written.stat().st_mtime_ns
    second = check()
    assert second.stdout == first.stdout
    assert [p.stat().st_mtime_ns for p in folder.iterdir()] == [stamp]  # nothing new to write
