"""Go modules: ``go.mod`` version and requirements, golangci-lint, build tags, migrations."""

from __future__ import annotations

import re
from pathlib import Path

from actiongen.detect import manifest
from actiongen.detect.files import read_head, walk_files
from actiongen.detect.project import DEFAULT_VERSIONS, Project, project_name

POSTGRES = ("github.com/lib/pq", "github.com/jackc/pgx", "github.com/go-pg/pg",
            "github.com/uptrace/bun/driver/pgdriver", "gorm.io/driver/postgres")
MYSQL = ("github.com/go-sql-driver/mysql", "gorm.io/driver/mysql")
REDIS = ("github.com/redis/go-redis", "github.com/go-redis/redis", "github.com/gomodule/redigo",
         "github.com/redis/rueidis", "github.com/hibiken/asynq")

GOLANGCI_CONFIGS = (".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json")
# golangci-lint is not on the runners; `go run` at a fixed version keeps the build repeatable.
GOLANGCI = {
    "1": "github.com/golangci/golangci-lint/cmd/golangci-lint@v1.64.8",
    "2": "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.1.6",
}
MIGRATION_DIRS = ("migrations", "db/migrations", "sql/migrations", "internal/db/migrations",
                  "database/migrations", "migrate", "db/migrate", "schema/migrations")

_REQUIRE = re.compile(r"^\s*(?:require\s+)?([A-Za-z0-9][\w.\-~/]*\.[\w.\-~/]+)\s+(v[\w.\-+]+)",
                      re.MULTILINE)
_BUILD_TAG = re.compile(r"^//go:build\s+(.+)$", re.MULTILINE)


def detect(root: Path, directory: str = ".") -> Project | None:
    """The Go module in ``directory``, or None without go.mod."""
    rel = "go.mod" if directory in ("", ".") else f"{directory}/go.mod"
    text = manifest.read_text(root, rel)
    if text is None:
        return None
    here = root / directory
    module = re.search(r"^\s*module\s+\"?([^\s\"]+)", text, re.MULTILINE)
    project = Project(
        language="go",
        name=project_name(module.group(1) if module else None, here.resolve().name),
        version=DEFAULT_VERSIONS["go"],
        package_manager="go",
        directory=directory,
        lockfile=f"{rel[:-2]}sum" if (root / f"{rel[:-2]}sum").is_file() else None,
    )
    project.note(f"{rel} -> language go")
    toolchain = re.search(r"^\s*toolchain\s+go(\d+\.\d+)", text, re.MULTILINE)
    go = re.search(r"^\s*go\s+(\d+\.\d+)", text, re.MULTILINE)
    # Like setup-go's go-version-file: the toolchain line wins over the go line.
    for match, what in ((toolchain, "toolchain"), (go, "go")):
        if match:
            project.version = match.group(1)
            project.note(f"{rel} {what} directive -> go {project.version}")
            break
    requires = {m.group(1): m.group(2) for m in _REQUIRE.finditer(text)}
    tools = set(re.findall(r"^\s*tool\s+([^\s()]+)", text, re.MULTILINE))
    tools |= set(re.findall(r"^\s+([\w.\-~/]+/cmd/[\w.\-~]+)\s*$",
                            _block(text, "tool"), re.MULTILINE))
    _lint(root, here, tools, project)
    project.set_command("build", "go build ./...", "go.mod")
    _tests(here, project)
    _services(requires, project)
    _migrations(here, requires, tools, project)
    return project


def _block(text: str, keyword: str) -> str:
    found = re.search(rf"^\s*{keyword}\s*\((.*?)^\s*\)", text, re.MULTILINE | re.DOTALL)
    return found.group(1) if found else ""


def _lint(root: Path, here: Path, tools: set[str], project: Project) -> None:
    config = next((n for n in GOLANGCI_CONFIGS if (here / n).is_file() or (root / n).is_file()),
                  None)
    if any(t.endswith("/golangci-lint") for t in tools):
        project.set_command("lint", "go tool golangci-lint run", "go.mod tool golangci-lint")
    elif config:
        text = manifest.read_text(here, config) or manifest.read_text(root, config) or ""
        v2 = re.search(r"""^\s*"?version"?\s*[:=]\s*["']?2""", text, re.MULTILINE)
        major = "2" if v2 else "1"
        project.set_command("lint", f"go run {GOLANGCI[major]} run", config)
    else:
        project.set_command("lint", "go vet ./...", "go.mod")


def _tests(here: Path, project: Project) -> None:
    tags: set[str] = set()
    has_tests = False
    for path in walk_files(here, ("_test.go",), limit=3000):
        has_tests = True
        found = _BUILD_TAG.search(read_head(path))
        if found:
            tags.update(re.findall(r"[A-Za-z_][\w.]*", found.group(1)))
    if not has_tests:
        project.note("no *_test.go files -> no test command")
        return
    project.set_command("unit", "go test -race ./...", "*_test.go")
    for tag, stage in (("integration", "integration"), ("e2e", "e2e")):
        if tag in tags:
            project.set_command(stage, f"go test -race -tags={tag} ./...", f"//go:build {tag}")


def _services(requires: dict[str, str], project: Project) -> None:
    if any(m.startswith("github.com/testcontainers/testcontainers-go") for m in requires):
        project.self_contained_tests = True
    for prefixes, service in ((POSTGRES, "postgres"), (MYSQL, "mysql"), (REDIS, "redis")):
        found = sorted(m for m in requires if m.startswith(prefixes))
        if found:
            project.add_service(service, f"{found[0]} requirement")


def _migrations(here: Path, requires: dict[str, str], tools: set[str], project: Project) -> None:
    directory = next((d for d in MIGRATION_DIRS if (here / d).is_dir()), "migrations")
    dialect = "mysql" if "mysql" in project.services and "postgres" not in project.services \
        else "postgres"
    goose = next((m for m in requires if m.startswith("github.com/pressly/goose")), None)
    if goose:
        cmd = f"{goose}/cmd/goose"
        runner = "go tool goose" if cmd in tools else f"go run {cmd}@{requires[goose]}"
        project.set_command(
            "migrate", f'{runner} -dir {directory} {dialect} "$DATABASE_URL" up', goose)
    migrate = next((m for m in requires if m.startswith("github.com/golang-migrate/migrate")), None)
    if migrate:
        cmd = f"{migrate}/cmd/migrate"
        runner = "go tool migrate" if cmd in tools else \
            f"go run -tags {dialect} {cmd}@{requires[migrate]}"
        project.set_command(
            "migrate", f'{runner} -path {directory} -database "$DATABASE_URL" up', migrate)
