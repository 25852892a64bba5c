"""Shared evidence of the deployment rules: what a job deploys, publishes, verifies,
rolls back or migrates.  (A module starting with ``_`` holds no rule.)

Everything here reads commands and action names, never a job's stage alone: the
stage classifier guesses from names, and a rule that reports an *error* needs more
than a name to stand on.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from actiongen.lazyre import lazy_compile
from actiongen.load import Mapping, Scalar

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.config import Config
    from actiongen.findings import Span
    from actiongen.load import Document, Node
    from actiongen.model.expressions import Expression
    from actiongen.model.workflow import Job, Step, Workflow
    from actiongen.rules.base import Context

# --- what a step does -------------------------------------------------------------

#: Commands that put code on a running target (a cluster, a host, a platform).
_DEPLOY_RUN = lazy_compile(
    r"\bkubectl[ \t]+(?:-\S+[ \t]+)*(?:apply|set\s+image|replace|rollout\s+restart)\b"
    r"|\bhelm(?:file)?\s+(?:\S+[ \t]+)*?(?:upgrade|install|apply|sync)\b"
    r"|\bvercel\b[^\n]*(?:--prod\b|\bdeploy\b|\bpromote\b)"
    r"|\bnetlify\s+deploy\b|\b(?:fly|flyctl)\s+deploy\b|\bkamal\s+deploy\b"
    r"|\baws\s+(?:ecs\s+update-service|lambda\s+update-function-code|deploy\b"
    r"|cloudformation\s+(?:deploy|update-stack|create-stack)|s3\s+sync\b"
    r"|elasticbeanstalk\s+update-environment)"
    r"|\bgcloud\s+(?:\S+[ \t]+)*?deploy\b"
    r"|\baz\s+(?:webapp|functionapp|containerapp|aks)\b[^\n]*\b(?:deploy|up|update)\b"
    r"|\bwrangler\s+(?:pages\s+)?(?:deploy|publish)\b|\bfirebase\s+deploy\b|\brailway\s+up\b"
    r"|\bgit\s+push\s+(?:\S+[ \t]+)*?(?:heroku|dokku)\b|\bheroku\s+container:release\b"
    r"|\b(?:serverless|sls)\s+deploy\b|\bcdk\s+deploy\b|\bterraform\s+apply\b|\bpulumi\s+up\b"
    r"|\bansible-playbook\b|\bdocker\s+stack\s+deploy\b|\bcap\s+\S+\s+deploy\b|\bsurge\s"
    r"|(?:^|(?<=[\s/]))deploy(?:\.sh|\.py|\.js|\.ts)?(?=\s|$)"
    r"|\b(?:npm|yarn|bun|make|just|task|rake|mix)\s+(?:run\s+)?deploy\b",
    re.MULTILINE,
)

_DEPLOY_KEYS = (
    "kubectl", "helm", "vercel", "netlify", "fly", "kamal", "aws ", "gcloud", "az ", "wrangler",
    "firebase", "railway", "heroku", "dokku", "serverless", "sls ", "cdk ", "terraform",
    "pulumi", "ansible", "docker", "cap ", "surge", "deploy",
)

#: Actions that deploy; matched against ``owner/repo[/path]``, lower-cased.
_DEPLOY_USES = lazy_compile(
    r"deploy|vercel|netlify|wrangler|cloudflare/pages-action|flyctl|actions-gh-pages"
    r"|ssh-action|scp-action|rsync|heroku|azure/(?:webapps|functions|k8s|aks)"
    r"|pulumi/actions|aws-actions/amazon-ecs-render"
)
#: Actions named like deployers that only record or report a deployment.
_NOT_DEPLOY_USES = lazy_compile(r"deployments?$|deployment-(?:status|action)|bobheadxi/deployments")

#: Publishing a package or image to a registry: a release, not a deploy of a service.
_PUBLISH_RUN = lazy_compile(
    r"\b(?:npm|pnpm|yarn|bun)\s+(?:npm\s+)?publish\b|\bcargo\s+publish\b|\btwine\s+upload\b"
    r"|\b(?:uv|poetry|flit|hatch|pdm)\s+publish\b|\bgem\s+push\b|\bdocker\s+(?:image\s+)?push\b"
    r"|\bdocker\s+buildx\s+(?:build|bake)\b[^\n]*--push\b|\bmvn\b[^\n]*\bdeploy\b"
    r"|\bgradlew?\b[^\n]*\bpublish\w*\b|\bchangeset\s+publish\b|\blerna\s+publish\b"
    r"|\bdotnet\s+nuget\s+push\b|\bnuget\s+push\b|\b(?:vsce|ovsx)\s+publish\b|\bhelm\s+push\b"
    r"|\bgoreleaser\b|\bjreleaser\b|\bgh\s+release\s+(?:create|upload|edit)\b"
    r"|\bcrane\s+(?:push|copy|cp)\b|\bskopeo\s+copy\b|\boras\s+push\b"
)
_PUBLISH_KEYS = (
    "publish", "upload", "push", "deploy", "goreleaser", "jreleaser", "release", "copy", "cp ",
)
_PUBLISH_USES = lazy_compile(
    r"pypi-publish|action-gh-release|release-action|build-push-action|goreleaser-action"
    r"|changesets/action|npm-publish|publish-immutable-action|crates-io-auth-action"
    r"|upload-release-asset|create-release|release-drafter|release-please"
)

#: Publishing to GitHub itself (a release, its assets, an immutable action package).
_GITHUB_RELEASE = lazy_compile(
    r"\bgh\s+release\s+\w+|action-gh-release|release-action|create-release|release-drafter"
    r"|release-please|upload-release-asset|publish-immutable-action"
)

#: A check that the deployed thing answers: health, smoke, rollout status...
_VERIFY_RUN = lazy_compile(
    r"\bcurl\b[^\n|;&]*(?:\s--fail\b|\s--fail-with-body\b|\s--retry\b|\s-[a-zA-Z]*f[a-zA-Z]*\b)"
    r"|\bwget\b[^\n]*--spider\b"
    r"|smoke|health|readiness|liveness|\bwait-for|\bwait-on\b|\bwait_for\b|\bwaitforit\b"
    r"|\brollout\s+status\b|\becs\s+wait\s+services-stable\b|\bhelm\s+test\b"
    r"|\bhelm\b[^\n]*\s--(?:wait|atomic)\b|\bk6\s+run\b|\bnewman\s+run\b|\bplaywright\s+test\b"
    r"|\bcypress\s+run\b|\b(?:npm|yarn|pnpm)\s+(?:run\s+)?(?:test:)?(?:e2e|smoke|verify)\b"
    r"|\bverify[-_]?deploy|\bpost[-_]?deploy",
    re.IGNORECASE,
)
_VERIFY_KEYS = (
    "curl", "wget", "smoke", "health", "readiness", "liveness", "wait", "rollout", "helm",
    "k6", "newman", "playwright", "cypress", "e2e", "verify", "deploy",
)
_VERIFY_USES = lazy_compile(r"health|smoke|uptime|wait-for|url-check|lighthouse|synthetic")
_VERIFY_NAME = lazy_compile(
    r"\b(?:verify|verification|validate|smoke|health|check\s+deploy|post-deploy|e2e)", re.IGNORECASE
)

#: A deploy command that waits for the new version to be ready (and may undo it).
_WAITS = lazy_compile(
    r"\bhelm\b[^\n]*\s--(?:wait|atomic)\b|\bkubectl\b[^\n]*\s--wait\b|--wait-for-\w+"
    r"|\bfly(?:ctl)?\s+deploy\b[^\n]*--wait",
    re.IGNORECASE,
)
_WAITS_KEYS = ("--wait", "--atomic")
#: Rolling back: the command, or the words of a step or job that does it.
_ROLLBACK = lazy_compile(
    r"roll[\s_-]?back|rollout\s+undo|\bundo\b|\brevert\b|--atomic\b"
    r"|previous[\s_-]?(?:task|version|release|deployment)",
    re.IGNORECASE,
)
#: ``failure()`` in an ``if:``: the step or job runs when something failed.
_ON_FAILURE = lazy_compile(r"\bfailure\s*\(\s*\)")
_STATUS_FN = lazy_compile(r"\b(?:always|failure|cancelled)\s*\(\s*\)")

_NOTIFY = lazy_compile(r"notif|slack|discord|teams|status|summary|comment|announce", re.IGNORECASE)

#: Database schema migrations: the commands of the common migration tools.
_MIGRATION_RUN = lazy_compile(
    r"\bdb:migrate\b|\bmigrate\s+deploy\b|\bprisma\s+(?:migrate\s+(?:deploy|dev|reset)|db\s+push)\b"
    r"|\balembic\s+(?:\S+[ \t]+)*?upgrade\b|\bmanage\.py\s+migrate\b|\bdjango-admin\s+migrate\b"
    r"|\bflyway\b[^\n]*\bmigrate\b|\bknex\s+migrate\b|\bsequelize(?:-cli)?\s+db:migrate\b"
    r"|\bgoose\b[^\n]*\s(?:up|up-by-one|up-to)\b|\bliquibase\b[^\n]*\s(?:update|update-count)\b"
    r"|\bartisan\s+migrate\b|\bdbmate\s+(?:\S+[ \t]+)*?(?:up|migrate)\b"
    r"|\bmigrate\s+(?:\S+[ \t]+)*?up\b"
    r"|\btypeorm\b[^\n]*migration:run\b|\bdrizzle-kit\s+(?:migrate|push)\b|\bsupabase\s+db\s+push\b"
    r"|\bdiesel\s+migration\s+run\b|\bsqlx\s+migrate\s+run\b|\becto\.migrate\b"
    r"|\batlas\s+(?:schema|migrate)\s+apply\b|\b(?:npm|yarn|pnpm|bun)\s+(?:run\s+)?(?:db:)?migrate\b"
    r"|\bmikro-orm\s+migration:up\b|\bnode-pg-migrate\s+up\b|\bmake\s+migrate\b",
    re.IGNORECASE,
)
_MIGRATION_USES = lazy_compile(r"flyway|liquibase|migrat")

_DRY_RUN = lazy_compile(r"dry[-_ ]?run|--dry\b", re.IGNORECASE)

# --- what a job is called -----------------------------------------------------------

#: Words that say "this job deploys" by themselves.
_STRONG_DEPLOY_NAME = lazy_compile(r"deploy|rollout|roll-out")
#: Words that may mean deploy (publish to a registry) or only build a release.
_WEAK_DEPLOY_NAME = lazy_compile(r"release|publish|promote|ship|upload")
#: Names of jobs that rehearse a deploy rather than perform it.
#: (A *build*-and-publish job is not one: whether it pushes out decides.)
_REHEARSAL_NAME = lazy_compile(
    r"dry[-_ ]?run|check|test|lint|verify|validate|plan|prepare|draft|notes|changelog"
    r"|pre-?release-version|smoke|label|board|notify"
)

#: Name parts of secrets for deployment targets: clouds, clusters, hosts, registries.
_TARGETS = frozenset((
    "DEPLOY", "DEPLOYMENT", "DEPLOYER", "PROD", "PRODUCTION", "KUBE", "KUBECONFIG", "K8S",
    "VERCEL", "NETLIFY", "HEROKU", "FLY", "FLYIO", "RAILWAY", "RENDER", "SSH", "PYPI", "TESTPYPI",
    "TWINE", "NPM", "RUBYGEMS", "GEM", "CARGO", "CRATES", "CRATESIO", "AWS", "S3", "AZURE", "GCP",
    "GCLOUD", "GCS", "GKE", "EKS", "AKS", "CLOUDFLARE", "FIREBASE", "SURGE", "DIGITALOCEAN",
    "DOCKERHUB", "DOCKER", "QUAY", "REGISTRY", "OSSRH", "SONATYPE", "MAVEN", "NUGET", "VSCE",
    "OVSX", "ARGOCD", "TERRAFORM", "PULUMI", "ANSIBLE", "HELM", "WEBSTORE", "APPSTORE",
    "PLAYSTORE",
))
#: Name parts that make a secret a credential rather than an identifier.
_CREDENTIAL_WORDS = frozenset((
    "TOKEN", "KEY", "SECRET", "PASSWORD", "PASS", "PASSWD", "PW", "PWD", "CREDS", "CREDENTIAL",
    "CREDENTIALS", "AUTH", "CONNECTION", "KUBECONFIG", "CONFIG", "HOOK", "DSN",
))
#: Last name parts of values that identify rather than authenticate.
_IDENTIFIER_WORDS = frozenset((
    "ID", "NAME", "USER", "USERNAME", "LOGIN", "ACCOUNT", "ORG", "PROJECT", "REGION", "EMAIL",
    "OWNER", "REPO", "BUCKET", "HOST", "URL", "ENDPOINT",
))
#: Secrets that are not deployment credentials even when their names look like one.
_NOT_DEPLOY_SECRET = lazy_compile(r"^(?:GITHUB_TOKEN|CODECOV_TOKEN|SLACK\w*|DISCORD\w*)$")


@dataclass(frozen=True, slots=True)
class StepRole:
    """What one step does, as far as its commands, action and name tell."""

    deploys: bool
    publishes: bool
    verifies: bool
    #: The step's own deploy command waits until the new version is ready.
    waits: bool
    rolls_back: bool
    on_failure: bool


def lower_name(job: Job) -> str:
    """The job's id and ``name:``, lower-cased, ``_`` as ``-``."""
    name = job.name.text if job.name is not None else ""
    return f"{job.id} {name}".lower().replace("_", "-")


def action_of(step: Step) -> str:
    """The ``uses:`` of a step without its ref, lower-cased ('' for run steps)."""
    if step.uses is None:
        return ""
    return step.uses.text.split("@", 1)[0].lower()


def with_scripts(step: Step) -> Iterator[Scalar]:
    """String inputs of a ``uses:`` step that hold commands (``script:``, ``run``, ``args``...)."""
    if step.with_ is None:
        return
    for key, value in step.with_.items():
        if isinstance(value, Scalar) and isinstance(value.value, str) and re.search(
            r"script|run|command|cmd|args", key, re.IGNORECASE
        ):
            yield value


def commands(step: Step) -> list[Scalar]:
    """The step's ``run:`` and the command-holding inputs of its action."""
    out = [step.run] if step.run is not None else []
    out.extend(with_scripts(step))
    return out


def condition_text(node: Node | None) -> str:
    """The text of an ``if:`` value ('' when absent or not a scalar)."""
    if isinstance(node, Scalar) and node.value is not None:
        return node.text
    return ""


def role(step: Step) -> StepRole:
    """What the step does: deploy, publish, verify, roll back, react to failure."""
    run = "\n".join(s.text for s in commands(step))
    return _role(
        run, action_of(step), step.name or "", _waits_for_stability(step),
        condition_text(step.if_),
    )


def has(pattern: re.Pattern[str], keywords: tuple[str, ...], text: str) -> bool:
    """``pattern`` matches ``text``; a keyword must occur first (a cheap pre-filter:
    most scripts mention no deploy tool at all)."""
    lowered = text.lower()
    return any(k in lowered for k in keywords) and pattern.search(text) is not None


@lru_cache(maxsize=4096)
def _role(run: str, uses: str, name: str, waits_input: bool, condition: str) -> StepRole:
    # Several rules ask about the same steps of a file: cached by the step's text.
    waits = waits_input or has(_WAITS, _WAITS_KEYS, run)
    verifies = (
        has(_VERIFY_RUN, _VERIFY_KEYS, run)
        or bool(uses and _VERIFY_USES.search(uses))
        or bool(_VERIFY_NAME.search(name))
        or waits
    )
    dry_run = bool(_DRY_RUN.search(run))
    publishes = (
        has(_PUBLISH_RUN, _PUBLISH_KEYS, run) or bool(uses and _PUBLISH_USES.search(uses))
    ) and not dry_run
    by_action = bool(uses and _DEPLOY_USES.search(uses) and not _NOT_DEPLOY_USES.search(uses))
    # `prisma migrate deploy` migrates a database; it does not deploy the service.
    by_command = has(_DEPLOY_RUN, _DEPLOY_KEYS, _MIGRATION_RUN.sub("", run)) and not dry_run
    by_name = bool(re.search(r"\bdeploy", name, re.IGNORECASE)) and not _NOTIFY.search(name)
    deploys = (by_action or by_command or (by_name and not publishes)) and not (
        verifies and not by_action and not by_command
    )
    return StepRole(
        deploys=deploys,
        publishes=publishes,
        verifies=verifies,
        waits=waits,
        rolls_back=bool(_ROLLBACK.search(f"{run}\n{uses}\n{name}")),
        on_failure=bool(_ON_FAILURE.search(condition)),
    )


def _waits_for_stability(step: Step) -> bool:
    """A deploy action told to wait until the service is stable (ECS and friends)."""
    if step.with_ is None:
        return False
    for key, value in step.with_.items():
        if "wait" in key.lower() and isinstance(value, Scalar) and value.value is True:
            return True
    return False


def migration(step: Step) -> tuple[Scalar, re.Match[str] | None] | None:
    """The value of the step that runs a database migration, and the command in it."""
    for script in commands(step):
        m = _MIGRATION_RUN.search(script.text)
        if m and not re.search(r"makemigrations|--check\b|--plan\b|\bstatus\b", script.text):
            return script, m
    uses = action_of(step)
    if uses and _MIGRATION_USES.search(uses) and step.uses is not None:
        return step.uses, None
    return None


def locate(doc: Document, scalar: Scalar, match: re.Match[str] | None) -> Span:
    """The span of ``match`` (found in the scalar's value) in the source, else the scalar's.

    A command inside a block scalar is pointed at on its own line; when quoting or
    folding makes the source differ from the value, the whole scalar is the answer.
    """
    if match is None:
        return scalar.span
    raw = doc.text[scalar.start : scalar.end]
    at = raw.find(match.group(0))
    if at == -1:
        return scalar.span
    return doc.span_of(scalar.start + at, scalar.start + at + len(match.group(0)))


# --- what a job is --------------------------------------------------------------------


def configured_deploy(job: Job, config: Config) -> bool:
    """The configuration names this job a deploy job (``stages.deploy`` globs)."""
    return any(fnmatch.fnmatchcase(job.id, g) for g in config.stage_globs.get("deploy", []))


def id_token_write(job: Job, workflow: Workflow) -> bool:
    """The job may request an OIDC token (cloud logins, trusted publishing)."""
    for node in (job.permissions, workflow.permissions):
        if isinstance(node, Mapping):
            value = node.get("id-token")
            return isinstance(value, Scalar) and value.text == "write"
        if isinstance(node, Scalar) and node.value is not None:
            return node.text == "write-all"
    return False


def secret_uses(ctx: Context, job: Job) -> Iterator[tuple[str, Scalar, Expression]]:
    """``(name, scalar, expression)`` for every ``secrets.NAME`` inside the job."""
    assert ctx.workflow is not None
    # `if: secrets.X != ''` tests whether a secret is set; it does not hand it out.
    conditions = {id(n) for n in (job.if_, *(s.if_ for s in job.steps)) if n is not None}
    for expr in ctx.workflow.expressions:
        if not (job.node.start <= expr.scalar.start < job.node.end):
            continue
        if "secrets" not in expr.text.lower() or id(expr.scalar) in conditions:
            continue
        for ref in expr.references:
            parts = ref.split(".")
            # `secrets[format(...)]` names no secret we can judge.
            if len(parts) >= 2 and parts[0].lower() == "secrets" and re.fullmatch(
                r"[A-Za-z_][\w-]*", parts[1]
            ):
                yield parts[1], expr.scalar, expr


def _name_parts(name: str) -> list[str]:
    return [p for p in re.split(r"[_\-]+", name.upper()) if p]


def is_deploy_secret(name: str) -> bool:
    """The secret's name says it is a credential for a deployment target
    (``AWS_SECRET_ACCESS_KEY``, ``NPM_TOKEN``, ``SSH_DEPLOY_KEY``, ``PROD_DATABASE_URL``),
    not an identifier (``VERCEL_ORG_ID``, ``DEPLOY_HOST``)."""
    if _NOT_DEPLOY_SECRET.match(name.upper()):
        return False
    parts = _name_parts(name)
    return any(p in _TARGETS for p in parts) and _credential(parts)


def _credential(parts: list[str]) -> bool:
    if any(p in _CREDENTIAL_WORDS for p in parts):
        return True
    # A database URL carries its password.
    return bool({"DATABASE", "DB"} & set(parts)) and parts[-1] in ("URL", "URI")


def is_identifier(name: str) -> bool:
    """``VERCEL_ORG_ID``, ``DOCKERHUB_USERNAME``: stored as secrets, but not credentials."""
    parts = _name_parts(name)
    return bool(parts) and parts[-1] in _IDENTIFIER_WORDS and not _credential(parts)


def pushes_out(ctx: Context, job: Job) -> bool:
    """The job deploys or publishes somewhere with credentials of its own.

    Creating a GitHub release with ``GITHUB_TOKEN`` alone does not count: it never
    leaves the repository.
    """
    roles = [role(s) for s in job.steps]
    if any(r.deploys for r in roles):
        return True
    if any(is_deploy_secret(name) for name, _, _ in secret_uses(ctx, job)):
        return True
    registry = any(
        r.publishes and not _stays_on_github(s) for r, s in zip(roles, job.steps, strict=True)
    )
    assert ctx.workflow is not None
    if not registry:
        return False
    return id_token_write(job, ctx.workflow) or any(
        name.upper() != "GITHUB_TOKEN" for name, _, _ in secret_uses(ctx, job)
    )


def _stays_on_github(step: Step) -> bool:
    """Publishing that never leaves GitHub: releases, release assets, immutable actions."""
    text = "\n".join(s.text for s in commands(step)) + "\n" + action_of(step)
    rest = _GITHUB_RELEASE.sub("", text)
    return rest != text and not (_PUBLISH_RUN.search(rest) or _PUBLISH_USES.search(rest))


def looks_like_deploy_job(ctx: Context, job: Job) -> str | None:
    """Why an environment-less job is a real deploy job, or None when it is not.

    The stage must be ``deploy``; then configuration decides alone, a name that says
    *deploy* needs no more, and a name that only says *release*/*publish* needs a
    target outside the repository (see :func:`pushes_out`).  Rehearsals (dry runs,
    release builds, checks) are left out.
    """
    info = ctx.stages.get(job.id)
    if info is None or info.stage != "deploy":
        return None
    if configured_deploy(job, ctx.config):
        return "the configuration puts it in the deploy stage"
    text = lower_name(job)
    if _DRY_RUN.search(text):
        return None
    strong = _STRONG_DEPLOY_NAME.search(text)
    if strong and not re.search(r"dry|check|test|lint|verify|validate|preview-build", text):
        return f"its name says `{strong.group(0)}`"
    weak = _WEAK_DEPLOY_NAME.search(text) or strong
    if weak and not _REHEARSAL_NAME.search(text) and pushes_out(ctx, job):
        return f"its name says `{weak.group(0)}` and it pushes to a target outside the repository"
    if any(role(s).deploys for s in job.steps) and not _REHEARSAL_NAME.search(text):
        return "its steps deploy"
    return None


# --- environments ----------------------------------------------------------------------


def environment_literals(job: Job) -> list[str]:
    """The environment names a job may deploy to: the name, or the string literals of
    an expression that computes it (``${{ cond && 'production' || 'staging' }}``)."""
    if job.environment is None or job.environment.name is None:
        return []
    text = job.environment.name.text
    if "${{" not in text:
        return [text]
    return [m.group(1) for m in re.finditer(r"'((?:[^']|'')*)'", text) if m.group(1)]


def production_names(job: Job, config: Config) -> list[str]:
    """The production environments (per the configuration) the job may deploy to."""
    return [n for n in environment_literals(job) if config.is_production(n)]


def is_production(job: Job, config: Config) -> bool:
    """The job may deploy to a production environment; a job without ``environment:``
    when its id or name says so (``deploy-prod``)."""
    if job.environment is None and "environment" not in job.node:
        return any(config.is_production(w) for w in re.split(r"[^a-z0-9]+", lower_name(job)) if w)
    return bool(production_names(job, config))


@dataclass(frozen=True, slots=True)
class Deployment:
    """A job that deploys a running service, and where in its steps it does so."""

    job: Job
    #: Index of the last deploy step, or None when only the job as a whole says deploy.
    step: int | None
    production: bool


def deployment(ctx: Context, job: Job) -> Deployment | None:
    """The job as a deployment of a running service, or None.

    Package publishing (PyPI, npm, crates, images, GitHub releases) is a release, not
    a deployment: there is no service to health-check or roll back; neither is a job
    that only migrates a database.  Jobs that call a reusable workflow are judged
    inside that workflow.
    """
    if job.uses is not None:
        return None
    info = ctx.stages.get(job.id)
    if info is None or info.stage != "deploy":
        return None
    roles = [role(s) for s in job.steps]
    deploy_steps = [i for i, r in enumerate(roles) if r.deploys]
    production = is_production(job, ctx.config)
    if deploy_steps:
        return Deployment(job, deploy_steps[-1], production)
    if any(r.publishes for r in roles) or any(migration(s) for s in job.steps):
        return None  # a release of a package, or a migration job: no service to check
    text = lower_name(job)
    named = bool(_STRONG_DEPLOY_NAME.search(text)) and not _DRY_RUN.search(text)
    if named or (production and job.environment is not None):
        return Deployment(job, None, production)
    return None


def status_function_in(node: Node | None) -> bool:
    """The condition uses ``always()``, ``failure()`` or ``cancelled()``."""
    return bool(_STATUS_FN.search(condition_text(node)))


def on_failure(node: Node | None) -> bool:
    """The condition runs on failure (``failure()``)."""
    return bool(_ON_FAILURE.search(condition_text(node)))
