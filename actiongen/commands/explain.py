"""``actiongen check --explain-stages``: each job's stage and the reason for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from actiongen.config import Config


def explain_stages(files: list[str], config: Config, out: TextIO) -> int:
    from actiongen.engine import kind_of, load_file
    from actiongen.model.graph import NeedsGraph
    from actiongen.model.stages import classify
    from actiongen.model.workflow import build_workflow

    for path in files:
        if kind_of(path) != "workflow":
            continue
        doc = load_file(path)
        workflow = build_workflow(doc) if doc.root is not None else None
        if workflow is None:
            out.write(f"{path}: not a usable workflow (run `actiongen check {path}`)\n")
            continue
        stages = classify(workflow, config, NeedsGraph.of(workflow))
        out.write(f"{path}\n")
        width = max((len(j) for j in workflow.jobs), default=0)
        for job_id, job in workflow.jobs.items():
            info = stages[job_id]
            out.write(f"  {job_id:<{width}}  {info.stage:<7} line {job.key.span.line}: {info.reason}\n")
    return 0
