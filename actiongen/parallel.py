"""Checking many files on every core, with results in input order as they finish.

:func:`check_files` checks a handful of files in this process and hands larger runs
to worker processes.  Results come back in the order of the input, one file at a
time, and only a bounded number of files are checked ahead of the consumer, so memory
stays flat however many files there are.  A worker that dies (killed, out of memory,
a crash in C) costs one finding for the file that killed it, not the run.

Where ``fork`` exists the workers are forked children fed over pipes (a few
milliseconds to start, and they inherit this process's loaded and warmed-up
checker); elsewhere a :class:`concurrent.futures.ProcessPoolExecutor` of spawned
processes does the same job.

:class:`Progress` draws one line on a terminal: files done and findings so far.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from actiongen.engine import FileResult
from actiongen.findings import Finding, Severity, Span

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Protocol, TextIO, TypeGuard

    from actiongen.config import Config
    from actiongen.rules.base import Rule

    class StreamingReporter(Protocol):
        def report_file(self, result: FileResult, out: TextIO) -> None: ...

        def report_summary(self, results: Sequence[FileResult], out: TextIO) -> None: ...


#: Up to this many files, starting workers costs more than it saves.
THRESHOLD = 32
#: Files sent ahead to one forked worker: it never waits for the parent between files
#: (twice the files it answers at once, see :data:`actiongen.pool_fork.BATCH`).
WINDOW = 16
#: Files checked ahead of the consumer at most (forked workers): bounds the results
#: held back for input order, and how far the workers run ahead of a slow consumer.
AHEAD = 128
#: Files per task (spawned workers): amortises the executor's round trip.
CHUNK = 8
#: Tasks in flight per spawned worker.
TASKS = 4

DIED = (
    "the worker process checking this file died (killed, out of memory or crashed); "
    "the other files were checked"
)


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
    elif _start_method() == "fork":
        from actiongen.pool_fork import forked

        yield from forked(list(files), config, list(rules), workers)
    else:
        from actiongen.pool_spawn import pooled

        yield from pooled(list(files), config, list(rules), workers)


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


def _slim(result: FileResult) -> FileResult:
    # Reporters read a file's lines only for its findings' code frames and fingerprints:
    # the other lines need not travel back to the parent.
    if not result.findings:
        result.lines = []
        return result
    full = result.lines
    needed = {f.span.line for f in result.findings}
    last = min(max(needed), len(full))
    lines = [""] * last  # filled where needed: no loop over every line of a long file
    for number in needed:
        if number <= last:
            lines[number - 1] = full[number - 1]
    result.lines = lines
    return result


def _start_method() -> str:
    """fork where it exists (workers start in milliseconds and inherit the loaded
    rules); elsewhere spawn, which rebuilds rules from ids."""
    import select

    return "fork" if hasattr(os, "fork") and hasattr(select, "poll") else "spawn"


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
    # Someone watches a terminal: each file's findings go out at once.  Into a pipe or a
    # file, the stream's buffer does (a write per file cost ~600 system calls a corpus).
    live = progress is not None or _isatty(out)
    try:
        for result in results:
            if result.findings:
                if progress is not None:
                    progress.clear()
                reporter.report_file(result, out)
                if live:
                    out.flush()
            kept.append(FileResult(result.path, result.findings))
            if progress is not None:
                progress.advance(len(result.findings))
    finally:
        if progress is not None:
            progress.close()
    reporter.report_summary(kept, out)
    return kept


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


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

