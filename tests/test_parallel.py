"""Scale: the process pool gives the same results as checking in-process, in input
order, as files finish, with bounded work in flight; a dying worker costs one file.

Several tests replace ``engine.check_file`` before the pool starts: fork workers
inherit the replacement, which lets a test slow one file down, block it, record
when files start, or kill the worker that checks it.
"""

from __future__ import annotations

import faulthandler
import io
import os
import pty
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from actiongen import engine, parallel, pool_fork, pool_spawn
from actiongen.config import Config
from actiongen.engine import FileResult
from actiongen.findings import Finding, Severity, Span
from actiongen.load import load_text
from actiongen.report.json import finding_dict
from actiongen.report.text import TextReporter
from actiongen.rules.base import Context, Rule
from actiongen.rules.registry import all_rules

from .conftest import FIXTURES, ROOT

RULE_FIXTURES = FIXTURES / "rules"
needs_fork = pytest.mark.skipif(
    parallel._start_method() != "fork", reason="replacing check_file in workers needs fork"
)


class FridayRule(Rule):
    """A rule that is not registered anywhere: workers must get it by reference.

    ## What it does
    Flags every workflow named "friday".
    """

    id = "test-friday"
    severity = Severity.NOTE
    summary = "no deploys on friday"

    def check(self, ctx: Context) -> Iterable[Finding]:
        wf = ctx.workflow
        if wf is not None and wf.name is not None and wf.name.value == "friday":
            yield self.finding(ctx, Span.point(1, 1), "it is friday")


def make_tree(folder: Path, copies: int = 1) -> list[str]:
    """Every rule fixture (findings of many kinds), ``copies`` times, as a flat folder."""
    sources = sorted(RULE_FIXTURES.glob("*/*.yml"))
    sources = [s for s in sources if s.name != "config.yml"]
    files = []
    for n in range(copies):
        for src in sources:
            dest = folder / f"{n:03d}-{src.parent.name}-{src.name}"
            shutil.copyfile(src, dest)
            files.append(str(dest))
    return sorted(files)


def flat(results: Iterable[FileResult]) -> list[tuple[str, list[dict[str, object]]]]:
    return [(r.path, [finding_dict(f) for f in r.findings]) for r in results]


@pytest.fixture
def tree(tmp_path: Path) -> list[str]:
    files = make_tree(tmp_path, copies=2)
    assert len(files) > parallel.THRESHOLD  # the pool is used by default
    return files


def test_pool_and_in_process_agree(tree: list[str]) -> None:
    rules = all_rules()
    here = list(parallel.check_files(tree, Config(), rules, jobs=1))
    pooled = list(parallel.check_files(tree, Config(), rules, jobs=2))
    assert [r.path for r in pooled] == tree  # input order
    assert flat(pooled) == flat(here)
    assert sum(len(r.findings) for r in pooled) > 50  # the fixtures are full of findings
    for a, b in zip(here, pooled, strict=True):
        # Code frames and fingerprints need the text of the lines that hold findings.
        assert b.redactions == a.redactions
        for f in a.findings:
            if f.span.line <= len(a.lines):
                assert b.lines[f.span.line - 1] == a.lines[f.span.line - 1]


def test_few_files_are_checked_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_tree(tmp_path)[: parallel.THRESHOLD]

    def no_pool(*args: object) -> Iterator[FileResult]:
        raise AssertionError("a pool was started for a handful of files")

    monkeypatch.setattr(pool_fork, "forked", no_pool)
    monkeypatch.setattr(pool_spawn, "pooled", no_pool)
    assert len(list(parallel.check_files(files, Config(), all_rules()))) == len(files)
    (tmp_path / "many").mkdir()
    many = make_tree(tmp_path / "many", copies=2)  # many files, but -j 1 asks for no pool
    assert len(list(parallel.check_files(many, Config(), all_rules(), jobs=1))) == len(many)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_no_worker_processes_means_checking_here(
    tree: list[str], monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """Where processes cannot be started (a process limit, a sandbox), the run goes on."""

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # fork's EAGAIN

    class NoProcesses:
        def submit(self, *args: object) -> None:
            no_fork()

        def shutdown(self, **kwargs: object) -> None:
            pass

    monkeypatch.setattr(parallel, "_start_method", lambda: method)
    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setattr(pool_spawn, "_new_pool", lambda *args: NoProcesses())
    results = list(parallel.check_files(tree, Config(), all_rules(), jobs=2))
    assert flat(results) == flat(parallel.check_files(tree, Config(), all_rules(), jobs=1))


@needs_fork
def test_order_is_input_order_when_files_finish_out_of_order(
    tree: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine.check_file
    slow = {tree[0], tree[9]}

    def check_file(path: str, config: Config, rules: object) -> FileResult:
        if path in slow:
            time.sleep(0.5)  # everything after it finishes first
        return real(path, config, rules)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check_file", check_file)
    results = list(parallel.check_files(tree, Config(), all_rules(), jobs=2))
    assert [r.path for r in results] == tree


@needs_fork
def test_results_stream_before_the_run_ends(
    tree: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last file blocks until the consumer has seen the first result: a runner that
    collected everything before yielding would make the last file time out."""
    real = engine.check_file
    marker = tmp_path / "first-result-seen"
    last = tree[-1]

    def check_file(path: str, config: Config, rules: object) -> FileResult:
        if path == last:
            deadline = time.monotonic() + 20
            while not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            note = "saw the marker" if marker.exists() else "timed out"
            return FileResult(path, [Finding("probe", Severity.NOTE, path, Span.point(1, 1), note)])
        return real(path, config, rules)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check_file", check_file)
    results = parallel.check_files(tree, Config(), all_rules(), jobs=2)
    first = next(results)
    marker.touch()
    rest = list(results)
    assert first.path == tree[0]
    assert rest[-1].path == last
    assert rest[-1].findings[0].message == "saw the marker"


@needs_fork
def test_work_in_flight_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow consumer does not make the pool run ahead and pile up results."""
    files = make_tree(tmp_path, copies=6)
    started = tmp_path / "started"
    started.mkdir()
    real = engine.check_file

    def check_file(path: str, config: Config, rules: object) -> FileResult:
        (started / Path(path).name).touch()
        return real(path, config, rules)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check_file", check_file)
    workers = 2
    bound = parallel.AHEAD + 1  # the file the consumer holds, and those sent after it
    assert len(files) > 2 * bound
    consumed = 0
    most_ahead = 0
    for _ in parallel.check_files(files, Config(), all_rules(), jobs=workers):
        consumed += 1
        time.sleep(0.005)  # a slow terminal
        ahead = len(os.listdir(started)) - consumed
        most_ahead = max(most_ahead, ahead)
        assert ahead <= bound, f"{ahead} files checked ahead of the consumer"
    assert consumed == len(files)
    assert most_ahead > 0  # the pool did run ahead, within the bound


@needs_fork
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGSEGV])
def test_a_killed_worker_costs_only_its_file(
    tree: list[str], monkeypatch: pytest.MonkeyPatch, how: signal.Signals
) -> None:
    """SIGKILL as the kernel's OOM killer sends it; SIGSEGV as a crash in C would."""
    real = engine.check_file
    killers = {tree[3], tree[40]}

    def check_file(path: str, config: Config, rules: object) -> FileResult:
        if path in killers:
            faulthandler.disable()  # pytest's would print a traceback for the crash
            os.kill(os.getpid(), how)
        return real(path, config, rules)  # type: ignore[arg-type]

    expected = flat(parallel.check_files(tree, Config(), all_rules(), jobs=1))
    monkeypatch.setattr(engine, "check_file", check_file)
    results = list(parallel.check_files(tree, Config(), all_rules(), jobs=2))
    assert [r.path for r in results] == tree
    for (path, findings), result in zip(expected, results, strict=True):
        if path in killers:
            [finding] = result.findings
            assert finding.rule == "internal-error"
            assert "worker process checking this file died" in finding.message
        else:
            assert flat([result]) == [(path, findings)]


@needs_fork
def test_a_worker_killed_from_outside_costs_nothing(
    tree: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed once, whatever file it held (an operator, the OOM killer picking
    it for another process's memory): its files are checked again and nobody is blamed."""
    real = engine.check_file
    once = tmp_path / "killed-once"

    def check_file(path: str, config: Config, rules: object) -> FileResult:
        if path == tree[20] and not once.exists():
            once.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, config, rules)  # type: ignore[arg-type]

    expected = flat(parallel.check_files(tree, Config(), all_rules(), jobs=1))
    monkeypatch.setattr(engine, "check_file", check_file)
    assert flat(parallel.check_files(tree, Config(), all_rules(), jobs=2)) == expected
    assert once.exists()  # a worker did die


def record_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the processes forked from now on (seen from the parent)."""
    pids: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids


def gone(pid: int) -> bool:
    """Exited and reaped: not even a zombie is left."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@needs_fork
@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_is_the_number_of_workers(
    tree: list[str], monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    pids = record_forks(monkeypatch)
    assert len(list(parallel.check_files(tree, Config(), all_rules(), jobs=jobs))) == len(tree)
    assert len(pids) == jobs
    assert all(gone(pid) for pid in pids)  # a normal end reaps every worker


@needs_fork
def test_no_stray_workers_when_the_consumer_stops(
    tree: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consumer that stops early (an error, Ctrl-C in the parent, a closed pipe):
    every worker is stopped and reaped, even one busy with a slow file."""
    real = engine.check_file

    def check_file(path: str, config: Config, rules: object) -> FileResult:
        if path == tree[-1]:
            time.sleep(60)  # never finishes: the worker must be killed, not waited for
        return real(path, config, rules)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check_file", check_file)
    pids = record_forks(monkeypatch)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        for n, _ in enumerate(parallel.check_files(tree, Config(), all_rules(), jobs=2)):
            if n == len(tree) - 2:
                raise KeyboardInterrupt  # as Ctrl-C would, while the last file is in hand
    assert time.monotonic() - started < 30
    assert len(pids) == 2
    assert all(gone(pid) for pid in pids)


def test_warm_up_samples_check_cleanly() -> None:
    """The samples the parent checks before forking are valid workflow and action
    files: they exercise the loader, the model and the rules, not the error paths."""
    for name, text, kind in [
        ("warm-up.yml", pool_fork._SAMPLE_WORKFLOW, "workflow"),
        ("action.yml", pool_fork._SAMPLE_ACTION, "action"),
    ]:
        result = engine.check_document(load_text(name, text), Config(), all_rules(), kind)
        rules = {f.rule for f in result.findings}
        assert not rules & {"internal-error", "yaml-syntax", "schema"}, (name, rules)
        assert kind != "workflow" or rules  # it reaches the deploy rules


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crashing_check_becomes_a_finding(
    tree: list[str], monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    if jobs > 1 and parallel._start_method() != "fork":
        pytest.skip("replacing check_file in workers needs fork")
    real = engine.check_file

    def check_file(path: str, config: Config, rules: object) -> FileResult:
        if path == tree[5]:
            raise MemoryError("simulated")
        return real(path, config, rules)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check_file", check_file)
    results = list(parallel.check_files(tree, Config(), all_rules(), jobs=jobs))
    assert len(results) == len(tree)
    [finding] = results[5].findings
    assert finding.rule == "internal-error" and "MemoryError: simulated" in finding.message
    assert any(r.findings for r in results[6:])  # the run went on


def test_spawned_workers_rebuild_rules(tree: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fork, registered rules travel as ids and others by reference."""
    friday = Path(tree[0]).with_name("zz-friday.yml")
    friday.write_text("name: friday\non: push\njobs: {}\n", encoding="utf-8")
    files = [*tree, str(friday)]
    rules = [*all_rules(), FridayRule]
    refs = pool_spawn._rule_refs(rules)
    assert refs[-1] is FridayRule and all(isinstance(r, str) for r in refs[:-1])
    monkeypatch.setattr(parallel, "_start_method", lambda: "spawn")
    pooled = list(parallel.check_files(files, Config(), rules, jobs=2))
    here = list(parallel.check_files(files, Config(), rules, jobs=1))
    assert flat(pooled) == flat(here)
    assert [f.message for f in pooled[-1].findings if f.rule == "test-friday"] == ["it is friday"]


# -- progress and streaming output ----------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    assert parallel.Progress.for_stream(10, io.StringIO()) is None
    assert parallel.Progress.for_stream(10, FakeTerminal()) is not None
    assert parallel.Progress.for_stream(10, FakeTerminal(), choice=False) is None
    assert parallel.Progress.for_stream(10, io.StringIO(), choice=True) is not None
    monkeypatch.setenv("TERM", "dumb")
    assert parallel.Progress.for_stream(10, FakeTerminal()) is None


def test_progress_line_shows_files_and_findings() -> None:
    bar = parallel.Progress(200, io.StringIO())
    for _ in range(50):
        bar.advance(2)
    line = bar.line(80)
    assert line.endswith(" 50/200 files, 100 finding(s)")
    assert len(line) == 80
    assert line.count("#") * 3 == line.count("-")  # a quarter done
    assert bar.line(20) == "checking 50/200 file"  # too narrow for a bar


def test_progress_draws_and_clears(monkeypatch: pytest.MonkeyPatch) -> None:
    term = FakeTerminal()
    bar = parallel.Progress(3, term, delay=0)
    bar.advance(1)
    drawn = term.getvalue()
    assert drawn.startswith("\rchecking [") and "1/3 files, 1 finding(s)" in drawn
    bar.clear()
    assert term.getvalue().endswith("\r\033[K")
    before = term.getvalue()
    bar.close()  # nothing drawn since the clear: nothing to erase
    assert term.getvalue() == before


def test_findings_are_printed_as_each_file_is_checked() -> None:
    """The text report of file 1 is out before file 2 is even produced; the progress
    line is erased before each report so the two never share a line."""
    out = FakeTerminal()
    term = FakeTerminal()
    progress = parallel.Progress(2, term, delay=0)
    finding = Finding("duplicate-key", Severity.ERROR, "a.yml", Span.point(1, 1), "dup")
    seen_before_second: list[str] = []

    def results() -> Iterator[FileResult]:
        yield FileResult("a.yml", [finding], ["a: 1"])
        seen_before_second.append(out.getvalue())
        yield FileResult("b.yml", [], [])

    kept = parallel.report_as_checked(TextReporter(), results(), out, progress)
    assert "a.yml:1:1: error[duplicate-key] dup" in seen_before_second[0]
    assert [r.path for r in kept] == ["a.yml", "b.yml"]
    assert kept[0].lines == []  # text is dropped once reported: flat memory
    assert out.getvalue().endswith("\n1 finding in 2 files: 1 error, 0 warnings, 0 notes.\n")
    assert term.getvalue().endswith("\r\033[K")  # the bar is gone at the end


def run_check(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The CLI, with output as raw bytes (text mode would turn the bar's \\r into \\n)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "actiongen", "check", *args],
        cwd=cwd, capture_output=True, env=env, timeout=300, check=False,
    )


def test_cli_progress_flag(tree: list[str], tmp_path: Path) -> None:
    forced = run_check(".", "--progress", "-f", "json", "-j", "1", cwd=tmp_path)
    quiet = run_check(".", "-f", "json", cwd=tmp_path)  # stderr is a pipe: no bar
    assert forced.returncode == quiet.returncode == 1
    assert forced.stdout == quiet.stdout
    assert quiet.stderr == b""
    # A quick run may end before the bar's first drawing; then nothing is left behind.
    if forced.stderr:
        assert forced.stderr.startswith(b"\rchecking [")
        assert f"/{len(tree)} files".encode() in forced.stderr
        assert forced.stderr.endswith(b"\r\033[K")


def test_cli_draws_progress_on_a_terminal(tmp_path: Path) -> None:
    """stderr is a pseudo-terminal: the bar appears (the run is made slow enough) and
    is erased; stdout, a pipe, gets the plain report."""
    files = make_tree(tmp_path, copies=6)
    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "actiongen", "check", ".", "-f", "json", "-j", "1"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=secondary, env=env, text=True,
    )
    os.close(secondary)
    chunks: list[bytes] = []

    def drain() -> None:  # read while it runs: a full terminal buffer would block it
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed with the process
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    stdout, _ = proc.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(main)
    drawn = b"".join(chunks)
    assert proc.returncode == 1
    assert stdout.startswith("{")
    text = drawn.decode()
    assert f"/{len(files)} files" in text, text[-300:]
    assert text.endswith("\r\033[K")


@needs_fork
def test_ctrl_c_stops_the_cli_with_no_stray_workers(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group: workers ignore it, the parent stops them
    (killed and reaped), says so in one line and exits 130."""
    make_tree(tmp_path, copies=40)  # thousands of files: seconds of work
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "actiongen", "check", ".", "-f", "json", "-j", "2"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
        start_new_session=True,  # its own process group, as a shell gives a pipeline
    )
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        if not children.exists():
            proc.kill()
            proc.wait()
            pytest.skip("no /proc/PID/task/PID/children to see the workers")
        workers = [int(pid) for pid in children.read_text().split()]
        time.sleep(0.01)
    assert len(workers) == 2, "the run ended before its workers were seen"
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr == b"actiongen: interrupted\n"
    assert all(gone(pid) for pid in workers)


@pytest.mark.parametrize("spoil", ["extra", "severity", "span"])
def test_a_finding_that_cannot_cross_to_the_parent_becomes_a_finding(
    tree: list[str], monkeypatch: pytest.MonkeyPatch, spoil: str
) -> None:
    # Results travel from forked workers as plain tuples (marshal): a plugin's finding
    # holding some other object, a severity that is not one, or a span of the wrong
    # shape costs its file one internal-error finding, not the run (nor a traceback).
    if parallel._start_method() != "fork":
        pytest.skip("replacing check_file in workers needs fork")
    real = engine.check_file

    def check_file(path: str, config: Config, rules: object) -> FileResult:
        result = real(path, config, rules)  # type: ignore[arg-type]
        if path == tree[3]:
            f = result.findings[0]
            if spoil == "extra":
                f.extra = {"object": object()}  # type: ignore[dict-item]
            elif spoil == "severity":
                f.severity = 7  # type: ignore[assignment]
            else:
                f.span = (1, 2, 3)  # type: ignore[assignment]
        return result

    monkeypatch.setattr(engine, "check_file", check_file)
    results = list(parallel.check_files(tree, Config(), all_rules(), jobs=2))
    assert [r.path for r in results] == tree
    [finding] = results[3].findings
    assert finding.rule == "internal-error" and "cannot be reported" in finding.message
    assert all(f.rule != "internal-error" for r in results[4:] for f in r.findings)
