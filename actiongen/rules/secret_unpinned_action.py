"""secret-unpinned-action: a secret handed to an action (or reusable workflow) on a mutable ref."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.flow import output_flows, secret_names
from actiongen.model.uses import parse_uses
from actiongen.rules._hygiene import expressions_below, steps_of
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding
    from actiongen.load import Node, Scalar
    from actiongen.model.workflow import Job, Step


class SecretUnpinnedAction(Rule):
    """
    ## What it does
    Reports a step whose `with:` or `env:` hands a secret (including `GITHUB_TOKEN`,
    written `secrets.GITHUB_TOKEN` or `github.token`) to an action that is not pinned to a
    full 40-character commit SHA, and a job that passes secrets (`secrets:`) to a reusable
    workflow in another repository that is not pinned to one. Local actions
    (`./path`) and Docker images pinned by `@sha256:` digest are pinned.

    The rule is a warning: a tag of a well-run action is usually fine, and the fix
    (pinning) is routine, but the finding fails CI at the default `--fail-on warning`.
    Raise it to an error in the configuration for repositories with production secrets.

    ## Why is this bad?
    A tag or branch can be moved to any commit by whoever controls the action's
    repository—or by an attacker who compromised it, as in the `tj-actions/changed-files`
    incident of 2025. The next run executes the new code with your secret in its inputs.
    A commit SHA cannot be moved.

    ## Example
    ```yaml
        - uses: codecov/codecov-action@v4
          with:
            token: ${{ secrets.CODECOV_TOKEN }}
    ```

    ## Use instead
    Pin the action to the commit the tag points at, and keep the tag as a comment so
    update tools (Dependabot, Renovate) can still bump it:
    ```yaml
        - uses: codecov/codecov-action@b9fd7d16f6d7d1b5d2bec1a2887e65ceed900238 # v4.6.0
          with:
            token: ${{ secrets.CODECOV_TOKEN }}
    ```
    """

    id = "secret-unpinned-action"
    severity = Severity.WARNING
    summary = "a secret is handed to an action not pinned to a full commit SHA"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        for job, step in steps_of(ctx):
            if step.uses is None or _pinned(step.uses.text):
                continue
            names = _secrets_in(ctx, step.with_, step.env)
            if names:
                yield self._finding(ctx, step.uses, names, "action", job=job, step=step)
        if ctx.workflow is None:
            return
        for job in ctx.workflow.jobs.values():
            if job.uses is None:
                continue
            ref = parse_uses(job.uses.text)
            if ref.is_pinned or ref.is_local:
                continue
            secrets = job.secrets
            if secrets is not None and getattr(secrets, "text", "").strip().lower() == "inherit":
                names = ["*"]
            else:
                names = _secrets_in(ctx, secrets, job.with_)
            if names:
                yield self._finding(ctx, job.uses, names, "reusable workflow", job=job)

    def _finding(
        self,
        ctx: Context,
        uses: Scalar,
        names: list[str],
        what: str,
        *,
        job: Job | None,
        step: Step | None = None,
    ) -> Finding:
        ref = parse_uses(uses.text)
        if "*" in names:
            shown = "every secret (`secrets: inherit`)" if what == "reusable workflow" else (
                "every secret (`toJSON(secrets)`)")
        else:
            shown = ("secrets " if len(names) > 1 else "secret ") + ", ".join(
                f"`{n}`" for n in names)
        mutable = f"the mutable ref `{ref.ref}`" if ref.ref else "no ref at all"
        if ref.is_docker:
            mutable = "an image tag, not a `@sha256:` digest"
        pin = "`@sha256:` digest" if ref.is_docker else "full 40-character commit SHA"
        return self.finding(
            ctx, uses,
            f"{shown} handed to {what} `{ref.name}`, which is pinned to {mutable}: "
            "whoever can move that ref can run code that receives the secret",
            f"pin `{ref.name}` to a {pin} (keep the tag as a trailing comment)",
            job=job,
            step=step,
        )


#: ``uses:`` text to whether it is pinned: the same few actions recur in every file.
_PINNED: dict[str, bool] = {}


def _pinned(uses: str) -> bool:
    pinned = _PINNED.get(uses)
    if pinned is None:
        pinned = parse_uses(uses).is_pinned
        if len(_PINNED) >= 4096:
            _PINNED.clear()
        _PINNED[uses] = pinned
    return pinned


def _secrets_in(ctx: Context, *nodes: Node | None) -> list[str]:
    names: set[str] = set()
    for node in nodes:
        for expr in expressions_below(ctx.doc, node):
            names.update(secret_names(output_flows(expr.text)))
    return sorted(names)
