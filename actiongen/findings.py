"""Findings and severities: the vocabulary shared by every layer."""

from __future__ import annotations

import enum
from typing import NamedTuple


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
        # Reports call this for every finding: `self.name` is a slow descriptor.
        return _NAMES[self]


#: Severity names by value, as reports show them.
_NAMES = ("", "note", "warning", "error")


class Span(NamedTuple):
    """A 1-based, end-exclusive region of a file (line, column).

    A named tuple: built in C, hashable, and cheap to send between processes.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)


class Finding:
    """One problem found in one file.

    ``message`` says what is wrong and why; ``fix`` says how to mend it.
    Neither may contain a secret value: rules pass only redacted forms.
    (A plain class: dataclasses cost start-up time.)
    """

    __slots__ = ("extra", "fix", "job", "message", "path", "rule", "severity", "span", "step")

    def __init__(
        self,
        rule: str,
        severity: Severity,
        path: str,
        span: Span,
        message: str,
        fix: str = "",
        job: str | None = None,
        step: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.rule = rule
        self.severity = severity
        self.path = path
        self.span = span
        self.message = message
        self.fix = fix
        self.job = job
        self.step = step
        self.extra: dict[str, str] = {} if extra is None else extra

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in Finding.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

    def __repr__(self) -> str:
        return (
            f"Finding({self.rule!r}, {self.severity!s}, {self.path!r}, {self.span!r}, "
            f"{self.message!r})"
        )

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.rule, self.message)
