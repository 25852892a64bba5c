"""Node projects: ``package.json`` scripts, lockfile, engines, drivers and migration tools."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from actiongen.detect import manifest
from actiongen.detect.files import glob_dirs
from actiongen.detect.manifest import as_str as _str
from actiongen.detect.manifest import join as _join
from actiongen.detect.project import DEFAULT_VERSIONS, Project, project_name
from actiongen.detect.versions import exact_node, pick

#: Lockfile -> package manager, in the order a repository with several is resolved.
LOCKFILES = (
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
)

#: Script names per stage, most specific first.
SCRIPTS: dict[str, tuple[str, ...]] = {
    "lint": ("lint", "lint:ci", "lint:check", "check:lint", "eslint", "biome:check"),
    "typecheck": ("typecheck", "type-check", "typecheck:ci", "check-types", "check:types",
                  "types:check", "type:check", "lint:types", "tsc"),
    "build": ("build", "build:prod", "build:production", "compile"),
    "unit": ("test:unit", "unit", "test:unit:ci", "test:ci", "test"),
    "integration": ("test:integration", "test:int", "integration", "test:integration:ci",
                    "test:api"),
    "e2e": ("test:e2e", "e2e", "test:e2e:ci", "e2e:ci", "test:playwright", "playwright:test",
            "test:cypress", "cypress:run"),
    "migrate": ("db:migrate", "migrate", "migrate:deploy", "db:migrate:deploy", "migrate:up",
                "prisma:migrate", "migration:run", "db:deploy"),
}

# npm writes this placeholder into every new package.json.
_PLACEHOLDER_TEST = re.compile(r"no test specified", re.IGNORECASE)
# A script that starts a watcher or a dev server never finishes in CI.
_NEVER_ENDS = re.compile(r"(--watch\b|\bnodemon\b|\b(next|vite|nuxt|astro|remix)\s+dev\b)")
_DEV_MIGRATION = re.compile(r"prisma\s+migrate\s+dev|prisma\s+db\s+push")

POSTGRES = ("pg", "pg-promise", "postgres", "slonik", "@databases/pg", "pg-pool")
MYSQL = ("mysql", "mysql2", "@databases/mysql", "mariadb")
REDIS = ("redis", "ioredis", "@redis/client", "bullmq", "bull", "bee-queue", "connect-redis")


def detect(root: Path, directory: str = ".") -> Project | None:
    """The Node project in ``directory`` (relative to ``root``), or None without package.json."""
    rel = _join(directory, "package.json")
    package = manifest.read_json(root, rel)
    if package is None:
        return None
    here = root / directory
    project = Project(
        language="node",
        name=project_name(_str(package.get("name")), (root / directory).resolve().name),
        version=DEFAULT_VERSIONS["node"],
        package_manager="npm",
        directory=directory,
    )
    project.note(f"{rel} -> language node")
    _package_manager(root, directory, package, project)
    if project.package_manager == "bun":
        # With bun the descriptor's version is bun's own: bun is the runtime.
        _bun_version(root, directory, package, project)
    else:
        _version(root, directory, package, project)
    workspaces = _workspaces(root, directory, package)
    deps = _dependencies(package)
    for member in workspaces:
        deps |= _dependencies(member)
    yarn_berry = _yarn_berry(root, package, project)
    _commands(here, package, workspaces, deps, project, yarn_berry)
    if project.package_manager == "yarn" and not yarn_berry:
        # Yarn 1 has no --immutable; its frozen install is --frozen-lockfile.
        project.install = "yarn install --frozen-lockfile" if project.lockfile else None
    _services(root, directory, deps, project)
    _build_output(deps, project)
    return project


def run_script(pm: str, script: str) -> str:
    """How ``pm`` runs a package.json script."""
    return f"npm run {script}" if pm == "npm" else f"{pm} run {script}"


def exec_bin(pm: str) -> str:
    """How ``pm`` runs a binary from node_modules/.bin."""
    return {"npm": "npx", "pnpm": "pnpm exec", "yarn": "yarn", "bun": "bunx"}[pm]


def run_everywhere(pm: str, script: str, yarn_berry: bool) -> str:
    """Run a script in every workspace package that defines it."""
    if pm == "pnpm":
        return f"pnpm -r --if-present run {script}"
    if pm == "yarn":
        return (f"yarn workspaces foreach --all run {script}" if yarn_berry
                else f"yarn workspaces run {script}")
    if pm == "bun":
        return f"bun run --filter '*' {script}"
    return f"npm run {script} --workspaces --if-present"


def _package_manager(root: Path, directory: str, package: dict[str, Any],
                     project: Project) -> None:
    declared = _str(package.get("packageManager"))
    if declared:
        name = declared.split("@", 1)[0].strip()
        if name in ("npm", "pnpm", "yarn", "bun"):
            project.package_manager = name
            project.note(f"package.json packageManager {declared!r} -> package manager {name}")
    # A workspace member's lockfile lives at the workspace root: look upwards.
    for candidate in _upwards(directory):
        for lockfile, pm in LOCKFILES:
            rel = _join(candidate, lockfile)
            if (root / rel).is_file():
                project.lockfile = rel
                if not declared:
                    project.package_manager = pm
                    project.note(f"{rel} -> package manager {pm}")
                return
    if not declared:
        project.note("no lockfile -> package manager npm (commit one for repeatable installs)")


def _upwards(directory: str) -> list[str]:
    parts = [] if directory in ("", ".") else directory.split("/")
    return ["/".join(parts[:i]) or "." for i in range(len(parts), -1, -1)]


def _bun_version(root: Path, directory: str, package: dict[str, Any], project: Project) -> None:
    project.version = "latest"
    declared = _str(package.get("packageManager")) or ""
    match = re.fullmatch(r"bun@(\d+\.\d+\.\d+)(?:\+.*)?", declared.strip())
    if match:
        project.version = match.group(1)
        project.note(f"package.json packageManager -> bun {project.version}")
        return
    for candidate in _upwards(directory):
        rel = _join(candidate, ".bun-version")
        text = (manifest.read_text(root, rel) or "").strip()
        if re.fullmatch(r"v?\d+(\.\d+){0,2}", text):
            project.version = text.lstrip("v")
            project.note(f"{rel} -> bun {project.version}")
            return
    engines = package.get("engines")
    spec = engines.get("bun") if isinstance(engines, dict) else None
    if isinstance(spec, str):
        match = re.search(r"(\d+\.\d+(?:\.\d+)?)", spec)
        if match:
            project.version = match.group(1)
            project.note(f"package.json engines.bun {spec!r} -> bun {project.version}")


def _version(root: Path, directory: str, package: dict[str, Any], project: Project) -> None:
    default = DEFAULT_VERSIONS["node"]
    for candidate in _upwards(directory):
        for name in (".nvmrc", ".node-version"):
            rel = _join(candidate, name)
            text = manifest.read_text(root, rel)
            if text is not None:
                found = exact_node(text, default)
                if found:
                    project.version = found
                    project.note(f"{rel} -> node {found}")
                    return
        rel = _join(candidate, ".tool-versions")
        text = manifest.read_text(root, rel)
        if text:
            match = re.search(r"^\s*(?:nodejs|node)\s+v?(\d+(?:\.\d+)*)", text, re.MULTILINE)
            if match:
                project.version = match.group(1)
                project.note(f"{rel} -> node {project.version}")
                return
    volta = package.get("volta")
    if isinstance(volta, dict) and isinstance(volta.get("node"), str):
        found = exact_node(volta["node"], default)
        if found:
            project.version = found
            project.note(f"package.json volta.node -> node {found}")
            return
    engines = package.get("engines")
    if isinstance(engines, dict) and isinstance(engines.get("node"), str):
        found = pick(engines["node"], default, 1)
        if found:
            project.version = found
            project.note(f"package.json engines.node {engines['node']!r} -> node {found}")


def _workspaces(root: Path, directory: str, package: dict[str, Any]) -> list[dict[str, Any]]:
    """The package.json data of every workspace member (npm/yarn/bun workspaces, pnpm)."""
    patterns: list[str] = []
    declared = package.get("workspaces")
    if isinstance(declared, dict):
        declared = declared.get("packages")
    if isinstance(declared, list):
        patterns += [p for p in declared if isinstance(p, str)]
    pnpm = manifest.read_yaml(root, _join(directory, "pnpm-workspace.yaml"))
    if isinstance(pnpm, dict) and isinstance(pnpm.get("packages"), list):
        patterns += [p for p in pnpm["packages"] if isinstance(p, str)]
    members: list[dict[str, Any]] = []
    here = root / directory
    for pattern in patterns:
        for member in glob_dirs(here, pattern)[:200]:
            rel = member.relative_to(root).as_posix()
            try:
                data = manifest.read_json(root, f"{rel}/package.json")
            except manifest.ManifestError:
                # A broken member is the member's problem; the root project still builds.
                continue
            if data is not None:
                members.append(data)
    return members


def _dependencies(package: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        section = package.get(key)
        if isinstance(section, dict):
            names |= {k for k in section if isinstance(k, str)}
    return names


def _scripts(package: dict[str, Any]) -> dict[str, str]:
    scripts = package.get("scripts")
    if not isinstance(scripts, dict):
        return {}
    return {k: v for k, v in scripts.items() if isinstance(k, str) and isinstance(v, str)}


def _usable(stage: str, name: str, body: str) -> bool:
    if stage == "unit" and name == "test" and _PLACEHOLDER_TEST.search(body):
        return False
    if stage == "migrate" and _DEV_MIGRATION.search(body):
        return False
    return not _NEVER_ENDS.search(body)


def _commands(here: Path, package: dict[str, Any], workspaces: list[dict[str, Any]],
              deps: set[str], project: Project, yarn_berry: bool) -> None:
    pm = project.package_manager
    scripts = _scripts(package)
    member_scripts = [_scripts(m) for m in workspaces]
    for stage, names in SCRIPTS.items():
        for name in names:
            body = scripts.get(name)
            if body is not None and _usable(stage, name, body):
                project.set_command(stage, run_script(pm, name), f"package.json script {name!r}")
                break
        else:
            for name in names:
                if any(name in s and _usable(stage, name, s[name]) for s in member_scripts):
                    project.set_command(stage, run_everywhere(pm, name, yarn_berry),
                                        f"workspace script {name!r}")
                    break
    _fallbacks(here, deps, project)


def _fallbacks(here: Path, deps: set[str], project: Project) -> None:
    """Tools present as dependencies but without a script of their own."""
    x = exec_bin(project.package_manager)
    if "typescript" in deps and (here / "tsconfig.json").is_file():
        project.set_command("typecheck", f"{x} tsc --noEmit", "typescript + tsconfig.json")
    if "@biomejs/biome" in deps:
        project.set_command("lint", f"{x} biome ci .", "@biomejs/biome dependency")
    if "eslint" in deps:
        project.set_command("lint", f"{x} eslint .", "eslint dependency")
    if "vitest" in deps:
        project.set_command("unit", f"{x} vitest run", "vitest dependency")
    if "jest" in deps:
        project.set_command("unit", f"{x} jest --ci", "jest dependency")
    if "@playwright/test" in deps or "playwright" in deps:
        project.set_command("e2e", f"{x} playwright test", "playwright dependency")
        project.e2e_setup = f"{x} playwright install --with-deps"
        project.note(f"playwright dependency -> e2e setup: {project.e2e_setup}")
    if "cypress" in deps:
        project.set_command("e2e", f"{x} cypress run", "cypress dependency")
    _migrations(here, deps, project)


def _migrations(here: Path, deps: set[str], project: Project) -> None:
    x = exec_bin(project.package_manager)
    if ({"prisma", "@prisma/client"} & deps) and (
        (here / "prisma" / "schema.prisma").is_file() or (here / "prisma" / "schema").is_dir()
        or (here / "schema.prisma").is_file()
    ):
        project.set_command("migrate", f"{x} prisma migrate deploy", "prisma schema")
    if "knex" in deps and any(here.glob("knexfile.*")):
        project.set_command("migrate", f"{x} knex migrate:latest", "knexfile")
    if "sequelize-cli" in deps or ((here / ".sequelizerc").is_file() and "sequelize" in deps):
        project.set_command("migrate", f"{x} sequelize-cli db:migrate", "sequelize-cli")
    if "drizzle-kit" in deps and any(here.glob("drizzle.config.*")):
        project.set_command("migrate", f"{x} drizzle-kit migrate", "drizzle.config")
    if "node-pg-migrate" in deps:
        project.set_command("migrate", f"{x} node-pg-migrate up", "node-pg-migrate dependency")
    if "typeorm" in deps:
        for source in ("src/data-source.ts", "src/datasource.ts", "src/data-source.js",
                       "data-source.ts", "data-source.js", "src/db/data-source.ts"):
            if (here / source).is_file():
                cli = "typeorm-ts-node-commonjs" if source.endswith(".ts") else "typeorm"
                project.set_command("migrate", f"{x} {cli} migration:run -d {source}",
                                    f"typeorm data source {source}")
                break


def _services(root: Path, directory: str, deps: set[str], project: Project) -> None:
    if {"testcontainers", "@testcontainers/postgresql"} & deps:
        project.self_contained_tests = True
    for names, service in ((POSTGRES, "postgres"), (MYSQL, "mysql"), (REDIS, "redis")):
        found = sorted(set(names) & deps)
        if found:
            project.add_service(service, f"{found[0]} dependency")
    schema = manifest.read_text(root, _join(directory, "prisma/schema.prisma")) or ""
    match = re.search(r"provider\s*=\s*\"(postgresql|postgres|mysql|cockroachdb)\"", schema)
    if match:
        service = "mysql" if match.group(1) == "mysql" else "postgres"
        project.add_service(service, f"prisma datasource {match.group(1)}")


def _build_output(deps: set[str], project: Project) -> None:
    if "build" not in project.commands:
        return
    outputs = (("next", ".next/"), ("nuxt", ".output/"), ("@sveltejs/kit", "build/"),
               ("react-scripts", "build/"), ("@remix-run/dev", "build/"),
               ("gatsby", "public/"), ("@docusaurus/core", "build/"))
    for dep, output in outputs:
        if dep in deps:
            project.build_output = output
            return
    project.build_output = "dist/"


def _yarn_berry(root: Path, package: dict[str, Any], project: Project) -> bool:
    """Yarn 2+ (berry) rather than Yarn 1: its commands and install flags differ."""
    declared = _str(package.get("packageManager")) or ""
    if declared.startswith("yarn@"):
        return not declared.startswith("yarn@1.")
    for candidate in _upwards(project.directory):
        if (root / _join(candidate, ".yarnrc.yml")).is_file():
            return True
    if project.lockfile:
        head = (manifest.read_text(root, project.lockfile) or "")[:200]
        return "yarn lockfile v1" not in head
    return False
