"""Rendering a descriptor into workflows, and checking them before anyone sees them.

``render_workflows(descriptor)`` returns ``{".github/workflows/ci-cd.yml": text}``.
Before returning it parses its own output and runs every checker rule on it; any
finding is a bug (in actiongen, or in the descriptor's extra steps or jobs) and
raises :class:`GenerationError`, so nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from actiongen.errors import UserError

if TYPE_CHECKING:
    from actiongen.descriptor.model import Descriptor, Environment, Service
    from actiongen.findings import Finding
    from actiongen.render.plan import Plan, PlannedJob

__all__ = ["GenerationError", "dump_descriptor", "render_workflows", "self_check"]

#: The path the header names (the descriptor's home in a repository).
DESCRIPTOR_PATH = ".github/actiongen.yml"
WORKFLOWS_DIR = ".github/workflows"

_JOB_TEMPLATES = {
    "lint": "commit", "typecheck": "commit", "build": "build", "image": "image",
    "unit": "test", "integration": "test", "e2e": "test", "migrate": "migrate",
    "deploy": "deploy", "verify": "verify", "rollback": "rollback", "notify": "notify",
    "extra": "extra",
}

_INSTALL = {
    "npm": "npm ci",
    "pnpm": "pnpm install --frozen-lockfile",
    "yarn": "yarn install --immutable",
    "bun": "bun install --frozen-lockfile",
    "pip": "python -m pip install -r requirements.txt",
    "poetry": "poetry install --no-interaction",
    "uv": "uv sync --locked",
    "go": "go mod download",
    "cargo": "cargo fetch",
    "bundler": "bundle install",
}

_SERVICE_ENV = {
    "postgres": {"POSTGRES_URL": "postgres://postgres@localhost:5432/test"},
    "mysql": {"MYSQL_URL": "mysql://root@127.0.0.1:3306/test"},
    "redis": {"REDIS_URL": "redis://localhost:6379"},
}


class GenerationError(UserError):
    """The generated output failed its own check: a bug, so nothing is written."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


def _context(d: Descriptor, plan: Plan) -> dict[str, Any]:
    from actiongen.descriptor.presets import PRESETS
    from actiongen.render import quote

    def deploy_output_url(env: Environment) -> str:
        return f"${{{{ needs.deploy-{env.slug}.outputs.url }}}}"

    def reports_url(env: Environment) -> bool:
        return env.preset is not None and PRESETS[env.preset].reports_url

    def base_url(env: Environment) -> str:
        if env.url is not None:
            return quote.scalar(env.url)
        if reports_url(env):
            return deploy_output_url(env)
        return '""'

    def health_url(env: Environment) -> str:
        health = env.verify.health or ""
        if not health.startswith("/"):
            return quote.scalar(health)
        if env.url is not None:
            return quote.scalar(env.url.rstrip("/") + health)
        return quote.scalar(deploy_output_url(env) + quote.neutralize(health), expressions=True)

    def database_url(services: tuple[Service, ...]) -> str | None:
        dbs = [s for s in services if s.kind in ("postgres", "mysql")]
        if len(dbs) != 1:
            return None
        return next(iter(_SERVICE_ENV[dbs[0].kind].values()))

    def rollout_seconds(job: PlannedJob) -> int:
        return max(60, job.timeout * 60 - 60)

    def extra_job(job: PlannedJob) -> str:
        from actiongen.render.emit import emit

        body = dict(job.extra or {})
        body.setdefault("runs-on", d.runs_on)
        body.setdefault("permissions", {"contents": "read"})
        return "\n".join(emit(body, 4))

    custom_install = d.install is not None
    install = d.install if custom_install else _INSTALL.get(d.package_manager)
    return {
        "d": d,
        "plan": plan,
        "job_templates": _JOB_TEMPLATES,
        "version": quote.neutralize(d.version),
        "node_version": quote.neutralize(d.version),
        "install": install,
        "custom_install": custom_install,
        # A release cut from a tag must not restore a cache a pull request could have written.
        "cache": d.dependency_cache and not d.tag_triggers,
        "hidden_artifacts": any(
            part.startswith(".") and part not in (".", "..")
            for a in d.artifacts for part in a.split("/")
        ),
        "service_env": _SERVICE_ENV,
        "database_url": database_url,
        "health_url": health_url,
        "base_url": base_url,
        "preset_reports_url": reports_url,
        "rollout_seconds": rollout_seconds,
        "extra_job": extra_job,
    }


def render_body(d: Descriptor) -> str:
    """The workflow text without its header (no self-check)."""
    from actiongen.render.environment import environment
    from actiongen.render.layout import tidy
    from actiongen.render.plan import plan

    p = plan(d)
    template = environment().get_template("ci-cd.yml.j2")
    return tidy(template.render(**_context(d, p)))


def render_workflows(descriptor: Descriptor, *, check: bool = True) -> dict[str, str]:
    """Every workflow the descriptor describes: relative path -> text (header included).

    With ``check`` (the default) the output passes :func:`self_check` or this raises.
    """
    from actiongen.render.header import header

    rest = "\n" + render_body(descriptor)
    files = {
        f"{WORKFLOWS_DIR}/{descriptor.workflow_file}": header(DESCRIPTOR_PATH, rest) + rest,
    }
    if check:
        self_check(descriptor, files)
    return files


def _check_config(d: Descriptor) -> Any:
    """The checker configuration of the descriptor's ``check:`` section, every rule on."""
    from actiongen.config import from_data

    section = dict(d.check or {})
    for key in ("rules", "exclude", "fail-on"):
        section.pop(key, None)
    return from_data(section, d.source)


def self_check(d: Descriptor, files: dict[str, str]) -> None:
    """Parse each file and run every rule on it; any problem raises :class:`GenerationError`."""
    from actiongen.engine import check_document
    from actiongen.load import load_text
    from actiongen.rules.registry import all_rules

    config = _check_config(d)
    rules = list(all_rules())
    for path, text in files.items():
        doc = load_text(path, text)
        if doc.problems or doc.root is None:
            first = doc.problems[0] if doc.problems else None
            where = f"{first.span.line}:{first.span.column}: {first.message}" if first else "empty"
            raise GenerationError(
                f"{path}: the generated workflow does not parse ({where}); "
                "this is a bug in actiongen's templates, please report it"
            )
        result = check_document(doc, config, rules, "workflow")
        if result.findings:
            shown = "; ".join(
                f"{f.span.line}:{f.span.column} [{f.rule}] {f.message}" for f in result.findings[:5]
            )
            more = f" (and {len(result.findings) - 5} more)" if len(result.findings) > 5 else ""
            raise GenerationError(
                f"{path}: the generated workflow fails its own check: {shown}{more}; nothing was "
                "written (a bug in actiongen, or in the descriptor's extra steps or jobs)",
                list(result.findings),
            )


def dump_descriptor(data: dict[str, Any]) -> str:
    """Descriptor text for ``data``, opening with the ``$schema`` line editors read."""
    from actiongen.descriptor import SCHEMA_URL
    from actiongen.load import load_text, to_data
    from actiongen.render.emit import emit

    body = "\n".join(emit(data, 0)) + "\n"
    text = f"# yaml-language-server: $schema={SCHEMA_URL}\n{body}"
    doc = load_text("actiongen.yml", text)
    if doc.problems or to_data(doc.root) != data:
        raise ValueError("descriptor data does not survive a YAML round trip")
    return text
