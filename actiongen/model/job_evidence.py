"""What a job's steps do, as evidence of its pipeline stage.

Each detector looks at the actions a job uses and the commands it runs and answers
with a short quote of the first step that shows the kind of work (``cargo test``,
``pypa/gh-action-pypi-publish``), or None.  The stage classifier weighs these against
the job's name; they are deliberately about *kinds of work*, not about any tool's
exact flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from actiongen.load import Scalar

if TYPE_CHECKING:
    from actiongen.model.workflow import Job, Step

_DEPLOY_RUN = re.compile(
    r"\b(?:npm|pnpm|yarn|bun)\s+(?:npm\s+)?publish\b(?![^\n]*--dry-run)"
    r"|\b(?:npm|pnpm|yarn|bun|make|just|task|rake|mix)\s+(?:run\s+)?(?:deploy|publish|release)\b"
    r"|\b(?:cargo|uv|poetry|flit|hatch|pdm)\s+publish\b(?![^\n]*--dry-run)|\btwine\s+upload\b"
    r"|\bgem\s+push\b|\b(?:dotnet\s+)?nuget\s+push\b|\b(?:vsce|ovsx)\s+publish\b"
    r"|\bdocker\s+(?:image\s+|manifest\s+)?push\b|\bdocker\s+buildx\s+(?:build|bake)\b[^\n]*--push\b"
    r"|\bdocker\s+buildx\s+imagetools\s+create\b|\b(?:crane|skopeo|oras)\s+(?:push|copy)\b"
    r"|\bgh\s+release\s+(?:create|upload)\b|\b(?:changeset|lerna)\s+publish\b|\bsemantic-release\b"
    r"|\bgoreleaser\s+release\b|\bmvn\b[^\n]*\bdeploy\b|\bgradlew?\b[^\n]*\bpublish(?!\w*MavenLocal)\w*"
    r"|\bkubectl\s+(?:-\S+\s+)*(?:apply|set\s+image|replace|rollout\s+restart)\b"
    r"|\bhelm(?:file)?\s+(?:\S+\s+)*?(?:upgrade|install|push)\b|\bterraform\s+apply\b"
    r"|\bpulumi\s+up\b|\bcdk\s+deploy\b|\b(?:sam|serverless|sls|firebase|netlify|fly|flyctl"
    r"|kamal)\s+deploy\b|\bwrangler\s+(?:pages\s+)?(?:deploy|publish)\b|\brailway\s+up\b"
    r"|\bvercel\b[^\n]*(?:--prod\b|\bdeploy\b)|\bgcloud\s+(?:\S+\s+)*?deploy\b"
    r"|\baz\s+\S+[^\n]*\bdeploy\b|\baws\s+(?:s3\s+(?:sync|cp)|ecs\s+update-service"
    r"|lambda\s+update-function-code|cloudformation\s+deploy|deploy)\b"
    r"|\bgsutil\s+(?:-\S+\s+)*(?:cp|rsync)\b|\bmkdocs\s+gh-deploy\b|\bghp-import\b"
    r"|\bansible-playbook\b|\bgit\s+push\s+(?:\S+\s+)*?(?:heroku|dokku)\b"
    r"|[\w./-]*(?:deploy|publish|release)[\w-]*\.(?:sh|py|js|mjs|ts|rb)\b",
    re.IGNORECASE,
)
_DEPLOY_USES = re.compile(
    r"deploy|publish|gh-pages|action-gh-release|release-action|create-release|upload-release"
    r"|goreleaser|chart-releaser|release-gem|wrangler|vercel|netlify|heroku|firebase"
    r"|changesets/action|semantic-release|release-please|ssh-action|scp-action|rsync"
    r"|blob-storage|s3-(?:sync|upload|deploy)|upload-s3|cloud-storage|r2-upload"
)
#: Actions whose names look like deploying but that prepare or report.
_NOT_DEPLOY_USES = re.compile(
    r"upload-pages-artifact|configure-pages|release-drafter|deployments?$|deployment-status"
    r"|publish-unit-test|test-result|junit-report|test-reporter"
)
_DEPLOY_STEP_NAME = re.compile(
    r"\b(?:deploy(?:ing)?|publish(?:ing)?|push(?:ing)?\s+(?:to|the|image|tag|docker|manifest)"
    r"|(?:build|tag)\s+and\s+push|upload\b.{0,30}\bto|create\s+(?:github\s+|a\s+)?release|release\s+to)\b",
    re.IGNORECASE,
)
_NOT_DEPLOY_STEP_NAME = re.compile(
    r"report|result|coverage|summary|comment|dry[\s_-]?run|artifact|local", re.IGNORECASE
)

_TEST_RUN = re.compile(
    r"\b(?:pytest|py\.test|tox|nox|jest|vitest|mocha|karma|rspec|phpunit|ctest|nextest|codecov"
    r"|valgrind|playwright\s+test|cypress\s+run|coverage\s+run|go\s+test|cargo\s+(?:test|miri"
    r"|fuzz|bench|llvm-cov|tarpaulin)|dotnet\s+test|swift\s+test|mix\s+test|deno\s+test"
    r"|bun\s+test|rails\s+test|rake\s+(?:test|spec)|python3?\s+-m\s+(?:unittest|pytest)"
    r"|(?:npm|pnpm|yarn)\s+(?:run\s+)?(?:test|e2e|coverage|bench)[\w:-]*|npx\s+(?:jest|vitest"
    r"|playwright\s+test|cypress)|mvn\b[^\n]*\b(?:test|verify)|gradlew?\b[^\n]*\b(?:test|check)"
    r"|make\s+(?:tests?[\w-]*|check(?![\w-]))|meson\s+test|hatch\s+(?:run\s+)?test|bazel\s+test)\b",
    re.IGNORECASE,
)
_TEST_USES = re.compile(
    r"codecov/|coverallsapp|codeql-action/analyze|cypress-io/github-action|snyk/|trivy-action"
    r"|dependency-review-action|scorecard-action|semgrep|test-reporter|junit"
    r"|^\./[\w./-]*\btests?\b"
)
_BUILD_RUN = re.compile(
    r"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?build[\w:-]*|\bcargo\s+(?:build|dist|auditable)\b"
    r"|\bgo\s+build\b|\bpython3?\s+-m\s+build\b|\b(?:uv|poetry|hatch|flit|maturin|pdm)\s+build\b"
    r"|\bcibuildwheel\b|\bpyinstaller\b|\b(?:docker|podman)\s+(?:buildx\s+)?build\b|\bbuildah\b"
    r"|\bmvn\b[^\n]*\b(?:package|install)\b|\bgradlew?\b[^\n]*\b(?:build|assemble)\w*"
    r"|\bcmake\s+--build\b|\bmeson\s+compile\b|\bmsbuild\b|\bdotnet\s+(?:build|publish)\b"
    r"|\bxcodebuild\b|\bvite\s+build\b|\bnext\s+build\b|\bnuxt\s+build\b|\bwebpack\b"
    r"|\bsphinx-build\b|\bmkdocs\s+build\b|\bhugo\b|\bjekyll\s+build\b|\bgem\s+build\b"
    r"|\bbazel\s+build\b|\bzig\s+build\b|\bswift\s+build\b|\bwasm-pack\s+build\b"
    r"|\bgoreleaser\s+build\b"
    r"|(?:^|&&|;)\s*make\b(?![^\n]*\b(?:test|check|lint|format|deploy|publish|release)\b)",
    re.IGNORECASE | re.MULTILINE,
)
_BUILD_USES = re.compile(
    r"upload-pages-artifact|build-push-action|maturin-action"
    r"|pypa/cibuildwheel|setup-buildx-action|rust-build"
)
_COMMIT_RUN = re.compile(
    r"\b(?:eslint|prettier|ruff|flake8|pylint|black|isort|mypy|pyright|rustfmt|clippy"
    r"|golangci-lint|gofmt|staticcheck|pre-commit|shellcheck|actionlint|zizmor|hadolint"
    r"|markdownlint|yamllint|rubocop|standardrb|typos|codespell|cspell|commitlint|stylelint)\b"
    r"|\btsc\b[^\n]*--noemit|\bcargo\s+(?:fmt|clippy|check)\b|\bgo\s+vet\b"
    r"|\bbiome\s+(?:check|lint|format|ci)\b"
    r"|\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:lint|format|fmt|typecheck|type-check|check-types"
    r"|prettier|tsc)[\w:-]*|\bmake\s+(?:lint|format|fmt)\b",
    re.IGNORECASE,
)
_COMMIT_USES = re.compile(
    r"pre-commit/action|golangci-lint-action|super-linter|reviewdog|crate-ci/typos|actionlint"
    r"|action-shellcheck|commitlint|action-semantic-pull-request|ruff-action|psf/black"
    r"|zizmor-action|markdownlint|eslint"
)


@dataclass(frozen=True, slots=True)
class StepEvidence:
    """For each kind of work, a quote of the first step that does it (or None)."""

    deploy: str | None
    test: str | None
    build: str | None
    commit: str | None

    def get(self, stage: str) -> str | None:
        value: str | None = getattr(self, stage, None)
        return value

    @property
    def any(self) -> bool:
        return any((self.deploy, self.test, self.build, self.commit))


def _action(step: Step) -> str:
    if step.uses is None:
        return ""
    return step.uses.text.split("@", 1)[0].lower()


def _quote(m: re.Match[str]) -> str:
    text = " ".join(m.group(0).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _with_true(step: Step, key: str) -> bool:
    value = step.with_value(key)
    if not isinstance(value, Scalar):
        return False
    return value.value is True or "${{" in value.text or value.text.lower() == "true"


def _deploys(step: Step) -> str | None:
    action = _action(step)
    if action:
        if "build-push-action" in action:
            return action if _with_true(step, "push") else None
        if _DEPLOY_USES.search(action) and not _NOT_DEPLOY_USES.search(action):
            return action
    if step.run is not None:
        m = _DEPLOY_RUN.search(step.run.text)
        if m:
            return _quote(m)
    name = step.name or ""
    m = _DEPLOY_STEP_NAME.search(name)
    if m and not _NOT_DEPLOY_STEP_NAME.search(name):
        return f"step `{name[:40]}`"
    return None


def _matches(step: Step, run: re.Pattern[str], uses: re.Pattern[str]) -> str | None:
    action = _action(step)
    if action and uses.search(action):
        return action
    if step.run is not None:
        m = run.search(step.run.text)
        if m:
            return _quote(m)
    return None


def step_evidence(job: Job) -> StepEvidence:
    """What the job's steps show it doing."""
    found: dict[str, str | None] = {"deploy": None, "test": None, "build": None, "commit": None}
    for step in job.steps:
        if found["deploy"] is None:
            found["deploy"] = _deploys(step)
        if found["test"] is None:
            found["test"] = _matches(step, _TEST_RUN, _TEST_USES)
        if found["build"] is None:
            found["build"] = _matches(step, _BUILD_RUN, _BUILD_USES)
        if found["commit"] is None:
            found["commit"] = _matches(step, _COMMIT_RUN, _COMMIT_USES)
    return StepEvidence(**found)


_TRIVIAL_RUN = re.compile(r"(?:\s*(?:exit\s+\d+|echo\b[^\n]*|true|false|:)\s*(?:\n|$))+\Z")
_NEEDS_RESULT = re.compile(r"needs\.[\w*-]+\.result")
_GATE_USES = re.compile(r"alls-green|all-checks|wait-for-checks|workflow-conclusion")


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
