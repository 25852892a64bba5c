"""environment-near-miss: an environment name that is one typo away from a known one."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from actiongen.config import DEFAULT_PRODUCTION
from actiongen.findings import Severity
from actiongen.lazyre import lazy_compile
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding
    from actiongen.load import Scalar

#: A target's number (`prod1`, `prod-2`), ignored when comparing names.
_NUMBER = lazy_compile(r"[-_.]?\d+")


#: Names so common that a near-miss of them is a typo even without configuration.
CONVENTIONAL = ("production", "staging")
_TOKENS = lazy_compile(r"[-_./ ]+")


def distance(a: str, b: str, limit: int = 3) -> int:
    """Edit distance counting a swap of neighbours as one edit (optimal string alignment)."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def _deliberate_variant(a: str, b: str) -> bool:
    """`prod-us`/`prod-eu`, `node1`/`node2`, `v1`/`v2`: distinct targets, not typos."""
    ta, tb = _TOKENS.split(a.lower()), _TOKENS.split(b.lower())
    if len(ta) == len(tb):
        differing = [(x, y) for x, y in zip(ta, tb, strict=True) if x != y]
        if len(differing) == 1:
            x, y = differing[0]
            if len(x) <= 3 and len(y) <= 3:
                return True
    # Numbered targets: `prod1`/`prod2`, `prod-1`/`prod`.
    return _NUMBER.sub("", a.lower()) == _NUMBER.sub("", b.lower())


#: (name, known, case_matters) -> verdict: the same names come back in file after file
#: ("production", "staging", "github-pages"), each compared with the same known names.
_NEAR: dict[tuple[str, str, bool], bool] = {}


def near_miss(name: str, known: str, *, case_matters: bool = True) -> bool:
    """``name`` looks like a misspelling of ``known`` (or, when ``case_matters``, differs
    from it only in case)."""
    key = (name, known, case_matters)
    verdict = _NEAR.get(key)
    if verdict is None:
        verdict = _near_miss(name, known, case_matters)
        if len(_NEAR) < 4096:
            _NEAR[key] = verdict
    return verdict


def _near_miss(name: str, known: str, case_matters: bool) -> bool:
    lowered, known_lowered = name.lower(), known.lower()
    if lowered == known_lowered:
        return case_matters and name != known
    shortest = min(len(name), len(known))
    allowed = 2 if shortest >= 7 else 1 if shortest >= 4 else 0
    # Each edit changes the length by one at most: too far apart in length to be close.
    if allowed == 0 or abs(len(lowered) - len(known_lowered)) > allowed:
        return False
    if _deliberate_variant(name, known):
        return False
    return distance(lowered, known_lowered, allowed + 1) <= allowed


class EnvironmentNearMiss(Rule):
    """
    ## What it does
    Reports an `environment:` name that is a near-miss of a known name: one the
    configuration lists (`environments`, or a plain name under `production`), a
    conventional name (`production`, `staging`, `prod`, `live`), or another environment
    used in the same file. Near-miss means the same name in a different case (except
    against a conventional name: `Production` alone is fine), or within one edit
    (names of 4 to 6 characters) or two edits (7 or more) where swapping two neighbouring
    letters counts as one edit. Names that differ only in a short token or a number
    (`prod-us`/`prod-eu`, `node1`/`node2`, `prod-2`/`prod`) are taken as deliberate.
    Between two names of the same file, the rarer one is reported (the later one on a
    tie). Names computed by `${{ }}` expressions are not judged.

    ## Why is this bad?
    GitHub creates an environment the first time a job names it, silently and with no
    protection rules and no secrets. A deploy to `prodution` therefore runs without the
    reviewers and branch rules of `production`, and its `secrets.*` resolve to the
    repository's values or to empty strings. Names that differ only in case are one
    environment to GitHub, but not to the configuration, dashboards and scripts that
    compare them exactly.

    ## Example
    ```yaml
    jobs:
      deploy:
        environment: prodution
    ```

    ## Use instead
    ```yaml
    jobs:
      deploy:
        environment: production
    ```
    If the name is meant, add it to `check: environments:` in the configuration.
    """

    id = "environment-near-miss"
    severity = Severity.WARNING
    summary = "an environment name is a near-miss of a known one"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        uses: list[tuple[str, Scalar, str]] = []
        for job in wf.jobs.values():
            env = job.environment
            if env is None or env.name is None or "${{" in env.name.text:
                continue
            uses.append((env.name.text.strip(), env.name, job.id))
        if not uses:
            return
        production = list(ctx.config.production)
        if sorted(production) == sorted(DEFAULT_PRODUCTION):
            production = []  # the defaults are conventions, not this project's spelling
        configured = [n for n in (*ctx.config.environments, *production)
                      if not re.search(r"[*?\[]", n)]
        conventional = [n for n in (*CONVENTIONAL, *DEFAULT_PRODUCTION)
                        if n.lower() not in {c.lower() for c in configured}]
        counts = Counter(name for name, _, _ in uses)
        first_seen: dict[str, int] = {}
        for i, (name, _, _) in enumerate(uses):
            first_seen.setdefault(name, i)
        for name, node, job_id in uses:
            if name in configured or name in conventional:
                continue
            intended = next((k for k in configured if near_miss(name, k)), None) or next(
                (k for k in conventional if near_miss(name, k, case_matters=False)), None
            )
            if intended is None:
                for other in counts:
                    if other == name or not near_miss(name, other):
                        continue
                    # Report the rarer spelling; on a tie, the one written later.
                    if (counts[other], -first_seen[other]) > (counts[name], -first_seen[name]):
                        intended = other
                        break
            if intended is None:
                continue
            if name.lower() == intended.lower():
                message = (
                    f"environment `{name}` differs only in case from `{intended}`: GitHub "
                    "treats them as one environment, but the configuration, scripts and "
                    "dashboards that compare names exactly do not"
                )
            else:
                message = (
                    f"environment `{name}` looks like a misspelling of `{intended}`; a "
                    "misspelt environment is created on first use, without the protection "
                    "rules and secrets of the intended one"
                )
            yield self.finding(
                ctx,
                node,
                message,
                f"rename it to `{intended}`, or add `{name}` to `check: environments:` if it "
                "is meant",
                job=job_id,
            )
