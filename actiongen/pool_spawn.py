"""Spawned workers through :class:`concurrent.futures.ProcessPoolExecutor`: the pool
:func:`actiongen.parallel.check_files` uses where ``fork`` does not exist.

Workers rebuild the rules from their ids, so a worker may be a fresh interpreter.
"""

from __future__ import annotations

import contextlib
from collections import deque
from typing import TYPE_CHECKING

from actiongen.parallel import CHUNK, DIED, TASKS, _failed, _slim, check_one

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from concurrent.futures import Future, ProcessPoolExecutor

    from actiongen.config import Config
    from actiongen.engine import FileResult
    from actiongen.rules.base import Rule


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


def pooled(
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


