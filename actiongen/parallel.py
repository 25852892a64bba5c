"""Checking many files on every core, with results in input order as they finish.

:func:`check_files` checks a handful of files in this process and hands larger runs
to a pool of worker processes.  Results come back in the order of the input, one
file at a time, and at most a few chunks per worker are in flight, so memory stays
flat however many files there are.  A worker that dies (killed, out of memory, a
crash in C) costs one finding for the file that killed it, not the run.

:class:`Progress` draws one line on a terminal: files done and findings so far.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from typing import TYPE_CHECKING

from actiongen.engine import FileResult
from actiongen.findings import Finding, Severity, Span

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from concurrent.futures import Future, ProcessPoolExecutor
    from typing import Protocol, TextIO, TypeGuard

    from actiongen.config import Config
    from actiongen.rules.base import Rule

    class StreamingReporter(Protocol):
        def report_file(self, result: FileResult, out: TextIO) -> None: ...

        def report_summary(self, results: Sequence[FileResult], out: TextIO) -> None: ...


#: Up to this many files, starting workers costs more than it saves.
THRESHOLD = 32
#: Files per task: big enough to amortise the round trip, small enough to balance load.
CHUNK = 8
#: Tasks in flight per worker: keeps every worker busy while bounding buffered results.
WINDOW = 4


def default_jobs() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return max(1, len(affinity(0)))
    return os.cpu_count() or 1


def check_files(
    files: Sequence[str], config: Config, rules: Sequence[type[Rule]], jobs: int = 0
) -> Iterator[FileResult]:
    """Check ``files``, yielding one result per file in input order as soon as it is ready.

    ``jobs`` is the number of worker processes; 0 means one per core, and only when
    there are more than :data:`THRESHOLD` files.  ``jobs=1`` checks in this process.
    """
    workers = jobs if jobs > 0 else (default_jobs() if len(files) > THRESHOLD else 1)
    workers = min(workers, len(files))
    if workers <= 1:
        for path in files:
            yield check_one(path, config, rules)
        return
    yield from _pooled(list(files), config, list(rules), workers)


def check_one(path: str, config: Config, rules: Sequence[type[Rule]]) -> FileResult:
    """:func:`actiongen.engine.check_file`, with any failure turned into a finding."""
    from actiongen import engine

    try:
        return engine.check_file(path, config, rules)
    except Exception:  # the engine isolates rules; this catches what is left
        import traceback

        last = traceback.format_exc().strip().splitlines()[-1]
        return _failed(path, f"checking this file failed ({last}); the other files were checked")


def _failed(path: str, message: str) -> FileResult:
    finding = Finding(
        rule="internal-error",
        severity=Severity.ERROR,
        path=path,
        span=Span.point(1, 1),
        message=message,
        fix="please report this file to the actiongen issue tracker",
    )
    return FileResult(path, [finding])


# -- the pool ---------------------------------------------------------------------------

#: Set in each worker by :func:`_init_worker`.
_WORKER: tuple[Config, list[type[Rule]]] | None = None


def _rule_refs(rules: Sequence[type[Rule]]) -> list[str | type[Rule]]:
    """Registered rules travel as ids (rebuilt from the registry in the worker); others
    as the class itself, which pickles by reference when it can be imported."""
    from actiongen.rules.registry import get_rule

    return [r.id if get_rule(r.id) is r else r for r in rules]


def _init_worker(config: Config, refs: list[str | type[Rule]]) -> None:
    import signal

    from actiongen.rules.registry import get_rule

    # Ctrl-C goes to the whole process group; the parent alone decides to stop, and
    # workers must not each print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    rules: list[type[Rule]] = []
    for ref in refs:
        rule = get_rule(ref) if isinstance(ref, str) else ref
        if rule is None:  # the parent found it, so the worker does too; keep the types honest
            raise LookupError(f"rule {ref!r} is not registered in the worker")
        rules.append(rule)
    global _WORKER
    _WORKER = (config, rules)


def _check_chunk(paths: list[str]) -> list[FileResult]:
    assert _WORKER is not None, "_init_worker did not run"
    config, rules = _WORKER
    return [_slim(check_one(p, config, rules)) for p in paths]


def _slim(result: FileResult) -> FileResult:
    # Reporters read a file's lines only for its findings' code frames and fingerprints:
    # the other lines need not travel back to the parent.
    if not result.findings:
        result.lines = []
        return result
    needed = {f.span.line for f in result.findings}
    last = max(needed)
    result.lines = [
        line if number in needed else "" for number, line in enumerate(result.lines[:last], 1)
    ]
    return result


def _start_method() -> str | None:
    """fork where it exists: workers start in milliseconds and inherit the loaded rules
    (ProcessPoolExecutor starts every fork worker before its own thread, so no thread is
    forked).  Elsewhere the platform default (spawn), which rebuilds rules from ids."""
    import multiprocessing

    return "fork" if "fork" in multiprocessing.get_all_start_methods() else None


def _new_pool(workers: int, config: Config, refs: list[str | type[Rule]]) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(_start_method())
    return ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(config, refs)
    )


class _Task:
    """Files checked by one worker call (a plain class: dataclasses cost start-up time)."""

    __slots__ = ("alone", "future", "paths")

    def __init__(self, paths: list[str], alone: bool = False) -> None:
        self.paths = paths
        #: Checked alone, with nothing else in flight: if the pool breaks, this file did it.
        self.alone = alone
        self.future: Future[list[FileResult]] | None = None


def _pooled(
    files: list[str], config: Config, rules: list[type[Rule]], workers: int
) -> Iterator[FileResult]:
    from concurrent.futures.process import BrokenProcessPool

    refs = _rule_refs(rules)
    size = max(1, min(CHUNK, len(files) // (workers * WINDOW)))
    todo = deque(_Task(files[i : i + size]) for i in range(0, len(files), size))
    running: deque[_Task] = deque()
    pool = _new_pool(workers, config, refs)
    no_processes = False
    try:
        while todo or running:
            while todo and len(running) < workers * WINDOW and not no_processes:
                if todo[0].alone and running:
                    break  # a suspect runs with nothing beside it
                task = todo[0]
                try:
                    task.future = pool.submit(_check_chunk, task.paths)
                except BrokenProcessPool:  # broke since the last look; handled below
                    break
                except OSError:  # workers cannot start (process limits, a sandbox)
                    no_processes = True
                    break
                running.append(todo.popleft())
                if task.alone:
                    break
            if no_processes and not running:  # what is left is checked in this process
                for task in todo:
                    for path in task.paths:
                        yield check_one(path, config, rules)
                return
            results: list[FileResult] | None = None
            if running:
                task = running.popleft()
                assert task.future is not None
                with contextlib.suppress(BrokenProcessPool):  # handled below
                    results = task.future.result()
            else:  # the pool broke before it took any work
                task = todo.popleft()
            if results is not None:
                yield from results
                continue
            # A worker died.  Start afresh; blame a file only when it ran alone.
            pool.shutdown(wait=True, cancel_futures=True)
            pool = _new_pool(workers, config, refs)
            if task.alone:
                yield _failed(
                    task.paths[0],
                    "the worker process checking this file died (killed, out of memory "
                    "or crashed); the other files were checked",
                )
                requeue = [_Task(t.paths) for t in running]
            else:
                # Any file in flight may have done it: retry the oldest chunk file by
                # file, each alone, and the rest as they were.
                requeue = [_Task([p], alone=True) for p in task.paths]
                requeue += [_Task(t.paths) for t in running]
            running.clear()
            todo.extendleft(reversed(requeue))
    finally:
        # Normal end, an error, Ctrl-C or a consumer that stopped early: no stray workers.
        pool.shutdown(wait=True, cancel_futures=True)


# -- output -----------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on a terminal: files done and findings so far.

    Drawn at most ten times a second, and only once the run has lasted a moment, so a
    quick check never flickers.  :meth:`clear` erases it before findings are printed.
    """

    def __init__(self, total: int, stream: TextIO, *, delay: float = 0.3) -> None:
        self.total = total
        self.stream = stream
        self.done = 0
        self.findings = 0
        self._start = time.monotonic()
        self._delay = delay
        self._last = 0.0
        self._shown = False

    @classmethod
    def for_stream(cls, total: int, stream: TextIO, choice: bool | None = None) -> Progress | None:
        """A progress bar when ``choice`` says so, or (``None``) when ``stream`` is a terminal."""
        if choice is None:
            isatty = getattr(stream, "isatty", None)
            choice = bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        return cls(total, stream) if choice else None

    def advance(self, findings: int) -> None:
        self.done += 1
        self.findings += findings
        now = time.monotonic()
        due = now - self._last >= 0.1 or self.done == self.total
        if due and now - self._start >= self._delay:
            self._last = now
            self._draw()

    def line(self, width: int) -> str:
        """The bar and counts, fitted to ``width`` columns."""
        counts = f" {self.done}/{self.total} files, {self.findings} finding(s)"
        room = width - len(counts) - len("checking []")
        if room < 10:
            return f"checking{counts}"[:width]
        filled = room * self.done // max(self.total, 1)
        return f"checking [{'#' * filled}{'-' * (room - filled)}]{counts}"

    def _draw(self) -> None:
        import shutil

        width = min(shutil.get_terminal_size((80, 24)).columns - 1, 100)
        self.stream.write("\r" + self.line(width) + "\033[K")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False

    def close(self) -> None:
        self.clear()


def report_as_checked(
    reporter: StreamingReporter,
    results: Iterable[FileResult],
    out: TextIO,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Print each file's findings as soon as it is checked, then the summary.

    Returns the results without their text (enough for counts and the exit status), so
    memory does not grow with the size of the tree.
    """
    kept: list[FileResult] = []
    try:
        for result in results:
            if result.findings:
                if progress is not None:
                    progress.clear()
                reporter.report_file(result, out)
                out.flush()
            kept.append(FileResult(result.path, result.findings))
            if progress is not None:
                progress.advance(len(result.findings))
    finally:
        if progress is not None:
            progress.close()
    reporter.report_summary(kept, out)
    return kept


def collect(results: Iterable[FileResult], progress: Progress | None = None) -> list[FileResult]:
    """Every result, for reports that need them all at once (json, sarif, ...)."""
    kept: list[FileResult] = []
    try:
        for result in results:
            kept.append(result)
            if progress is not None:
                progress.advance(len(result.findings))
    finally:
        if progress is not None:
            progress.close()
    return kept


def is_streaming(reporter: object) -> TypeGuard[StreamingReporter]:
    """Whether ``reporter`` can print file by file (text can; json and sarif cannot)."""
    return hasattr(reporter, "report_file") and hasattr(reporter, "report_summary")

