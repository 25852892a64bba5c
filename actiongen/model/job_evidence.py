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

from actiongen.lazyre import compile_pattern, declare, lazy_compile
from actiongen.load import Scalar

if TYPE_CHECKING:
    from actiongen.model.workflow import Job, Step

#: The only non-ASCII characters a case-insensitive regex matches to ASCII letters
#: (capital I with dot, dotless i, long s, Kelvin sign); ``str.lower`` differs on them.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def folded(text: str) -> str | None:
    """``text`` lower-cased for keyword tests that stand in for a case-insensitive regex,
    or None when such a regex may match letters that ``str.lower`` maps differently
    (then only the regex itself can tell)."""
    if not text.isascii() and any(map(text.__contains__, _FOLDS_TO_ASCII)):
        return None
    return text.lower()


#: A branch of :class:`Alternatives`: ``(keys, pattern)``, or ``(keys, pattern, also)``.
Branch = (tuple[tuple[str, ...], str]
          | tuple[tuple[str, ...], str, tuple[tuple[str, ...], ...]])


class Alternatives:
    """A regex alternation kept as its branches, each compiled and tried only when one
    of its keywords occurs in the text.

    Every branch names substrings, one of which each of its matches contains (in
    lower case; for a case-insensitive pattern, in the lower-cased text; that holds
    unless the text has one of the four non-ASCII letters that match an ASCII letter
    under ``re.IGNORECASE``, and such text tries every branch).  Matching gives exactly
    what the joined alternation gives: the leftmost match, and at one position the
    earliest branch.  Python compiles a regex in pure Python, and a big alternation
    takes milliseconds: a one-file check now compiles only the branches its scripts
    call for, and a long script is searched only by the branches it names.
    """

    __slots__ = ("_also", "_by_key", "_compiled", "_flags", "_folds", "branches")

    def __init__(self, flags: int, *branches: Branch) -> None:
        #: ``(keys, pattern)`` per branch.
        self.branches = tuple((b[0], b[1]) for b in branches)
        #: Per branch: more groups of substrings, each of which every match holds one
        #: of too (``go\s+test`` holds "go" as well as "test"): a branch is only
        #: compiled and tried when all its groups are in the text.
        self._also: tuple[tuple[tuple[str, ...], ...], ...] = tuple(
            b[2] if len(b) == 3 else () for b in branches)
        self._flags = flags
        #: Case-insensitive: only ASCII text is sure to hold a match's keywords in lower case.
        self._folds = bool(flags & re.IGNORECASE)
        self._compiled: dict[int, re.Pattern[str]] = {}
        for _, pattern in self.branches:
            declare(pattern, flags)
        by_key: dict[str, list[int]] = {}
        for i, (keys, _) in enumerate(self.branches):
            for k in keys:
                by_key.setdefault(k, []).append(i)
        self._by_key = by_key

    def also(self, i: int) -> tuple[tuple[str, ...], ...]:
        """The further substring groups of branch ``i`` (see ``_also``; used by the tests)."""
        return self._also[i]

    def joined(self) -> str:
        """The whole alternation (what the branches stand for; used by the tests)."""
        return "|".join(pattern for _, pattern in self.branches)

    def _pattern(self, i: int) -> re.Pattern[str]:
        compiled = self._compiled.get(i)
        if compiled is None:
            compiled = self._compiled[i] = compile_pattern(self.branches[i][1], self._flags)
        return compiled

    def candidates(self, text: str, lowered: str | None = None) -> list[re.Pattern[str]]:
        """The branches that may match ``text``, in order (``lowered``: its lower case,
        when the caller has it)."""
        if self._folds and not text.isascii() and any(map(text.__contains__, _FOLDS_TO_ASCII)):
            return [self._pattern(i) for i in range(len(self.branches))]
        if lowered is None:
            lowered = text.lower()
        by_key = self._by_key
        keys = list(filter(lowered.__contains__, by_key))
        if not keys:  # the usual answer
            return []
        if len(keys) == 1:
            indices: list[int] | set[int] = by_key[keys[0]]  # in branch order already
        else:
            indices = set()
            for key in keys:
                indices.update(by_key[key])
        also = self._also
        return [self._pattern(i) for i in sorted(indices)
                if not also[i] or all(any(map(lowered.__contains__, group)) for group in also[i])]

    def matches(self, text: str, lowered: str | None = None) -> bool:
        """Some branch matches somewhere in ``text``."""
        return any(p.search(text) for p in self.candidates(text, lowered))

    def search(self, text: str, pos: int = 0, lowered: str | None = None,
               patterns: list[re.Pattern[str]] | None = None) -> re.Match[str] | None:
        """The match the joined alternation's ``search(text, pos)`` finds."""
        best: re.Match[str] | None = None
        for p in self.candidates(text, lowered) if patterns is None else patterns:
            m = p.search(text, pos)
            # A later branch wins only by starting earlier (``<``: ties go to the first).
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    def remove(self, text: str, lowered: str | None = None) -> str:
        """``text`` without the matches, as the joined alternation's ``sub("", text)``
        (``text`` itself when nothing matches)."""
        patterns = self.candidates(text, lowered)
        if not patterns:
            return text
        parts: list[str] = []
        pos = 0
        while True:
            m = self.search(text, pos, patterns=patterns)
            if m is None:
                break
            parts.append(text[pos:m.start()])
            # No branch matches the empty string, so the scan always moves on.
            pos = m.end()
        if not parts:
            return text
        parts.append(text[pos:])
        return "".join(parts)


class _Commands:
    """Commands of one kind of work, found in lower-cased script text.

    Only lines holding one of ``keywords`` are searched (every alternative contains
    one), and alternatives carry no leading ``\\b`` (:meth:`find` checks the word
    boundary): scripts are long and this keeps reading them cheap.
    """

    __slots__ = ("_lines", "alternatives", "keywords")

    def __init__(self, keywords: tuple[str, ...], *branches: Branch) -> None:
        self.keywords = keywords
        self.alternatives = Alternatives(0, *branches)
        #: line -> the command found in it: lines repeat across steps and workflows.
        self._lines: dict[str, tuple[int, int] | None] = {}

    def find(self, text: str) -> tuple[int, int] | None:
        """Start and end of the first command in ``text`` that starts a word."""
        # The keywords the text holds (usually none): only lines with one are read.
        present = tuple(filter(text.__contains__, self.keywords))
        if not present:
            return None
        starts: set[int] = set()  # where the lines holding a keyword start
        for k in present:
            i = text.find(k)
            while i != -1:
                starts.add(text.rfind("\n", 0, i) + 1)
                end = text.find("\n", i)
                i = -1 if end == -1 else text.find(k, end)
        lines = self._lines
        for start in sorted(starts):
            end = text.find("\n", start)
            line = text[start:] if end == -1 else text[start:end]
            if line in lines:
                span = lines[line]
            else:
                span = self._in_line(line)
                if len(lines) < 8192:
                    lines[line] = span
            if span is not None:
                return start + span[0], start + span[1]
        return None

    def _in_line(self, line: str) -> tuple[int, int] | None:
        """The first match in ``line`` that starts a word, as ``finditer`` over the
        joined alternation yields them."""
        alternatives = self.alternatives
        patterns = alternatives.candidates(line, line)
        pos = 0
        while patterns:
            m = alternatives.search(line, pos, patterns=patterns)
            if m is None:
                break
            i = m.start()
            if i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_"):
                return i, m.end()
            pos = m.end()
        return None


_DEPLOY_RUN = _Commands(
    ("publish", "deploy", "release", "push", "twine", "imagetools", "crane", "skopeo", "oras",
     "kubectl", "helm", "terraform", "pulumi", "railway", "vercel", "aws", "gsutil",
     "ghp-import", "ansible"),
    (("publish",), r"(?:npm|pnpm|yarn|bun)\s+(?:npm\s+)?publish\b(?![^\n]*--dry-run)",
     (("npm", "yarn", "bun"),)),
    (("npm", "yarn", "bun", "make", "just", "task", "rake", "mix"),
     r"(?:npm|pnpm|yarn|bun|make|just|task|rake|mix)\s+(?:run\s+)?(?:deploy|publish|release)\b",
     (("deploy", "publish", "release"),)),
    (("publish",), r"(?:cargo|uv|poetry|flit|hatch|pdm)\s+publish\b(?![^\n]*--dry-run)",
     (("cargo", "uv", "poetry", "flit", "hatch", "pdm"),)),
    (("twine",), r"twine\s+upload\b", (("upload",),)),
    (("gem",), r"gem\s+push\b", (("push",),)),
    (("nuget",), r"(?:dotnet\s+)?nuget\s+push\b", (("push",),)),
    (("publish",), r"(?:vsce|ovsx)\s+publish\b", (("vsce", "ovsx"),)),
    (("docker",), r"docker\s+(?:image\s+|manifest\s+)?push\b", (("push",),)),
    (("--push",), r"docker\s+buildx\s+(?:build|bake)\b[^\n]*--push\b", (("buildx",),)),
    (("imagetools",), r"docker\s+buildx\s+imagetools\s+create\b"),
    (("crane", "skopeo", "oras"), r"(?:crane|skopeo|oras)\s+(?:push|copy)\b",
     (("push", "copy"),)),
    (("release",), r"gh\s+release\s+(?:create|upload)\b", (("create", "upload"),)),
    (("publish",), r"(?:changeset|lerna)\s+publish\b", (("changeset", "lerna"),)),
    (("semantic-release",), r"semantic-release\b"),
    (("goreleaser",), r"goreleaser\s+release\b"),
    (("mvn",), r"mvn\b[^\n]*\bdeploy\b", (("deploy",),)),
    (("publish",), r"gradlew?\b[^\n]*\bpublish(?!\w*mavenlocal)\w*", (("gradle",),)),
    (("kubectl",), r"kubectl\s+(?:-\S+\s+)*(?:apply|set\s+image|replace|rollout\s+restart)\b"),
    (("helm",), r"helm(?:file)?\s+(?:\S+\s+)*?(?:upgrade|install|push)\b",
     (("upgrade", "install", "push"),)),
    (("terraform",), r"terraform\s+apply\b", (("apply",),)),
    (("pulumi",), r"pulumi\s+up\b"),
    (("cdk",), r"cdk\s+deploy\b", (("deploy",),)),
    (("sam", "serverless", "sls", "firebase", "netlify", "fly", "kamal"),
     r"(?:sam|serverless|sls|firebase|netlify|fly|flyctl|kamal)\s+deploy\b",
     (("deploy",),)),
    (("wrangler",), r"wrangler\s+(?:pages\s+)?(?:deploy|publish)\b", (("deploy", "publish"),)),
    (("railway",), r"railway\s+up\b"),
    (("vercel",), r"vercel\b[^\n]*(?:--prod\b|\bdeploy\b)"),
    (("gcloud",), r"gcloud\s+(?:\S+\s+)*?deploy\b", (("deploy",),)),
    (("az",), r"az\s+\S+[^\n]*\bdeploy\b", (("deploy",),)),
    (("aws",), r"aws\s+(?:s3\s+(?:sync|cp)|ecs\s+update-service|lambda\s+update-function-code"
               r"|cloudformation\s+deploy|deploy)\b",
     (("s3", "ecs", "lambda", "cloudformation", "deploy"),)),
    (("gsutil",), r"gsutil\s+(?:-\S+\s+)*(?:cp|rsync)\b", (("cp", "rsync"),)),
    (("mkdocs",), r"mkdocs\s+gh-deploy\b", (("deploy",),)),
    (("ghp-import",), r"ghp-import\b"),
    (("ansible-playbook",), r"ansible-playbook\b"),
    (("heroku", "dokku"), r"git\s+push\s+(?:\S+\s+)*?(?:heroku|dokku)\b",
     (("git",), ("push",))),
)
#: A deploy, publish or release script run by path (``./scripts/release.sh``).
_DEPLOY_SCRIPT = lazy_compile(r"(?:deploy|publish|release)[\w-]*\.(?:sh|py|js|mjs|ts|rb)\b")
# Action names are matched by substrings (``owner/repo[/path]``, lower-cased).
_DEPLOY_USES = (
    "deploy", "publish", "gh-pages", "action-gh-release", "release-action", "create-release",
    "upload-release", "goreleaser", "chart-releaser", "release-gem", "wrangler", "vercel",
    "netlify", "heroku", "firebase", "changesets/action", "semantic-release", "release-please",
    "ssh-action", "scp-action", "rsync", "blob-storage", "s3-sync", "s3-upload", "s3-deploy",
    "upload-s3", "cloud-storage", "r2-upload",
)
#: Actions whose names look like deploying but that prepare or report.
_NOT_DEPLOY_USES = (
    "upload-pages-artifact", "configure-pages", "release-drafter", "deployment-status",
    "publish-unit-test", "test-result", "junit-report", "test-reporter", "upload-sarif",
    "codeql-action",
)
#: ... and those whose names end so (``$`` also matches before a final newline).
_NOT_DEPLOY_USES_END = ("deployment", "deployments", "deployment\n", "deployments\n")
#: A step named for deploying (``\b(?:deploy(?:ing)?|publish(?:ing)?|...)\b``, one
#: branch per alternative: only whether it matches is asked).
_DEPLOY_STEP_NAME = Alternatives(
    re.IGNORECASE,
    (("deploy",), r"\bdeploy(?:ing)?\b"),
    (("publish",), r"\bpublish(?:ing)?\b"),
    (("push",), r"\bpush(?:ing)?\s+(?:to|the|image|tag|docker|manifest)\b"),
    (("push",), r"\b(?:build|tag)\s+and\s+push\b"),
    (("upload",), r"\bupload\b.{0,30}\bto\b"),
    (("release",), r"\bcreate\s+(?:github\s+|a\s+)?release\b"),
    (("release",), r"\brelease\s+to\b"),
)
_NOT_DEPLOY_STEP_NAME = lazy_compile(
    r"report|result|coverage|summary|comment|dry[\s_-]?run|artifact|local|sarif|code[\s_-]?scanning",
    re.IGNORECASE,
)

_TEST_RUN = _Commands(
    ("test", "tox", "nox", "jest", "mocha", "karma", "rspec", "codecov", "valgrind", "cypress",
     "coverage", "spec", "e2e", "bench", "verify", "check", "miri", "fuzz", "llvm-cov",
     "tarpaulin", "phpunit"),
    # One branch per tool (as `(?:pytest|...)\b` was): only the tools named get compiled.
    (("pytest",), r"pytest\b"),
    (("py.test",), r"py\.test\b"),
    (("tox",), r"tox\b"),
    (("nox",), r"nox\b"),
    (("jest",), r"jest\b"),
    (("vitest",), r"vitest\b"),
    (("mocha",), r"mocha\b"),
    (("karma",), r"karma\b"),
    (("rspec",), r"rspec\b"),
    (("phpunit",), r"phpunit\b"),
    (("ctest",), r"ctest\b"),
    (("nextest",), r"nextest\b"),
    (("codecov",), r"codecov\b"),
    (("valgrind",), r"valgrind\b"),
    (("playwright",), r"playwright\s+test\b", (("test",),)),
    (("cypress",), r"cypress\s+run\b", (("run",),)),
    (("coverage",), r"coverage\s+run\b", (("run",),)),
    (("test",), r"go\s+test\b", (("go",),)),
    (("dotnet",), r"dotnet\s+test\b", (("test",),)),
    (("swift",), r"swift\s+test\b", (("test",),)),
    (("test",), r"mix\s+test\b", (("mix",),)),
    (("deno",), r"deno\s+test\b", (("test",),)),
    (("test",), r"bun\s+test\b", (("bun",),)),
    (("rails",), r"rails\s+test\b", (("test",),)),
    (("rake",), r"rake\s+(?:test|spec)\b", (("test", "spec"),)),
    (("meson",), r"meson\s+test\b", (("test",),)),
    (("bazel",), r"bazel\s+test\b", (("test",),)),
    (("cargo",), r"cargo\s+(?:test|miri|fuzz|bench|llvm-cov|tarpaulin)\b",
     (("test", "miri", "fuzz", "bench", "llvm-cov", "tarpaulin"),)),
    (("test",), r"python3?\s+-m\s+(?:unittest|pytest)\b", (("python",),)),
    (("test", "e2e", "coverage", "bench"),
     r"(?:npm|pnpm|yarn)\s+(?:run\s+)?(?:test|e2e|coverage|bench)[\w:-]*",
     (("npm", "yarn"),)),
    (("npx",), r"npx\s+(?:jest|vitest|playwright\s+test|cypress)\b",
     (("jest", "test", "cypress"),)),  # `vitest`, `playwright test` hold "test"
    (("mvn",), r"mvn\b[^\n]*\b(?:test|verify)\b", (("test", "verify"),)),
    (("gradle",), r"gradlew?\b[^\n]*\b(?:test|check)\b", (("test", "check"),)),
    (("make",), r"make\s+(?:tests?[\w-]*|check(?![\w-]))", (("test", "check"),)),
    (("test",), r"hatch\s+(?:run\s+)?test\b", (("hatch",),)),
)
_TEST_USES = (
    "codecov/", "coverallsapp", "codeql-action/analyze", "cypress-io/github-action", "snyk/",
    "trivy-action", "dependency-review-action", "scorecard-action", "semgrep", "test-reporter",
    "junit",
)
#: A local action of the repository's tests (``./.github/actions/tests``).
_LOCAL_TEST_USES = lazy_compile(r"\./[\w./-]*\btests?\b")
_BUILD_RUN = _Commands(
    ("build", "dist", "auditable", "pyinstaller", "webpack", "hugo", "mvn", "assemble",
     "compile", "make", "publish"),
    (("build",), r"(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?build[\w:-]*",
     (("npm", "yarn", "bun"),)),
    (("cargo",), r"cargo\s+(?:build|dist|auditable)\b", (("build", "dist", "auditable"),)),
    (("build",), r"go\s+build\b", (("go",),)),
    (("build",), r"python3?\s+-m\s+build\b", (("python",),)),
    (("build",), r"(?:uv|poetry|hatch|flit|maturin|pdm)\s+build\b",
     (("uv", "poetry", "hatch", "flit", "maturin", "pdm"),)),
    (("cibuildwheel",), r"cibuildwheel\b"),
    (("pyinstaller",), r"pyinstaller\b"),
    (("buildah",), r"buildah\b"),
    (("msbuild",), r"msbuild\b"),
    (("xcodebuild",), r"xcodebuild\b"),
    (("webpack",), r"webpack\b"),
    (("sphinx-build",), r"sphinx-build\b"),
    (("hugo",), r"hugo\b"),
    (("build",), r"(?:docker|podman)\s+(?:buildx\s+)?build\b", (("docker", "podman"),)),
    (("mvn",), r"mvn\b[^\n]*\b(?:package|install)\b", (("package", "install"),)),
    (("gradle",), r"gradlew?\b[^\n]*\b(?:build|assemble)\w*", (("build", "assemble"),)),
    (("build",), r"cmake\s+--build\b", (("cmake",),)),
    (("compile",), r"meson\s+compile\b", (("meson",),)),
    (("dotnet",), r"dotnet\s+(?:build|publish)\b", (("build", "publish"),)),
    (("build",),
     r"(?:vite|next|nuxt|jekyll|mkdocs|gem|bazel|zig|swift|wasm-pack|goreleaser)\s+build\b",
     (("vite", "next", "nuxt", "jekyll", "mkdocs", "gem", "bazel", "zig", "swift",
       "wasm-pack", "goreleaser"),)),
    (("make",), r"(?:^|&&|;)\s*make\b(?!.*\b(?:test|check|lint|format|deploy|publish|release)\b)"),
)
_BUILD_USES = (
    "upload-pages-artifact", "build-push-action", "maturin-action", "pypa/cibuildwheel",
    "setup-buildx-action", "rust-build",
)
_COMMIT_RUN = _Commands(
    ("lint", "prettier", "ruff", "flake8", "black", "isort", "mypy", "pyright", "fmt", "clippy",
     "staticcheck", "pre-commit", "shellcheck", "zizmor", "rubocop", "standardrb", "typos",
     "spell", "tsc", "check", "vet", "biome", "format", "type"),
    # One branch per tool (as `(?:eslint|...)\b` was): only the tools named get compiled.
    (("eslint",), r"eslint\b"),
    (("prettier",), r"prettier\b"),
    (("ruff",), r"ruff\b"),
    (("flake8",), r"flake8\b"),
    (("pylint",), r"pylint\b"),
    (("black",), r"black\b"),
    (("isort",), r"isort\b"),
    (("mypy",), r"mypy\b"),
    (("pyright",), r"pyright\b"),
    (("rustfmt",), r"rustfmt\b"),
    (("clippy",), r"clippy\b"),
    (("golangci-lint",), r"golangci-lint\b"),
    (("gofmt",), r"gofmt\b"),
    (("staticcheck",), r"staticcheck\b"),
    (("pre-commit",), r"pre-commit\b"),
    (("shellcheck",), r"shellcheck\b"),
    (("actionlint",), r"actionlint\b"),
    (("zizmor",), r"zizmor\b"),
    (("hadolint",), r"hadolint\b"),
    (("markdownlint",), r"markdownlint\b"),
    (("yamllint",), r"yamllint\b"),
    (("rubocop",), r"rubocop\b"),
    (("standardrb",), r"standardrb\b"),
    (("typos",), r"typos\b"),
    (("codespell",), r"codespell\b"),
    (("cspell",), r"cspell\b"),
    (("commitlint",), r"commitlint\b"),
    (("stylelint",), r"stylelint\b"),
    (("tsc",), r"tsc\b[^\n]*--noemit", (("--noemit",),)),
    (("cargo",), r"cargo\s+(?:fmt|clippy|check)\b", (("fmt", "clippy", "check"),)),
    (("vet",), r"go\s+vet\b", (("go",),)),
    (("biome",), r"biome\s+(?:check|lint|format|ci)\b",
     (("check", "lint", "format", "ci"),)),
    (("lint", "format", "fmt", "type", "prettier", "tsc"),
     r"(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:lint|format|fmt|typecheck|type-check|check-types"
     r"|prettier|tsc)[\w:-]*",
     (("npm", "yarn", "bun"),)),
    (("make",), r"make\s+(?:lint|format|fmt)\b", (("lint", "format", "fmt"),)),
)
_COMMIT_USES = (
    "pre-commit/action", "golangci-lint-action", "super-linter", "reviewdog", "crate-ci/typos",
    "actionlint", "action-shellcheck", "commitlint", "action-semantic-pull-request",
    "ruff-action", "psf/black", "zizmor-action", "markdownlint", "eslint",
)
#: Probing a running service: a health or smoke check, an HTTP probe, a load test.  A
#: probe of localhost waits for a service the job itself started (a test's set-up).
_VERIFY_RUN = _Commands(
    ("curl", "wget", "smoke", "health", "k6", "newman", "lighthouse"),
    (("curl", "wget"),
     r"(?:curl|wget)\b(?![^\n]*(?:localhost|127\.0\.0\.1|0\.0\.0\.0))"
     r"[^\n]*https?://[^\s'\"]*(?:health|ready|alive|liveness|/status|/ping)",
     (("http",), ("health", "ready", "alive", "liveness", "/status", "/ping"))),
    (("smoke", "health"), r"(?:smoke[-_:]?tests?|health[-_]?checks?)\b"),
    (("k6",), r"k6\s+run\b", (("run",),)),
    (("newman",), r"newman\s+run\b", (("run",),)),
    (("lighthouse",), r"lighthouse\b"),
)
_VERIFY_USES = ("health", "smoke", "uptime", "lighthouse", "grafana/k6", "url-check")


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

#: (kind of work, action) -> whether the action's name shows that work.  A run sees a
#: few hundred distinct actions in thousands of steps.
_ACTION_SAYS: dict[tuple[str, str], bool] = {}


def _action_says(kind: str, action: str) -> bool:
    key = (kind, action)
    said = _ACTION_SAYS.get(key)
    if said is None:
        if kind == "deploy":
            said = (any(map(action.__contains__, _DEPLOY_USES))
                    and not any(map(action.__contains__, _NOT_DEPLOY_USES))
                    and not action.endswith(_NOT_DEPLOY_USES_END))
        else:
            said = any(map(action.__contains__, _USES[kind])) or (
                kind == "test" and action.startswith("./")
                and _LOCAL_TEST_USES.match(action) is not None)
        if len(_ACTION_SAYS) < 8192:
            _ACTION_SAYS[key] = said
    return said


class StepEvidence:
    """For each kind of work (``deploy``, ``verify``, ``test``, ``build``, ``commit``), a
    quote of the first step that does it, or None.  Worked out on first use: most jobs are
    placed by their names, and reading long scripts is the expensive part."""

    __slots__ = ("_found", "_scripts", "_steps")

    def __init__(self, job: Job) -> None:
        self._steps = job.steps
        #: Per step: its action (lower-cased, no ref) and its lower-cased script.
        self._scripts: list[tuple[str, str]] | None = None
        self._found: dict[str, str | None] = {}

    def get(self, stage: str) -> str | None:
        found = self._found
        if stage not in found:
            found[stage] = self._first(stage)
        return found[stage]

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
        if stage != "deploy" and stage not in _RUN:
            return None
        scripts = self._scripts
        if scripts is None:
            scripts = self._scripts = []
        for i, step in enumerate(self._steps):
            if i == len(scripts):  # read each step once, and only as far as asked
                scripts.append((_action(step), step.run.text.lower() if step.run is not None
                                else ""))
            action, script = scripts[i]
            found = _deploys(step, action, script) if stage == "deploy" else _does(
                step, action, script, stage)
            if found is not None:
                return found
        return None


def _deploys(step: Step, action: str, script: str) -> str | None:
    if action:
        if "build-push-action" in action:
            return action if _with_true(step, "push") else None
        if _action_says("deploy", action):
            return action
    if script:
        assert step.run is not None
        span = _script_span("deploy", script)
        if span is not None:
            return _quote(step.run.text, span, script)
    name = step.name
    if name and _DEPLOY_STEP_NAME.matches(name) and not _names_no_deploy(name):
        return f"step `{name[:40]}`"
    return None


_NOT_DEPLOY_STEP_WORDS = (
    "report", "result", "coverage", "summary", "comment", "artifact", "local", "sarif",
)


def _names_no_deploy(name: str) -> bool:
    """What :data:`_NOT_DEPLOY_STEP_NAME` says, by substrings where they suffice."""
    lowered = folded(name)
    if lowered is None:
        return _NOT_DEPLOY_STEP_NAME.search(name) is not None
    if any(map(lowered.__contains__, _NOT_DEPLOY_STEP_WORDS)):
        return True
    # `dry[\s_-]?run`, `code[\s_-]?scanning`: the regex only for these.
    return ("dry" in lowered or "code" in lowered) and (
        _NOT_DEPLOY_STEP_NAME.search(name) is not None)


def _does(step: Step, action: str, script: str, stage: str) -> str | None:
    if action and _action_says(stage, action):
        return action
    if script:
        assert step.run is not None
        span = _script_span(stage, script)
        if span is not None:
            return _quote(step.run.text, span, script)
    return None


#: (kind of work, lower-cased script) -> where the script does it.  A third of a run's
#: scripts are repeats (`npm ci`, `npm test`, set-up steps copied between workflows).
_SPANS: dict[tuple[str, str], tuple[int, int] | None] = {}


def _script_span(stage: str, script: str) -> tuple[int, int] | None:
    key = (stage, script)
    if key in _SPANS:
        return _SPANS[key]
    if stage == "deploy":
        span = _DEPLOY_RUN.find(script)
        if span is None and ("deploy" in script or "publish" in script or "release" in script):
            m = _DEPLOY_SCRIPT.search(script)
            span = m.span() if m else None
    else:
        span = _RUN[stage].find(script)
    if len(_SPANS) < 8192:
        _SPANS[key] = span
    return span


def step_evidence(job: Job) -> StepEvidence:
    """What the job's steps show it doing (read lazily)."""
    return StepEvidence(job)


_TRIVIAL_RUN = lazy_compile(r"(?:\s*(?:exit\s+\d+|echo\b[^\n]*|true|false|:)\s*(?:\n|$))+\Z")
_NEEDS_RESULT = lazy_compile(r"needs\.[\w*-]+\.result")
_GATE_USES = ("alls-green", "all-checks", "wait-for-checks", "workflow-conclusion")


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
            if any(map(action.__contains__, _GATE_USES)):
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
