"""The stable JSON contract (version 1), documented in ``docs/output.md``.

``{"version": 1, "findings": [...], "summary": {...}}``; each finding has exactly the
keys of :data:`FINDING_KEYS`.  Positions are 1-based, ``end_column`` is exclusive;
``job`` and ``step`` may be null.  The fix, when a rule gives one, ends the message.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from actiongen.report import message_with_fix, summary

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult
    from actiongen.findings import Finding

VERSION = 1
FINDING_KEYS = (
    "rule", "severity", "path", "line", "column", "end_line", "end_column",
    "message", "job", "step",
)
SUMMARY_KEYS = ("files", "findings", "error", "warning", "note")


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": str(f.severity),
        "path": f.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": message_with_fix(f),
        "job": f.job,
        "step": f.step,
    }


def document(results: Sequence[FileResult]) -> dict[str, Any]:
    """The report as plain data."""
    return {
        "version": VERSION,
        "findings": [finding_dict(f) for r in results for f in r.findings],
        "summary": summary(results),
    }


class JsonReporter:
    def report(self, results: Sequence[FileResult], out: TextIO) -> None:
        """One finding per line: readable, diffable, and written by json's C encoder
        (``indent=`` would switch to its pure-Python encoder, several times slower)."""
        doc = document(results)
        encode = json.JSONEncoder(ensure_ascii=False).encode
        findings = doc["findings"]
        out.write(f'{{\n  "version": {doc["version"]},\n  "findings": [')
        out.write(",".join(f"\n    {encode(f)}" for f in findings))
        out.write("\n  ],\n" if findings else "],\n")
        out.write(f'  "summary": {encode(doc["summary"])}\n}}\n')
