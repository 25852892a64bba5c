"""The validated descriptor: what the templates read.

Every field has its default filled in, so templates never guess.  Values are
kept as the user wrote them (commands, URLs); escaping them for YAML and for
GitHub expressions is the renderer's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Service:
    """A service container (postgres, mysql, redis) and the test jobs that get it."""

    kind: str
    version: str
    jobs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Image:
    """A container image built from a Dockerfile and pushed on pushes."""

    name: str
    dockerfile: str = "Dockerfile"
    context: str = "."
    username: str = "REGISTRY_USERNAME"  # a variable name
    password: str = "REGISTRY_PASSWORD"  # a secret name
    aws_role: str = "AWS_ROLE_ARN"  # an ARN or a variable name (ECR only)

    @property
    def registry(self) -> str:
        first = self.name.split("/", 1)[0]
        return first if ("." in first or ":" in first) and "/" in self.name else "docker.io"

    @property
    def is_ghcr(self) -> bool:
        return self.registry == "ghcr.io"

    @property
    def keyless(self) -> bool:
        """Pushed without a stored password (GITHUB_TOKEN for ghcr.io, OIDC for ECR)."""
        return self.is_ghcr or self.is_ecr

    @property
    def is_ecr(self) -> bool:
        return ".dkr.ecr." in self.registry and self.registry.endswith(".amazonaws.com")

    @property
    def ecr_region(self) -> str:
        # 123456789012.dkr.ecr.eu-west-1.amazonaws.com
        parts = self.registry.split(".")
        return parts[3] if len(parts) > 4 else ""


@dataclass(frozen=True, slots=True)
class Verify:
    """Health URL (absolute) polled ``retries`` times, every ``interval`` s; a smoke command."""

    health: str | None = None
    retries: int = 5
    interval: int = 10
    smoke: str | None = None

    @property
    def active(self) -> bool:
        return self.health is not None or self.smoke is not None


@dataclass(frozen=True, slots=True)
class Rollback:
    """``auto`` (the preset's rollback), ``command`` (``run``) or ``none``."""

    mode: str = "auto"
    run: str | None = None


@dataclass(frozen=True, slots=True)
class RefGuard:
    """The pushes an environment deploys from: branch and tag patterns."""

    branches: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(slots=True)
class Environment:
    """One deploy target."""

    name: str
    slug: str  # job-id friendly form of the name
    refs: RefGuard
    url: str | None  # None: the deploy step's own output (vercel, github-pages)
    preset: str | None  # None: plain ``run`` command
    run: str | None
    promote: str | None
    strategy: str
    canary: tuple[int, ...]
    options: dict[str, Any]  # the preset's ``with:``, defaults filled in
    vars: dict[str, str]  # env var -> variable name
    secrets: dict[str, str]  # env var -> secret name
    verify: Verify
    rollback: Rollback
    migrate: bool
    production: bool
    oidc: bool = False

    @property
    def has_rollback(self) -> bool:
        return self.rollback.mode != "none"


@dataclass(frozen=True, slots=True)
class Notify:
    slack: str
    on: tuple[str, ...] = ("failure",)


@dataclass(slots=True)
class Descriptor:
    """A project descriptor, validated and with defaults filled in."""

    name: str
    language: str
    versions: tuple[str, ...]
    package_manager: str
    commands: dict[str, str]  # stage -> command, only the stages that have one
    install: str | None
    runs_on: str = "ubuntu-latest"
    branches: tuple[str, ...] = ()
    services: tuple[Service, ...] = ()
    artifacts: tuple[str, ...] = ()
    #: Dependency caching through the setup actions (they fail without a lockfile).
    dependency_cache: bool = True
    image: Image | None = None
    environments: dict[str, Environment] = field(default_factory=dict)
    notify: Notify | None = None
    hooks: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    extra_jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    workflow_file: str = "ci-cd.yml"
    budgets: dict[str, int] = field(default_factory=dict)  # stage -> minutes
    pipeline_budget: int = 26
    check: dict[str, Any] | None = None  # the raw ``check:`` section
    source: str = ".github/actiongen.yml"
    data: dict[str, Any] = field(default_factory=dict)  # the raw descriptor

    @property
    def version(self) -> str:
        """The version every job but the unit-test matrix uses."""
        return self.versions[0]

    @property
    def matrix(self) -> bool:
        return len(self.versions) > 1

    def services_for(self, job: str) -> tuple[Service, ...]:
        return tuple(s for s in self.services if job in s.jobs)

    @property
    def tag_triggers(self) -> tuple[str, ...]:
        seen: list[str] = []
        for env in self.environments.values():
            for t in env.refs.tags:
                if t not in seen:
                    seen.append(t)
        return tuple(seen)

    @property
    def branch_triggers(self) -> tuple[str, ...]:
        seen: list[str] = list(self.branches)
        for env in self.environments.values():
            for b in env.refs.branches:
                if b not in seen:
                    seen.append(b)
        return tuple(seen or ("main",))

    def requirements(self) -> dict[str, dict[str, list[str]]]:
        """Per environment: the secrets and variables to create (for setup checklists),
        the descriptor's own names and those its preset reads."""
        from actiongen.descriptor.presets import preset_names

        out: dict[str, dict[str, list[str]]] = {}
        for env in self.environments.values():
            secrets, variables = preset_names(env.preset, env.options)
            out[env.name] = {
                "secrets": sorted(set(env.secrets.values()) | set(secrets)),
                "vars": sorted(set(env.vars.values()) | set(variables)),
                "branches": list(env.refs.branches),
                "tags": list(env.refs.tags),
            }
        if self.image is not None and not self.image.keyless:
            out["registry"] = {"secrets": [self.image.password], "vars": [self.image.username],
                               "branches": [], "tags": []}
        return out

    def repository_secrets(self) -> list[str]:
        """Secrets read outside any environment (notifications, registry logins)."""
        found: list[str] = []
        if self.notify is not None:
            found.append(self.notify.slack)
        return found

    def repository_vars(self) -> list[str]:
        found: list[str] = []
        if self.image is not None and self.image.is_ecr and not self.image.aws_role.startswith(
            "arn:"
        ):
            found.append(self.image.aws_role)
        return found
