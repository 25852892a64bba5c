"""The ``needs:`` graph of a workflow's jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actiongen.model.workflow import Workflow


@dataclass(slots=True)
class NeedsGraph:
    """Direct needs per job (only edges to jobs that exist) and the unknown ones."""

    needs: dict[str, list[str]] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, workflow: Workflow) -> NeedsGraph:
        g = cls()
        for job_id, job in workflow.jobs.items():
            known, missing = [], []
            for n in job.needs:
                (known if n.text in workflow.jobs else missing).append(n.text)
            g.needs[job_id] = known
            g.unknown[job_id] = missing
        return g

    def ancestors(self, job_id: str) -> set[str]:
        """Every job ``job_id`` needs, directly or transitively."""
        seen: set[str] = set()
        stack = list(self.needs.get(job_id, ()))
        while stack:
            j = stack.pop()
            if j in seen:
                continue
            seen.add(j)
            stack.extend(self.needs.get(j, ()))
        return seen

    def descendants(self, job_id: str) -> set[str]:
        """Every job that needs ``job_id``, directly or transitively."""
        return {j for j in self.needs if job_id in self.ancestors(j)}

    def cycles(self) -> list[list[str]]:
        """Each cycle once, as the list of jobs around it."""
        color: dict[str, int] = {}
        found: list[list[str]] = []
        seen_sets: set[frozenset[str]] = set()
        for start in self.needs:
            if color.get(start):
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            while stack:
                node, i = stack.pop()
                if i == 0:
                    color[node] = 1
                    path.append(node)
                edges = self.needs.get(node, [])
                if i < len(edges):
                    stack.append((node, i + 1))
                    nxt = edges[i]
                    if color.get(nxt) == 1:
                        cyc = path[path.index(nxt):]
                        key = frozenset(cyc)
                        if key not in seen_sets:
                            seen_sets.add(key)
                            found.append(cyc)
                    elif not color.get(nxt):
                        stack.append((nxt, 0))
                else:
                    color[node] = 2
                    path.pop()
        return found

    def topological(self) -> list[str] | None:
        """Jobs in an order where each comes after its needs; None if cyclic."""
        indeg = {j: len(ns) for j, ns in self.needs.items()}
        users: dict[str, list[str]] = {j: [] for j in self.needs}
        for j, ns in self.needs.items():
            for n in ns:
                users[n].append(j)
        ready = [j for j, d in indeg.items() if d == 0]
        order: list[str] = []
        while ready:
            j = ready.pop(0)
            order.append(j)
            for u in users[j]:
                indeg[u] -= 1
                if indeg[u] == 0:
                    ready.append(u)
        return order if len(order) == len(self.needs) else None
