"""Shared helpers of the secret-hygiene rules: where steps are, and which of their
values are scripts.  (A module starting with ``_`` holds no rule.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.load import Scalar, walk
from actiongen.model.expressions import Expression, find_expressions
from actiongen.model.uses import parse_uses

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.load import Document, Node
    from actiongen.model.workflow import Job, Step
    from actiongen.rules.base import Context

#: Actions whose ``script:`` input is JavaScript the action evaluates.
SCRIPT_ACTIONS = frozenset({"actions/github-script"})


def steps_of(ctx: Context) -> Iterator[tuple[Job | None, Step]]:
    """Every step of the file: the jobs' steps of a workflow, or a composite action's."""
    if ctx.workflow is not None:
        for job in ctx.workflow.jobs.values():
            for step in job.steps:
                yield job, step
    elif ctx.action is not None:
        for step in ctx.action.steps:
            yield None, step


def action_name(step: Step) -> str | None:
    """``owner/repo[/path]`` of the step's action, lower-cased; None for ``run:`` steps."""
    if step.uses is None:
        return None
    return parse_uses(step.uses.text).name.lower()


def script_inputs(step: Step, *, command_lines: bool = False) -> Iterator[tuple[Scalar, str]]:
    """The step's values that are code, with how messages name them.

    ``run:`` is a shell script; ``actions/github-script``'s ``script:`` is JavaScript.
    With ``command_lines``, a ``with.args`` (the command line of Docker actions and of
    many wrappers) counts too.
    """
    if step.run is not None:
        yield step.run, "`run:` script"
    name = action_name(step)
    if name in SCRIPT_ACTIONS:
        script = step.with_value("script")
        if isinstance(script, Scalar):
            yield script, f"`script:` of {name}"
    if command_lines and step.uses is not None:
        for key in ("args", "entrypoint"):
            value = step.with_value(key)
            if isinstance(value, Scalar):
                yield value, f"`with.{key}` command line"


def expressions_below(doc: Document, node: Node | None) -> Iterator[Expression]:
    """Every ``${{ }}`` in the scalars below ``node``, in document order."""
    for n in walk(node):
        if isinstance(n, Scalar) and isinstance(n.value, str) and "${{" in n.value:
            yield from find_expressions(doc, n)
