"""verify-needs-deploy: a verify job that does not wait for a deploy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.runs import Participation
from actiongen.rules._pipeline import names, override_hint
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class VerifyNeedsDeploy(Rule):
    """
    ## What it does
    Reports a job of the verify stage (a health check, smoke test or post-deploy
    check) that has no deploy job among the jobs it needs, directly or transitively,
    in a workflow that deploys. Deploys that can never run for the same trigger as
    the verify job (by `on:` and `if:`) are not counted.

    ## Why is this bad?
    Without `needs:` the verification starts at the same time as the deploy. It
    checks the release that is still live, passes, and the new release goes out
    unverified; or it fails against a half-finished rollout.

    ## Example
    ```yaml
    jobs:
      deploy:
        runs-on: ubuntu-latest
        environment: production
        steps:
          - run: ./deploy.sh
      health-check:
        runs-on: ubuntu-latest
        steps:
          - run: curl --fail https://example.com/health
    ```

    ## Use instead
    ```yaml
      health-check:
        needs: deploy
        runs-on: ubuntu-latest
        steps:
          - run: curl --fail https://example.com/health
    ```
    """

    id = "verify-needs-deploy"
    severity = Severity.ERROR
    summary = "a verify job does not need the deploy it verifies"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        stages = ctx.stages
        deploys = [j for j, i in stages.items() if i.stage == "deploy"]
        verifies = [j for j, i in stages.items() if i.stage == "verify"]
        if not deploys or not verifies:
            return
        runs: Participation | None = None
        for verify_id in verifies:
            if ctx.graph.ancestors(verify_id) & set(deploys):
                continue
            runs = runs or Participation.of(ctx.workflow, ctx.graph)
            verify_runs = runs.runs_for(verify_id)
            candidates = [
                d for d in deploys
                if d not in ctx.graph.descendants(verify_id)
                and any(runs.can_run(d, i) is not False for i in verify_runs)
            ]
            if not candidates:
                continue
            job = ctx.workflow.jobs[verify_id]
            info = stages[verify_id]
            at = job.needs_node if job.needs_node is not None else job.key
            yield self.finding(
                ctx, at,
                f"verify job `{verify_id}` ({info.reason}) does not need any deploy job, so "
                f"it runs alongside {names(candidates)} and checks whatever is live before "
                "the deploy finishes",
                f"add the deploy it verifies ({names(candidates)}) to its `needs:`; "
                + override_hint([verify_id]),
                job=job,
            )
