"""Shared helpers for the generator tests: the gallery, rendering, and "which jobs run".

``jobs_that_run`` answers, for a rendered workflow and a trigger, which jobs GitHub would
start on the normal path (every job that runs succeeds): the trigger's branch/tag
filters, then each job's ``if:`` through :func:`actiongen.model.conditions.evaluate`,
and a job whose needs did not all run is skipped unless its condition asks for
``always()``.
"""

from __future__ import annotations

import fnmatch
from functools import cache
from pathlib import Path
from typing import Any

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
GALLERY = sorted(p.name for p in EXAMPLES.iterdir() if (p / "actiongen.yml").is_file())


@cache
def rendered(name: str) -> str:
    """The workflow text the gallery example ``name`` renders to (self-check included)."""
    from actiongen.descriptor import load_descriptor
    from actiongen.render import render_workflows

    files = render_workflows(load_descriptor(EXAMPLES / name / "actiongen.yml"))
    assert list(files) == [".github/workflows/ci-cd.yml"]
    return files[".github/workflows/ci-cd.yml"]


def data_of(text: str) -> dict[str, Any]:
    """The workflow as plain data, read the way GitHub reads it (``on`` stays a string)."""
    from actiongen.load import load_text, to_data

    doc = load_text("ci-cd.yml", text)
    assert not doc.problems, doc.problems
    data = to_data(doc.root)
    assert isinstance(data, dict)
    return data


def _matches(patterns: list[str], name: str) -> bool:
    # The generator only writes exact names and trailing-* prefixes.
    return any(fnmatch.fnmatchcase(name, p) if "*" in p else name == p for p in patterns)


def triggered(wf: dict[str, Any], event: str, ref: str) -> bool:
    """Whether the workflow's ``on:`` filters start a run for ``event`` on ``ref``."""
    on = wf["on"]
    if event not in on:
        return False
    cfg = on[event] or {}
    if ref.startswith("refs/tags/"):
        tags = cfg.get("tags")
        return tags is not None and _matches(tags, ref[len("refs/tags/"):])
    branches = cfg.get("branches")
    if branches is None:
        return "tags" not in cfg
    return _matches(branches, ref[len("refs/heads/"):])


def jobs_that_run(text: str, event: str, ref: str) -> set[str]:
    """The jobs started for ``event`` on ``ref`` (for a pull request, ``ref`` is its base)."""
    from actiongen.model.conditions import evaluate, scenario

    wf = data_of(text)
    if not triggered(wf, event, ref):
        return set()
    facts = scenario(event, ref if event == "push" else "refs/pull/1/merge",
                     **({"github.base_ref": ref[len("refs/heads/"):]} if event != "push" else {}))
    ran: set[str] = set()
    for job_id, job in wf["jobs"].items():  # generated jobs come after their needs
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        condition = job.get("if")
        verdict = evaluate(condition, facts)
        assert verdict is not None, f"{job_id}: `if: {condition}` is undecided for {event} {ref}"
        anyway = isinstance(condition, str) and "always()" in condition
        if verdict and (anyway or all(n in ran for n in needs)):
            ran.add(job_id)
    return ran


def ancestors(wf: dict[str, Any], job_id: str) -> set[str]:
    """Every job ``job_id`` needs, directly or through others."""
    out: set[str] = set()
    stack = list(_needs(wf, job_id))
    while stack:
        n = stack.pop()
        if n not in out:
            out.add(n)
            stack.extend(_needs(wf, n))
    return out


def _needs(wf: dict[str, Any], job_id: str) -> list[str]:
    needs = wf["jobs"][job_id].get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def write_repo(root: Path, name: str) -> Path:
    """A repository holding gallery example ``name``'s descriptor and rendered workflow."""
    (root / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (root / ".github" / "actiongen.yml").write_text(
        (EXAMPLES / name / "actiongen.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (root / ".github" / "workflows" / "ci-cd.yml").write_text(rendered(name), encoding="utf-8")
    return root
