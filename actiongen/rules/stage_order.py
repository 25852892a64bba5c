"""stage-order: a job of an earlier stage needs a job of a later stage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.stages import ORDER
from actiongen.rules._pipeline import STAGE_CHAIN, override_hint
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class StageOrder(Rule):
    """
    ## What it does
    Reports a `needs:` item through which a job waits for a job of a *later* stage,
    in the seed's order commit → build → test → deploy → verify: a test job that needs
    a deploy, a build that needs a test. Jobs in the stage `other` (set-up, gates,
    reports, rollbacks) are exempt on both sides.

    Stages come from the configuration, then evidence, then names (see
    `actiongen check --explain-stages`); a job checking a deploy after it is a
    *verify* job, so end-to-end tests against a fresh deploy are not reported, and a
    deploy that waits for the verification of an earlier deploy (staging → smoke test
    → production) is a promotion, which is not reported either.

    ## Why is this bad?
    The stages are ordered so that cheap, fast feedback comes first and nothing ships
    before it has been built and tested. A job that waits for a later stage delays
    that feedback, and usually means something ships before the checks that should
    gate it (a deploy that the tests then run against, a build that waits for a
    deploy).

    ## Example
    ```yaml
    jobs:
      deploy:
        runs-on: ubuntu-latest
        environment: staging
        steps:
          - run: ./deploy.sh
      unit-tests:
        needs: deploy
        runs-on: ubuntu-latest
        steps:
          - run: npm test
    ```

    ## Use instead
    ```yaml
    jobs:
      unit-tests:
        runs-on: ubuntu-latest
        steps:
          - run: npm test
      deploy:
        needs: unit-tests
        runs-on: ubuntu-latest
        environment: staging
        steps:
          - run: ./deploy.sh
    ```
    """

    id = "stage-order"
    severity = Severity.ERROR
    summary = "a job of an earlier stage needs a job of a later stage"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        stages = ctx.stages
        cyclic = {j for c in ctx.graph.cycles() for j in c}
        for job in ctx.workflow.jobs.values():
            mine = stages[job.id]
            if mine.stage not in ORDER or job.id in cyclic:
                continue
            seen: set[str] = set()
            for item in job.needs:
                target = ctx.graph.resolve(item.text)
                if target is None or target in seen or target == job.id:
                    continue
                seen.add(target)
                theirs = stages[target]
                if theirs.stage not in ORDER or ORDER[theirs.stage] <= ORDER[mine.stage]:
                    continue
                if mine.stage == "deploy" and theirs.stage == "verify":
                    continue  # a promotion: production waits for staging's verification
                yield self.finding(
                    ctx, item,
                    f"{mine.stage} job `{job.id}` needs `{target}`, a {theirs.stage} job: "
                    f"{mine.stage} comes before {theirs.stage} ({STAGE_CHAIN}). "
                    f"`{job.id}` is {mine.stage} because {mine.reason}; `{target}` is "
                    f"{theirs.stage} because {theirs.reason}",
                    f"make `{target}` wait for `{job.id}` instead, or drop the need; "
                    + override_hint([job.id, target]),
                    job=job,
                )
