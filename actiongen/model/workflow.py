"""A typed, position-carrying model of a workflow file.

Built leniently from the node tree: a value of the wrong shape is left out of
the model (the schema rule reports it) instead of raising.  Rules read this model;
each part keeps its node so findings can point at the exact key or value.
"""

from __future__ import annotations

from actiongen.load import Document, Mapping, Node, Scalar, Sequence
from actiongen.model.expressions import Expression, collect_expressions


def as_str(node: Node | None) -> str | None:
    """The text of a scalar node, or None."""
    if type(node) is Scalar and node.value is not None:
        return node.text
    return None


def str_items(node: Node | None) -> list[Scalar]:
    """A scalar or a sequence of scalars, as a list of scalars."""
    if isinstance(node, Scalar) and node.value is not None:
        return [node]
    if isinstance(node, Sequence):
        return [i for i in node.items if isinstance(i, Scalar) and i.value is not None]
    return []


#: How Step reads each key it keeps: a non-null scalar, its text, a mapping, any node.
_STEP_SCALAR, _STEP_TEXT, _STEP_MAPPING, _STEP_NODE = 0, 1, 2, 3
_STEP_KEYS = {
    "uses": _STEP_SCALAR, "run": _STEP_SCALAR, "shell": _STEP_SCALAR,
    "working-directory": _STEP_SCALAR, "name": _STEP_TEXT, "id": _STEP_TEXT,
    "with": _STEP_MAPPING, "env": _STEP_MAPPING, "if": _STEP_NODE,
    "continue-on-error": _STEP_NODE, "timeout-minutes": _STEP_NODE,
}


class Step:
    """One entry of a job's ``steps:`` (plain class: dataclasses cost start-up time)."""

    __slots__ = (
        "continue_on_error",
        "env",
        "id",
        "if_",
        "index",
        "name",
        "node",
        "run",
        "shell",
        "timeout_minutes",
        "uses",
        "with_",
        "working_directory",
    )

    def __init__(self, index: int, node: Mapping) -> None:
        self.index = index
        self.node = node
        self.id: str | None = None
        self.name: str | None = None
        self.uses: Scalar | None = None
        self.run: Scalar | None = None
        self.with_: Mapping | None = None
        self.env: Mapping | None = None
        self.shell: Scalar | None = None
        self.if_: Node | None = None
        self.continue_on_error: Node | None = None
        self.timeout_minutes: Node | None = None
        self.working_directory: Scalar | None = None
        # A step has a few of these keys: reading its pairs costs less than asking for
        # each key (there are thousands of steps in a run).  Scalar parts must not be
        # null (``key:`` with nothing after it), as :func:`_scalar` says.
        for key, value in node.by_key.items():
            kind = _STEP_KEYS.get(key)
            if kind is None:
                continue
            if kind == _STEP_SCALAR:
                if type(value) is Scalar and value.value is not None:
                    if key == "uses":
                        self.uses = value
                    elif key == "run":
                        self.run = value
                    elif key == "shell":
                        self.shell = value
                    else:
                        self.working_directory = value
            elif kind == _STEP_TEXT:
                if type(value) is Scalar and value.value is not None:
                    if key == "name":
                        self.name = value.text
                    else:
                        self.id = value.text
            elif kind == _STEP_MAPPING:
                if type(value) is Mapping:
                    if key == "with":
                        self.with_ = value
                    else:
                        self.env = value
            elif key == "if":
                self.if_ = value
            elif key == "continue-on-error":
                self.continue_on_error = value
            else:
                self.timeout_minutes = value

    @property
    def label(self) -> str:
        """How messages name the step: its name, id, action or number."""
        if self.name:
            return self.name
        if self.id:
            return self.id
        if self.uses is not None:
            return self.uses.text
        return f"step {self.index + 1}"

    def with_value(self, key: str) -> Node | None:
        return self.with_.get(key) if self.with_ is not None else None

    def __repr__(self) -> str:
        return f"Step({self.label!r})"


class Environment:
    """A job's ``environment:``, written as a name or as ``{name, url}``."""

    __slots__ = ("name", "node", "url")

    def __init__(self, node: Node, name: Scalar | None, url: Scalar | None) -> None:
        self.node = node
        self.name = name
        self.url = url

    @property
    def name_text(self) -> str | None:
        return self.name.text if self.name is not None else None


class Strategy:
    __slots__ = ("fail_fast", "matrix", "max_parallel", "node")

    def __init__(self, node: Mapping) -> None:
        get = node.by_key.get
        self.node = node
        self.matrix: Node | None = get("matrix")
        self.max_parallel: Node | None = get("max-parallel")
        self.fail_fast: Node | None = get("fail-fast")


class Job:
    """One entry of ``jobs:``; each part keeps its node, absent parts are None."""

    __slots__ = (
        "concurrency",
        "container",
        "continue_on_error",
        "defaults",
        "env",
        "environment",
        "id",
        "if_",
        "key",
        "name",
        "needs",
        "needs_node",
        "node",
        "outputs",
        "permissions",
        "runs_on",
        "secrets",
        "services",
        "steps",
        "strategy",
        "timeout_minutes",
        "uses",
        "with_",
    )

    def __init__(self, key: Scalar, node: Mapping) -> None:
        get = node.by_key.get
        self.id = key.text
        self.key = key
        self.node = node
        self.name = _scalar(get("name"))
        needs_node: Node | None = get("needs")
        self.needs = str_items(needs_node)
        self.needs_node = needs_node
        self.if_: Node | None = get("if")
        self.runs_on: Node | None = get("runs-on")
        env_node = get("environment")
        self.environment: Environment | None = None
        if isinstance(env_node, Scalar) and env_node.value is not None:
            self.environment = Environment(env_node, env_node, None)
        elif isinstance(env_node, Mapping):
            self.environment = Environment(
                env_node, _scalar(env_node.get("name")), _scalar(env_node.get("url"))
            )
        self.timeout_minutes: Node | None = get("timeout-minutes")
        strategy = get("strategy")
        self.strategy = Strategy(strategy) if isinstance(strategy, Mapping) else None
        self.services = _mapping(get("services"))
        self.container: Node | None = get("container")
        self.uses = _scalar(get("uses"))
        self.with_ = _mapping(get("with"))
        self.secrets: Node | None = get("secrets")
        self.outputs = _mapping(get("outputs"))
        self.permissions: Node | None = get("permissions")
        self.env = _mapping(get("env"))
        self.defaults = _mapping(get("defaults"))
        self.concurrency: Node | None = get("concurrency")
        self.continue_on_error: Node | None = get("continue-on-error")
        self.steps = steps_of(get("steps"))

    @property
    def is_reusable_call(self) -> bool:
        return self.uses is not None

    @property
    def label(self) -> str:
        return self.id

    def __repr__(self) -> str:
        return f"Job({self.id!r})"


class Triggers:
    """The ``on:`` block: event name to its configuration node (None when bare)."""

    __slots__ = ("events", "keys", "node")

    def __init__(
        self, node: Node | None, events: dict[str, Node | None], keys: dict[str, Scalar]
    ) -> None:
        self.node = node
        self.events = events
        self.keys = keys

    def has(self, event: str) -> bool:
        return event in self.events

    def branches(self, event: str) -> list[str] | None:
        """Branch filters for ``push``/``pull_request``; None means every branch."""
        cfg = self.events.get(event)
        if not isinstance(cfg, Mapping):
            return None
        filt = cfg.get("branches")
        if filt is None:
            return None
        return [s.text for s in str_items(filt)]


class Workflow:
    """A workflow file's model: its top-level parts and its jobs in source order."""

    __slots__ = (
        "concurrency",
        "defaults",
        "doc",
        "env",
        "expressions",
        "jobs",
        "jobs_node",
        "name",
        "on",
        "permissions",
        "root",
    )

    def __init__(self, doc: Document, root: Mapping) -> None:
        get = root.by_key.get
        self.doc = doc
        self.root = root
        name = get("name")
        self.name = name if isinstance(name, Scalar) else None
        self.on = _triggers(get("on"))
        self.permissions: Node | None = get("permissions")
        self.env = _mapping(get("env"))
        self.concurrency: Node | None = get("concurrency")
        self.defaults = _mapping(get("defaults"))
        jobs_node = get("jobs")
        self.jobs_node = jobs_node if isinstance(jobs_node, Mapping) else None
        self.jobs: dict[str, Job] = {}
        if self.jobs_node is not None:
            for key, value in self.jobs_node.pairs:
                if type(value) is Mapping:
                    self.jobs[key.text] = Job(key, value)
        self.expressions: list[Expression] = all_expressions(doc)

    @property
    def path(self) -> str:
        return self.doc.path


def build_workflow(doc: Document) -> Workflow | None:
    """The model of a loaded workflow, or None when its root is not a mapping."""
    root = doc.root
    if not isinstance(root, Mapping):
        return None
    return Workflow(doc, root)


def all_expressions(doc: Document) -> list[Expression]:
    """Every ``${{ }}`` of the file: :func:`collect_expressions` over the scalars the
    loader lists (those whose text holds ``${{``), in document order."""
    out: list[Expression] = []
    for scalar in doc.expression_scalars:
        value = scalar.value
        if isinstance(value, str):
            collect_expressions(doc, scalar, value, out)
    return out


def _triggers(node: Node | None) -> Triggers:
    events: dict[str, Node | None] = {}
    keys: dict[str, Scalar] = {}
    if isinstance(node, Scalar) and node.value is not None:
        events[node.text] = None
        keys[node.text] = node
    elif isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Scalar) and item.value is not None:
                events[item.text] = None
                keys[item.text] = item
    elif isinstance(node, Mapping):
        for key, value in node.pairs:
            events[key.text] = value
            keys[key.text] = key
    return Triggers(node, events, keys)


def steps_of(node: Node | None) -> list[Step]:
    """The steps of a ``steps:`` sequence (entries that are not mappings left out)."""
    if not isinstance(node, Sequence):
        return []
    return [Step(i, s) for i, s in enumerate(node.items) if type(s) is Mapping]


def _mapping(node: Node | None) -> Mapping | None:
    return node if type(node) is Mapping else None


def _scalar(node: Node | None) -> Scalar | None:
    """A scalar that is not null (``key:`` with nothing after it), or None."""
    return node if type(node) is Scalar and node.value is not None else None
