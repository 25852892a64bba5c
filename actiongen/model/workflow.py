"""A typed, position-carrying model of a workflow file.

Built leniently from the node tree: a value of the wrong shape is left out of
the model (the schema rule reports it) instead of raising.  Rules read this model;
each part keeps its node so findings can point at the exact key or value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from actiongen.load import Document, Mapping, Node, Scalar, Sequence
from actiongen.model.expressions import Expression, find_expressions


def as_str(node: Node | None) -> str | None:
    """The text of a scalar node, or None."""
    if isinstance(node, Scalar) and node.value is not None:
        return node.text
    return None


def str_items(node: Node | None) -> list[Scalar]:
    """A scalar or a sequence of scalars, as a list of scalars."""
    if isinstance(node, Scalar) and node.value is not None:
        return [node]
    if isinstance(node, Sequence):
        return [i for i in node.items if isinstance(i, Scalar) and i.value is not None]
    return []


@dataclass(slots=True)
class Step:
    index: int
    node: Mapping
    id: str | None
    name: str | None
    uses: Scalar | None
    run: Scalar | None
    with_: Mapping | None
    env: Mapping | None
    shell: Scalar | None
    if_: Node | None
    continue_on_error: Node | None
    timeout_minutes: Node | None
    working_directory: Scalar | None

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


@dataclass(slots=True)
class Environment:
    node: Node
    name: Scalar | None
    url: Scalar | None

    @property
    def name_text(self) -> str | None:
        return self.name.text if self.name is not None else None


@dataclass(slots=True)
class Strategy:
    node: Mapping
    matrix: Node | None
    max_parallel: Node | None
    fail_fast: Node | None


@dataclass(slots=True)
class Job:
    id: str
    key: Scalar
    node: Mapping
    name: Scalar | None
    needs: list[Scalar]
    needs_node: Node | None
    if_: Node | None
    runs_on: Node | None
    environment: Environment | None
    timeout_minutes: Node | None
    strategy: Strategy | None
    services: Mapping | None
    container: Node | None
    uses: Scalar | None
    with_: Mapping | None
    secrets: Node | None
    outputs: Mapping | None
    permissions: Node | None
    env: Mapping | None
    defaults: Mapping | None
    concurrency: Node | None
    continue_on_error: Node | None
    steps: list[Step] = field(default_factory=list)

    @property
    def is_reusable_call(self) -> bool:
        return self.uses is not None

    @property
    def label(self) -> str:
        return self.id


@dataclass(slots=True)
class Triggers:
    """The ``on:`` block: event name to its configuration node (None when bare)."""

    node: Node | None
    events: dict[str, Node | None]
    keys: dict[str, Scalar]

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


@dataclass(slots=True)
class Workflow:
    doc: Document
    root: Mapping
    name: Scalar | None
    on: Triggers
    permissions: Node | None
    env: Mapping | None
    concurrency: Node | None
    defaults: Mapping | None
    jobs: dict[str, Job]
    jobs_node: Mapping | None
    expressions: list[Expression]

    @property
    def path(self) -> str:
        return self.doc.path


def build_workflow(doc: Document) -> Workflow | None:
    """The model of a loaded workflow, or None when its root is not a mapping."""
    root = doc.root
    if not isinstance(root, Mapping):
        return None
    jobs_node = root.get("jobs")
    jobs: dict[str, Job] = {}
    if isinstance(jobs_node, Mapping):
        for key, value in jobs_node.pairs:
            if isinstance(value, Mapping):
                jobs[key.text] = _job(key, value)
    name = root.get("name")
    env = root.get("env")
    defaults = root.get("defaults")
    return Workflow(
        doc=doc,
        root=root,
        name=name if isinstance(name, Scalar) else None,
        on=_triggers(root.get("on")),
        permissions=root.get("permissions"),
        env=env if isinstance(env, Mapping) else None,
        concurrency=root.get("concurrency"),
        defaults=defaults if isinstance(defaults, Mapping) else None,
        jobs=jobs,
        jobs_node=jobs_node if isinstance(jobs_node, Mapping) else None,
        expressions=all_expressions(doc),
    )


def all_expressions(doc: Document) -> list[Expression]:
    out: list[Expression] = []
    for node in doc.expression_scalars:
        if isinstance(node.value, str):
            out.extend(find_expressions(doc, node))
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


def _opt_mapping(m: Mapping, key: str) -> Mapping | None:
    v = m.get(key)
    return v if isinstance(v, Mapping) else None


def _opt_scalar(m: Mapping, key: str) -> Scalar | None:
    v = m.get(key)
    return v if isinstance(v, Scalar) and v.value is not None else None


def _job(key: Scalar, m: Mapping) -> Job:
    env_node = m.get("environment")
    environment: Environment | None = None
    if isinstance(env_node, Scalar) and env_node.value is not None:
        environment = Environment(env_node, env_node, None)
    elif isinstance(env_node, Mapping):
        environment = Environment(
            env_node, _opt_scalar(env_node, "name"), _opt_scalar(env_node, "url")
        )
    strategy_node = m.get("strategy")
    strategy = None
    if isinstance(strategy_node, Mapping):
        strategy = Strategy(
            strategy_node,
            strategy_node.get("matrix"),
            strategy_node.get("max-parallel"),
            strategy_node.get("fail-fast"),
        )
    steps_node = m.get("steps")
    steps: list[Step] = []
    if isinstance(steps_node, Sequence):
        for i, s in enumerate(steps_node.items):
            if isinstance(s, Mapping):
                steps.append(_step(i, s))
    needs_node = m.get("needs")
    return Job(
        id=key.text,
        key=key,
        node=m,
        name=_opt_scalar(m, "name"),
        needs=str_items(needs_node),
        needs_node=needs_node,
        if_=m.get("if"),
        runs_on=m.get("runs-on"),
        environment=environment,
        timeout_minutes=m.get("timeout-minutes"),
        strategy=strategy,
        services=_opt_mapping(m, "services"),
        container=m.get("container"),
        uses=_opt_scalar(m, "uses"),
        with_=_opt_mapping(m, "with"),
        secrets=m.get("secrets"),
        outputs=_opt_mapping(m, "outputs"),
        permissions=m.get("permissions"),
        env=_opt_mapping(m, "env"),
        defaults=_opt_mapping(m, "defaults"),
        concurrency=m.get("concurrency"),
        continue_on_error=m.get("continue-on-error"),
        steps=steps,
    )


def _step(index: int, m: Mapping) -> Step:
    return Step(
        index=index,
        node=m,
        id=as_str(m.get("id")),
        name=as_str(m.get("name")),
        uses=_opt_scalar(m, "uses"),
        run=_opt_scalar(m, "run"),
        with_=_opt_mapping(m, "with"),
        env=_opt_mapping(m, "env"),
        shell=_opt_scalar(m, "shell"),
        if_=m.get("if"),
        continue_on_error=m.get("continue-on-error"),
        timeout_minutes=m.get("timeout-minutes"),
        working_directory=_opt_scalar(m, "working-directory"),
    )
