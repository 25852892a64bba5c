"""Compiler-style text: ``path:line:col: severity[rule] message``, a code frame and a caret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.report import summary
from actiongen.report.redact import redact_line

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult
    from actiongen.findings import Finding

_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "note": "\033[1;36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


class TextReporter:
    def __init__(self, *, color: bool = False, frames: bool = True) -> None:
        self.color = color
        self.frames = frames

    def _c(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def report(self, results: Sequence[FileResult], out: TextIO) -> None:
        for result in results:
            self.report_file(result, out)
        self.report_summary(results, out)

    def report_file(self, result: FileResult, out: TextIO) -> None:
        for f in result.findings:
            out.write(self.format_finding(f, result) + "\n")

    def report_summary(self, results: Sequence[FileResult], out: TextIO) -> None:
        counts = summary(results)
        if counts["findings"]:
            out.write(
                f"\n{counts['findings']} finding(s) in {counts['files']} file(s): "
                f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['note']} note(s)\n"
            )

    def format_finding(self, f: Finding, result: FileResult) -> str:
        sev = str(f.severity)
        head = (
            f"{self._c(_BOLD, f'{f.path}:{f.span.line}:{f.span.column}:')} "
            f"{self._c(_COLORS[sev], sev)}[{f.rule}] {f.message}"
        )
        parts = [head]
        if self.frames:
            frame = self.code_frame(f, result)
            if frame:
                parts.append(frame)
        if f.fix:
            parts.append(f"   = fix: {f.fix}")
        return "\n".join(parts)

    def code_frame(self, f: Finding, result: FileResult) -> str:
        n = f.span.line
        if not 1 <= n <= len(result.lines):
            return ""
        line = redact_line(result.lines[n - 1], n, result.redactions).replace("\t", " ")
        if len(line) > 200:
            line = line[:200] + "…"
        width = len(str(n))
        start = max(f.span.column - 1, 0)
        end = f.span.end_column - 1 if f.span.end_line == n else len(line)
        length = max(1, min(end, len(line)) - start)
        gutter = self._c(_DIM, f"{n:>{width}} | ")
        caret = " " * (width + 3 + start) + self._c(_COLORS[str(f.severity)], "^" * length)
        return f"{gutter}{line}\n{caret}"
