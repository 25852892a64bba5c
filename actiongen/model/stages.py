"""Which pipeline stage each job belongs to, and why.

The stages are the seed's (commit → build → test → deploy → verify) plus ``other``
for jobs outside the pipeline (rollbacks, approval gates, bots, reports, set-up).
The order of evidence:

1. configuration: job-id globs in ``check: stages:``;
2. a rollback job is ``other``;
3. an ``environment:`` means deploy, except an approval gate, or a job whose name says
   it builds or tests and whose steps deploy nothing (the environment only lends it
   secrets);
4. the job's id, then its name (``name:``), then a called workflow's file name, read
   as words: ``build-and-test`` is a test job, ``publish-test-results`` a report,
   ``build-release-binaries`` a build; weak words (``release``, ``check``, ``docs``)
   give way to what the steps do (a ``release`` job that only builds is a build job);
5. with no telling name, what the steps do (``cargo test``, ``twine upload``…);
6. then the graph: a build job that also uploads, or a "release" job that build jobs
   need (``create-release``), is not the deploy; a health, smoke or post-deploy job
   that no deploy comes before is a ``test`` when the workflow deploys nothing or a
   deploy needs it; a check job that needs build jobs tests their output; and any
   checking job (lint, test, smoke) that runs after a deploy verifies it.
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from actiongen.lazyre import lazy_compile
from actiongen.model.job_evidence import StepEvidence, gate_evidence, step_evidence

if TYPE_CHECKING:
    from actiongen.config import Config
    from actiongen.model.graph import NeedsGraph
    from actiongen.model.workflow import Job, Workflow

#: Stage order; "other" has no place in it.
ORDER = {"commit": 0, "build": 1, "test": 2, "deploy": 3, "verify": 4}
STAGES = ("commit", "build", "test", "deploy", "verify", "other")


class StageInfo:
    """A job's stage and the reason, in words a user can check (``--explain-stages``).

    ``basis`` says what decided it: ``config``, ``environment``, ``name``, ``steps``,
    ``graph`` or ``none``.
    """

    __slots__ = ("basis", "reason", "stage")

    def __init__(self, stage: str, reason: str, basis: str = "name") -> None:
        self.stage = stage
        self.reason = reason
        self.basis = basis

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StageInfo):
            return NotImplemented
        return (self.stage, self.reason, self.basis) == (other.stage, other.reason, other.basis)

    def __hash__(self) -> int:
        return hash((self.stage, self.reason, self.basis))

    def __repr__(self) -> str:
        return f"StageInfo(stage={self.stage!r}, reason={self.reason!r}, basis={self.basis!r})"


# --- names -----------------------------------------------------------------------------

# Phrases first, so "pre-commit" is not "commit" and "dry-run" is one word.  Each
# phrase comes with substrings one of which every match contains (the rarer word of
# the phrase: "pre" for `pre-?build`, not "build"): names rarely hold any, and a
# substring test is far cheaper than a regex substitution.
_PHRASES = [
    (("commit",), lazy_compile(r"pre-?commit"), "precommit"),
    (("dry",), lazy_compile(r"dry-?run"), "dryrun"),
    (("pre",), lazy_compile(r"pre-?release"), "prerelease"),
    (("back",), lazy_compile(r"roll-?back"), "rollback"),
    (("clean",), lazy_compile(r"clean-?up"), "cleanup"),
    (("type",), lazy_compile(r"type-?check(?:ing)?"), "typecheck"),
    (("health",), lazy_compile(r"health-?checks?"), "health"),
    (("smoke",), lazy_compile(r"smoke-?tests?"), "smoke"),
    (("post",), lazy_compile(r"post-?deploy(?:ment)?"), "postdeploy"),
    (("verify-", "wait-for-"),
     lazy_compile(r"verify-(?:deploy(?:ment)?|prod(?:uction)?|staging|release)"
                  r"|wait-for-(?:rollout|deploy(?:ment)?)"), "postdeploy"),
    (("green", "all-", "required-check", "-pass", "ci-"),
     lazy_compile(r"alls?-green|all-(?:jobs|checks)-(?:pass(?:ed)?|green)|required-checks?"
                  r"|checks?-pass(?:ed)?|ci-(?:status|success|passed|result|ok|done)"), "gate"),
    (("lock-",), lazy_compile(r"lock-(?:threads?|issues?|prs?|closed)"), "lockbot"),
    (("pre",), lazy_compile(r"pre-?build"), "prebuild"),
    (("matrix",),
     lazy_compile(r"(?:generate|compute|create|prepare|set|setup|get|define|calculate|make)-"
                  r"(?:[a-z0-9]+-){0,3}matrix"), "matrixgen"),
    (("dependency-review",), lazy_compile(r"dependency-review"), "scan"),
    (("static-analysis",), lazy_compile(r"static-analysis"), "lint"),
    (("release-notes",), lazy_compile(r"release-notes"), "notes"),
]

_WORDS: dict[str, tuple[str, bool]] = {}  # word -> (stage, strong)


def _vocab(stage: str, strong: bool, words: str) -> None:
    for w in words.split():
        _WORDS[w] = (stage, strong)


_vocab("commit", True, "lint lints linter linters linting fmt format formatting formatter "
       "prettier eslint clippy rustfmt ruff flake8 pylint mypy pyright typecheck tsc typos "
       "spell spelling spellcheck codespell cspell style stylelint precommit commitlint "
       "actionlint shellcheck hadolint markdownlint yamllint rubocop golangci gofmt vet "
       "editorconfig zizmor")
_vocab("build", True, "build builds building builder compile compiles compilation bundle "
       "bundling package packages packaging dist sdist wheel wheels binaries binary artifact "
       "artifacts image images cibuildwheel maturin pyinstaller installer installers msi dmg "
       "appimage flatpak assemble")
_vocab("test", True, "test tests testing tester e2e integration unit units spec specs coverage "
       "cov codecov playwright cypress pytest jest vitest mocha karma bench benchmark "
       "benchmarks benchmarking perf performance lighthouse fuzz fuzzing fuzzer wpt "
       "conformance regression sanitizer sanitizers asan ubsan tsan msan lsan valgrind miri "
       "codeql audit security scan scanning snyk semgrep deny reproducible reproducibility "
       "vulnerability trivy grype mutation acceptance functional qa")
_vocab("deploy", True, "deploy deploys deploying deployment deployments publish publishes "
       "publishing ship shipping rollout promote promotion")
_vocab("verify", True, "smoke health synthetic synthetics uptime probe postdeploy")
_vocab("other", True, "rollback revert undo notify notification notifications slack discord "
       "announce tweet cleanup stale label labels labeler labeling triage lockbot close comment "
       "comments backport changelog notes greet greeting welcome assign automerge report "
       "reports results summary summarize status gate gates approval approve conclusion "
       "dependabot renovate issue issues matrixgen bump")
# Weak words: a default when nothing stronger is said, open to what the steps show.
_vocab("deploy", False, "release releases upload pypi push")
_vocab("commit", False, "check checks checking checker validate validation validator verify "
       "verification verifier static")
_vocab("build", False, "docs doc documentation site website book mkdocs sphinx storybook "
       "docker container")
_vocab("test", False, "analyze analysis")
_vocab("other", False, "setup prepare preparation plan planning init initialize config "
       "configure detect determine changes changed matrix version versions meta metadata "
       "context info vars variables paths filter decide skip pre trigger dispatch update "
       "sync tag tags prerelease prebuild fix autofix list get fetch find compute collect "
       "rebase merge board project")

_EXPR = lazy_compile(r"\$\{\{.*?\}\}")
_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = lazy_compile(r"[^a-z0-9]+")
#: Characters of a name that need no rewriting by :func:`_normal`.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _normal(text: str) -> str:
    """Lower-case words joined by ``-`` (``buildAndTest_x`` → ``build-and-test-x``)."""
    if "${{" in text:
        text = _EXPR.sub(" ", text)
    if text != text.lower():  # only then can a camelCase boundary be there
        text = _CAMEL.sub("-", text).lower()
    text = text.replace("_", "-")
    if _PLAIN.issuperset(text) and "--" not in text:  # nothing for the regex to rewrite
        return text
    return _NOT_WORD.sub("-", text)


def words_of(text: str) -> list[str]:
    """``Build & Test (${{ matrix.os }})`` → ``["build", "test"]``; phrases joined."""
    text = _normal(text)
    for keys, pattern, word in _PHRASES:
        for key in keys:
            if key in text:
                text = pattern.sub(word, text)
                break
    # Only letters, digits and "-" are left.
    return [w for w in text.split("-") if w]


def _as_written(text: str, word: str) -> str:
    """The words of ``text`` a joined phrase word stands for (``alls-green`` for ``gate``)."""
    normal = _normal(text)
    for _, pattern, joined in _PHRASES:
        if joined == word:
            m = pattern.search(normal)
            if m:
                return m.group(0)
    return word


class NameVerdict:
    """What a name says: the stage, the word that says it, and how firmly.

    ``strong`` verdicts stand against the steps; weak ones ("release", "docs") and
    leading checking verbs ("verify-assets") give way to what the steps show.
    ``rehearsal`` marks "test-publish": a checking word before a deploy word, a
    rehearsal of a release.
    """

    __slots__ = ("leading", "rehearsal", "stage", "strong", "word")

    def __init__(self, stage: str, word: str, strong: bool, leading: bool = False,
                 rehearsal: bool = False) -> None:
        self.stage = stage
        self.word = word
        self.strong = strong
        self.leading = leading
        self.rehearsal = rehearsal

    def __repr__(self) -> str:
        return (f"NameVerdict(stage={self.stage!r}, word={self.word!r}, strong={self.strong!r}, "
                f"leading={self.leading!r}, rehearsal={self.rehearsal!r})")


#: Verdicts by name: job ids and names repeat across workflows ("build", "test").
_READ: dict[str, NameVerdict | None] = {}


def read_name(text: str) -> NameVerdict | None:
    """The stage a job's id or name says, or None when it says nothing we know."""
    if text in _READ:
        return _READ[text]
    verdict = _read_words(words_of(text))
    if verdict is not None and not (verdict.word in _WORDS and verdict.word in text.lower()):
        verdict = NameVerdict(verdict.stage, _as_written(text, verdict.word), verdict.strong,
                              verdict.leading, verdict.rehearsal)
    if len(_READ) < 4096:  # verdicts are never changed, so sharing them is safe
        _READ[text] = verdict
    return verdict


def _read_words(words: list[str]) -> NameVerdict | None:
    if words and words[0] in ("check", "checks", "verify", "validate"):
        rest = [w for w in words[1:] if _WORDS.get(w) == ("test", True)]
        if not rest:  # "verify-release-binary", "check-publish": checks, not builds or ships
            lint = [w for w in words[1:] if _WORDS.get(w) == ("commit", True)]
            if lint:  # "check-fmt" says more than "check"
                return NameVerdict("commit", lint[0], True)
            return NameVerdict("commit", words[0], False, leading=True)
    found = [(w, *_WORDS[w]) for w in words if w in _WORDS]
    if "dryrun" in words:  # a rehearsal of publishing builds and checks, ships nothing
        found = [f for f in found if f[1] != "deploy"] or [("dryrun", "build", True)]
    strong = [(w, s) for w, s, is_strong in found if is_strong]
    if strong:
        for w, s in strong:
            if s == "other":  # "publish-test-results" is a report, "release-gate" a gate
                return NameVerdict("other", w, True)
        stages = [s for _, s in strong]
        if "deploy" in stages:
            deploy_word = strong[stages.index("deploy")][0]
            before = [(w, s) for w, s, _ in found[:[f[0] for f in found].index(deploy_word)]
                      if s in ("test", "commit")]
            if before:  # "test-publish", "check-publish": rehearsals
                return NameVerdict(before[0][1], before[0][0], True, rehearsal=True)
            return NameVerdict("deploy", deploy_word, True)
        if "verify" in stages:
            w = strong[stages.index("verify")][0]
            return NameVerdict("verify", w, True)
        # Several of commit/build/test: the latest ("build-and-test" runs the tests).
        w, s = max(strong, key=lambda f: ORDER[f[1]])
        return NameVerdict(s, w, True)
    weak = [(w, s) for w, s, _ in found]
    if not weak:
        return None
    for kind in ("other", "commit"):  # "prepare-release"; "docs-check" checks the docs
        for w, s in weak:
            if s == kind:
                return NameVerdict(s, w, False)
    w, s = weak[0]
    return NameVerdict(s, w, False)


def _called_workflow(job: Job) -> str:
    if job.uses is None:
        return ""
    path = job.uses.text.split("@", 1)[0]
    base = path.rsplit("/", 1)[-1]
    # `$` also matches before a final newline, which a `uses:` value may keep.
    for suffix in (".yml", ".yaml", ".yml\n", ".yaml\n"):
        if base.endswith(suffix):
            return base[: -len(suffix)] + ("\n" if suffix[-1] == "\n" else "")
    return base


def _name_verdict(job: Job) -> tuple[NameVerdict, str] | None:
    """The most telling verdict among the id, the name and a called workflow's file."""
    texts = [(job.id, "id")]
    if job.name is not None:
        texts.append((job.name.text, "name"))
    called = _called_workflow(job)
    if called:
        texts.append((called, "called workflow"))
    weak: tuple[NameVerdict, str] | None = None
    for text, where in texts:
        v = read_name(text)
        if v is None:
            continue
        if v.strong or v.leading:
            return v, where
        weak = weak or (v, where)
    return weak


# --- steps -----------------------------------------------------------------------------


def _by_steps(ev: StepEvidence) -> tuple[str, str] | None:
    """The stage the steps alone show: deploying beats testing beats probing a live
    service beats building beats linting."""
    for stage in ("deploy", "test", "verify", "build", "commit"):
        quote = ev.get(stage)
        if quote:
            return stage, quote
    return None


def _refine_weak(v: NameVerdict, where: str, ev: StepEvidence) -> StageInfo:
    said = f"its {where} says `{v.word}`"
    if v.stage == "deploy" and not ev.deploy:
        for stage in ("test", "build"):
            quote = ev.get(stage)
            if quote:
                return StageInfo(stage, f"{said} but its steps only {stage} (`{quote}`)",
                                 "steps")
    if v.stage == "commit" and ev.test and not ev.deploy:
        return StageInfo("test", f"{said} and its steps run tests (`{ev.test}`)", "steps")
    if v.stage == "commit" and ev.verify and not ev.deploy:
        return StageInfo("verify", f"{said} and its steps probe a live service "
                         f"(`{ev.verify}`)", "steps")
    if v.stage == "build" and ev.deploy:
        return StageInfo("deploy", f"{said} and its steps deploy (`{ev.deploy}`)", "steps")
    return StageInfo(v.stage, said, "name")


def _by_name_and_steps(named: tuple[NameVerdict, str] | None, ev: StepEvidence) -> StageInfo:
    if named is not None:
        v, where = named
        if not v.strong:
            return _refine_weak(v, where, ev)
        said = f"its {where} says `{v.word}`"
        if v.stage == "deploy" and not ev.deploy and ev.build and not ev.test:
            # "publish" that uploads an artifact and nothing else: a build job.
            return StageInfo("build", f"{said} but its steps only build (`{ev.build}`)", "steps")
        return StageInfo(v.stage, said, "name")
    by_steps = _by_steps(ev)
    if by_steps is not None:
        stage, quote = by_steps
        verb = {"deploy": "deploy", "test": "run tests", "verify": "probe a live service",
                "build": "build", "commit": "lint"}[stage]
        return StageInfo(stage, f"its steps {verb} (`{quote}`)", "steps")
    return StageInfo("other", "no configuration, environment, name or step places it", "none")


# --- the classifier --------------------------------------------------------------------


def _configured(job_id: str, config: Config) -> StageInfo | None:
    for stage, globs in config.stage_globs.items():
        for pattern in globs:
            if fnmatch.fnmatchcase(job_id, pattern):
                return StageInfo(stage, f"configured: `{pattern}` in stages.{stage}", "config")
    return None


#: Environment names that are deploy targets, not just a place to keep secrets.
_DEPLOY_TARGET_WORDS = (
    "prod", "live", "stag", "stg", "preview", "dev", "qa", "uat", "sandbox", "canary",
    "release", "pypi", "npm", "crate", "pages", "docker", "registry", "publish", "deploy",
    "demo", "beta", "test", "${{",
)
_DEPLOY_TARGET = lazy_compile("|".join(
    w.replace("$", "\\$").replace("{", "\\{") for w in _DEPLOY_TARGET_WORDS), re.IGNORECASE)


def _deploy_target(env: str) -> bool:
    """The environment's name says it is a deploy target (case-insensitive)."""
    if env.isascii():  # the common case: no Unicode case folding to mind
        lowered = env.lower()
        return any(w in lowered for w in _DEPLOY_TARGET_WORDS)
    return _DEPLOY_TARGET.search(env) is not None


def _with_environment(job: Job, named: tuple[NameVerdict, str] | None,
                      ev: StepEvidence) -> StageInfo:
    assert job.environment is not None
    env = job.environment.name_text or "(unnamed)"
    if len(env) > 40:
        env = env[:37] + "..."
    if named is not None and named[0].rehearsal:
        v, where = named
        return StageInfo(v.stage, f"its {where} says `{v.word}` before a deploy word: a "
                         f"rehearsal, with environment `{env}` for its secrets", "name")
    if (named is not None and named[0].strong and named[0].stage == "other"
            and not _deploy_target(env)):
        v, where = named  # a bot's job ("report", "backport") holding its token in one
        return StageInfo("other", f"its {where} says `{v.word}`, and environment `{env}` is "
                         "not a deploy target", "name")
    # The steps are read last in each test: a long deploy script costs the most, and a
    # job named `deploy` needs no look at them.
    if named is not None and named[0].strong:
        v, where = named
        gate = v.word in ("gate", "gates", "approval", "approve")
        if (gate or v.stage in ("commit", "build", "test", "other")) and not ev.deploy:
            if gate:
                return StageInfo("other", f"an approval gate: its {where} says `{v.word}` and "
                                 f"environment `{env}` holds the approval", "environment")
            return StageInfo(v.stage, f"its {where} says `{v.word}`; environment `{env}` only "
                             "lends it secrets (no step deploys)", "name")
    if (named is not None and named[0].stage != "deploy" and not _deploy_target(env)
            and not ev.deploy):
        v, where = named
        return StageInfo(v.stage, f"its {where} says `{v.word}`, and environment `{env}` is not "
                         "a deploy target (no step deploys)", "name")
    if named is None and ev.test and not ev.deploy:
        return StageInfo("test", f"its steps run tests (`{ev.test}`); environment `{env}` only "
                         "lends them secrets (no step deploys)", "steps")
    return StageInfo("deploy", f"it deploys to environment `{env}`", "environment")


def classify(workflow: Workflow, config: Config, graph: NeedsGraph) -> dict[str, StageInfo]:
    """Every job's stage, in ``jobs:`` order."""
    out: dict[str, StageInfo] = {}
    evidence: dict[str, StepEvidence] = {}
    # What each job's id, name and called workflow say: asked again by the graph passes.
    names: dict[str, tuple[NameVerdict, str] | None] = {}
    globs = config.stage_globs
    for job_id, job in workflow.jobs.items():
        configured = _configured(job_id, config) if globs else None
        if configured is not None:
            out[job_id] = configured
            continue
        ev = evidence[job_id] = step_evidence(job)
        named = names[job_id] = _name_verdict(job)
        if named is not None and named[0].word in ("rollback", "revert", "undo"):
            out[job_id] = StageInfo("other", f"a rollback job: its {named[1]} says "
                                    f"`{named[0].word}`", "name")
        elif job.environment is not None:
            out[job_id] = _with_environment(job, named, ev)
        elif (gate := gate_evidence(job)) is not None:
            out[job_id] = StageInfo("other", f"a gate: {gate}", "steps")
        else:
            out[job_id] = _by_name_and_steps(named, ev)
    _feeding_pipeline(workflow, graph, out, names)
    _unanchored_checks(graph, out)
    _checks_of_output(graph, out, evidence, names)
    _after_deploys(graph, out)
    return {job_id: out[job_id] for job_id in workflow.jobs}


def _feeding_pipeline(workflow: Workflow, graph: NeedsGraph, out: dict[str, StageInfo],
                      names: dict[str, tuple[NameVerdict, str] | None]) -> None:
    """Deploy-looking jobs that earlier stages need are not the pipeline's deploy.

    A build job that also uploads its output (a canary) and that test jobs need is a
    build job; a release job that build jobs need (``create-release`` → ``build``
    uploading into it) only prepares the release.
    """
    for job_id, info in out.items():
        if info.stage != "deploy" or info.basis == "config":
            continue
        users = _users_through_other(graph, out, job_id)
        if not users:
            continue
        named = names[job_id] if job_id in names else _name_verdict(workflow.jobs[job_id])
        if named is not None and named[0].strong and named[0].stage == "build":
            out[job_id] = StageInfo(
                "build", f"its {named[1]} says `{named[0].word}` and `{users[0]}` needs its "
                "output (it also uploads it)", "graph")
            continue
        builders = [u for u in users if out[u].stage == "build"]
        if builders and info.basis in ("name", "steps"):
            out[job_id] = StageInfo(
                "other", f"it prepares a release that build job `{builders[0]}` needs "
                f"({info.reason})", "graph")


def _checks_of_output(graph: NeedsGraph, out: dict[str, StageInfo],
                      evidence: dict[str, StepEvidence],
                      names: dict[str, tuple[NameVerdict, str] | None]) -> None:
    """A job named only as a check ("check-wheels", "verify-tarball") that waits for
    build or test jobs, and runs no linter, checks their output: a test."""
    for job_id, info in out.items():
        if info.stage != "commit" or info.basis != "name":
            continue
        named = names[job_id]
        if named is None or named[0].strong:
            continue
        inputs = [j for j in graph.needs.get(job_id, ()) if out[j].stage in ("build", "test")]
        # The steps last: reading them costs the most.
        if inputs and not evidence[job_id].commit:
            out[job_id] = StageInfo(
                "test", f"its {named[1]} says `{named[0].word}` and it checks the output of "
                f"{out[inputs[0]].stage} job `{inputs[0]}`", "graph")


def _users_through_other(graph: NeedsGraph, out: dict[str, StageInfo], job_id: str) -> list[str]:
    """Commit, build and test jobs that need ``job_id``, directly or through jobs of the
    stage ``other`` (a version or set-up job between a release and the builds)."""
    found: list[str] = []
    seen: set[str] = set()
    queue = list(graph.users(job_id))
    while queue:
        j = queue.pop(0)
        if j in seen:
            continue
        seen.add(j)
        if out[j].stage in ("commit", "build", "test"):
            found.append(j)
        elif out[j].stage == "other":
            queue.extend(graph.users(j))
    return found


_CHECKING = ("commit", "test", "verify")


def _unanchored_checks(graph: NeedsGraph, out: dict[str, StageInfo]) -> None:
    """A health or smoke job that no deploy comes before is a test when the workflow
    deploys nothing or a deploy needs it; otherwise it stays a verification (one that
    ought to wait for the deploy)."""
    deploys = {j for j, i in out.items() if i.stage == "deploy"}
    feeds_deploy: set[str] = set()
    for d in deploys:
        feeds_deploy |= graph.ancestors(d)
    for job_id, info in out.items():
        if info.stage != "verify" or info.basis == "config" or graph.ancestors(job_id) & deploys:
            continue
        if not deploys:
            out[job_id] = StageInfo(
                "test", f"{info.reason}, but the workflow deploys nothing: a test", "graph")
        elif job_id in feeds_deploy:
            out[job_id] = StageInfo(
                "test", f"{info.reason}, but a deploy needs it: a test before the deploy",
                "graph")


def _after_deploys(graph: NeedsGraph, out: dict[str, StageInfo]) -> None:
    """A checking job (lint, test, smoke) that runs after a deploy verifies it."""
    deploys = {j for j, i in out.items() if i.stage == "deploy"}
    for job_id, info in out.items():
        if info.basis in ("config", "environment") or info.stage not in _CHECKING:
            continue
        before = sorted(graph.ancestors(job_id) & deploys)
        if before:
            out[job_id] = StageInfo(
                "verify", f"it checks after deploy job `{before[0]}` ({info.reason})", "graph")
