"""deploy-secret-without-environment: deployment credentials read by a job with no environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules._deploy import (
    is_deploy_secret,
    is_identifier,
    looks_like_deploy_job,
    secret_uses,
)
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class DeploySecretWithoutEnvironment(Rule):
    """
    ## What it does
    Reports a `${{ secrets.NAME }}` in a job that declares no `environment:`, when the
    secret is a deployment credential. A name is one when it names a deployment target
    (`DEPLOY`, `PROD`, `AWS`, `AZURE`, `GCP`, `KUBE`, `VERCEL`, `NETLIFY`, `FLY`,
    `HEROKU`, `CLOUDFLARE`, `SSH`, `NPM`, `PYPI`, `CARGO`, `DOCKERHUB`, `SONATYPE`...)
    and a credential (`TOKEN`, `KEY`, `SECRET`, `PASSWORD`, `CREDENTIALS`, `CONFIG`,
    `HOOK`, a database URL): `AWS_SECRET_ACCESS_KEY`, `NPM_TOKEN`, `SSH_PRIVATE_KEY`,
    `KUBE_CONFIG`, `PROD_DATABASE_URL`. In a deploy job (see `deploy-environment`) every
    secret but `GITHUB_TOKEN` counts. Identifiers stored as secrets (`VERCEL_ORG_ID`,
    `DEPLOY_HOST`, `AWS_REGION`) are not credentials and are not reported, nor are
    `GITHUB_TOKEN`, `CODECOV_TOKEN` and chat webhooks, nor a secret tested in an `if:`
    (`secrets.NPM_TOKEN != ''` hands nothing out). Each secret is reported once per job,
    at its first use. Jobs that call a reusable workflow are left out: GitHub does not
    allow `environment:` on them, and the called workflow's jobs should declare it.

    ## Why is this bad?
    Environment secrets and protection rules only apply to jobs that name the
    environment. A deployment credential stored as a repository secret can be read by
    every workflow and every branch that can change one, without review. Moving it into
    an environment limits it to the branches and reviewers that environment allows.

    ## Example
    ```yaml
    jobs:
      upload:
        runs-on: ubuntu-latest
        steps:
          - run: aws s3 sync dist/ s3://bucket
            env:
              AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
    ```

    ## Use instead
    ```yaml
    jobs:
      upload:
        runs-on: ubuntu-latest
        environment: production
        steps:
          - run: aws s3 sync dist/ s3://bucket
            env:
              AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
    ```
    Then move the secret from the repository's secrets to the environment's. Better
    still, use OIDC (`id-token: write`) and a short-lived role instead of a stored key.
    """

    id = "deploy-secret-without-environment"
    severity = Severity.WARNING
    summary = "a deployment credential is used by a job without an environment"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        for job in wf.jobs.values():
            if job.uses is not None or "environment" in job.node:
                continue
            deploy_job: bool | None = None
            seen: set[str] = set()
            for name, _scalar, expr in secret_uses(ctx, job):
                key = name.upper()
                if key in seen or key == "GITHUB_TOKEN":
                    continue
                if is_deploy_secret(name):
                    why = "its name marks it as a deployment credential"
                else:
                    if deploy_job is None:
                        deploy_job = looks_like_deploy_job(ctx, job) is not None
                    if not deploy_job or is_identifier(name):
                        continue
                    why = "the job deploys"
                seen.add(key)
                yield self.finding(
                    ctx,
                    expr.span,
                    f"job `{job.id}` reads secret `{name}` ({why}) but declares no "
                    "`environment:`, so environment protection rules and environment-scoped "
                    "secrets do not apply",
                    "add `environment: <name>` to the job and move the secret into that "
                    "environment's secrets",
                    job=job,
                )
