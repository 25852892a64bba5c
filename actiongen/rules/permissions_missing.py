"""permissions-missing: jobs that run with the repository's default token permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity, Span
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class PermissionsMissing(Rule):
    """
    ## What it does
    Reports a workflow with no `permissions:` block at the top level when not every job
    sets its own. The finding points at `on:`; when some jobs set `permissions:` and
    others do not, each job without one is reported as well.

    ## Why is this bad?
    Without `permissions:`, `GITHUB_TOKEN` gets the repository's or organisation's default
    permissions, which for many repositories (all created before February 2023) is
    read/write on contents, packages, issues, pull requests, deployments and more. Any
    step—a compromised action, a malicious dependency, an injected command—can then push
    code, publish packages or rewrite releases with it. (A reusable workflow gets its
    caller's permissions instead; declaring its own keeps a generous caller from
    over-granting it.)

    ## Example
    ```yaml
    on: push
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
    ```

    ## Use instead
    Declare the least the workflow needs at the top, and widen it per job where needed:
    ```yaml
    on: push
    permissions:
      contents: read
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
    ```
    """

    id = "permissions-missing"
    severity = Severity.WARNING
    summary = "no permissions: block, so the token gets the repository's defaults"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        if wf.permissions is not None or not wf.jobs:
            return
        lacking = [job for job in wf.jobs.values() if job.permissions is None]
        if not lacking:
            return
        on_key = wf.root.key_node("on")
        top = on_key.span if on_key is not None else Span.point(1, 1)
        # A workflow only ever called by others gets its caller's token, not the defaults.
        called = set(wf.on.events) == {"workflow_call"}
        gets = ("whatever permissions its caller's token has" if called
                else "the repository's default permissions, often read/write on everything")
        if len(lacking) == len(wf.jobs):
            yield self.finding(
                ctx, top,
                f"no `permissions:` anywhere in this workflow: `GITHUB_TOKEN` gets {gets}",
                "add a top-level `permissions:` with the least the workflow needs "
                "(e.g. `permissions: { contents: read }`)",
            )
            return
        names = ", ".join(f"`{job.id}`" for job in lacking)
        yield self.finding(
            ctx, top,
            f"no top-level `permissions:`, and job(s) {names} set none: their token gets {gets}",
            "add a top-level `permissions: { contents: read }` (jobs keep their own blocks)",
        )
        for job in lacking:
            yield self.finding(
                ctx, job.key,
                f"job `{job.id}` sets no `permissions:` and the workflow has no top-level "
                f"block, so its token gets {gets}",
                f"add `permissions:` to job `{job.id}` with the least it needs, or a "
                "top-level block",
                job=job,
            )
