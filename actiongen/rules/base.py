"""The rule contract: identity, documentation and a ``check`` over the model.

A rule is a class with an ``id``, a default ``severity``, a one-line ``summary`` and a
docstring in four parts (*What it does*, *Why is this bad?*, *Example*, *Use instead*):
the docstring is the documentation ``actiongen rules ID`` prints.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from actiongen.findings import Finding, Severity, Span

if TYPE_CHECKING:
    from collections.abc import Iterable

    from actiongen.config import Config
    from actiongen.load import Document, LoadProblem, Node
    from actiongen.model.action import Action
    from actiongen.model.graph import NeedsGraph
    from actiongen.model.stages import StageInfo
    from actiongen.model.workflow import Job, Step, Workflow
    from actiongen.rules._hygiene import ScriptExpressions


class Context:
    """Everything a rule may read about one file."""

    def __init__(
        self,
        doc: Document,
        config: Config,
        kind: str,
        workflow: Workflow | None = None,
        action: Action | None = None,
        redactions: list[Span] | None = None,
    ) -> None:
        self.doc = doc
        self.config = config
        self.kind = kind  # "workflow" or "action"
        self.workflow = workflow
        self.action = action
        #: Spans holding secret values; every output masks them.
        self.redactions: list[Span] = [] if redactions is None else redactions

    @property
    def path(self) -> str:
        return self.doc.path

    @property
    def problems(self) -> list[LoadProblem]:
        return self.doc.problems

    @cached_property
    def stages(self) -> dict[str, StageInfo]:
        from actiongen.model.stages import classify

        assert self.workflow is not None
        return classify(self.workflow, self.config, self.graph)

    @cached_property
    def expression_text(self) -> str:
        """The texts of the file's ``${{ }}`` expressions, lower-cased, one per line:
        several rules test it for words before reading the expressions themselves."""
        model = self.workflow if self.workflow is not None else self.action
        return "\n".join([e.text for e in model.expressions]).lower() if model else ""

    @cached_property
    def script_expressions(self) -> list[ScriptExpressions]:
        """The steps' script inputs holding ``${{``, with their expressions: two rules
        read them (see :func:`actiongen.rules._hygiene.script_expressions`)."""
        from actiongen.rules._hygiene import script_expressions

        return script_expressions(self)

    @cached_property
    def graph(self) -> NeedsGraph:
        from actiongen.model.graph import NeedsGraph

        assert self.workflow is not None
        return NeedsGraph.of(self.workflow)


class Rule:
    """Base class of every rule (built-in or plugin)."""

    id: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str]
    #: Which files the rule reads: "workflow", "action", or both.
    applies_to: ClassVar[frozenset[str]] = frozenset({"workflow"})

    def check(self, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        import inspect  # only for documentation: importing it costs start-up time

        return inspect.cleandoc(cls.__doc__ or cls.summary)

    def finding(
        self,
        ctx: Context,
        at: Node | Span,
        message: str,
        fix: str = "",
        *,
        job: Job | str | None = None,
        step: Step | str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        span = at if isinstance(at, Span) else at.span
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            path=ctx.path,
            span=span,
            message=message,
            fix=fix,
            job=job.id if hasattr(job, "id") else job,  # type: ignore[union-attr]
            step=step.label if hasattr(step, "label") else step,  # type: ignore[union-attr]
        )
