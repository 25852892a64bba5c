"""A typed, position-carrying model of action metadata (``action.yml``)."""

from __future__ import annotations

from actiongen.load import Document, Mapping, Scalar
from actiongen.model.expressions import Expression
from actiongen.model.workflow import Step, all_expressions, steps_of


class Action:
    """An action's metadata: name, inputs, outputs and ``runs`` (with composite steps)."""

    __slots__ = (
        "doc",
        "expressions",
        "inputs",
        "name",
        "outputs",
        "root",
        "runs",
        "steps",
        "using",
    )

    def __init__(self, doc: Document, root: Mapping) -> None:
        get = root.by_key.get
        self.doc = doc
        self.root = root
        name, inputs, outputs, runs = get("name"), get("inputs"), get("outputs"), get("runs")
        self.name = name if isinstance(name, Scalar) else None
        self.inputs = inputs if isinstance(inputs, Mapping) else None
        self.outputs = outputs if isinstance(outputs, Mapping) else None
        self.runs = runs if isinstance(runs, Mapping) else None
        using = self.runs.get("using") if self.runs is not None else None
        self.using = using.text if isinstance(using, Scalar) else None
        self.steps: list[Step] = steps_of(self.runs.get("steps") if self.runs is not None else None)
        self.expressions: list[Expression] = all_expressions(doc)

    @property
    def path(self) -> str:
        return self.doc.path

    @property
    def is_composite(self) -> bool:
        return self.using == "composite"


def build_action(doc: Document) -> Action | None:
    """The model of loaded action metadata, or None when its root is not a mapping."""
    root = doc.root
    if not isinstance(root, Mapping):
        return None
    return Action(doc, root)
