"""Masking secret values in source lines before any output shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actiongen.findings import Span


def redact_line(text: str, number: int, redactions: list[Span]) -> str:
    """``text`` (line ``number``) with every redacted span replaced by ``*``."""
    chars = list(text)
    for span in redactions:
        if not span.line <= number <= span.end_line:
            continue
        start = span.column - 1 if span.line == number else 0
        end = span.end_column - 1 if span.end_line == number else len(chars)
        for i in range(max(start, 0), min(end, len(chars))):
            chars[i] = "*"
    return "".join(chars)


def redacted_form(value: str) -> str:
    """How a secret value may appear in a message: its kind of shape, never its content."""
    return f"<redacted, {len(value)} characters>"
