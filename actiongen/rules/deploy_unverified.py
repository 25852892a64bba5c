"""deploy-unverified: a deploy with nothing checking the result afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules._deploy import Deployment, deployment, production_names, role
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


def verified_in_job(dep: Deployment) -> bool:
    """A step after the (last) deploy step checks the deployed service."""
    if dep.step is None:
        return any(role(s).verifies for s in dep.job.steps)
    if role(dep.job.steps[dep.step]).waits:  # `helm upgrade --wait`, ECS stability wait
        return True
    return any(role(s).verifies for s in dep.job.steps[dep.step + 1:])


def verified_by_later_job(ctx: Context, dep: Deployment) -> bool:
    """A job that needs the deploy verifies it (by stage, or by what its steps run)."""
    assert ctx.workflow is not None
    for job_id in sorted(ctx.graph.descendants(dep.job.id)):
        info = ctx.stages.get(job_id)
        if info is not None and info.stage in ("verify", "test"):
            return True
        if any(role(s).verifies for s in ctx.workflow.jobs[job_id].steps):
            return True
    return False


class DeployUnverified(Rule):
    """
    ## What it does
    Reports a deploy with nothing verifying it afterwards: no job that needs the deploy
    (directly or not) is a verify- or test-stage job or runs a check, and no step after
    the deploy step in the same job runs one. Checks are health and smoke tests (`curl
    --fail` or `--retry` against the service, anything named smoke, health or verify,
    `wait-for`/`wait-on`), `kubectl rollout status`, `aws ecs wait services-stable`,
    `helm test`, deploy commands that wait for readiness themselves (`helm --wait` or
    `--atomic`, `kubectl --wait`), end-to-end suites (`playwright test`,
    `cypress run`, `k6 run`), and deploy actions told to wait for stability.

    A deploy is a deploy-stage job that runs a deploy step (a deploy command or action,
    or a step named *deploy*), or, when no step stands out, a job named *deploy* or one
    that deploys to a production environment. Publishing packages or images to a
    registry is a release, not a deploy of a running service, and is left out, as are
    jobs that only migrate a database and jobs that call a reusable workflow (checks
    there are not visible here).

    Production deploys (to an environment the configuration's `production` list
    matches, or, for a job with no `environment:`, one whose id or name says so, like
    `deploy-prod`) are reported at the rule's severity (warning); deploys to other
    environments, such as staging, are reported as notes: an unverified staging deploy
    is a weaker problem, but the next stage builds on it.

    ## Why is this bad?
    A deploy step that exits 0 only says the upload worked. Without a health or smoke
    check the pipeline reports success while the new version crash-loops, and the seed's
    verify stage (§50.2: smoke tests and health checks, under 5 minutes) never happens.
    A check in the pipeline also gives a rollback something to trigger on.

    ## Example
    ```yaml
    jobs:
      deploy-production:
        environment: production
        steps:
          - run: ./deploy.sh
    ```

    ## Use instead
    ```yaml
    jobs:
      deploy-production:
        environment:
          name: production
          url: https://example.com
        steps:
          - run: ./deploy.sh
          - name: Smoke test
            run: curl --fail --retry 5 --retry-all-errors https://example.com/healthz
    ```
    Or add a `verify` job with `needs: deploy-production` that runs the smoke tests.
    """

    id = "deploy-unverified"
    severity = Severity.WARNING
    summary = "a deploy has nothing verifying it afterwards"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        for job in wf.jobs.values():
            dep = deployment(ctx, job)
            if dep is None or verified_in_job(dep) or verified_by_later_job(ctx, dep):
                continue
            env = job.environment.name_text if job.environment is not None else None
            names = production_names(job, ctx.config)
            if dep.production:
                where = f" to production environment `{names[0]}`" if names else " to production"
            elif env is not None:
                where = f" to environment `{env}`"
            else:
                where = ""
            step = job.steps[dep.step] if dep.step is not None else None
            yield self.finding(
                ctx,
                job.key,
                f"job `{job.id}` deploys{where} but nothing verifies the deploy: no later "
                "step runs a health or smoke check and no job that needs it does",
                "add a step after the deploy that checks the service (for example `curl "
                "--fail --retry 5 <url>/health`), or a verify job with `needs: "
                f"{job.id}` that runs smoke tests",
                job=job,
                step=step,
                severity=None if dep.production else Severity.NOTE,
            )
