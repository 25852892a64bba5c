"""deploy-environment: a deploy job without ``environment:``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules._deploy import looks_like_deploy_job
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class DeployEnvironment(Rule):
    """
    ## What it does
    Reports a deploy job that does not declare `environment:`.

    A job counts as a deploy job when it is in the deploy stage (see
    `actiongen check --explain-stages`) and either the configuration puts it there,
    its id or name says *deploy* or *rollout*, its steps run a deploy command
    (`kubectl apply`, `helm upgrade`, `vercel --prod`, `aws ecs update-service`,
    a deploy action...), or its name says *release* or *publish* **and** it pushes to
    a target outside the repository: a deploy command, a package registry reached with
    its own credentials or an OIDC token (`npm publish`, `cargo publish`, the PyPI
    publish action), or a deployment credential among its secrets.

    Left out on purpose: dry runs, release *builds* and checks (`build-release`,
    `check-publish`, `cargo-publish-dry-run`), jobs that only create a GitHub release
    with `GITHUB_TOKEN` (nothing leaves the repository), and jobs that call a reusable
    workflow (GitHub does not allow `environment:` there; the called workflow's jobs
    should declare it).

    ## Why is this bad?
    Environments are where GitHub keeps the controls of a deploy: required reviewers,
    wait timers, which branches and tags may deploy, and secrets that only jobs of
    that environment can read. A deploy job without one can be run by any branch that
    can edit the workflow, with repository-wide secrets, and leaves no deployment
    record. Publishing a package is a production deploy for a library: PyPI's and
    npm's trusted-publishing guides recommend a dedicated environment for it.

    ## Example
    ```yaml
    jobs:
      deploy-production:
        runs-on: ubuntu-latest
        steps:
          - run: ./scripts/deploy.sh production
    ```

    ## Use instead
    ```yaml
    jobs:
      deploy-production:
        runs-on: ubuntu-latest
        environment:
          name: production
          url: https://example.com
        steps:
          - run: ./scripts/deploy.sh production
    ```
    Then protect the environment (Settings > Environments): required reviewers and
    deployment branches. If the job is not a deploy, name it for what it does or set
    its stage in the configuration (`check: stages: build: [job-id]`).
    """

    id = "deploy-environment"
    severity = Severity.ERROR
    summary = "a deploy job does not declare `environment:`"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        for job in ctx.workflow.jobs.values():
            if job.environment is not None or job.uses is not None:
                continue
            # `environment:` present but empty or malformed is the schema's business.
            if "environment" in job.node:
                continue
            why = looks_like_deploy_job(ctx, job)
            if why is None:
                continue
            yield self.finding(
                ctx,
                job.key,
                f"job `{job.id}` deploys ({why}) but declares no `environment:`, so no "
                "reviewers, branch rules or environment-scoped secrets protect it",
                "add `environment: <name>` (for example `production`) to the job and set up "
                "protection rules for that environment",
                job=job,
            )
