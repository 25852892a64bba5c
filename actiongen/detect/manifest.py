"""Reading manifest files so that a broken one is a one-line error, never a traceback.

Every reader takes the project root and a path relative to it, so messages name the
file the way the user sees it (``package.json:3:5: ...``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from actiongen.errors import UserError

# Manifests are small; anything bigger is not a manifest we should try to understand.
MAX_BYTES = 5_000_000

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


class ManifestError(UserError):
    """A manifest that cannot be read; the message is ``file:line:col: what``."""


def read_text(root: Path, rel: str) -> str | None:
    """The file's text, or None when it does not exist (or is not a regular file)."""
    path = root / rel
    try:
        if not path.is_file():
            return None
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ManifestError(f"{rel}: too large to be a manifest ({size} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"{rel}: cannot read: {exc.strerror or exc}") from None
    try:
        # utf-8-sig: editors on Windows write a BOM, which json and tomllib reject.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ManifestError(
            f"{rel}:{line}:{col}: not UTF-8 text (byte 0x{data[exc.start]:02x})"
        ) from None


def read_json(root: Path, rel: str) -> dict[str, Any] | None:
    """A JSON object file, or None when absent."""
    text = read_text(root, rel)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{rel}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ManifestError(f"{rel}: invalid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{rel}:1:1: expected a JSON object, found {_json_type(data)}")
    return data


def read_toml(root: Path, rel: str) -> dict[str, Any] | None:
    """A TOML file as a dict, or None when absent."""
    import tomllib

    text = read_text(root, rel)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        if found:
            where = f"{found.group(1)}:{found.group(2)}"
            message = message[: found.start()]
        else:
            lines = text.count("\n") + 1
            where = f"{lines}:1" if _TOML_AT_END.search(message) else "1:1"
            message = _TOML_AT_END.sub("", message)
        raise ManifestError(f"{rel}:{where}: invalid TOML: {message}") from None
    except RecursionError:
        raise ManifestError(f"{rel}: invalid TOML: nested too deeply") from None


def read_yaml(root: Path, rel: str) -> Any:
    """A YAML file's data (safe loader), or None when absent or not parseable.

    YAML files are only hints (compose files, workspace lists); a broken one is skipped,
    because the project may not even use it.
    """
    text = read_text(root, rel)
    if text is None:
        return None
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except (YAMLError, RecursionError, ValueError):
        return None


def first_existing(root: Path, *names: str) -> str | None:
    """The first of ``names`` that is a file under ``root``."""
    for name in names:
        if (root / name).is_file():
            return name
    return None


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def join(directory: str, name: str) -> str:
    """``name`` inside ``directory`` (a path relative to the repository root)."""
    return name if directory in ("", ".") else f"{directory}/{name}"


def as_str(value: Any) -> str | None:
    """A manifest value when it is a string, else None."""
    return value if isinstance(value, str) else None


def as_list(value: Any) -> list[Any]:
    """A TOML/JSON array, or nothing when the manifest holds another type there."""
    return value if isinstance(value, list) else []


def table(data: Any, key: str) -> dict[str, Any]:
    """The table (mapping) under ``key``, or an empty one whatever the manifest holds."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}
