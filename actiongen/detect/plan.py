"""From a detected project to the descriptor ``init`` writes (plain data, no rendering).

:class:`Plan` holds the values ``init`` asks about, with the detected ones as defaults;
:meth:`Plan.descriptor` turns it into ``.github/actiongen.yml`` data. Where nothing in the
repository says how to deploy, the plan writes commands that fail with a message naming
the descriptor key to fill in: a pipeline that pretends to deploy is worse than one that
says it cannot yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from actiongen.descriptor.presets import PACKAGE_MANAGERS
from actiongen.detect import Detection
from actiongen.detect.project import DEFAULT_VERSIONS, STAGES, Project, quote_arg

SOURCE = ".github/actiongen.yml"
#: Presets ``init`` picks by itself when the repository shows the platform.
AUTO_PRESETS = ("vercel", "fly", "kubernetes", "compose", "pypi", "npm")
#: Presets that publish a package on version tags rather than deploy an app.
PUBLISH_PRESETS = ("pypi", "npm")
#: Install commands when there is no lockfile (the frozen defaults would fail).
UNLOCKED_INSTALL = {"npm": "npm install", "pnpm": "pnpm install", "yarn": "yarn install",
                    "bun": "bun install"}
#: Default install per package manager, for projects in a subdirectory.
LOCKED_INSTALL = {"npm": "npm ci", "pnpm": "pnpm install --frozen-lockfile",
                  "yarn": "yarn install --frozen-lockfile", "bun": "bun install --frozen-lockfile",
                  "uv": "uv sync --locked", "poetry": "poetry install", "go": "go mod download",
                  "cargo": "cargo fetch", "bundler": "bundle install"}


@dataclass
class EnvironmentPlan:
    """One deploy environment as ``init`` proposes it."""

    name: str
    branches: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    url: str | None = None
    preset: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    run: str | None = None
    rollback: str | None = None  # a command; None: the preset's own (or none)
    secrets: list[str] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if len(self.branches) == 1:
            out["branch"] = self.branches[0]
        elif self.branches:
            out["branches"] = list(self.branches)
        if self.tags:
            out["tags"] = list(self.tags)
        if self.url:
            out["url"] = self.url
        if self.preset:
            out["preset"] = self.preset
            if self.options:
                out["with"] = dict(self.options)
        else:
            out["run"] = self.run or placeholder_deploy(self.name)
        if self.rollback:
            out["rollback"] = {"run": self.rollback}
        if self.secrets:
            out["secrets"] = list(self.secrets)
        return out


@dataclass
class Plan:
    """The answers ``init`` turns into a descriptor."""

    name: str
    language: str
    version: str
    package_manager: str
    commands: dict[str, str] = field(default_factory=dict)
    install: str | None = None
    #: False when the setup actions' dependency caches would find no lockfile.
    cache: bool = True
    services: dict[str, str] = field(default_factory=dict)
    service_stages: list[str] = field(default_factory=list)
    artifacts: list[str] = field(default_factory=list)
    image: str | None = None
    dockerfile: str | None = None
    environments: list[EnvironmentPlan] = field(default_factory=list)
    health: str | None = None
    e2e_setup: str | None = None
    directory: str = "."
    #: Descriptor keys whose values are placeholders to replace (for the checklist).
    placeholders: list[str] = field(default_factory=list)

    def descriptor(self) -> dict[str, Any]:
        """The descriptor data, keys in the order people read them."""
        data: dict[str, Any] = {"name": self.name, "language": self.language}
        if self.version:
            data["version"] = self.version
        data["package-manager"] = self.package_manager
        commands: dict[str, str] = {}
        if self.install:
            commands["install"] = self._in_directory(self.install)
        for stage in STAGES:
            if self.commands.get(stage):
                commands[stage] = self._in_directory(self.commands[stage])
        if commands:
            data["commands"] = commands
        if not self.cache:
            data["cache"] = False
        stages = [s for s in self.service_stages if s in self.commands]
        if self.services and stages:
            data["services"] = {name: {"version": version, "for": list(stages)}
                                for name, version in self.services.items()}
        if self.artifacts and "build" in self.commands:
            data["artifacts"] = [self._repo_path(a) for a in self.artifacts]
        if self.image:
            image: dict[str, Any] = {"name": self.image}
            if self.dockerfile and self.dockerfile != "Dockerfile":
                image["dockerfile"] = self.dockerfile
                context = self.dockerfile.rsplit("/", 1)[0] if "/" in self.dockerfile else "."
                if context != ".":
                    image["context"] = context
            data["image"] = image if len(image) > 1 else self.image
        if self.environments:
            data["deploy"] = {env.name: env.data() for env in self.environments}
            if self.health and any(not _publishes(env) for env in self.environments):
                data["verify"] = {"health": self.health}
        if self.e2e_setup and "e2e" in self.commands:
            data["steps"] = {"e2e": {"before": [{
                "name": "Install end-to-end test browsers",
                "run": self._in_directory(self.e2e_setup),
            }]}}
        return data

    def _in_directory(self, command: str) -> str:
        if self.directory in ("", "."):
            return command
        return f"cd {quote_arg(self.directory)} && {command}"

    def _repo_path(self, path: str) -> str:
        return path if self.directory in ("", ".") else f"{self.directory}/{path}"


def _publishes(env: EnvironmentPlan) -> bool:
    return env.preset in PUBLISH_PRESETS


def placeholder_deploy(environment: str) -> str:
    """A deploy command that fails, saying what to configure."""
    return f"echo 'No deploy command yet: set deploy.{environment}.run in {SOURCE}' >&2 && exit 1"


def placeholder_rollback(environment: str) -> str:
    """A rollback command that fails, saying what to configure."""
    return (f"echo 'No rollback command yet: set deploy.{environment}.rollback.run in {SOURCE}'"
            " >&2 && exit 1")


def from_detection(detection: Detection, project: Project | None = None) -> Plan:
    """The default plan for the detected (or the given) project."""
    project = project or detection.project
    if project is None:
        raise ValueError("no project detected")
    plan = Plan(
        name=project.name,
        language=project.language,
        version=project.version or DEFAULT_VERSIONS[project.language],
        package_manager=project.package_manager,
        commands=dict(project.commands),
        services={} if project.self_contained_tests else dict(project.services),
        dockerfile=project.dockerfile,
        e2e_setup=project.e2e_setup,
        directory=project.directory,
    )
    plan.install = _install(project)
    plan.cache = _cache(project)
    plan.service_stages = service_stages(project.language, plan.commands)
    if project.build_output:
        plan.artifacts = [project.build_output]
    if project.dockerfile:
        plan.image = image_name(detection, project)
        if detection.slug is None:
            plan.placeholders.append("image")
    plan.environments = environments(detection, project, plan)
    if any(not _publishes(env) for env in plan.environments):
        plan.health = "/health"
    return plan


def service_stages(language: str, commands: dict[str, str]) -> list[str]:
    """Which test jobs get the service containers.

    Integration tests when there are some (the seed's shape); otherwise the unit tests,
    which then are the ones that talk to the database. Rails and Django system/e2e tests
    run through the framework's test database too.
    """
    stages = ["integration"] if "integration" in commands else (["unit"] if "unit" in commands
                                                                 else [])
    if language in ("ruby", "python") and "e2e" in commands:
        stages.append("e2e")
    return stages


#: Package managers whose setup-action cache needs a lockfile at the repository root.
_CACHE_NEEDS_ROOT_LOCKFILE = frozenset({"npm", "pnpm", "yarn", "bun", "poetry"})


def _cache(project: Project) -> bool:
    """Whether the setup actions can cache dependencies: setup-node's and setup-python's
    poetry cache fail the job when the lockfile is missing or not at the root."""
    if project.package_manager not in _CACHE_NEEDS_ROOT_LOCKFILE:
        return True
    return project.lockfile is not None and "/" not in project.lockfile


def _install(project: Project) -> str | None:
    pm = project.package_manager
    if project.install:
        return project.install
    if pm in UNLOCKED_INSTALL and project.lockfile is None:
        return UNLOCKED_INSTALL[pm]
    if project.directory not in ("", "."):
        return LOCKED_INSTALL.get(pm)
    return None


def image_name(detection: Detection, project: Project) -> str:
    """``ghcr.io/<owner>/<repo>`` from the git remote, else a placeholder owner."""
    if detection.slug is not None:
        owner, repo = detection.slug
        name = f"ghcr.io/{owner}/{repo}".lower()
    else:
        name = f"ghcr.io/your-org/{project.name}".lower()
    name = re.sub(r"[^a-z0-9./_-]+", "-", name)
    return re.sub(r"[._-]{2,}", "-", name)


def environments(detection: Detection, project: Project, plan: Plan) -> list[EnvironmentPlan]:
    """Staging from the integration branch and production from the default branch, or a
    publish-on-tag environment for a library."""
    preset = project.deploy_preset
    if preset in PUBLISH_PRESETS:
        if "build" not in plan.commands or not plan.artifacts:
            return []
        return [EnvironmentPlan(name=preset, preset=preset)]
    if preset == "kubernetes" and not plan.image and "manifests" not in project.deploy_options:
        preset = None
    if preset is not None and preset not in AUTO_PRESETS:
        preset = None
    known = detection.branches
    production_branch = "master" if "master" in known and "main" not in known else "main"
    staging_branch = next((b for b in ("develop", "development", "dev", "staging") if b in known),
                          "develop")
    # A DNS label: it becomes a host name in placeholder URLs and a Fly app name.
    slug = re.sub(r"[^a-z0-9]+", "-", project.name.lower())[:40].strip("-") or "app"
    out = []
    for name, branch in (("staging", staging_branch), ("production", production_branch)):
        env = EnvironmentPlan(name=name, branches=[branch])
        if preset is not None:
            env.preset = preset
            env.options = {k: v for k, v in project.deploy_options.items() if k != "app"}
            if preset == "fly":
                base = project.deploy_options.get("app") or slug
                app = base if name == "production" else f"{base}-staging"
                env.options = {"app": app}
                env.url = f"https://{app}.fly.dev"
            elif preset != "vercel":
                env.url = _placeholder_url(slug, name)
                plan.placeholders.append(f"deploy.{name}.url")
        else:
            env.url = _placeholder_url(slug, name)
            plan.placeholders.append(f"deploy.{name}.url")
            run = project.deploy_run.get(name)
            if run is None and "*" in project.deploy_run:
                run = f"{project.deploy_run['*']} {quote_arg(name)}"
            if run is None:
                plan.placeholders.append(f"deploy.{name}.run")
            env.run = run or placeholder_deploy(name)
            env.rollback = project.rollback_run
            if env.rollback is None:
                env.rollback = placeholder_rollback(name)
                plan.placeholders.append(f"deploy.{name}.rollback.run")
        if "migrate" in plan.commands:
            env.secrets = ["DATABASE_URL"]
        out.append(env)
    return out


def _placeholder_url(slug: str, environment: str) -> str:
    return f"https://{slug}.example.com" if environment == "production" else \
        f"https://{environment}.{slug}.example.com"


def managers(language: str) -> tuple[str, ...]:
    return PACKAGE_MANAGERS[language]
