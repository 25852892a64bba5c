"""Findings and severities: the vocabulary shared by every layer."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered so that ``a >= b`` means *a is at least as serious as b*."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use error, warning or note") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based, end-exclusive region of a file (line, column)."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)


@dataclass(slots=True)
class Finding:
    """One problem found in one file.

    ``message`` says what is wrong and why; ``fix`` says how to mend it.
    Neither may contain a secret value: rules pass only redacted forms.
    """

    rule: str
    severity: Severity
    path: str
    span: Span
    message: str
    fix: str = ""
    job: str | None = None
    step: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.rule, self.message)
