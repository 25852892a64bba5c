"""hardcoded-credential: a credential written into the file itself.

The value found is never put in a message: messages name the kind of credential and
its redacted form, and the value's span goes to ``ctx.redactions`` so every code frame
masks it.

Cost matters here: the rule reads every value of every file.  Each issuer's pattern is
tried only where a literal search finds its prefix; the walk over the node tree looks
at a value only when it is a string long enough to be a credential; and scripts are
searched for assignments only in the few files where two quick searches find a name
that may say credential before `=` (or after `--`).  Every such gate is a necessary
condition for a finding, so the findings are those of the plain patterns.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.lazyre import lazy_compile
from actiongen.load import Mapping, Scalar, Sequence, may_share_nodes
from actiongen.report.redact import redacted_form
from actiongen.rules._hygiene import script_inputs, steps_of
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding
    from actiongen.load import Node
    from actiongen.model.workflow import Job, Step


#: Credentials recognisable by their shape alone, wherever they appear (values, keys,
#: comments): each issuer gives its tokens a fixed prefix for exactly this purpose.
#: Each entry: kind, pattern, the group holding the random part (which a placeholder
#: check looks at), and a finder: the literal prefix every match starts with (or a
#: pattern of a few characters matching it, or a literal every match holds with the
#: texts that may come before it in a match).  The patterns start with look-behinds,
#: which keep the regex engine from skipping ahead to the prefix; a literal search
#: runs at memory speed, so each pattern is tried only where its finder stops (see
#: :func:`_matches`).
_Finder = str | re.Pattern[str] | tuple[str, tuple[str, ...]]
PATTERNS: tuple[tuple[str, re.Pattern[str], int, _Finder], ...] = (
    (
        "AWS access key id",
        lazy_compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)([A-Z0-9]{16})(?![A-Za-z0-9])"),
        1, lazy_compile(r"A[KS]IA"),
    ),
    (
        "GitHub token",
        lazy_compile(r"(?<![A-Za-z0-9_])(?:ghp|gho|ghs|ghu|ghr)_([A-Za-z0-9]{36})(?![A-Za-z0-9])"),
        1, lazy_compile(r"gh[pousr]_"),
    ),
    (
        "GitHub fine-grained token",
        lazy_compile(r"(?<![A-Za-z0-9_])github_pat_([A-Za-z0-9_]{70,})"),
        1, "github_pat_",
    ),
    (
        "npm token",
        lazy_compile(r"(?<![A-Za-z0-9_])npm_([A-Za-z0-9]{36})(?![A-Za-z0-9])"),
        1, "npm_",
    ),
    (
        "PyPI token",
        lazy_compile(r"(?<![A-Za-z0-9_])pypi-AgEIcHlwaS5vcmc([A-Za-z0-9_\-]{50,})"),
        1, "pypi-AgEIcHlwaS5vcmc",
    ),
    (
        "Slack token",
        lazy_compile(r"(?<![A-Za-z0-9])xox[abposr]-([0-9]{6,}-[A-Za-z0-9-]{10,})"),
        1, lazy_compile(r"xox[abposr]-"),
    ),
    (
        "Slack webhook URL",
        lazy_compile(r"https?://hooks\.slack\.com/(?:services|workflows|triggers)/"
                     r"([A-Za-z0-9_/\-]{20,})"),
        # (The long literal is found faster than the pattern's `h` would be.)
        1, ("://hooks.slack.com/", ("https", "http")),
    ),
    (
        "private key",
        lazy_compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----"
                     r"[ \t]*(?:#[^\n]*)?"  # a YAML comment after the marker
                     r"((?:\s|\\n)*(?:[A-Za-z][A-Za-z\-]*:[^\n]*\n)*"  # PEM headers
                     r"(?:[A-Za-z0-9+/=\s]|\\n)+)"
                     r"(?:-----END \1PRIVATE KEY(?: BLOCK)?-----)?"),
        2, "-----BEGIN ",
    ),
)

_AWS_SECRET = lazy_compile(r"[A-Za-z0-9/+]{40}")
_PLACEHOLDER_WORDS = (
    "example", "changeme", "change_me", "change-me", "placeholder", "dummy", "fake",
    "sample", "redacted", "your", "xxxx", "****", "test", "password", "token",
    "localhost", "insecure", "notreal", "not-real", "0000", "1234", "abcd", "todo",
)
_CREDENTIAL_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "pat",
     "credential", "credentials", "privatekey"}
)
_KEY_QUALIFIERS = frozenset(
    {"api", "access", "secret", "private", "signing", "encryption", "auth", "client",
     "master", "license", "account", "service"}
)
_CAMEL = lazy_compile(r"([a-z0-9])([A-Z])")
_WORD_SEPARATORS = lazy_compile(r"[_\-.\s]+")
_URL_PASSWORD = lazy_compile(r"\b[a-z][a-z0-9+.\-]*://[^:/\s@]+:([^@\s/]+)@", re.IGNORECASE)
#: What holds every URL password looks_random can accept (12 characters at least):
#: `postgres://postgres:postgres@localhost` does not need the full pattern.
_URL_PASSWORD_TAIL = lazy_compile(r"://[^:/\s@]+:[^@\s/]{12,}@")
_ASSIGNMENT = lazy_compile(
    r"(?:^|[\s;(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(['\"]?)([^\s'\"$`;|&)]+)\2"
    r"|--([a-z][a-z0-9\-]*)[= ](['\"]?)([^\s'\"$`;|&)]+)\5"
)

#: What a key name says about its value, by name (see :func:`_key_kind`); bounded.
_KEY_KINDS: dict[str, int] = {}
_CREDENTIAL = 1  # the name says credential (:func:`is_credential_name`)
_AWS = 2  # the name has the words aws and secret


def key_words(key: str) -> tuple[str, ...]:
    """The words of a name: ``awsSecretKey`` and ``AWS_SECRET-KEY`` give aws, secret, key."""
    return tuple(w for w in _WORD_SEPARATORS.split(_CAMEL.sub(r"\1_\2", key).lower()) if w)


def is_credential_name(key: str) -> bool:
    """Whether a key or variable name says its value is a credential.

    Only the last word counts: ``API_TOKEN`` and ``client_secret`` do,
    ``token_file`` and ``secret-name`` name something else.
    """
    return bool(_key_kind(key) & _CREDENTIAL)


def _key_kind(key: str) -> int:
    kind = _KEY_KINDS.get(key)
    if kind is not None:
        return kind
    kind = 0
    lower = key.lower()
    # Each credential word holds one of these (the aws-and-secret kind holds `secret`):
    # most names are settled without splitting them into words.
    if ("key" in lower or "token" in lower or "secret" in lower or "pass" in lower
            or "pat" in lower or "pwd" in lower or "credential" in lower):
        kind = _kind_of_words(key_words(key))
    if len(_KEY_KINDS) >= 8192:
        _KEY_KINDS.clear()
    _KEY_KINDS[key] = kind
    return kind


def _kind_of_words(words: tuple[str, ...]) -> int:
    kind = 0
    if words and (words[-1] in _CREDENTIAL_WORDS or (
            len(words) >= 2 and words[-1] == "key" and words[-2] in _KEY_QUALIFIERS)):
        kind |= _CREDENTIAL
    if "aws" in words and "secret" in words:
        kind |= _AWS
    return kind


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


_SEPARATORS = lazy_compile(r"[-_.]")
_NUMBERS = lazy_compile(r"[\d.\-_:/]+")
_LOWER_PATH = lazy_compile(r"[a-z0-9_.\-]+(?:/[a-z0-9_.\-]+)+")
_HOST = lazy_compile(r"[a-z0-9.\-]+\.[a-z]{2,}(?:/\S*)?")


def looks_random(value: str) -> bool:
    """A value that looks generated (a key or password), not a word, name, path or number."""
    if len(value) < 12 or len(value) > 512 or any(c.isspace() for c in value):
        return False
    if any(c in value for c in "$%{}<>") or value.startswith(("arn:", "/", "./", "~")):
        return False
    lower = value.lower()
    if any(word in lower for word in _PLACEHOLDER_WORDS):
        return False
    segments = [seg for seg in _SEPARATORS.split(value) if seg]
    if all(seg.isalpha() or len(seg) <= 3 for seg in segments):  # words, identifiers
        return False
    if _NUMBERS.fullmatch(value):  # numbers, versions, dates
        return False
    if _LOWER_PATH.fullmatch(value):  # lower-case paths
        return False
    if _HOST.fullmatch(value):  # host names
        return False
    classes = sum(
        (any(c.islower() for c in value), any(c.isupper() for c in value),
         any(c.isdigit() for c in value), any(not c.isalnum() for c in value))
    )
    return classes >= 2 and entropy(value) >= 3.0


def _fake_body(body: str) -> bool:
    """A prefixed token whose random part is a placeholder (``ghp_xxxx…``, ``AKIA…EXAMPLE``)."""
    compact = re.sub(r"[^A-Za-z0-9]", "", body)
    upper = compact.upper()
    if any(w in upper for w in ("EXAMPLE", "XXXX", "FAKE", "DUMMY", "SAMPLE")):
        return True
    if re.search(r"(.)\1{5,}", compact):
        return True
    return len(compact) >= 16 and len(set(compact)) < 8


class HardcodedCredential(Rule):
    """
    ## What it does
    Reports credentials written into a workflow or action file: AWS access key ids
    (`AKIA…`, `ASIA…`) and secret keys, GitHub tokens (`ghp_`, `gho_`, `ghs_`, `ghu_`,
    `ghr_`, `github_pat_`), npm and PyPI tokens, Slack tokens (`xoxb-…`) and webhook URLs
    (`https://hooks.slack.com/services/…`), private key blocks
    (`-----BEGIN … PRIVATE KEY-----`), passwords inside URLs, and random-looking values
    under credential-like names (`password`, `secret`, `token`, `api_key`, …) in `env:`,
    `with:`, `run:` or anywhere else. Expressions (`${{ secrets.X }}`), shell variables
    and obvious placeholders (`changeme`, `example`, `xxxx`) are not reported, nor are the
    environment variables of service containers (`POSTGRES_PASSWORD: postgres` on a
    throwaway test database is not a secret).

    The value itself is never shown: messages give its kind and length, and code frames
    mask it, in every output format.

    ## Why is this bad?
    Everyone who can read the repository—and, for a public one, everyone—can read the
    credential, along with every fork and clone made since, and it stays in the git
    history after it is deleted. Automated scanners find such credentials within minutes
    of a push.

    ## Example
    ```yaml
        - run: ./deploy.sh
          env:
            AWS_ACCESS_KEY_ID: AKIA…            # a real key id
            API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0
    ```

    ## Use instead
    Revoke the credential now (it is compromised), store a new one as an encrypted
    secret, and reference it; for cloud providers prefer OIDC, which needs no stored key:
    ```yaml
        - run: ./deploy.sh
          env:
            API_TOKEN: ${{ secrets.API_TOKEN }}
    ```
    """

    id = "hardcoded-credential"
    severity = Severity.ERROR
    summary = "a credential is written into the file"
    applies_to = frozenset({"workflow", "action"})

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: list[tuple[int, int]] = []
        for kind, start, end in _shaped(ctx.doc.text):
            seen.append((start, end))
            yield self._report(ctx, kind, start, end, None)
        for kind, start, end, name in _named(ctx):
            if any(s < end and start < e for s, e in seen):
                continue  # already reported by its shape
            seen.append((start, end))
            yield self._report(ctx, kind, start, end, name)

    def _report(self, ctx: Context, kind: str, start: int, end: int, name: str | None) -> Finding:
        value = ctx.doc.text[start:end]
        span = ctx.doc.span_of(start, end)
        ctx.redactions.append(span)
        job, step = _owner(ctx, start)
        where = f" in `{name}`" if name else ""
        return self.finding(
            ctx, span,
            f"hard-coded {kind}{where} ({redacted_form(value)}): anyone who can read the "
            "repository can use it, and it stays in the git history",
            "revoke it now, store a new one as an encrypted secret and reference it as "
            "`${{ secrets.NAME }}` (for cloud providers, prefer OIDC)",
            job=job, step=step,
        )


def _shaped(text: str) -> Iterator[tuple[str, int, int]]:
    for kind, regex, body_group, finder in PATTERNS:
        if kind == "private key" and "PRIVATE KEY" not in text:
            continue  # a quicker test than looking for the many dashes of the marker
        for m in _matches(regex, finder, text):
            body = m.group(body_group)
            if kind == "private key":
                if len(re.findall(r"[A-Za-z0-9+/=]", body)) < 64:
                    continue  # a marker in a script (`grep "-----BEGIN…"`), not a key
            elif _fake_body(body):
                continue
            yield kind, m.start(), m.end()


def _matches(regex: re.Pattern[str], finder: _Finder, text: str) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)``, given that every match starts where ``finder`` (a
    literal, or a pattern of a few characters) is found, or, for a ``(literal, heads)``
    finder, starts with one of ``heads`` followed by ``literal``.

    Matching at a position still sees the text before it, so look-behinds hold.
    """
    # (`regex.match` is looked up only at a candidate: the patterns compile on first
    # use, and most files never need them.)
    if isinstance(finder, tuple):
        yield from _matches_behind(regex, finder[0], finder[1], text)
        return
    if isinstance(finder, str):
        find = text.find
        at = find(finder)
        while at != -1:
            m = regex.match(text, at)
            if m is None:
                at = find(finder, at + 1)
                continue
            yield m
            at = find(finder, m.end())  # never empty: every match holds the finder
        return
    search = finder.search
    pos = 0
    while (hit := search(text, pos)) is not None:
        m = regex.match(text, hit.start())
        if m is None:
            pos = hit.start() + 1
            continue
        yield m
        pos = m.end()  # never empty: every match holds its finder's text


def _matches_behind(regex: re.Pattern[str], literal: str, heads: tuple[str, ...], text: str
                    ) -> Iterator[re.Match[str]]:
    """:func:`_matches` for a match that starts with one of ``heads`` (at most one fits
    a place: none is another's suffix) followed by ``literal``; matches do not overlap."""
    find = text.find
    pos = 0  # where the next match may start: the end of the last one
    at = find(literal)
    while at != -1:
        for head in heads:
            start = at - len(head)
            if start >= pos and text.startswith(head, start):
                m = regex.match(text, start)
                if m is not None:
                    yield m
                    pos = m.end()
                break
        at = find(literal, at + 1)


_Hit = tuple[str, int, int, str]


def _named(ctx: Context) -> list[_Hit]:
    """Credential-looking values found by the name they are stored under."""
    hits: list[_Hit] = []
    root = ctx.doc.root
    text = ctx.doc.text
    if root is not None:
        seen: set[int] | None = set() if may_share_nodes(text) else None
        _named_in(text, root, None, None, None, seen, hits)
    # Two searches of the whole text rule out almost every file (21 of 703 in the
    # corpus pass), cheaper than looking at each of its scripts; in the others, the
    # same searches bounded to a script rule out most scripts (see _may_assign).
    # (`in` runs at memory speed, the regex's scan for its `--` does not.)
    if _ASSIGNS_CREDENTIAL.search(text) is None and (
            "--" not in text or _OPTION_CREDENTIAL.search(text) is None):
        return hits
    for _job, step in steps_of(ctx):
        for scalar, _where in script_inputs(step, command_lines=True):
            if _may_assign(text, scalar.start, scalar.end):
                _script_assignments(text, scalar, hits)
    return hits


def _may_assign(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a match of :data:`_ASSIGNS_CREDENTIAL` or
    :data:`_OPTION_CREDENTIAL`, as every script with an assignment
    :func:`_script_assignments` reports does (the searches' look-behinds may also see
    the text before ``start``: that can only let more scripts through)."""
    return _ASSIGNS_CREDENTIAL.search(text, start, end) is not None or (
        text.find("--", start, end) != -1
        and _OPTION_CREDENTIAL.search(text, start, end) is not None)


def _named_in(text: str, node: Node, last: str | None, middle: str | None,
              third: str | None, seen: set[int] | None, hits: list[_Hit]) -> None:
    """Check the scalar values below ``node``, in document order.

    ``last``, ``middle`` and ``third`` are the last three steps of the path to ``node``
    (keys, or ``[]`` for a sequence item; None above the root): the checks need no more.
    Mappings and sequences are visited once (an alias shares them; ``seen`` is None
    when the file has no alias); a scalar is checked under each key it is stored under.
    """
    if seen is not None:
        if id(node) in seen:
            return
        seen.add(id(node))
    # `type() is` rather than isinstance: the loader makes exactly these classes, and
    # this loop runs for every node of every file.
    if type(node) is Mapping:
        # The environment of a service container configures a throwaway test service.
        if third == "services" and last == "env":
            return
        kinds = _KEY_KINDS
        for key, value in node.pairs:
            if type(value) is Scalar:
                # Most values are short, or stored under a name that says nothing and
                # hold no URL: they cost these few tests.
                if len(value.text) < 12:
                    continue
                v = value.value
                if type(v) is not str:
                    continue
                name = key.text
                kind = kinds.get(name)
                if kind is None:
                    kind = _key_kind(name)
                if kind or ("://" in v and "@" in v):
                    _check_value(text, name, kind, value, v, last, hits)
            elif type(value) is Sequence and seen is None:
                # (Inline: most sequences hold scalars only, and need no call.)
                for item in value.items:
                    if type(item) is not Scalar:
                        _named_in(text, item, "[]", key.text, last, None, hits)
            else:
                _named_in(text, value, key.text, last, middle, seen, hits)
    elif type(node) is Sequence:
        for item in node.items:
            if type(item) is not Scalar:
                _named_in(text, item, "[]", last, middle, seen, hits)


def _check_value(doc_text: str, key: str, kind_of_key: int, value: Scalar, text: str,
                 parent: str | None, hits: list[_Hit]) -> None:
    name = key if parent is None or parent == "[]" else f"{parent}.{key}"
    if "://" in text and "@" in text:
        raw = doc_text[value.start : value.end]
        # Every reportable match holds `://user:password@` with a long password: a
        # script that merely holds a URL and an `@` (a long one, often) is not searched
        # with the slow pattern.
        if _URL_PASSWORD_TAIL.search(raw) is not None:
            for m in _URL_PASSWORD.finditer(raw):
                if looks_random(m.group(1)):
                    hits.append(("password in a URL", value.start + m.start(1),
                                 value.start + m.end(1), name))
    if not kind_of_key:
        return
    text = text.strip()
    if "${{" in text or "\n" in text:
        return
    if kind_of_key & _AWS and _AWS_SECRET.fullmatch(text):
        kind = "AWS secret access key" if not _fake_body(text) else None
    else:
        kind = "value under a credential-like name" if looks_random(text) else None
    if kind is None:
        return
    raw = doc_text[value.start : value.end]
    at = raw.find(text)
    if at == -1:  # escapes in a quoted scalar: mask the whole scalar
        hits.append((kind, value.start, value.end, name))
    else:
        hits.append((kind, value.start + at, value.start + at + len(text), name))


def _script_assignments(doc_text: str, scalar: Scalar, hits: list[_Hit]) -> None:
    """``export API_TOKEN=…`` and ``--password=…`` with a literal value in a script."""
    start, end = scalar.start, scalar.end
    # Every assignment has `=` or `--`: many one-line scripts have neither.
    if doc_text.find("=", start, end) == -1 and doc_text.find("--", start, end) == -1:
        return
    raw = doc_text[start:end]
    lower = raw.lower()
    if not _has_hint(lower) or not _may_name_credential(lower):
        return
    for m in _ASSIGNMENT.finditer(raw):
        if m.group(1) is not None:
            name, group = m.group(1), 3
        else:
            name, group = m.group(4), 6
        if is_credential_name(name) and looks_random(m.group(group)):
            at = start + m.start(group)
            hits.append((f"value assigned to `{name}`", at, at + len(m.group(group)), ""))


def _has_hint(lower: str) -> bool:
    """Whether a lower-cased script contains a substring every credential-like
    assignment the rule reports contains (`pass`, `pwd`, `secret`, `token`, ...)."""
    return ("pass" in lower or "pwd" in lower or "secret" in lower or "token" in lower
            or "key" in lower or "credential" in lower or "pat=" in lower)


#: How a (lower-cased) name ends when its last word says credential (is_credential_name).
_CREDENTIAL_ENDINGS = ("password", "passwd", "pwd", "passphrase", "secret", "token", "pat",
                       "credential", "credentials", "key")
#: What any text holding a reportable assignment holds (see _may_name_credential):
#: `=` after a name ending as a credential's does (or after `_`/`-`, which end no word),
#: in any case; or `--name ` with such a lower-case name.  The first pattern starts with
#: a literal, so the search skips from `=` to `=`.
_ASSIGNS_CREDENTIAL = lazy_compile(
    # The endings, shortened where one covers others (`wd`: passwd, pwd; `tial`).
    "=(?:" + "|".join(f"(?<={e}=)" for e in (
        "word", "wd", "phrase", "secret", "token", "pat", "tial", "tials", "key", "_", "-"
    )) + ")",
    re.IGNORECASE,
)
_OPTION_CREDENTIAL = lazy_compile(
    # The name is all of the run of name characters (`[= ]` ends it), so it is taken
    # possessively and its ending looked at behind: no backtracking through each name.
    r"--[a-z][a-z0-9\-]*+(?:" + "|".join(f"(?<={e})" for e in (
        "word", "wd", "phrase", "secret", "token", "pat", "tial", "tials", "key", "-"
    )) + ") "
)
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _may_name_credential(lower: str) -> bool:
    """Whether a lower-cased script has a name that may say credential before ``=`` or,
    after ``--``, before a space: a necessary condition for :data:`_ASSIGNMENT` to find a
    credential (it is slow, and most scripts assign nothing of the kind)."""
    i = lower.find("=")
    while i != -1:
        j = i
        while j and lower[j - 1] in "_-":  # `TOKEN_=`: separators end no word
            j -= 1
        if lower.endswith(_CREDENTIAL_ENDINGS, 0, j):
            return True
        i = lower.find("=", i + 1)
    i = lower.find("--")
    while i != -1:
        j = i + 2
        while j < len(lower) and lower[j] in _NAME_CHARS:
            j += 1
        if lower.startswith(" ", j):
            k = j
            while lower[k - 1] == "-":
                k -= 1
            if lower.endswith(_CREDENTIAL_ENDINGS, i + 2, k):
                return True
        i = lower.find("--", i + 2)
    return False


def _owner(ctx: Context, offset: int) -> tuple[Job | None, Step | None]:
    for job, step in steps_of(ctx):
        if step.node.start <= offset < step.node.end:
            return job, step
    if ctx.workflow is not None:
        for job in ctx.workflow.jobs.values():
            if job.node.start <= offset < job.node.end:
                return job, None
    return None, None
