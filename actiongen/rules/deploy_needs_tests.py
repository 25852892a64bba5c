"""deploy-needs-tests: a deploy job does not wait for every build and test job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.runs import Participation
from actiongen.rules._pipeline import names, override_hint
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class DeployNeedsTests(Rule):
    """
    ## What it does
    Reports a deploy job that does not need, directly or through the jobs it needs,
    every build and test job that runs for the same event.

    Which jobs run for which event comes from the workflow's triggers (`on:` with
    its branch and tag filters) and each job's `if:`, evaluated for each trigger and
    ref: a test job that only runs for pull requests is not required by a deploy that
    only runs for pushes to `main`. A job skipped because a job it needs is skipped
    counts as not running. Conditions that depend on something a trigger does not fix
    (labels, outputs, inputs) count as "may run".

    ## Why is this bad?
    `needs:` is the only thing that makes a deploy wait. A build or test job missing
    from it runs in parallel with the deploy: when it fails, the code it rejected is
    already live.

    ## Example
    ```yaml
    on:
      push:
        branches: [main]
    jobs:
      test-unit:
        runs-on: ubuntu-latest
        steps:
          - run: npm test
      test-e2e:
        runs-on: ubuntu-latest
        steps:
          - run: npx playwright test
      deploy:
        needs: test-unit
        runs-on: ubuntu-latest
        environment: production
        steps:
          - run: ./deploy.sh
    ```

    ## Use instead
    ```yaml
      deploy:
        needs: [test-unit, test-e2e]
    ```
    """

    id = "deploy-needs-tests"
    severity = Severity.ERROR
    summary = "a deploy job does not need every build and test job of its event"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        stages = ctx.stages
        deploys = [j for j, i in stages.items() if i.stage == "deploy"]
        checks = [j for j, i in stages.items() if i.stage in ("build", "test")]
        if not deploys or not checks:
            return
        graph = ctx.graph
        cyclic = {j for c in graph.cycles() for j in c}
        runs = Participation.of(ctx.workflow, graph)
        for deploy_id in deploys:
            if deploy_id in cyclic:
                continue
            deploy_runs = runs.runs_for(deploy_id)
            if not deploy_runs:
                continue
            related = graph.ancestors(deploy_id) | graph.descendants(deploy_id) | {deploy_id}
            missing: list[str] = []
            example: str | None = None
            for check_id in checks:
                if check_id in related or check_id in cyclic:
                    continue
                shared = [i for i in deploy_runs if runs.can_run(check_id, i) is not False]
                if shared:
                    missing.append(check_id)
                    example = example or runs.runs[shared[0]].describe()
            if not missing:
                continue
            job = ctx.workflow.jobs[deploy_id]
            kinds = sorted({stages[m].stage for m in missing})
            kind = " and ".join(kinds)
            at = job.needs_node if job.needs_node is not None else job.key
            yield self.finding(
                ctx, at,
                f"deploy job `{deploy_id}` does not need {kind} job"
                f"{'s' if len(missing) > 1 else ''} {names(missing)}, which also "
                f"run{'s' if len(missing) == 1 else ''} for {example}: the deploy can ship "
                "code they reject",
                f"add {names(missing)} to the `needs:` of `{deploy_id}` (directly or through "
                f"a job it needs); " + override_hint(missing),
                job=job,
            )
