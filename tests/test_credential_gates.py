"""hardcoded-credential's quick gates never hide a credential the plain patterns find.

The rule runs its slow patterns only behind cheap tests (literal finders, the file-level
searches for credential-like names before ``=`` or after ``--``, the URL password tail).
Each gate must be a necessary condition: these tests compare the gated code with the
plain patterns on generated scripts, URLs and texts full of near misses.
"""

from __future__ import annotations

import random
from typing import Any, cast

from actiongen.rules import hardcoded_credential as hc

_NAMES = [
    "API_TOKEN", "apiKey", "TOKEN_", "token__", "my-pat", "PAT", "pat", "x", "password",
    "Passwd", "PWD", "secret", "AWS_SECRET", "SECRET-", "client_secret", "private_key", "KEY",
    "credentials", "CREDENTIAL", "foo", "path", "token2", "pass", "passphrase", "db-password",
    "access-key", "gh_token", "KEYS", "keyfile",
]
_VALUES = [
    "Zr7Qm2Kx9Lp4Vw8N", "Sup3rSecret!2024", "abc", "${{ secrets.X }}", "$VAR", "changeme1234",
    "aB3dE5gH7jK9mN1p", "'Xk9fP2mQ7vR4tL8w'", '"CA0bwz5J9Pui1gra"', "/path/to/x", "123456789012",
]
_SEPARATORS = [" ", "\n", ";", "(", "  ", "\t", "|", "&&", " -- ", "---", "--", "=", "-"]


class _Scalar:
    """Stands for a loader scalar: only its place in the text matters here."""

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def _script(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 8)):
        roll = rng.random()
        if roll < 0.4:
            parts.append(rng.choice(["", "export "]) + rng.choice(_NAMES) + "="
                         + rng.choice(_VALUES))
        elif roll < 0.7:
            parts.append("--" + rng.choice(_NAMES).lower() + rng.choice(["=", " ", "  "])
                         + rng.choice(_VALUES))
        else:
            parts.append(rng.choice(_NAMES + _VALUES + _SEPARATORS))
        parts.append(rng.choice(_SEPARATORS))
    return "".join(parts)


def _plain_assignments(raw: str) -> list[tuple[int, int, str]]:
    """The script check without any gate: every assignment the pattern finds."""
    out = []
    for m in hc._ASSIGNMENT.finditer(raw):
        name, group = (m.group(1), 3) if m.group(1) is not None else (m.group(4), 6)
        if hc.is_credential_name(name) and hc.looks_random(m.group(group)):
            out.append((m.start(group), m.end(group), name))
    return out


def test_script_gates_hide_no_assignment() -> None:
    rng = random.Random(20251126)
    found = 0
    for _ in range(20_000):
        script = _script(rng)
        text = "x: |\n  " + script + "\n"
        expected = _plain_assignments(script) if hc._has_hint(script.lower()) else []
        hits: list[Any] = []
        hc._script_assignments(text, cast(Any, _Scalar(7, 7 + len(script))), hits)
        assert [(a - 7, b - 7) for _, a, b, _ in hits] == [(a, b) for a, b, _ in expected], script
        if expected:
            found += 1
            assert (hc._ASSIGNS_CREDENTIAL.search(text) is not None
                    or hc._OPTION_CREDENTIAL.search(text) is not None), script
    assert found > 5_000  # the generator makes both kinds, or the test proves little


def test_script_gate_passes_every_reported_script() -> None:
    # In a file that passes the file-level searches, a script is searched only when the
    # same searches, bounded to it, match: whatever surrounds it.
    rng = random.Random(20251127)
    found = 0
    for _ in range(10_000):
        before, script, after = _script(rng), _script(rng), _script(rng)
        text = before + "\nx: |\n  " + script + "\n" + after
        start = len(before) + 7
        hits: list[Any] = []
        hc._script_assignments(text, cast(Any, _Scalar(start, start + len(script))), hits)
        if not hits:
            continue
        found += 1
        assert hc._may_assign(text, start, start + len(script)), script
    assert found > 2_000


def test_url_gate_hides_no_password() -> None:
    rng = random.Random(7)
    parts = ["https://", "postgres://", "user", ":", "@", "Zr7Qm2Kx9Lp4Vw8N", "pass", "/", " ",
             "${{ s }}", "aB3dE5gH7jK9mN1pQ", "host.com", "::", "@@"]
    found = 0
    for _ in range(40_000):
        value = "".join(rng.choice(parts) for _ in range(rng.randint(2, 10)))
        if len(value) < 12 or "://" not in value or "@" not in value:
            continue
        expected = [(m.start(1), m.end(1)) for m in hc._URL_PASSWORD.finditer(value)
                    if hc.looks_random(m.group(1))]
        hits: list[Any] = []
        hc._check_value("k: " + value, "url", 0, cast(Any, _Scalar(3, 3 + len(value))), value,
                        None, hits)
        assert [(a - 3, b - 3) for _, a, b, _ in hits] == expected, value
        found += bool(expected)
    assert found > 25


def test_finders_find_every_match() -> None:
    rng = random.Random(3)
    alphabet = ["ghp_", "gho_", "AKIA", "ASIA", "npm_", "xoxb-", "github_pat_",
                "pypi-AgEIcHlwaS5vcmc", "https://hooks.slack.com/services/", "http://", "A",
                "Z", "0", "9", "_", "-", " ", "x", "1234567890", "ABCDEFGHIJKLMNOP",
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", "/", "\n", "-----BEGIN ", "PRIVATE KEY",
                "-----", "RSA "]
    found = 0
    for _ in range(5_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        for _kind, pattern, _group, finder in hc.PATTERNS:
            expected = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in hc._matches(pattern, finder, text)] == expected, text
            found += bool(expected)
    assert found > 500


def test_key_kinds_match_the_word_rule() -> None:
    # _key_kind settles most names with substring tests; it must agree with the words.
    names = [*_NAMES, "awsSecretAccessKey", "AWS_SECRET_ACCESS_KEY", "signingKey",
             "licenseKey", "monkey", "keyboard", "PATH", "Secret_Name", "tokenFile", "APIToken",
             "K\u212aEY", "API_\u212aEY", "pass_word", "x.password", "my token", ""]
    for name in names:
        words = hc.key_words(name)
        credential = bool(words) and (words[-1] in hc._CREDENTIAL_WORDS or (
            len(words) >= 2 and words[-1] == "key" and words[-2] in hc._KEY_QUALIFIERS))
        aws = "aws" in words and "secret" in words
        assert hc._key_kind(name) == (hc._CREDENTIAL if credential else 0) | (
            hc._AWS if aws else 0), name
