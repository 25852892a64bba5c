"""``${{ }}`` expressions found in scalars, with their exact positions.

Positions come from the raw source text of the scalar, not its value, so an
expression inside a block scalar (``run: |``) points at its own line and column.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from actiongen.lazyre import lazy_compile

if TYPE_CHECKING:
    from actiongen.findings import Span
    from actiongen.load import Document, Scalar

_OPEN = "${{"


class Expression:
    """One ``${{ ... }}``: ``text`` is the inside, stripped.

    Its span is worked out on first use (most expressions never appear in a finding).
    """

    __slots__ = ("_at", "_span", "scalar", "text")

    def __init__(
        self,
        text: str,
        span: Span | None,
        scalar: Scalar,
        at: tuple[Document, int, int] | None = None,
    ) -> None:
        self.text = text
        self.scalar = scalar
        self._span = span
        #: (document, start offset, end offset) when the span is still to be computed.
        self._at = at

    @property
    def span(self) -> Span:
        span = self._span
        if span is None:
            assert self._at is not None
            doc, start, end = self._at
            span = self._span = doc.span_of(start, end)
        return span

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    @property
    def references(self) -> list[str]:
        """Dotted context references such as ``secrets.TOKEN`` or ``github.event.issue.title``."""
        return references(self.text)


_STRING = lazy_compile(r"'(?:[^']|'')*'")
_STRING_INDEX = lazy_compile(r"\[\s*'([^']*)'\s*\]")
_STAR_INDEX = lazy_compile(r"\[\s*\*\s*\]")
_SPACES = lazy_compile(r"\s+")
_NAMED_INDEX = lazy_compile(r"([A-Za-z_][\w\-]*)\[\s*'([^']*)'\s*\]")
_REF = lazy_compile(
    r"(?<![\w.\-])([A-Za-z_][\w\-]*(?:\s*(?:\.\s*[A-Za-z_*][\w\-]*|\[\s*'[^']*'\s*\]|\[\s*\*\s*\]))*)"
)


def references(text: str) -> list[str]:
    """Context references in an expression, normalised to dotted form.

    ``secrets['A']`` becomes ``secrets.A``; string literals are ignored.  (A new list
    each call; the work is remembered per text, as the same expressions recur.)
    """
    return list(_references(text))


@lru_cache(maxsize=4096)
def _references(text: str) -> tuple[str, ...]:
    stripped = _STRING.sub("''", text)
    out: list[str] = []
    for m in _REF.finditer(stripped):
        ref = m.group(1)
        ref = _STRING_INDEX.sub(r".\1", ref)
        ref = _STAR_INDEX.sub(".*", ref)
        ref = _SPACES.sub("", ref)
        out.append(ref)
    # references inside bracketed string indexes were replaced above; recover them
    for m in _NAMED_INDEX.finditer(text):
        candidate = f"{m.group(1)}.{m.group(2)}"
        if candidate not in out:
            out.append(candidate)
    return tuple(out)


#: Styles whose line breaks and indentation fold into spaces (plain and block scalars).
_FOLDING_STYLES = frozenset({"|", ">", "", None})


def find_expressions(doc: Document, scalar: Scalar) -> list[Expression]:
    """Every ``${{ }}`` in ``scalar``, located in the source text."""
    value = scalar.value
    if not isinstance(value, str) or _OPEN not in value:
        return []
    found: list[Expression] = []
    collect_expressions(doc, scalar, value, found)
    return found


def collect_expressions(doc: Document, scalar: Scalar, value: str, found: list[Expression]
                        ) -> None:
    """Append the ``${{ }}`` of ``scalar`` (whose value, a string, is ``value``) to
    ``found``: :func:`find_expressions` for a caller that collects many scalars'."""
    # Searched in place (bounded by the scalar's end) rather than in a copy of the
    # scalar's source: scripts are long, and every file has many expressions.
    text = doc.text
    end = scalar.end
    i = text.find(_OPEN, scalar.start, end)
    if i == -1:
        if _OPEN in value:  # escapes in a quoted scalar hid it: point at the scalar itself
            found.extend(Expression(inner.strip(), scalar.span, scalar)
                         for inner in _inner_texts(value))
        return
    folds = scalar.style in _FOLDING_STYLES
    find = text.find
    append = found.append
    while i != -1:
        close = find("}}", i + 3, end)
        if close == -1:
            break
        inner = text[i + 3 : close]
        # (Joining the words leaves nothing to strip.)
        inner = " ".join(inner.split()) if folds else inner.strip()
        append(Expression(inner, None, scalar, (doc, i, close + 2)))
        i = find(_OPEN, close + 2, end)


def _inner_texts(value: str) -> list[str]:
    out = []
    i = value.find(_OPEN)
    while i != -1:
        close = value.find("}}", i + 3)
        if close == -1:
            break
        out.append(value[i + 3 : close])
        i = value.find(_OPEN, close + 2)
    return out
