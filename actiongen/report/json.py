"""The stable JSON contract (version 1), documented in the README."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from actiongen.report import summary

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult
    from actiongen.findings import Finding

VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": str(f.severity),
        "path": f.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": f.message,
        "fix": f.fix or None,
        "job": f.job,
        "step": f.step,
    }


class JsonReporter:
    def report(self, results: Sequence[FileResult], out: TextIO) -> None:
        doc = {
            "version": VERSION,
            "findings": [finding_dict(f) for r in results for f in r.findings],
            "summary": summary(results),
        }
        json.dump(doc, out, indent=2, ensure_ascii=False)
        out.write("\n")
