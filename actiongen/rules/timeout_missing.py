"""timeout-missing: a job without ``timeout-minutes``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding

#: GitHub's default job timeout.
DEFAULT_TIMEOUT = 360


class TimeoutMissing(Rule):
    """
    ## What it does
    Reports a job that does not set `timeout-minutes`. Jobs that call a reusable
    workflow (`uses:`) are skipped: GitHub does not allow the key there; the called
    workflow's jobs should set it.

    ## Why is this bad?
    Without it a job may run for GitHub's default of 360 minutes. A hung test, a
    prompt waiting for input or a deadlocked build then holds a runner (and the
    pipeline, and a paid minute budget) for six hours instead of failing fast. The
    seed's stage budgets (commit 1, build 5, test 10, deploy 5, verify 5 minutes)
    give a sensible bound for each job.

    ## Example
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - run: npm test
    ```

    ## Use instead
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-latest
        timeout-minutes: 10
        steps:
          - run: npm test
    ```
    """

    id = "timeout-missing"
    severity = Severity.WARNING
    summary = "a job does not set `timeout-minutes` (the default is 360)"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        for job in ctx.workflow.jobs.values():
            if job.uses is not None or "timeout-minutes" in job.node:
                continue
            info = ctx.stages.get(job.id)
            budget = ctx.config.budgets.get(info.stage) if info is not None else None
            if budget is not None and info is not None:
                fix = (f"add `timeout-minutes: {budget}` (the {info.stage} stage budget) "
                       "or the longest this job should ever take")
            else:
                fix = "add `timeout-minutes:` with the longest this job should ever take"
            yield self.finding(
                ctx, job.key,
                f"job `{job.id}` has no `timeout-minutes`, so a hung step keeps it running "
                f"for GitHub's default of {DEFAULT_TIMEOUT} minutes",
                fix, job=job,
            )
