"""Choosing one runtime version from a version range (``engines.node``, ``requires-python``).

A range says which versions the project supports. CI should run a version that is both
supported and current, so: the default (current) line when the range allows it, else the
newest line the range allows below it, else the range's lower bound.
"""

from __future__ import annotations

import re

Version = tuple[int, ...]

_CLAUSE = re.compile(r"(\^|~=|~|>=|<=|>|<|===|==|=|!=)?\s*v?(\d+(?:\.(?:\d+|[xX*]))*)")
_HYPHEN = re.compile(r"v?(\d+(?:\.\d+)*)\s+-\s+v?(\d+(?:\.\d+)*)")


def pick(spec: str, default: str, precision: int) -> str | None:
    """The version to test on for ``spec``; None when the spec says nothing usable.

    ``precision`` is how many components a version line has: 1 for Node (``20``),
    2 for Python (``3.12``).
    """
    wanted = _parse(default, precision)
    if wanted is None:
        return None
    best: Version | None = None
    for alternative in re.split(r"\|\|?", spec):
        interval = _interval(alternative, precision)
        if interval is None:
            continue
        lo, hi = interval
        if (lo is None or lo <= wanted) and (hi is None or wanted < hi):
            return default
        if hi is not None and hi <= wanted:
            candidate = _previous(hi) if lo is None or _previous(hi) >= lo else lo
        else:
            candidate = lo if lo is not None else wanted
        if best is None or candidate > best:
            best = candidate
    return None if best is None else ".".join(str(p) for p in best)


def _parse(text: str, precision: int) -> Version | None:
    parts = re.findall(r"\d+", text)
    if not parts:
        return None
    values = [int(p) for p in parts[:precision]]
    return tuple(values + [0] * (precision - len(values)))


def _interval(text: str, n: int) -> tuple[Version | None, Version | None] | None:
    """The [lo, hi) interval a conjunction of clauses allows, at precision ``n``."""
    text = text.strip()
    if not text or text in {"*", "x", "X", "latest", "any"}:
        return (None, None)
    hyphen = _HYPHEN.fullmatch(text)
    if hyphen:
        first = _components(hyphen.group(1))
        last = _components(hyphen.group(2))
        return (_at(first, n), _bump(last, min(len(last), n) - 1, n))
    lo_all: list[Version] = []
    hi_all: list[Version] = []
    found = False
    for match in _CLAUSE.finditer(text):
        found = True
        op = match.group(1) or "=="
        raw = match.group(2)
        parts = _components(raw)
        wildcard = bool(re.search(r"\.[xX*]", raw))
        lo, hi = _clause(op, parts, n, wildcard)
        if lo is not None:
            lo_all.append(lo)
        if hi is not None:
            hi_all.append(hi)
    if not found:
        return None
    lo_final = max(lo_all) if lo_all else None
    hi_final = min(hi_all) if hi_all else None
    if lo_final is not None and hi_final is not None and lo_final >= hi_final:
        return None
    return (lo_final, hi_final)


def _clause(op: str, parts: list[int], n: int,
            wildcard: bool) -> tuple[Version | None, Version | None]:
    given = len(parts)
    if op == "!=":
        return (None, None)
    if op == ">=":
        return (_at(parts, n), None)
    if op == ">":
        # ">3.9" means "3.10 or newer" in practice; ">3.9.1" still allows 3.9.
        return ((_at(parts, n) if given > n else _bump(parts, given - 1, n)), None)
    if op == "<":
        exact = _at(parts, n)
        rest = any(parts[n:])
        return (None, _bump(parts, n - 1, n) if rest else exact)
    if op == "<=":
        return (None, _bump(parts, min(given, n) - 1, n))
    if op == "^":
        index = next((i for i, p in enumerate(parts) if p != 0), given - 1)
        return (_at(parts, n), _bump(parts, min(index, n - 1), n))
    if op == "~":
        return (_at(parts, n), _bump(parts, min(1 if given >= 2 else 0, n - 1), n))
    if op == "~=":
        return (_at(parts, n), _bump(parts, min(max(given - 2, 0), n - 1), n))
    # ==, =, ===, bare and wildcard versions: the line(s) the version names.
    del wildcard
    return (_at(parts, n), _bump(parts, min(given, n) - 1, n))


def _components(text: str) -> list[int]:
    return [int(p) for p in re.findall(r"\d+", text)]


def _at(parts: list[int], n: int) -> Version:
    values = parts[:n]
    return tuple(values + [0] * (n - len(values)))


def _bump(parts: list[int], index: int, n: int) -> Version:
    """``parts`` with component ``index`` incremented and later ones zeroed, at precision n."""
    values = (parts + [0] * n)[: max(index + 1, 1)]
    values[-1] += 1
    return tuple((values + [0] * n)[:n])


def _previous(version: Version) -> Version:
    values = list(version)
    for i in range(len(values) - 1, -1, -1):
        if values[i] > 0:
            values[i] -= 1
            # Unknown how many minor lines the previous major had; stay at its newest known.
            for j in range(i + 1, len(values)):
                values[j] = 99
            break
    return tuple(values)


_NODE_CODENAMES = {
    "argon": "4", "boron": "6", "carbon": "8", "dubnium": "10", "erbium": "12",
    "fermium": "14", "gallium": "16", "hydrogen": "18", "iron": "20", "jod": "22",
    "krypton": "24",
}


def exact_node(text: str, default: str) -> str | None:
    """A version from ``.nvmrc`` / ``.node-version``: ``v20.11.1``, ``lts/iron``, ``node``."""
    value = text.strip().split()[0] if text.strip() else ""
    value = value.lower()
    if not value:
        return None
    if value.startswith("lts/"):
        return _NODE_CODENAMES.get(value[4:], default)
    if value in {"node", "stable", "latest", "current"}:
        return default
    match = re.fullmatch(r"v?(\d+(?:\.\d+){0,2})(?:\.x)?", value)
    return match.group(1) if match else pick(value, default, 1)


def exact_python(text: str) -> str | None:
    """A version from ``.python-version`` / ``runtime.txt``: ``3.12.1``, ``python-3.11``."""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.search(r"(\d+\.\d+(?:\.\d+)?)", line)
        # pyenv also accepts names like "pypy3.10-7.3"; only plain CPython versions count.
        if match and not line.lower().startswith(("pypy", "graalpy", "miniconda", "anaconda")):
            return match.group(1)
        return None
    return None
