"""secrets-inherit: a reusable workflow call that passes on every secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.load import Scalar
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class SecretsInherit(Rule):
    """
    ## What it does
    Reports a job that calls a reusable workflow with `secrets: inherit`.

    ## Why is this bad?
    `inherit` hands the called workflow every secret the caller can see—repository,
    organisation and environment secrets—whether it needs them or not. Anyone who can
    change the called workflow (or the ref it is called at) gets them all, and readers of
    the caller cannot tell which secrets the call really uses.

    ## Example
    ```yaml
    jobs:
      release:
        uses: octo-org/workflows/.github/workflows/release.yml@v1
        secrets: inherit
    ```

    ## Use instead
    Name the secrets the called workflow declares under `on.workflow_call.secrets`:
    ```yaml
    jobs:
      release:
        uses: octo-org/workflows/.github/workflows/release.yml@v1
        secrets:
          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
    ```
    """

    id = "secrets-inherit"
    severity = Severity.WARNING
    summary = "a reusable workflow call passes every secret with `secrets: inherit`"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        for job in ctx.workflow.jobs.values():
            node = job.secrets
            if job.uses is None or not isinstance(node, Scalar):
                continue
            if node.text.strip().lower() != "inherit":
                continue
            yield self.finding(
                ctx, node,
                f"job `{job.id}` passes every secret to `{job.uses.text}` with "
                "`secrets: inherit`; the called workflow gets secrets it may not need",
                "list only the secrets the called workflow declares: "
                "`secrets: { NAME: ${{ secrets.NAME }} }`",
                job=job,
            )
