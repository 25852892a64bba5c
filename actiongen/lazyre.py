"""Regular expressions compiled on first use, from a cache of compiled code.

A one-file check uses about a third of the checker's ~200 patterns, and compiling
them all at import was a large share of start-up.  ``lazy_compile`` returns an object
that compiles on first attribute access and then caches the bound methods it hands
out, so a hot ``PATTERN.search`` costs one dictionary hit.

Compiling is still costly: Python's regex compiler is written in Python, and the
patterns a corpus-sized check needs took ~14 ms in each process that used them (the
parent and every worker), ~10 ms of a one-file check.  So the compiler's output (the
code ``_sre`` runs) is kept in a cache file per interpreter version, and a pattern
found there is built from it in microseconds.  :func:`save`, called at the end of a
check, fills in the patterns the package declares that the file lacks; each entry is
checked against :func:`re.compile` before it is written.  The file lives in
``$ACTIONGEN_CACHE_DIR`` (an empty value turns the cache off), else
``$XDG_CACHE_HOME/actiongen`` or ``~/.cache/actiongen``; any problem with it only
means compiling as before.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's engine: loaded with re
import os
import re
import sys
from typing import Any, cast

#: Every (pattern, flags) the package has declared or compiled in this process.
_DECLARED: dict[tuple[str, int], None] = {}
#: The cache file's entries: (pattern, flags) -> the rest of ``_sre.compile``'s arguments.
_table: dict[tuple[str, int], tuple[Any, ...]] | None = None


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = compile_pattern(*self._args)
        value = getattr(compiled, name)
        self.__dict__[name] = value  # later lookups skip __getattr__
        return value

    def __repr__(self) -> str:
        return f"lazy_compile({self._args[0]!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Like :func:`re.compile`, deferred until the pattern is first used."""
    _DECLARED[(pattern, int(flags))] = None
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


def declare(pattern: str, flags: int = 0) -> None:
    """Name a pattern :func:`compile_pattern` may be asked for, so :func:`save` caches it."""
    _DECLARED[(pattern, int(flags))] = None


def compile_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """:func:`re.compile`, from the cache file's compiled code when it has the pattern."""
    key = (pattern, int(flags))
    entry = _entries().get(key)
    if entry:  # () marks a pattern this module cannot rebuild (see save)
        try:
            compiled: re.Pattern[str] = _sre.compile(pattern, *entry)
            return compiled
        except Exception:  # an entry this interpreter refuses: compile it again
            _entries().pop(key, None)
    _DECLARED[key] = None
    return re.compile(pattern, flags)


def cache_file() -> str | None:
    """The cache file for this interpreter, or None when caching is off."""
    folder = os.environ.get("ACTIONGEN_CACHE_DIR")
    if folder is None:
        home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(home, "actiongen")
    if not folder:
        return None
    # The compiled code's format belongs to one interpreter build.
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}"
    return os.path.join(folder, f"regex-{tag}.marshal")


def _entries() -> dict[tuple[str, int], tuple[Any, ...]]:
    global _table
    if _table is None:
        _table = {}
        path = cache_file()
        if path is not None:
            import marshal

            try:
                with open(path, "rb") as fh:
                    loaded = marshal.loads(fh.read())
            except (OSError, EOFError, ValueError, TypeError):
                loaded = None
            if isinstance(loaded, dict):
                _table = loaded
    return _table


def _entry(pattern: str, flags: int) -> tuple[Any, ...] | None:
    """``_sre.compile``'s arguments after ``pattern``, as :func:`re.compile` makes them,
    or None if the result would not equal what :func:`re.compile` returns."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    entry = (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex,
             tuple(indexgroup))
    built = _sre.compile(pattern, *entry)
    reference = re.compile(pattern, flags)
    if built != reference or built.groupindex != reference.groupindex:
        return None
    return entry


def save() -> None:
    """Write the cache file when declared patterns are missing from it (atomically;
    quietly not at all when it cannot be written)."""
    path = cache_file()
    if path is None:
        return
    table = _entries()
    missing = [key for key in _DECLARED if key not in table]
    if not missing:
        return
    for pattern, flags in missing:
        try:
            entry = _entry(pattern, flags)
        except Exception:  # not a pattern this module can rebuild
            entry = None
        # () keeps a pattern that cannot be rebuilt from being tried at every save.
        table[(pattern, flags)] = () if entry is None else entry
    import marshal
    import tempfile

    kept = {key: table[key] for key in _DECLARED if key in table}
    try:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".regex-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(kept))
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):
        return
