"""The built-in rules: every :class:`Rule` subclass defined in a module of this package.

Registered through the ``actiongen.rules`` entry-point group like any plugin.  Adding a
rule is adding a module; nothing else lists it.
"""

from __future__ import annotations

import pkgutil
import sys
from importlib import import_module
from pathlib import Path

from actiongen.rules.base import Rule

_NOT_RULES = {"base", "builtin", "registry"}


def _discover() -> list[type[Rule]]:
    found: list[type[Rule]] = []
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.name in _NOT_RULES or info.name.startswith("_"):
            continue
        try:
            module = import_module(f"actiongen.rules.{info.name}")
        except Exception as exc:  # one broken rule must not take every command down
            print(f"actiongen: rule module {info.name!r} failed to load: {exc}", file=sys.stderr)
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and value.__module__ == module.__name__
                and getattr(value, "id", None)
            ):
                found.append(value)
    return found


ALL: list[type[Rule]] = _discover()
