"""Text to positioned YAML nodes.

Checking uses ruamel.yaml's composer on top of its C parser (``ruamel.yaml.clib``):
it yields nodes with marks ten times faster than the round-trip loader, and we only
need the node graph, never Python objects.  Round-trip loading is kept for edits
(see :mod:`actiongen.edit`).

Scalars are resolved as GitHub resolves them (YAML 1.2 core schema): ``on`` stays the
string "on", only ``true``/``false`` are booleans.  Duplicate keys, syntax errors,
alias bombs and absurd nesting become :class:`LoadProblem` values, never exceptions.
"""

from __future__ import annotations

import bisect
import gc
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from actiongen.findings import Span
from actiongen.lazyre import lazy_compile

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Nodes an aliased document may expand to before we call it an alias bomb.
MAX_EXPANDED_NODES = 200_000
#: Nesting deeper than this is refused (GitHub's own parser refuses far less).
MAX_DEPTH = 400
#: Larger files are refused unread: checking costs about a second per dense megabyte, and
#: real workflows stay far below (the largest of 703 real files is 425 KB, generated).
MAX_FILE_BYTES = 1 << 20
#: Nesting ruamel's C composer surely survives (it overflows the C stack, a segfault, at
#: some depth below 100,000); input that might nest deeper is scanned before composing.
_COMPOSER_DEPTH = 1000
#: Lines starting with this many indentation or block-indicator characters may nest deeply.
_DEEP_PREFIX = lazy_compile(rf"^[ \t?:-]{{{_COMPOSER_DEPTH // 4}}}", re.MULTILINE)

#: ruamel's node classes, bound by :func:`_fast_parser` (importing ruamel is deferred).
ScalarNode: Any = None
SequenceNode: Any = None

_INT = lazy_compile(r"[-+]?(0|[1-9][0-9]*)$|0o[0-7]+$|0x[0-9a-fA-F]+$")
_FLOAT = lazy_compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|[-+]?\.(inf|Inf|INF)$|\.(nan|NaN|NAN)$"
)


class Node:
    """A YAML node with its place in the source text.

    Positions are kept as the parser's marks and turned into a :class:`Span` on first
    use: most nodes of a file never appear in a finding.
    """

    __slots__ = ("_em", "_sm", "_span")
    tag = ""

    def __init__(self, start_mark: Any, end_mark: Any) -> None:
        self._sm = start_mark
        self._em = end_mark
        self._span: Span | None = None

    @property
    def span(self) -> Span:
        span = self._span
        if span is None:
            sm, em = self._sm, self._em
            span = self._span = Span(sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
        return span

    @property
    def start(self) -> int:
        """Character offset of the node's start in the source."""
        return int(self._sm.index)

    @property
    def end(self) -> int:
        """Character offset just past the node's end."""
        return int(self._em.index)


class Scalar(Node):
    __slots__ = ("style", "text", "value")

    def __init__(self, start_mark: Any, end_mark: Any, text: str, style: str | None) -> None:
        self._sm = start_mark
        self._em = end_mark
        self._span = None
        self.text = text
        self.style = style
        self.value: str | bool | int | float | None = _resolve(text, style)

    def __repr__(self) -> str:
        return f"Scalar({self.text!r} @{self.span.line}:{self.span.column})"


class Mapping(Node):
    __slots__ = ("_index", "pairs")

    def __init__(self, start_mark: Any, end_mark: Any) -> None:
        super().__init__(start_mark, end_mark)
        self.pairs: list[tuple[Scalar, Node]] = []
        self._index: dict[str, int] = {}

    def get(self, key: str) -> Node | None:
        i = self._index.get(key)
        return None if i is None else self.pairs[i][1]

    def key_node(self, key: str) -> Scalar | None:
        i = self._index.get(key)
        return None if i is None else self.pairs[i][0]

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.pairs]

    def items(self) -> Iterator[tuple[str, Node]]:
        for k, v in self.pairs:
            yield k.text, v

    def __repr__(self) -> str:
        return f"Mapping({self.keys()!r} @{self.span.line}:{self.span.column})"


class Sequence(Node):
    __slots__ = ("items",)

    def __init__(self, start_mark: Any, end_mark: Any) -> None:
        super().__init__(start_mark, end_mark)
        self.items: list[Node] = []

    def __repr__(self) -> str:
        return f"Sequence(len={len(self.items)} @{self.span.line}:{self.span.column})"


@dataclass(slots=True)
class LoadProblem:
    """Something wrong with the file as YAML (as opposed to as a workflow)."""

    kind: str  # "syntax", "duplicate-key", "encoding"
    span: Span
    message: str
    fix: str = ""


@dataclass(slots=True)
class Document:
    """A loaded file: its text, its root node (None when unusable) and its problems."""

    path: str
    text: str
    root: Node | None
    problems: list[LoadProblem] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
    #: Scalars holding ``${{``, in document order, collected while loading.
    expression_scalars: list[Scalar] = field(default_factory=list)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1

    def span_of(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return Span(line, col, end_line, end_col)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


_MAYBE_NOT_STR = frozenset("0123456789-+.~nNtTfF")


def _resolve(text: str, style: str | None) -> str | bool | int | float | None:
    if style or (text and text[0] not in _MAYBE_NOT_STR):
        return text
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        try:
            return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)
        except ValueError:
            return text
    if _FLOAT.match(text):
        try:
            return float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
        except ValueError:
            return text
    return text


def line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def decode(path: str, data: bytes) -> tuple[str | None, LoadProblem | None]:
    """Bytes to text, or a problem saying where the bytes stop being UTF-8 text."""
    if b"\0" in data[:8192]:
        return None, LoadProblem(
            "encoding",
            Span.point(1, 1),
            "not a text file (it contains NUL bytes)",
            "workflow files are UTF-8 text; remove the binary file or exclude it",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, LoadProblem(
            "encoding",
            Span.point(line, col),
            f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
            "save the file as UTF-8, as GitHub requires",
        )
    # YAML treats CR LF as one break; our offsets assume "\n".
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


def load_bytes(path: str, data: bytes) -> Document:
    if len(data) > MAX_FILE_BYTES:
        return _too_large(path)
    text, problem = decode(path, data)
    if text is None:
        assert problem is not None
        return Document(path, "", None, [problem], [0])
    return load_text(path, text)


def load_text(path: str, text: str) -> Document:
    """Parse ``text`` into positioned nodes; never raises on bad YAML."""
    if len(text) > MAX_FILE_BYTES:
        return _too_large(path)
    doc = Document(path, text, None, [], line_starts(text))
    if not text.strip():
        doc.problems.append(
            LoadProblem(
                "syntax", Span.point(1, 1), "the file is empty", "add a workflow or delete the file"
            )
        )
        return doc
    deep = _too_deep(text)
    if deep is not None:
        doc.problems.append(_nesting_problem(deep))
        return doc
    # The node graph is large and acyclic: collecting while building it makes a
    # megabyte-sized file cost four times as much (each collection walks the heap).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _compose_and_build(doc)
    finally:
        if gc_was_enabled:
            gc.enable()


def _compose_and_build(doc: Document) -> Document:
    text = doc.text
    try:
        raw_docs = _compose_all(text)
    except RecursionError:
        doc.problems.append(_nesting_problem(Span.point(1, 1)))
        return doc
    except Exception as exc:  # ruamel raises many error types; all carry marks
        doc.problems.append(_syntax_problem(exc))
        return doc
    if not raw_docs:
        doc.problems.append(
            LoadProblem(
                "syntax", Span.point(1, 1), "the file holds no YAML document", "add a workflow"
            )
        )
        return doc
    if len(raw_docs) > 1:
        second = raw_docs[1]
        line, col = second.start_mark.line + 1, second.start_mark.column + 1
        doc.problems.append(
            LoadProblem(
                "syntax",
                Span.point(line, col),
                f"the file holds {len(raw_docs)} YAML documents; GitHub reads only one",
                "remove the `---` separators and the extra documents",
            )
        )
    builder = _Builder(doc)
    try:
        doc.root = builder.build(raw_docs[0], 0)[0]
    except _AliasBomb:
        doc.problems.append(
            LoadProblem(
                "syntax",
                Span.point(1, 1),
                f"aliases expand this document to more than {MAX_EXPANDED_NODES} nodes",
                "remove the nested aliases (an alias bomb)",
            )
        )
    except RecursionError:
        doc.problems.append(_nesting_problem(Span.point(1, 1)))
    return doc


def _nesting_problem(span: Span) -> LoadProblem:
    return LoadProblem(
        "syntax", span, f"nesting is deeper than {MAX_DEPTH} levels", "flatten the document"
    )


def _too_large(path: str) -> Document:
    doc = Document(path, "", None, [], [0])
    doc.problems.append(
        LoadProblem(
            "encoding",
            Span.point(1, 1),
            f"the file is larger than {MAX_FILE_BYTES >> 20} MiB, the most actiongen checks",
            "split the workflow (reusable workflows, composite actions) or exclude the file",
        )
    )
    return doc


def _too_deep(text: str) -> Span | None:
    """Where nesting passes :data:`MAX_DEPTH`, when it might pass :data:`_COMPOSER_DEPTH`.

    The composer recurses in C and overflows the stack (a segfault, not an exception)
    somewhere below 100,000 levels.  Depth is at most the number of ``[``/``{`` plus
    twice the longest run of indentation and ``- ``/``? ``/``: `` indicators opening a
    line, so almost every file is cleared by two counts and one search (the builder
    enforces MAX_DEPTH on those); the rest get an event scan, which the C parser does
    without recursion.
    """
    flow = text.count("[") + text.count("{")
    if flow <= _COMPOSER_DEPTH // 2 and _DEEP_PREFIX.search(text) is None:
        return None
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    parser = _fast_parser()(text)
    if not hasattr(parser, "check_event"):  # pure Python: its composer raises RecursionError
        return None
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return Span.point(mark.line + 1, mark.column + 1)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except Exception:  # a syntax error: composing reports it with its position
        return None
    return None


def _compose_all(text: str) -> list[Any]:
    return list(_compose_iter(text))


def _compose_iter(text: str) -> Iterator[Any]:
    parser = _fast_parser()(text)
    while parser.check_node():
        yield parser.get_node()


@lru_cache(maxsize=1)
def _fast_parser() -> Any:
    """ruamel's C parser with tag resolution switched off.

    Its resolver costs as much as the parsing itself, and we resolve scalars our own
    way (GitHub's way) anyway; every node gets one shared tag object, which also spares
    ruamel's node constructor from making a new tag for each node.
    """
    global ScalarNode, SequenceNode
    from ruamel.yaml.nodes import ScalarNode, SequenceNode
    from ruamel.yaml.tag import Tag

    shared_tag = Tag(suffix="?")
    try:
        from _ruamel_yaml import CParser
    except ImportError:  # no C extension: the pure-Python composer, same nodes
        from ruamel.yaml import YAML

        class Pure:
            def __init__(self, text: str) -> None:
                self._docs = iter(YAML(typ="safe", pure=True).compose_all(text))
                self._next: Any = next(self._docs, None)

            def check_node(self) -> bool:
                return self._next is not None

            def get_node(self) -> Any:
                node, self._next = self._next, next(self._docs, None)
                return node

        return Pure

    class Parser(CParser):  # type: ignore[misc]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            return shared_tag

        def descend_resolver(self, *args: Any) -> None:
            return None

        def ascend_resolver(self, *args: Any) -> None:
            return None

    return Parser


def _syntax_problem(exc: Exception) -> LoadProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = (
        getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if str(exc)
        else type(exc).__name__
    )
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    span = Span.point(mark.line + 1, mark.column + 1) if mark is not None else Span.point(1, 1)
    return LoadProblem(
        "syntax", span, message.replace("\n", " "), "fix the YAML syntax at this position"
    )


class _AliasBomb(Exception):
    pass


class _Builder:
    """Turns ruamel nodes into ours, once per node, so aliases share one object.

    It also counts the size the document would have if every alias were copied
    out, and stops at :data:`MAX_EXPANDED_NODES` (an alias bomb costs nothing).
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.memo: dict[int, tuple[Node, int]] = {}
        # Distinct nodes built so far: a subtree whose expanded size passes this by
        # MAX_EXPANDED_NODES owes the excess to aliases; a large plain file is no bomb.
        self.built = 0

    def build(self, raw: Any, depth: int) -> tuple[Node, int]:
        """Our node for ``raw`` and its expanded size."""
        if depth > MAX_DEPTH:
            raise RecursionError
        known = self.memo.get(id(raw))
        if known is not None:
            return known
        self.built += 1
        kind = type(raw)
        if kind is ScalarNode:
            scalar = Scalar(raw.start_mark, raw.end_mark, raw.value, raw.style)
            self.memo[id(raw)] = (scalar, 1)
            if "${{" in raw.value:
                self.doc.expression_scalars.append(scalar)
            return scalar, 1
        size = 1
        if kind is SequenceNode:
            seq = Sequence(raw.start_mark, raw.end_mark)
            self.memo[id(raw)] = (seq, 1)  # a self-referencing alias sees size 1
            items = seq.items
            for item in raw.value:
                node, n = self.build(item, depth + 1)
                items.append(node)
                size += n
                if size > MAX_EXPANDED_NODES + self.built:
                    raise _AliasBomb
            self.memo[id(raw)] = (seq, size)
            return seq, size
        mapping = Mapping(raw.start_mark, raw.end_mark)
        self.memo[id(raw)] = (mapping, 1)
        merges: list[Any] = []
        for raw_key, raw_value in raw.value:
            if type(raw_key) is ScalarNode and not raw_key.style and raw_key.value == "<<":
                merges.append(raw_value)
                continue
            key, nk = self.build(raw_key, depth + 1)
            value, nv = self.build(raw_value, depth + 1)
            size += nk + nv
            if size > MAX_EXPANDED_NODES + self.built:
                raise _AliasBomb
            if not isinstance(key, Scalar):
                self.doc.problems.append(
                    LoadProblem(
                        "syntax",
                        key.span,
                        "a mapping key must be a plain string",
                        "write the key as a string",
                    )
                )
                continue
            self._add(mapping, key, value)
        for merged in merges:
            sources = merged.value if type(merged) is SequenceNode else [merged]
            for source in sources:
                built, n = self.build(source, depth + 1)
                size += n
                if size > MAX_EXPANDED_NODES + self.built:
                    raise _AliasBomb
                if isinstance(built, Mapping):
                    for k, v in built.pairs:
                        if k.text not in mapping._index:
                            mapping._index[k.text] = len(mapping.pairs)
                            mapping.pairs.append((k, v))
        self.memo[id(raw)] = (mapping, size)
        return mapping, size

    def _add(self, mapping: Mapping, key: Scalar, value: Node) -> None:
        name = key.text
        first = mapping._index.get(name)
        if first is not None:
            line = mapping.pairs[first][0].span.line
            self.doc.problems.append(
                LoadProblem(
                    "duplicate-key",
                    key.span,
                    f"duplicate key `{name}` (first defined on line {line}); "
                    "GitHub rejects workflows with duplicate keys",
                    "remove or rename one of the two keys",
                )
            )
            return
        mapping._index[name] = len(mapping.pairs)
        mapping.pairs.append((key, value))


def to_data(node: Node | None) -> Any:
    """Plain Python data for schema validation.  Aliases become shared objects."""
    memo: dict[int, Any] = {}

    def conv(n: Node | None) -> Any:
        if n is None:
            return None
        got = memo.get(id(n))
        if got is not None:
            return got
        if isinstance(n, Scalar):
            return n.value
        if isinstance(n, Sequence):
            out_list: list[Any] = []
            memo[id(n)] = out_list
            out_list.extend(conv(i) for i in n.items)
            return out_list
        assert isinstance(n, Mapping)
        out: dict[str, Any] = {}
        memo[id(n)] = out
        for k, v in n.pairs:
            out[k.text] = conv(v)
        return out

    return conv(node)


def walk(node: Node | None) -> Iterator[Node]:
    """Every node once (aliases visited once), depth first, keys included."""
    if node is None:
        return
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        if isinstance(n, Mapping):
            for k, v in reversed(n.pairs):
                stack.append(v)
                stack.append(k)
        elif isinstance(n, Sequence):
            stack.extend(reversed(n.items))
