"""Project detection: the sample projects, and small repositories built in each test."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from actiongen.detect import detect
from actiongen.detect.manifest import ManifestError
from actiongen.detect.plan import from_detection
from actiongen.detect.project import Project
from actiongen.detect.versions import exact_node, exact_python, pick

PROJECTS = Path(__file__).resolve().parent / "projects"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def project_of(root: Path) -> Project:
    found = detect(root).project
    assert found is not None, f"nothing detected in {root}"
    return found


# --------------------------------------------------------------------------- sample projects

# What each sample under tests/projects must be detected as. "commands" lists the stages
# that must have a command; "absent" the ones that must not.
SAMPLES = {
    "node-seed": dict(language="node", pm="npm", version="20", services={"postgres"},
                      commands={"lint": "npm run lint", "typecheck": "npm run typecheck",
                                "build": "npm run build", "unit": "npm run test:unit",
                                "integration": "npm run test:integration",
                                "e2e": "npm run test:e2e", "migrate": "npm run db:migrate"}),
    "node-pnpm": dict(language="node", pm="pnpm", version="24", services={"redis"},
                      commands={"build": "pnpm run build", "unit": "pnpm run test",
                                "typecheck": "pnpm exec tsc --noEmit",
                                "lint": "pnpm exec eslint ."},
                      absent={"integration", "e2e", "migrate"}),
    "node-yarn": dict(language="node", pm="yarn", version="22", services={"mysql"},
                      commands={"lint": "yarn run lint", "unit": "yarn run test",
                                "integration": "yarn run test:integration",
                                "migrate": "yarn run migrate"}),
    # With bun the version is bun's (none stated: latest).
    "node-bun": dict(language="node", pm="bun", version="latest", services={"postgres"},
                     commands={"typecheck": "bun run typecheck", "unit": "bun run test",
                               "lint": "bunx biome ci .",
                               "migrate": "bunx prisma migrate deploy"}),
    "python-pip": dict(language="python", pm="pip", version="3.12", services={"postgres"},
                       commands={"lint": "flake8", "unit": "python -m pytest",
                                 "migrate": "python manage.py migrate --no-input"}),
    "python-poetry": dict(language="python", pm="poetry", version="3.13", services={"redis"},
                          commands={"typecheck": "poetry run mypy", "build": "poetry build",
                                    "unit": "poetry run pytest",
                                    "lint": "poetry run black --check ."}),
    "python-uv": dict(language="python", pm="uv", version="3.13", services={"postgres"},
                      commands={"lint": "uv run ruff check .", "typecheck": "uv run mypy src",
                                "unit": "uv run pytest tests/unit",
                                "integration": "uv run pytest tests/integration",
                                "migrate": "uv run alembic upgrade head"}),
    "go-service": dict(language="go", pm="go", version="1.23", services={"postgres", "redis"},
                       commands={"build": "go build ./...", "unit": "go test -race ./...",
                                 "integration": "go test -race -tags=integration ./..."}),
    "rust-api": dict(language="rust", pm="cargo", version="1.82.0", services={"postgres"},
                     commands={"build": "cargo build --locked", "unit": "cargo test --locked"}),
    "java-maven": dict(language="java", pm="maven", version="17", services={"postgres"},
                       commands={"unit": "./mvnw -B --no-transfer-progress test",
                                 "integration": "./mvnw -B --no-transfer-progress verify",
                                 "migrate": "./mvnw -B --no-transfer-progress flyway:migrate"}),
    "java-gradle": dict(language="java", pm="gradle", version="21",
                        services={"mysql", "redis"},
                        commands={"lint": "./gradlew spotlessCheck", "unit": "./gradlew test",
                                  "build": "./gradlew assemble"}),
    "ruby-rails": dict(language="ruby", pm="bundler", version="3.3.5",
                       services={"postgres", "redis"},
                       commands={"lint": "bundle exec rubocop",
                                 "e2e": "bundle exec rspec spec/system",
                                 "migrate": "bin/rails db:migrate"}),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_projects(name: str) -> None:
    expected = SAMPLES[name]
    project = project_of(PROJECTS / name)
    assert project.language == expected["language"]
    assert project.package_manager == expected["pm"]
    assert project.version == expected["version"]
    assert set(project.services) == expected["services"]
    for stage, command in expected["commands"].items():  # type: ignore[union-attr]
        assert project.commands.get(stage) == command, stage
    for stage in expected.get("absent", ()):  # type: ignore[union-attr]
        assert stage not in project.commands
    # Every fact comes with the reason init decided it.
    assert project.evidence


def test_seed_project_gets_playwright_browsers_and_next_output() -> None:
    project = project_of(PROJECTS / "node-seed")
    assert project.e2e_setup == "npx playwright install --with-deps"
    assert project.build_output == ".next/"


def test_go_migrations_pin_the_tool_version_from_go_mod() -> None:
    project = project_of(PROJECTS / "go-service")
    assert project.commands["migrate"] == (
        'go run github.com/pressly/goose/v3/cmd/goose@v3.22.1 -dir db/migrations postgres '
        '"$DATABASE_URL" up')
    assert project.commands["lint"].startswith("go run github.com/golangci/golangci-lint/v2/")
    assert project.dockerfile == "Dockerfile"


def test_compose_file_sets_the_service_version() -> None:
    # python-uv's compose.yaml runs postgres:16-alpine.
    assert project_of(PROJECTS / "python-uv").services == {"postgres": "16"}


# --------------------------------------------------------------------------- node


@pytest.mark.parametrize(("lockfile", "manager"), [
    ("package-lock.json", "npm"), ("npm-shrinkwrap.json", "npm"), ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"), ("bun.lockb", "bun"), ("bun.lock", "bun"),
])
def test_node_lockfile_decides_the_package_manager(tmp_path: Path, lockfile: str,
                                                   manager: str) -> None:
    write(tmp_path, {"package.json": '{"name": "x"}', lockfile: ""})
    project = project_of(tmp_path)
    assert (project.package_manager, project.lockfile) == (manager, lockfile)


def test_bun_version_is_bun_s_own(tmp_path: Path) -> None:
    write(tmp_path / "a", {"package.json": '{"packageManager": "bun@1.1.30"}', ".nvmrc": "20"})
    write(tmp_path / "b", {"package.json": "{}", "bun.lock": "", ".bun-version": "1.2.2\n"})
    assert project_of(tmp_path / "a").version == "1.1.30"
    assert project_of(tmp_path / "b").version == "1.2.2"


def test_package_manager_field_wins_over_lockfile(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"packageManager": "pnpm@9.1.0+sha512.abc"}',
                     "package-lock.json": "{}"})
    assert project_of(tmp_path).package_manager == "pnpm"


def test_node_without_lockfile_installs_without_freezing(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"scripts": {"test": "node --test"}}'})
    detection = detect(tmp_path)
    assert detection.project is not None and detection.project.lockfile is None
    plan = from_detection(detection)
    assert plan.descriptor()["commands"]["install"] == "npm install"
    # setup-node's cache fails the job without a lockfile: init turns it off.
    assert plan.descriptor()["cache"] is False


@pytest.mark.parametrize(("files", "cache"), [
    ({"package.json": '{"name": "x"}', "package-lock.json": "{}"}, True),
    ({"web/package.json": '{"scripts": {"test": "vitest"}}', "web/package-lock.json": "{}"},
     False),  # the lockfile is not at the root, where the setup action's cache looks
    ({"pyproject.toml": '[tool.poetry]\nname = "x"\n'}, False),
    ({"pyproject.toml": '[tool.poetry]\nname = "x"\n', "poetry.lock": ""}, True),
    ({"requirements.txt": "pytest\n"}, True),  # pip's cache keys on requirements/pyproject
])
def test_dependency_cache_only_where_a_root_lockfile_keys_it(
    tmp_path: Path, files: dict[str, str], cache: bool
) -> None:
    write(tmp_path, files)
    data = from_detection(detect(tmp_path)).descriptor()
    assert data.get("cache", True) is cache


@pytest.mark.parametrize(("files", "version"), [
    ({".nvmrc": "v18.19.0\n"}, "18.19.0"),
    ({".nvmrc": "lts/iron\n"}, "20"),
    ({".node-version": "22\n"}, "22"),
    ({".tool-versions": "python 3.12.1\nnodejs 20.11.0\n"}, "20.11.0"),
    ({}, "24"),
])
def test_node_version_files(tmp_path: Path, files: dict[str, str], version: str) -> None:
    write(tmp_path, {"package.json": "{}", **files})
    assert project_of(tmp_path).version == version


@pytest.mark.parametrize(("engines", "version"), [
    (">=18", "24"), ("^20.11.0", "20"), ("18.x", "18"), ("^18 || ^20", "20"),
    (">=16 <21", "20"), ("20 - 22", "22"),
])
def test_node_engines_range(tmp_path: Path, engines: str, version: str) -> None:
    write(tmp_path, {"package.json": json.dumps({"engines": {"node": engines}})})
    assert project_of(tmp_path).version == version


def test_npm_placeholder_test_script_and_watchers_are_not_tests(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": json.dumps({"scripts": {
        "test": 'echo "Error: no test specified" && exit 1',
        "test:e2e": "cypress open --watch",
        "build": "vite build",
    }})})
    project = project_of(tmp_path)
    assert "unit" not in project.commands
    assert "e2e" not in project.commands
    assert project.commands["build"] == "npm run build"


def test_tools_without_scripts_still_run(tmp_path: Path) -> None:
    # No scripts at all: the dependencies say which tools the project uses.
    write(tmp_path, {
        "package.json": json.dumps({"devDependencies": {
            "typescript": "5", "eslint": "9", "vitest": "2", "@playwright/test": "1"}}),
        "tsconfig.json": "{}",
        "yarn.lock": "",
    })
    project = project_of(tmp_path)
    assert project.commands == {
        "typecheck": "yarn tsc --noEmit", "lint": "yarn eslint .", "unit": "yarn vitest run",
        "e2e": "yarn playwright test",
    }
    assert project.e2e_setup == "yarn playwright install --with-deps"


def test_prisma_migrate_dev_script_is_replaced_by_deploy(tmp_path: Path) -> None:
    write(tmp_path, {
        "package.json": json.dumps({"scripts": {"db:migrate": "prisma migrate dev"},
                                    "dependencies": {"@prisma/client": "5"},
                                    "devDependencies": {"prisma": "5"}}),
        "prisma/schema.prisma": 'datasource db {\n  provider = "mysql"\n}\n',
        "package-lock.json": "{}",
    })
    project = project_of(tmp_path)
    assert project.commands["migrate"] == "npx prisma migrate deploy"
    assert set(project.services) == {"mysql"}


def test_workspace_scripts_run_in_every_package(tmp_path: Path) -> None:
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": ["packages/*"],
                                    "scripts": {"lint": "eslint ."}}),
        "package-lock.json": "{}",
        "packages/api/package.json": json.dumps({"scripts": {"test": "jest"},
                                                 "dependencies": {"pg": "8"}}),
        "packages/web/package.json": json.dumps({"scripts": {"build": "vite build"}}),
    })
    project = project_of(tmp_path)
    assert project.commands["lint"] == "npm run lint"
    assert project.commands["unit"] == "npm run test --workspaces --if-present"
    assert project.commands["build"] == "npm run build --workspaces --if-present"
    assert set(project.services) == {"postgres"}


def test_pnpm_workspace_file(tmp_path: Path) -> None:
    write(tmp_path, {
        "package.json": "{}",
        "pnpm-lock.yaml": "",
        "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n",
        "apps/site/package.json": json.dumps({"scripts": {"test": "vitest run"}}),
    })
    assert project_of(tmp_path).commands["unit"] == "pnpm -r --if-present run test"


def test_testcontainers_means_no_service_containers(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": json.dumps({
        "scripts": {"test:integration": "vitest run it"},
        "dependencies": {"pg": "8"}, "devDependencies": {"testcontainers": "10"}})})
    detection = detect(tmp_path)
    assert detection.project is not None and detection.project.self_contained_tests
    assert "services" not in from_detection(detection).descriptor()


# --------------------------------------------------------------------------- python


def test_pyproject_only_tool_config_is_not_a_project(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.black]\nline-length = 100\n",
                     "package.json": '{"scripts": {"test": "jest"}}'})
    assert project_of(tmp_path).language == "node"


def test_poetry_without_lockfile_and_uv_without_lockfile(tmp_path: Path) -> None:
    write(tmp_path / "a", {"pyproject.toml": '[tool.poetry]\nname = "a"\n'})
    write(tmp_path / "b", {"pyproject.toml": '[project]\nname = "b"\n[tool.uv]\npackage = true\n'})
    assert project_of(tmp_path / "a").package_manager == "poetry"
    assert project_of(tmp_path / "b").package_manager == "uv"


@pytest.mark.parametrize(("requires", "version"), [
    (">=3.9", "3.13"), (">=3.8,<3.11", "3.10"), ("==3.11.*", "3.11"), ("~=3.12.1", "3.12"),
    (">=3.14", "3.14"),
])
def test_requires_python(tmp_path: Path, requires: str, version: str) -> None:
    write(tmp_path, {"pyproject.toml": f'[project]\nname = "x"\nrequires-python = "{requires}"\n'})
    assert project_of(tmp_path).version == version


def test_python_dependencies_from_every_table(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": """
[project]
name = "svc"
dependencies = ["celery[redis]>=5", "SQLAlchemy[postgresql-asyncpg]"]
[project.optional-dependencies]
mysql = ["PyMySQL"]
[dependency-groups]
dev = ["pytest", {include-group = "lint"}]
lint = ["Ruff"]
[tool.pytest.ini_options]
markers = ["integration: needs the database"]
""", "uv.lock": ""})
    project = project_of(tmp_path)
    assert set(project.services) == {"redis", "postgres", "mysql"}
    assert project.commands["lint"] == "uv run ruff check ."
    assert project.commands["unit"] == 'uv run pytest -m "not integration"'
    assert project.commands["integration"] == "uv run pytest -m integration"


def test_pip_install_names_the_dev_requirements(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask\nredis\n", "requirements-dev.txt": "pytest\n",
                     "tests/test_app.py": ""})
    detection = detect(tmp_path)
    plan = from_detection(detection)
    assert plan.descriptor()["commands"]["install"] == (
        "python -m pip install -r requirements.txt -r requirements-dev.txt")
    assert plan.commands["unit"] == "python -m pytest"


def test_ruff_configured_but_not_installed_runs_standalone(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n[tool.ruff]\nline-length = 99\n'})
    assert project_of(tmp_path).commands["lint"] == "pipx run ruff check ."


# --------------------------------------------------------------------------- other languages


def test_go_toolchain_line_and_no_tests(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": "module example.com/tool\n\ngo 1.22\n\ntoolchain go1.23.4\n"})
    project = project_of(tmp_path)
    assert project.version == "1.23"
    assert project.commands == {"lint": "go vet ./...", "build": "go build ./..."}


def test_rust_workspace_reads_member_crates(tmp_path: Path) -> None:
    write(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
        "crates/db/Cargo.toml": '[package]\nname = "db"\n[dependencies]\n'
                                'diesel = { version = "2", features = ["mysql"] }\n',
        "crates/db/diesel.toml": "",
    })
    project = project_of(tmp_path)
    assert set(project.services) == {"mysql"}
    assert project.commands["unit"] == "cargo test --workspace"
    assert project.lockfile is None


def test_maven_multi_module_and_release_property(tmp_path: Path) -> None:
    write(tmp_path, {
        "pom.xml": "<project><artifactId>shop</artifactId><properties>"
                   "<maven.compiler.release>21</maven.compiler.release></properties>"
                   "<modules><module>core</module></modules></project>",
        "core/pom.xml": "<project><dependencies><dependency><groupId>redis.clients</groupId>"
                        "<artifactId>jedis</artifactId></dependency></dependencies></project>",
    })
    project = project_of(tmp_path)
    assert (project.name, project.version, project.package_manager) == ("shop", "21", "maven")
    assert project.commands["build"].startswith("mvn -B")
    assert set(project.services) == {"redis"}


def test_gradle_groovy_compatibility(tmp_path: Path) -> None:
    write(tmp_path, {"build.gradle": "plugins { id 'java' }\nsourceCompatibility = '17'\n"
                                     "dependencies {\n"
                                     "  runtimeOnly 'org.postgresql:postgresql:42.7.4'\n}\n"
                                     "tasks.register('integrationTest', Test)\n"})
    project = project_of(tmp_path)
    assert (project.version, project.package_manager) == ("17", "gradle")
    assert project.commands["integration"] == "gradle integrationTest"
    assert set(project.services) == {"postgres"}


def test_rails_with_minitest(tmp_path: Path) -> None:
    write(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "mysql2"\n',
        "config/application.rb": "module BookShelf\nend\n",
        "test/system/.keep": "", "db/migrate/.keep": "",
    })
    project = project_of(tmp_path)
    assert project.name == "book-shelf"
    assert project.commands == {"unit": "bundle exec rails test",
                                "e2e": "bundle exec rails test:system",
                                "migrate": "bundle exec rails db:migrate"}
    assert set(project.services) == {"mysql"}
    # Rails tests reach the database in the unit and system jobs.
    assert from_detection(detect(tmp_path)).service_stages == ["unit", "e2e"]


# --------------------------------------------------------------------------- layouts


def test_app_manifest_wins_over_tooling_package_json(tmp_path: Path) -> None:
    # A Rails app bundles assets with package.json; a Go service runs commit hooks with it.
    write(tmp_path / "rails", {"Gemfile": 'gem "rails"\ngem "rspec-rails"\n', "spec/x.rb": "",
                               "package.json": '{"scripts": {"build": "esbuild app.js"}}'})
    write(tmp_path / "go", {"go.mod": "module x\n\ngo 1.22\n",
                            "package.json": '{"devDependencies": {"husky": "9"}}'})
    assert project_of(tmp_path / "rails").language == "ruby"
    detection = detect(tmp_path / "go")
    assert detection.project is not None and detection.project.language == "go"
    assert [p.language for p in detection.alternatives] == ["node"]


def test_monorepo_without_root_manifest(tmp_path: Path) -> None:
    write(tmp_path, {
        "README.md": "",
        "frontend/package.json": '{"scripts": {"build": "vite build"}}',
        "backend/pyproject.toml": '[project]\nname = "api"\ndependencies = ["psycopg", "pytest"]\n',
        "backend/uv.lock": "",
        "backend/tests/test_api.py": "",
    })
    detection = detect(tmp_path)
    project = detection.project
    assert project is not None
    assert (project.language, project.directory) == ("python", "backend")
    data = from_detection(detection).descriptor()
    # Commands run in the project's folder.
    assert data["commands"]["unit"] == "cd backend && uv run pytest"
    assert data["commands"]["install"] == "cd backend && uv sync --locked"


def test_member_lockfile_lives_at_the_workspace_root(tmp_path: Path) -> None:
    write(tmp_path, {"apps/web/package.json": "{}", "pnpm-lock.yaml": ""})
    project = project_of(tmp_path)
    assert (project.directory, project.package_manager, project.lockfile) == (
        "apps/web", "pnpm", "pnpm-lock.yaml")


def test_nothing_to_detect(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "# hello\n"})
    assert detect(tmp_path).project is None


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": "module x\n\ngo 1.22\n", "pkg/a_test.go": "package pkg\n"})
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")
    assert project_of(tmp_path).commands["unit"] == "go test -race ./..."


def test_git_remote_and_branches(tmp_path: Path) -> None:
    write(tmp_path, {
        "go.mod": "module x\n\ngo 1.22\n", "Dockerfile": "FROM scratch\n",
        ".git/HEAD": "ref: refs/heads/master\n",
        ".git/config": '[remote "origin"]\n\turl = git@github.com:Acme/Billing.git\n',
        ".git/refs/heads/dev": "0" * 40 + "\n",
    })
    detection = detect(tmp_path)
    assert detection.slug == ("Acme", "Billing")
    plan = from_detection(detection)
    assert plan.image == "ghcr.io/acme/billing"
    assert [(e.name, e.branches) for e in plan.environments] == [
        ("staging", ["dev"]), ("production", ["master"])]


# --------------------------------------------------------------------------- broken manifests


@pytest.mark.parametrize(("files", "message"), [
    ({"package.json": '{\n  "name": "x",\n}\n'},
     "package.json:3:1: invalid JSON: Expecting property name enclosed in double quotes"),
    ({"package.json": "[1, 2]"}, "package.json:1:1: expected a JSON object, found an array"),
    ({"pyproject.toml": '[project]\nname = "x"\nversion = \n'},
     "pyproject.toml:3:11: invalid TOML: Invalid value"),
    ({"Cargo.toml": "[package]\nname = 'x'\n[package]\n"},
     "Cargo.toml:3:9: invalid TOML: Cannot declare ('package',) twice"),
    ({"pom.xml": "<project>\n  <artifactId>x</artifactId>\n</projec>\n"},
     "pom.xml:3:3: invalid XML: mismatched tag"),
])
def test_broken_manifest_is_one_line_error(tmp_path: Path, files: dict[str, str],
                                           message: str) -> None:
    write(tmp_path, files)
    with pytest.raises(ManifestError) as caught:
        detect(tmp_path)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_non_utf8_manifest(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_bytes(b'{\n  "name": "caf\xe9"\n}\n')
    with pytest.raises(ManifestError, match=r"^package\.json:2:15: not UTF-8 text \(byte 0xe9\)$"):
        detect(tmp_path)


def test_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_bytes(b'\xef\xbb\xbf{"name": "bom"}')
    assert project_of(tmp_path).name == "bom"


def test_deeply_nested_json_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ManifestError, match=r"^package\.json: invalid JSON: nested too deeply$"):
        detect(tmp_path)


# --------------------------------------------------------------------------- versions


@pytest.mark.parametrize(("spec", "default", "precision", "expected"), [
    (">=18", "24", 1, "24"),
    ("<=20", "24", 1, "20"),
    ("^3.10", "3.13", 2, "3.13"),
    ("~3.10", "3.13", 2, "3.10"),
    (">=3.8,<3.11", "3.13", 2, "3.10"),
    ("3.11", "3.13", 2, "3.11"),
    ("*", "3.13", 2, "3.13"),
    ("no version here", "3.13", 2, None),
])
def test_pick(spec: str, default: str, precision: int, expected: str | None) -> None:
    assert pick(spec, default, precision) == expected


def test_exact_version_files() -> None:
    assert exact_node("lts/*\n", "24") == "24"
    assert exact_node("node", "24") == "24"
    assert exact_python("# pinned\n3.12.4\n") == "3.12.4"
    assert exact_python("pypy3.10-7.3.12\n") is None


# --------------------------------------------------------------------------- more layouts


def test_setup_py_and_pipfile_projects(tmp_path: Path) -> None:
    write(tmp_path / "setup", {"setup.py": 'from setuptools import setup\nsetup(name="legacy")\n'})
    assert project_of(tmp_path / "setup").name == "legacy"
    write(tmp_path / "pipenv", {
        "Pipfile": '[packages]\nflask = "*"\nredis = "*"\n[dev-packages]\npytest = "*"\n',
        "Pipfile.lock": "{}", "tests/test_app.py": "",
    })
    project = project_of(tmp_path / "pipenv")
    assert project.install == (
        "python -m pip install pipenv && pipenv install --dev --system --deploy")
    assert project.commands["unit"] == "python -m pytest"
    assert set(project.services) == {"redis"}


def test_tooling_manifest_at_root_and_the_app_in_a_folder(tmp_path: Path) -> None:
    # The root package.json only runs commit hooks; the service lives in services/api.
    write(tmp_path, {
        "package.json": '{"devDependencies": {"husky": "9"}}',
        "services/api/go.mod": "module example.com/api\n\ngo 1.23\n",
        "services/api/main_test.go": "package main\n",
        # Examples and fixtures are not the project, even when broken.
        "examples/demo/Cargo.toml": "[package\n",
        "tests/fixtures/package.json": "{",
    })
    detection = detect(tmp_path)
    assert detection.project is not None
    assert (detection.project.language, detection.project.directory) == ("go", "services/api")
    data = from_detection(detection).descriptor()
    assert data["commands"]["unit"] == "cd services/api && go test -race ./..."


def test_broken_manifest_in_a_folder_does_not_stop_detection(tmp_path: Path) -> None:
    write(tmp_path, {"web/package.json": "{", "api/pyproject.toml": '[project]\nname = "api"\n'})
    assert project_of(tmp_path).directory == "api"
    # ...unless it is the only candidate: then its error is the answer.
    write(tmp_path / "only", {"web/package.json": "{"})
    with pytest.raises(ManifestError, match=r"^web/package\.json:1:2: invalid JSON"):
        detect(tmp_path / "only")


def test_platform_files_choose_a_deploy_preset(tmp_path: Path) -> None:
    write(tmp_path / "fly", {"package.json": '{"scripts": {"test": "jest"}}',
                             "fly.toml": 'app = "shop-api"\n'})
    plan = from_detection(detect(tmp_path / "fly"))
    assert [(e.name, e.preset, e.options, e.url) for e in plan.environments] == [
        ("staging", "fly", {"app": "shop-api-staging"}, "https://shop-api-staging.fly.dev"),
        ("production", "fly", {"app": "shop-api"}, "https://shop-api.fly.dev")]
    # Kubernetes rolls out an image or applies manifests: a helm chart alone is neither.
    write(tmp_path / "helm", {"go.mod": "module x\n\ngo 1.22\n", "helm/Chart.yaml": ""})
    plan = from_detection(detect(tmp_path / "helm"))
    assert {e.preset for e in plan.environments} == {None}
    (tmp_path / "helm" / "Dockerfile").write_text("FROM scratch\n")
    plan = from_detection(detect(tmp_path / "helm"))
    assert {e.preset for e in plan.environments} == {"kubernetes"}
    write(tmp_path / "k8s", {"go.mod": "module x\n\ngo 1.22\n", "k8s/deploy.yaml": ""})
    plan = from_detection(detect(tmp_path / "k8s"))
    assert [(e.preset, e.options) for e in plan.environments] == [
        ("kubernetes", {"manifests": "k8s"})] * 2


def test_libraries_publish_on_tags(tmp_path: Path) -> None:
    write(tmp_path / "npm", {"package.json": json.dumps({
        "name": "@acme/util", "main": "dist/index.js",
        "scripts": {"build": "tsc", "test": "vitest run"}}), "package-lock.json": "{}"})
    plan = from_detection(detect(tmp_path / "npm"))
    assert [(e.name, e.preset) for e in plan.environments] == [("npm", "npm")]
    # A private package, or an app framework, is not published.
    write(tmp_path / "app", {"package.json": json.dumps({
        "name": "site", "private": True, "main": "index.js", "scripts": {"build": "next build"},
        "dependencies": {"next": "15"}})})
    plan = from_detection(detect(tmp_path / "app"))
    assert [e.name for e in plan.environments] == ["staging", "production"]


def test_deploy_scripts_become_deploy_commands(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": json.dumps({"scripts": {
        "deploy:staging": "sst deploy --stage staging", "deploy": "sst deploy",
        "rollback": "sst rollback"}})})
    plan = from_detection(detect(tmp_path))
    staging, production = plan.environments
    assert staging.run == "npm run deploy:staging"
    assert production.run == "npm run deploy -- production"
    assert production.rollback == "npm run rollback"
    assert not [p for p in plan.placeholders if p.endswith((".run", ".rollback.run"))]
