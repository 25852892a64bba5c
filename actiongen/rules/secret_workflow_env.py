"""secret-workflow-env: a secret in the workflow-level ``env:`` reaches every step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.load import Scalar
from actiongen.model.expressions import find_expressions
from actiongen.model.flow import output_flows, secret_names
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class SecretWorkflowEnv(Rule):
    """
    ## What it does
    Reports a secret (`${{ secrets.X }}`, also `github.token`) set in the workflow-level
    `env:` block.

    ## Why is this bad?
    Workflow-level environment variables are set for every step of every job: each
    third-party action, each build tool and each test the workflow runs can read the
    secret, including jobs that never need it (and, in pull requests, code from the
    pull request itself).

    ## Example
    ```yaml
    env:
      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
    jobs:
      test: ...
      publish: ...
    ```

    ## Use instead
    Set the secret only on the step (or job) that uses it:
    ```yaml
    jobs:
      publish:
        steps:
          - run: npm publish
            env:
              NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
    ```
    """

    id = "secret-workflow-env"
    severity = Severity.WARNING
    summary = "a secret in the workflow-level env: is exposed to every step of every job"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        env = ctx.workflow.env
        if env is None:
            return
        for key, value in env.pairs:
            if not isinstance(value, Scalar):
                continue
            for expr in find_expressions(ctx.doc, value):
                names = secret_names(output_flows(expr.text))
                if not names:
                    continue
                shown = "every secret" if "*" in names else "secret " + ", ".join(
                    f"`{n}`" for n in names)
                yield self.finding(
                    ctx, expr.span,
                    f"workflow-level `env.{key.text}` holds {shown}: every step of every job "
                    "can read it, including third-party actions and jobs that never need it",
                    f"move `{key.text}` to the `env:` of the step (or job) that uses it",
                )
