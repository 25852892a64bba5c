"""Container hints: a Dockerfile to build, and service versions from a compose file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from actiongen.detect import manifest
from actiongen.detect.project import Project

DOCKERFILES = ("Dockerfile", "Containerfile", "docker/Dockerfile", "build/Dockerfile",
               "deploy/Dockerfile")
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
                 "docker-compose.dev.yml", "docker-compose.test.yml", "compose.dev.yaml")
# Official image name -> service; the tag's leading version is the service version.
IMAGES = {"postgres": "postgres", "mysql": "mysql", "redis": "redis"}


def apply(root: Path, project: Project) -> None:
    """Add the Dockerfile and compose-file facts to ``project``."""
    for base in _bases(project.directory):
        for name in DOCKERFILES:
            rel = name if base == "." else f"{base}/{name}"
            if (root / rel).is_file():
                project.dockerfile = rel
                project.note(f"{rel} -> container image build")
                break
        if project.dockerfile:
            break
    for base in _bases(project.directory):
        for name in COMPOSE_FILES:
            rel = name if base == "." else f"{base}/{name}"
            data = manifest.read_yaml(root, rel)
            if isinstance(data, dict):
                _compose_versions(rel, data, project)


def _bases(directory: str) -> list[str]:
    return [directory, "."] if directory not in ("", ".") else ["."]


def _compose_versions(rel: str, data: dict[str, Any], project: Project) -> None:
    services = data.get("services")
    if not isinstance(services, dict):
        return
    for spec in services.values():
        image = spec.get("image") if isinstance(spec, dict) else None
        if not isinstance(image, str):
            continue
        match = re.fullmatch(r"(?:docker\.io/)?(?:library/)?([a-z]+):v?(\d+(?:\.\d+)?)[\w.\-]*",
                             image.strip())
        if not match or match.group(1) not in IMAGES:
            continue
        service = IMAGES[match.group(1)]
        # Only services the code needs: a compose file may run tools the tests never touch.
        if service in project.services:
            project.services[service] = match.group(2)
            project.note(f"{rel} image {image} -> {service} {match.group(2)}")
