"""Shared evidence of the deployment rules: what a job deploys, publishes, verifies,
rolls back or migrates.  (A module starting with ``_`` holds no rule.)

Everything here reads commands and action names, never a job's stage alone: the
stage classifier guesses from names, and a rule that reports an *error* needs more
than a name to stand on.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_left
from functools import lru_cache
from typing import TYPE_CHECKING

from actiongen.lazyre import lazy_compile
from actiongen.load import Mapping, Scalar
from actiongen.model.expressions import references
from actiongen.model.job_evidence import Alternatives, folded

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
_DEPLOY_RUN = Alternatives(
    re.MULTILINE,
    (("kubectl",),
     r"\bkubectl[ \t]+(?:-\S+[ \t]+)*(?:apply|set\s+image|replace|rollout\s+restart)\b"),
    (("helm",), r"\bhelm(?:file)?\s+(?:\S+[ \t]+)*?(?:upgrade|install|apply|sync)\b",
     (("upgrade", "install", "apply", "sync"),)),
    (("vercel",), r"\bvercel\b[^\n]*(?:--prod\b|\bdeploy\b|\bpromote\b)"),
    (("netlify",), r"\bnetlify\s+deploy\b", (("deploy",),)),
    (("fly",), r"\b(?:fly|flyctl)\s+deploy\b", (("deploy",),)),
    (("kamal",), r"\bkamal\s+deploy\b", (("deploy",),)),
    (("aws",), r"\baws\s+(?:ecs\s+update-service|lambda\s+update-function-code|deploy\b"
               r"|cloudformation\s+(?:deploy|update-stack|create-stack)|s3\s+sync\b"
               r"|elasticbeanstalk\s+update-environment)"),
    (("gcloud",), r"\bgcloud\s+(?:\S+[ \t]+)*?deploy\b", (("deploy",),)),
    (("az",), r"\baz\s+(?:webapp|functionapp|containerapp|aks)\b[^\n]*\b(?:deploy|up|update)\b",
     (("webapp", "functionapp", "containerapp", "aks"),)),
    (("wrangler",), r"\bwrangler\s+(?:pages\s+)?(?:deploy|publish)\b"),
    (("firebase",), r"\bfirebase\s+deploy\b", (("deploy",),)),
    (("railway",), r"\brailway\s+up\b"),
    (("heroku", "dokku"), r"\bgit\s+push\s+(?:\S+[ \t]+)*?(?:heroku|dokku)\b",
     (("git",), ("push",))),
    (("heroku",), r"\bheroku\s+container:release\b", (("container:release",),)),
    (("serverless", "sls"), r"\b(?:serverless|sls)\s+deploy\b", (("deploy",),)),
    (("cdk",), r"\bcdk\s+deploy\b", (("deploy",),)),
    (("terraform",), r"\bterraform\s+apply\b", (("apply",),)),
    (("pulumi",), r"\bpulumi\s+up\b"),
    (("ansible-playbook",), r"\bansible-playbook\b"),
    (("stack",), r"\bdocker\s+stack\s+deploy\b", (("docker",), ("deploy",))),
    (("cap",), r"\bcap\s+\S+\s+deploy\b", (("deploy",),)),
    (("surge",), r"\bsurge\s"),
    (("deploy",), r"(?:^|(?<=[\s/]))deploy(?:\.sh|\.py|\.js|\.ts)?(?=\s|$)"),
    (("npm", "yarn", "bun", "make", "just", "task", "rake", "mix"),
     r"\b(?:npm|yarn|bun|make|just|task|rake|mix)\s+(?:run\s+)?deploy\b",
     (("deploy",),)),
)

_DEPLOY_KEYS = (
    "kubectl", "helm", "vercel", "netlify", "fly", "kamal", "aws ", "gcloud", "az ", "wrangler",
    "firebase", "railway", "heroku", "dokku", "serverless", "sls ", "cdk ", "terraform",
    "pulumi", "ansible", "docker", "cap ", "surge", "deploy",
)

#: Actions that deploy; matched against ``owner/repo[/path]``, lower-cased.
_DEPLOY_USES = (
    "deploy", "vercel", "netlify", "wrangler", "cloudflare/pages-action", "flyctl",
    "actions-gh-pages", "ssh-action", "scp-action", "rsync", "heroku", "azure/webapps",
    "azure/functions", "azure/k8s", "azure/aks", "pulumi/actions", "aws-actions/amazon-ecs-render",
)
#: Actions named like deployers that only record or report a deployment ...
_NOT_DEPLOY_USES = ("deployment-status", "deployment-action", "bobheadxi/deployments")
#: ... or whose names end so (a regex ``$`` also matched before a final newline).
_NOT_DEPLOY_USES_END = ("deployment", "deployments", "deployment\n", "deployments\n")

#: Publishing a package or image to a registry: a release, not a deploy of a service.
_PUBLISH_RUN = Alternatives(
    0,
    (("publish",), r"\b(?:npm|pnpm|yarn|bun)\s+(?:npm\s+)?publish\b", (("npm", "yarn", "bun"),)),
    (("publish",), r"\bcargo\s+publish\b", (("cargo",),)),
    (("twine",), r"\btwine\s+upload\b", (("upload",),)),
    (("publish",), r"\b(?:uv|poetry|flit|hatch|pdm)\s+publish\b",
     (("uv", "poetry", "flit", "hatch", "pdm"),)),
    (("gem",), r"\bgem\s+push\b", (("push",),)),
    (("docker",), r"\bdocker\s+(?:image\s+)?push\b", (("push",),)),
    (("buildx",), r"\bdocker\s+buildx\s+(?:build|bake)\b[^\n]*--push\b", (("--push",),)),
    (("mvn",), r"\bmvn\b[^\n]*\bdeploy\b", (("deploy",),)),
    (("publish",), r"\bgradlew?\b[^\n]*\bpublish\w*\b", (("gradle",),)),
    (("publish",), r"\bchangeset\s+publish\b", (("changeset",),)),
    (("publish",), r"\blerna\s+publish\b", (("lerna",),)),
    (("nuget",), r"\bdotnet\s+nuget\s+push\b", (("dotnet",), ("push",))),
    (("nuget",), r"\bnuget\s+push\b", (("push",),)),
    (("publish",), r"\b(?:vsce|ovsx)\s+publish\b", (("vsce", "ovsx"),)),
    (("helm",), r"\bhelm\s+push\b", (("push",),)),
    (("goreleaser",), r"\bgoreleaser\b"),
    (("jreleaser",), r"\bjreleaser\b"),
    (("release",), r"\bgh\s+release\s+(?:create|upload|edit)\b", (("create", "upload", "edit"),)),
    (("crane",), r"\bcrane\s+(?:push|copy|cp)\b", (("push", "copy", "cp"),)),
    (("skopeo",), r"\bskopeo\s+copy\b", (("copy",),)),
    (("oras",), r"\boras\s+push\b", (("push",),)),
)
_PUBLISH_KEYS = (
    "publish", "upload", "push", "deploy", "goreleaser", "jreleaser", "release", "copy", "cp ",
)
_PUBLISH_USES = (
    "pypi-publish", "action-gh-release", "release-action", "build-push-action",
    "goreleaser-action", "changesets/action", "npm-publish", "publish-immutable-action",
    "crates-io-auth-action", "upload-release-asset", "create-release", "release-drafter",
    "release-please",
)

#: Publishing to GitHub itself (a release, its assets, an immutable action package).
_GITHUB_RELEASE = lazy_compile(
    r"\bgh\s+release\s+\w+|action-gh-release|release-action|create-release|release-drafter"
    r"|release-please|upload-release-asset|publish-immutable-action"
)

#: A check that the deployed thing answers: health, smoke, rollout status...
_VERIFY_RUN = Alternatives(
    re.IGNORECASE,
    (("curl",),
     r"\bcurl\b[^\n|;&]*(?:\s--fail\b|\s--fail-with-body\b|\s--retry\b|\s-[a-zA-Z]*f[a-zA-Z]*\b)"),
    (("wget",), r"\bwget\b[^\n]*--spider\b"),
    (("smoke",), r"smoke"),
    (("health",), r"health"),
    (("readiness",), r"readiness"),
    (("liveness",), r"liveness"),
    (("wait-for",), r"\bwait-for"),
    (("wait-on",), r"\bwait-on\b"),
    (("wait_for",), r"\bwait_for\b"),
    (("waitforit",), r"\bwaitforit\b"),
    (("rollout",), r"\brollout\s+status\b"),
    (("services-stable",), r"\becs\s+wait\s+services-stable\b"),
    (("helm",), r"\bhelm\s+test\b", (("test",),)),
    (("helm",), r"\bhelm\b[^\n]*\s--(?:wait|atomic)\b", (("--wait", "--atomic"),)),
    (("k6",), r"\bk6\s+run\b", (("run",),)),
    (("newman",), r"\bnewman\s+run\b", (("run",),)),
    (("playwright",), r"\bplaywright\s+test\b", (("test",),)),
    (("cypress",), r"\bcypress\s+run\b", (("run",),)),
    (("e2e", "smoke", "verify"),
     r"\b(?:npm|yarn|pnpm)\s+(?:run\s+)?(?:test:)?(?:e2e|smoke|verify)\b",
     (("npm", "yarn"),)),
    (("verify",), r"\bverify[-_]?deploy"),
    (("post",), r"\bpost[-_]?deploy"),
)
_VERIFY_KEYS = (
    "curl", "wget", "smoke", "health", "readiness", "liveness", "wait", "rollout", "helm",
    "k6", "newman", "playwright", "cypress", "e2e", "verify", "deploy",
)
_VERIFY_USES = ("health", "smoke", "uptime", "wait-for", "url-check", "lighthouse", "synthetic")
_VERIFY_NAME = lazy_compile(
    r"\b(?:verify|verification|validate|smoke|health|check\s+deploy|post-deploy|e2e)", re.IGNORECASE
)
#: Substrings one of which every :data:`_VERIFY_NAME` match holds (lower-cased).
_VERIFY_NAME_KEYS = ("verif", "validate", "smoke", "health", "check", "post-deploy", "e2e")

#: A deploy command that waits for the new version to be ready (and may undo it).
_WAITS = lazy_compile(
    r"\bhelm\b[^\n]*\s--(?:wait|atomic)\b|\bkubectl\b[^\n]*\s--wait\b|--wait-for-\w+"
    r"|\bfly(?:ctl)?\s+deploy\b[^\n]*--wait",
    re.IGNORECASE,
)
_WAITS_KEYS = ("--wait", "--atomic")
#: Rolling back: the command, or the words of a step or job that does it.
_ROLLBACK = Alternatives(
    re.IGNORECASE,
    (("roll",), r"roll[\s_-]?back"),
    (("undo",), r"rollout\s+undo"),
    (("undo",), r"\bundo\b"),
    (("revert",), r"\brevert\b"),
    (("--atomic",), r"--atomic\b"),
    (("previous",), r"previous[\s_-]?(?:task|version|release|deployment)"),
)
#: ``failure()`` in an ``if:``: the step or job runs when something failed.
_ON_FAILURE = lazy_compile(r"\bfailure\s*\(\s*\)")
_STATUS_FN = lazy_compile(r"\b(?:always|failure|cancelled)\s*\(\s*\)")

_NOTIFY_WORDS = ("notif", "slack", "discord", "teams", "status", "summary", "comment", "announce")
_NOTIFY = lazy_compile("|".join(_NOTIFY_WORDS), re.IGNORECASE)
_DEPLOY_WORD = lazy_compile(r"\bdeploy", re.IGNORECASE)

#: Database schema migrations: the commands of the common migration tools.
_MIGRATION_RUN = Alternatives(
    re.IGNORECASE,
    (("migrat",), r"\bdb:migrate\b", (("db:migrate",),)),
    (("migrat",), r"\bmigrate\s+deploy\b", (("deploy",),)),
    (("prisma",), r"\bprisma\s+(?:migrate\s+(?:deploy|dev|reset)|db\s+push)\b"),
    (("alembic",), r"\balembic\s+(?:\S+[ \t]+)*?upgrade\b"),
    (("migrat",), r"\bmanage\.py\s+migrate\b", (("manage.py",),)),
    (("migrat",), r"\bdjango-admin\s+migrate\b", (("django-admin",),)),
    (("migrat",), r"\bflyway\b[^\n]*\bmigrate\b", (("flyway",),)),
    (("migrat",), r"\bknex\s+migrate\b", (("knex",),)),
    (("migrat",), r"\bsequelize(?:-cli)?\s+db:migrate\b", (("sequelize",),)),
    (("goose",), r"\bgoose\b[^\n]*\s(?:up|up-by-one|up-to)\b"),
    (("liquibase",), r"\bliquibase\b[^\n]*\s(?:update|update-count)\b"),
    (("migrat",), r"\bartisan\s+migrate\b", (("artisan",),)),
    (("dbmate",), r"\bdbmate\s+(?:\S+[ \t]+)*?(?:up|migrate)\b"),
    (("migrat",), r"\bmigrate\s+(?:\S+[ \t]+)*?up\b", (("up",),)),
    (("migrat",), r"\btypeorm\b[^\n]*migration:run\b", (("typeorm",),)),
    (("drizzle-kit",), r"\bdrizzle-kit\s+(?:migrate|push)\b"),
    (("supabase",), r"\bsupabase\s+db\s+push\b"),
    (("migrat",), r"\bdiesel\s+migration\s+run\b", (("diesel",),)),
    (("migrat",), r"\bsqlx\s+migrate\s+run\b", (("sqlx",),)),
    (("migrat",), r"\becto\.migrate\b", (("ecto.migrate",),)),
    (("atlas",), r"\batlas\s+(?:schema|migrate)\s+apply\b"),
    (("migrat",), r"\b(?:npm|yarn|pnpm|bun)\s+(?:run\s+)?(?:db:)?migrate\b",
     (("npm", "yarn", "bun"),)),
    (("migrat",), r"\bmikro-orm\s+migration:up\b", (("mikro-orm",),)),
    (("migrat",), r"\bnode-pg-migrate\s+up\b", (("node-pg-migrate",),)),
    (("migrat",), r"\bmake\s+migrate\b", (("make",),)),
)
_MIGRATION_USES = ("flyway", "liquibase", "migrat")

_DRY_RUN = Alternatives(re.IGNORECASE, (("dry",), r"dry[-_ ]?run"), (("dry",), r"--dry\b"))

# --- what a job is called -----------------------------------------------------------

#: Words that say "this job deploys" by themselves.
_STRONG_DEPLOY_NAME = ("deploy", "rollout", "roll-out")
#: Words that may mean deploy (publish to a registry) or only build a release.
_WEAK_DEPLOY_NAME = ("release", "publish", "promote", "ship", "upload")
#: Names of jobs that rehearse a deploy rather than perform it.
#: (A *build*-and-publish job is not one: whether it pushes out decides.)
_REHEARSAL_NAME = (
    "dryrun", "dry-run", "dry_run", "dry run", "check", "test", "lint", "verify", "validate",
    "plan", "prepare", "draft", "notes", "changelog", "pre-release-version",
    "prerelease-version", "smoke", "label", "board", "notify",
)
#: Words that make a *deploy*-named job a check or a rehearsal.
_NOT_STRONG_DEPLOY = ("dry", "check", "test", "lint", "verify", "validate", "preview-build")


def _first_word(text: str, words: tuple[str, ...]) -> str | None:
    """The word of ``words`` found first in ``text`` (on a tie, the earlier word): what
    the regex alternation of the words finds."""
    found: str | None = None
    at = len(text) + 1
    for word in words:
        i = text.find(word)
        if i != -1 and i < at:
            found, at = word, i
    return found


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(map(text.__contains__, words))

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
_NOT_DEPLOY_SECRET = ("GITHUB_TOKEN", "CODECOV_TOKEN")
_NOT_DEPLOY_SECRET_PREFIX = ("SLACK", "DISCORD")


def _not_deploy_secret(upper: str) -> bool:
    """``^(?:GITHUB_TOKEN|CODECOV_TOKEN|SLACK\\w*|DISCORD\\w*)$`` on an upper-cased name."""
    if upper.endswith("\n"):  # `$` also matches before a final newline
        upper = upper[:-1]
    if upper in _NOT_DEPLOY_SECRET:
        return True
    for prefix in _NOT_DEPLOY_SECRET_PREFIX:
        if upper.startswith(prefix):
            rest = upper[len(prefix):]
            # \w is what str.isalnum accepts, and "_".
            return not rest or rest.replace("_", "a").isalnum()
    return False


class StepRole:
    """What one step does, as far as its commands, action and name tell.  ``waits``:
    the step's own deploy command waits until the new version is ready.

    Each answer is worked out when first asked (most callers ask only ``deploys``) and
    kept: roles are shared by every rule, and by steps with the same text.
    """

    __slots__ = ("_condition", "_deploys", "_dry_run", "_lowered", "_name", "_publishes",
                 "_rolls_back", "_run", "_uses", "_verifies", "_waits", "_waits_input")

    def __init__(self, run: str, uses: str, name: str, waits_input: bool,
                 condition: str) -> None:
        self._run = run
        self._lowered: str | None = None
        self._uses = uses
        self._name = name
        self._waits_input = waits_input
        self._condition = condition
        self._waits: bool | None = None
        self._verifies: bool | None = None
        self._dry_run: bool | None = None
        self._publishes: bool | None = None
        self._deploys: bool | None = None
        self._rolls_back: bool | None = None

    def _low(self) -> str:
        if self._lowered is None:
            self._lowered = self._run.lower()
        return self._lowered

    @property
    def waits(self) -> bool:
        if self._waits is None:
            self._waits = self._waits_input or has(_WAITS, _WAITS_KEYS, self._run, self._low())
        return self._waits

    @property
    def verifies(self) -> bool:
        if self._verifies is None:
            uses = self._uses
            self._verifies = (
                has(_VERIFY_RUN, _VERIFY_KEYS, self._run, self._low())
                or bool(uses and _has_any(uses, _VERIFY_USES))
                or _names_verify(self._name)
                or self.waits
            )
        return self._verifies

    def _dry(self) -> bool:
        if self._dry_run is None:
            self._dry_run = _DRY_RUN.matches(self._run, self._low())
        return self._dry_run

    @property
    def publishes(self) -> bool:
        if self._publishes is None:
            uses = self._uses
            self._publishes = (
                has(_PUBLISH_RUN, _PUBLISH_KEYS, self._run, self._low())
                or bool(uses and _has_any(uses, _PUBLISH_USES))
            ) and not self._dry()
        return self._publishes

    @property
    def deploys(self) -> bool:
        """By its action or a deploy command, or by a name saying *deploy* when it
        neither publishes nor verifies."""
        if self._deploys is None:
            self._deploys = self._deploys_now()
        return self._deploys

    def _deploys_now(self) -> bool:
        if self._uses and _deploy_action(self._uses):
            return True
        run = self._run
        # `prisma migrate deploy` migrates a database; it does not deploy the service.
        stripped = _MIGRATION_RUN.remove(run, self._low())
        if has(_DEPLOY_RUN, _DEPLOY_KEYS, stripped, self._low() if stripped is run else None) and (
            not self._dry()
        ):
            return True
        return (_names_deploy(self._name) and not _names_notify(self._name)
                and not self.publishes and not self.verifies)

    @property
    def rolls_back(self) -> bool:
        if self._rolls_back is None:
            self._rolls_back = _ROLLBACK.matches(f"{self._run}\n{self._uses}\n{self._name}")
        return self._rolls_back

    @property
    def on_failure(self) -> bool:
        return bool(_ON_FAILURE.search(self._condition))


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
        if isinstance(value, Scalar) and isinstance(value.value, str) and _holds_commands(key):
            yield value


_COMMAND_KEYS = ("script", "run", "command", "cmd", "args")
_COMMAND_KEY = lazy_compile("|".join(_COMMAND_KEYS), re.IGNORECASE)


def _holds_commands(key: str) -> bool:
    """The input's name says it holds commands (``script``, ``run``, ``args``...)."""
    lowered = folded(key)
    if lowered is None:
        return _COMMAND_KEY.search(key) is not None
    return _has_any(lowered, _COMMAND_KEYS)


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


#: Roles of the steps of the file being checked: id(step) -> (step, role).  The step is
#: kept so an id cannot be reused while its entry lives; emptied for each file.
_ROLES: dict[int, tuple[Step, StepRole]] = {}


def role(step: Step) -> StepRole:
    """What the step does: deploy, publish, verify, roll back, react to failure."""
    known = _ROLES.get(id(step))
    if known is not None and known[0] is step:
        return known[1]
    run = "\n".join(s.text for s in commands(step))
    found = _role(
        run, action_of(step), step.name or "", _waits_for_stability(step),
        condition_text(step.if_),
    )
    if len(_ROLES) >= 4096:
        _ROLES.clear()
    _ROLES[id(step)] = (step, found)
    return found


def has(pattern: re.Pattern[str] | Alternatives, keywords: tuple[str, ...], text: str,
        lowered: str | None = None) -> bool:
    """``pattern`` matches ``text``; a keyword must occur first in its lower case
    (``lowered``, when the caller has it): a cheap pre-filter, as most scripts mention
    no deploy tool at all."""
    if lowered is None:
        lowered = text.lower()
    if not any(map(lowered.__contains__, keywords)):
        return False
    if isinstance(pattern, Alternatives):
        return pattern.matches(text, lowered)
    return pattern.search(text) is not None


@lru_cache(maxsize=4096)
def _role(run: str, uses: str, name: str, waits_input: bool, condition: str) -> StepRole:
    # Several rules ask about the same steps of a file: cached by the step's text.
    return StepRole(run, uses, name, waits_input, condition)


def _deploy_action(uses: str) -> bool:
    """The action (``owner/repo[/path]``, lower-cased) deploys a service."""
    return (_has_any(uses, _DEPLOY_USES) and not _has_any(uses, _NOT_DEPLOY_USES)
            and not uses.endswith(_NOT_DEPLOY_USES_END))


def _names_verify(name: str) -> bool:
    lowered = folded(name)
    if lowered is not None and not _has_any(lowered, _VERIFY_NAME_KEYS):
        return False
    return _VERIFY_NAME.search(name) is not None


def _names_deploy(name: str) -> bool:
    lowered = folded(name)
    if lowered is not None and "deploy" not in lowered:
        return False
    return _DEPLOY_WORD.search(name) is not None


def _names_notify(name: str) -> bool:
    lowered = folded(name)
    if lowered is None:
        return _NOTIFY.search(name) is not None
    return _has_any(lowered, _NOTIFY_WORDS)


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
    if uses and _has_any(uses, _MIGRATION_USES) and step.uses is not None:
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
    return iter(_facts(ctx).secret_uses(job))


class _Facts:
    """What the deployment rules ask about one file, worked out once for all of them
    (several rules ask about the same jobs)."""

    __slots__ = ("_by_start", "_deployments", "_looks", "_secrets", "_starts", "ctx")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._secrets: dict[int, list[tuple[str, Scalar, Expression]]] = {}
        self._deployments: dict[int, Deployment | None] = {}
        self._looks: dict[int, str | None] = {}
        #: Indexes of the workflow's expressions about secrets in source order, and
        #: their offsets.
        self._by_start: list[int] | None = None
        self._starts: list[int] = []

    def deployment(self, job: Job) -> Deployment | None:
        key = id(job)
        if key not in self._deployments:
            self._deployments[key] = _deployment(self.ctx, job)
        return self._deployments[key]

    def looks_like_deploy_job(self, job: Job) -> str | None:
        key = id(job)
        if key not in self._looks:
            self._looks[key] = _looks_like_deploy_job(self.ctx, job)
        return self._looks[key]

    def secret_uses(self, job: Job) -> list[tuple[str, Scalar, Expression]]:
        found = self._secrets.get(id(job))
        if found is None:
            found = self._secrets[id(job)] = self._find_secret_uses(job)
        return found

    def _find_secret_uses(self, job: Job) -> list[tuple[str, Scalar, Expression]]:
        workflow = self.ctx.workflow
        assert workflow is not None
        expressions = workflow.expressions
        if self._by_start is None:
            # The expressions that mention secrets (few do), ordered by where they start.
            found = sorted((e.scalar.start, i) for i, e in enumerate(expressions)
                           if "secrets" in e.text.lower())
            self._starts = [start for start, _ in found]
            self._by_start = [i for _, i in found]
        # Those whose scalar starts inside the job, in the workflow's order.
        lo = bisect_left(self._starts, job.node.start)
        hi = bisect_left(self._starts, job.node.end)
        if lo == hi:
            return []
        inside = sorted(self._by_start[lo:hi])
        # `if: secrets.X != ''` tests whether a secret is set; it does not hand it out.
        conditions = {id(n) for n in (job.if_, *(s.if_ for s in job.steps)) if n is not None}
        out: list[tuple[str, Scalar, Expression]] = []
        for i in inside:
            expr = expressions[i]
            if id(expr.scalar) in conditions:
                continue
            for ref in references(expr.text):  # remembered per text
                parts = ref.split(".")
                # `secrets[format(...)]` names no secret we can judge.
                if len(parts) >= 2 and parts[0].lower() == "secrets" and _SECRET_NAME.fullmatch(
                    parts[1]
                ):
                    out.append((parts[1], expr.scalar, expr))
        return out


_SECRET_NAME = lazy_compile(r"[A-Za-z_][\w-]*")
#: The facts of the file being checked (rules run one file at a time).
_current: _Facts | None = None


def _facts(ctx: Context) -> _Facts:
    global _current  # a one-file cache, replaced when the next file comes
    facts = _current
    if facts is None or facts.ctx is not ctx:
        facts = _current = _Facts(ctx)
        _ROLES.clear()  # the previous file's steps
    return facts


def _name_parts(name: str) -> list[str]:
    return [p for p in name.upper().replace("-", "_").split("_") if p]


def is_deploy_secret(name: str) -> bool:
    """The secret's name says it is a credential for a deployment target
    (``AWS_SECRET_ACCESS_KEY``, ``NPM_TOKEN``, ``SSH_DEPLOY_KEY``, ``PROD_DATABASE_URL``),
    not an identifier (``VERCEL_ORG_ID``, ``DEPLOY_HOST``)."""
    if _not_deploy_secret(name.upper()):
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
    if "release" not in text and "publish-immutable-action" not in text:
        return False  # every alternative of _GITHUB_RELEASE names one of them
    rest = _GITHUB_RELEASE.sub("", text)
    return rest != text and not (_PUBLISH_RUN.matches(rest) or _has_any(rest, _PUBLISH_USES))


def looks_like_deploy_job(ctx: Context, job: Job) -> str | None:
    """Why an environment-less job is a real deploy job, or None when it is not.

    See :func:`_looks_like_deploy_job`; worked out once per job for all rules.
    """
    return _facts(ctx).looks_like_deploy_job(job)


def _looks_like_deploy_job(ctx: Context, job: Job) -> str | None:
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
    if _DRY_RUN.matches(text):
        return None
    strong = _first_word(text, _STRONG_DEPLOY_NAME)
    if strong and not _has_any(text, _NOT_STRONG_DEPLOY):
        return f"its name says `{strong}`"
    weak = _first_word(text, _WEAK_DEPLOY_NAME) or strong
    if weak and not _has_any(text, _REHEARSAL_NAME) and pushes_out(ctx, job):
        return f"its name says `{weak}` and it pushes to a target outside the repository"
    if any(role(s).deploys for s in job.steps) and not _has_any(text, _REHEARSAL_NAME):
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
    return [m.group(1) for m in _QUOTED.finditer(text) if m.group(1)]


_QUOTED = lazy_compile(r"'((?:[^']|'')*)'")
_NON_ALNUM = lazy_compile(r"[^a-z0-9]+")


def production_names(job: Job, config: Config) -> list[str]:
    """The production environments (per the configuration) the job may deploy to."""
    return [n for n in environment_literals(job) if config.is_production(n)]


def is_production(job: Job, config: Config) -> bool:
    """The job may deploy to a production environment; a job without ``environment:``
    when its id or name says so (``deploy-prod``)."""
    if job.environment is None and "environment" not in job.node:
        return any(config.is_production(w) for w in _NON_ALNUM.split(lower_name(job)) if w)
    return bool(production_names(job, config))


class Deployment:
    """A job that deploys a running service, and where in its steps it does so.
    ``step``: the index of the last deploy step, or None when only the job as a whole
    says deploy."""

    __slots__ = ("job", "production", "step")

    def __init__(self, job: Job, step: int | None, production: bool) -> None:
        self.job = job
        self.step = step
        self.production = production


def deployment(ctx: Context, job: Job) -> Deployment | None:
    """The job as a deployment of a running service, or None (see :func:`_deployment`;
    worked out once per job for all rules)."""
    return _facts(ctx).deployment(job)


def _deployment(ctx: Context, job: Job) -> Deployment | None:
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
    named = _has_any(text, _STRONG_DEPLOY_NAME) and not _DRY_RUN.matches(text)
    if named or (production and job.environment is not None):
        return Deployment(job, None, production)
    return None


def status_function_in(node: Node | None) -> bool:
    """The condition uses ``always()``, ``failure()`` or ``cancelled()``."""
    return bool(_STATUS_FN.search(condition_text(node)))


def on_failure(node: Node | None) -> bool:
    """The condition runs on failure (``failure()``)."""
    return bool(_ON_FAILURE.search(condition_text(node)))
