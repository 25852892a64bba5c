"""A typed, position-carrying model of action metadata (``action.yml``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from actiongen.load import Document, Mapping, Scalar, Sequence
from actiongen.model.expressions import Expression
from actiongen.model.workflow import Step, _step, all_expressions


@dataclass(slots=True)
class Action:
    doc: Document
    root: Mapping
    name: Scalar | None
    inputs: Mapping | None
    outputs: Mapping | None
    runs: Mapping | None
    using: str | None
    steps: list[Step] = field(default_factory=list)
    expressions: list[Expression] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.doc.path

    @property
    def is_composite(self) -> bool:
        return self.using == "composite"


def build_action(doc: Document) -> Action | None:
    root = doc.root
    if not isinstance(root, Mapping):
        return None
    runs = root.get("runs")
    runs_m = runs if isinstance(runs, Mapping) else None
    using = runs_m.get("using") if runs_m is not None else None
    steps: list[Step] = []
    steps_node = runs_m.get("steps") if runs_m is not None else None
    if isinstance(steps_node, Sequence):
        steps = [_step(i, s) for i, s in enumerate(steps_node.items) if isinstance(s, Mapping)]
    name = root.get("name")
    inputs = root.get("inputs")
    outputs = root.get("outputs")
    return Action(
        doc=doc,
        root=root,
        name=name if isinstance(name, Scalar) else None,
        inputs=inputs if isinstance(inputs, Mapping) else None,
        outputs=outputs if isinstance(outputs, Mapping) else None,
        runs=runs_m,
        using=using.text if isinstance(using, Scalar) else None,
        steps=steps,
        expressions=all_expressions(doc),
    )
