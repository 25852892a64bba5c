"""needs-cycle: jobs that need each other in a circle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class NeedsCycle(Rule):
    """
    ## What it does
    Reports a cycle in the `needs:` graph: a job that needs itself, or jobs that need
    each other around a circle (`a` needs `b`, `b` needs `c`, `c` needs `a`). The
    finding points at the `needs:` item that closes the circle and names every job
    on it.

    ## Why is this bad?
    No job of a cycle can ever start, and GitHub rejects the whole workflow, so none
    of its jobs run at all.

    ## Example
    ```yaml
    jobs:
      build:
        needs: test
        runs-on: ubuntu-latest
        steps:
          - run: make
      test:
        needs: build
        runs-on: ubuntu-latest
        steps:
          - run: make test
    ```

    ## Use instead
    Decide which job comes first and remove the other direction:
    ```yaml
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - run: make
      test:
        needs: build
        runs-on: ubuntu-latest
        steps:
          - run: make test
    ```
    """

    id = "needs-cycle"
    severity = Severity.ERROR
    summary = "jobs need each other in a cycle"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        jobs = ctx.workflow.jobs
        for cycle in ctx.graph.cycles():
            # cycle[i] needs cycle[i + 1]; the last one needing the first closes it.
            closer = jobs[cycle[-1]]
            item = next((n for n in closer.needs if ctx.graph.resolve(n.text) == cycle[0]), None)
            if len(cycle) == 1:
                message = (f"job `{closer.id}` needs itself, so it can never start and GitHub "
                           "rejects the whole workflow")
                fix = f"remove `{closer.id}` from its own `needs:`"
            else:
                ring = " → ".join(f"`{j}`" for j in [*cycle, cycle[0]])
                message = (f"needs cycle {ring}: none of these jobs can start, and GitHub "
                           "rejects the whole workflow")
                fix = ("decide which of these jobs runs first and remove the `needs:` item "
                       "that points back at it")
            yield self.finding(ctx, item if item is not None else closer.key, message, fix,
                               job=closer)
