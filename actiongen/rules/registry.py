"""Finding rules through the ``actiongen.rules`` entry-point group.

An entry point may name a :class:`Rule` subclass or a list of them.  The built-in
rules register in our own ``pyproject.toml`` the same way; when actiongen runs from a
source tree that was never installed, they are added directly.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

from actiongen.rules.base import Rule

GROUP = "actiongen.rules"


class PluginError(Exception):
    """A plugin entry point that does not load or does not name rules."""


def _as_rules(obj: Any, name: str) -> list[type[Rule]]:
    items = obj if isinstance(obj, list | tuple) else [obj]
    out = []
    for item in items:
        if not (isinstance(item, type) and issubclass(item, Rule)):
            raise PluginError(f"entry point {name!r} in group {GROUP} does not name a Rule class")
        out.append(item)
    return out


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every known rule class, built-ins first, then plugins, by id."""
    from importlib.metadata import entry_points

    found: dict[str, type[Rule]] = {}
    builtin_seen = False
    for ep in entry_points(group=GROUP):
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin must not take the checker down
            print(f"actiongen: cannot load rule plugin {ep.name!r}: {exc}", file=sys.stderr)
            continue
        try:
            rules = _as_rules(loaded, ep.name)
        except PluginError as exc:
            print(f"actiongen: {exc}", file=sys.stderr)
            continue
        for rule in rules:
            if rule.__module__.startswith("actiongen.rules."):
                builtin_seen = True
            found.setdefault(rule.id, rule)
    if not builtin_seen:
        from actiongen.rules.builtin import ALL

        for rule in ALL:
            found.setdefault(rule.id, rule)
    return tuple(sorted(found.values(), key=lambda r: r.id))


def get_rule(rule_id: str) -> type[Rule] | None:
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    return None
