"""SARIF 2.1.0, as GitHub code scanning accepts it.

Paths are relative to the repository root (``%SRCROOT%``) with forward slashes;
every rule that ran is described in ``tool.driver.rules`` with its documentation;
each result carries a ``partialFingerprints`` entry that survives unrelated edits
(it hashes the rule, the path and the flagged line's text, never its number).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from actiongen import __version__
from actiongen.report import message_with_fix, relative_path
from actiongen.report.redact import redact_line

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.engine import FileResult
    from actiongen.findings import Finding
    from actiongen.rules.base import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/actiongen/"
SRCROOT = "%SRCROOT%"
#: The key of our fingerprint; bump the suffix if the recipe ever changes.
FINGERPRINT_KEY = "actiongen/v1"

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def doc_sections(doc: str) -> dict[str, str]:
    """A rule docstring's ``## Heading`` sections by heading (lower case)."""
    parts = _SECTION.split(doc)
    return {parts[i].strip().lower(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def _markdown_to_text(doc: str) -> str:
    """Rule docs as plain text: headings lose their ``#``, fences disappear."""
    lines = []
    for line in doc.splitlines():
        if line.strip().startswith("```"):
            continue
        lines.append(re.sub(r"^#+\s*", "", line))
    return "\n".join(lines).strip()


def _unwrap(text: str) -> str:
    """Paragraphs on one line each: docstrings are wrapped for source, not for viewers."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    doc = rule.documentation()
    sections = doc_sections(doc)
    full = sections.get("what it does") or rule.summary
    tags = ["actiongen", *getattr(rule, "tags", ())]
    return {
        "id": rule.id,
        "name": rule.__name__,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _unwrap(_markdown_to_text(full))},
        "help": {"text": _markdown_to_text(doc), "markdown": doc},
        "defaultConfiguration": {"level": str(rule.severity)},
        "properties": {"tags": tags},
    }


def _unknown_descriptor(rule_id: str) -> dict[str, Any]:
    # A finding from a rule no longer registered (should not happen): still describe it.
    return {
        "id": rule_id,
        "shortDescription": {"text": rule_id},
        "fullDescription": {"text": rule_id},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["actiongen"]},
    }


def fingerprint(rule_id: str, uri: str, line_text: str, occurrence: int) -> str:
    """Stable across unrelated edits: no line number, only the flagged line's normalized text."""
    normalized = " ".join(line_text.split())
    data = "\0".join((rule_id, uri, normalized, str(occurrence)))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


class SarifReporter:
    def __init__(self, *, root: str | None = None, rules: Sequence[type[Rule]] = ()) -> None:
        self.root = root
        self.rules = rules
        self._locations: dict[str, dict[str, Any]] = {}

    def _descriptors(
        self, results: Sequence[FileResult]
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        by_id: dict[str, type[Rule]] = {r.id: r for r in self.rules}
        wanted = set(by_id)
        wanted.update(f.rule for r in results for f in r.findings)
        missing = wanted - set(by_id)
        if missing:
            from actiongen.rules.registry import all_rules

            for rule in all_rules():
                if rule.id in missing:
                    by_id[rule.id] = rule
        descriptors = [
            _rule_descriptor(by_id[rid]) if rid in by_id else _unknown_descriptor(rid)
            for rid in sorted(wanted)
        ]
        return descriptors, {d["id"]: i for i, d in enumerate(descriptors)}

    def _location(self, path: str) -> dict[str, Any]:
        # Once per file, not per finding: resolving a path stats each of its parts.
        known = self._locations.get(path)
        if known is None:
            rel = relative_path(path, self.root)
            if rel is None:
                known = {"uri": Path(path).resolve().as_uri()}
            else:
                known = {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}
            self._locations[path] = known
        return dict(known)

    def _result(self, f: Finding, result: FileResult, index: dict[str, int],
                seen: dict[tuple[str, str, str], int]) -> dict[str, Any]:
        location = self._location(f.path)
        n = f.span.line
        raw = result.lines[n - 1] if 1 <= n <= len(result.lines) else ""
        # Hash the masked line: even a digest of a secret-bearing line is not ours to publish.
        text = redact_line(raw, n, result.redactions)
        key = (f.rule, location["uri"], " ".join(text.split()))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        region = {
            "startLine": max(f.span.line, 1),
            "startColumn": max(f.span.column, 1),
            "endLine": max(f.span.end_line, f.span.line, 1),
            "endColumn": max(f.span.end_column, 1),
        }
        if region["endLine"] == region["startLine"]:
            region["endColumn"] = max(region["endColumn"], region["startColumn"] + 1)
        out: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": str(f.severity),
            "message": {"text": message_with_fix(f)},
            "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
            "partialFingerprints": {
                FINGERPRINT_KEY: fingerprint(f.rule, location["uri"], text, occurrence)
            },
        }
        props = {k: v for k, v in (("job", f.job), ("step", f.step)) if v is not None}
        if props:
            out["properties"] = props
        return out

    def document(self, results: Sequence[FileResult]) -> dict[str, Any]:
        """The SARIF log as plain data."""
        descriptors, index = self._descriptors(results)
        seen: dict[tuple[str, str, str], int] = {}
        sarif_results = [
            self._result(f, r, index, seen) for r in results for f in r.findings
        ]
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "actiongen",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": descriptors,
                }
            },
            "originalUriBaseIds": {
                SRCROOT: {"uri": Path(self.root or ".").resolve().as_uri().rstrip("/") + "/"}
            },
            # Our columns count characters (code points), not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": True}],
            "results": sarif_results,
        }
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}

    def report(self, results: Sequence[FileResult], out: TextIO) -> None:
        json.dump(self.document(results), out, indent=2, ensure_ascii=False)
        out.write("\n")
