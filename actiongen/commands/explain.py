"""``actiongen check --explain-stages``: each job's stage and the reason for it.

One block per workflow: the path, then one aligned line per job (id, stage, line of
the job key, reason), so a user can see why a rule treats a job as, say, a deploy,
and override it with ``check: stages:`` globs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from actiongen.config import Config


def stage_lines(path: str, config: Config) -> list[str]:
    """The explanation of one workflow file, as lines (no trailing newlines)."""
    from actiongen.engine import load_file
    from actiongen.model.graph import NeedsGraph
    from actiongen.model.stages import classify
    from actiongen.model.workflow import build_workflow

    doc = load_file(path)
    workflow = build_workflow(doc) if doc.root is not None else None
    if workflow is None:
        return [f"{path}: not a usable workflow (run `actiongen check {path}`)"]
    if not workflow.jobs:
        return [path, "  (no jobs)"]
    stages = classify(workflow, config, NeedsGraph.of(workflow))
    id_width = max(len(j) for j in workflow.jobs)
    stage_width = max(len(i.stage) for i in stages.values())
    line_width = max(len(str(j.key.span.line)) for j in workflow.jobs.values())
    lines = [path]
    for job_id, job in workflow.jobs.items():
        info = stages[job_id]
        lines.append(
            f"  {job_id:<{id_width}}  {info.stage:<{stage_width}}  "
            f"line {job.key.span.line:<{line_width}}  {info.reason}"
        )
    return lines


def explain_stages(files: list[str], config: Config, out: TextIO) -> int:
    """Print the stage of every job in the workflow files among ``files``."""
    from actiongen.engine import kind_of

    first = True
    for path in files:
        if kind_of(path) != "workflow":
            continue
        if not first:
            out.write("\n")
        first = False
        out.write("\n".join(stage_lines(path, config)) + "\n")
    return 0
