"""production-on-pr: a production deploy that a pull request can start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.lazyre import lazy_compile
from actiongen.load import Mapping
from actiongen.model.conditions import Facts, evaluate, scenario, strip_expression
from actiongen.model.runs import condition_of
from actiongen.model.workflow import str_items
from actiongen.rules._deploy import (
    condition_text,
    environment_literals,
    production_names,
    status_function_in,
)
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding
    from actiongen.model.workflow import Job, Workflow

#: Events that run a workflow for a pull request, with the ref GitHub gives the run.
PR_EVENTS = ("pull_request", "pull_request_target", "pull_request_review",
             "pull_request_review_comment")
_GLOB = lazy_compile(r"[*?\[\]!]")


def _declared_inputs(workflow: Workflow) -> list[str]:
    names: list[str] = []
    for event in ("workflow_call", "workflow_dispatch"):
        cfg = workflow.on.events.get(event)
        inputs = cfg.get("inputs") if isinstance(cfg, Mapping) else None
        if isinstance(inputs, Mapping):
            names.extend(inputs.keys())
    return names


def pull_request_runs(workflow: Workflow) -> list[tuple[str, Facts]]:
    """One hypothetical run per pull-request trigger (and base branch, when known)."""
    runs: list[tuple[str, Facts]] = []
    # A pull request brings no inputs: `inputs.plan != ''` is false for it.
    no_inputs: dict[str, object] = {}
    for name in _declared_inputs(workflow):
        no_inputs[f"inputs.{name}"] = ""
        no_inputs[f"github.event.inputs.{name}"] = ""
    for event in PR_EVENTS:
        if not workflow.on.has(event):
            continue
        cfg = workflow.on.events.get(event)
        bases: list[str | None] = [None]
        if isinstance(cfg, Mapping) and cfg.get("branches-ignore") is None:
            named = [s.text for s in str_items(cfg.get("branches"))]
            if named and not any(_GLOB.search(b) for b in named):
                bases = list(named)
        for base in bases:
            # An open (or closed, unmerged) pull request: the dangerous case.
            extra: dict[str, object] = {"github.event.pull_request.merged": False, **no_inputs}
            if base is not None:
                extra["github.base_ref"] = base
            # pull_request_target runs on the base branch: github.ref is refs/heads/<base>,
            # so a `github.ref == 'refs/heads/main'` guard does not keep it out.
            if event == "pull_request_target":
                ref = f"refs/heads/{base}" if base is not None else None
            else:
                ref = "refs/pull/1/merge"
            runs.append((event, scenario(event, ref, **extra)))
    return runs


class _Reach:
    """Whether each job can run under one hypothetical run (False: surely skipped)."""

    def __init__(self, workflow: Workflow, facts: Facts) -> None:
        self.workflow = workflow
        self.facts = facts
        self.memo: dict[str, bool | None] = {}

    def runs(self, job_id: str) -> bool | None:
        if job_id in self.memo:
            return self.memo[job_id]
        self.memo[job_id] = None  # cycles: undecided
        job = self.workflow.jobs[job_id]
        result = evaluate(condition_of(job), self.facts)
        # A skipped need skips the job, unless its `if:` asks for always()/failure().
        if result is not False and not status_function_in(job.if_):
            for need in job.needs:
                if need.text in self.workflow.jobs and self.runs(need.text) is False:
                    result = False
                    break
        self.memo[job_id] = result
        return result


def _deploys_production(job: Job, ctx: Context, facts: Facts) -> str | None:
    """The production environment the job may deploy to in this run, if any."""
    assert job.environment is not None and job.environment.name is not None
    name = job.environment.name.text
    candidates = [n for n in environment_literals(job) if ctx.config.is_production(n)]
    if "${{" not in name:
        return candidates[0] if candidates else None
    inner = strip_expression(name)
    if "${{" in inner or inner == name:
        return None  # interpolated into a longer name: not judged
    for candidate in candidates:
        quoted = candidate.replace("'", "''")
        if evaluate(f"({inner}) == '{quoted}'", facts) is not False:
            return candidate
    return None


class ProductionOnPr(Rule):
    """
    ## What it does
    Reports a job that deploys to a production environment (one the configuration's
    `production` list matches; default `production`, `prod`, `live`) and can run for a
    pull request: the workflow has a `pull_request`, `pull_request_target`,
    `pull_request_review` or `pull_request_review_comment` trigger, and neither the
    job's `if:` nor the `if:` of a job it needs rules that run out.

    Conditions are evaluated for a run of each pull-request trigger: `github.event_name`
    is that event; `github.ref` is `refs/pull/N/merge`, except for `pull_request_target`,
    whose ref is the base branch (`refs/heads/main` when the trigger's `branches:` names
    main, unknown when it names no branch); the pull request is not merged; the
    workflow's declared `inputs` are empty. A condition that depends on something else
    (an output, a label, the head repository) does not count as a guard. A needed job
    that is skipped skips this job too, unless its `if:` uses `always()`, `failure()`
    or `cancelled()`. An environment computed by an expression
    (`${{ github.event_name == 'push' && 'production' || 'staging' }}`) is evaluated the
    same way. Triggers of a calling workflow (`workflow_call`) are not known here, and
    runs started by other events about a pull request (`issue_comment` commands,
    `workflow_run` after a pull request's workflow) are not judged.

    ## Why is this bad?
    A pull request is untrusted, unreviewed code. If a production deploy runs for it,
    the change reaches users before review, and production credentials are exposed to
    code the pull request can change. With `pull_request_target` the job even runs with
    the base repository's secrets for pull requests from forks, and a
    `github.ref == 'refs/heads/main'` guard is true for every pull request that targets
    main.

    ## Example
    ```yaml
    on: [push, pull_request]
    jobs:
      deploy:
        runs-on: ubuntu-latest
        environment: production
        steps:
          - run: ./deploy.sh
    ```

    ## Use instead
    ```yaml
    on: [push, pull_request]
    jobs:
      deploy:
        if: github.event_name == 'push' && github.ref == 'refs/heads/main'
        runs-on: ubuntu-latest
        environment: production
        steps:
          - run: ./deploy.sh
    ```
    Also restrict the environment's deployment branches to `main` in the repository
    settings, so GitHub refuses the deploy even if a guard is wrong.
    """

    id = "production-on-pr"
    severity = Severity.ERROR
    summary = "a production deploy can run for pull requests"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        # Only jobs whose environment may be a production one can be reported: without
        # any, the hypothetical pull-request runs need not be worked out.
        if not any(job.environment is not None and job.environment.name is not None
                   and production_names(job, ctx.config) for job in wf.jobs.values()):
            return
        runs = pull_request_runs(wf)
        if not runs:
            return
        reach = [(event, facts, _Reach(wf, facts)) for event, facts in runs]
        for job in wf.jobs.values():
            if job.environment is None or job.environment.name is None:
                continue
            for event, facts, r in reach:
                env = _deploys_production(job, ctx, facts)
                if env is None or r.runs(job.id) is False:
                    continue
                guard = " ".join(condition_text(job.if_).split())
                if len(guard) > 80:
                    guard = guard[:77] + "..."
                at = job.if_ if guard else job.environment.name
                assert at is not None
                why = (f"its `if: {guard}` does not rule pull requests out" if guard
                       else "it has no `if:` that keeps pull requests out")
                yield self.finding(
                    ctx,
                    at,
                    f"job `{job.id}` deploys to production environment `{env}` and can run "
                    f"for `{event}` events: {why}, so unreviewed code could reach production",
                    "guard the job, for example `if: github.event_name == 'push' && "
                    "github.ref == 'refs/heads/main'`, or move the deploy to a workflow that "
                    "pull requests do not trigger; also limit the environment's deployment "
                    "branches",
                    job=job,
                )
                break
