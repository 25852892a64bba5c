"""Property tests: random structural mutations of real workflows never break ``check``.

The seeds are the rule fixtures (always here) and the shared corpus (when present).
Each example loads one of them as data, applies a few mutations (keys dropped,
renamed or retyped; scalars replaced by other types, long and unicode strings,
expressions; sequences and mappings swapped; subtrees moved; deep nesting), dumps it
as YAML (block or flow), sometimes damages the text (duplicated, deleted or truncated
lines, stray characters, CRLF, a BOM), and checks it.

Properties: no exception escapes; no rule crashes (an ``internal-error`` finding fails
the test, so rule bugs surface with a minimal example); every finding lies inside the
file; every report format renders; the JSON report is valid.  The example count is
fixed and the search derandomized for the normal suite; set ACTIONGEN_FUZZ_EXAMPLES
for a longer run (for example ACTIONGEN_FUZZ_EXAMPLES=5000).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from functools import lru_cache
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from actiongen import engine
from actiongen.config import Config
from actiongen.load import load_bytes, to_data
from actiongen.report import reporter
from actiongen.rules.registry import all_rules

from .conftest import FIXTURES, ROOT, SHARED

EXAMPLES = int(os.environ.get("ACTIONGEN_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@lru_cache(maxsize=1)
def seeds() -> tuple[tuple[str, Any], ...]:
    """(kind, data) of every seed file that loads as a mapping."""
    paths = [p for p in sorted((FIXTURES / "rules").glob("*/*.yml")) if p.name != "config.yml"]
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        paths += sorted(p for p in corpus.glob("*/*/*") if p.suffix in (".yml", ".yaml"))
    out = []
    for path in paths:
        doc = load_bytes(str(path), path.read_bytes())
        data = to_data(doc.root)
        if isinstance(data, dict):
            out.append((engine.kind_of(str(path)), _plain(data)))
    return tuple(out)


def _plain(data: Any) -> Any:
    """A copy without shared subtrees (aliases), so mutations stay where they are made."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


# -- mutations ------------------------------------------------------------------------

KEYWORDS = ["on", "jobs", "steps", "runs-on", "needs", "if", "env", "with", "uses", "run",
            "environment", "permissions", "secrets", "strategy", "matrix", "timeout-minutes",
            "services", "container", "outputs", "inputs", "runs", "using", "name", "shell",
            "continue-on-error", "concurrency", "defaults", "workflow_call", "true", "null"]
EXPRESSIONS = [
    "${{ github.event.issue.title }}", "${{ secrets.TOKEN }}", "${{ toJSON(secrets) }}",
    "${{", "}}", "${{ }}", "${{ matrix.os }}", "${{ needs.build.outputs.x }}",
    "${{ github.event_name == 'push' && 'a' || 'b' }}", "${{ fromJSON(needs.a.outputs.m) }}",
    "${{ inputs.x }}${{ env.Y }}", "${{ secrets[format('{0}', 'X')] }}", "$" * 3 + "{{{{",
    "AKIAIOSFODNN7EXAMPLE", "ghp_" + "a" * 36, "-----BEGIN RSA PRIVATE KEY-----",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.builds(lambda c, n: c * n, st.sampled_from("x é𝔘\n\t'\"#:-{}[]&*!|>%@`"),
              st.integers(1, 5000)),
    st.sampled_from(EXPRESSIONS),
    st.sampled_from(KEYWORDS),
)


def slots(data: Any, limit: int = 5000) -> list[tuple[Any, Any]]:
    """(container, key or index) for every value in ``data``, breadth first."""
    out: list[tuple[Any, Any]] = []
    queue = [data]
    while queue and len(out) < limit:
        node = queue.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            out.append((node, key))
            if isinstance(value, dict | list):
                queue.append(value)
    return out


def typo(draw: st.DrawFn, word: str) -> str:
    if not word:
        return "x"
    i = draw(st.integers(0, len(word) - 1))
    how = draw(st.sampled_from(["swap", "drop", "double", "upper"]))
    if how == "swap" and len(word) > 1:
        j = min(i + 1, len(word) - 1)
        chars = list(word)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    if how == "drop":
        return word[:i] + word[i + 1:]
    if how == "double":
        return word[:i] + word[i] + word[i:]
    return word.upper()


def depth_of(data: Any) -> int:
    deepest, stack = 0, [(data, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def mutate(draw: st.DrawFn, data: dict[str, Any]) -> None:
    places = slots(data)
    if not places:
        data[draw(st.sampled_from(KEYWORDS))] = draw(scalars)
        return
    parent, key = places[draw(st.integers(0, len(places) - 1))]
    value = parent[key]
    how = draw(st.sampled_from(
        ["drop", "rename", "retype", "swap", "nest", "empty", "move", "grow"]))
    if how == "drop":
        del parent[key]
    elif how == "rename" and isinstance(parent, dict):
        if draw(st.booleans()):
            new: Any = typo(draw, str(key))  # `stpes`, `runs_on`, `NEEDS`
        else:
            new = draw(st.one_of(st.sampled_from(KEYWORDS), st.text(max_size=12), st.integers()))
        del parent[key]
        parent[new] = value
    elif how == "retype":
        parent[key] = draw(scalars)
    elif how == "swap":
        if isinstance(value, dict):
            parent[key] = list(value.values()) if draw(st.booleans()) else list(value)
        elif isinstance(value, list):
            parent[key] = {f"k{i}": v for i, v in enumerate(value)}
        else:
            parent[key] = [value] if draw(st.booleans()) else {str(value): value}
    elif how == "nest":
        # Around MAX_DEPTH (400) sometimes, never far past it: the dumper recurses too.
        room = max(0, 430 - depth_of(data))
        depth = min(room, draw(st.one_of(st.integers(1, 20), st.integers(380, 430))))
        for _ in range(depth):
            value = [value] if draw(st.booleans()) else {"n": value}
        parent[key] = value
    elif how == "empty":
        parent[key] = draw(st.sampled_from([{}, [], "", None]))
    elif how == "move":
        other_parent, other_key = places[draw(st.integers(0, len(places) - 1))]
        parent[key] = _plain(other_parent[other_key])
    elif how == "grow" and isinstance(value, list | dict) and len(places) < 2000:
        n = draw(st.integers(2, 10))
        parent[key] = [_plain(value) for _ in range(n)]


def dump(data: Any, flow: bool) -> str:
    # ~430 levels of nesting take a few thousand Python frames in the dumpers.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        if flow:  # JSON is YAML too: everything on one line, positions far to the right
            return json.dumps(data, ensure_ascii=False, allow_nan=True) + "\n"
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        yaml.width = 4096
        out = io.StringIO()
        yaml.dump(data, out)
        return out.getvalue()
    finally:
        sys.setrecursionlimit(limit)


def damage(draw: st.DrawFn, text: str) -> bytes:
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        how = draw(st.sampled_from(["duplicate", "delete", "insert", "truncate"]))
        if how == "duplicate":  # a duplicated key line, or a duplicated list item
            lines.insert(i, lines[i] if lines else "")
        elif how == "delete" and lines:
            del lines[i]
        elif how == "insert" and lines:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(max_size=5)) + lines[i][at:]
        elif how == "truncate":
            lines = lines[: i + 1]
    text = "\n".join(lines)
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 19)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    return raw


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(kind, bytes) of a mutated seed."""
    kind, base = draw(st.sampled_from(seeds()))
    data = _plain(base)
    for _ in range(draw(st.integers(1, 5))):
        mutate(draw, data)
    text = dump(data, flow=draw(st.integers(0, 4)) == 0)
    raw = damage(draw, text) if draw(st.booleans()) else text.encode("utf-8", "surrogatepass")
    return kind, raw


# -- properties -----------------------------------------------------------------------


def line_count(raw: bytes) -> int:
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return text.count("\n") + 1


def assert_well_formed(result: engine.FileResult, raw: bytes) -> None:
    internal = [f for f in result.findings if f.rule == "internal-error"]
    assert not internal, internal[0].message
    lines = line_count(raw)
    for f in result.findings:
        where = f"{f.rule} at {f.span}"
        assert 1 <= f.span.line <= lines + 1, where
        assert f.span.column >= 1 and f.span.end_column >= 1, where
        assert (f.span.end_line, f.span.end_column) >= (f.span.line, f.span.column), where
        assert "\n" not in f.message, where


def render_all(result: engine.FileResult) -> dict[str, Any]:
    """Every report format renders; the JSON one is returned parsed."""
    for name in ("text", "sarif", "github", "markdown"):
        reporter(name, rules=all_rules()).report([result], io.StringIO())
    out = io.StringIO()
    reporter("json").report([result], out)
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


@FUZZ
@given(mutated_files())
def test_mutated_workflows_never_break_check(example: tuple[str, bytes]) -> None:
    kind, raw = example
    path = "fuzz/.github/workflows/ci.yml" if kind == "workflow" else "fuzz/action.yml"
    doc = load_bytes(path, raw)
    result = engine.check_document(doc, Config(), all_rules(), kind)
    for rule in sorted({f.rule for f in result.findings}):
        event(f"finding: {rule}")  # --hypothesis-show-statistics: what the examples reach
    assert_well_formed(result, raw)
    report = render_all(result)
    assert report["version"] == 1
    assert report["summary"]["findings"] == len(result.findings)


@settings(FUZZ, max_examples=max(4, EXAMPLES // 30))
@given(mutated_files())
def test_mutated_workflows_through_the_cli(
    tmp_path_factory: Any, example: tuple[str, bytes]
) -> None:
    """A few examples end to end: exit 0 or 1, valid JSON, no traceback."""
    kind, raw = example
    folder = tmp_path_factory.mktemp("cli")
    name = "action.yml" if kind == "action" else "ci.yml"
    (folder / name).write_bytes(raw)
    proc = subprocess.run(
        [sys.executable, "-m", "actiongen", "check", "-f", "json", name],
        cwd=folder, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["files"] == 1
    assert not [f for f in report["findings"] if f["rule"] == "internal-error"]
    lines = line_count(raw)
    for f in report["findings"]:
        assert 1 <= f["line"] <= lines + 1 and f["column"] >= 1


def test_seeds_are_available() -> None:
    # The fixtures alone give dozens of seeds; the corpus adds hundreds where present.
    assert len(seeds()) >= 40
    assert {kind for kind, _ in seeds()} == {"workflow", "action"}
