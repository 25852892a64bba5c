"""deploy-no-rollback: a production deploy with no way back in the pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules._deploy import Deployment, deployment, lower_name, on_failure, role
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


def rollback_path(ctx: Context, dep: Deployment) -> bool:
    """Something after the deploy runs on failure or rolls back, or a rollback job exists."""
    wf = ctx.workflow
    assert wf is not None
    start = 0 if dep.step is None else dep.step + 1
    for step in dep.job.steps[start:]:
        r = role(step)
        if r.on_failure or r.rolls_back:
            return True
    after = ctx.graph.descendants(dep.job.id)
    for job in wf.jobs.values():
        if job.id == dep.job.id:
            continue
        # A rollback job anywhere in the workflow (often `workflow_dispatch` only)
        # is a way back even when it does not need the deploy.
        named = "rollback" in lower_name(job) or "roll-back" in lower_name(job)
        if named or any(role(s).rolls_back for s in job.steps if job.id in after):
            return True
        if job.id in after and (on_failure(job.if_) or any(on_failure(s.if_) for s in job.steps)):
            return True
    return False


class DeployNoRollback(Rule):
    """
    ## What it does
    Reports a production deploy (a deploy job, see `deploy-unverified`, to an
    environment the configuration's `production` list matches, or named for production
    when it declares no environment) with no rollback path in its workflow: no step
    after the deploy step and no job after the deploy job that runs on failure
    (`if: failure()`), no rollback command after it (`rollback`, `kubectl rollout
    undo`, `helm rollback`, `helm --atomic`, `vercel rollback`, a previous task
    definition, `git revert`...), and no rollback job anywhere in the workflow.
    Rollback workflows kept in other files are not visible to this rule; suppress the
    finding with a reason (`# actiongen: ignore[deploy-no-rollback] see rollback.yml`)
    or turn the rule off.

    ## Why is this bad?
    When a production deploy goes wrong, the seed's advice is "if you're debating
    whether to rollback, rollback" (§53.2). That is only quick if the way back is
    written down and exercised: an automatic rollback on a failed check, or a
    ready-made rollback job. Otherwise the team improvises under pressure.

    ## Example
    ```yaml
    jobs:
      deploy:
        environment: production
        steps:
          - run: kubectl apply -f k8s/
          - run: kubectl rollout status deployment/app --timeout=120s
    ```

    ## Use instead
    ```yaml
    jobs:
      deploy:
        environment: production
        steps:
          - run: kubectl apply -f k8s/
          - run: kubectl rollout status deployment/app --timeout=120s
          - if: failure()
            run: kubectl rollout undo deployment/app
    ```
    """

    id = "deploy-no-rollback"
    severity = Severity.NOTE
    summary = "a production deploy has no rollback path"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        for job in wf.jobs.values():
            dep = deployment(ctx, job)
            if dep is None or not dep.production or rollback_path(ctx, dep):
                continue
            step = job.steps[dep.step] if dep.step is not None else None
            yield self.finding(
                ctx,
                job.key,
                f"job `{job.id}` deploys to production with no rollback path: nothing after "
                "it runs on failure or rolls back, and the workflow has no rollback job",
                "add a step with `if: failure()` that rolls back (for example `kubectl "
                "rollout undo`, `vercel rollback`), or a rollback job in this workflow",
                job=job,
                step=step,
            )
