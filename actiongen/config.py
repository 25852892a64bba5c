"""Checker configuration: where it lives, its defaults, and its validation.

Looked up in this order, first found wins:

1. ``--config FILE``: a YAML file (its ``check:`` section, or the whole document when
   it has none) or a TOML file (its ``[tool.actiongen]`` table, or the whole document);
2. the ``check:`` section of ``.github/actiongen.yml`` (``.yaml``) at the repository
   root; the other top-level keys of that file are the generator's descriptor;
3. ``[tool.actiongen]`` in the root ``pyproject.toml``.

Every error names the file, the position when known, and the key:
``.github/actiongen.yml:4:22: check.rules.timeout-missing: 'loud' is not one of ...``.
"""

from __future__ import annotations

import fnmatch
import os
from typing import TYPE_CHECKING, Any

from actiongen.findings import Severity
from actiongen.resources import data_file

if TYPE_CHECKING:
    from jsonschema import ValidationError

    from actiongen.load import Node

STAGES = ("commit", "build", "test", "deploy", "verify")
DEFAULT_BUDGETS: dict[str, int] = {"commit": 1, "build": 5, "test": 10, "deploy": 5, "verify": 5}
DEFAULT_PRODUCTION = ("production", "prod", "live")
CONFIG_NAMES = (".github/actiongen.yml", ".github/actiongen.yaml")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names file and key."""


class Config:
    """The checker's settings (a plain class: dataclasses cost start-up time)."""

    __slots__ = (
        "budgets",
        "environments",
        "exclude",
        "fail_on",
        "pipeline_budget",
        "production",
        "rule_origins",
        "rules",
        "source",
        "stage_globs",
    )

    def __init__(
        self,
        *,
        rules: dict[str, Severity | None] | None = None,
        budgets: dict[str, int] | None = None,
        pipeline_budget: int | None = None,
        environments: list[str] | None = None,
        production: list[str] | None = None,
        stage_globs: dict[str, list[str]] | None = None,
        exclude: list[str] | None = None,
        fail_on: Severity | None = Severity.WARNING,
        source: str | None = None,
        rule_origins: dict[str, str] | None = None,
    ) -> None:
        #: Rule id -> severity, or None when the rule is off.  Absent: the rule's default.
        self.rules: dict[str, Severity | None] = {} if rules is None else rules
        self.budgets: dict[str, int] = dict(DEFAULT_BUDGETS) if budgets is None else budgets
        self.pipeline_budget = pipeline_budget  # None: sum of the stage budgets
        self.environments: list[str] = [] if environments is None else environments
        self.production: list[str] = (
            list(DEFAULT_PRODUCTION) if production is None else production
        )
        self.stage_globs: dict[str, list[str]] = {} if stage_globs is None else stage_globs
        self.exclude: list[str] = [] if exclude is None else exclude
        #: Exit 1 at or above this severity; None: never.
        self.fail_on = fail_on
        self.source = source
        #: Rule id -> where it was configured (``file:line:col: check.rules.id``), for errors.
        self.rule_origins: dict[str, str] = {} if rule_origins is None else rule_origins

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (what ``dataclasses.replace`` did)."""
        values = {name: getattr(self, name) for name in Config.__slots__}
        values.update(changes)
        return Config(**values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in Config.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Config(source={self.source!r})"

    @property
    def pipeline_minutes(self) -> int:
        if self.pipeline_budget is not None:
            return self.pipeline_budget
        return sum(self.budgets.get(s, 0) for s in STAGES)

    def is_production(self, environment: str) -> bool:
        name = environment.strip().lower()
        return any(glob_matches(name, p.lower()) for p in self.production)

    def is_excluded(self, path: str) -> bool:
        """Whether ``path`` or a folder above it matches an ``exclude`` pattern.

        Patterns match like ``.gitignore`` entries without a slash: anywhere in the tree
        (``legacy-*.yml``, ``vendor``), or by a path tail (``.github/workflows/old.yml``).
        """
        if not self.exclude:
            return False
        parts = _posix(path).split("/")
        candidates = ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]
        for raw in self.exclude:
            pat = raw.rstrip("/")
            pat = pat[2:] if pat.startswith("./") else pat
            if not pat:
                continue
            for c in candidates:
                if fnmatch.fnmatchcase(c, pat) or fnmatch.fnmatchcase(c, f"*/{pat}"):
                    return True
        return False


# --- validation -------------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    import json  # only when there is a configuration to validate

    with open(data_file("schemas", "config.schema.json"), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _show(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "true" if value is True else "false" if value is False else "null"
    return repr(value)


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "integer": "a whole number",
    "string": "a string",
    "boolean": "true or false",
}


def _did_you_mean(word: str, options: list[str]) -> str:
    import difflib  # only for an error message

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else f" (known: {', '.join(options)})"


def _describe(err: ValidationError) -> tuple[list[str | int], str]:
    """The key path an error is about and a one-line explanation."""
    path: list[str | int] = list(err.absolute_path)
    v = err.validator
    schema: dict[str, Any] = err.schema if isinstance(err.schema, dict) else {}
    if v == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        key = str(extra[0]) if extra else "?"
        return [*path, key], f"unknown key{_did_you_mean(key, allowed)}"
    if "propertyNames" in err.absolute_schema_path:
        # A bad key inside a mapping whose keys are a closed set (stages).
        key = str(err.instance)
        names = [str(n) for n in schema.get("enum", [])]
        return [*path, key], f"unknown key{_did_you_mean(key, names)}"
    if v == "enum":
        choices = ", ".join(_show(c) for c in schema.get("enum", []))
        return path, f"{_show(err.instance)} is not one of {choices}"
    if v == "type":
        kinds = schema.get("type", [])
        kinds = kinds if isinstance(kinds, list) else [kinds]
        wanted = " or ".join(_TYPE_NAMES.get(str(k), str(k)) for k in kinds)
        return path, f"expected {wanted}, got {_show(err.instance)}"
    return path, err.message


def _node_at(root: Node | None, path: list[str | int], *, key: bool) -> Node | None:
    from actiongen.load import Mapping, Sequence

    node = root
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, Mapping) and isinstance(part, str):
            if last and key:
                return node.key_node(part) or node
            node = node.get(part)
        elif isinstance(node, Sequence) and isinstance(part, int) and part < len(node.items):
            node = node.items[part]
        else:
            return node
    return node


class _Section:
    """A ``check`` section: its data, where it came from, and how to point into it."""

    __slots__ = ("data", "node", "prefix", "source")

    def __init__(
        self, data: Any, source: str, prefix: tuple[str, ...] = (), node: Node | None = None
    ) -> None:
        self.data = data
        self.source = source  # the file as shown to the user
        self.prefix = prefix  # key path of the section inside its file
        self.node = node  # the section's YAML node, for positions

    def where(self, path: list[str | int], *, key: bool = False) -> str:
        """``file:line:col: check.rules.x`` for an error about ``path``."""
        dotted = "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*self.prefix, *path)
        ).lstrip(".") or "(top level)"
        position = ""
        target = _node_at(self.node, path, key=key) if self.node is not None else None
        if target is not None:
            position = f":{target.span.line}:{target.span.column}"
        return f"{self.source}{position}: {dotted}"


def _validate(section: _Section) -> None:
    from actiongen.schema_fast import Unsupported, compile_schema

    schema = _schema()
    # A valid section (the usual case) is judged without importing jsonschema, which
    # costs ~65 ms of every check in a repository that has a configuration.
    try:
        if compile_schema(schema)(section.data):
            return
    except Unsupported:
        pass
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(section.data))
    if not errors:
        return
    # The first error in key order; an unknown key before what it contains.
    err = min(errors, key=lambda e: ([str(p) for p in e.absolute_path],
                                     e.validator != "additionalProperties"))
    best = jsonschema.exceptions.best_match([err]) or err
    path, text = _describe(best)
    is_key = (best.validator == "additionalProperties"
              or "propertyNames" in best.absolute_schema_path)
    raise ConfigError(f"{section.where(path, key=is_key)}: {text}")


def _level(value: Any) -> tuple[bool, Severity | None]:
    """A rule's configured level: (whether it overrides the default, the severity or None: off)."""
    if value is False or str(value).lower() == "off":
        return True, None
    if value is True or str(value).lower() == "on":
        return False, None  # on: the rule's own severity
    return True, Severity.parse(str(value))


def _build(section: _Section) -> Config:
    data = section.data if section.data is not None else {}
    section.data = data
    _validate(section)
    cfg = Config(source=section.source)
    for rule_id, value in (data.get("rules") or {}).items():
        overrides, level = _level(value)
        cfg.rule_origins[rule_id] = section.where(["rules", rule_id], key=True)
        if overrides:
            cfg.rules[rule_id] = level
    budgets = data.get("budgets") or {}
    for stage in STAGES:
        if stage in budgets:
            cfg.budgets[stage] = int(budgets[stage])
    if "pipeline" in budgets:
        cfg.pipeline_budget = int(budgets["pipeline"])
    cfg.environments = [str(e) for e in data.get("environments") or []]
    if "production" in data:
        cfg.production = [str(p) for p in data["production"]]
    cfg.stage_globs = {k: [str(g) for g in v] for k, v in (data.get("stages") or {}).items()}
    cfg.exclude = [str(e) for e in data.get("exclude") or []]
    if "fail-on" in data:
        fail_on = str(data["fail-on"])
        cfg.fail_on = None if fail_on == "never" else Severity.parse(fail_on)
    return cfg


def from_data(data: Any, source: str, prefix: tuple[str, ...] = ("check",)) -> Config:
    """A validated :class:`Config` from the plain data of a ``check:`` section."""
    return _build(_Section(data, source, prefix))


# --- reading files ----------------------------------------------------------------------


def glob_matches(name: str, pattern: str) -> bool:
    """:func:`fnmatch.fnmatchcase`, without compiling a regex for a pattern with no
    wildcard (``production``, ``prod``: the usual names)."""
    if "*" in pattern or "?" in pattern or "[" in pattern:
        return fnmatch.fnmatchcase(name, pattern)
    return name == pattern


def _posix(path: str) -> str:
    """``path`` with forward slashes and no empty or ``.`` parts, as pathlib shows it."""
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    shown = ("/" if path.startswith("/") else "") + "/".join(parts)
    return shown or "."


def _display(path: str) -> str:
    """``path`` as the user would write it: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith(os.pardir) else rel


def _yaml_section(path: str, *, whole_if_absent: bool) -> _Section | None:
    from actiongen.load import Mapping, load_bytes, to_data

    shown = _display(path)
    with open(path, "rb") as fh:
        doc = load_bytes(path, fh.read())
    problem = next((p for p in doc.problems if p.kind in ("syntax", "encoding")), None)
    if problem is not None or doc.root is None:
        if problem is None:
            return None
        raise ConfigError(f"{shown}:{problem.span.line}:{problem.span.column}: {problem.message}")
    dup = next((p for p in doc.problems if p.kind == "duplicate-key"), None)
    if dup is not None:
        raise ConfigError(f"{shown}:{dup.span.line}:{dup.span.column}: {dup.message}")
    root = doc.root
    if not isinstance(root, Mapping):
        if whole_if_absent:
            return _Section(to_data(root), shown, (), root)
        raise ConfigError(f"{shown}:{root.span.line}:{root.span.column}: expected a mapping")
    node = root.get("check")
    if node is not None or "check" in root:
        return _Section(to_data(node), shown, ("check",), node)
    if whole_if_absent:
        return _Section(to_data(root), shown, (), root)
    return None


def _toml_section(path: str, *, whole_if_absent: bool) -> _Section | None:
    import tomllib

    shown = _display(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.loads(fh.read().decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: {exc}") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and "actiongen" in tool:
        return _Section(tool["actiongen"], shown, ("tool", "actiongen"))
    return _Section(data, shown, ()) if whole_if_absent else None


def discover(
    root: str | os.PathLike[str], explicit: str | os.PathLike[str] | None = None
) -> Config:
    """The configuration for a run rooted at ``root`` (defaults when there is none)."""
    root = os.fspath(root)
    try:
        if explicit is not None:
            explicit = os.fspath(explicit)
            if not os.path.isfile(explicit):
                raise ConfigError(f"{_display(explicit)}: no such configuration file")
            reader = _toml_section if explicit.endswith(".toml") else _yaml_section
            section = reader(explicit, whole_if_absent=True)
            return _build(section) if section is not None else Config(source=explicit)
        for name in CONFIG_NAMES:
            candidate = os.path.join(root, name)
            if os.path.isfile(candidate):
                section = _yaml_section(candidate, whole_if_absent=False)
                if section is not None:
                    return _build(section)
        pyproject = os.path.join(root, "pyproject.toml")
        if os.path.isfile(pyproject):
            section = _toml_section(pyproject, whole_if_absent=False)
            if section is not None:
                return _build(section)
    except OSError as exc:
        raise ConfigError(f"{exc.filename}: {exc.strerror}") from None
    return Config()
