"""The seed's example pipeline, judged by the stage and time-budget rules.

`ci-cd.example.yml` (seed §50.2) runs lint → build → three test jobs → a deploy to
staging from `develop` and one to production from `main`.  Each deploy needs every
test job (the build through `test-integration` and `test-e2e`), so the ordering rules
find nothing; no job sets `timeout-minutes`, so every job gets `timeout-missing`, and
counted at their stage budgets the critical path (lint 1 + build 5 + test 10 +
deploy 5 = 21 minutes) fits the 26-minute pipeline budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from actiongen.config import Config
from actiongen.engine import FileResult, check_file
from actiongen.findings import Severity
from actiongen.rules.registry import all_rules

from .conftest import shared_path

if TYPE_CHECKING:
    from pathlib import Path

JOBS = ["lint", "build", "test-unit", "test-integration", "test-e2e", "deploy-staging",
        "deploy-production"]
QUIET = ["needs-unknown", "needs-cycle", "stage-order", "deploy-needs-tests",
         "verify-needs-deploy", "timeout-stage-budget", "pipeline-budget"]


@pytest.fixture(scope="module")
def seed_result() -> FileResult:
    return check_file(str(shared_path("seed", "ci-cd.example.yml")), Config(), all_rules())


def test_every_job_lacks_a_timeout(seed_result: FileResult) -> None:
    found = [f for f in seed_result.findings if f.rule == "timeout-missing"]
    assert [f.job for f in found] == JOBS
    assert all(f.severity == Severity.WARNING for f in found)
    # Each points at its job key, and suggests the budget of the job's stage.
    assert [f.span.line for f in found] == [18, 35, 58, 76, 105, 135, 148]
    assert "timeout-minutes: 1" in found[0].fix  # lint: commit
    assert "timeout-minutes: 10" in found[2].fix  # test-unit: test
    assert "timeout-minutes: 5" in found[-1].fix  # deploy-production: deploy


@pytest.mark.parametrize("rule", QUIET)
def test_nothing_about_ordering_or_budgets(seed_result: FileResult, rule: str) -> None:
    assert [f.message for f in seed_result.findings if f.rule == rule] == []


def test_stages_of_the_seed() -> None:
    from actiongen.engine import load_file
    from actiongen.model.graph import NeedsGraph
    from actiongen.model.stages import classify
    from actiongen.model.workflow import build_workflow

    workflow = build_workflow(load_file(str(shared_path("seed", "ci-cd.example.yml"))))
    assert workflow is not None
    stages = classify(workflow, Config(), NeedsGraph.of(workflow))
    assert {j: i.stage for j, i in stages.items()} == {
        "lint": "commit", "build": "build", "test-unit": "test", "test-integration": "test",
        "test-e2e": "test", "deploy-staging": "deploy", "deploy-production": "deploy",
    }
    assert stages["deploy-production"].reason == "it deploys to environment `production`"


def test_a_deploy_missing_a_test_is_reported(tmp_path: Path) -> None:
    """The same pipeline with `test-e2e` dropped from the production deploy's needs."""
    seed = shared_path("seed", "ci-cd.example.yml").read_text(encoding="utf-8")
    lines = seed.splitlines(keepends=True)
    # The second `needs: [test-unit, test-integration, test-e2e]` is deploy-production's.
    index = [i for i, line in enumerate(lines) if "needs: [test-unit" in line][1]
    lines[index] = lines[index].replace(", test-e2e]", "]")
    path = tmp_path / "ci-cd.yml"
    path.write_text("".join(lines), encoding="utf-8")
    result = check_file(str(path), Config(), all_rules())
    found = [f for f in result.findings if f.rule == "deploy-needs-tests"]
    assert len(found) == 1
    assert found[0].job == "deploy-production"
    assert found[0].span.line == index + 1
    assert "`test-e2e`" in found[0].message and "push to main" in found[0].message
    assert "`build`" not in found[0].message  # still needed through test-integration
