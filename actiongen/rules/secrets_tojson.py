"""secrets-tojson: ``toJSON(secrets)`` hands every secret of the repository to one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.flow import output_flows
from actiongen.rules._hygiene import expressions_say
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class SecretsToJson(Rule):
    """
    ## What it does
    Reports `toJSON(secrets)` anywhere in a workflow: in `env:`, `with:`, `run:`, or an
    output.

    ## Why is this bad?
    The expression serialises *every* secret the workflow can see (repository,
    organisation and environment secrets, and `GITHUB_TOKEN`) into one value. Whatever
    receives it—a script, an action, an environment variable visible to every later
    process—gets all of them, far beyond what the step needs.

    ## Example
    ```yaml
        - run: ./deploy.sh
          env:
            ALL_SECRETS: ${{ toJSON(secrets) }}
    ```

    ## Use instead
    Pass only the secrets the step needs, each by name:
    ```yaml
        - run: ./deploy.sh
          env:
            DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
    ```
    """

    id = "secrets-tojson"
    severity = Severity.ERROR
    summary = "toJSON(secrets) exposes every secret at once"

    def check(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.workflow is not None
        # Only `toJSON` hands over the whole of `secrets`.
        if not expressions_say(ctx, ("tojson",)):
            return
        for expr in ctx.workflow.expressions:
            if "secrets" not in expr.text.lower():
                continue
            if any(f.path == "secrets" and f.whole for f in output_flows(expr.text)):
                yield self.finding(
                    ctx, expr.span,
                    "`toJSON(secrets)` serialises every secret the workflow can see into one "
                    "value; whatever receives it gets all of them",
                    "pass only the secrets this place needs, each as `${{ secrets.NAME }}`",
                )
