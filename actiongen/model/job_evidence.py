"""What a job's steps do, as evidence of its pipeline stage.

Each detector looks at the actions a job uses and the commands it runs and answers
with a short quote of the first step that shows the kind of work (``cargo test``,
``pypa/gh-action-pypi-publish``), or None.  The stage classifier weighs these against
the job's name; they are deliberately about *kinds of work*, not about any tool's
exact flags.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from actiongen.lazyre import lazy_compile
from actiongen.load import Scalar

if TYPE_CHECKING:
    from actiongen.model.workflow import Job, Step

class _Commands:
    """Commands of one kind of work, found in lower-cased script text.

    Only lines holding one of ``keywords`` are searched (every alternative contains
    one), and alternatives carry no leading ``\\b`` (:meth:`find` checks the word
    boundary): scripts are long and this keeps reading them cheap.
    """

    def __init__(self, keywords: tuple[str, ...], *alternatives: str) -> None:
        self.keywords = keywords
        self.pattern = lazy_compile("|".join(alternatives))

    def find(self, text: str) -> tuple[int, int] | None:
        """Start and end of the first command in ``text`` that starts a word."""
        if not any(k in text for k in self.keywords):
            return None
        offset = 0
        for line in text.split("\n"):
            if any(k in line for k in self.keywords):
                for m in self.pattern.finditer(line):
                    i = m.start()
                    if i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_"):
                        return offset + i, offset + m.end()
            offset += len(line) + 1
        return None


_DEPLOY_RUN = _Commands(
    ("publish", "deploy", "release", "push", "twine", "imagetools", "crane", "skopeo", "oras",
     "kubectl", "helm", "terraform", "pulumi", "railway", "vercel", "aws", "gsutil",
     "ghp-import", "ansible"),
    r"(?:npm|pnpm|yarn|bun)\s+(?:npm\s+)?publish\b(?![^\n]*--dry-run)",
    r"(?:npm|pnpm|yarn|bun|make|just|task|rake|mix)\s+(?:run\s+)?(?:deploy|publish|release)\b",
    r"(?:cargo|uv|poetry|flit|hatch|pdm)\s+publish\b(?![^\n]*--dry-run)",
    r"twine\s+upload\b", r"gem\s+push\b", r"(?:dotnet\s+)?nuget\s+push\b",
    r"(?:vsce|ovsx)\s+publish\b",
    r"docker\s+(?:image\s+|manifest\s+)?push\b",
    r"docker\s+buildx\s+(?:build|bake)\b[^\n]*--push\b",
    r"docker\s+buildx\s+imagetools\s+create\b", r"(?:crane|skopeo|oras)\s+(?:push|copy)\b",
    r"gh\s+release\s+(?:create|upload)\b", r"(?:changeset|lerna)\s+publish\b",
    r"semantic-release\b", r"goreleaser\s+release\b", r"mvn\b[^\n]*\bdeploy\b",
    r"gradlew?\b[^\n]*\bpublish(?!\w*mavenlocal)\w*",
    r"kubectl\s+(?:-\S+\s+)*(?:apply|set\s+image|replace|rollout\s+restart)\b",
    r"helm(?:file)?\s+(?:\S+\s+)*?(?:upgrade|install|push)\b", r"terraform\s+apply\b",
    r"pulumi\s+up\b", r"cdk\s+deploy\b",
    r"(?:sam|serverless|sls|firebase|netlify|fly|flyctl|kamal)\s+deploy\b",
    r"wrangler\s+(?:pages\s+)?(?:deploy|publish)\b", r"railway\s+up\b",
    r"vercel\b[^\n]*(?:--prod\b|\bdeploy\b)", r"gcloud\s+(?:\S+\s+)*?deploy\b",
    r"az\s+\S+[^\n]*\bdeploy\b",
    r"aws\s+(?:s3\s+(?:sync|cp)|ecs\s+update-service|lambda\s+update-function-code"
    r"|cloudformation\s+deploy|deploy)\b",
    r"gsutil\s+(?:-\S+\s+)*(?:cp|rsync)\b", r"mkdocs\s+gh-deploy\b", r"ghp-import\b",
    r"ansible-playbook\b", r"git\s+push\s+(?:\S+\s+)*?(?:heroku|dokku)\b",
)
#: A deploy, publish or release script run by path (``./scripts/release.sh``).
_DEPLOY_SCRIPT = lazy_compile(r"(?:deploy|publish|release)[\w-]*\.(?:sh|py|js|mjs|ts|rb)\b")
_DEPLOY_USES = lazy_compile(
    r"deploy|publish|gh-pages|action-gh-release|release-action|create-release|upload-release"
    r"|goreleaser|chart-releaser|release-gem|wrangler|vercel|netlify|heroku|firebase"
    r"|changesets/action|semantic-release|release-please|ssh-action|scp-action|rsync"
    r"|blob-storage|s3-(?:sync|upload|deploy)|upload-s3|cloud-storage|r2-upload"
)
#: Actions whose names look like deploying but that prepare or report.
_NOT_DEPLOY_USES = lazy_compile(
    r"upload-pages-artifact|configure-pages|release-drafter|deployments?$|deployment-status"
    r"|publish-unit-test|test-result|junit-report|test-reporter|upload-sarif|codeql-action"
)
_DEPLOY_STEP_NAME = lazy_compile(
    r"\b(?:deploy(?:ing)?|publish(?:ing)?|push(?:ing)?\s+(?:to|the|image|tag|docker|manifest)"
    r"|(?:build|tag)\s+and\s+push|upload\b.{0,30}\bto|create\s+(?:github\s+|a\s+)?release"
    r"|release\s+to)\b",
    re.IGNORECASE,
)
_NOT_DEPLOY_STEP_NAME = lazy_compile(
    r"report|result|coverage|summary|comment|dry[\s_-]?run|artifact|local|sarif|code[\s_-]?scanning",
    re.IGNORECASE,
)

_TEST_RUN = _Commands(
    ("test", "tox", "nox", "jest", "mocha", "karma", "rspec", "codecov", "valgrind", "cypress",
     "coverage", "spec", "e2e", "bench", "verify", "check", "miri", "fuzz", "llvm-cov",
     "tarpaulin"),
    r"(?:pytest|py\.test|tox|nox|jest|vitest|mocha|karma|rspec|phpunit|ctest|nextest|codecov"
    r"|valgrind)\b",
    r"(?:playwright\s+test|cypress\s+run|coverage\s+run|go\s+test|dotnet\s+test|swift\s+test"
    r"|mix\s+test|deno\s+test|bun\s+test|rails\s+test|rake\s+(?:test|spec)|meson\s+test"
    r"|bazel\s+test)\b",
    r"cargo\s+(?:test|miri|fuzz|bench|llvm-cov|tarpaulin)\b",
    r"python3?\s+-m\s+(?:unittest|pytest)\b",
    r"(?:npm|pnpm|yarn)\s+(?:run\s+)?(?:test|e2e|coverage|bench)[\w:-]*",
    r"npx\s+(?:jest|vitest|playwright\s+test|cypress)\b",
    r"mvn\b[^\n]*\b(?:test|verify)\b", r"gradlew?\b[^\n]*\b(?:test|check)\b",
    r"make\s+(?:tests?[\w-]*|check(?![\w-]))", r"hatch\s+(?:run\s+)?test\b",
)
_TEST_USES = lazy_compile(
    r"codecov/|coverallsapp|codeql-action/analyze|cypress-io/github-action|snyk/|trivy-action"
    r"|dependency-review-action|scorecard-action|semgrep|test-reporter|junit"
    r"|^\./[\w./-]*\btests?\b"
)
_BUILD_RUN = _Commands(
    ("build", "dist", "auditable", "pyinstaller", "webpack", "hugo", "mvn", "assemble",
     "compile", "make", "publish"),
    r"(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?build[\w:-]*", r"cargo\s+(?:build|dist|auditable)\b",
    r"go\s+build\b", r"python3?\s+-m\s+build\b",
    r"(?:uv|poetry|hatch|flit|maturin|pdm)\s+build\b",
    r"(?:cibuildwheel|pyinstaller|buildah|msbuild|xcodebuild|webpack|sphinx-build|hugo)\b",
    r"(?:docker|podman)\s+(?:buildx\s+)?build\b",
    r"mvn\b[^\n]*\b(?:package|install)\b", r"gradlew?\b[^\n]*\b(?:build|assemble)\w*",
    r"cmake\s+--build\b", r"meson\s+compile\b", r"dotnet\s+(?:build|publish)\b",
    r"(?:vite|next|nuxt|jekyll|mkdocs|gem|bazel|zig|swift|wasm-pack|goreleaser)\s+build\b",
    r"(?:^|&&|;)\s*make\b(?!.*\b(?:test|check|lint|format|deploy|publish|release)\b)",
)
_BUILD_USES = lazy_compile(
    r"upload-pages-artifact|build-push-action|maturin-action"
    r"|pypa/cibuildwheel|setup-buildx-action|rust-build"
)
_COMMIT_RUN = _Commands(
    ("lint", "prettier", "ruff", "flake8", "black", "isort", "mypy", "pyright", "fmt", "clippy",
     "staticcheck", "pre-commit", "shellcheck", "zizmor", "rubocop", "standardrb", "typos",
     "spell", "tsc", "check", "vet", "biome", "format", "type"),
    r"(?:eslint|prettier|ruff|flake8|pylint|black|isort|mypy|pyright|rustfmt|clippy"
    r"|golangci-lint|gofmt|staticcheck|pre-commit|shellcheck|actionlint|zizmor|hadolint"
    r"|markdownlint|yamllint|rubocop|standardrb|typos|codespell|cspell|commitlint|stylelint)\b",
    r"tsc\b[^\n]*--noemit", r"cargo\s+(?:fmt|clippy|check)\b", r"go\s+vet\b",
    r"biome\s+(?:check|lint|format|ci)\b",
    r"(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:lint|format|fmt|typecheck|type-check|check-types"
    r"|prettier|tsc)[\w:-]*",
    r"make\s+(?:lint|format|fmt)\b",
)
_COMMIT_USES = lazy_compile(
    r"pre-commit/action|golangci-lint-action|super-linter|reviewdog|crate-ci/typos|actionlint"
    r"|action-shellcheck|commitlint|action-semantic-pull-request|ruff-action|psf/black"
    r"|zizmor-action|markdownlint|eslint"
)
#: Probing a running service: a health or smoke check, an HTTP probe, a load test.  A
#: probe of localhost waits for a service the job itself started (a test's set-up).
_VERIFY_RUN = _Commands(
    ("curl", "wget", "smoke", "health", "k6", "newman", "lighthouse"),
    r"(?:curl|wget)\b(?![^\n]*(?:localhost|127\.0\.0\.1|0\.0\.0\.0))"
    r"[^\n]*https?://[^\s'\"]*(?:health|ready|alive|liveness|/status|/ping)",
    r"(?:smoke[-_:]?tests?|health[-_]?checks?)\b",
    r"k6\s+run\b", r"newman\s+run\b", r"lighthouse\b",
)
_VERIFY_USES = lazy_compile(r"health|smoke|uptime|lighthouse|grafana/k6|url-check")


def _action(step: Step) -> str:
    if step.uses is None:
        return ""
    return step.uses.text.split("@", 1)[0].lower()


def _quote(original: str, span: tuple[int, int] | None, lowered: str) -> str:
    """The matched command as written (the match ran on lower-cased text)."""
    assert span is not None
    source = original if len(original) == len(lowered) else lowered
    text = " ".join(source[span[0]:span[1]].split())
    return text if len(text) <= 40 else text[:37] + "..."


def _with_true(step: Step, key: str) -> bool:
    value = step.with_value(key)
    if not isinstance(value, Scalar):
        return False
    return value.value is True or "${{" in value.text or value.text.lower() == "true"


_RUN = {"test": _TEST_RUN, "verify": _VERIFY_RUN, "build": _BUILD_RUN, "commit": _COMMIT_RUN}
_USES = {"test": _TEST_USES, "verify": _VERIFY_USES, "build": _BUILD_USES,
         "commit": _COMMIT_USES}


class StepEvidence:
    """For each kind of work (``deploy``, ``verify``, ``test``, ``build``, ``commit``), a
    quote of the first step that does it, or None.  Worked out on first use: most jobs are
    placed by their names, and reading long scripts is the expensive part."""

    __slots__ = ("_found", "_scripts", "_steps")

    def __init__(self, job: Job) -> None:
        self._steps = job.steps
        self._scripts: list[str] | None = None
        self._found: dict[str, str | None] = {}

    def get(self, stage: str) -> str | None:
        if stage not in self._found:
            self._found[stage] = self._first(stage)
        return self._found[stage]

    @property
    def deploy(self) -> str | None:
        return self.get("deploy")

    @property
    def verify(self) -> str | None:
        return self.get("verify")

    @property
    def test(self) -> str | None:
        return self.get("test")

    @property
    def build(self) -> str | None:
        return self.get("build")

    @property
    def commit(self) -> str | None:
        return self.get("commit")

    def _first(self, stage: str) -> str | None:
        if stage not in ("deploy", *_RUN):
            return None
        if self._scripts is None:
            self._scripts = [s.run.text.lower() if s.run is not None else "" for s in self._steps]
        for step, script in zip(self._steps, self._scripts, strict=True):
            found = _deploys(step, script) if stage == "deploy" else _does(
                step, script, _RUN[stage], _USES[stage])
            if found is not None:
                return found
        return None


def _deploys(step: Step, script: str) -> str | None:
    action = _action(step)
    if action:
        if "build-push-action" in action:
            return action if _with_true(step, "push") else None
        if _DEPLOY_USES.search(action) and not _NOT_DEPLOY_USES.search(action):
            return action
    if script:
        assert step.run is not None
        span = _DEPLOY_RUN.find(script)
        if span is None:
            m = _DEPLOY_SCRIPT.search(script)
            span = m.span() if m else None
        if span is not None:
            return _quote(step.run.text, span, script)
    name = step.name or ""
    m = _DEPLOY_STEP_NAME.search(name)
    if m and not _NOT_DEPLOY_STEP_NAME.search(name):
        return f"step `{name[:40]}`"
    return None


def _does(step: Step, script: str, run: _Commands, uses: re.Pattern[str]) -> str | None:
    action = _action(step)
    if action and uses.search(action):
        return action
    if script:
        assert step.run is not None
        span = run.find(script)
        if span is not None:
            return _quote(step.run.text, span, script)
    return None


def step_evidence(job: Job) -> StepEvidence:
    """What the job's steps show it doing (read lazily)."""
    return StepEvidence(job)


_TRIVIAL_RUN = lazy_compile(r"(?:\s*(?:exit\s+\d+|echo\b[^\n]*|true|false|:)\s*(?:\n|$))+\Z")
_NEEDS_RESULT = lazy_compile(r"needs\.[\w*-]+\.result")
_GATE_USES = lazy_compile(r"alls-green|all-checks|wait-for-checks|workflow-conclusion")


def gate_evidence(job: Job) -> str | None:
    """Why the job is a gate that only reports on the jobs it needs, or None.

    A gate needs other jobs, checks nothing out and does nothing but judge their
    results: ``re-actors/alls-green``, steps that test ``needs.*.result``, or only
    ``exit 0`` / ``echo`` (a fixed job name for branch protection).
    """
    if not job.needs or not job.steps:
        return None
    reads_results = False
    for step in job.steps:
        action = _action(step)
        if action:
            if _GATE_USES.search(action):
                return f"it judges the jobs it needs with `{action}`"
            return None  # checkout or any other action: real work
        text = step.run.text if step.run is not None else ""
        condition = step.if_.text if isinstance(step.if_, Scalar) else ""
        if _NEEDS_RESULT.search(text) or _NEEDS_RESULT.search(condition):
            reads_results = True
            if len(text) > 400:
                return None
        elif not _TRIVIAL_RUN.match(text):
            return None
    if reads_results:
        return "its steps only judge the results of the jobs it needs"
    return "its steps only exit or echo (a fixed job name for branch protection)"
