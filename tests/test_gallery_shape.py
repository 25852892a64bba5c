"""Pipeline shape of the gallery outputs: needs graph, which jobs run for which trigger,
environments and guards, permissions, timeouts and pins.

Snapshots show *that* the text changed; these tests say what must stay true of it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .gallery import EXAMPLES, GALLERY, ancestors, data_of, jobs_that_run, rendered

PR = "pull_request"
COMMIT = {"lint", "typecheck"}
CHECKS = {"lint", "typecheck", "build", "unit", "integration", "e2e"}


def wf(name: str) -> dict[str, Any]:
    return data_of(rendered(name))


def descriptor(name: str) -> Any:
    from actiongen.descriptor import load_descriptor

    return load_descriptor(EXAMPLES / name / "actiongen.yml")


# --- the seed's own project, spelled out --------------------------------------------------


def test_seed_needs_graph() -> None:
    # The seed's shape (§50.3), hardened: commit checks -> build -> tests -> per environment
    # migrate -> deploy -> verify (-> rollback for production) -> notify.
    jobs = wf("seed-node")["jobs"]
    needs = {job_id: job.get("needs", []) for job_id, job in jobs.items()}
    assert needs == {
        "lint": [],
        "typecheck": [],
        "build": ["lint", "typecheck"],
        "unit": ["lint", "typecheck"],
        "integration": ["build"],
        "e2e": ["build"],
        "migrate-staging": ["build", "unit", "integration", "e2e"],
        "deploy-staging": ["build", "unit", "integration", "e2e", "migrate-staging"],
        "verify-staging": ["deploy-staging"],
        "migrate-production": ["build", "unit", "integration", "e2e"],
        "deploy-production": ["build", "unit", "integration", "e2e", "migrate-production"],
        "verify-production": ["deploy-production"],
        "rollback-production": ["deploy-production", "verify-production"],
        "notify": [j for j in jobs if j != "notify"],
    }


@pytest.mark.parametrize(
    ("event", "ref", "expected"),
    [
        # A pull request runs the checks only.
        (PR, "refs/heads/main", CHECKS),
        (PR, "refs/heads/develop", CHECKS),
        # develop deploys to staging; main to production; each verifies and notifies.
        ("push", "refs/heads/develop",
         CHECKS | {"migrate-staging", "deploy-staging", "verify-staging", "notify"}),
        ("push", "refs/heads/main",
         CHECKS | {"migrate-production", "deploy-production", "verify-production", "notify"}),
        # Nothing else triggers the workflow (the seed deploys no tags).
        ("push", "refs/tags/v1.2.3", set()),
        ("push", "refs/heads/feature/x", set()),
    ],
)
def test_seed_jobs_per_trigger(event: str, ref: str, expected: set[str]) -> None:
    assert jobs_that_run(rendered("seed-node"), event, ref) == expected


def test_seed_environments_and_services() -> None:
    jobs = wf("seed-node")["jobs"]
    # Staging is a Vercel preview: its URL is the one the deploy reports, and verify uses it.
    assert jobs["deploy-staging"]["environment"] == {
        "name": "staging", "url": "${{ steps.deploy.outputs.url }}"}
    health = next(s for s in jobs["verify-staging"]["steps"] if s["name"] == "Health check")
    assert health["env"]["HEALTH_URL"] == "${{ needs.deploy-staging.outputs.url }}/api/health"
    assert jobs["deploy-production"]["environment"] == {
        "name": "production", "url": "https://seed-shop.example.com"}
    assert jobs["deploy-production"]["if"] == (
        "github.event_name == 'push' && github.ref == 'refs/heads/main'")
    # Migrations are their own job, gated by the same environment (seed §53.3 rule 3).
    assert jobs["migrate-production"]["environment"] == {"name": "production"}
    assert jobs["migrate-production"]["if"] == jobs["deploy-production"]["if"]
    # Only integration gets postgres, with a real health check.
    postgres = jobs["integration"]["services"]["postgres"]
    assert postgres["image"] == "postgres:15"
    assert '--health-cmd "pg_isready -U postgres"' in postgres["options"]
    assert all("services" not in jobs[j] for j in jobs if j != "integration")
    # The vercel preset rolls production back with `vercel rollback`.
    rollback_runs = [s.get("run", "") for s in jobs["rollback-production"]["steps"]]
    assert any("rollback" in r and "VERCEL_CLI" in r for r in rollback_runs)
    assert jobs["rollback-production"]["if"].startswith("failure() && ")


# --- what holds for every example ----------------------------------------------------------


def _stage(job_id: str) -> str:
    head = job_id.split("-")[0]
    return {"lint": "commit", "typecheck": "commit", "build": "build", "image": "build",
            "unit": "test", "integration": "test", "e2e": "test"}.get(head, head)


@pytest.mark.parametrize("name", GALLERY)
def test_deploys_need_every_build_and_test(name: str) -> None:
    w = wf(name)
    gates = {j for j in w["jobs"] if _stage(j) in ("commit", "build", "test")}
    for job_id in w["jobs"]:
        if job_id.startswith(("deploy-", "migrate-")):
            assert gates <= ancestors(w, job_id), job_id
        if job_id.startswith("verify-"):
            assert w["jobs"][job_id]["needs"] == ["deploy-" + job_id[len("verify-"):]]
        if job_id.startswith("rollback-"):
            env = job_id[len("rollback-"):]
            assert f"deploy-{env}" in w["jobs"][job_id]["needs"]
            assert w["jobs"][job_id]["if"].startswith("failure() && (") or \
                w["jobs"][job_id]["if"].startswith("failure() && needs.")


@pytest.mark.parametrize("name", GALLERY)
def test_pull_requests_never_deploy(name: str) -> None:
    text = rendered(name)
    w = data_of(text)
    for branch in w["on"]["pull_request"]["branches"]:
        ran = jobs_that_run(text, PR, f"refs/heads/{branch}")
        assert ran, branch
        after_tests = ("deploy-", "migrate-", "verify-", "rollback-", "notify", "image")
        assert not any(j.startswith(after_tests) for j in ran), ran  # images: pushes only


@pytest.mark.parametrize("name", GALLERY)
def test_each_environment_deploys_only_from_its_refs(name: str) -> None:
    d = descriptor(name)
    text = rendered(name)
    for env in d.environments.values():
        samples = [f"refs/heads/{b.rstrip('*') + ('x' if b.endswith('*') else '')}"
                   for b in env.refs.branches]
        samples += [f"refs/tags/{t.rstrip('*') + ('1.0.0' if t.endswith('*') else '')}"
                    for t in env.refs.tags]
        for ref in samples:
            ran = jobs_that_run(text, "push", ref)
            assert f"deploy-{env.slug}" in ran, (env.name, ref)
            if env.verify.active:
                assert f"verify-{env.slug}" in ran
            others = {f"deploy-{o.slug}" for o in d.environments.values()
                      if o is not env and not _same_refs(o, ref)}
            assert not (others & ran), (env.name, ref, others & ran)
        assert not any(j.startswith("deploy-") for j in jobs_that_run(
            text, "push", "refs/heads/actiongen-some-feature"))


def _same_refs(env: Any, ref: str) -> bool:
    from .gallery import _matches

    kind, _, name = ref[len("refs/"):].partition("/")
    return _matches(list(env.refs.branches if kind == "heads" else env.refs.tags), name)


@pytest.mark.parametrize("name", GALLERY)
def test_deploy_jobs_are_environment_guarded(name: str) -> None:
    d = descriptor(name)
    jobs = wf(name)["jobs"]
    for env in d.environments.values():
        job = jobs[f"deploy-{env.slug}"]
        assert job["environment"]["name"] == env.name
        if env.url:
            assert job["environment"]["url"] == env.url
        else:
            assert "url" not in job["environment"] or "steps.deploy.outputs" in \
                job["environment"]["url"]
        assert job["if"].startswith("github.event_name == 'push' && ")
        # A deploy in progress is never cancelled.
        assert job["concurrency"] == {"group": f"deploy-{env.slug}", "cancel-in-progress": False}


@pytest.mark.parametrize("name", GALLERY)
def test_permissions_are_least_privilege(name: str) -> None:
    d = descriptor(name)
    w = wf(name)
    assert w["permissions"] == {}
    oidc_jobs = set()
    for env in d.environments.values():
        if env.oidc:
            oidc_jobs.add(f"deploy-{env.slug}")
            if env.rollback.mode == "auto":
                oidc_jobs.add(f"rollback-{env.slug}")
    if d.image is not None and d.image.is_ecr:
        oidc_jobs.add("image")
    for job_id, job in w["jobs"].items():
        perms = job["permissions"]
        assert isinstance(perms, dict), job_id
        assert (perms.get("id-token") == "write") == (job_id in oidc_jobs), job_id
        assert set(perms.values()) <= {"read", "write"}
        assert "write-all" not in perms


@pytest.mark.parametrize("name", GALLERY)
def test_timeouts_fit_the_budgets(name: str) -> None:
    d = descriptor(name)
    w = wf(name)
    stage_of = {"commit": "commit", "build": "build", "test": "test", "migrate": "deploy",
                "deploy": "deploy", "verify": "verify", "rollback": "deploy"}
    longest: dict[str, int] = {}
    for job_id, job in w["jobs"].items():
        minutes = job["timeout-minutes"]
        assert isinstance(minutes, int) and minutes >= 1, job_id
        stage = stage_of.get(_stage(job_id))
        if stage is not None:
            assert minutes <= d.budgets[stage], (job_id, minutes)
        needs = job.get("needs") or []
        # Rollbacks run only when a deploy failed: not part of a successful run's path.
        own = 0 if job_id.startswith("rollback-") else minutes
        longest[job_id] = own + max((longest[n] for n in needs), default=0)
    assert max(longest.values()) <= d.pipeline_budget


_USES = re.compile(r"^\s*(?:- )?uses: (\S+)@([0-9a-f]{40}) # (\S+)$")


@pytest.mark.parametrize("name", GALLERY)
def test_actions_are_pinned_from_the_table(name: str) -> None:
    from actiongen import pins

    text = rendered(name)
    lines = [line for line in text.splitlines() if re.match(r"^\s*(- )?uses: ", line)]
    assert lines
    for line in lines:
        m = _USES.match(line)
        assert m, line
        pin, _ = pins.pin(m.group(1))
        assert (pin.sha, pin.comment) == (m.group(2), m.group(3)), line
        assert pin.runtime in pins.CURRENT_RUNTIMES, line


@pytest.mark.parametrize("name", GALLERY)
def test_checkouts_keep_no_credentials(name: str) -> None:
    for job_id, job in wf(name)["jobs"].items():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, job_id


@pytest.mark.parametrize("name", GALLERY)
def test_secrets_only_reach_steps_through_env(name: str) -> None:
    w = wf(name)
    assert "env" not in w
    for job_id, job in w["jobs"].items():
        assert "secrets." not in str(job.get("env", {})), job_id
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), (job_id, step.get("name"))


@pytest.mark.parametrize("name", GALLERY)
def test_header_names_the_descriptor_and_hash(name: str) -> None:
    from actiongen.render.header import provenance

    text = rendered(name)
    assert text.startswith("# Generated by actiongen from .github/actiongen.yml.")
    assert "actiongen generate" in text.splitlines()[1]
    assert provenance(text).generated and not provenance(text).edited


def test_matrix_runs_unit_tests_on_every_version() -> None:
    jobs = wf("python-uv-pypi")["jobs"]
    assert jobs["unit"]["strategy"]["matrix"]["version"] == ["3.11", "3.12", "3.13", "3.14"]
    assert "max-parallel" not in jobs["unit"]["strategy"]
    # Everything else uses the first version.
    lint_setup = next(s for s in jobs["lint"]["steps"] if "setup-uv" in s.get("uses", ""))
    assert lint_setup["with"]["python-version"] == "3.11"


def test_tag_releases_publish_without_caches() -> None:
    # A tag push publishes: no job restores a dependency cache a pull request could poison.
    text = rendered("python-uv-pypi")
    assert jobs_that_run(text, "push", "refs/tags/v2.0.0") == {
        "lint", "typecheck", "build", "unit", "deploy-pypi"}
    for job in wf("python-uv-pypi")["jobs"].values():
        for step in job["steps"]:
            if "setup-uv" in step.get("uses", ""):
                assert step["with"]["enable-cache"] is False
    deploy = wf("python-uv-pypi")["jobs"]["deploy-pypi"]
    assert deploy["permissions"] == {"id-token": "write"}
    assert any(s.get("run") == "uv publish --trusted-publishing always" for s in deploy["steps"])


def test_canary_verifies_between_steps() -> None:
    steps = wf("node-pnpm-kubernetes-canary")["jobs"]["deploy-production"]["steps"]
    names = [s["name"] for s in steps]
    order = [n for n in names if n.startswith(("Shift", "Verify the canary", "Promote"))]
    assert order == [
        "Shift 10% of the replicas to the canary", "Verify the canary at 10%",
        "Shift 50% of the replicas to the canary", "Verify the canary at 50%",
        "Promote the canary to every replica",
    ]


def test_plain_canary_passes_the_percentage() -> None:
    steps = wf("rust-run-canary")["jobs"]["deploy-production"]["steps"]
    canary = [s for s in steps if "CANARY_PERCENT" in s.get("env", {})]
    assert [s["env"]["CANARY_PERCENT"] for s in canary] == ["5", "25", "100"]
    assert all(s["env"]["LB_API_TOKEN"] == "${{ secrets.LB_API_TOKEN }}" for s in canary)
    assert all(s["env"]["LB_POOL"] == "${{ vars.LB_POOL }}" for s in canary)


def test_blue_green_switches_after_deploying_the_idle_slot() -> None:
    steps = wf("java-gradle-run-blue-green")["jobs"]["deploy-production"]["steps"]
    names = [s["name"] for s in steps]
    assert names.index("Deploy to the idle slot") < names.index("Switch traffic to the new slot")
    rollback = wf("java-gradle-run-blue-green")["jobs"]["rollback-production"]["steps"]
    assert any(s.get("run") == "./ops/switch-router.sh --back" for s in rollback)


def test_ecs_rolls_back_to_the_recorded_task_definition() -> None:
    jobs = wf("python-pip-aws-ecs")["jobs"]
    assert jobs["deploy-staging"]["outputs"]["previous-task-definition"] == (
        "${{ steps.previous.outputs.task-definition }}")
    restore = jobs["rollback-staging"]["steps"]
    assert any("aws ecs update-service" in s.get("run", "") for s in restore)
    # Production is blue-green through CodeDeploy; rolling back stops that deployment.
    assert any("aws deploy stop-deployment" in s.get("run", "")
               for s in jobs["rollback-production"]["steps"])


def test_stored_registry_password_lives_in_an_environment() -> None:
    jobs = wf("ruby-rails-compose")["jobs"]
    image = jobs["image"]
    assert image["environment"] == {"name": "registry"}
    assert set(image["needs"]) == {"unit", "integration"}
    assert "image" in jobs["deploy-production"]["needs"]


def test_extra_jobs_gate_deploys() -> None:
    jobs = wf("docs-github-pages")["jobs"]
    assert jobs["links"]["needs"] == ["build"]
    assert "links" in jobs["deploy-github-pages"]["needs"]
    assert jobs["links"]["permissions"] == {"contents": "read"}
    assert jobs["deploy-github-pages"]["permissions"] == {"pages": "write", "id-token": "write"}
