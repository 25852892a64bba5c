"""Rust crates and workspaces: ``Cargo.toml``, toolchain file, drivers, diesel/sqlx migrations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from actiongen.detect import manifest
from actiongen.detect.files import glob_dirs
from actiongen.detect.manifest import as_list as _list
from actiongen.detect.manifest import as_str as _str
from actiongen.detect.manifest import join as _join
from actiongen.detect.manifest import table as _table
from actiongen.detect.project import DEFAULT_VERSIONS, Project, project_name

POSTGRES = ("tokio-postgres", "postgres", "deadpool-postgres", "bb8-postgres", "r2d2_postgres")
MYSQL = ("mysql", "mysql_async")
REDIS = ("redis", "deadpool-redis", "bb8-redis", "fred")
# Crates whose database support is chosen by a feature.
FEATURE_DRIVERS = ("sqlx", "diesel", "sea-orm", "sea-query", "sqlx-core")


def detect(root: Path, directory: str = ".") -> Project | None:
    """The Rust crate or workspace in ``directory``, or None without Cargo.toml."""
    rel = _join(directory, "Cargo.toml")
    cargo = manifest.read_toml(root, rel)
    if cargo is None:
        return None
    here = root / directory
    package = _table(cargo, "package")
    workspace = _table(cargo, "workspace")
    project = Project(
        language="rust",
        name=project_name(_str(package.get("name")), here.resolve().name),
        version=DEFAULT_VERSIONS["rust"],
        package_manager="cargo",
        directory=directory,
    )
    project.note(f"{rel} -> language rust")
    lock = _join(directory, "Cargo.lock")
    if (root / lock).is_file():
        project.lockfile = lock
    _version(root, directory, project)
    manifests = [cargo]
    for pattern in _list(workspace.get("members")):
        if not isinstance(pattern, str):
            continue
        for member in glob_dirs(here, pattern)[:200]:
            member_rel = member.relative_to(root).as_posix() + "/Cargo.toml"
            try:
                data = manifest.read_toml(root, member_rel)
            except manifest.ManifestError:
                continue
            if data is not None:
                manifests.append(data)
    deps = _dependencies(manifests)
    _commands(here, bool(workspace), project)
    _services(deps, project)
    _migrations(here, deps, project)
    return project


def _version(root: Path, directory: str, project: Project) -> None:
    toolchain = manifest.read_toml(root, _join(directory, "rust-toolchain.toml"))
    channel = _str(_table(toolchain, "toolchain").get("channel")) if toolchain else None
    where = "rust-toolchain.toml"
    if channel is None:
        text = manifest.read_text(root, _join(directory, "rust-toolchain"))
        if text and text.strip() and "[" not in text:
            channel = text.strip().splitlines()[0].strip()
            where = "rust-toolchain"
        elif text:
            try:
                import tomllib

                channel = _str(_table(tomllib.loads(text), "toolchain").get("channel"))
            except ValueError:
                channel = None
    if channel and re.fullmatch(r"[\w.\-]+", channel):
        project.version = channel
        project.note(f"{where} -> rust {channel}")


def _dependencies(manifests: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Crate name -> features asked for, over every manifest and dependency table."""
    deps: dict[str, set[str]] = {}

    def add(table: dict[str, Any]) -> None:
        for key, spec in table.items():
            name = key
            features: set[str] = set()
            if isinstance(spec, dict):
                name = _str(spec.get("package")) or key
                features = {f for f in _list(spec.get("features")) if isinstance(f, str)}
            deps.setdefault(name, set()).update(features)

    for data in manifests:
        for section in ("dependencies", "dev-dependencies", "build-dependencies"):
            add(_table(data, section))
        add(_table(_table(data, "workspace"), "dependencies"))
        for target in _table(data, "target").values():
            for section in ("dependencies", "dev-dependencies"):
                add(_table(target, section))
    return deps


def _commands(here: Path, workspace: bool, project: Project) -> None:
    locked = " --locked" if project.lockfile else ""
    scope = " --workspace" if workspace else ""
    clippy = f"cargo clippy{scope} --all-targets{locked} -- -D warnings"
    project.set_command("lint", f"cargo fmt --all --check && {clippy}",
                        "Cargo.toml (rustfmt, clippy)")
    project.set_command("build", f"cargo build{scope}{locked}", "Cargo.toml")
    project.set_command("unit", f"cargo test{scope}{locked}", "Cargo.toml")
    if workspace and (here / "tests").is_dir():
        project.note("tests/ directory -> integration tests run with cargo test")


def _services(deps: dict[str, set[str]], project: Project) -> None:
    if "testcontainers" in deps or "testcontainers-modules" in deps:
        project.self_contained_tests = True
    for names, service in ((POSTGRES, "postgres"), (MYSQL, "mysql"), (REDIS, "redis")):
        found = sorted(set(names) & set(deps))
        if found:
            project.add_service(service, f"{found[0]} crate")
    for crate in FEATURE_DRIVERS:
        for feature in sorted(deps.get(crate, ())):
            if "postgres" in feature:
                project.add_service("postgres", f"{crate} feature {feature}")
            elif "mysql" in feature:
                project.add_service("mysql", f"{crate} feature {feature}")


def _migrations(here: Path, deps: dict[str, set[str]], project: Project) -> None:
    backend = "mysql" if "mysql" in project.services and "postgres" not in project.services \
        else "postgres"
    if (here / "diesel.toml").is_file() or "diesel_migrations" in deps:
        project.set_command(
            "migrate",
            f"cargo install diesel_cli --locked --no-default-features --features {backend} "
            "&& diesel migration run",
            "diesel")
    if "sqlx" in deps and (here / "migrations").is_dir():
        project.set_command(
            "migrate",
            f"cargo install sqlx-cli --locked --no-default-features --features rustls,{backend} "
            "&& sqlx migrate run",
            "sqlx + migrations/")
    if (here / "migration" / "Cargo.toml").is_file() and "sea-orm" in deps:
        project.set_command("migrate", "cargo run --locked -p migration -- up",
                            "sea-orm migration crate")
