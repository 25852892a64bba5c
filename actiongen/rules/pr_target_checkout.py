"""pr-target-checkout: privileged triggers that check out and so run the pull request's code."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.lazyre import lazy_compile
from actiongen.load import Scalar
from actiongen.model.expressions import find_expressions
from actiongen.model.flow import output_flows
from actiongen.rules._hygiene import action_name
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding, Span
    from actiongen.load import Mapping
    from actiongen.model.workflow import Step

#: Triggers whose runs get the base repository's secrets and a write token even when the
#: event comes from a fork.
PRIVILEGED_TRIGGERS = ("pull_request_target", "workflow_run")

#: Context values naming the pull request's (or triggering run's) code, not the base's.
HEAD_VALUES = (
    "github.head_ref",
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.event.pull_request.head.repo.full_name",
    "github.event.pull_request.head.repo.clone_url",
    "github.event.pull_request.head.repo.ssh_url",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_repository.full_name",
    "github.event.workflow_run.pull_requests.*.head.sha",
    "github.event.workflow_run.pull_requests.*.head.ref",
)

_PULL_REF = lazy_compile(
    r"refs/pull/|(?:^|[\s:/])pull/(?:\$\{\{[^}]*\}\}|[^\s/]+)/(?:head|merge)\b"
)
_GH_PR_CHECKOUT = lazy_compile(r"\bgh\s+pr\s+checkout\b")
_GIT_FETCH = lazy_compile(
    r"\bgit\s+(?:-C\s+\S+\s+)?(?:checkout|switch|fetch|pull|reset|worktree\s+add|clone)\b"
)
_COMMENT = lazy_compile(r"(?:^|\s)#.*")
_SHELL_VAR = lazy_compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
#: ``if:`` guards that admit only pull requests (or runs) from branches of this repository.
_SAME_REPOSITORY = (
    lazy_compile(r"github\.event\.(?:pull_request\.head\.repo|workflow_run\.head_repository)"
               r"\.full_name\s*==\s*github\.repository\b", re.IGNORECASE),
    lazy_compile(r"github\.repository\s*==\s*github\.event\.(?:pull_request\.head\.repo|"
               r"workflow_run\.head_repository)\.full_name\b", re.IGNORECASE),
    lazy_compile(r"(?:!\s*github\.event\.pull_request\.head\.repo\.fork\b|"
               r"github\.event\.pull_request\.head\.repo\.fork\s*==\s*false)", re.IGNORECASE),
)
_EVENT_EQ = lazy_compile(r"github\.event_name\s*==\s*'([^']*)'", re.IGNORECASE)


def head_value(text: str) -> str | None:
    """The pull-request-head context value an expression's result carries, if any."""
    for flow in output_flows(text):
        for pattern in HEAD_VALUES:
            if flow.reaches(pattern) and not flow.whole:
                return flow.path
    return None


class PrTargetCheckout(Rule):
    """
    ## What it does
    In a workflow triggered by `pull_request_target` or `workflow_run`, reports a job that
    checks out the pull request's code: `actions/checkout` with a `ref:` (or `repository:`)
    naming the pull request's head (`github.event.pull_request.head.sha`,
    `github.head_ref`, `github.event.workflow_run.head_sha`, `refs/pull/…`), or a script
    running `gh pr checkout` or `git checkout`/`fetch` of those refs (directly or through
    an environment variable). Jobs and steps whose `if:` admits only other events, or
    only pull requests from branches of the repository itself
    (`github.event.pull_request.head.repo.full_name == github.repository`), are skipped:
    their authors can push to the repository anyway.

    ## Why is this bad?
    These triggers run in the context of the base repository: with its secrets, a
    read/write `GITHUB_TOKEN` and access to its caches, even for a pull request from a
    fork. Once the fork's code is checked out, any build script, test, package manager
    hook or action it changes runs with those privileges (a "pwn request"). Labels and
    approval gates do not help: the code can change after approval.

    ## Example
    ```yaml
    on: pull_request_target
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
            with:
              ref: ${{ github.event.pull_request.head.sha }}
          - run: npm test
    ```

    ## Use instead
    Build and test untrusted code under the `pull_request` trigger, which has no secrets
    and a read-only token. If a privileged step must follow (commenting, uploading
    results), put it in a separate `workflow_run` workflow that only reads the first run's
    artifacts as data and never executes them:
    ```yaml
    on: pull_request
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: npm test
    ```
    """

    id = "pr-target-checkout"
    severity = Severity.ERROR
    summary = "a pull_request_target/workflow_run job checks out the pull request's code"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        triggers = [t for t in PRIVILEGED_TRIGGERS if wf.on.has(t)]
        if not triggers:
            return
        for job in wf.jobs.values():
            if not _may_run_for(job.if_, triggers):
                continue
            head_vars = _head_vars(ctx, wf.env) | _head_vars(ctx, job.env)
            for step in job.steps:
                if not _may_run_for(step.if_, triggers):
                    continue
                for span, what in self._checkouts(ctx, step, head_vars | _head_vars(ctx, step.env)):
                    on = " / ".join(f"`{t}`" for t in triggers)
                    code = ("the triggering run's code" if triggers == ["workflow_run"]
                            else "the pull request's code")
                    yield self.finding(
                        ctx, span,
                        f"job `{job.id}` runs on {on} and checks out {code} ({what}): that "
                        "code runs with the base repository's secrets and write token",
                        "build untrusted code under the `pull_request` trigger; keep privileged "
                        "work in a separate workflow that never runs the pull request's code",
                        job=job, step=step,
                    )

    def _checkouts(
        self, ctx: Context, step: Step, head_vars: set[str]
    ) -> Iterator[tuple[Span, str]]:
        if action_name(step) == "actions/checkout":
            for key in ("ref", "repository"):
                value = step.with_value(key)
                if not isinstance(value, Scalar):
                    continue
                for expr in find_expressions(ctx.doc, value):
                    found = head_value(expr.text)
                    if found:
                        yield expr.span, f"`{key}: ${{{{ {expr.text} }}}}`"
                        break
                else:
                    if _PULL_REF.search(value.text):
                        yield value.span, f"`{key}: {value.text}`"
        if step.run is not None:
            yield from _script_checkouts(ctx, step.run, head_vars)


def _script_checkouts(ctx: Context, run: Scalar, head_vars: set[str]) -> Iterator[tuple[Span, str]]:
    raw = ctx.doc.text[run.start : run.end]
    offset = 0
    for line in raw.split("\n"):
        command = _COMMENT.sub("", line)
        gh = _GH_PR_CHECKOUT.search(command)
        git = _GIT_FETCH.search(command)
        hit = gh or (git if git and _names_head(command, head_vars) else None)
        if hit is not None:
            start = run.start + offset + hit.start()
            yield ctx.doc.span_of(start, start + len(hit.group(0))), f"`{hit.group(0)}`"
        offset += len(line) + 1


def _names_head(command: str, head_vars: set[str]) -> bool:
    if _PULL_REF.search(command):
        return True
    for expr in re.findall(r"\$\{\{(.*?)\}\}", command):
        if head_value(expr.strip()):
            return True
    return any(v in head_vars or v == "GITHUB_HEAD_REF" for v in _SHELL_VAR.findall(command))


def _head_vars(ctx: Context, env: Mapping | None) -> set[str]:
    """Names of environment variables set to the pull request's head ref or SHA."""
    out: set[str] = set()
    if env is None:
        return out
    for key, value in env.pairs:
        if isinstance(value, Scalar) and any(
            head_value(e.text) for e in find_expressions(ctx.doc, value)
        ):
            out.add(key.text)
    return out


def _may_run_for(condition: object, triggers: list[str]) -> bool:
    """False when an ``if:`` admits only other events (``github.event_name == 'push'``) or
    only pull requests from the repository itself, whose authors can push anyway."""
    text = condition.text if isinstance(condition, Scalar) else None
    if not text:
        return True
    if "||" not in text and any(g.search(text) for g in _SAME_REPOSITORY):
        return False
    if "!=" in text:
        return True
    for alternative in text.split("||"):
        named = _EVENT_EQ.findall(alternative)
        if not named or any(n in triggers for n in named):
            return True
    return False
