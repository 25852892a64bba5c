"""The built-in rules: every :class:`Rule` subclass defined in a module of this package.

Registered through the ``actiongen.rules`` entry-point group like any plugin.  Adding a
rule is adding a module; nothing else lists it.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

from actiongen.rules.base import Rule

_NOT_RULES = {"base", "builtin", "registry"}


def _module_names() -> list[str]:
    # A directory listing, not pkgutil: importing pkgutil costs ~15 ms of start-up.
    names = set()
    for entry in os.listdir(os.path.dirname(__file__)):
        stem, ext = os.path.splitext(entry)
        if ext in (".py", ".pyc") and stem not in _NOT_RULES and not stem.startswith("_"):
            names.add(stem)
    return sorted(names)


def _discover() -> list[type[Rule]]:
    found: list[type[Rule]] = []
    for name in _module_names():
        try:
            module = import_module(f"actiongen.rules.{name}")
        except Exception as exc:  # one broken rule must not take every command down
            print(f"actiongen: rule module {name!r} failed to load: {exc}", file=sys.stderr)
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
