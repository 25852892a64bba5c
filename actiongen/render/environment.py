"""The Jinja environment: strict undefined names, and the filters that escape values.

Filters (the only way a descriptor value may reach the output):

``q``        a YAML scalar; ``${{`` in the value is neutralised.
``qx``       a YAML scalar for text that already holds actiongen's own expressions
             (build it with ``neutral`` on the user's part first).
``neutral``  the value with ``${{`` neutralised, for joining with actiongen's text.
``block(n)`` a script: a literal block indented ``n`` spaces, or a quoted scalar.
``secret`` / ``var``  ``${{ secrets.NAME }}`` / ``${{ vars.NAME }}`` for a validated name.
``var_or_literal``    an ARN or region written as is, or a variable name as ``vars.X``.
``expr``     a GitHub expression string literal.
``cond``     an ``if:`` condition actiongen wrote, plain when YAML allows it.

Templates write Jinja values as ``<{ value | q }>``: ``{{ }}`` is left to GitHub.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from actiongen.render import quote

if TYPE_CHECKING:
    import jinja2

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class TemplateBug(Exception):
    """A template asked for something the descriptor's validation should have excluded."""


def _checked_name(name: object) -> str:
    text = str(name)
    if not _NAME.fullmatch(text):
        raise TemplateBug(f"{text!r} is not a secret or variable name")
    return text


def secret_ref(name: object) -> str:
    return f"${{{{ secrets.{_checked_name(name)} }}}}"


def var_ref(name: object) -> str:
    return f"${{{{ vars.{_checked_name(name)} }}}}"


def var_or_literal(value: object) -> str:
    """``arn:...`` or ``eu-west-1`` as a literal; ``AWS_ROLE_ARN`` as ``vars.AWS_ROLE_ARN``."""
    text = str(value)
    # ARNs and regions hold ':' or '-', so they never read as a variable name.
    if _NAME.fullmatch(text):
        return quote.scalar(var_ref(text), expressions=True)
    return quote.scalar(text)


def _block(value: object, indent: int) -> str:
    return quote.block(str(value), indent)


def _blockx(value: object, indent: int) -> str:
    return quote.block(str(value), indent, expressions=True)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared, sandbox-free but strict Jinja environment over ``templates/``."""
    import jinja2

    from actiongen import pins
    from actiongen.resources import data_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        # GitHub's own ``${{ }}`` fills the templates, so Jinja values use <{ }>.
        variable_start_string="<{",
        variable_end_string="}>",
    )
    env.filters.update(
        q=lambda v: quote.scalar(v),
        qx=lambda v: quote.scalar(v, expressions=True),
        neutral=lambda v: quote.neutralize(str(v)),
        block=_block,
        blockx=_blockx,
        secret=secret_ref,
        var=var_ref,
        var_or_literal=var_or_literal,
        expr=lambda v: quote.expression_literal(str(v)),
        cond=quote.condition,
    )
    from actiongen.render.emit import emit_steps

    env.globals.update(uses=pins.uses, emit_steps=emit_steps)
    return env
