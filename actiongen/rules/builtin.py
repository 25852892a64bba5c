"""The built-in rules, in one list (registered through the ``actiongen.rules`` group)."""

from __future__ import annotations

from actiongen.rules.base import Rule
from actiongen.rules.duplicate_key import DuplicateKey
from actiongen.rules.meta import InternalError, UnusedSuppression
from actiongen.rules.yaml_syntax import YamlSyntax

ALL: list[type[Rule]] = [
    YamlSyntax,
    DuplicateKey,
    UnusedSuppression,
    InternalError,
]
