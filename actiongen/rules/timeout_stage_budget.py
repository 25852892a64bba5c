"""timeout-stage-budget: a job's timeout is over its stage's budget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.timing import fmt_minutes, timeout_of
from actiongen.rules._pipeline import override_hint
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class TimeoutStageBudget(Rule):
    """
    ## What it does
    Reports a job whose `timeout-minutes` is larger than the budget of its stage. The
    budgets are the seed's (commit 1, build 5, test 10, deploy 5, verify 5 minutes)
    unless the configuration sets `check: budgets:`. A timeout given by an expression
    is not a number and is skipped; jobs in the stage `other` have no budget. See
    `actiongen check --explain-stages` for each job's stage and why.

    ## Why is this bad?
    The timeout is the longest the job is allowed to take. A timeout above the stage
    budget allows the stage to be slower than the team agreed, and feedback slows down
    unnoticed until the whole pipeline is too slow to use.

    ## Example
    ```yaml
    jobs:
      lint:
        runs-on: ubuntu-latest
        timeout-minutes: 15
        steps:
          - run: npm run lint
    ```

    ## Use instead
    ```yaml
    jobs:
      lint:
        runs-on: ubuntu-latest
        timeout-minutes: 1
        steps:
          - run: npm run lint
    ```
    Or make the job faster, split it, or raise the budget on purpose:
    ```yaml
    # .github/actiongen.yml
    check:
      budgets:
        commit: 3
    ```
    """

    id = "timeout-stage-budget"
    severity = Severity.WARNING
    summary = "a job's `timeout-minutes` exceeds its stage's budget"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        for job in ctx.workflow.jobs.values():
            timeout = timeout_of(job)
            info = ctx.stages.get(job.id)
            if timeout is None or info is None or job.timeout_minutes is None:
                continue
            budget = ctx.config.budgets.get(info.stage)
            if budget is None or timeout <= budget:
                continue
            yield self.finding(
                ctx, job.timeout_minutes,
                f"{info.stage} job `{job.id}` may run for {fmt_minutes(timeout)} minutes, over "
                f"the {info.stage} stage budget of {budget} (it is a {info.stage} job because "
                f"{info.reason})",
                f"make the job fit {budget} minutes and lower `timeout-minutes`, split it, or "
                f"raise `budgets.{info.stage}` in the configuration; " + override_hint([job.id]),
                job=job,
            )
