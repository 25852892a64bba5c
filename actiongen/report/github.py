"""GitHub Actions workflow commands: ``::error file=…,line=…::message`` annotations.

Paths are made relative to the repository root so GitHub can attach each
annotation to the file in the pull request.  Escaping follows the runner's rules:
``%``, CR and LF everywhere; ``:`` and ``,`` as well inside properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.report import relative_path, summary_line

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult
    from actiongen.findings import Finding

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (the part after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``…)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(f: Finding, root: str | None = None) -> str:
    """One finding as a workflow command."""
    span = f.span
    end_line, end_column = span.end_line, span.end_column
    if end_line > span.line and end_column == 1:
        # A block node ends at the start of the next line; GitHub wants the last line it covers.
        end_line -= 1
        end_column = 0
    props = [
        ("file", relative_path(f.path, root) or f.path),
        ("line", str(span.line)),
    ]
    if end_line == span.line:
        # GitHub's columns are inclusive and only meaningful on a single line.
        props += [
            ("col", str(span.column)),
            ("endLine", str(end_line)),
            ("endColumn", str(max(span.column, end_column - 1))),
        ]
    else:
        props.append(("endLine", str(max(end_line, span.line))))
    props.append(("title", f"actiongen {f.rule}"))
    body = f.message if not f.fix else f"{f.message}\nFix: {f.fix}"
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMANDS[f.severity]} {rendered}::{escape_data(body)}"


class GithubReporter:
    def __init__(self, *, root: str | None = None) -> None:
        self.root = root

    def report(self, results: Sequence[FileResult], out: TextIO) -> None:
        for r in results:
            for f in r.findings:
                out.write(command(f, self.root) + "\n")
        # A plain line: the log shows it; GitHub does not treat it as a command.
        out.write(f"actiongen: {summary_line(results)}\n")
