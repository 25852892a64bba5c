"""Tidying the rendered text: one blank line between top-level keys and between jobs.

Templates may leave blank lines where an optional part rendered nothing.  Blank
lines are dropped everywhere except inside literal block scalars (a script's own
empty lines), then one is put back before each top-level key and each job.
"""

from __future__ import annotations

import re

_BLOCK_START = re.compile(r"^( *)(?:- )?[^\s#][^#]*:\s*[|>][-+0-9]*\s*$")
_JOB_KEY = re.compile(r"^  [A-Za-z_][A-Za-z0-9_-]*:\s*$")
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*:")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def tidy(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    block_parent: int | None = None  # indentation of the key that opened a block scalar
    pending_blank = 0
    in_jobs = False
    for line in lines:
        if block_parent is not None:
            if not line.strip():
                pending_blank += 1
                continue
            if _indent(line) > block_parent:
                out.extend([""] * pending_blank)
                pending_blank = 0
                out.append(line)
                continue
            block_parent = None
        pending_blank = 0
        if not line.strip():
            continue
        top_comment = line.startswith("#") and out and not out[-1].startswith("#")
        if (_TOP_KEY.match(line) and out and not out[-1].startswith("#")) or top_comment:
            out.append("")
        if in_jobs and _JOB_KEY.match(line) and out and out[-1] != "jobs:":
            out.append("")
        if _TOP_KEY.match(line):
            in_jobs = line.startswith("jobs:")
        out.append(line)
        m = _BLOCK_START.match(line)
        if m is not None:
            block_parent = _indent(line)
    return "\n".join(out).rstrip("\n") + "\n"
