"""yaml-syntax: the file is not usable YAML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class YamlSyntax(Rule):
    """
    ## What it does
    Reports files that cannot be read as a single YAML document: syntax errors,
    invalid UTF-8, binary files, empty files, several documents in one file, alias
    bombs and absurdly deep nesting.

    ## Why is this bad?
    GitHub refuses to run a workflow it cannot parse, and says so only after the push.

    ## Example
    ```yaml
    jobs:
      build:
        runs-on: ubuntu-latest
         steps: []   # indented one space too far
    ```

    ## Use instead
    ```yaml
    jobs:
      build:
        runs-on: ubuntu-latest
        steps: []
    ```
    """

    id = "yaml-syntax"
    severity = Severity.ERROR
    summary = "the file is not a single, valid YAML document"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        for p in ctx.problems:
            if p.kind in ("syntax", "encoding"):
                yield self.finding(ctx, p.span, p.message, p.fix)
