"""A hard-coded credential is reported in every output format, and never shown.

Runs the real command line (all rules, as a user would) on the fixture full of
credentials and looks for any piece of any credential in what it prints.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from actiongen.report import FORMATS, reporter

from .conftest import FIXTURES, ROOT

FIXTURE = FIXTURES / "rules" / "hardcoded-credential" / "bad.yml"

#: The random part of every credential in the fixture (prefixes such as ``ghp_`` are
#: not secret; messages may name the kind of credential).
SECRETS = (
    "JS1RAC8NUO6NH9UL",
    "ik4QFWabzvtZvHUaqSFKW3Ww2tDT0kHn3DsAaIX8",
    "JKhNUSVUKCrNAJ6XOlBfDwJaYC76O6tVHYg9",
    "sZutbXMtmzNDaPUHMhnZnI_ENQkAKEoCFQElL7OBJaz4JErLBx5XH596sLRNj8AW7iFfsfDojqex3zh5KK",
    "742847480304-4338679876047-onaCcFbMb09rnaDMvSkSTDqR",
    "TVEHO5IQR/BZ5B228KWAI/mPNoIGH5qnlL3shz8kvs7u5e",
    "4TnAqfLIECgPGq9amklEfk91",
    "s6LCuZinShtpJ94hQG09",
    "CA0bwz5J9Pui1gra",
    "CYBlhK21q92TjDrFDN",
    "Xk9fP2mQ7vR4tL8w",
    "CKG4q64nRRqKfuWN9SlocmqJSzPFcgHKLCBo9D49WmCunQoZnepliHubv7g9UDDI3Rr4w52BSWYxURp1",
    "EjW0B0erzuNNO87dQosy6P1A+djPSfJNjYMurVf7uMt5Ma0S2TW+65PU/OrzMEMuQWwXZwBBC1ZfHyGD",
    "Wq8ZrT5nVb2LmX9cK4pJ7sD1fG6hY3aE0uRi",
    "Zr7Qm2Kx9Lp4Vw8N",
    "Sup3rSecret!2024",
)

#: No run of this many characters of a secret may appear in the output.
WINDOW = 8


def pieces(secret: str) -> set[str]:
    return {secret[i : i + WINDOW] for i in range(len(secret) - WINDOW + 1)}


def test_the_fixture_holds_every_listed_secret() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret in text, f"{secret[:4]}… is not in {FIXTURE.name}; update SECRETS"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_format_shows_a_credential(fmt: str) -> None:
    try:
        reporter(fmt)
    except ImportError:
        pytest.skip(f"the {fmt} formatter is not written yet")
    proc = subprocess.run(
        [sys.executable, "-m", "actiongen", "check", "--format", fmt, "--color", "never",
         str(FIXTURE)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    output = proc.stdout + proc.stderr
    assert "hardcoded-credential" in output, output[:2000]
    leaked = sorted({p for s in SECRETS for p in pieces(s) if p in output})
    assert not leaked, f"{fmt} output shows parts of credentials: {leaked[:5]}"


def test_every_credential_is_reported_and_masked() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "actiongen", "check", "--format", "json",
         "--select", "hardcoded-credential", str(FIXTURE)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    findings = json.loads(proc.stdout)["findings"]
    expected = FIXTURE.read_text(encoding="utf-8").count("# expect: hardcoded-credential")
    assert len(findings) == expected
    for f in findings:
        assert "<redacted, " in f["message"]
