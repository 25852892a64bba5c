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
    return uses_name(step.uses.text)


#: ``uses:`` text to its lower-cased action name: the same few actions recur in every file.
_NAMES: dict[str, str] = {}


def uses_name(text: str) -> str:
    """``owner/repo[/path]`` of a ``uses:`` value, lower-cased."""
    name = _NAMES.get(text)
    if name is None:
        name = parse_uses(text).name.lower()
        if len(_NAMES) >= 4096:
            _NAMES.clear()
        _NAMES[text] = name
    return name


_RUN = "`run:` script"


def script_inputs(step: Step, *, command_lines: bool = False) -> list[tuple[Scalar, str]]:
    """The step's values that are code, with how messages name them.

    ``run:`` is a shell script; ``actions/github-script``'s ``script:`` is JavaScript.
    With ``command_lines``, a ``with.args`` (the command line of Docker actions and of
    many wrappers) counts too.
    """
    found: list[tuple[Scalar, str]] = []
    if step.run is not None:
        found.append((step.run, _RUN))
    uses = step.uses
    if uses is None:
        return found
    with_ = step.with_
    name = uses_name(uses.text)
    if name in SCRIPT_ACTIONS and with_ is not None:
        script = with_.by_key.get("script")
        if isinstance(script, Scalar):
            found.append((script, f"`script:` of {name}"))
    if command_lines and with_ is not None:
        for key in ("args", "entrypoint"):
            value = with_.by_key.get(key)
            if isinstance(value, Scalar):
                found.append((value, f"`with.{key}` command line"))
    return found


class ScriptExpressions:
    """A script input (as :func:`script_inputs` gives it, command lines included) whose
    text holds ``${{``, with its step and its expressions: the rules about what reaches
    scripts read these, found once per file (:attr:`Context.script_expressions`)."""

    __slots__ = ("command_line", "expressions", "job", "scalar", "step", "where")

    def __init__(self, job: Job | None, step: Step, scalar: Scalar, where: str,
                 command_line: bool, expressions: list[Expression]) -> None:
        self.job = job
        self.step = step
        self.scalar = scalar
        self.where = where
        #: Whether it is a ``with.args``/``with.entrypoint`` command line.
        self.command_line = command_line
        #: ``find_expressions(doc, scalar)``.
        self.expressions = expressions


def script_expressions(ctx: Context) -> list[ScriptExpressions]:
    """Every script input of the file's steps whose text holds ``${{``, in the order of
    :func:`steps_of` and :func:`script_inputs` (with ``command_lines``)."""
    doc = ctx.doc
    out: list[ScriptExpressions] = []
    for job, step in steps_of(ctx):
        run = step.run
        if step.uses is None:  # (most steps: no call to script_inputs)
            if run is not None and "${{" in run.text:
                out.append(ScriptExpressions(job, step, run, _RUN, False,
                                             find_expressions(doc, run)))
            continue
        for scalar, where in script_inputs(step, command_lines=True):
            if "${{" in scalar.text:  # find_expressions would find none
                out.append(ScriptExpressions(job, step, scalar, where,
                                             where.startswith("`with."),
                                             find_expressions(doc, scalar)))
    return out


def expressions_below(doc: Document, node: Node | None) -> Iterator[Expression]:
    """Every ``${{ }}`` in the scalars below ``node``, in document order."""
    for n in walk(node):
        if isinstance(n, Scalar) and isinstance(n.value, str) and "${{" in n.value:
            yield from find_expressions(doc, n)


def expressions_say(ctx: Context, words: tuple[str, ...]) -> bool:
    """Whether the text of any of the file's ``${{ }}`` expressions holds one of
    ``words`` (lower-case), in any case: a cheap test that lets a rule about certain
    contexts skip a file that never names them.

    The expressions are the model's (``Workflow.expressions``, ``Action.expressions``):
    every expression :func:`find_expressions` finds in any scalar of the file, joined
    once per file (:attr:`Context.expression_text`).
    """
    return any(map(ctx.expression_text.__contains__, words))
