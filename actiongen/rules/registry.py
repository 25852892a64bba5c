"""Finding rules through the ``actiongen.rules`` entry-point group.

An entry point names a :class:`Rule` subclass or a list (or tuple) of them.  The
built-in rules register in our own ``pyproject.toml`` the same way
(``builtin = "actiongen.rules.builtin:ALL"``); when actiongen runs from a source tree
that was never installed, that entry point does not exist and they are added directly.

Built-in rules win an id clash; a plugin that fails to load or names something that is
not a rule is reported on stderr and skipped, so a broken plugin never stops a check.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from importlib import import_module
from typing import Any

from actiongen.findings import Severity
from actiongen.rules.base import Rule

GROUP = "actiongen.rules"
_KINDS = frozenset({"workflow", "action"})


class PluginError(Exception):
    """A plugin entry point that does not load or does not name usable rules."""


def _invalid(rule: type[Rule]) -> str | None:
    """Why ``rule`` cannot be used, or None."""
    rid = getattr(rule, "id", None)
    if not isinstance(rid, str) or not rid.strip():
        return "has no `id`"
    if not isinstance(getattr(rule, "summary", None), str):
        return f"rule {rid!r} has no `summary`"
    if not isinstance(getattr(rule, "severity", None), Severity):
        return f"rule {rid!r}: `severity` is not an actiongen.findings.Severity"
    applies = getattr(rule, "applies_to", None)
    if not isinstance(applies, frozenset | set) or not applies or not applies <= _KINDS:
        return f"rule {rid!r}: `applies_to` must be a non-empty subset of {sorted(_KINDS)}"
    return None


def as_rules(obj: Any, name: str) -> list[type[Rule]]:
    """The rule classes an entry point's object names; :class:`PluginError` if it names others."""
    items = obj if isinstance(obj, list | tuple) else [obj]
    out = []
    for item in items:
        if not (isinstance(item, type) and issubclass(item, Rule)):
            raise PluginError(f"entry point {name!r} in group {GROUP} does not name a Rule class")
        why = _invalid(item)
        if why is not None:
            raise PluginError(f"entry point {name!r} in group {GROUP}: {item.__name__} {why}")
        out.append(item)
    return out


def _is_builtin(rule: type[Rule]) -> bool:
    return rule.__module__.startswith("actiongen.rules.")


def _warn(message: str) -> None:
    print(f"actiongen: warning: {message}", file=sys.stderr)


class EntryPoint:
    """One ``name = module:attr`` line of an entry-point group."""

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value

    def __repr__(self) -> str:
        return f"EntryPoint({self.name!r}, {self.value!r})"

    def load(self) -> Any:
        module, _, attr = self.value.partition(":")
        obj: Any = import_module(module.strip())
        for part in attr.strip().split(".") if attr.strip() else ():
            obj = getattr(obj, part)
        return obj


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of ``group`` in the installed distributions on ``sys.path``.

    What ``importlib.metadata.entry_points(group=...)`` answers, read straight from
    each ``*.dist-info/entry_points.txt``: importing importlib.metadata costs 20-30 ms,
    a fifth of a one-file check.  As there, the first distribution of a name on
    ``sys.path`` wins.
    """
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for base in sys.path:
        try:
            entries = sorted(os.scandir(base or "."), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            dist = name.split("-", 1)[0].rsplit(".", 1)[0].lower().replace("-", "_")
            if dist in seen:
                continue
            seen.add(dist)
            try:
                with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            if group in text:
                found.extend(_parse_entry_points(text, group))
    return found


def _parse_entry_points(text: str, group: str) -> list[EntryPoint]:
    out: list[EntryPoint] = []
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section == group and "=" in line:
            key, _, value = line.partition("=")
            out.append(EntryPoint(key.strip(), value.strip()))
    return out


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every known rule class, sorted by id."""
    builtins: dict[str, type[Rule]] = {}
    plugins: dict[str, tuple[type[Rule], str]] = {}
    # Sorted so that which of two clashing plugins wins does not depend on install order.
    for ep in sorted(entry_points(group=GROUP), key=lambda e: (e.name, e.value)):
        try:
            loaded = ep.load()
            rules = as_rules(loaded, ep.name)
        except PluginError as exc:
            _warn(str(exc))
            continue
        except Exception as exc:  # a broken plugin must not take the checker down
            _warn(f"cannot load rule plugin {ep.name!r} ({ep.value}): {type(exc).__name__}: {exc}")
            continue
        for rule in rules:
            if _is_builtin(rule):
                builtins.setdefault(rule.id, rule)
            elif rule.id in plugins and plugins[rule.id][0] is not rule:
                _warn(f"rule id {rule.id!r} from plugin {ep.name!r} is already provided by "
                      f"plugin {plugins[rule.id][1]!r}; ignoring it")
            else:
                plugins[rule.id] = (rule, ep.name)
    if not builtins:
        from actiongen.rules.builtin import ALL

        builtins = {rule.id: rule for rule in ALL}
    found = dict(builtins)
    for rid, (rule, ep_name) in plugins.items():
        if rid in found and found[rid] is not rule:
            _warn(f"plugin {ep_name!r} defines rule {rid!r}, which is built in; ignoring it")
            continue
        found[rid] = rule
    return tuple(sorted(found.values(), key=lambda r: r.id))


def get_rule(rule_id: str) -> type[Rule] | None:
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    return None
