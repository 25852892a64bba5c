"""Evaluating ``if:`` conditions under a hypothetical run, with three-valued logic.

``evaluate("github.ref == 'refs/heads/main'", facts)`` answers True, False, or None when
the answer depends on something the facts don't fix (an output, a secret, a label).
Used to ask "can this job run for a pull request?" or "for a push to develop?".
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from actiongen.lazyre import lazy_compile

_UNKNOWN = object()

_TOKEN = lazy_compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\],.*])"
    r"|(?P<name>[A-Za-z_][\w\-]*))"
)


class Facts:
    """What is known about a run: context values by dotted name (``github.event_name``)."""

    __slots__ = ("_key", "values")

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self.values: dict[str, Any] = {} if values is None else values
        self._key: tuple[tuple[str, Any], ...] | None = None

    def key(self) -> tuple[tuple[str, Any], ...] | None:
        """The facts as a hashable value (for memoising), or None when they are not."""
        if self._key is None:
            key = tuple(sorted(self.values.items()))
            try:
                hash(key)
            except TypeError:
                return None
            self._key = key
        return self._key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Facts) and self.values == other.values

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Facts({self.values!r})"

    def lookup(self, path: str) -> Any:
        if path in self.values:
            return self.values[path]
        lowered = path.lower()
        for k, v in self.values.items():
            if k.lower() == lowered:
                return v
        return _UNKNOWN


def scenario(event: str, ref: str | None = None, **extra: Any) -> Facts:
    """Facts for a run of ``event`` on ``ref`` (``refs/heads/main``, ``refs/tags/v1``)."""
    values: dict[str, Any] = {"github.event_name": event}
    if ref is not None:
        values["github.ref"] = ref
        if ref.startswith("refs/heads/"):
            values["github.ref_name"] = ref[len("refs/heads/") :]
            values["github.ref_type"] = "branch"
        elif ref.startswith("refs/tags/"):
            values["github.ref_name"] = ref[len("refs/tags/") :]
            values["github.ref_type"] = "tag"
    if event.startswith("pull_request"):
        values.setdefault("github.ref_type", "branch")
    values.update(extra)
    return Facts(values)


@lru_cache(maxsize=1024)
def _tokenize(text: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read expression at {text[pos : pos + 10]!r}")
        pos = m.end()
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
    return tuple(out)


class _Parser:
    def __init__(self, text: str, facts: Facts) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.facts = facts

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ValueError(f"expected {value!r}")
        self.i += 1
        return tok

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise ValueError("trailing tokens")
        return value

    def or_(self) -> Any:
        left = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            left = _or(left, right)
        return left

    def and_(self) -> Any:
        left = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.cmp()
            left = _and(left, right)
        return left

    def cmp(self) -> Any:
        left = self.unary()
        tok = self.peek()
        while tok is not None and tok[1] in ("==", "!=", "<", ">", "<=", ">="):
            self.take()
            right = self.unary()
            left = _compare(tok[1], left, right)
            tok = self.peek()
        return left

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            v = self.unary()
            return _UNKNOWN if v is _UNKNOWN else not _truthy(v)
        return self.primary()

    def primary(self) -> Any:
        tok = self.take()
        kind, text = tok
        if kind == "op" and text == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "name":
            low = text.lower()
            if low == "true":
                return True
            if low == "false":
                return False
            if low == "null":
                return None
            if self.peek() == ("op", "("):
                value = self.call(low)
                # `fromJSON(x).field`, `toJSON(x)[0]`: a field of a computed value.
                if self.peek() in (("op", "."), ("op", "[")):
                    self._skip_accessors()
                    return _UNKNOWN
                return value
            return self.reference(text)
        raise ValueError(f"unexpected {text!r}")

    def reference(self, head: str) -> Any:
        path = head
        while True:
            tok = self.peek()
            if tok == ("op", "."):
                self.take()
                nxt = self.take()
                path += "." + nxt[1]
            elif tok == ("op", "["):
                self.take()
                inner = self.or_()
                self.take("]")
                path += "." + (str(inner) if inner is not _UNKNOWN else "*")
            else:
                break
        return self.facts.lookup(path)

    def _skip_accessors(self) -> None:
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                self.take()
            else:
                self.or_()
                self.take("]")

    def call(self, name: str) -> Any:
        self.take("(")
        args: list[Any] = []
        if self.peek() != ("op", ")"):
            args.append(self.or_())
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.or_())
        self.take(")")
        if name in ("success", "always", "failure", "cancelled"):
            # Status checks: assume the normal path (earlier jobs succeeded) unless told.
            status = self.facts.lookup(f"status.{name}")
            if status is not _UNKNOWN:
                return status
            return {"success": True, "always": True, "failure": False, "cancelled": False}[name]
        if any(a is _UNKNOWN for a in args):
            return _UNKNOWN
        if name in ("startswith", "endswith", "contains") and len(args) == 2:
            a, b = args
            if name == "contains" and isinstance(a, list):
                return any(_eq(x, b) for x in a)
            sa, sb = str(a).lower(), str(b).lower()
            return (
                {"startswith": sa.startswith, "endswith": sa.endswith}[name](sb)
                if (name != "contains")
                else sb in sa
            )
        if name == "format" and args:
            return _UNKNOWN
        return _UNKNOWN


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        return v != ""
    if isinstance(v, float):
        return v != 0
    return bool(v)


def _or(a: Any, b: Any) -> Any:
    if a is not _UNKNOWN and _truthy(a):
        return a
    if b is not _UNKNOWN and _truthy(b):
        return b
    if a is _UNKNOWN or b is _UNKNOWN:
        return _UNKNOWN
    return b


def _and(a: Any, b: Any) -> Any:
    if a is not _UNKNOWN and not _truthy(a):
        return a
    if b is not _UNKNOWN and not _truthy(b):
        return b
    if a is _UNKNOWN or b is _UNKNOWN:
        return _UNKNOWN
    return b


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)


def _compare(op: str, a: Any, b: Any) -> Any:
    if a is _UNKNOWN or b is _UNKNOWN:
        return _UNKNOWN
    if op == "==":
        return _eq(a, b)
    if op == "!=":
        return not _eq(a, b)
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return _UNKNOWN
    return {"<": fa < fb, ">": fa > fb, "<=": fa <= fb, ">=": fa >= fb}[op]


def strip_expression(condition: str) -> str:
    """An ``if:`` value without its optional ``${{ }}`` wrapper."""
    text = condition.strip()
    if text.startswith("${{") and text.endswith("}}") and text.count("${{") == 1:
        return text[3:-2].strip()
    return text


#: (condition, facts) -> verdict: the same few conditions are asked about the same few
#: runs in file after file (``github.event_name == 'push'``, ``always()``...).
_VERDICTS: dict[tuple[str, tuple[tuple[str, Any], ...]], bool | None] = {}


def evaluate(condition: str | bool | None, facts: Facts) -> bool | None:
    """True or False when the facts decide the condition, None when they don't."""
    if condition is None:
        return True
    if isinstance(condition, bool):
        return condition
    text = str(condition)
    key = facts.key()
    if key is None:
        return _evaluate(text, facts)
    memo = (text, key)
    verdict = _VERDICTS.get(memo, _UNKNOWN)
    if verdict is _UNKNOWN:
        if len(_VERDICTS) > 8192:
            _VERDICTS.clear()
        verdict = _VERDICTS[memo] = _evaluate(text, facts)
    return verdict  # type: ignore[return-value]


def _evaluate(condition: str, facts: Facts) -> bool | None:
    text = strip_expression(condition)
    if "${{" in text:  # partial interpolation: the result is a non-empty string
        return None
    try:
        value = _Parser(text, facts).parse()
    except (ValueError, IndexError):
        return None
    if value is _UNKNOWN:
        return None
    return _truthy(value)
