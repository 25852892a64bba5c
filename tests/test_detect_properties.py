"""Detection never crashes on manifests of the wrong shape: it detects, or it says why not.

Hypothesis fills the fields detection reads with values of every JSON/TOML type; the only
acceptable outcomes are a project (and a descriptor that validates) or a one-line
:class:`ManifestError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actiongen.descriptor import from_data
from actiongen.detect import detect
from actiongen.detect import manifest as manifest_module
from actiongen.detect.manifest import ManifestError
from actiongen.detect.plan import from_detection

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)


def _field(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


PACKAGE_KEYS = ["name", "scripts", "dependencies", "devDependencies", "workspaces", "engines",
                "packageManager", "volta", "private", "main", "exports"]
SCRIPT_NAMES = ["lint", "test", "test:unit", "build", "db:migrate", "deploy", "typecheck"]


def _outcome(root: Path) -> None:
    try:
        detection = detect(root)
    except ManifestError as exc:
        assert "\n" not in str(exc)
        return
    if detection.project is not None:
        # Whatever was detected must make a valid descriptor.
        from_data(from_detection(detection).descriptor())


@SETTINGS
@given(package=_field(PACKAGE_KEYS),
       scripts=st.dictionaries(st.sampled_from(SCRIPT_NAMES), st.text(max_size=40), max_size=5))
def test_package_json_of_any_shape(tmp_path_factory: pytest.TempPathFactory,
                                   package: dict[str, Any], scripts: dict[str, str]) -> None:
    root = tmp_path_factory.mktemp("node")
    if scripts and "scripts" not in package:
        package["scripts"] = scripts
    (root / "package.json").write_text(json.dumps(package))
    _outcome(root)


@SETTINGS
@given(data=st.fixed_dictionaries({}, optional={
    "project": _field(["name", "dependencies", "optional-dependencies", "requires-python"]),
    "tool": st.fixed_dictionaries({}, optional={
        "poetry": _field(["name", "dependencies", "dev-dependencies", "group", "package-mode"]),
        "uv": _field(["dev-dependencies", "package"]),
        "pytest": st.fixed_dictionaries({}, optional={"ini_options": _field(["markers"])}),
        "mypy": _field(["files"]),
        "ruff": values,
    }),
    "dependency-groups": st.dictionaries(st.text(max_size=8), values, max_size=3),
    "build-system": values,
}))
def test_pyproject_of_any_shape(tmp_path_factory: pytest.TempPathFactory,
                                monkeypatch: pytest.MonkeyPatch, data: dict[str, Any]) -> None:
    root = tmp_path_factory.mktemp("python")
    (root / "pyproject.toml").write_text("")
    real = manifest_module.read_toml

    def fake(base: Path, rel: str) -> dict[str, Any] | None:
        return data if rel == "pyproject.toml" else real(base, rel)

    with monkeypatch.context() as patch:
        patch.setattr(manifest_module, "read_toml", fake)
        _outcome(root)


@SETTINGS
@given(data=st.fixed_dictionaries({}, optional={
    "package": _field(["name", "rust-version"]),
    "workspace": _field(["members", "dependencies"]),
    "dependencies": st.dictionaries(st.sampled_from(["sqlx", "redis", "diesel", "mysql"]),
                                    values, max_size=3),
    "target": st.dictionaries(st.text(max_size=8), values, max_size=2),
}))
def test_cargo_toml_of_any_shape(tmp_path_factory: pytest.TempPathFactory,
                                 monkeypatch: pytest.MonkeyPatch, data: dict[str, Any]) -> None:
    root = tmp_path_factory.mktemp("rust")
    (root / "Cargo.toml").write_text("")
    real = manifest_module.read_toml

    def fake(base: Path, rel: str) -> dict[str, Any] | None:
        return data if rel == "Cargo.toml" else real(base, rel)

    with monkeypatch.context() as patch:
        patch.setattr(manifest_module, "read_toml", fake)
        _outcome(root)


@SETTINGS
@given(text=st.text(max_size=300))
def test_text_manifests_of_any_content(tmp_path_factory: pytest.TempPathFactory,
                                       text: str) -> None:
    for name in ("go.mod", "Gemfile", "build.gradle.kts", "pom.xml", "requirements.txt"):
        root = tmp_path_factory.mktemp("text")
        (root / name).write_text(text, encoding="utf-8")
        _outcome(root)
