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
#: Files sent ahead to one forked worker: it never waits for the parent between files.
WINDOW = 8
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
        yield from _forked(list(files), config, list(rules), workers)
    else:
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


def _start_method() -> str:
    """fork where it exists (workers start in milliseconds and inherit the loaded
    rules); elsewhere spawn, which rebuilds rules from ids."""
    import select

    return "fork" if hasattr(os, "fork") and hasattr(select, "poll") else "spawn"


# -- forked workers ---------------------------------------------------------------------
#
# The parent sends each worker file numbers (4 bytes each) on one pipe; the worker
# answers each file on another pipe, in the order sent: the length of the pickled
# result (4 bytes), then the result.  So the parent knows which file a worker is
# checking: the oldest one it has not answered.  A worker that dies closes its end of
# the result pipe; that file is checked again, alone in a worker, and blamed only if
# that worker dies too.  The files sent after it go to the workers again.


class _Worker:
    """A forked worker as the parent sees it (a plain class: no dataclasses on this path)."""

    __slots__ = ("alone", "inbox", "pid", "queue", "results", "tasks")

    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid = pid
        self.tasks = tasks  # the parent's end of the pipe that carries file numbers
        self.results = results  # the parent's end of the pipe that carries results
        #: Files sent and not answered yet, in the order sent.
        self.queue: deque[int] = deque()
        self.inbox = bytearray()  # bytes received that do not make a whole message yet
        #: Checking a file that was in hand when a worker died: nothing else is sent.
        self.alone = False


def _forked(
    files: list[str], config: Config, rules: list[type[Rule]], workers: int
) -> Iterator[FileResult]:
    pool = _ForkPool(files, config, rules)
    try:
        _warm_up(files, config, rules)
        for _ in range(workers):
            if not pool.start():
                break
        emitted = 0
        while emitted < len(files):
            result = pool.done.pop(emitted, None)
            if result is not None:
                yield result
                emitted += 1
            elif pool.workers:
                pool.feed(emitted)
                pool.receive()
            else:  # no worker process could be started: check in this process
                path = files[emitted]
                if emitted in pool.suspects:  # it may take this process down too
                    pool.done[emitted] = _failed(path, DIED)
                else:
                    pool.done[emitted] = check_one(path, config, rules)
    finally:
        # Normal end, an error, Ctrl-C or a consumer that stopped early: no stray workers.
        pool.close()


class _ForkPool:
    """The parent's side of the forked workers: what was sent, received and retried."""

    def __init__(self, files: list[str], config: Config, rules: list[type[Rule]]) -> None:
        import heapq  # noqa: F401  (imported here, before forking, to be inherited)
        import pickle  # noqa: F401
        import select

        self.files = files
        self.config = config
        self.rules = rules
        self.workers: dict[int, _Worker] = {}  # by the descriptor their results come on
        self.poller = select.poll()
        #: Results received ahead of their turn, by file number.
        self.done: dict[int, FileResult] = {}
        self.sent = 0  # files[:sent] went to a worker at least once
        self.redo: list[int] = []  # files to send again, lowest first (a heap)
        #: Files in hand when their worker died, each to be checked alone.
        self.retry: deque[int] = deque()
        self.suspects: set[int] = set()

    def start(self) -> bool:
        """Fork one more worker; False where processes cannot be started."""
        import gc
        import signal

        inherited = [fd for w in self.workers.values() for fd in (w.tasks, w.results)]
        # The objects that exist now are shared with the worker until written to: keep
        # its garbage collector from writing to (and so copying) every one of them.
        frozen = gc.get_freeze_count() == 0
        if frozen:
            gc.freeze()
        # Ctrl-C between the fork and the bookkeeping would leave a worker untracked.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            worker = _fork_worker(self.files, self.config, self.rules, inherited, mask)
            self.workers[worker.results] = worker
            self.poller.register(worker.results)
        except (OSError, RuntimeError):  # process limits (fork's EAGAIN), a sandbox, no
            return False  # descriptors left, an interpreter that may not fork
        finally:
            if frozen:
                gc.unfreeze()
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a Ctrl-C held back lands here
        return True

    def feed(self, emitted: int) -> None:
        """Keep every worker :data:`WINDOW` files ahead, within :data:`AHEAD` of ``emitted``."""
        import heapq

        limit = min(len(self.files), emitted + AHEAD)
        # Fewer files ahead as the end nears, so that no worker is left with a queue
        # while another has nothing to do; two at least, so none waits for the parent.
        want = max(2, min(WINDOW, (len(self.files) - self.sent) // (2 * len(self.workers))))
        for worker in self.workers.values():
            if worker.alone:
                continue
            batch: list[int] = []
            if self.retry:  # a retry waits for a worker with nothing else in hand
                if not worker.queue:
                    worker.alone = True
                    batch.append(self.retry.popleft())
            else:
                room = want - len(worker.queue)
                while room > 0 and (self.redo or self.sent < limit):
                    if self.redo:
                        batch.append(heapq.heappop(self.redo))
                    else:
                        batch.append(self.sent)
                        self.sent += 1
                    room -= 1
            if batch:
                worker.queue.extend(batch)
                with contextlib.suppress(OSError):  # it died: receive() will notice
                    os.write(worker.tasks, b"".join(i.to_bytes(4, "little") for i in batch))

    def receive(self) -> None:
        """Wait for answers (or a worker's end) and take them in."""
        import pickle

        for fd, _event in self.poller.poll():
            worker = self.workers[fd]
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                data = b""
            if not data:
                self._bury(worker)
                continue
            inbox = worker.inbox
            inbox += data
            start = 0
            while len(inbox) - start >= 4:
                end = start + 4 + int.from_bytes(inbox[start : start + 4], "little")
                if len(inbox) < end:
                    break
                self.done[worker.queue.popleft()] = pickle.loads(inbox[start + 4 : end])
                worker.alone = False
                start = end
            del inbox[:start]

    def _bury(self, worker: _Worker) -> None:
        """A worker ended before answering for every file it was sent: it died."""
        import heapq

        del self.workers[worker.results]
        self.poller.unregister(worker.results)
        _close(worker)
        if worker.queue:
            culprit = worker.queue.popleft()
            if worker.alone:  # the second worker this file took down
                self.done[culprit] = _failed(self.files[culprit], DIED)
            else:  # it did, or the worker was killed from outside: try it once more
                self.suspects.add(culprit)
                self.retry.append(culprit)
            for i in worker.queue:  # sent, not started
                heapq.heappush(self.redo, i)
        self.start()  # a fresh worker takes its place where one can be started

    def close(self) -> None:
        """Stop every worker and reap it: idle ones at the end of a run, busy ones when
        the run was cut short (an error, Ctrl-C, a consumer that stopped reading)."""
        import signal

        for worker in self.workers.values():
            # Killed rather than told to finish: nothing is lost (all is answered, or
            # the answers are no longer wanted) and no file in hand makes us wait.
            with contextlib.suppress(OSError):
                os.kill(worker.pid, signal.SIGKILL)
        for worker in self.workers.values():
            _close(worker)
        self.workers.clear()


def _close(worker: _Worker) -> None:
    """Close the parent's ends of the pipes and reap the process."""
    for fd in (worker.tasks, worker.results):
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(worker.pid, 0)


def _fork_worker(
    files: list[str],
    config: Config,
    rules: list[type[Rule]],
    inherited: list[int],
    mask: Iterable[int],
) -> _Worker:
    tasks_in, tasks_out = os.pipe()
    try:
        results_in, results_out = os.pipe()
    except OSError:
        os.close(tasks_in)
        os.close(tasks_out)
        raise
    try:
        pid = os.fork()
    except OSError:
        for fd in (tasks_in, tasks_out, results_in, results_out):
            os.close(fd)
        raise
    if pid == 0:  # the worker: it never returns into the parent's code
        code = 0
        try:
            import signal

            # Ctrl-C goes to the whole process group; the parent alone decides to stop.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            # Other workers' pipe ends: holding them open would hide those workers' ends.
            for fd in (tasks_out, results_in, *inherited):
                os.close(fd)
            _serve(tasks_in, results_out, files, config, rules)
        except BaseException:
            code = 70  # the parent sees the pipe close with files unanswered
        finally:
            # No atexit handlers, no flushing of stdio buffers copied from the parent.
            os._exit(code)
    os.close(tasks_in)
    os.close(results_out)
    return _Worker(pid, tasks_out, results_in)


def _serve(
    tasks: int, results: int, files: list[str], config: Config, rules: list[type[Rule]]
) -> None:
    """The worker's loop: check the files whose numbers arrive, answer each at once."""
    import pickle

    pending = b""
    while True:
        data = os.read(tasks, 4096)
        if not data:  # the parent closed the pipe: no more files
            return
        pending += data
        whole = len(pending) - len(pending) % 4
        for at in range(0, whole, 4):
            path = files[int.from_bytes(pending[at : at + 4], "little")]
            blob = pickle.dumps(_slim(check_one(path, config, rules)), pickle.HIGHEST_PROTOCOL)
            answer = memoryview(len(blob).to_bytes(4, "little") + blob)
            while answer:
                answer = answer[os.write(results, answer) :]
        pending = pending[whole:]


def _warm_up(files: list[str], config: Config, rules: list[type[Rule]]) -> None:
    """Check built-in samples here, before forking: the lazy imports, regexes and caches
    they warm up are then inherited by every worker instead of built again in each.

    Samples, not the user's first file: a file that crashes the checker must take
    down a worker, not this process.
    """
    from actiongen import engine, load

    samples = [("warm-up.yml", _SAMPLE_WORKFLOW, "workflow")]
    if any(engine.kind_of(path) == "action" for path in files):
        samples.append(("action.yml", _SAMPLE_ACTION, "action"))
    for name, text, kind in samples:
        with contextlib.suppress(Exception):  # only a speed-up: never a reason to fail
            engine.check_document(load.load_text(name, text), config, rules, kind)


# What a typical workflow holds: triggers, permissions, a matrix, expressions, secrets,
# build, staged deploys with environments, a migration, verification and a rollback.
_SAMPLE_WORKFLOW = """\
name: warm-up
on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:
    inputs:
      target: {type: choice, options: [staging, production]}
permissions:
  contents: read
concurrency:
  group: ${{ github.workflow }}-${{ github.ref }}
  cancel-in-progress: true
env:
  NODE_VERSION: "20"
defaults:
  run:
    shell: bash
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    strategy:
      fail-fast: false
      matrix:
        python: ["3.11", "3.12"]
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python }}
      - name: Test
        run: |
          pip install -e .[test]
          pytest -q --cov
        env:
          TITLE: ${{ github.event.pull_request.title }}
  build:
    needs: [test]
    runs-on: ubuntu-latest
    timeout-minutes: 10
    outputs:
      image: ${{ steps.meta.outputs.image }}
    steps:
      - uses: actions/checkout@v4
      - id: meta
        run: echo "image=app:${{ github.sha }}" >> "$GITHUB_OUTPUT"
      - uses: docker/login-action@v3
        with:
          username: bot
          password: ${{ secrets.REGISTRY_PASSWORD }}
      - uses: docker/build-push-action@v6
        with:
          push: ${{ github.event_name != 'pull_request' }}
          tags: ${{ steps.meta.outputs.image }}
  deploy-staging:
    needs: build
    if: github.ref == 'refs/heads/main' && github.event_name == 'push'
    runs-on: ubuntu-latest
    environment:
      name: staging
      url: https://staging.example.com
    timeout-minutes: 20
    steps:
      - run: ./scripts/migrate.sh
        env:
          DATABASE_URL: ${{ secrets.DATABASE_URL }}
      - run: kubectl set image deployment/app app=${{ needs.build.outputs.image }}
        env:
          KUBE_TOKEN: ${{ secrets.KUBE_TOKEN }}
      - name: Smoke test
        run: curl --fail https://staging.example.com/health
      - name: Roll back
        if: failure()
        run: kubectl rollout undo deployment/app
  deploy-production:
    needs: [deploy-staging]
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1
      - run: aws ecs update-service --cluster prod --service app --force-new-deployment
      - run: ./scripts/verify.sh "${{ inputs.target }}"
"""

_SAMPLE_ACTION = """\
name: warm-up
description: Set up a tool and its cache
inputs:
  version: {description: the tool's version, default: "1.0"}
runs:
  using: composite
  steps:
    - uses: actions/cache@v4
      with:
        path: ~/.cache/tool
        key: ${{ runner.os }}-${{ inputs.version }}
    - run: echo "version ${{ inputs.version }}"
      shell: bash
"""


# -- spawned workers --------------------------------------------------------------------

#: Set in each spawned worker by :func:`_init_worker`.
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


def _new_pool(workers: int, config: Config, refs: list[str | type[Rule]]) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
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
    size = max(1, min(CHUNK, len(files) // (workers * TASKS)))
    todo = deque(_Task(files[i : i + size]) for i in range(0, len(files), size))
    running: deque[_Task] = deque()
    pool = _new_pool(workers, config, refs)
    no_processes = False
    try:
        while todo or running:
            while todo and len(running) < workers * TASKS and not no_processes:
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
                yield _failed(task.paths[0], DIED)
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

