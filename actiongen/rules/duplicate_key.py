"""duplicate-key: a mapping names the same key twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class DuplicateKey(Rule):
    """
    ## What it does
    Reports a key that appears twice in the same mapping.

    ## Why is this bad?
    GitHub rejects the whole workflow; most YAML libraries silently keep the last
    value, so local tools may disagree with GitHub about what the file says.

    ## Example
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-latest
        runs-on: windows-latest
    ```

    ## Use instead
    Keep one of the two keys.
    """

    id = "duplicate-key"
    severity = Severity.ERROR
    summary = "a mapping names the same key twice"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        for p in ctx.problems:
            if p.kind == "duplicate-key":
                yield self.finding(ctx, p.span, p.message, p.fix)
