"""The project descriptor (``.github/actiongen.yml``): loading and validation.

``load_descriptor(path)`` reads the file with positions, validates it against
``schemas/descriptor.schema.json`` and then by meaning, and returns a
:class:`Descriptor` with every default filled in.  Problems raise
:class:`DescriptorError` (a :class:`~actiongen.errors.UserError`) whose lines read
``file:line:col: path.to.key: message; fix``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from actiongen.descriptor.errors import DescriptorError, Problem, format_path
from actiongen.descriptor.model import Descriptor, Environment

if TYPE_CHECKING:
    from actiongen.load import Node

__all__ = [
    "DEFAULT_PATH",
    "SCHEMA_URL",
    "Descriptor",
    "DescriptorError",
    "Environment",
    "Problem",
    "format_path",
    "from_data",
    "load_descriptor",
]

#: Where the descriptor lives, relative to the repository root.
DEFAULT_PATH = Path(".github") / "actiongen.yml"
#: What the ``# yaml-language-server: $schema=`` line points editors at.
SCHEMA_URL = (
    "https://raw.githubusercontent.com/actiongen/actiongen/main/schemas/descriptor.schema.json"
)


def from_data(data: Any, source: str = str(DEFAULT_PATH)) -> Descriptor:
    """A :class:`Descriptor` from plain data (as ``init`` builds it); no positions in errors."""
    return _validated(data, source, None)


def load_descriptor(path: Path) -> Descriptor:
    """Read, validate and complete the descriptor at ``path``."""
    from actiongen.load import load_bytes, to_data

    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DescriptorError(source, [Problem((), f"cannot read the file: {exc.strerror}",
                                               "run `actiongen init` to write one")]) from None
    doc = load_bytes(source, raw)
    fatal = [p for p in doc.problems]
    if fatal:
        raise DescriptorError(source, [
            Problem((), p.message, p.fix, p.span.line, p.span.column) for p in fatal
        ])
    return _validated(to_data(doc.root), source, doc.root)


def _validated(data: Any, source: str, root: Node | None) -> Descriptor:
    from actiongen.descriptor.build import build
    from actiongen.descriptor.validate import schema_problems

    if not isinstance(data, dict):
        problem = Problem((), "the descriptor must be a mapping of keys (name:, language:, ...)",
                          "start from `actiongen init`")
        raise DescriptorError(source, [_placed(problem, root)])
    problems = schema_problems(data)
    desc = None
    if not problems:
        desc, problems = build(data, source)
    if problems or desc is None:
        placed = [_placed(p, root) for p in problems]
        placed.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise DescriptorError(source, placed)
    return desc


def _placed(problem: Problem, root: Node | None) -> Problem:
    """The problem with the line and column of the deepest node its path reaches."""
    from actiongen.load import Mapping, Scalar, Sequence

    if root is None:
        return problem.with_source(None) if problem.raw is not None else problem
    node = root
    for i, part in enumerate(problem.path):
        last = i == len(problem.path) - 1
        if isinstance(node, Mapping) and isinstance(part, str):
            child = node.get(part)
            if child is None or (last and problem.key):
                key = node.key_node(part)
                node = key if key is not None else node
                break
            node = child
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            break
    text = node.text if isinstance(node, Scalar) and problem.raw is not None else None
    return problem.with_source(text, node.span.line, node.span.column)
