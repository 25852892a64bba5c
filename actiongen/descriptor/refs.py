"""Branch and tag patterns: what git (and so GitHub) can push, and the guards they become.

A pattern is an exact ref name or a prefix ending in ``*`` (``release/*``, ``v*``).
Names git refuses (``git check-ref-format``) could never be pushed, so a pattern
holding one cannot match: that is a descriptor error, not a silent never-deploy.
``$``, ``{`` and ``}`` are refused too: in an ``if:`` they could read as an expression.
"""

from __future__ import annotations

_FORBIDDEN = {
    " ": "a space",
    "~": "`~`",
    "^": "`^`",
    ":": "`:`",
    "?": "`?`",
    "[": "`[`",
    "]": "`]`",
    "\\": "a backslash",
    "$": "`$`",
    "{": "`{`",
    "}": "`}`",
    "+": "`+` (a pattern character in GitHub's filters)",
    "!": "`!` (a pattern character in GitHub's filters)",
}


def ref_problem(pattern: str) -> str | None:
    """Why ``pattern`` can never match a pushed ref, or None when it can."""
    if not pattern:
        return "is empty"
    body = pattern[:-1] if pattern.endswith("*") else pattern
    body = body[:-1] if body.endswith("*") else body  # "**" is accepted as a prefix too
    for ch in body:
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            return "holds a control character, which git refuses in ref names"
        if ch in _FORBIDDEN:
            return (f"holds {_FORBIDDEN[ch]}, which git refuses in ref names "
                    "or actiongen cannot guard")
        if ch == "*":
            return "has `*` before its end; only a trailing `*` (a prefix) is supported"
    if not body and pattern.endswith("*"):
        return None  # "*": every branch or tag
    if body.startswith("/") or body.startswith("-"):
        return "starts with `/` or `-`, which git refuses"
    exact = not pattern.endswith("*")
    if exact and (body.endswith("/") or body.endswith(".")):
        return "ends with `/` or `.`, which git refuses"
    if ".." in body or "//" in body or "@{" in body:
        return "holds `..`, `//` or `@{`, which git refuses"
    parts = body.split("/")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part.startswith("."):
            return "has a path component starting with `.`, which git refuses"
        if part.endswith(".lock") and (exact or not last):
            return "has a component ending in `.lock`, which git refuses"
    if exact and body == "@":
        return "is `@`, which git refuses"
    return None


def _literal(text: str) -> str:
    """A GitHub expression string literal."""
    return "'" + text.replace("'", "''") + "'"


def ref_condition(kind: str, pattern: str) -> str:
    """An expression true for a push of the branch (``kind="heads"``) or tag (``"tags"``)."""
    full = f"refs/{kind}/"
    if pattern.endswith("*"):
        prefix = pattern.rstrip("*")
        return f"startsWith(github.ref, {_literal(full + prefix)})"
    return f"github.ref == {_literal(full + pattern)}"


def guard(branches: tuple[str, ...], tags: tuple[str, ...]) -> str:
    """The job-level ``if:`` of a deploy: a push to one of the branches or tags."""
    parts = [ref_condition("heads", b) for b in branches] + [ref_condition("tags", t) for t in tags]
    refs = parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"
    return f"github.event_name == 'push' && {refs}"
