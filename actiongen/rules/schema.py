"""schema: the file's structure does not follow GitHub's documented syntax."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from actiongen.findings import Severity
from actiongen.resources import data_file
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jsonschema.protocols import Validator

    from actiongen.findings import Finding
    from actiongen.load import Node
    from actiongen.schema_errors import ErrorWalker, SchemaError

#: Schema file for each kind of file the checker reads.
SCHEMA_FILES = {"workflow": "workflow.schema.json", "action": "action.schema.json"}


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The JSON schema for ``kind`` ("workflow" or "action"), read once per process.

    Its ``pattern`` regexes are declared to :mod:`actiongen.lazyre`, so the cache of
    compiled patterns holds them all, not only those the first process compiled.
    """
    with open(data_file("schemas", SCHEMA_FILES[kind]), encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    _declare_patterns(schema)
    return schema


def _declare_patterns(schema: Any) -> None:
    from actiongen.lazyre import declare

    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str):
                declare(pattern)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


@cache
def fast_validator(kind: str) -> Callable[[Any], bool] | None:
    """The quick yes/no evaluator for ``kind``, or None if the schema outgrows it."""
    from actiongen.schema_fast import Unsupported, compile_schema

    try:
        return compile_schema(load_schema(kind))
    except Unsupported:
        return None


@cache
def _node_validator(kind: str) -> Callable[[Node], bool]:
    """The quick yes/no evaluator over loader nodes (see :func:`compile_node_schema`)."""
    from actiongen.schema_fast import compile_node_schema

    return compile_node_schema(load_schema(kind))


def node_is_valid(kind: str, root: Node) -> bool:
    """Whether ``root`` is valid, without converting it or importing jsonschema.

    False when in doubt (a keyword the quick evaluator lacks): jsonschema decides then.
    """
    from actiongen.schema_fast import Unsupported

    try:
        return _node_validator(kind)(root)
    except Unsupported:
        return False


@cache
def full_validator(kind: str) -> Validator:
    """jsonschema's validator: the authority (in tests, and for schemas the walker lacks)."""
    from jsonschema import Draft202012Validator

    validator: Validator = Draft202012Validator(load_schema(kind))
    return validator


@cache
def error_walker(kind: str) -> ErrorWalker:
    """jsonschema's errors without importing it (see :mod:`actiongen.schema_errors`)."""
    from actiongen.schema_errors import ErrorWalker

    return ErrorWalker(load_schema(kind))


def schema_errors(kind: str, data: Any) -> list[SchemaError]:
    """jsonschema's errors for ``data``, sorted by path; empty when ``data`` is valid.

    Neither answer imports jsonschema unless the schema uses a keyword this package's
    evaluators lack; jsonschema itself answers then.
    """
    from actiongen.schema_fast import Unsupported

    fast = fast_validator(kind)
    if fast is not None and fast(data):
        return []
    try:
        errors: list[Any] = list(error_walker(kind).iter_errors(data))
    except Unsupported:
        errors = list(full_validator(kind).iter_errors(data))
    return sorted(errors, key=lambda e: list(map(str, e.path)))


class Schema(Rule):
    """
    ## What it does
    Checks the structure of workflows and action metadata against JSON schemas written
    from GitHub's documented syntax (`schemas/workflow.schema.json`,
    `schemas/action.schema.json`): unknown keys (with a suggestion for typos), values of
    the wrong type, missing required keys, unknown events, activity types, permission
    scopes and levels, and malformed `uses:` references. Where GitHub takes a number or
    a boolean, an expression (`${{ }}`) is accepted too.

    ## Why is this bad?
    GitHub rejects a workflow with a structural error only after it is pushed, with a
    terse message and no run at all.  In action metadata the runner ignores keys it
    does not know, so a misspelt `requried: true` silently leaves an input optional.

    ## Example
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-latest
        timeout-minutes: "10"
        stpes:
          - run: make test
    ```

    ## Use instead
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-latest
        timeout-minutes: 10
        steps:
          - run: make test
    ```
    """

    id = "schema"
    severity = Severity.ERROR
    summary = "the structure does not follow GitHub's workflow or action metadata syntax"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        root = ctx.doc.root
        if root is None:  # unreadable YAML: yaml-syntax reports it
            return
        try:
            # Almost every file is valid: say so without converting it to plain data.
            if node_is_valid(ctx.kind, root):
                return
        except RecursionError:  # e.g. parallel groups nested hundreds deep
            yield self._too_deep(ctx, root)
            return
        from actiongen.load import to_data

        data = to_data(root)
        try:
            errors = schema_errors(ctx.kind, data)
        except RecursionError:
            yield self._too_deep(ctx, root)
            return
        if not errors:
            return
        from actiongen.rules._schema_messages import Explainer

        for p in Explainer(ctx.kind, root, data).problems(errors):
            yield self.finding(ctx, p.at, p.message, p.fix, job=p.job, step=p.step)

    def _too_deep(self, ctx: Context, root: Node) -> Finding:
        return self.finding(ctx, root.span, "the file nests too deeply to check its structure",
                            "flatten the nesting")
