"""Formatters: turn :class:`~actiongen.engine.FileResult` values into text for people and tools.

Every formatter takes the same inputs and writes to a stream; none may print a
secret value (the ``redactions`` of each file mask code frames).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult
    from actiongen.findings import Finding
    from actiongen.rules.base import Rule

FORMATS = ("text", "json", "sarif", "github", "markdown")


class Reporter(Protocol):
    def report(self, results: Sequence[FileResult], out: TextIO) -> None: ...


def reporter(
    name: str,
    *,
    color: bool = False,
    root: str | None = None,
    rules: Sequence[type[Rule]] = (),
) -> Reporter:
    """The formatter called ``name``.

    ``root`` is the directory paths are made relative to where a format needs
    repository-relative paths (SARIF, GitHub annotations, Markdown links); it defaults
    to the working directory.  ``rules`` are the rules that ran (SARIF lists them).
    """
    if name == "text":
        from actiongen.report.text import TextReporter

        return TextReporter(color=color)
    if name == "json":
        from actiongen.report.json import JsonReporter

        return JsonReporter()
    if name == "sarif":
        from actiongen.report.sarif import SarifReporter

        return SarifReporter(root=root, rules=rules)
    if name == "github":
        from actiongen.report.github import GithubReporter

        return GithubReporter(root=root)
    if name == "markdown":
        from actiongen.report.markdown import MarkdownReporter

        return MarkdownReporter(root=root)
    raise ValueError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}")


def summary(results: Sequence[FileResult]) -> dict[str, int]:
    """Counts every formatter shows the same way."""
    counts = {"files": len(results), "findings": 0, "error": 0, "warning": 0, "note": 0}
    for r in results:
        for f in r.findings:
            counts["findings"] += 1
            counts[str(f.severity)] += 1
    return counts


def plural(n: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(results: Sequence[FileResult]) -> str:
    """``3 findings in 2 files: 1 error, 2 warnings, 0 notes`` (or ``No findings in 2 files``)."""
    c = summary(results)
    files = plural(c["files"], "file")
    if not c["findings"]:
        return f"No findings in {files}."
    return (
        f"{plural(c['findings'], 'finding')} in {files}: {plural(c['error'], 'error')}, "
        f"{plural(c['warning'], 'warning')}, {plural(c['note'], 'note')}."
    )


def message_with_fix(f: Finding) -> str:
    """The message and, when there is one, the fix, as one sentence-separated text.

    Machine formats have a single message field; the fix is too useful to drop.
    """
    message = f.message.rstrip()
    if not f.fix:
        return message
    sep = " " if message.endswith((".", "!", "?")) else ". "
    fix = f.fix.strip()
    return f"{message}{sep}Fix: {fix[:1].upper()}{fix[1:]}"


def relative_path(path: str, root: str | None) -> str | None:
    """``path`` relative to ``root`` with forward slashes, or None when it lies outside."""
    base = os.path.abspath(root or os.getcwd())
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full, base)
    except ValueError:  # another drive on Windows
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/")
