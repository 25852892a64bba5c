"""secret-in-run: a secret expanded straight into a script instead of through ``env:``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.flow import output_flows, secret_names
from actiongen.rules._hygiene import expressions_say
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class SecretInRun(Rule):
    """
    ## What it does
    Reports `${{ secrets.X }}` (also `secrets['X']` and `github.token`) expanded directly
    into a `run:` script, an `actions/github-script` `script:`, or an action's `with.args`
    command line, in workflows and composite actions. Values passed through `env:` are
    fine and are not reported; so are expressions whose result is not the secret
    (`${{ secrets.X != '' }}`).

    ## Why is this bad?
    GitHub pastes the secret's text into the script before the shell sees it. The secret
    is written to a script file on the runner and can show up in process listings; a
    secret containing a quote, `$(` or a newline breaks the script or runs as code; and
    masking in logs relies on exact matches that shell quoting and `set -x` defeat.

    ## Example
    ```yaml
        - run: curl -H "Authorization: Bearer ${{ secrets.API_TOKEN }}" https://api.example.com
    ```

    ## Use instead
    Pass the secret through the step's environment and quote the variable:
    ```yaml
        - run: curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com
          env:
            API_TOKEN: ${{ secrets.API_TOKEN }}
    ```
    """

    id = "secret-in-run"
    severity = Severity.WARNING
    summary = "a secret is expanded directly into a script instead of through env:"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        # A secret reaches an expression's result only by a path under `secrets` or as
        # `github.token` (or `github['token']`): a file naming neither has none.
        if not expressions_say(ctx, ("secrets", "token")):
            return
        for found in ctx.script_expressions:
            job, step, where = found.job, found.step, found.where
            for expr in found.expressions:
                names = secret_names(output_flows(expr.text))
                if not names:
                    continue
                if "*" in names:
                    shown, var = "every secret (`toJSON(secrets)`) is", "SECRETS_JSON"
                else:
                    plural = "s" if len(names) > 1 else ""
                    shown = f"secret{plural} " + ", ".join(f"`{n}`" for n in names)
                    shown += " are" if plural else " is"
                    var = names[0]
                javascript = where.startswith("`script:")
                use = f"process.env.{var}" if javascript else f'"${var}"'
                yield self.finding(
                    ctx, expr.span,
                    f"{shown} expanded directly into the {where}; the value "
                    "becomes part of the code, where quoting can break it and it can leak",
                    f"pass it through the step's `env:` (`{var}: ${{{{ {expr.text} }}}}`) "
                    f"and use {use} in the script",
                    job=job, step=step,
                )
