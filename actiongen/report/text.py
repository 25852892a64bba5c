"""Compiler-style text: ``path:line:col: severity[rule] message``, a code frame and a caret.

The frame shows the flagged line as a terminal would, with the caret under the
span: tabs expand, wide (East Asian) characters take two cells, combining marks
none, and invisible or direction-changing characters are shown as ``<U+XXXX>`` so
the line cannot lie about what it contains.  Long lines are cut to a window
around the span.  Secret values are masked before anything else happens.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from actiongen.report import summary_line
from actiongen.report.redact import redact_line

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult
    from actiongen.findings import Finding

_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "note": "\033[1;36m"}
_BOLD, _DIM, _CYAN, _RESET = "\033[1m", "\033[2m", "\033[36m", "\033[0m"
TAB_WIDTH = 4
#: Display cells the frame's line may take before it is cut to a window.
MAX_WIDTH = 120
#: How much of the line before the span a cut window keeps.
LEAD = 30
ELLIPSIS = "…"


def _cell(ch: str, column: int) -> str:
    """What to print for ``ch`` when it starts at display ``column``."""
    if ch == "\t":
        return " " * (TAB_WIDTH - column % TAB_WIDTH)
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return f"<U+{ord(ch):04X}>"
    return ch


def _width(shown: str) -> int:
    if len(shown) != 1:
        return len(shown)  # tab expansion or <U+XXXX>: plain ASCII
    if unicodedata.combining(shown):
        return 0
    return 2 if unicodedata.east_asian_width(shown) in ("W", "F") else 1


def frame_line(line: str, start: int, end: int, max_width: int = MAX_WIDTH) -> tuple[str, int, int]:
    """The line as displayed, and the caret's display offset and length.

    ``start``/``end`` are 0-based character indices (end exclusive) into ``line``.
    """
    if len(line) <= max_width and line.isascii() and line.isprintable():
        # Most lines: one cell per character, nothing to expand or show escaped.
        caret = max(start, 0)
        caret_end = max(min(max(end, start), len(line)), caret + 1)
        return line, caret, caret_end - caret
    cells: list[tuple[str, int]] = []  # (text shown, display column it starts at)
    col = 0
    for ch in line:
        shown = _cell(ch, col)
        cells.append((shown, col))
        col += _width(shown)
    total = col

    def at(i: int) -> int:
        return cells[i][1] if i < len(cells) else total + (i - len(cells))

    caret = at(max(start, 0))
    caret_end = max(at(min(max(end, start), len(cells))), caret + 1)
    text = "".join(s for s, _ in cells)
    if total <= max_width:
        return text, caret, caret_end - caret

    lo = max(0, min(caret - LEAD, total - max_width))
    hi = lo + max_width
    kept = [s for s, c in cells if c >= lo and c + _width(s) <= hi]
    prefix = ELLIPSIS if lo > 0 else ""
    suffix = ELLIPSIS if hi < total else ""
    shift = len(prefix) - lo
    length = max(1, min(caret_end, hi) - caret)
    return prefix + "".join(kept) + suffix, caret + shift, length


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
        # One write per file: with PYTHONUNBUFFERED (common in CI images) each write
        # is a system call, and the corpus has three findings a file.
        out.write("".join([self.format_finding(f, result) + "\n" for f in result.findings]))

    def report_summary(self, results: Sequence[FileResult], out: TextIO) -> None:
        # Quiet when clean, like a compiler; a count when not.
        if any(r.findings for r in results):
            out.write(f"\n{summary_line(results)}\n")

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
            parts.append(f"   = {self._c(_CYAN, 'fix')}: {f.fix}")
        return "\n".join(parts)

    def code_frame(self, f: Finding, result: FileResult) -> str:
        n = f.span.line
        if not 1 <= n <= len(result.lines):
            return ""
        line = redact_line(result.lines[n - 1], n, result.redactions)
        start = f.span.column - 1
        end = f.span.end_column - 1 if f.span.end_line == n else len(line)
        shown, caret, length = frame_line(line, start, end)
        width = len(str(n))
        gutter = self._c(_DIM, f"{n:>{width}} | ")
        pad = self._c(_DIM, f"{'':>{width}} | ")
        marks = " " * caret + self._c(_COLORS[str(f.severity)], "^" * length)
        return f"{gutter}{shown}\n{pad}{marks}"
