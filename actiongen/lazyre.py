"""Regular expressions compiled on first use.

A one-file check uses about a third of the checker's ~150 patterns, and compiling
them all at import was a large share of start-up.  ``lazy_compile`` returns an object
that compiles on first attribute access and then caches the bound methods it hands
out, so a hot ``PATTERN.search`` costs one dictionary hit.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = re.compile(*self._args)
        value = getattr(compiled, name)
        self.__dict__[name] = value  # later lookups skip __getattr__
        return value

    def __repr__(self) -> str:
        return f"lazy_compile({self._args[0]!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Like :func:`re.compile`, deferred until the pattern is first used."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
