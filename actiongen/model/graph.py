"""The ``needs:`` graph of a workflow's jobs.

Job ids are matched case-insensitively, as GitHub matches them (``needs: Build``
names the job ``build``); edges always use the ids as the ``jobs:`` keys spell them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from actiongen.model.workflow import Workflow


class NeedsGraph:
    """Direct needs per job (only edges to jobs that exist) and the unknown ones."""

    __slots__ = ("_ancestors", "_cycles", "_users", "needs", "unknown")

    def __init__(
        self,
        needs: dict[str, list[str]] | None = None,
        unknown: dict[str, list[str]] | None = None,
    ) -> None:
        self.needs: dict[str, list[str]] = {} if needs is None else needs
        self.unknown: dict[str, list[str]] = {} if unknown is None else unknown
        self._ancestors: dict[str, frozenset[str]] = {}
        self._users: dict[str, list[str]] | None = None
        self._cycles: list[list[str]] | None = None

    def __repr__(self) -> str:
        return f"NeedsGraph(needs={self.needs!r}, unknown={self.unknown!r})"

    @classmethod
    def of(cls, workflow: Workflow) -> NeedsGraph:
        g = cls()
        by_folded = {job_id.lower(): job_id for job_id in workflow.jobs}
        for job_id, job in workflow.jobs.items():
            known: list[str] = []
            missing: list[str] = []
            for item in job.needs:
                target = by_folded.get(item.text.lower())
                if target is None:
                    missing.append(item.text)
                elif target not in known:
                    known.append(target)
            g.needs[job_id] = known
            g.unknown[job_id] = missing
        return g

    def resolve(self, name: str) -> str | None:
        """The job id a ``needs:`` item names, or None when no job has that id."""
        if name in self.needs:
            return name
        folded = name.lower()
        return next((j for j in self.needs if j.lower() == folded), None)

    def ancestors(self, job_id: str) -> frozenset[str]:
        """Every job ``job_id`` needs, directly or transitively."""
        cached = self._ancestors.get(job_id)
        if cached is not None:
            return cached
        seen: set[str] = set()
        stack = list(self.needs.get(job_id, ()))
        while stack:
            j = stack.pop()
            if j in seen:
                continue
            seen.add(j)
            stack.extend(self.needs.get(j, ()))
        result = frozenset(seen)
        self._ancestors[job_id] = result
        return result

    def users(self, job_id: str) -> list[str]:
        """The jobs that need ``job_id`` directly."""
        if self._users is None:
            users: dict[str, list[str]] = {j: [] for j in self.needs}
            for j, ns in self.needs.items():
                for n in ns:
                    users[n].append(j)
            self._users = users
        return self._users.get(job_id, [])

    def descendants(self, job_id: str) -> set[str]:
        """Every job that needs ``job_id``, directly or transitively."""
        seen: set[str] = set()
        stack = list(self.users(job_id))
        while stack:
            j = stack.pop()
            if j in seen:
                continue
            seen.add(j)
            stack.extend(self.users(j))
        return seen

    def cycles(self) -> list[list[str]]:
        """Each cycle once, as the jobs around it in ``needs`` order (a needs b needs …).

        Computed once (several rules ask); callers must not change the lists.
        """
        if self._cycles is None:
            self._cycles = self._find_cycles()
        return self._cycles

    def _find_cycles(self) -> list[list[str]]:
        state: dict[str, int] = {}  # 1: on the current path, 2: finished
        found: list[list[str]] = []
        seen: set[frozenset[str]] = set()
        for start in self.needs:
            if start in state:
                continue
            path: list[str] = [start]
            state[start] = 1
            iters = [iter(self.needs.get(start, ()))]
            while iters:
                nxt = next(iters[-1], None)
                if nxt is None:
                    state[path.pop()] = 2
                    iters.pop()
                    continue
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt):]
                    key = frozenset(cycle)
                    if key not in seen:
                        seen.add(key)
                        found.append(cycle)
                elif nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    iters.append(iter(self.needs.get(nxt, ())))
        return found

    def topological(self) -> list[str] | None:
        """Jobs in an order where each comes after its needs (file order among equals);
        None if the graph has a cycle."""
        indeg = {j: len(ns) for j, ns in self.needs.items()}
        ready = [j for j, d in indeg.items() if d == 0]
        order: list[str] = []
        while ready:
            j = ready.pop(0)
            order.append(j)
            for u in self.users(j):
                indeg[u] -= 1
                if indeg[u] == 0:
                    ready.append(u)
        return order if len(order) == len(self.needs) else None

    def critical_path(self, cost: Callable[[str], float]) -> tuple[list[str], float]:
        """The chain of needs with the largest total ``cost`` and that total.

        Empty for an empty or cyclic graph (a cycle has no longest path).
        """
        order = self.topological()
        if not order:
            return [], 0.0
        best: dict[str, float] = {}
        via: dict[str, str | None] = {}
        for j in order:
            prev = max(self.needs[j], key=lambda n: best[n], default=None)
            best[j] = cost(j) + (best[prev] if prev is not None else 0.0)
            via[j] = prev
        end = max(order, key=lambda j: best[j])
        path: list[str] = []
        node: str | None = end
        while node is not None:
            path.append(node)
            node = via[node]
        path.reverse()
        return path, best[end]
