"""Escaping descriptor values for the generated YAML and for GitHub expressions.

Every value from the descriptor reaches the workflow through :func:`scalar` (or
:func:`block` for scripts).  Two layers of safety:

* YAML: the value is a plain scalar only when it matches a strict allow-list
  (letters, digits and a few punctuation marks, nothing YAML could read as another
  type); otherwise it is double-quoted with every non-printable character escaped,
  so no value can end its scalar, open a key or start a comment.
* GitHub expressions: GitHub evaluates ``${{ }}`` in most string fields.  A value's
  ``${{`` is written as ``${{ '${{' }}``, an expression whose result is the text
  ``${{``, so the value reads as typed and can never run as an expression.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"(?:[A-Za-z_/]|\.[A-Za-z_/.])[A-Za-z0-9_./@+=-]*(?:[ :][A-Za-z0-9_./@+=-]+)*")
# Words some YAML reader (1.1 or 1.2) would turn into booleans, nulls or numbers.
_SPECIAL = frozenset({
    "y", "yes", "n", "no", "true", "false", "on", "off", "null", "nan", "inf",
})
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\0": "\\0",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
    "\ufeff": "\\uFEFF",
}

_BREAKS = frozenset("\x85\u2028\u2029")

EXPRESSION_OPEN = "${{"
#: What ``${{`` in a value becomes: an expression that yields the text ``${{``.
NEUTRAL_OPEN = "${{ '${{' }}"


def neutralize(text: str) -> str:
    """``text`` with every ``${{`` turned into an expression yielding ``${{`` (one pass)."""
    return text.replace(EXPRESSION_OPEN, NEUTRAL_OPEN)


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (
        0x20 <= o <= 0x7E
        or 0xA0 <= o <= 0xD7FF
        or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)
        or 0x10000 <= o <= 0x10FFFF
    )


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text``."""
    out = ['"']
    for ch in text:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(f"\\U{ord(ch):08X}")
    out.append('"')
    return "".join(out)


def is_plain_safe(text: str) -> bool:
    """True when ``text`` can stand unquoted and still read back as this same string."""
    return (
        bool(_PLAIN.fullmatch(text))
        and text.lower().lstrip(".") not in _SPECIAL
        and not text.endswith(":")
    )


def scalar(value: object, *, expressions: bool = False) -> str:
    """A YAML scalar for ``value``; strings lose any power to open an expression.

    ``expressions=True`` is for text actiongen itself wrote (``${{ github.sha }}``).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if not expressions:
        text = neutralize(text)
    return text if is_plain_safe(text) else double_quoted(text)


def block(value: str, indent: int, *, expressions: bool = False) -> str:
    """A script as a literal block (``|-`` and lines indented by ``indent``) when that
    round-trips exactly, else a double-quoted scalar.  Use it right after ``key: ``.
    """
    text = value if expressions else neutralize(value)
    if "\n" not in text.rstrip("\n"):
        return scalar(text, expressions=True)
    lines = text.split("\n")
    trailing = len(text) - len(text.rstrip("\n"))
    body = text.rstrip("\n").split("\n")
    first = next((line for line in body if line), "")
    safe = (
        trailing <= 1
        # Line breaks YAML 1.1 knows beyond \n (NEL, LS, PS) would split a block line.
        and all((_printable(c) and c not in _BREAKS) or c == "\t" for line in lines for c in line)
        # The first non-empty line sets the block's indentation: it must not add its own.
        and not first.startswith((" ", "\t"))
        and not any(line.endswith((" ", "\t")) for line in body)
        and "\r" not in text
    )
    if not safe:
        return double_quoted(text)
    pad = " " * indent
    chomp = "" if trailing == 1 else "-"
    rendered = "\n".join(pad + line if line else "" for line in body)
    return f"|{chomp}\n{rendered}"


def expression_literal(text: str) -> str:
    """A GitHub expression string literal (``'it''s'``)."""
    return "'" + text.replace("'", "''") + "'"


_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")


def condition(text: str) -> str:
    """An ``if:`` condition actiongen wrote: plain when YAML reads it back unchanged.

    Conditions starting with ``!`` are wrapped in ``${{ }}``, as GitHub requires.
    """
    if text.startswith("!"):
        text = "${{ " + text + " }}"
    plain = (
        text == text.strip()
        and not text.startswith(_INDICATORS)
        and ": " not in text
        and " #" not in text
        and "\n" not in text
        and not text.endswith(":")
        and all(_printable(c) for c in text)
        and text.lower() not in _SPECIAL
    )
    return text if plain else double_quoted(text)
