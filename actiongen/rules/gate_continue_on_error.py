"""gate-continue-on-error: a quality gate that cannot fail the pipeline."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.lazyre import lazy_compile
from actiongen.load import Scalar
from actiongen.model.conditions import Facts, evaluate
from actiongen.model.job_evidence import Alternatives
from actiongen.rules._deploy import action_of, commands, condition_text, has
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding
    from actiongen.load import Node
    from actiongen.model.workflow import Job, Step

GATE_STAGES = ("commit", "build", "test")
#: Triggers that put a workflow between a change and its release; a workflow run only
#: on a schedule or by hand gates nothing.
GATING_EVENTS = ("push", "pull_request", "pull_request_target", "merge_group", "workflow_call")

#: Commands that lint, test, type-check, audit or scan: one branch per tool (as the
#: `\b(?:eslint|ruff...)\b` alternation was), so a file compiles only the tools its
#: scripts name, and only whether some branch matches is asked.
_GATE_RUN = Alternatives(
    re.IGNORECASE,
    (("eslint",), r"\beslint\b"),
    (("ruff",), r"\bruff\s+(?:check|format\s+--check)\b"),
    (("flake8",), r"\bflake8\b"),
    (("pylint",), r"\bpylint\b"),
    (("golangci-lint",), r"\bgolangci-lint\b"),
    (("clippy",), r"\bcargo\s+clippy\b"),
    (("rubocop",), r"\brubocop\b"),
    (("stylelint",), r"\bstylelint\b"),
    (("prettier",), r"\bprettier\b[^\n]*--check\b"),
    (("black",), r"\bblack\b[^\n]*--check\b"),
    (("isort",), r"\bisort\b[^\n]*--check\b"),
    (("shellcheck",), r"\bshellcheck\b"),
    (("actionlint",), r"\bactionlint\b"),
    (("zizmor",), r"\bzizmor\b"),
    (("hadolint",), r"\bhadolint\b"),
    (("markdownlint",), r"\bmarkdownlint\b"),
    (("yamllint",), r"\byamllint\b"),
    (("biome",), r"\bbiome\s+(?:check|lint|ci)\b"),
    (("ktlint",), r"\bktlint\b"),
    (("detekt",), r"\bdetekt\b"),
    (("cargo",), r"\bcargo\s+fmt\b[^\n]*--check\b"),
    (("vet",), r"\bgo\s+vet\b"),
    (("staticcheck",), r"\bstaticcheck\b"),
    (("pre-commit",), r"\bpre-commit\s+run\b"),
    (("pytest",), r"\bpytest\b"),
    (("py.test",), r"\bpy\.test\b"),
    (("jest",), r"\bjest\b"),
    (("vitest",), r"\bvitest\b"),
    (("mocha",), r"\bmocha\b"),
    (("phpunit",), r"\bphpunit\b"),
    (("rspec",), r"\brspec\b"),
    (("test",), r"\bgo\s+test\b"),
    (("cargo",), r"\bcargo\s+(?:test|nextest)\b"),
    (("dotnet",), r"\bdotnet\s+test\b"),
    (("ctest",), r"\bctest\b"),
    (("deno",), r"\bdeno\s+(?:test|lint|check)\b"),
    (("playwright",), r"\bplaywright\s+test\b"),
    (("cypress",), r"\bcypress\s+run\b"),
    (("mypy",), r"\bmypy\b"),
    (("pyright",), r"\bpyright\b"),
    (("vue-tsc",), r"\bvue-tsc\b"),
    (("tsc",), r"\btsc\b[^\n]*--noemit\b"),
    (("flow",), r"\bflow\s+check\b"),
    (("audit",), r"\b(?:npm|pnpm|yarn)\s+audit\b"),
    (("pip-audit",), r"\bpip-audit\b"),
    (("safety",), r"\bsafety\s+check\b"),
    (("cargo",), r"\bcargo\s+(?:audit|deny)\b"),
    (("bundle",), r"\bbundle[\s-]audit\b"),
    (("govulncheck",), r"\bgovulncheck\b"),
    (("osv-scanner",), r"\bosv-scanner\b"),
    (("trivy",), r"\btrivy\b"),
    (("grype",), r"\bgrype\b"),
    (("snyk",), r"\bsnyk\s+(?:test|code|container|iac)\b"),
    (("semgrep",), r"\bsemgrep\b"),
    (("gitleaks",), r"\bgitleaks\b"),
    (("trufflehog",), r"\btrufflehog\b"),
    (("bandit",), r"\bbandit\b"),
    (("checkov",), r"\bcheckov\b"),
    (("tfsec",), r"\btfsec\b"),
    (("npm", "yarn", "bun"),
     r"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:lint|test|typecheck|type-check|check)\b"),
    (("make", "just", "tox", "nox", "rake", "mix"),
     r"\b(?:make|just|tox|nox|rake|mix)\s+(?:-[es]\s+)?(?:lint|test|tests|check|typecheck)\b"),
    (("mvn", "gradle"), r"\b(?:mvn|gradlew?|\./gradlew)\b[^\n]*\b(?:test|check|verify)\b"),
)
_GATE_KEYS = (
    "lint", "ruff", "flake8", "clippy", "rubocop", "prettier", "black", "isort", "check",
    "zizmor", "fmt", "vet", "pre-commit", "test", "jest", "mocha", "rspec", "cypress", "mypy",
    "pyright", "tsc", "audit", "deny", "vuln", "osv", "trivy", "grype", "snyk", "semgrep",
    "gitleaks", "trufflehog", "bandit", "checkov", "tfsec", "verify", "deno", "spec", "biome",
    "detekt", "phpunit",
)
#: Actions that check (matched as substrings of ``owner/repo[/path]``, lower-cased).
_GATE_USES = (
    "codeql-action/analyze", "trivy-action", "snyk/actions", "semgrep", "gitleaks",
    "golangci-lint-action", "super-linter", "reviewdog", "pre-commit/action", "clippy-check",
    "anchore/scan-action", "zizmor-action", "actionlint", "ruff-action", "psf/black",
    "dependency-review-action", "eslint", "mypy", "pytest", "scorecard", "audit",
)
#: Step names that say "check" unambiguously (a step named "test" may only measure).
_GATE_NAME = lazy_compile(
    r"\b(?:lint|linting|linters?|audit|typecheck|type-check|type\s+check|security\s+scan)\b",
    re.IGNORECASE,
)
#: Step names that make the whole job a test job (job-level `continue-on-error`).
_TEST_NAME = lazy_compile(r"\b(?:run\s+)?(?:unit\s+|integration\s+)?tests?\b", re.IGNORECASE)
_NOT_GATE_NAME = lazy_compile(
    r"upload|report|publish|cache|artifact|download|comment|summary|results?\b|coverage|install",
    re.IGNORECASE,
)
#: Scanners whose results are uploaded to code scanning still gate through it.
_SCAN = lazy_compile(
    r"trivy|grype|snyk|semgrep|gitleaks|checkov|tfsec|anchore|scorecard|zizmor|codeql",
    re.IGNORECASE,
)


def _always_true(node: Node | None) -> bool:
    """``continue-on-error`` is true on every run (an expression may depend on the matrix)."""
    if not isinstance(node, Scalar):
        return False
    if node.value is True:
        return True
    if isinstance(node.value, str) and "${{" in node.value:
        # `${{ matrix.experimental }}` lets chosen legs fail: a scoped, deliberate
        # allowance.  Only an expression that is true whatever the run is reported.
        return evaluate(node.value, Facts()) is True
    return False


def is_gate(step: Step) -> bool:
    """The step lints, tests, type-checks, audits or scans (by command, action or name)."""
    if any(has(_GATE_RUN, _GATE_KEYS, c.text) for c in commands(step)):
        return True
    uses = action_of(step)
    if uses and any(map(uses.__contains__, _GATE_USES)):
        return True
    name = step.name or ""
    return bool(_GATE_NAME.search(name)) and not _NOT_GATE_NAME.search(name)


def _handled_later(steps: list[Step], index: int) -> bool:
    """A later step acts on the result: it reads the step's outcome, or uploads the
    scanner's SARIF to code scanning (which then gates through its alerts)."""
    step = steps[index]
    text = "\n".join(c.text for c in commands(step)) + "\n" + action_of(step)
    scanner = bool(_SCAN.search(text))
    outcome = (
        lazy_compile(rf"steps\.{re.escape(step.id)}\.(?:outcome|conclusion)\b", re.IGNORECASE)
        if step.id else None
    )
    for later in steps[index + 1:]:
        if scanner and "upload-sarif" in action_of(later):
            return True
        texts = (condition_text(later.if_), *(c.text for c in commands(later)))
        if outcome is not None and any(outcome.search(t) for t in texts):
            return True
    return False


class GateContinueOnError(Rule):
    """
    ## What it does
    Reports `continue-on-error: true` on a quality gate: on a job of the commit, build
    or test stage (or any job whose steps lint, test, type-check, audit or scan), or on
    a step that runs such a command (`eslint`, `ruff check`, `pytest`, `npm test`,
    `go test`, `cargo clippy`, `mypy`, `tsc --noEmit`, `npm audit`, `trivy`, `semgrep`,
    CodeQL analysis...).

    Expressions such as `continue-on-error: ${{ matrix.experimental }}` are not
    reported: they let chosen matrix legs (nightly toolchains, pre-release platforms)
    fail, which is a deliberate, scoped allowance; only an expression that is true on
    every run is. A scanner step whose results a later step uploads to code scanning
    (`github/codeql-action/upload-sarif`) is not reported either: it still gates,
    through code scanning alerts; nor is a step whose `outcome` or `conclusion` a later
    step reads (`if: steps.lint.outcome == 'failure'`), since that step decides.

    Workflows that run only on a schedule or by hand (no `push`, `pull_request`,
    `pull_request_target`, `merge_group` or `workflow_call` trigger) are not checked:
    they stand between no change and its release.

    ## Why is this bad?
    A gate that cannot fail is not a gate. The job shows green while lint, tests or the
    audit fail, the deploy stage goes ahead, and nobody looks at the log. The seed's
    pipeline stops at the first failing stage on purpose (§50.2).

    ## Example
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-latest
        continue-on-error: true
        steps:
          - run: npm test
    ```

    ## Use instead
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - run: npm test
    ```
    If a check is known to be unreliable, fix or quarantine the failing tests, or allow
    failure only for named matrix legs: `continue-on-error: ${{ matrix.experimental }}`.
    """

    id = "gate-continue-on-error"
    severity = Severity.WARNING
    summary = "a quality gate has `continue-on-error: true`"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        if not any(wf.on.has(e) for e in GATING_EVENTS):
            return
        for job in wf.jobs.values():
            if job.continue_on_error is not None and _always_true(job.continue_on_error):
                finding = self._job_level(ctx, job)
                if finding is not None:
                    yield finding
                    continue
            for i, step in enumerate(job.steps):
                if step.continue_on_error is None:  # the common case, without a call
                    continue
                if not (_always_true(step.continue_on_error) and is_gate(step)):
                    continue
                if _handled_later(job.steps, i):
                    continue
                assert step.continue_on_error is not None
                yield self.finding(
                    ctx,
                    step.continue_on_error,
                    f"step `{step.label}` of job `{job.id}` runs a check with "
                    "`continue-on-error: true`: the job passes when the check fails",
                    "remove `continue-on-error` so a failing check fails the job",
                    job=job,
                    step=step,
                )

    def _job_level(self, ctx: Context, job: Job) -> Finding | None:
        """The finding for a gate job that may fail, or None when the job is no gate."""
        info = ctx.stages.get(job.id)
        stage = info.stage if info is not None else "other"
        if stage in GATE_STAGES:
            what = f"a {stage}-stage job"
        elif any(is_gate(s) for s in job.steps) or any(
            _TEST_NAME.search(s.name or "") and not _NOT_GATE_NAME.search(s.name or "")
            for s in job.steps
        ):
            what = "its steps are checks"
        else:
            return None
        assert job.continue_on_error is not None
        return self.finding(
            ctx,
            job.continue_on_error,
            f"job `{job.id}` has `continue-on-error: true` but is a quality gate ({what}): "
            "the pipeline goes on when it fails",
            "remove `continue-on-error`, or limit it to experimental matrix legs with "
            "`continue-on-error: ${{ matrix.experimental }}`",
            job=job,
        )
