"""needs-unknown: ``needs:`` names a job that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class NeedsUnknown(Rule):
    """
    ## What it does
    Reports an item of a job's `needs:` that names no job of the workflow, with the
    closest job id as a suggestion. Job ids are compared case-insensitively, as GitHub
    compares them.

    ## Why is this bad?
    GitHub rejects the whole workflow ("Job 'deploy' depends on unknown job 'tests'"),
    so none of its jobs run: not the checks, not the deploy. A renamed job is the usual
    cause.

    ## Example
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-latest
        timeout-minutes: 10
        steps:
          - run: make test
      deploy:
        needs: tests
        runs-on: ubuntu-latest
        timeout-minutes: 5
        steps:
          - run: make deploy
    ```

    ## Use instead
    ```yaml
      deploy:
        needs: test
    ```
    """

    id = "needs-unknown"
    severity = Severity.ERROR
    summary = "`needs:` names a job that does not exist"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        job_ids = list(ctx.workflow.jobs)
        folded = {j.lower(): j for j in job_ids}
        for job in ctx.workflow.jobs.values():
            for item in job.needs:
                if ctx.graph.resolve(item.text) is not None:
                    continue
                import difflib  # only when a name is unknown

                close = difflib.get_close_matches(
                    item.text.lower(), [j for j in folded if folded[j] != job.id], n=1, cutoff=0.6
                )
                hint = f"; did you mean `{folded[close[0]]}`?" if close else ""
                others = [f"`{j}`" for j in job_ids if j != job.id]
                if close:
                    fix = f"write `{folded[close[0]]}`"
                elif others:
                    more = ", …" if len(others) > 8 else ""
                    fix = "name an existing job: " + ", ".join(others[:8]) + more
                else:
                    fix = "remove the item"
                yield self.finding(
                    ctx, item,
                    f"job `{job.id}` needs `{item.text}`, but no job has that id, so GitHub "
                    f"rejects the whole workflow{hint}",
                    fix, job=job,
                )
