"""Descriptor problems: each names the file, position, key path, what is wrong and the fix."""

from __future__ import annotations

from dataclasses import dataclass

from actiongen.errors import UserError

#: More problems than this are summarised, so one typo cannot flood the terminal.
MAX_SHOWN = 20


def format_path(path: tuple[str | int, ...]) -> str:
    """``deploy.production.url`` / ``artifacts[0]``; ``(top level)`` for the root."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a descriptor."""

    path: tuple[str | int, ...]
    message: str
    fix: str = ""
    line: int | None = None
    column: int | None = None
    #: Stands for ``{source}`` in the texts when the source text is unknown.
    raw: str | None = None
    #: The problem is the last path element's key itself (its name), not its value.
    key: bool = False

    def with_source(self, text: str | None, line: int | None = None,
                    column: int | None = None) -> Problem:
        """The problem placed at ``line:column``, ``{source}`` replaced by ``text``."""
        if self.raw is None:
            return Problem(self.path, self.message, self.fix, line, column, key=self.key)
        shown = text if text is not None else self.raw
        return Problem(self.path, self.message.replace("{source}", shown),
                       self.fix.replace("{source}", shown), line, column, key=self.key)

    def render(self, source: str) -> str:
        if self.raw is not None:
            return self.with_source(None, self.line, self.column).render(source)
        where = source if self.line is None else f"{source}:{self.line}:{self.column}"
        text = f"{where}: {format_path(self.path)}: {self.message}"
        return f"{text}; {self.fix}" if self.fix else text


class DescriptorError(UserError):
    """The descriptor cannot be used; ``problems`` holds every reason, in file order."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = [p.render(source) for p in problems[:MAX_SHOWN]]
        if len(problems) > MAX_SHOWN:
            lines.append(f"{source}: ... and {len(problems) - MAX_SHOWN} more problems")
        super().__init__("\n".join(lines))
