"""hardcoded-credential: a credential written into the file itself.

The value found is never put in a message: messages name the kind of credential and
its redacted form, and the value's span goes to ``ctx.redactions`` so every code frame
masks it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.lazyre import lazy_compile
from actiongen.load import Mapping, Scalar, Sequence
from actiongen.report.redact import redacted_form
from actiongen.rules._hygiene import script_inputs, steps_of
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from actiongen.findings import Finding
    from actiongen.load import Node
    from actiongen.model.workflow import Job, Step


@dataclass(frozen=True, slots=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]
    body_group: int  # the random part a placeholder check looks at
    #: Literal text every match contains: a file without any skips the regex.
    hints: tuple[str, ...]


#: Credentials recognisable by their shape alone, wherever they appear (values, keys,
#: comments): each issuer gives its tokens a fixed prefix for exactly this purpose.
PATTERNS = (
    _Pattern(
        "AWS access key id",
        lazy_compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)([A-Z0-9]{16})(?![A-Za-z0-9])"),
        1, ("AKIA", "ASIA"),
    ),
    _Pattern(
        "GitHub token",
        lazy_compile(r"(?<![A-Za-z0-9_])(?:ghp|gho|ghs|ghu|ghr)_([A-Za-z0-9]{36})(?![A-Za-z0-9])"),
        1, ("ghp_", "gho_", "ghs_", "ghu_", "ghr_"),
    ),
    _Pattern(
        "GitHub fine-grained token",
        lazy_compile(r"(?<![A-Za-z0-9_])github_pat_([A-Za-z0-9_]{70,})"),
        1, ("github_pat_",),
    ),
    _Pattern(
        "npm token",
        lazy_compile(r"(?<![A-Za-z0-9_])npm_([A-Za-z0-9]{36})(?![A-Za-z0-9])"),
        1, ("npm_",),
    ),
    _Pattern(
        "PyPI token",
        lazy_compile(r"(?<![A-Za-z0-9_])pypi-AgEIcHlwaS5vcmc([A-Za-z0-9_\-]{50,})"),
        1, ("pypi-",),
    ),
    _Pattern(
        "Slack token",
        lazy_compile(r"(?<![A-Za-z0-9])xox[abposr]-([0-9]{6,}-[A-Za-z0-9-]{10,})"),
        1, ("xox",),
    ),
    _Pattern(
        "Slack webhook URL",
        lazy_compile(r"https?://hooks\.slack\.com/(?:services|workflows|triggers)/"
                   r"([A-Za-z0-9_/\-]{20,})"),
        1, ("hooks.slack.com",),
    ),
    _Pattern(
        "private key",
        lazy_compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----"
                   r"[ \t]*(?:#[^\n]*)?"  # a YAML comment after the marker
                   r"((?:\s|\\n)*(?:[A-Za-z][A-Za-z\-]*:[^\n]*\n)*"  # PEM headers
                   r"(?:[A-Za-z0-9+/=\s]|\\n)+)"
                   r"(?:-----END \1PRIVATE KEY(?: BLOCK)?-----)?"),
        2, ("PRIVATE KEY",),
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
#: Substrings a script must contain to hold a credential-like assignment at all.
_SCRIPT_HINTS = ("pass", "pwd", "secret", "token", "key", "credential", "pat=")
_CAMEL = lazy_compile(r"([a-z0-9])([A-Z])")
_URL_PASSWORD = lazy_compile(r"\b[a-z][a-z0-9+.\-]*://[^:/\s@]+:([^@\s/]+)@", re.IGNORECASE)
_ASSIGNMENT = lazy_compile(
    r"(?:^|[\s;(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(['\"]?)([^\s'\"$`;|&)]+)\2"
    r"|--([a-z][a-z0-9\-]*)[= ](['\"]?)([^\s'\"$`;|&)]+)\5"
)


@lru_cache(maxsize=4096)
def key_words(key: str) -> tuple[str, ...]:
    """The words of a name: ``awsSecretKey`` and ``AWS_SECRET-KEY`` give aws, secret, key."""
    return tuple(w for w in re.split(r"[_\-.\s]+", _CAMEL.sub(r"\1_\2", key).lower()) if w)


@lru_cache(maxsize=4096)
def is_credential_name(key: str) -> bool:
    """Whether a key or variable name says its value is a credential.

    Only the last word counts: ``API_TOKEN`` and ``client_secret`` do,
    ``token_file`` and ``secret-name`` name something else.
    """
    words = key_words(key)
    if not words:
        return False
    if words[-1] in _CREDENTIAL_WORDS:
        return True
    return len(words) >= 2 and words[-1] == "key" and words[-2] in _KEY_QUALIFIERS


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(value: str) -> bool:
    """A value that looks generated (a key or password), not a word, name, path or number."""
    if len(value) < 12 or len(value) > 512 or any(c.isspace() for c in value):
        return False
    if any(c in value for c in "$%{}<>") or value.startswith(("arn:", "/", "./", "~")):
        return False
    lower = value.lower()
    if any(word in lower for word in _PLACEHOLDER_WORDS):
        return False
    segments = [seg for seg in re.split(r"[-_.]", value) if seg]
    if all(seg.isalpha() or len(seg) <= 3 for seg in segments):  # words, identifiers
        return False
    if re.fullmatch(r"[\d.\-_:/]+", value):  # numbers, versions, dates
        return False
    if re.fullmatch(r"[a-z0-9_.\-]+(?:/[a-z0-9_.\-]+)+", value):  # lower-case paths
        return False
    if re.fullmatch(r"[a-z0-9.\-]+\.[a-z]{2,}(?:/\S*)?", value):  # host names
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
    for pattern in PATTERNS:
        if not any(h in text for h in pattern.hints):
            continue
        for m in pattern.regex.finditer(text):
            body = m.group(pattern.body_group)
            if pattern.kind == "private key":
                if len(re.findall(r"[A-Za-z0-9+/=]", body)) < 64:
                    continue  # a marker in a script (`grep "-----BEGIN…"`), not a key
            elif _fake_body(body):
                continue
            yield pattern.kind, m.start(), m.end()


def _named(ctx: Context) -> Iterator[tuple[str, int, int, str]]:
    """Credential-looking values found by the name they are stored under."""
    yield from _named_in(ctx, ctx.doc.root, (), set())
    for _job, step in steps_of(ctx):
        for scalar, _where in script_inputs(step, command_lines=True):
            yield from _script_assignments(ctx, scalar)


_Hit = tuple[str, int, int, str]


def _named_in(ctx: Context, node: Node | None, path: tuple[str, ...], seen: set[int]
              ) -> Iterator[_Hit]:
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, Mapping):
        # The environment of a service container configures a throwaway test service.
        if len(path) >= 3 and path[-3] == "services" and path[-1] == "env":
            return
        for key, value in node.pairs:
            if isinstance(value, Scalar):
                yield from _check_value(ctx, key.text, value, path)
            else:
                yield from _named_in(ctx, value, (*path, key.text), seen)
    elif isinstance(node, Sequence):
        for item in node.items:
            yield from _named_in(ctx, item, (*path, "[]"), seen)


def _check_value(ctx: Context, key: str, value: Scalar, path: tuple[str, ...]) -> Iterator[_Hit]:
    text = value.value
    if not isinstance(text, str) or len(text) < 12:
        return
    name = key if not path or path[-1] == "[]" else f"{path[-1]}.{key}"
    if "://" in text and "@" in text:
        raw = ctx.doc.text[value.start : value.end]
        for m in _URL_PASSWORD.finditer(raw):
            if looks_random(m.group(1)):
                yield "password in a URL", value.start + m.start(1), value.start + m.end(1), name
    words = key_words(key)
    aws_secret = "aws" in words and "secret" in words
    if not (aws_secret or is_credential_name(key)):
        return
    text = text.strip()
    if "${{" in text or "\n" in text:
        return
    if aws_secret and _AWS_SECRET.fullmatch(text):
        kind = "AWS secret access key" if not _fake_body(text) else None
    else:
        kind = "value under a credential-like name" if looks_random(text) else None
    if kind is None:
        return
    raw = ctx.doc.text[value.start : value.end]
    at = raw.find(text)
    if at == -1:  # escapes in a quoted scalar: mask the whole scalar
        yield kind, value.start, value.end, name
    else:
        yield kind, value.start + at, value.start + at + len(text), name


def _script_assignments(ctx: Context, scalar: Scalar) -> Iterator[_Hit]:
    """``export API_TOKEN=…`` and ``--password=…`` with a literal value in a script."""
    raw = ctx.doc.text[scalar.start : scalar.end]
    lower = raw.lower()
    if not any(w in lower for w in _SCRIPT_HINTS):
        return
    for m in _ASSIGNMENT.finditer(raw):
        if m.group(1) is not None:
            name, group = m.group(1), 3
        else:
            name, group = m.group(4), 6
        if is_credential_name(name) and looks_random(m.group(group)):
            start = scalar.start + m.start(group)
            yield f"value assigned to `{name}`", start, start + len(m.group(group)), ""


def _owner(ctx: Context, offset: int) -> tuple[Job | None, Step | None]:
    for job, step in steps_of(ctx):
        if step.node.start <= offset < step.node.end:
            return job, step
    if ctx.workflow is not None:
        for job in ctx.workflow.jobs.values():
            if job.node.start <= offset < job.node.end:
                return job, None
    return None, None
