"""What ``actiongen init --yes`` generates: the seed's pipeline shape, and zero findings from
actionlint (with shellcheck), zizmor, check-jsonschema and ``actiongen check`` for a sample
project of every supported language and package manager. The tools really run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from actiongen.cli import main
from actiongen.load import load_text, to_data
from actiongen.model.graph import NeedsGraph
from actiongen.model.workflow import build_workflow

PROJECTS = Path(__file__).resolve().parent / "projects"
ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ".github/workflows/ci-cd.yml"
ALL_SAMPLES = sorted(p.name for p in PROJECTS.iterdir() if p.is_dir())


def generate(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(PROJECTS / name, root, symlinks=True)
    assert main(["init", str(root), "--yes"]) == 0
    return root


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]', apt install shellcheck)")
    return found


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The sample is the working directory (tools find its .github); actiongen is imported
    # from this source tree.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def test_every_language_has_a_sample() -> None:
    languages = set()
    for name in ALL_SAMPLES:
        languages.add(name.split("-")[0])
    assert languages == {"node", "python", "go", "rust", "java", "ruby"}
    # ...and every package manager: npm/pnpm/yarn/bun, pip/poetry/uv, maven/gradle.
    for expected in ("node-seed", "node-pnpm", "node-yarn", "node-bun", "python-pip",
                     "python-poetry", "python-uv", "java-maven", "java-gradle"):
        assert expected in ALL_SAMPLES


# --------------------------------------------------------------------------- outside tools


class Generated:
    """Each sample's init output, made once per module on first use."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.roots: dict[str, Path] = {}

    def __getitem__(self, name: str) -> Path:
        if name not in self.roots:
            self.roots[name] = generate(self.base, name)
        return self.roots[name]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return Generated(tmp_path_factory.mktemp("init"))


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_actionlint_with_shellcheck(generated: Generated, name: str) -> None:
    tool("shellcheck")
    result = run([tool("actionlint"), "-no-color", "-oneline", "-shellcheck=shellcheck",
                  WORKFLOW], generated[name])
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_zizmor_offline(generated: Generated, name: str) -> None:
    result = run([tool("zizmor"), "--offline", "--no-progress", "--format", "json", WORKFLOW],
                 generated[name])
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_check_jsonschema_github_workflows(generated: Generated, name: str) -> None:
    result = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                  WORKFLOW], generated[name])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_actiongen_check(generated: Generated, name: str) -> None:
    result = run([sys.executable, "-m", "actiongen", "check", "--format", "json", "--fail-on",
                  "note", WORKFLOW], generated[name])
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["findings"] == []


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_descriptor_round_trips(generated: Generated, name: str) -> None:
    """The descriptor init wrote renders to exactly the workflow it wrote."""
    result = run([sys.executable, "-m", "actiongen", "generate", "--check"], generated[name])
    if "not available" in result.stderr:
        pytest.skip("actiongen generate is not built yet")
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- other layouts

# Small repositories beside the samples: platforms, libraries, monorepos, odd installs.
VARIANTS: dict[str, dict[str, str]] = {
    "fly": {"package.json": '{"scripts": {"test": "jest"}}', "package-lock.json": "{}",
            "fly.toml": 'app = "shop-api"\n'},
    "vercel": {"package.json": '{"scripts": {"build": "next build", "lint": "next lint"},'
                               ' "dependencies": {"next": "15"}}',
               "pnpm-lock.yaml": "", "vercel.json": "{}"},
    "kubernetes": {"go.mod": "module example.com/api\n\ngo 1.23\n", "k8s/deploy.yaml": "",
                   "Dockerfile": "FROM scratch\n", "main_test.go": "package main\n"},
    "compose": {"requirements.txt": "flask\nredis\npytest\n", "tests/test_app.py": "",
                "Dockerfile": "FROM python:3.13\n", "docker-compose.prod.yml": "services: {}\n"},
    "npm-library": {"package.json": '{"name": "@acme/util", "main": "dist/index.js", '
                                    '"scripts": {"build": "tsc", "test": "vitest run"}}',
                    "package-lock.json": "{}"},
    "no-lockfile": {"package.json": '{"scripts": {"test": "node --test", "start": "node ."}}'},
    "monorepo": {"frontend/package.json": '{"scripts": {"build": "vite build"}}',
                 "backend/pyproject.toml": '[project]\nname = "api"\n'
                                           'dependencies = ["psycopg", "alembic", "pytest"]\n',
                 "backend/uv.lock": "", "backend/alembic.ini": "", "backend/tests/t.py": ""},
    "pipenv": {"Pipfile": '[packages]\ndjango = "*"\nmysqlclient = "*"\n', "manage.py": ""},
    "yarn-berry": {"package.json": '{"packageManager": "yarn@4.5.0", "workspaces": ["pkgs/*"]}',
                   "yarn.lock": "", ".yarnrc.yml": "", "pkgs/a/package.json":
                   '{"scripts": {"test": "vitest run", "lint": "eslint ."}}'},
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_other_layouts_pass_every_tool(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    for rel, text in VARIANTS[name].items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    assert main(["init", str(root), "--yes"]) == 0
    tool("shellcheck")
    checks = [
        [tool("actionlint"), "-no-color", "-oneline", WORKFLOW],
        [tool("zizmor"), "--offline", "--no-progress", "-q", WORKFLOW],
        [tool("check-jsonschema"), "-q", "--builtin-schema", "vendor.github-workflows", WORKFLOW],
        [sys.executable, "-m", "actiongen", "check", "--fail-on", "note", WORKFLOW],
    ]
    for args in checks:
        result = run(args, root)
        assert result.returncode == 0, (args[0], result.stdout + result.stderr)


# --------------------------------------------------------------------------- the seed's shape


def _load(root: Path) -> tuple[dict[str, Any], Any]:
    text = (root / WORKFLOW).read_text()
    doc = load_text(WORKFLOW, text)
    assert not doc.problems
    workflow = build_workflow(doc)
    assert workflow is not None
    return to_data(doc.root), workflow


def _job_running(data: dict[str, Any], command: str) -> str:
    """The one job whose steps run ``command``."""
    found = [job_id for job_id, job in data["jobs"].items()
             if any(command in str(step.get("run", "")) for step in job.get("steps", []))]
    assert len(found) == 1, f"{command!r} runs in {found}"
    return found[0]


def _environment(job: dict[str, Any]) -> str | None:
    env = job.get("environment")
    return env.get("name") if isinstance(env, dict) else env


def test_seed_shaped_node_project_gets_the_seed_pipeline(tmp_path: Path) -> None:
    root = generate(tmp_path, "node-seed")
    data, workflow = _load(root)
    graph = NeedsGraph.of(workflow)
    jobs = data["jobs"]

    lint = _job_running(data, "npm run lint")
    typecheck = _job_running(data, "npm run typecheck")
    build = _job_running(data, "npm run build")
    unit = _job_running(data, "npm run test:unit")
    integration = _job_running(data, "npm run test:integration")
    e2e = _job_running(data, "npm run test:e2e")

    # Commit checks gate the build; the build gates the tests that use it.
    assert {lint, typecheck} <= graph.ancestors(build)
    for test in (unit, integration, e2e):
        assert {lint, typecheck} <= graph.ancestors(test), test
    assert build in graph.ancestors(e2e)

    # Integration tests (only they) get postgres, with a real health check.
    assert "postgres" in jobs[integration].get("services", {})
    assert "pg_isready" in json.dumps(jobs[integration]["services"]["postgres"])
    for other in (unit, e2e, build, lint):
        assert "services" not in jobs[other]
    # e2e installs the browsers first.
    e2e_runs = [str(s.get("run", "")) for s in jobs[e2e]["steps"]]
    assert any("playwright install --with-deps" in r for r in e2e_runs)

    # Deploys: staging from develop, production from main, behind their environments,
    # after every test.
    deploys = {_environment(job): job_id for job_id, job in jobs.items()
               if _environment(job) and "deploy" in job_id}
    assert set(deploys) == {"staging", "production"}
    for env, branch in (("staging", "develop"), ("production", "main")):
        job_id = deploys[env]
        assert {unit, integration, e2e} <= graph.ancestors(job_id)
        condition = str(jobs[job_id].get("if", ""))
        assert f"refs/heads/{branch}" in condition
        assert isinstance(jobs[job_id]["environment"], dict)
        assert jobs[job_id]["environment"]["url"]
        # Migrations are their own job in the same environment, before the deploy.
        migrate = [j for j in graph.ancestors(job_id)
                   if any("npm run db:migrate" in str(s.get("run", ""))
                          for s in jobs[j].get("steps", []))
                   and _environment(jobs[j]) == env]
        assert migrate, f"no migration job before {job_id}"
        # Verification after the deploy, and a rollback when deploy or verify fails.
        after = graph.descendants(job_id)
        verify = [j for j in after if "verify" in j]
        rollback = [j for j in after if "rollback" in j]
        assert verify and rollback, (env, sorted(after))
        assert "failure()" in str(jobs[rollback[0]].get("if", ""))
    # Production only from main: never on pull requests.
    assert "pull_request" in data["on"]
    assert {"main", "develop"} <= set(data["on"]["push"]["branches"])

    # Hardened: every action pinned to a commit, least privilege, timeouts.
    assert data.get("permissions") in ({}, {"contents": "read"})
    for job_id, job in jobs.items():
        assert isinstance(job.get("timeout-minutes"), int), job_id
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses and not uses.startswith("./"):
                ref = uses.rsplit("@", 1)[1]
                assert len(ref) == 40 and int(ref, 16) >= 0, uses
