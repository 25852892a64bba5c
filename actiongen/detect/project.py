"""What detection found about a project, before it becomes a descriptor."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: The commands a pipeline runs, in stage order.
STAGES = ("lint", "typecheck", "build", "unit", "integration", "e2e", "migrate")

#: Languages ``init`` understands, in the order a tie between manifests is broken.
LANGUAGES = ("node", "python", "go", "rust", "java", "ruby")


#: Versions used when the project states none: current stable/LTS lines.
DEFAULT_VERSIONS = {
    "node": "24",
    "python": "3.13",
    "go": "stable",
    "rust": "stable",
    "java": "21",
    "ruby": "3.4",
}

#: Service containers a test job can get, with the default image tag.
SERVICE_VERSIONS = {"postgres": "17", "mysql": "8.4", "redis": "7"}


@dataclass
class Project:
    """One detected project: the facts ``init`` turns into a descriptor.

    ``commands`` maps a stage from :data:`STAGES` to a shell command; ``evidence`` holds
    one human-readable line per fact (``pnpm-lock.yaml -> package manager pnpm``) so the
    user can see why ``init`` decided what it did.
    """

    language: str
    name: str
    version: str
    package_manager: str
    directory: str = "."
    commands: dict[str, str] = field(default_factory=dict)
    #: Command run once before e2e tests (installing browsers, for example).
    e2e_setup: str | None = None
    #: service name -> image tag
    services: dict[str, str] = field(default_factory=dict)
    lockfile: str | None = None
    #: Install command when the package manager's default would miss something.
    install: str | None = None
    #: Path (relative to the repository root) of the Dockerfile that builds the image.
    dockerfile: str | None = None
    #: What ``build`` leaves behind for the test and deploy jobs (a path or glob).
    build_output: str | None = None
    deploy_preset: str | None = None
    #: The preset's options the repository tells (fly.toml's app, the compose file...).
    deploy_options: dict[str, str] = field(default_factory=dict)
    #: Deploy command per environment ("staging", "production"); under "*" a command for
    #: every environment, which takes the environment's name as its argument.
    deploy_run: dict[str, str] = field(default_factory=dict)
    rollback_run: str | None = None
    evidence: list[str] = field(default_factory=list)
    #: True when tests start their own containers (Testcontainers): no service needed.
    self_contained_tests: bool = False

    def note(self, fact: str) -> None:
        if fact not in self.evidence:
            self.evidence.append(fact)

    def set_command(self, stage: str, command: str | None, why: str) -> None:
        """Record ``command`` for ``stage`` unless one is already set (first finding wins)."""
        if command and stage not in self.commands:
            self.commands[stage] = command
            self.note(f"{why} -> {stage}: {command}")

    def add_service(self, service: str, why: str) -> None:
        if service not in self.services:
            self.services[service] = SERVICE_VERSIONS[service]
            self.note(f"{why} -> service {service}")

    @property
    def strength(self) -> int:
        """How much was found: used to choose between manifests in one repository."""
        return len(self.commands) + (1 if self.lockfile else 0)


def project_name(raw: str | None, fallback: str) -> str:
    """A name fit for a descriptor: ``@acme/web-app`` -> ``web-app``."""
    for candidate in (raw, fallback):
        if not candidate:
            continue
        name = candidate.rsplit("/", 1)[-1]
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._")
        if name:
            return name[:100]
    return "app"


def quote_arg(value: str) -> str:
    """Quote a path for a POSIX shell command only when it needs it."""
    if re.fullmatch(r"[A-Za-z0-9_./:@%+=,-]+", value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"
