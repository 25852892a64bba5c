"""A Markdown table for job summaries (``$GITHUB_STEP_SUMMARY``) and PR comments.

Cells hold text from workflow files (job names, keys), so everything Markdown or
HTML could interpret is escaped; backtick code spans in messages stay code.  In
GitHub Actions the location links to the line at the commit being checked.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.report import relative_path, summary_line

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult
    from actiongen.findings import Finding

ICONS = {
    Severity.ERROR: ":x:",
    Severity.WARNING: ":warning:",
    Severity.NOTE: ":information_source:",
}
#: What could start emphasis, a link, HTML, an entity or a cell boundary inside a cell.
_PUNCT = re.compile(r"([\\`*_\[\]<>|~&])")


def escape_text(text: str) -> str:
    """Plain text safe in a table cell: Markdown/HTML punctuation escaped, lines joined."""
    return _PUNCT.sub(r"\\\1", text).replace("\r", "").replace("\n", "<br>")


def _code(text: str) -> str:
    # In a GFM table a pipe splits cells even inside code spans unless escaped.
    return "`" + text.replace("|", "\\|").replace("\n", " ") + "`"


def escape_cell(text: str) -> str:
    """Message text: balanced backtick spans stay code, the rest is escaped."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unbalanced backtick: nothing is code
        return escape_text(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(_code(part) if part else "``")
        else:
            out.append(escape_text(part))
    return "".join(out)


def _blob_url(rel: str, line: int) -> str | None:
    """A link to the line on GitHub, when running inside GitHub Actions."""
    server = os.environ.get("GITHUB_SERVER_URL")
    repo = os.environ.get("GITHUB_REPOSITORY")
    sha = os.environ.get("GITHUB_SHA")
    if not (server and repo and sha):
        return None
    from urllib.parse import quote

    return f"{server.rstrip('/')}/{repo}/blob/{sha}/{quote(rel, safe='/')}#L{line}"


class MarkdownReporter:
    def __init__(self, *, root: str | None = None, title: str = "actiongen check") -> None:
        self.root = root
        self.title = title

    def location(self, f: Finding) -> str:
        where = f"{f.path}:{f.span.line}:{f.span.column}"
        text = _code(where) if "`" not in where else escape_text(where)
        rel = relative_path(f.path, self.root)
        url = _blob_url(rel, f.span.line) if rel is not None else None
        return f"[{text}]({url})" if url else text

    def row(self, f: Finding) -> str:
        message = escape_cell(f.message)
        if f.fix:
            message += f"<br>**Fix:** {escape_cell(f.fix)}"
        if f.job:
            message += f"<br>Job {_code(f.job) if '`' not in f.job else escape_text(f.job)}"
            if f.step:
                step = _code(f.step) if "`" not in f.step else escape_text(f.step)
                message += f", step {step}"
        cells = [
            f"{ICONS[f.severity]} {f.severity}",
            self.location(f),
            _code(f.rule),
            message,
        ]
        return "| " + " | ".join(cells) + " |"

    def report(self, results: Sequence[FileResult], out: TextIO) -> None:
        out.write(f"### {self.title}\n\n")
        findings = [f for r in results for f in r.findings]
        out.write(f"{summary_line(results)}\n")
        if not findings:
            return
        out.write("\n| Severity | Location | Rule | Message |\n")
        out.write("| --- | --- | --- | --- |\n")
        for f in findings:
            out.write(self.row(f) + "\n")
