"""The pipeline's shape, decided in Python before any template runs.

Which jobs exist, what each needs, when each runs (``if:``), its permissions and
its timeout.  Templates only turn this plan into text, so the shape is testable on
its own and every workflow the generator writes follows the same rules:

commit checks -> build (+ image) -> unit / integration / e2e -> per environment:
migrate -> deploy -> verify -> rollback (on failure) -> notify.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from actiongen.descriptor.errors import DescriptorError, Problem
from actiongen.descriptor.refs import guard

if TYPE_CHECKING:
    from actiongen.descriptor.model import Descriptor, Environment

#: Relative share of the time left after the tests, per post-test job kind.
_WEIGHTS = {"migrate": 2, "deploy": 3, "verify": 2, "rollback": 2, "notify": 1}
#: Stage (for budgets) of each job kind.
_STAGE = {
    "lint": "commit", "typecheck": "commit", "build": "build", "image": "build",
    "unit": "test", "integration": "test", "e2e": "test", "migrate": "deploy",
    "deploy": "deploy", "verify": "verify", "rollback": "deploy", "notify": "notify",
}
_SHRINK_FIRST = ("migrate", "deploy", "verify")


@dataclass(slots=True)
class PlannedJob:
    """One job of the generated workflow."""

    id: str
    kind: str  # lint, typecheck, build, image, unit, integration, e2e, migrate, deploy,
    #            verify, rollback, notify, extra
    name: str
    needs: list[str] = field(default_factory=list)
    condition: str | None = None
    permissions: dict[str, str] = field(default_factory=dict)
    timeout: int = 1
    environment: Environment | None = None
    extra: dict[str, object] | None = None  # an extra job's own mapping
    #: An environment that is not a deploy target (the registry of a stored password).
    gate_environment: str | None = None

    @property
    def stage(self) -> str:
        return _STAGE.get(self.kind, "other")


@dataclass(slots=True)
class Plan:
    jobs: list[PlannedJob]

    def get(self, job_id: str) -> PlannedJob:
        for job in self.jobs:
            if job.id == job_id:
                return job
        raise KeyError(job_id)

    @property
    def ids(self) -> list[str]:
        return [j.id for j in self.jobs]


def _test_name(d: Descriptor, kind: str) -> str:
    label = {"unit": "Unit tests", "integration": "Integration tests",
             "e2e": "End-to-end tests"}[kind]
    if kind == "unit" and d.matrix:
        return f"{label} ({d.language} ${{{{ matrix.version }}}})"
    return label


def plan(d: Descriptor) -> Plan:
    """The jobs for descriptor ``d``, timeouts fitted to the budgets."""
    jobs: list[PlannedJob] = []
    read = {"contents": "read"}

    commit: list[str] = [k for k in ("lint", "typecheck") if k in d.commands]
    for kind in commit:
        jobs.append(PlannedJob(kind, kind, kind.capitalize() if kind == "lint" else "Typecheck",
                               permissions=dict(read)))
    builders: list[str] = []
    if "build" in d.commands:
        jobs.append(PlannedJob("build", "build", "Build", list(commit), permissions=dict(read)))
        builders.append("build")
    image: PlannedJob | None = None
    if d.image is not None:
        perms = dict(read)
        if d.image.is_ghcr:
            perms["packages"] = "write"
        elif d.image.is_ecr:
            perms["id-token"] = "write"
        image = PlannedJob("image", "image", "Container image", list(commit),
                           "github.event_name == 'push'", perms)
    if image is not None and d.image is not None and d.image.keyless:
        jobs.append(image)
        builders.append("image")
    tests: list[str] = []
    test_kinds: tuple[str, ...] = ("unit", "integration", "e2e")
    for kind in test_kinds:
        if kind not in d.commands:
            continue
        needs: list[str] = (
            list(commit) if kind == "unit" or "build" not in d.commands else ["build"])
        jobs.append(PlannedJob(kind, kind, _test_name(d, kind), needs, permissions=dict(read)))
        tests.append(kind)

    gates = [*builders, *tests]
    if image is not None and d.image is not None and not d.image.keyless:
        # A stored registry password lives in an environment of its own, so the push is
        # a release step: it waits for the build and every test.
        image.needs = list(gates) or list(commit)
        image.gate_environment = "registry"
        jobs.append(image)
        gates.append("image")
    deploy_ids = {f"deploy-{e.slug}" for e in d.environments.values()}
    extras = _extra_jobs(d, jobs, deploy_ids)
    after_deploy = {j.id for j in extras if _reaches(j, extras, deploy_ids)}
    gates += [j.id for j in extras if j.id not in after_deploy]
    jobs += [j for j in extras if j.id not in after_deploy]

    rollbacks: list[str] = []
    for env in d.environments.values():
        condition = guard(env.refs.branches, env.refs.tags)
        before_deploy = list(gates) or list(commit)
        if env.migrate:
            jobs.append(PlannedJob(
                f"migrate-{env.slug}", "migrate", f"Migrate {env.name} database",
                list(before_deploy), condition, dict(read), environment=env))
            before_deploy = [*before_deploy, f"migrate-{env.slug}"]
        jobs.append(PlannedJob(
            f"deploy-{env.slug}", "deploy", f"Deploy to {env.name}", before_deploy, condition,
            _deploy_permissions(env), environment=env))
        if env.verify.active:
            perms = dict(read) if env.verify.smoke else {}
            jobs.append(PlannedJob(f"verify-{env.slug}", "verify", f"Verify {env.name}",
                                   [f"deploy-{env.slug}"], permissions=perms, environment=env))
        if env.has_rollback:
            watched = [f"deploy-{env.slug}"] + (
                [f"verify-{env.slug}"] if env.verify.active else [])
            failed = " || ".join(f"needs.{w}.result == 'failure'" for w in watched)
            jobs.append(PlannedJob(
                f"rollback-{env.slug}", "rollback", f"Roll back {env.name}", watched,
                f"failure() && ({failed})" if len(watched) > 1 else f"failure() && {failed}",
                _rollback_permissions(env), environment=env))
            rollbacks.append(f"rollback-{env.slug}")
    jobs += [j for j in extras if j.id in after_deploy]
    if d.notify is not None:
        jobs.append(PlannedJob("notify", "notify", "Notify", [j.id for j in jobs],
                               "always() && github.event_name == 'push'", {}))
    if not jobs:
        # Valid as a descriptor (a project with nothing to run yet), but a workflow needs a job.
        raise DescriptorError(d.source, [Problem(
            (), "there is nothing to run: no checks, builds, tests, deploys or jobs",
            "add commands: (lint, build, unit, ...) or deploy:")])
    result = Plan(jobs)
    _fit_timeouts(d, result)
    _check_health_time(d, result)
    return result


#: ``curl --max-time`` of one health-check attempt, in seconds.
HEALTH_ATTEMPT_SECONDS = 10


def _check_health_time(d: Descriptor, p: Plan) -> None:
    """A health check that can outlast its job would be killed, not failed: refuse it."""
    problems = []
    for job in p.jobs:
        env = job.environment
        if job.kind != "verify" or env is None or env.verify.health is None:
            continue
        worst = env.verify.retries * (env.verify.interval + HEALTH_ATTEMPT_SECONDS)
        if worst > job.timeout * 60 - 15:
            local = "verify" in (d.data.get("deploy", {}).get(env.name) or {})
            where: tuple[str | int, ...] = (
                ("deploy", env.name, "verify", "retries") if local else ("verify", "retries"))
            problems.append(Problem(
                where,
                f"{env.verify.retries} health checks every {env.verify.interval}s can take "
                f"{worst}s, longer than job `{job.id}` may run ({job.timeout} min)",
                "lower retries or interval, or raise check.budgets.verify"))
    if problems:
        raise DescriptorError(d.source, problems)


def _deploy_permissions(env: Environment) -> dict[str, str]:
    if env.preset == "github-pages":
        return {"pages": "write", "id-token": "write"}
    if env.preset == "pypi":
        return {"id-token": "write"}
    perms = {"contents": "read"}
    if env.oidc:
        perms["id-token"] = "write"
    return perms


def _rollback_permissions(env: Environment) -> dict[str, str]:
    perms = {"contents": "read"}
    if env.oidc and env.rollback.mode == "auto":
        perms["id-token"] = "write"
    return perms


def _extra_jobs(d: Descriptor, planned: list[PlannedJob], deploy_ids: set[str]) -> list[PlannedJob]:
    known = {j.id for j in planned} | set(d.extra_jobs)
    for env in d.environments.values():
        known |= {f"{k}-{env.slug}" for k in ("migrate", "deploy", "verify", "rollback")}
    out = []
    problems = []
    for job_id, job in d.extra_jobs.items():
        if job_id in {j.id for j in planned} or job_id in known - set(d.extra_jobs):
            problems.append(Problem(("jobs", job_id), f"`{job_id}` is a job actiongen generates",
                                    "give the extra job another id"))
            continue
        raw_needs = job.get("needs") or []
        needs = [raw_needs] if isinstance(raw_needs, str) else list(raw_needs)
        for n in needs:
            if n not in known:
                problems.append(Problem(("jobs", job_id, "needs"), f"there is no job `{n}`",
                                        f"use one of: {', '.join(sorted(known))}"))
        perms = job.get("permissions")
        if not isinstance(perms, dict):
            perms = {"contents": "read"}
        out.append(PlannedJob(job_id, "extra", str(job.get("name") or job_id), needs,
                              permissions=perms, timeout=int(job["timeout-minutes"]), extra=job))
    if problems:
        raise DescriptorError(d.source, problems)
    return out


def _reaches(job: PlannedJob, extras: list[PlannedJob], targets: set[str]) -> bool:
    by_id = {j.id: j for j in extras}
    seen: set[str] = set()
    stack = list(job.needs)
    while stack:
        n = stack.pop()
        if n in targets or (n.startswith(("verify-", "rollback-")) and n not in by_id):
            return True
        if n in seen:
            continue
        seen.add(n)
        if n in by_id:
            stack.extend(by_id[n].needs)
    return False


def _cap(d: Descriptor, job: PlannedJob) -> int:
    if job.kind == "extra":
        return job.timeout
    if job.kind == "notify":
        return 1
    return max(1, d.budgets.get(job.stage, 1))


def _longest(p: Plan, t: dict[str, int]) -> tuple[int, list[str]]:
    """The longest needs chain of a run where every job succeeds (a rollback runs only
    when a deploy failed, so it adds nothing to that run)."""
    best: dict[str, tuple[int, list[str]]] = {}
    for job in p.jobs:  # jobs are listed after everything they need
        prior = max((best[n] for n in job.needs if n in best), default=(0, []),
                    key=lambda x: x[0])
        if job.kind == "rollback":
            best[job.id] = prior
        else:
            best[job.id] = (prior[0] + t[job.id], [*prior[1], job.id])
    return max(best.values(), key=lambda x: x[0], default=(0, []))


def _fit_timeouts(d: Descriptor, p: Plan) -> None:
    """Stage budgets cap each job; then the longest needs path of a successful run is
    trimmed to the pipeline budget, taking minutes from the post-test jobs first (they
    mostly wait), in proportion to their weights, then from the tests and builds."""
    t = {job.id: _cap(d, job) for job in p.jobs}
    kinds = {job.id: job.kind for job in p.jobs}
    while True:
        total, path = _longest(p, t)
        if total <= d.pipeline_budget:
            break
        first = [j for j in path if kinds[j] in _SHRINK_FIRST and t[j] > 1]
        if first:
            pick = max(first, key=lambda j: (t[j] / _WEIGHTS[kinds[j]], -path.index(j)))
        else:
            rest = [j for j in path if kinds[j] not in ("extra", "notify") and t[j] > 1]
            if not rest:
                minimum = total
                raise DescriptorError(d.source, [Problem(
                    ("check", "budgets", "pipeline"),
                    f"{d.pipeline_budget} minutes cannot hold the longest chain of jobs "
                    f"({' -> '.join(path)}), even at one minute each",
                    f"raise it to at least {minimum}")])
            pick = max(rest, key=lambda j: (t[j], -path.index(j)))
        t[pick] -= 1
    for job in p.jobs:
        job.timeout = t[job.id]
