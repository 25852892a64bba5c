"""Formatters: turn :class:`~actiongen.engine.FileResult` values into text for people and tools.

Every formatter takes the same inputs and writes to a stream; none may print a
secret value (the ``redactions`` of each file mask code frames).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult

FORMATS = ("text", "json", "sarif", "github", "markdown")


class Reporter(Protocol):
    def report(self, results: Sequence[FileResult], out: TextIO) -> None: ...


def reporter(name: str, *, color: bool = False) -> Reporter:
    if name == "text":
        from actiongen.report.text import TextReporter

        return TextReporter(color=color)
    if name == "json":
        from actiongen.report.json import JsonReporter

        return JsonReporter()
    if name == "sarif":
        from actiongen.report.sarif import SarifReporter

        return SarifReporter()
    if name == "github":
        from actiongen.report.github import GithubReporter

        return GithubReporter()
    if name == "markdown":
        from actiongen.report.markdown import MarkdownReporter

        return MarkdownReporter()
    raise ValueError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}")


def summary(results: Sequence[FileResult]) -> dict[str, int]:
    """Counts every formatter shows the same way."""
    counts = {"files": len(results), "findings": 0, "error": 0, "warning": 0, "note": 0}
    for r in results:
        for f in r.findings:
            counts["findings"] += 1
            counts[str(f.severity)] += 1
    return counts
