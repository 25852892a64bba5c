"""Which pipeline stage each job belongs to, and why.

Configuration first (job-id globs), then evidence (an ``environment:`` means deploy;
a health or smoke job after a deploy means verify), then the job's id and name.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actiongen.config import Config
    from actiongen.model.graph import NeedsGraph
    from actiongen.model.workflow import Job, Workflow

#: Stage order; "other" has no place in it.
ORDER = {"commit": 0, "build": 1, "test": 2, "deploy": 3, "verify": 4}

_NAME_HINTS: list[tuple[str, re.Pattern[str]]] = [
    ("other", re.compile(r"rollback|roll-back|revert|undo|notify|notification|cleanup|clean-up")),
    ("verify", re.compile(r"verify|smoke|health|post-deploy|canary-check|synthetic")),
    ("deploy", re.compile(r"deploy|release|publish|rollout|promote|ship")),
    ("test", re.compile(r"test|e2e|integration|unit|spec|coverage|playwright|cypress")),
    ("build", re.compile(r"build|compile|bundle|package|docker|image|artifact|dist")),
    ("commit", re.compile(r"lint|format|fmt|typecheck|type-check|types|mypy|ruff|eslint|prettier|clippy|commitlint|pre-commit|style|check")),
]


@dataclass(frozen=True, slots=True)
class StageInfo:
    stage: str
    reason: str


def _name_of(job: Job) -> str:
    name = job.name.text if job.name is not None else ""
    return f"{job.id} {name}".lower().replace("_", "-")


def classify(workflow: Workflow, config: Config, graph: NeedsGraph) -> dict[str, StageInfo]:
    out: dict[str, StageInfo] = {}
    deploys: set[str] = set()
    pending: list[Job] = []
    for job_id, job in workflow.jobs.items():
        configured = _configured(job_id, config)
        if configured is not None:
            out[job_id] = configured
            if configured.stage == "deploy":
                deploys.add(job_id)
            continue
        text = _name_of(job)
        if re.search(r"rollback|roll-back|revert", text):
            out[job_id] = StageInfo("other", "a rollback job, by its name")
            continue
        if job.environment is not None:
            env = job.environment.name_text or "?"
            out[job_id] = StageInfo("deploy", f"it deploys to environment `{env}`")
            deploys.add(job_id)
            continue
        pending.append(job)
    for job in pending:
        text = _name_of(job)
        after_deploy = graph.ancestors(job.id) & deploys
        if after_deploy and re.search(r"verify|smoke|health|check|probe|synthetic", text):
            out[job.id] = StageInfo(
                "verify", f"it checks health after deploy job `{sorted(after_deploy)[0]}`"
            )
            continue
        for stage, pattern in _NAME_HINTS:
            m = pattern.search(text)
            if m:
                out[job.id] = StageInfo(stage, f"its name mentions `{m.group(0)}`")
                break
        else:
            out[job.id] = StageInfo("other", "no configuration, evidence or name places it")
    return out


def _configured(job_id: str, config: Config) -> StageInfo | None:
    for stage, globs in config.stage_globs.items():
        for pattern in globs:
            if fnmatch.fnmatchcase(job_id, pattern):
                return StageInfo(stage, f"configured: `{pattern}` in stages.{stage}")
    return None
