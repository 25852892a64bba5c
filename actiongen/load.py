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

import _thread
import bisect
import gc
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
#: An anchor as libyaml scans one (letters, digits, ``_``, ``-``), after a token boundary.
_ANCHOR = lazy_compile(r"&[\w-]")
#: An alias, the same way (``*name``); globs in scripts rarely match (``*.md`` does not).
_ALIAS = lazy_compile(r"\*[\w-]")
_BEFORE_ANCHOR = frozenset(" \t\n[{,:?")
#: Without aliases, depth is at most the flow brackets plus twice the longest run of
#: indentation and block indicators (`` ``, tab, ``-``, ``?``, ``:``) opening a line.
#: Lines opening with runs this long are looked for, shortest first (see
#: :func:`_opening_run_bound`): the first two leave the flow brackets the rest of
#: MAX_DEPTH; past the last, the composer itself might be at risk.
_PREFIX_RUNS = (
    (32, lazy_compile(r"\n[ \t?:-]{32}")),
    (120, lazy_compile(r"\n[ \t?:-]{120}")),
    (_COMPOSER_DEPTH // 4, lazy_compile(rf"\n[ \t?:-]{{{_COMPOSER_DEPTH // 4}}}")),
)

_INT = lazy_compile(r"[-+]?(0|[1-9][0-9]*)$|0o[0-7]+$|0x[0-9a-fA-F]+$")
_FLOAT = lazy_compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|[-+]?\.(inf|Inf|INF)$|\.(nan|NaN|NAN)$"
)


class Node:
    """A YAML node with its place in the source text.

    Positions are kept as the parser's marks and turned into a :class:`Span` on first
    use: most nodes of a file never appear in a finding.  The constructors take the
    arguments ruamel's C composer passes to its own node classes, so the composer
    builds these nodes directly (see :func:`_compose_all`).
    """

    __slots__ = ("_em", "_sm", "_span")
    tag = ""
    _sm: Any
    _em: Any
    _span: Span | None

    @property
    def end_mark(self) -> Any:
        return self._em

    @end_mark.setter
    def end_mark(self, mark: Any) -> None:
        # The composer sets this when it closes a mapping or a sequence.
        self._em = mark
        self._finish()

    def _finish(self) -> None:
        """Called when the composer closes this collection (see :class:`Mapping`)."""

    @property
    def span(self) -> Span:
        # `_span` is left unset until asked for (most nodes never are): one store less
        # for each of the ~180,000 nodes of the corpus.
        span: Span | None = getattr(self, "_span", None)
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

    def __init__(self, tag: object, text: str, start_mark: Any, end_mark: Any, style: Any) -> None:
        self._sm = start_mark
        self._em = end_mark
        self.text = text
        self.style: str | None = style
        # Quoted and block scalars are strings; of plain ones, only the words in _WORDS
        # and what starts like a number (a digit, a sign, a dot) may be anything else.
        if style:
            self.value: str | bool | int | float | None = text
        elif text[:1] in _NUMBER_START:
            self.value = _resolve(text)
        else:
            self.value = _WORDS.get(text, text)
        if "${{" in text:
            _sink.expressions.append(self)

    def __repr__(self) -> str:
        return f"Scalar({self.text!r} @{self.span.line}:{self.span.column})"


class Mapping(Node):
    """A mapping; :attr:`pairs` keeps source order, merged (``<<``) keys last."""

    __slots__ = ("by_key", "pairs")

    def __init__(
        self, tag: object, pairs: list[tuple[Any, Node]], start_mark: Any, end_mark: Any, style: Any
    ) -> None:
        self._sm = start_mark
        self._em = end_mark
        # The composer appends to this list, then sets end_mark: see _finish.
        self.pairs: list[tuple[Scalar, Node]] = pairs
        #: Key text to value node, filled when the mapping is complete; read-only.
        #: ``by_key.get`` is :meth:`get` without a Python call, for hot loops.
        self.by_key: dict[str, Node] = {}

    def _finish(self) -> None:
        """Index the keys once every pair is in; duplicates and merges take the slow path."""
        pairs = self.pairs
        try:
            by_key = {k.text: v for k, v in pairs}
        except AttributeError:  # a key that is a mapping or a sequence
            self._finish_slowly()
            return
        if len(by_key) != len(pairs) or "<<" in by_key:
            self._finish_slowly()
        else:
            self.by_key = by_key

    def _finish_slowly(self) -> None:
        index: dict[str, int] = {}
        kept: list[tuple[Scalar, Node]] = []
        merges: list[Node] = []
        problems = _sink.problems
        for key, value in self.pairs:
            if type(key) is not Scalar:
                problems.append(
                    LoadProblem(
                        "syntax",
                        key.span,
                        "a mapping key must be a plain string",
                        "write the key as a string",
                    )
                )
                continue
            name = key.text
            if name == "<<" and not key.style:
                merges.append(value)
                continue
            first = index.get(name)
            if first is not None:
                line = kept[first][0].span.line
                problems.append(
                    LoadProblem(
                        "duplicate-key",
                        key.span,
                        f"duplicate key `{name}` (first defined on line {line}); "
                        "GitHub rejects workflows with duplicate keys",
                        "remove or rename one of the two keys",
                    )
                )
                continue
            index[name] = len(kept)
            kept.append((key, value))
        # Merged keys come after the mapping's own keys, which win (YAML 1.1 merge).
        for merged in merges:
            for source in merged.items if type(merged) is Sequence else [merged]:
                if type(source) is Mapping:
                    for k, v in source.pairs:
                        if k.text not in index:
                            index[k.text] = len(kept)
                            kept.append((k, v))
        self.pairs = kept
        self.by_key = {k.text: v for k, v in kept}

    def get(self, key: str) -> Node | None:
        return self.by_key.get(key)

    def key_node(self, key: str) -> Scalar | None:
        if key in self.by_key:
            for k, _ in self.pairs:
                if k.text == key:
                    return k
        return None

    def __contains__(self, key: str) -> bool:
        return key in self.by_key

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.pairs]

    def items(self) -> Iterator[tuple[str, Node]]:
        for k, v in self.pairs:
            yield k.text, v

    def __repr__(self) -> str:
        return f"Mapping({self.keys()!r} @{self.span.line}:{self.span.column})"


class Sequence(Node):
    __slots__ = ("items",)

    @property
    def end_mark(self) -> Any:
        return self._em

    @end_mark.setter
    def end_mark(self, mark: Any) -> None:  # nothing to finish: no call for it
        self._em = mark

    def __init__(
        self, tag: object, items: list[Node], start_mark: Any, end_mark: Any, style: Any
    ) -> None:
        self._sm = start_mark
        self._em = end_mark
        self.items: list[Node] = items

    def __repr__(self) -> str:
        return f"Sequence(len={len(self.items)} @{self.span.line}:{self.span.column})"


class _Sink:
    """Where nodes report while one document is composed (see :func:`_compose_all`)."""

    __slots__ = ("expressions", "problems")

    def __init__(self) -> None:
        #: Scalars holding ``${{``, in document order.
        self.expressions: list[Scalar] = []
        self.problems: list[LoadProblem] = []


_sink = _Sink()
_COMPOSING = _thread.allocate_lock()


class LoadProblem:
    """Something wrong with the file as YAML (as opposed to as a workflow)."""

    __slots__ = ("fix", "kind", "message", "span")

    def __init__(self, kind: str, span: Span, message: str, fix: str = "") -> None:
        self.kind = kind  # "syntax", "duplicate-key", "encoding"
        self.span = span
        self.message = message
        self.fix = fix

    def __repr__(self) -> str:
        return f"LoadProblem({self.kind!r}, {self.span!r}, {self.message!r})"


class Document:
    """A loaded file: its text, its root node (None when unusable) and its problems."""

    __slots__ = ("_line_starts", "expression_scalars", "path", "problems", "root", "text")

    def __init__(
        self,
        path: str,
        text: str,
        root: Node | None,
        problems: list[LoadProblem] | None = None,
        line_starts: list[int] | None = None,
    ) -> None:
        self.path = path
        self.text = text
        self.root = root
        self.problems: list[LoadProblem] = [] if problems is None else problems
        self._line_starts = line_starts
        #: Scalars holding ``${{``, in document order, collected while loading.
        self.expression_scalars: list[Scalar] = []

    @property
    def line_starts(self) -> list[int]:
        """Offsets at which lines start (computed on first use: few files need them)."""
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = line_starts(self.text)
        return starts

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


_NUMBER_START = frozenset("0123456789-+.")
#: The plain scalars that are not strings without looking like numbers (YAML 1.2 core).
_WORDS: dict[str, bool | None] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
}


def _resolve(text: str) -> str | bool | int | float | None:
    """A plain scalar's value under the YAML 1.2 core schema, as GitHub reads it."""
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
    doc = Document(path, text, None, [])
    if not text.strip():
        doc.problems.append(
            LoadProblem(
                "syntax", Span.point(1, 1), "the file is empty", "add a workflow or delete the file"
            )
        )
        return doc
    # Two scans of the text bound how deep it may nest, for both checks below.
    flow, run = _flow_openers(text), _opening_run_bound(text)
    deep = _too_deep(text, flow, run)
    if deep is not None:
        doc.problems.append(_nesting_problem(deep))
        return doc
    # The node graph is large and acyclic: collecting while building it makes a
    # megabyte-sized file cost four times as much (each collection walks the heap).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _compose_and_build(doc, flow, run)
    finally:
        if gc_was_enabled:
            gc.enable()


def _compose_and_build(doc: Document, flow: int, run: int | None) -> Document:
    text = doc.text
    first = _Sink()
    try:
        roots = _compose_all(text, first)
    except RecursionError:
        doc.problems.append(_nesting_problem(Span.point(1, 1)))
        return doc
    except Exception as exc:  # ruamel raises many error types; all carry marks
        doc.problems.append(_syntax_problem(exc))
        return doc
    if not roots:
        doc.problems.append(
            LoadProblem(
                "syntax", Span.point(1, 1), "the file holds no YAML document", "add a workflow"
            )
        )
        return doc
    if len(roots) > 1:
        second = roots[1].span
        doc.problems.append(
            LoadProblem(
                "syntax",
                Span.point(second.line, second.column),
                f"the file holds {len(roots)} YAML documents; GitHub reads only one",
                "remove the `---` separators and the extra documents",
            )
        )
    doc.problems.extend(first.problems)
    root = roots[0]
    if _may_expand_or_nest(text, flow, run):
        problem = _expansion_problem(root)
        if problem is not None:
            doc.problems.append(problem)
            return doc
    doc.root = root
    doc.expression_scalars = first.expressions
    return doc


def _may_expand_or_nest(text: str, flow: int | None = None, run: int | None = -1) -> bool:
    """Whether aliases may make the document large or deep: then it is measured.

    libyaml names anchors and aliases with letters, digits, ``_`` and ``-`` only, after a
    space, a line start or a flow indicator, so a file that does not match both
    :data:`_ANCHOR` and :data:`_ALIAS` there has no aliases (``&&`` and ``2>&1`` in
    scripts do not match).  Without aliases the depth is at most ``flow`` (see
    :func:`_flow_openers`) plus twice ``run`` (see :func:`_opening_run_bound`); both
    are worked out here when not given.
    """
    if _pure_python():
        return True
    if _after_boundary(_ANCHOR, text) and _after_boundary(_ALIAS, text):
        return True
    if flow is None:
        flow = _flow_openers(text)
    if run == -1:
        run = _opening_run_bound(text)
    if run is None or run > _PREFIX_RUNS[1][0]:
        return True
    return flow + 2 * run > MAX_DEPTH


def _opening_run_bound(text: str) -> int | None:
    """The shortest length in :data:`_PREFIX_RUNS` that no line's opening run of
    indentation and block indicators reaches; None when one reaches them all.

    (Each search looks for a newline, a literal, so it is a fast scan; the first line
    is matched alone.)
    """
    for length, pattern in _PREFIX_RUNS:
        if pattern.search(text) is None and pattern.match("\n" + text[:length]) is None:
            return length
    return None


def may_share_nodes(text: str) -> bool:
    """Whether the document loaded from ``text`` may reach one node by two paths: only
    an alias (``*name``, with the characters libyaml allows) makes a node shared."""
    return _ALIAS.search(text) is not None


def _after_boundary(pattern: Any, text: str) -> bool:
    """Whether ``pattern`` (starting with a literal: a fast scan) occurs at a token start."""
    for m in pattern.finditer(text):
        at = m.start()
        if at == 0 or text[at - 1] in _BEFORE_ANCHOR:
            return True
    return False


def _expansion_problem(root: Node) -> LoadProblem | None:
    """An alias bomb or nesting past :data:`MAX_DEPTH`, measured without expanding aliases.

    Each distinct node is visited once and remembers its expanded size and its height,
    so a node reached again through an alias costs a lookup, and a chain of aliases
    nesting each other (deep with no indentation to show it) is seen for what it is.
    """
    measured: dict[int, tuple[int, int]] = {}  # id -> (expanded size, height)
    built = 0

    def measure(node: Node, depth: int) -> tuple[int, int]:
        nonlocal built
        known = measured.get(id(node))
        if known is not None:
            if depth + known[1] - 1 > MAX_DEPTH:  # its deepest node, reached from here
                raise RecursionError
            return known
        if depth > MAX_DEPTH:
            raise RecursionError
        built += 1
        if type(node) is Scalar:
            measured[id(node)] = (1, 1)
            return 1, 1
        measured[id(node)] = (1, 1)  # a node that contains itself counts once
        total, height = 1, 1
        children: list[Node]
        if type(node) is Mapping:
            children = [n for pair in node.pairs for n in pair]
        else:
            assert isinstance(node, Sequence)
            children = node.items
        for child in children:
            if type(child) is Scalar:  # most children: measured here, without a call
                if depth + 1 > MAX_DEPTH:
                    raise RecursionError
                key = id(child)
                if key not in measured:
                    built += 1
                    measured[key] = (1, 1)
                total += 1
                if height < 2:  # a scalar below: height 2
                    height = 2
            else:
                size, below = measure(child, depth + 1)
                total += size
                height = max(height, below + 1)
            # Distinct nodes are what the file really holds; growth beyond them by
            # MAX_EXPANDED_NODES is owed to aliases (a large plain file is no bomb).
            if total > MAX_EXPANDED_NODES + built:
                raise _AliasBomb
        measured[id(node)] = (total, height)
        return total, height

    try:
        measure(root, 0)
    except _AliasBomb:
        return LoadProblem(
            "syntax",
            Span.point(1, 1),
            f"aliases expand this document to more than {MAX_EXPANDED_NODES} nodes",
            "remove the nested aliases (an alias bomb)",
        )
    except RecursionError:
        return _nesting_problem(Span.point(1, 1))
    return None


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


def _flow_openers(text: str) -> int:
    """At most how many flow collections (``[``, ``{``) may open in ``text``.

    The two braces of each ``${{`` do not count: in block context they are part of a
    scalar, and in flow context a ``{`` right after a scalar's ``$`` is a syntax error
    before anything nests.  Expressions would otherwise send a long workflow (hundreds
    of ``${{ }}``) down the slow paths below.
    """
    return text.count("[") + text.count("{") - 2 * text.count("${{")


def _too_deep(text: str, flow: int, run: int | None) -> Span | None:
    """Where nesting passes :data:`MAX_DEPTH`, when it might pass :data:`_COMPOSER_DEPTH`.

    The composer recurses in C and overflows the stack (a segfault, not an exception)
    somewhere below 100,000 levels.  Depth is at most ``flow`` (the flow collections
    that may open, see :func:`_flow_openers`) plus twice ``run`` (see
    :func:`_opening_run_bound`), so almost every file is cleared by those two scans
    (the builder enforces MAX_DEPTH on those); the rest get an event scan, which the C
    parser does without recursion.
    """
    if flow <= _COMPOSER_DEPTH // 2 and run is not None:
        return None
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    parser_class = _fast_parser()[0]
    if parser_class is None:  # pure Python: its composer raises RecursionError
        return None
    parser = parser_class(text)
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


def _compose_all(text: str, first: _Sink) -> list[Node]:
    """Every document's root node; the first document's nodes report to ``first``.

    ruamel's C composer is pointed at our node classes for the call, so it builds
    them directly: no second pass copies its nodes into ours.
    """
    global _sink
    parser, module = _fast_parser()
    if module is None:
        return _compose_pure(text, first)
    # The node classes and the sink are module-wide: one thread composes at a time.
    with _COMPOSING:
        saved = module.ScalarNode, module.SequenceNode, module.MappingNode
        module.ScalarNode, module.SequenceNode, module.MappingNode = Scalar, Sequence, Mapping
        _sink = first
        try:
            composer = parser(text)
            roots: list[Node] = []
            while composer.check_node():
                roots.append(composer.get_node())
                _sink = _Sink()  # GitHub reads the first document only
            return roots
        finally:
            module.ScalarNode, module.SequenceNode, module.MappingNode = saved
            _sink = _Sink()


def _compose_pure(text: str, first: _Sink) -> list[Node]:
    """Without the C extension: ruamel's pure-Python composer, its nodes copied into ours."""
    global _sink
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    memo: dict[int, Node] = {}

    def convert(raw: Any) -> Node:
        known = memo.get(id(raw))
        if known is not None:
            return known
        node: Node
        if isinstance(raw, ScalarNode):
            node = memo[id(raw)] = Scalar(None, raw.value, raw.start_mark, raw.end_mark, raw.style)
        elif isinstance(raw, MappingNode):
            mapping = Mapping(None, [], raw.start_mark, None, None)
            node = memo[id(raw)] = mapping
            mapping.pairs.extend((convert(k), convert(v)) for k, v in raw.value)  # type: ignore[misc]
            mapping.end_mark = raw.end_mark
        else:
            seq = Sequence(None, [], raw.start_mark, None, None)
            node = memo[id(raw)] = seq
            seq.items.extend(convert(item) for item in raw.value)
            seq.end_mark = raw.end_mark
        return node

    with _COMPOSING:
        _sink = first
        try:
            roots: list[Node] = []
            for raw in YAML(typ="safe", pure=True).compose_all(text):
                memo.clear()
                roots.append(convert(raw))
                _sink = _Sink()  # GitHub reads the first document only
            return roots
        finally:
            _sink = _Sink()


def _pure_python() -> bool:
    return _fast_parser()[1] is None


@lru_cache(maxsize=1)
def _fast_parser() -> tuple[Any, Any]:
    """ruamel's C parser with tag resolution switched off, and its module.

    The resolver costs as much as the parsing itself, and we resolve scalars our own
    way (GitHub's way) anyway: the three resolver hooks are C built-ins that ignore
    their arguments, so they cost no Python frame per node.  (None, None) without
    the C extension.
    """
    from actiongen.cparser import import_extension

    try:
        _ruamel_yaml = import_extension()
    except ImportError:  # no C extension: the pure-Python composer
        return None, None

    class Parser(_ruamel_yaml.CParser):  # type: ignore[misc,name-defined]
        # Built-in callables taking the hooks' arguments; their results are ignored
        # by our node classes (``tag``).
        resolve = slice
        descend_resolver = slice
        ascend_resolver = tuple

    return Parser, _ruamel_yaml


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
