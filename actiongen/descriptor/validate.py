"""Schema validation of a descriptor, with messages that name the key and the fix.

jsonschema finds the errors; this module words them for people: unknown keys get a
"did you mean", enums list the choices, patterns use the schema's ``x-hint``.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from actiongen.descriptor.errors import Problem
from actiongen.resources import data_path

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_TYPE_NAMES = {
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The descriptor schema (``schemas/descriptor.schema.json``)."""
    loaded: dict[str, Any] = json.loads(
        data_path("schemas", "descriptor.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def _type_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(types: Any) -> str:
    if isinstance(types, str):
        types = [types]
    return " or ".join(_TYPE_NAMES.get(t, t) for t in types)


def schema_problems(data: Any) -> list[Problem]:
    """Every schema violation in ``data``, worded for people, sorted by path."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    problems: list[Problem] = []
    for err in validator.iter_errors(data):
        problems.extend(_word(err))
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    unique: list[Problem] = []
    for p in problems:
        key = (p.path, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _path(err: ValidationError) -> tuple[str | int, ...]:
    return tuple(err.absolute_path)


def _word(err: ValidationError) -> list[Problem]:
    path = _path(err)
    kind = err.validator
    value = err.instance
    sub = err.schema if isinstance(err.schema, dict) else {}
    if kind == "additionalProperties" and isinstance(value, dict):
        known = sorted(sub.get("properties", {}))
        pattern_keys = list(sub.get("patternProperties", {}))
        out = []
        for key in value:
            if key in known or any(_matches(p, key) for p in pattern_keys):
                continue
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            keys = ", ".join(known) if known else "none"
            fix = (f"did you mean `{close[0]}`?" if close
                   else f"remove it, or use one of: {keys}")
            out.append(Problem((*path, key), f"unknown key `{key}`", fix, key=True))
        return out
    if kind == "required" and isinstance(value, dict):
        out = []
        for key in _listed(err.validator_value):
            if key in value:
                continue
            prop = sub.get("properties", {}).get(key, {})
            allowed = prop.get("enum")
            fix = f"add `{key}:` ({', '.join(map(str, allowed))})" if allowed else f"add `{key}:`"
            out.append(Problem(path, f"`{key}` is missing", fix))
        return out
    if kind == "enum":
        choices = [str(c) for c in _listed(err.validator_value)]
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        fix = f"did you mean `{close[0]}`?" if close else f"write one of: {', '.join(choices)}"
        return [Problem(path, f"{_show(value)} is not one of {', '.join(choices)}", fix)]
    if kind == "type":
        if isinstance(value, int | float) and not isinstance(value, bool) and (
            "string" in _listed(err.validator_value)
        ):
            return [_number(path, value)]
        return [Problem(path, f"expected {_expected(err.validator_value)}, got {_type_of(value)}",
                        f"write {_expected(err.validator_value)}")]
    if kind == "pattern" or kind == "format":
        hint = sub.get("x-hint") or f"does not match {err.validator_value}"
        if "propertyNames" in err.absolute_schema_path:
            # jsonschema reports a bad key name at its mapping; point at the key itself.
            return [Problem((*path, str(value)), f"{_show(value)} {hint}", "", key=True)]
        return [Problem(path, f"{_show(value)} {hint}", "")]
    if kind in ("oneOf", "anyOf"):
        return _word_choice(err)
    if kind in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum",
                "uniqueItems"):
        return [Problem(path, _limit_message(kind, err.validator_value, value), "")]
    return [Problem(path, err.message, "")]


def _number(path: tuple[str | int, ...], value: Any) -> Problem:
    # {source} becomes the text as written (3.10), which YAML has already read as 3.1.
    return Problem(path, "{source} is a number, not a string", "quote it: \"{source}\"",
                   raw=str(value))


def _limit_message(kind: str, limit: Any, value: Any) -> str:
    return {
        "minItems": f"needs at least {limit} item(s)",
        "maxItems": f"takes at most {limit} item(s)",
        "minLength": "must not be empty" if limit == 1 else f"needs at least {limit} characters",
        "maxLength": f"is longer than {limit} characters",
        "minimum": f"{value} is less than {limit}",
        "maximum": f"{value} is more than {limit}",
        "uniqueItems": "holds the same item twice",
    }[kind]


def _word_choice(err: ValidationError) -> list[Problem]:
    """``oneOf``: if every branch failed on its type, say which types fit; else the best branch."""
    from jsonschema.exceptions import best_match

    context = list(err.context or [])
    top = [e for e in context if len(e.relative_path) == 0]
    if context and len(top) == len(context) and all(e.validator == "type" for e in top):
        wanted = []
        for e in top:
            for t in _listed(e.validator_value):
                if t not in wanted:
                    wanted.append(t)
        value = err.instance
        if isinstance(value, int | float) and not isinstance(value, bool) and "string" in wanted:
            return [_number(_path(err), value)]
        return [Problem(_path(err), f"expected {_expected(wanted)}, got {_type_of(value)}",
                        f"write {_expected(wanted)}")]
    # Prefer the branch whose type matched (its errors are about the content).
    typed = [e for e in context if e.validator != "type" and not (
        e.validator == "enum" and len(e.relative_path) == 0 and not isinstance(err.instance, str))]
    best = best_match(typed or context)
    if best is None:
        return [Problem(_path(err), err.message, "")]
    return _word(best)


def _listed(value: Any) -> list[Any]:
    """A schema keyword's value as a list (``type: string`` or ``type: [a, b]``)."""
    if isinstance(value, str):
        return [value]
    try:
        return list(value)
    except TypeError:
        return []


def _matches(pattern: str, key: Any) -> bool:
    import re

    return isinstance(key, str) and re.search(pattern, key) is not None
