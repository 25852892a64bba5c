"""Where a project deploys to: platform files, deploy scripts, or a published package."""

from __future__ import annotations

import re
from pathlib import Path

from actiongen.detect import manifest
from actiongen.detect.project import Project, quote_arg

# Platform file or directory -> preset, most specific first.
PLATFORM_FILES = (
    ("vercel.json", "vercel"),
    (".vercel/project.json", "vercel"),
    ("fly.toml", "fly"),
    ("task-definition.json", "aws-ecs"),
    (".aws/task-definition.json", "aws-ecs"),
    ("ecs/task-definition.json", "aws-ecs"),
    ("kustomization.yaml", "kubernetes"),
    ("skaffold.yaml", "kubernetes"),
    ("Chart.yaml", "kubernetes"),
    ("k8s", "kubernetes"),
    ("kubernetes", "kubernetes"),
    ("deploy/k8s", "kubernetes"),
    ("deploy/kubernetes", "kubernetes"),
    ("helm", "kubernetes"),
    ("charts", "kubernetes"),
    ("docker-compose.prod.yml", "compose"),
    ("docker-compose.production.yml", "compose"),
    ("compose.prod.yaml", "compose"),
    ("compose.production.yaml", "compose"),
)
# Dependencies that make a package an application rather than a library to publish.
APP_FRAMEWORKS_NODE = ("next", "nuxt", "react-scripts", "@remix-run/dev", "@sveltejs/kit",
                       "astro", "gatsby", "express", "fastify", "@nestjs/core", "koa", "hono")
APP_FRAMEWORKS_PYTHON = ("django", "flask", "fastapi", "starlette", "streamlit", "gunicorn",
                         "uvicorn", "litestar", "sanic", "aiohttp")
MANIFEST_DIRS = ("k8s", "kubernetes", "deploy/k8s", "deploy/kubernetes")
DEPLOY_SCRIPTS = ("scripts/deploy.sh", "bin/deploy", "deploy.sh", "script/deploy")


def apply(root: Path, project: Project) -> None:
    """Set ``project.deploy_preset`` / ``deploy_run`` from what the repository holds."""
    here = root / project.directory
    bases = [project.directory, "."] if project.directory != "." else ["."]
    for name, preset in PLATFORM_FILES:
        rel = next((r for r in (name if b == "." else f"{b}/{name}" for b in bases)
                    if (root / r).exists()), None)
        if rel is None:
            continue
        project.deploy_preset = preset
        project.note(f"{rel} -> deploy preset {preset}")
        if name == "fly.toml":
            _fly_app(root, rel, project)
        elif preset == "compose" and rel != "compose.yaml":
            project.deploy_options["file"] = rel
        elif preset == "kubernetes" and name in MANIFEST_DIRS and (root / rel).is_dir():
            # Plain manifests are applied before the rollout (helm charts are not).
            project.deploy_options["manifests"] = rel
        break
    if project.language == "node":
        _node_scripts(root, project)
    for script in DEPLOY_SCRIPTS:
        if (here / script).is_file() and "*" not in project.deploy_run:
            path = script if "/" in script else f"./{script}"
            project.deploy_run.setdefault("*", quote_arg(path))
            project.note(f"{script} -> deploy command")
    if project.deploy_preset is None and not project.deploy_run and project.dockerfile is None:
        _library(root, project)


def _fly_app(root: Path, rel: str, project: Project) -> None:
    try:
        data = manifest.read_toml(root, rel)
    except manifest.ManifestError:
        return  # flyctl reports its own file's errors; init only wanted the app name
    app = data.get("app") if data else None
    if isinstance(app, str) and re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", app):
        project.deploy_options["app"] = app
        project.note(f"{rel} app -> fly app {app}")


def _node_scripts(root: Path, project: Project) -> None:
    rel = "package.json" if project.directory == "." else f"{project.directory}/package.json"
    package = manifest.read_json(root, rel) or {}
    scripts = package.get("scripts")
    if not isinstance(scripts, dict):
        return
    from actiongen.detect.node import run_script

    pm = project.package_manager
    for role, names in (("staging", ("deploy:staging", "deploy:stage")),
                        ("production", ("deploy:production", "deploy:prod")),
                        ("*", ("deploy",))):
        for name in names:
            if isinstance(scripts.get(name), str):
                command = run_script(pm, name)
                if role == "*" and pm == "npm":
                    command += " --"  # the environment name follows as the script's argument
                project.deploy_run[role] = command
                project.note(f"package.json script {name!r} -> deploy command")
                break
    if isinstance(scripts.get("rollback"), str):
        project.rollback_run = run_script(pm, "rollback")
        project.note("package.json script 'rollback' -> rollback command")


def _library(root: Path, project: Project) -> None:
    """A package meant for a registry deploys by publishing on version tags."""
    here = root / project.directory
    if project.language == "node":
        rel = "package.json" if project.directory == "." else f"{project.directory}/package.json"
        package = manifest.read_json(root, rel) or {}
        deps: set[str] = set()
        for key in ("dependencies", "devDependencies"):
            section = package.get(key)
            if isinstance(section, dict):
                deps |= set(section)
        publishable = package.get("private") is not True and any(
            k in package for k in ("main", "exports", "module", "bin", "types"))
        if publishable and not deps & set(APP_FRAMEWORKS_NODE) and "workspaces" not in package:
            project.deploy_preset = "npm"
            project.note("package.json with main/exports and not private -> publish to npm")
    elif project.language == "python" and "build" in project.commands:
        rel = "pyproject.toml" if project.directory == "." else \
            f"{project.directory}/pyproject.toml"
        text = (manifest.read_text(root, rel) or "").lower()
        if (here / "manage.py").is_file():
            return
        if not any(f'"{f}' in text or f"'{f}" in text or f"\n{f} =" in text
                   for f in APP_FRAMEWORKS_PYTHON):
            project.deploy_preset = "pypi"
            project.note("pyproject.toml [build-system], no web framework -> publish to PyPI")
