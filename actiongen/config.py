"""Checker configuration: where it lives, its defaults, and its validation.

Looked up in this order: ``--config FILE``; the ``check:`` section of
``.github/actiongen.yml``; ``[tool.actiongen]`` in ``pyproject.toml``.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actiongen.findings import Severity
from actiongen.resources import data_path

STAGES = ("commit", "build", "test", "deploy", "verify")
DEFAULT_BUDGETS: dict[str, int] = {"commit": 1, "build": 5, "test": 10, "deploy": 5, "verify": 5}
DEFAULT_PRODUCTION = ("production", "prod", "live")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names file and key."""


@dataclass(slots=True)
class Config:
    rules: dict[str, Severity | None] = field(default_factory=dict)  # None: off
    budgets: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    pipeline_budget: int | None = None  # None: sum of the stage budgets
    environments: list[str] = field(default_factory=list)
    production: list[str] = field(default_factory=lambda: list(DEFAULT_PRODUCTION))
    stage_globs: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.WARNING
    source: str | None = None

    @property
    def pipeline_minutes(self) -> int:
        if self.pipeline_budget is not None:
            return self.pipeline_budget
        return sum(self.budgets.get(s, 0) for s in STAGES)

    def is_production(self, environment: str) -> bool:
        name = environment.strip().lower()
        return any(fnmatch.fnmatchcase(name, p.lower()) for p in self.production)

    def is_excluded(self, path: str) -> bool:
        posix = Path(path).as_posix()
        return any(
            fnmatch.fnmatchcase(posix, pat) or fnmatch.fnmatchcase(posix, f"*/{pat}")
            for pat in self.exclude
        )


def _validate(data: Any, source: str) -> None:
    import jsonschema

    schema = json.loads(data_path("schemas", "config.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        raise ConfigError(f"{source}: {where}: {err.message}")


def from_data(data: Any, source: str) -> Config:
    """A validated :class:`Config` from the plain data of a ``check:`` section."""
    if data is None:
        data = {}
    _validate(data, source)
    cfg = Config(source=source)
    for rule_id, level in (data.get("rules") or {}).items():
        if level is False or str(level).lower() == "off":
            cfg.rules[rule_id] = None
        else:
            cfg.rules[rule_id] = Severity.parse(str(level))
    budgets = data.get("budgets") or {}
    for stage in STAGES:
        if stage in budgets:
            cfg.budgets[stage] = int(budgets[stage])
    if "pipeline" in budgets:
        cfg.pipeline_budget = int(budgets["pipeline"])
    cfg.environments = list(data.get("environments") or [])
    if "production" in data:
        cfg.production = list(data["production"])
    cfg.stage_globs = {k: list(v) for k, v in (data.get("stages") or {}).items()}
    cfg.exclude = list(data.get("exclude") or [])
    if "fail-on" in data:
        cfg.fail_on = Severity.parse(data["fail-on"])
    return cfg


def _read_yaml_section(path: Path) -> Any:
    from actiongen.load import load_bytes, to_data

    doc = load_bytes(str(path), path.read_bytes())
    if doc.problems and doc.root is None:
        p = doc.problems[0]
        raise ConfigError(f"{path}:{p.span.line}:{p.span.column}: {p.message}")
    data = to_data(doc.root)
    if not isinstance(data, dict):
        return None
    return data.get("check")


def _read_pyproject(path: Path) -> Any:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return data.get("tool", {}).get("actiongen")


def discover(root: Path, explicit: Path | None = None) -> Config:
    """The configuration for a run rooted at ``root``."""
    try:
        if explicit is not None:
            if not explicit.is_file():
                raise ConfigError(f"{explicit}: no such configuration file")
            if explicit.suffix == ".toml":
                return from_data(_read_pyproject(explicit), str(explicit))
            return from_data(_read_yaml_section(explicit), str(explicit))
        for candidate in (root / ".github" / "actiongen.yml", root / ".github" / "actiongen.yaml"):
            if candidate.is_file():
                section = _read_yaml_section(candidate)
                if section is not None:
                    return from_data(section, str(candidate))
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            section = _read_pyproject(pyproject)
            if section is not None:
                return from_data(section, str(pyproject))
    except OSError as exc:
        raise ConfigError(f"{exc.filename}: {exc.strerror}") from None
    return Config()
