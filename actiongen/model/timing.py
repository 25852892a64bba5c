"""How long a job may take: its timeout, its matrix legs and how many run at once.

``timeout-minutes`` bounds one leg of a job.  A matrix of ``legs`` legs with
``max-parallel: p`` runs in ``ceil(legs / p)`` waves, each up to the timeout; without
``max-parallel`` every leg may run at once (one wave).
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

from actiongen.load import Mapping, Scalar, Sequence, to_data

if TYPE_CHECKING:
    from actiongen.load import Node
    from actiongen.model.workflow import Job

#: GitHub runs at most this many legs of one matrix.
MAX_LEGS = 256
#: Past this many base combinations, include/exclude are not matched one by one.
_ENUMERATE_LIMIT = 4096


def timeout_of(job: Job) -> float | None:
    """The job's ``timeout-minutes`` as a number; None when missing or an expression."""
    return number_of(job.timeout_minutes)


def number_of(node: Node | None) -> float | None:
    """A plain non-negative number from a scalar (``30``, ``7.5``, ``"10"``), else None."""
    if not isinstance(node, Scalar) or node.value is None or isinstance(node.value, bool):
        return None
    value = node.value
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def is_expression(node: Node | None) -> bool:
    return isinstance(node, Scalar) and isinstance(node.value, str) and "${{" in node.value


def _values(node: Node) -> list[Any] | None:
    """A matrix dimension's values; None for an expression (unknown)."""
    if isinstance(node, Sequence):
        return [to_data(item) for item in node.items]
    return None


def _entries(node: Node | None) -> list[dict[str, Any]]:
    if not isinstance(node, Sequence):
        return []
    out: list[dict[str, Any]] = []
    for item in node.items:
        if isinstance(item, Mapping):
            data = to_data(item)
            if isinstance(data, dict):
                out.append(data)
    return out


def matrix_legs(job: Job) -> int | None:
    """How many legs the job's matrix has; 1 without a matrix, None when an expression
    decides (``matrix: ${{ fromJSON(...) }}``).

    Base combinations are the product of the dimensions (a dimension given by an
    expression counts as one value), minus those an ``exclude`` entry matches, plus one
    leg per ``include`` entry that matches no combination (GitHub's rule: an include
    entry extends every combination whose original values it does not contradict).
    """
    if job.strategy is None or job.strategy.matrix is None:
        return 1
    matrix = job.strategy.matrix
    if not isinstance(matrix, Mapping):
        return None
    nodes = {key: value for key, value in matrix.items() if key not in ("include", "exclude")}
    includes = _entries(matrix.get("include"))
    if not nodes:
        return max(1, min(len(includes), MAX_LEGS)) if includes else 1
    # A dimension given by an expression counts as one value.
    size = math.prod(len(v.items) if isinstance(v, Sequence) else 1 for v in nodes.values())
    if size > _ENUMERATE_LIMIT:
        return MAX_LEGS
    exclude_entries = _entries(matrix.get("exclude"))
    if not includes and not exclude_entries:
        return min(size, MAX_LEGS)  # the values themselves do not matter then
    dims: dict[str, list[Any]] = {}
    for key, value in nodes.items():
        values = _values(value)
        dims[key] = values if values is not None else [object()]  # unknown: one value
    # Combinations as tuples in the order of ``dims``; entries as (position, value).
    position = {k: i for i, k in enumerate(dims)}
    combos = list(itertools.product(*dims.values()))
    # An exclude entry matches a combination that has all its values; an empty one, or
    # one naming a key the matrix lacks, matches none.
    excludes = [[(position[k], v) for k, v in e.items()]
                for e in exclude_entries if e and all(k in position for k in e)]
    if excludes:
        combos = [c for c in combos
                  if not any(all(c[i] == v for i, v in e) for e in excludes)]
    extra = 0
    for inc in includes:
        pairs = [(position[k], v) for k, v in inc.items() if k in position]
        if not any(all(c[i] == v for i, v in pairs) for c in combos):
            extra += 1
    return min(len(combos) + extra, MAX_LEGS)


def max_parallel(job: Job) -> int | None:
    """``strategy.max-parallel`` as a positive integer; None when absent or unknown."""
    if job.strategy is None:
        return None
    n = number_of(job.strategy.max_parallel)
    return int(n) if n is not None and n >= 1 else None


class JobDuration:
    """Up to how long a job takes and how that was worked out.

    ``source`` says where ``per_leg`` comes from: "timeout", or how a missing one was
    counted (worded only when asked: most durations never reach a message).
    """

    __slots__ = ("_missing", "legs", "minutes", "parallel", "per_leg", "waves")

    def __init__(self, minutes: float, per_leg: float, waves: int, legs: int | None,
                 parallel: int | None, missing: str | None = None) -> None:
        self.minutes = minutes
        self.per_leg = per_leg
        self.waves = waves
        self.legs = legs
        self.parallel = parallel
        #: None when the job's timeout counts, else why it does not ("no timeout").
        self._missing = missing

    @property
    def source(self) -> str:
        if self._missing is None:
            return "timeout"
        return f"{self._missing}: counted as {fmt_minutes(self.per_leg)}"

    def __repr__(self) -> str:
        return (f"JobDuration(minutes={self.minutes!r}, per_leg={self.per_leg!r}, "
                f"waves={self.waves!r}, legs={self.legs!r}, parallel={self.parallel!r}, "
                f"source={self.source!r})")

    def describe(self) -> str:
        """``10``, ``3 x 10 (6 legs, max-parallel 2)`` or ``5 (no timeout: counted as 5)``."""
        per = fmt_minutes(self.per_leg)
        text = per if self.waves == 1 else f"{self.waves} x {per}"
        notes: list[str] = []
        if self.waves > 1:
            notes.append(f"{self.legs} legs, max-parallel {self.parallel}")
        if self._missing is not None:
            notes.append(self.source)
        return f"{text} ({', '.join(notes)})" if notes else text


def duration(job: Job, fallback: float) -> JobDuration:
    """The job's worst-case minutes; ``fallback`` stands in for a missing timeout."""
    timeout = timeout_of(job)
    missing: str | None = None
    if timeout is not None:
        per_leg = timeout
    else:
        per_leg = fallback
        missing = "timeout is an expression" if is_expression(job.timeout_minutes) else (
            "no timeout")
    if job.strategy is None:  # one leg, no max-parallel: what the two calls below answer
        return JobDuration(per_leg, per_leg, 1, 1, None, missing)
    legs = matrix_legs(job)
    parallel = max_parallel(job)
    known_legs = legs if legs is not None else 1
    waves = math.ceil(known_legs / parallel) if parallel else 1
    return JobDuration(per_leg * waves, per_leg, waves, legs, parallel, missing)


def fmt_minutes(minutes: float) -> str:
    return str(int(minutes)) if float(minutes).is_integer() else f"{minutes:.1f}"
