"""Which context values flow into the *result* of a ``${{ }}`` expression.

``${{ github.event.issue.title }}`` puts the title into the text around it, but
``${{ contains(github.event.issue.title, 'bug') }}`` puts only ``true`` or ``false``
there.  Rules about injection and secret exposure care about the first kind, so they
ask :func:`output_flows` rather than looking at every reference.

The analysis follows GitHub's expression semantics: comparisons, ``!`` and the
predicate functions yield booleans; ``a && b`` yields ``b`` (or a falsy ``a``, which
is empty); ``a || b`` yields either; ``format``/``join`` yield their arguments;
``toJSON(x)`` yields *all* of ``x``, nested fields included.  Context names are
case-insensitive, so paths are lower-cased; an index or ``.*`` filter becomes ``*``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from actiongen.lazyre import lazy_compile
from actiongen.model.expressions import references


class Flow:
    """A context value that reaches the expression's result.

    ``whole`` means the entire object at ``path`` does (through ``toJSON``), so any
    field below it reaches the result too.  Flows are values: equal fields, equal flows.
    """

    __slots__ = ("path", "whole")

    def __init__(self, path: str, whole: bool = False) -> None:
        self.path = path
        self.whole = whole

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Flow):
            return NotImplemented
        return self.path == other.path and self.whole == other.whole

    def __hash__(self) -> int:
        return hash((self.path, self.whole))

    def __repr__(self) -> str:
        return f"Flow(path={self.path!r}, whole={self.whole!r})"

    def reaches(self, pattern: str) -> bool:
        """True when the value at ``pattern`` (dotted, ``*`` wildcards) reaches the result."""
        mine = self.path.split(".")
        theirs = pattern.lower().split(".")
        if len(mine) > len(theirs) or (len(mine) < len(theirs) and not self.whole):
            return False
        return all(a == b or a == "*" or b == "*" for a, b in zip(mine, theirs, strict=False))

    def under(self, prefix: str) -> bool:
        """True when the flow is ``prefix`` itself or a field below it."""
        return self.path == prefix or self.path.startswith(prefix + ".")


# Functions whose result is a boolean or a hash, never their arguments' text.
_OPAQUE_FUNCTIONS = frozenset(
    {"contains", "startswith", "endswith", "hashfiles", "success", "always", "failure", "cancelled"}
)

_TOKEN = lazy_compile(
    r"""\s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<number>-?(?:0x[0-9a-fA-F]+|0o[0-7]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))
    | (?P<op>&&|\|\||==|!=|<=|>=|[<>!()\[\].,*])
    | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
    )""",
    re.VERBOSE,
)


class ExpressionSyntaxError(ValueError):
    """The expression does not parse; callers fall back to every reference."""


class _Value:
    __slots__ = ("flows", "literal", "path")

    def __init__(self, flows: frozenset[Flow], path: str | None = None,
                 literal: str | None = None) -> None:
        self.flows = flows
        self.path = path  # set while the value is still a plain context path
        self.literal = literal  # set for string and number literals (for ``x['key']``)


_NOTHING = _Value(frozenset())


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionSyntaxError(f"unexpected character at {pos}: {text[pos:pos + 10]!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExpressionSyntaxError(f"expected {value or 'a value'}")
        self.i += 1
        return tok

    def at(self, *values: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "op" and tok[1] in values

    def parse(self) -> _Value:
        value = self.or_()
        if self.peek() is not None:
            raise ExpressionSyntaxError(f"unexpected {self.peek()}")
        return value

    def or_(self) -> _Value:
        left = self.and_()
        while self.at("||"):
            self.take()
            right = self.and_()
            left = _Value(left.flows | right.flows)
        return left

    def and_(self) -> _Value:
        left = self.equality()
        while self.at("&&"):
            self.take()
            # ``a && b`` is ``b`` when ``a`` is truthy, else ``a`` (falsy: empty text).
            left = _Value(self.equality().flows)
        return left

    def equality(self) -> _Value:
        left = self.comparison()
        while self.at("==", "!="):
            self.take()
            self.comparison()
            left = _NOTHING
        return left

    def comparison(self) -> _Value:
        left = self.unary()
        while self.at("<", "<=", ">", ">="):
            self.take()
            self.unary()
            left = _NOTHING
        return left

    def unary(self) -> _Value:
        if self.at("!"):
            self.take()
            self.unary()
            return _NOTHING
        return self.postfix(self.primary())

    def primary(self) -> _Value:
        kind, text = self.take()
        if kind == "string":
            return _Value(frozenset(), literal=text[1:-1].replace("''", "'"))
        if kind == "number":
            return _Value(frozenset(), literal=text)
        if kind == "op" and text == "(":
            inner = self.or_()
            self.take(")")
            return _Value(inner.flows)
        if kind != "name":
            raise ExpressionSyntaxError(f"unexpected {text!r}")
        lower = text.lower()
        if lower in ("true", "false", "null"):
            return _NOTHING
        if self.at("("):
            return self.call(lower)
        return _Value(frozenset({Flow(lower)}), path=lower)

    def call(self, name: str) -> _Value:
        self.take("(")
        args: list[_Value] = []
        if not self.at(")"):
            args.append(self.or_())
            while self.at(","):
                self.take()
                args.append(self.or_())
        self.take(")")
        if name in _OPAQUE_FUNCTIONS:
            return _NOTHING
        flows = frozenset(f for a in args for f in a.flows)
        if name == "tojson":
            flows = frozenset(Flow(f.path, True) for f in flows)
        return _Value(flows)

    def postfix(self, value: _Value) -> _Value:
        while True:
            if self.at("."):
                self.take()
                kind, text = self.take()
                if kind == "op" and text == "*":
                    segment = "*"
                elif kind == "name":
                    segment = text.lower()
                else:
                    raise ExpressionSyntaxError(f"unexpected {text!r} after '.'")
                value = _deref(value, segment)
            elif self.at("["):
                self.take()
                if self.at("*"):
                    self.take()
                    index = _Value(frozenset(), literal=None)
                    segment = "*"
                else:
                    index = self.or_()
                    segment = index.literal.lower() if index.literal is not None else "*"
                    if index.literal is not None and _is_number(index.literal):
                        segment = "*"
                self.take("]")
                value = _deref(value, segment)
            else:
                return value


def _is_number(text: str) -> bool:
    try:
        float(text) if not text.lower().startswith(("0x", "0o")) else int(text, 0)
    except ValueError:
        return False
    return True


def _deref(value: _Value, segment: str) -> _Value:
    if value.path is not None:
        path = f"{value.path}.{segment}"
        return _Value(frozenset({Flow(path)}), path=path)
    # A field of a computed value (``fromJSON(x).y``): it still comes from ``x``.
    return _Value(value.flows)


@lru_cache(maxsize=4096)
def output_flows(text: str) -> frozenset[Flow]:
    """Context values that can reach the result of the expression ``text`` (the inside of
    ``${{ }}``).  An expression that does not parse is taken to output every reference."""
    try:
        return _Parser(text).parse().flows
    except (ExpressionSyntaxError, RecursionError):
        return frozenset(Flow(r.lower()) for r in references(text))


def secret_names(flows: frozenset[Flow], *, github_token: bool = True) -> list[str]:
    """Names of the secrets among ``flows`` (``GITHUB_TOKEN`` for ``github.token``), sorted.

    ``toJSON(secrets)`` yields ``*``: every secret.
    """
    names: set[str] = set()
    for f in flows:
        if f.path == "secrets" and f.whole:
            names.add("*")
        elif f.under("secrets") and f.path != "secrets":
            names.add(f.path.split(".")[1].upper())
        elif github_token and f.path == "github.token":
            names.add("GITHUB_TOKEN")
    return sorted(names)
