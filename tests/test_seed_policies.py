"""The seed's own example pipeline, judged by the deployment policies of seed §51 and §53.

`ci-cd.example.yml` deploys staging from `develop` and production from `main`, each
behind an environment and after every test, but nothing checks either deploy once it
is out, and production has no way back.  Its migration runs in a test job against a
service database, which is where the seed wants it.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from actiongen.config import Config
from actiongen.engine import FileResult, check_file
from actiongen.findings import Severity
from actiongen.rules.registry import all_rules

from .conftest import shared_path

DEPLOY_POLICIES = (
    "deploy-environment",
    "production-on-pr",
    "environment-near-miss",
    "deploy-secret-without-environment",
    "migration-in-deploy",
    "gate-continue-on-error",
    "deploy-unverified",
    "deploy-no-rollback",
)
STAGE_ORDERING = (
    "stage-order",
    "deploy-needs-tests",
    "verify-needs-deploy",
    "needs-unknown",
    "needs-cycle",
)


@pytest.fixture(scope="module")
def seed() -> FileResult:
    return check_file(str(shared_path("seed", "ci-cd.example.yml")), Config(), all_rules())


def by_rule(result: FileResult) -> dict[str, list[tuple[str | None, Severity]]]:
    out: dict[str, list[tuple[str | None, Severity]]] = defaultdict(list)
    for f in result.findings:
        out[f.rule].append((f.job, f.severity))
    return out


def test_both_deploys_are_reported_unverified(seed: FileResult) -> None:
    found = by_rule(seed)["deploy-unverified"]
    assert sorted(job for job, _ in found) == ["deploy-production", "deploy-staging"]
    # Production is the policy's warning; the staging deploy is reported as a note.
    assert dict(found) == {"deploy-production": Severity.WARNING, "deploy-staging": Severity.NOTE}


def test_production_has_no_rollback_path(seed: FileResult) -> None:
    assert by_rule(seed)["deploy-no-rollback"] == [("deploy-production", Severity.NOTE)]


@pytest.mark.parametrize(
    "rule",
    [r for r in DEPLOY_POLICIES if r not in ("deploy-unverified", "deploy-no-rollback")],
)
def test_what_the_seed_does_right_is_not_reported(seed: FileResult, rule: str) -> None:
    # Environments on both deploys, production guarded to `main` (pull requests cannot
    # reach it), no misspelt names, no deploy secrets outside environments, the
    # migration in a test job, and no gate allowed to fail.
    assert by_rule(seed)[rule] == []


def test_no_stage_ordering_findings(seed: FileResult) -> None:
    known = {r.id for r in all_rules()}
    assert set(STAGE_ORDERING) & known, "the stage-ordering rules are not registered"
    found = [f for f in seed.findings if f.rule in STAGE_ORDERING]
    assert found == [], [f"{f.line}: {f.rule}: {f.message}" for f in found]
