"""Findings the engine itself makes: they need ids and documentation like any rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports an `# actiongen: ignore[rule-id]` comment that suppressed nothing.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line and misleads readers
    into thinking a problem is known and accepted.

    ## Example
    ```yaml
        timeout-minutes: 5  # actiongen: ignore[timeout-missing] set above
    ```

    ## Use instead
    Delete the comment, or fix the rule id it names.
    """

    id = "unused-suppression"
    severity = Severity.WARNING
    summary = "a suppression comment that suppresses nothing"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        return iter(())  # made by the engine after every other rule has run


class InternalError(Rule):
    """
    ## What it does
    Reports that a rule crashed on this file. The other rules still ran.

    ## Why is this bad?
    The file was not fully checked. This is a bug in actiongen (or a plugin):
    please report it with the file that triggers it.

    ## Example
    (none: any file may trigger a bug)

    ## Use instead
    Report the bug; disable the failing rule in the configuration meanwhile.
    """

    id = "internal-error"
    severity = Severity.ERROR
    summary = "a rule crashed on this file; it was not fully checked"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        return iter(())
