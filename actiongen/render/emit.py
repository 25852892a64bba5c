"""Writing the user's own workflow fragments (extra steps and jobs) as YAML.

Extra steps and jobs are GitHub syntax by intent, so their ``${{ }}`` expressions are
kept; every scalar still goes through :mod:`actiongen.render.quote`, so no value can
change the fragment's structure.
"""

from __future__ import annotations

from typing import Any

from actiongen.render.quote import block, double_quoted, is_plain_safe, scalar


def _key(key: object) -> str:
    text = str(key)
    return text if is_plain_safe(text) else double_quoted(text)


def _value(value: Any, indent: int) -> str:
    if isinstance(value, str) and "\n" in value:
        return block(value, indent + 2, expressions=True)
    if value is None:
        return "null"
    if isinstance(value, float):
        return repr(value)
    return scalar(value, expressions=True)


def _pin_comment(key: object, value: object) -> str:
    """`` # v7.0.1`` after a ``uses:`` pinned to a commit the pin table knows (YAML drops
    the user's own comment when the descriptor is read)."""
    if key != "uses" or not isinstance(value, str) or "@" not in value:
        return ""
    from actiongen import pins

    target, _, ref = value.rpartition("@")
    try:
        known, _path = pins.pin(target)
    except pins.UnknownAction:
        return ""
    return f" # {known.comment}" if known.sha == ref else ""


def emit(value: Any, indent: int) -> list[str]:
    """``value`` as block-style YAML lines, each starting with ``indent`` spaces."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        for k, v in value.items():
            if isinstance(v, dict | list) and v:
                lines.append(f"{pad}{_key(k)}:")
                lines.extend(emit(v, indent + 2))
            elif isinstance(v, dict):
                lines.append(f"{pad}{_key(k)}: {{}}")
            elif isinstance(v, list):
                lines.append(f"{pad}{_key(k)}: []")
            else:
                lines.append(f"{pad}{_key(k)}: {_value(v, indent)}{_pin_comment(k, v)}")
        return lines
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list) and item:
                inner = emit(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_value(item, indent)}" if not isinstance(item, dict | list)
                             else f"{pad}- {'{}' if isinstance(item, dict) else '[]'}")
        return lines
    return [pad + _value(value, indent)]


def emit_steps(steps: list[dict[str, Any]], indent: int = 6) -> str:
    """Steps as a YAML sequence (no trailing newline); empty string for none."""
    return "\n".join(emit(list(steps), indent)) if steps else ""
