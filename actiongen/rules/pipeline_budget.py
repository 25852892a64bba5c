"""pipeline-budget: the longest chain of needs takes longer than the pipeline budget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.conditions import Facts, evaluate
from actiongen.model.runs import condition_of
from actiongen.model.timing import duration, fmt_minutes, max_parallel, timeout_of
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding
    from actiongen.model.workflow import Job

#: No facts at all: a run where all goes well (condition verdicts are memoised).
_ALL_WELL = Facts()


def _minutes(job: Job, fallback: float) -> float:
    """``duration(job, fallback).minutes``, without counting a matrix's legs when no
    ``max-parallel`` makes them matter (then every leg runs at once: one wave)."""
    if job.strategy is not None and max_parallel(job) is not None:
        return duration(job, fallback).minutes
    timeout = timeout_of(job)
    return timeout if timeout is not None else fallback


def _off_path(job: Job) -> bool:
    """`if: failure()`, `if: false`: not on the path of a run where all goes well."""
    return evaluate(condition_of(job), _ALL_WELL) is False


class PipelineBudget(Rule):
    """
    ## What it does
    Adds up the worst case of the longest chain of jobs that need each other (the
    critical path) and reports it when it exceeds the pipeline budget: by default the
    sum of the stage budgets (1 + 5 + 10 + 5 + 5 = 26 minutes), or `budgets.pipeline`
    in the configuration.

    Each job costs its `timeout-minutes`. A matrix job runs its legs in waves of
    `max-parallel` (all at once without it), so it costs `ceil(legs / max-parallel)`
    times its timeout; legs are the product of the matrix's lists minus `exclude`
    plus the `include` entries that add a combination, and a matrix computed by an
    expression counts as one leg. A job without a numeric timeout (missing, an
    expression, or a reusable-workflow call) is counted at its stage budget, as if it
    fit it (`timeout-missing` reports the missing timeout itself); a job of the stage
    `other` without one counts as the commit budget, as set-up and gate jobs are
    short. Jobs that only run when something failed (`if: failure()`) or never
    (`if: false`) are not on the path of a run where all goes well and cost nothing.

    ## Why is this bad?
    The critical path is how long a change waits from push to verified deploy when
    everything is slow. A pipeline that may take longer than its budget stops giving
    fast feedback, and deploys queue up behind each other.

    ## Example
    ```yaml
    jobs:
      build:
        runs-on: ubuntu-latest
        timeout-minutes: 5
        steps: [{run: make}]
      test:
        needs: build
        runs-on: ubuntu-latest
        timeout-minutes: 10
        strategy:
          max-parallel: 1
          matrix:
            node: [18, 20, 22]
        steps: [{run: make test}]
    ```
    The path `build → test` takes up to 5 + 3 x 10 = 35 minutes.

    ## Use instead
    Let the legs run in parallel (drop or raise `max-parallel`), shorten timeouts,
    move slow jobs off the path to the deploy, or set a budget on purpose with
    `check: budgets: pipeline: 40`.
    """

    id = "pipeline-budget"
    severity = Severity.WARNING
    summary = "the critical path through `needs:` exceeds the pipeline budget"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        if not ctx.workflow.jobs or ctx.graph.cycles():
            return
        budgets = ctx.config.budgets
        fallbacks: dict[str, float] = {}
        costs: dict[str, float] = {}
        for job_id, job in ctx.workflow.jobs.items():
            stage = ctx.stages[job_id].stage
            fallback = fallbacks[job_id] = float(budgets.get(stage, budgets.get("commit", 1)))
            costs[job_id] = _minutes(job, fallback)
        # No path takes longer than all jobs one after another: when even that fits the
        # budget, neither the conditions nor the path need working out.
        if sum(max(c, 0.0) for c in costs.values()) <= ctx.config.pipeline_minutes:
            return
        off_path = {job_id for job_id, job in ctx.workflow.jobs.items() if _off_path(job)}
        path, total = ctx.graph.critical_path(lambda j: 0.0 if j in off_path else costs[j])
        while path and path[-1] in off_path:
            path.pop()
        budget = ctx.config.pipeline_minutes
        if not path or total <= budget:
            return
        chain = " → ".join(path)
        parts = ", ".join(
            f"{j} {duration(ctx.workflow.jobs[j], fallbacks[j]).describe()}" for j in path)
        last = ctx.workflow.jobs[path[-1]]
        yield self.finding(
            ctx, last.key,
            f"critical path {chain} takes up to {fmt_minutes(total)} min (budget {budget}): "
            f"{parts}",
            "shorten the timeouts on this path, let matrix legs run in parallel "
            "(`max-parallel`), move jobs off the path, or set `budgets.pipeline` in the "
            "configuration",
            job=last,
        )
