"""Shared wording of the pipeline rules (stage order, budgets).  No rule lives here."""

from __future__ import annotations

#: How messages write the stage order.
STAGE_CHAIN = "commit → build → test → deploy → verify"


def override_hint(job_ids: list[str]) -> str:
    """How to correct a misclassified job."""
    ids = names(job_ids)
    return (f"if {ids} {'is' if len(job_ids) == 1 else 'are'} in the wrong stage, set the "
            "stage in the configuration (`check: stages:`; see `actiongen check "
            "--explain-stages`)")


def names(job_ids: list[str], limit: int = 6) -> str:
    """```a`, `b` and `c``` (with "and N more" past ``limit``)."""
    quoted = [f"`{j}`" for j in job_ids]
    if len(quoted) > limit:
        rest = len(quoted) - limit
        quoted = [*quoted[:limit], f"{rest} more"]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
