"""The output formats: JSON contract, SARIF, GitHub workflow commands, Markdown, text.

Most tests use one fixed, hand-made report (``sample_results``) so the formats are
tested apart from what the rules happen to say; the end-to-end tests at the bottom
run the real checker.
"""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING, Any

import pytest

from actiongen.config import Config
from actiongen.engine import FileResult, check_document
from actiongen.findings import Finding, Severity, Span
from actiongen.load import load_text
from actiongen.report import reporter
from actiongen.report.github import command, escape_data, escape_property
from actiongen.report.json import FINDING_KEYS, SUMMARY_KEYS
from actiongen.report.markdown import escape_cell
from actiongen.report.sarif import FINGERPRINT_KEY, SarifReporter
from actiongen.report.text import frame_line
from actiongen.rules.registry import get_rule

from .conftest import ROOT, shared_path

if TYPE_CHECKING:
    from pathlib import Path

    from syrupy.assertion import SnapshotAssertion

SECRET = "AKIAZ7QX3KD8RW2NB5MT"  # shaped like an AWS key id; only ever in redacted spans

WORKFLOW = """\
on: push
env:
  KEY: AKIAZ7QX3KD8RW2NB5MT
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "a | b" `date`
"""


def sample_results(path: str = ".github/workflows/ci.yml") -> list[FileResult]:
    """Three findings in one file, one clean file.

    - line 1: a note without job or step (job/step must come out as null);
    - line 3: an error on the secret value, masked by a redaction;
    - line 8: a warning in job `build`, step 1, with a pipe and backticks in the message.
    """
    lines = WORKFLOW.splitlines()
    secret_span = Span(3, 8, 3, 8 + len(SECRET))
    findings = [
        Finding("permissions-missing", Severity.NOTE, path, Span(1, 1, 1, 3),
                "no `permissions:` anywhere", "add `permissions: {}`"),
        Finding("hardcoded-credential", Severity.ERROR, path, secret_span,
                "an AWS access key id <redacted, 20 characters> is written into the file",
                "revoke it; use ${{ secrets.KEY }}", job=None, step=None),
        Finding("secret-in-run", Severity.WARNING, path, Span(8, 14, 8, 36),
                "output `a | b` 50% done,\nsecond line", "", job="build", step="step 1"),
    ]
    return [
        FileResult(path, findings, lines, [secret_span]),
        FileResult(".github/workflows/clean.yml", [], ["on: push"], []),
    ]


def render(fmt: str, results: list[FileResult], **kw: Any) -> str:
    buf = io.StringIO()
    reporter(fmt, **kw).report(results, buf)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "markdown"])
def test_no_format_prints_the_secret(fmt: str) -> None:
    out = render(fmt, sample_results(), root=".")
    assert SECRET not in out
    assert SECRET[4:] not in out


# --- JSON ---------------------------------------------------------------------------------


def test_json_contract() -> None:
    doc = json.loads(render("json", sample_results()))
    assert doc["version"] == 1
    assert set(doc) == {"version", "findings", "summary"}
    assert tuple(doc["summary"]) == SUMMARY_KEYS
    assert doc["summary"] == {"files": 2, "findings": 3, "error": 1, "warning": 1, "note": 1}
    assert len(doc["findings"]) == 3
    for f in doc["findings"]:
        assert tuple(f) == FINDING_KEYS
        assert f["severity"] in ("error", "warning", "note")
        assert f["line"] >= 1 and f["column"] >= 1
        assert (f["end_line"], f["end_column"]) > (f["line"], f["column"])
    first, second, third = doc["findings"]
    assert second["rule"] == "hardcoded-credential" and second["severity"] == "error"
    # 1-based, as the file shows them: `on` starts line 1, column 1.
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (1, 1, 1, 3)
    assert first["job"] is None and first["step"] is None
    assert third["job"] == "build" and third["step"] == "step 1"
    # The fix ends the message (JSON has one message field).
    assert first["message"] == "no `permissions:` anywhere. Fix: Add `permissions: {}`"
    assert third["message"] == "output `a | b` 50% done,\nsecond line"


def test_json_snapshot(snapshot: SnapshotAssertion) -> None:
    assert render("json", sample_results()) == snapshot


def test_json_empty() -> None:
    doc = json.loads(render("json", []))
    assert doc == {"version": 1, "findings": [],
                   "summary": {"files": 0, "findings": 0, "error": 0, "warning": 0, "note": 0}}


# --- SARIF --------------------------------------------------------------------------------


def _sarif_validator() -> Any:
    import jsonschema

    schema = json.loads(shared_path("schemas", "sarif-2.1.0-rtm.5.json").read_text("utf-8"))
    return jsonschema.Draft4Validator(schema)


@pytest.mark.parametrize("with_findings", [True, False], ids=["findings", "clean"])
def test_sarif_validates_against_the_schema(with_findings: bool) -> None:
    results = sample_results() if with_findings else [FileResult("ci.yml", [], ["on: push"], [])]
    log = json.loads(render("sarif", results, root="."))
    errors = sorted(_sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0]
    assert log["version"] == "2.1.0"
    assert len(log["runs"][0]["results"]) == (3 if with_findings else 0)


def test_sarif_driver_and_rule_metadata() -> None:
    rule = get_rule("duplicate-key")
    assert rule is not None
    log = json.loads(render("sarif", sample_results(), root=".", rules=[rule]))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "actiongen"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", driver["version"])
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    # The rule that ran (with no findings) and every rule a finding names.
    assert ids == sorted(["duplicate-key", "hardcoded-credential", "permissions-missing",
                          "secret-in-run"])
    dup = driver["rules"][ids.index("duplicate-key")]
    assert dup["shortDescription"]["text"] == rule.summary
    assert dup["fullDescription"]["text"] == "Reports a key that appears twice in the same mapping."
    assert dup["help"]["markdown"] == rule.documentation()
    assert "## " not in dup["help"]["text"] and "```" not in dup["help"]["text"]
    assert dup["defaultConfiguration"]["level"] == "error"
    assert "actiongen" in dup["properties"]["tags"]
    for result in log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_results() -> None:
    log = json.loads(render("sarif", sample_results(), root="."))
    note, error, warning = log["runs"][0]["results"]
    assert [r["level"] for r in (note, error, warning)] == ["note", "error", "warning"]
    assert note["message"]["text"] == "no `permissions:` anywhere. Fix: Add `permissions: {}`"
    loc = error["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": ".github/workflows/ci.yml", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 28}
    assert warning["properties"] == {"job": "build", "step": "step 1"}
    assert "properties" not in note
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_uris(tmp_path: Path) -> None:
    inside = tmp_path / "repo" / "my dir" / "ci.yml"
    outside = tmp_path / "elsewhere" / "ci.yml"
    results = [FileResult(str(p), [Finding("x", Severity.ERROR, str(p), Span(1, 1, 1, 2), "m")],
                          ["a"], []) for p in (inside, outside)]
    log = json.loads(render("sarif", results, root=str(tmp_path / "repo")))
    first, second = (r["locations"][0]["physicalLocation"]["artifactLocation"]
                     for r in log["runs"][0]["results"])
    # Relative, forward slashes, percent-encoded; outside the root: an absolute file URI.
    assert first == {"uri": "my%20dir/ci.yml", "uriBaseId": "%SRCROOT%"}
    assert second["uri"].startswith("file:///") and "uriBaseId" not in second


def _fingerprints(text: str) -> list[str]:
    rule = get_rule("duplicate-key")
    assert rule is not None
    doc = load_text(".github/workflows/ci.yml", text)
    result = check_document(doc, Config(), [rule], "workflow")
    log = SarifReporter(root=".").document([result])
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"]]


def test_sarif_fingerprints_survive_lines_inserted_above() -> None:
    # Two identical duplicate keys: the same line text twice, told apart by occurrence.
    text = (
        "on: push\n"
        "jobs:\n"
        "  a:\n    runs-on: x\n    runs-on: y\n"
        "  b:\n    runs-on: x\n    runs-on: y\n"
    )
    before = _fingerprints(text)
    after = _fingerprints("# a comment\n\n" + text.replace("jobs:\n", "jobs:\n  # note\n"))
    assert len(before) == 2
    assert before[0] != before[1]
    assert after == before
    # Changing the flagged line changes its fingerprint.
    changed = _fingerprints(text.replace("runs-on: y\n  b", "runs-on: z\n  b"))
    assert changed[0] not in before


# --- GitHub workflow commands -------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    # Data keeps : and , (the runner splits properties only).
    assert escape_data("a:b,c") == "a:b,c"


def test_github_commands() -> None:
    note, error, warning = sample_results("dir,with:odd/ci.yml")[0].findings
    assert command(note, root=".") == (
        "::notice file=dir%2Cwith%3Aodd/ci.yml,line=1,col=1,endLine=1,endColumn=2,"
        "title=actiongen permissions-missing::"
        "no `permissions:` anywhere%0AFix: add `permissions: {}`"
    )
    assert command(error, root=".").startswith("::error file=")
    # The message's own newline and % are escaped so it cannot start a new command.
    line = command(warning, root=".")
    assert line.startswith("::warning ")
    assert line.endswith("::output `a | b` 50%25 done,%0Asecond line")
    assert "\n" not in line


def test_github_multiline_span_has_no_columns() -> None:
    f = Finding("r", Severity.ERROR, "ci.yml", Span(3, 5, 9, 1), "m")
    # A block ending at the start of line 9 covers lines 3-8; columns only fit one line.
    assert command(f, root=".") == "::error file=ci.yml,line=3,endLine=8,title=actiongen r::m"


def test_github_report_ends_with_a_summary() -> None:
    out = render("github", sample_results(), root=".").splitlines()
    assert len(out) == 4
    assert [line.split(" ")[0] for line in out[:3]] == ["::notice", "::error", "::warning"]
    assert out[3] == "actiongen: 3 findings in 2 files: 1 error, 1 warning, 1 note."


# --- Markdown -----------------------------------------------------------------------------


def test_markdown_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    out = render("markdown", sample_results(), root=".").splitlines()
    assert out[0] == "### actiongen check"
    assert out[2] == "3 findings in 2 files: 1 error, 1 warning, 1 note."
    assert out[4] == "| Severity | Location | Rule | Message |"
    rows = out[6:]
    assert len(rows) == 3
    warning = rows[2]
    # Four cells: the pipe inside the code span is escaped and does not split the row.
    assert len(re.split(r"(?<!\\)\|", warning.strip("|"))) == 4
    assert "`output` " not in warning and "`a \\| b`" in warning
    assert "<br>" in warning and "Job `build`, step `step 1`" in warning
    assert rows[0].startswith("| :information_source: note | `.github/workflows/ci.yml:1:1` |")


def test_markdown_links_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    out = render("markdown", sample_results(), root=".")
    url = "https://github.com/o/r/blob/abc123/.github/workflows/ci.yml#L3"
    assert f"[`.github/workflows/ci.yml:3:8`]({url})" in out


def test_markdown_when_clean() -> None:
    out = render("markdown", [FileResult("a.yml", [], [], [])])
    assert out == "### actiongen check\n\nNo findings in 1 file.\n"
    assert "|" not in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("a | b", "a \\| b"),
        ("`x | y` and *z*", "`x \\| y` and \\*z\\*"),
        ("one ` unbalanced", "one \\` unbalanced"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("a\nb", "a<br>b"),
        ("[link](http://x)", "\\[link\\](http://x)"),
    ],
)
def test_markdown_cell_escaping(text: str, expected: str) -> None:
    assert escape_cell(text) == expected


def test_markdown_snapshot(snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    assert render("markdown", sample_results(), root=".") == snapshot


# --- text ---------------------------------------------------------------------------------


def test_text_frame_and_caret() -> None:
    out = render("text", sample_results())
    assert out.startswith(".github/workflows/ci.yml:1:1: note[permissions-missing] no `perm")
    assert "\x1b[" not in out
    lines = out.splitlines()
    i = lines.index("3 |   KEY: ********************")
    assert lines[i + 1] == "  |        ********************".replace("*", "^")
    assert "   = fix: revoke it; use ${{ secrets.KEY }}" in lines
    assert lines[-1] == "3 findings in 2 files: 1 error, 1 warning, 1 note."


def test_text_colour_only_when_asked() -> None:
    plain = render("text", sample_results(), color=False)
    coloured = render("text", sample_results(), color=True)
    assert "\x1b[" not in plain
    assert "\x1b[1;31merror\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_is_quiet_when_clean() -> None:
    assert render("text", [FileResult("a.yml", [], ["on: push"], [])]) == ""


@pytest.mark.parametrize(
    ("line", "start", "end", "shown", "caret", "length"),
    [
        # Tabs expand to the next stop of 4; the caret follows.
        ("\tkey: v", 1, 4, "    key: v", 4, 3),
        ("a\tb", 2, 3, "a   b", 4, 1),
        # Wide characters take two cells, combining marks none.
        ("名前: x", 4, 5, "名前: x", 6, 1),
        ("e\u0301x: y", 2, 3, "e\u0301x: y", 1, 1),
        # Invisible and direction-changing characters are shown, not obeyed.
        ("a\u202eb", 2, 3, "a<U+202E>b", 9, 1),
        # A span past the end of the line still gets a caret.
        ("abc", 3, 4, "abc", 3, 1),
    ],
)
def test_frame_line(line: str, start: int, end: int, shown: str, caret: int, length: int) -> None:
    assert frame_line(line, start, end) == (shown, caret, length)


def test_frame_line_cuts_long_lines_around_the_span() -> None:
    line = "x" * 300 + "TARGET" + "y" * 300
    shown, caret, length = frame_line(line, 300, 306, max_width=80)
    assert shown.startswith("…") and shown.endswith("…")
    assert shown[caret:caret + length] == "TARGET"
    assert len(shown) == 82


# --- end to end ---------------------------------------------------------------------------


def test_real_sarif_from_the_seed_validates(tmp_path: Path) -> None:
    import subprocess
    import sys

    seed = shared_path("seed", "ci-cd.example.yml")
    out = tmp_path / "out.sarif"
    proc = subprocess.run(
        [sys.executable, "-m", "actiongen", "check", "--format", "sarif", "--output", str(out),
         str(seed)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    log = json.loads(out.read_text("utf-8"))
    errors = list(_sarif_validator().iter_errors(log))
    assert not errors, errors[0]
    run = log["runs"][0]
    assert run["results"], "the seed has findings (missing timeouts, permissions, ...)"
    ran = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} <= ran
    assert all("\\" not in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
               for r in run["results"])


def test_frame_line_fast_path_for_plain_ascii_matches_the_general_one() -> None:
    # Plain ASCII lines skip the per-character walk; the result must be the same as
    # the walk's (a str subclass that denies being ASCII forces the walk).
    import random
    import string

    from actiongen.report.text import frame_line

    class Walked(str):
        def isascii(self) -> bool:
            return False

    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + " -_:${}.'\"#|"
    for _ in range(3000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 130)))
        start, end = rng.randint(0, len(line) + 3), rng.randint(0, len(line) + 5)
        assert frame_line(line, start, end) == frame_line(Walked(line), start, end)
