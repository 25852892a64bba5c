"""Forked workers fed over pipes: the pool :func:`actiongen.parallel.check_files` uses
where ``fork`` exists.

Workers start in milliseconds and inherit this process's loaded and warmed-up checker.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from typing import TYPE_CHECKING, Any

from actiongen.parallel import AHEAD, DIED, WINDOW, _failed, _slim, check_one

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from actiongen.config import Config
    from actiongen.engine import FileResult
    from actiongen.rules.base import Rule


# -- forked workers ---------------------------------------------------------------------
#
# The parent sends each worker file numbers (4 bytes each) on one pipe; the worker
# answers each file on another pipe, in the order sent: the length of the result
# (4 bytes), then the result as plain tuples in marshal's format (see _pack).  Answers
# travel in batches of up to BATCH files (see _serve), so the file a worker is checking
# is one of the first BATCH it has not answered.  A worker that dies closes its end of
# the result pipe; each of those files is checked again, alone in a worker, and blamed
# only if that worker dies too.  The files sent after them go to the workers again.


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


def forked(
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
        import marshal

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
                self.done[worker.queue.popleft()] = _unpack(marshal.loads(inbox[start + 4 : end]))
                worker.alone = False
                start = end
            del inbox[:start]

    def _bury(self, worker: _Worker) -> None:
        """A worker ended before answering for every file it was sent: it died."""
        import heapq

        del self.workers[worker.results]
        self.poller.unregister(worker.results)
        _close(worker)
        if worker.alone and worker.queue:  # the second worker this file took down
            culprit = worker.queue.popleft()
            self.done[culprit] = _failed(self.files[culprit], DIED)
        else:
            # One of the first BATCH unanswered files was in hand (the others were
            # checked, their answers not yet sent): it did it, or the worker was killed
            # from outside. Each is tried once more, alone.
            for _ in range(min(BATCH, len(worker.queue))):
                suspect = worker.queue.popleft()
                self.suspects.add(suspect)
                self.retry.append(suspect)
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
    """The worker's loop: check the files whose numbers arrive and answer them, in
    batches of up to :data:`BATCH` files."""
    import marshal

    pending = b""
    answers: list[bytes] = []
    while True:
        data = os.read(tasks, 4096)
        if not data:  # the parent closed the pipe: no more files
            return
        pending += data
        whole = len(pending) - len(pending) % 4
        for at in range(0, whole, 4):
            if at == whole - 4:  # the last file in hand may be slow: nothing waits on it
                _send(results, answers)
            path = files[int.from_bytes(pending[at : at + 4], "little")]
            result = check_one(path, config, rules)
            try:
                blob = marshal.dumps(_pack(_slim(result)))
            except (AttributeError, TypeError, ValueError):  # a plugin's odd finding
                blob = marshal.dumps(_pack(_failed(path, _UNSENDABLE)))
            answers.append(len(blob).to_bytes(4, "little"))
            answers.append(blob)
            if len(answers) >= 2 * BATCH:
                _send(results, answers)
        pending = pending[whole:]
        _send(results, answers)


#: Files a worker answers in one write.  Each write wakes the parent (a poll, a read,
#: its bookkeeping) and switches both processes: answering the corpus's 634 files one
#: by one cost ~70 ms more CPU across the processes than batches of 8 (wall -5%).
BATCH = 8


def _send(results: int, answers: list[bytes]) -> None:
    """Write the answers held (length-prefixed results), and forget them."""
    if not answers:
        return
    answer = memoryview(b"".join(answers))
    answers.clear()
    while answer:
        answer = answer[os.write(results, answer) :]


# A result crosses the pipe as tuples of strings and numbers, in marshal's format: the
# same interpreter reads it back, and for the corpus's findings this costs a third of
# what pickling the objects did (8 ms instead of 23, both ends together).
_Packed = tuple[str, list[tuple[Any, ...]], list[str], list[tuple[int, ...]]]


_UNSENDABLE = (
    "a rule reported a finding that is not made of text and numbers as findings are "
    "(a plugin's, surely), so it cannot be reported; the other files were checked"
)


def _pack(result: FileResult) -> _Packed:
    """``result`` as plain tuples; ValueError when a finding is not what reports read
    (a plugin's severity that is not a :class:`Severity`, a span of the wrong shape)."""
    from actiongen.findings import Severity

    findings = []
    for f in result.findings:
        span = tuple(f.span)
        if type(f.severity) is not Severity or len(span) != 4:
            raise ValueError("a finding that reports cannot read")
        findings.append((f.rule, int(f.severity), f.path, span, f.message, f.fix, f.job,
                         f.step, f.extra))
    return result.path, findings, result.lines, [tuple(s) for s in result.redactions]


def _unpack(packed: _Packed) -> FileResult:
    from actiongen.engine import FileResult
    from actiongen.findings import Finding, Severity, Span

    path, findings, lines, redactions = packed
    return FileResult(
        path,
        [
            Finding(rule, Severity(level), where, Span(*span), message, fix, job, step, extra)
            for rule, level, where, span, message, fix, job, step, extra in findings
        ],
        lines,
        [Span(*s) for s in redactions],
    )


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


